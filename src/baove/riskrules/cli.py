"""``baove screen``: proactive screening of registry lists, and checking a rules file.

``baove screen proactive --list registry.parquet --list out_of_school=oos.csv ... --out v.parquet``
``baove screen check-rules rules.toml``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from baove.riskrules.proactive import RegistryList, proactive_screen
from baove.riskrules.rules import LEVELS, RulesError, default_rules, load_rules


def _list(value: str) -> RegistryList:
    item, sep, path = value.partition("=")
    if not sep:
        return RegistryList(Path(value), None, Path(value).name)
    return RegistryList(Path(path), item.strip() or None, item.strip())


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``baove screen``."""
    parser = argparse.ArgumentParser(prog="baove screen", description="Early risk screening.")
    sub = parser.add_subparsers(dest="command", required=True)
    pro = sub.add_parser("proactive", help="screen registry lists; a home-visit list per commune")
    pro.add_argument(
        "--list",
        dest="lists",
        action="append",
        required=True,
        type=_list,
        metavar="[ITEM=]FILE",
        help="a .parquet/.csv list (child_id, commune_code); ITEM= the checklist item it flags",
    )
    pro.add_argument("--rules", type=Path, help="rules file (default: the shipped rules)")
    pro.add_argument("--min-level", choices=LEVELS, default="medium")
    pro.add_argument("--out", required=True, type=Path, help="output .parquet or .csv")
    check = sub.add_parser("check-rules", help="validate a rules file")
    check.add_argument("file", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 1 bad rules or lists, 2 bad arguments)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check-rules":
            rules = load_rules(args.file)
            print(f"{args.file}: version {rules.version}, {len(rules.rules)} rules: OK")
            return 0
        if args.out.suffix.lower() not in {".parquet", ".csv"}:
            print("--out must end in .parquet or .csv", file=sys.stderr)
            return 2
        rules = load_rules(args.rules) if args.rules else default_rules()
        started = time.perf_counter()
        result = proactive_screen(args.lists, rules, min_level=args.min_level, out=args.out)
    except RulesError as exc:
        print(exc, file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    levels = ", ".join(f"{k} {v:,}" for k, v in result.by_level.items())
    print(
        f"rules {result.rules_version}: {result.children:,} children ({levels}) in {seconds:.1f} s"
    )
    print(f"{result.visits:,} children to visit -> {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
