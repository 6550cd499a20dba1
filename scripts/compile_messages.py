#!/usr/bin/env python3
"""Compile every ``.po`` catalog under ``src/baove/locale`` into its ``.mo`` file.

Uses the ``polib`` library, so neither GNU gettext nor ``django-admin compilemessages`` is
needed on the machine. Fuzzy and untranslated entries are left out of the ``.mo`` (as
``msgfmt`` does), so Django falls back to the English source text for them.

Usage::

    python scripts/compile_messages.py            # write the .mo files
    python scripts/compile_messages.py --check    # exit 1 if a .mo is missing or stale
    python scripts/compile_messages.py --out DIR  # write into DIR (same layout) instead
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "src" / "baove" / "locale"

#: (context, msgid) -> msgstr, or the tuple of plural forms.
Entries = dict[tuple[str, str], str | tuple[str, ...]]


def catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Return every ``.po`` file under ``locale_dir``, sorted."""
    return sorted(locale_dir.rglob("*.po"))


def compile_catalog(po_path: Path, mo_path: Path) -> int:
    """Compile one ``.po`` file to ``mo_path``; return how many translations it holds."""
    po = polib.pofile(str(po_path))
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    po.save_as_mofile(str(mo_path))
    return len(po.translated_entries())


def compile_all(locale_dir: Path = LOCALE_DIR, out_dir: Path | None = None) -> list[Path]:
    """Compile every catalog under ``locale_dir``.

    Args:
        locale_dir: Where the ``<lang>/LC_MESSAGES/*.po`` files are.
        out_dir: Write the ``.mo`` files here with the same layout (default: next to the
            ``.po`` files).

    Returns:
        The ``.mo`` files written.
    """
    written = []
    for po_path in catalogs(locale_dir):
        relative = po_path.relative_to(locale_dir).with_suffix(".mo")
        mo_path = (out_dir or locale_dir) / relative
        compile_catalog(po_path, mo_path)
        written.append(mo_path)
    return written


def mo_entries(mo_path: Path) -> Entries:
    """Return the translations stored in a ``.mo`` file (the header left out)."""
    out: Entries = {}
    for entry in polib.mofile(str(mo_path)):
        key = (entry.msgctxt or "", entry.msgid)
        if entry.msgid_plural:
            out[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        elif entry.msgid:
            out[key] = entry.msgstr
    return out


def stale_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Return the ``.po`` files whose ``.mo`` is missing or differs from a fresh compile."""
    import tempfile

    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for po_path in catalogs(locale_dir):
            mo_path = po_path.with_suffix(".mo")
            fresh = Path(tmp) / po_path.relative_to(locale_dir).with_suffix(".mo")
            compile_catalog(po_path, fresh)
            if not mo_path.exists() or mo_entries(mo_path) != mo_entries(fresh):
                stale.append(po_path)
    return stale


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("locale_dir", nargs="?", type=Path, default=LOCALE_DIR)
    parser.add_argument("--check", action="store_true", help="only check the .mo files")
    parser.add_argument("--out", type=Path, help="write the .mo files under this folder")
    args = parser.parse_args(argv)
    locale_dir: Path = args.locale_dir.resolve()
    if not catalogs(locale_dir):
        print(f"compile_messages: no .po files under {locale_dir}", file=sys.stderr)
        return 1
    if args.check:
        stale = stale_catalogs(locale_dir)
        for path in stale:
            print(f"compile_messages: out of date: {path.with_suffix('.mo')}", file=sys.stderr)
        return 1 if stale else 0
    for mo_path in compile_all(locale_dir, args.out):
        count = len(mo_entries(mo_path))
        print(f"compile_messages: {mo_path} ({count} translations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
