"""Tests of the translations: complete Vietnamese catalog, fresh .mo files, language choice."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import polib
import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from baove.accounts.models import Sector
from baove.accounts.roles import Role
from baove.cases import actions, vocab
from baove.core.errors import ValidationFailed
from baove.registry import vocab as registry_vocab
from baove.web.context import NAV
from baove.web.templatetags.baove_tags import ACTION_LABELS

from .conftest import World, case_data, child_data

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "baove" / "locale"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def load_compiler() -> ModuleType:
    """Import scripts/compile_messages.py (a script, not a package module)."""
    path = ROOT / "scripts" / "compile_messages.py"
    spec = importlib.util.spec_from_file_location("compile_messages", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def test_every_vietnamese_entry_is_translated_and_not_fuzzy() -> None:
    po = polib.pofile(str(VI_PO))
    assert po.metadata["Language"] == "vi"
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")
    assert not po.metadata_is_fuzzy
    entries = live_entries(po)
    assert len(entries) > 300
    untranslated = [e.msgid for e in entries if not e.translated()]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    for entry in entries:
        if entry.msgid_plural:
            assert all(s.strip() for s in entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_placeholders_are_kept_in_translations() -> None:
    for entry in live_entries(polib.pofile(str(VI_PO))):
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def test_english_catalog_exists() -> None:
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Language"] == "en"
    assert not [e.msgid for e in live_entries(po) if "fuzzy" in e.flags]


def test_mo_files_are_up_to_date(tmp_path: Path) -> None:
    compiler = load_compiler()
    written = compiler.compile_all(LOCALE, tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} >= {
        "vi/LC_MESSAGES/django.mo",
        "en/LC_MESSAGES/django.mo",
    }
    for fresh in written:
        committed = LOCALE / fresh.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is missing: run scripts/compile_messages.py"
        assert compiler.mo_entries(committed) == compiler.mo_entries(fresh), (
            f"{committed} is stale: run scripts/compile_messages.py"
        )
    assert compiler.stale_catalogs(LOCALE) == []


def test_compiler_leaves_out_fuzzy_entries(tmp_path: Path) -> None:
    compiler = load_compiler()
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "vi"}
    po.append(polib.POEntry(msgid="Done", msgstr="Xong"))
    po.append(polib.POEntry(msgid="Maybe", msgstr="Có lẽ", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Empty", msgstr=""))
    (tmp_path / "vi" / "LC_MESSAGES").mkdir(parents=True)
    po.save(str(tmp_path / "vi" / "LC_MESSAGES" / "django.po"))
    (mo_path,) = compiler.compile_all(tmp_path)
    assert compiler.mo_entries(mo_path) == {("", "Done"): "Xong"}
    assert compiler.main([str(tmp_path), "--check"]) == 0


def _labels() -> list[tuple[str, Any]]:
    """Every label users see for codes: vocabularies, roles, actions, navigation."""
    out: list[tuple[str, Any]] = []
    for module in (vocab, registry_vocab):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.Choices):
                out += [(f"{value.__name__}.{m.name}", m.label) for m in value]
    out += [(f"Role.{r.name}", r.label) for r in Role]
    out += [(f"Sector.{s.name}", s.label) for s in Sector]
    out += [(f"action {k}", v) for k, v in ACTION_LABELS.items()]
    out += [(f"nav {name}", label) for name, label, _perm in NAV]
    return out


def test_every_label_has_a_vietnamese_translation() -> None:
    with translation.override("en"):
        english = {key: str(label) for key, label in _labels()}
    with translation.override("vi"):
        same = [key for key, label in _labels() if str(label) == english[key]]
    assert not same, f"not translated into Vietnamese (run makemessages): {same}"


def test_sign_in_page_is_vietnamese_by_default(client: Client, db: None) -> None:
    page = client.get(reverse("web:login")).content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page and "Sign in" not in page


def test_sign_in_page_follows_accept_language(client: Client, db: None) -> None:
    page = client.get(reverse("web:login"), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page and "Đăng nhập" not in page


def test_sign_in_page_follows_the_language_cookie(client: Client, db: None) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("web:login"), headers={"accept-language": "vi"}).content.decode()
    assert "Sign in" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = client.get(reverse("web:login"), headers={"accept-language": "en"}).content.decode()
    assert "Đăng nhập" in page


def test_validation_messages_from_actions_are_vietnamese(world: World) -> None:
    future = timezone.localdate() + dt.timedelta(days=30)
    data = child_data(world.commune_a1.code, birth_date=future, given_name="")
    with translation.override("vi"), pytest.raises(ValidationFailed) as info:
        actions.open_case(acting_user=world.officer_a1, child_data=data, case_data=case_data())
    errors = info.value.errors
    with translation.override("vi"):
        assert str(errors["birth_date"][0]) == "Ngày này nằm trong tương lai."
        assert str(errors["given_name"][0]) == "Bắt buộc nhập thông tin này."
        assert str(info.value) == str(errors[info.value.field or ""][0])
    with translation.override("en"):
        assert str(errors["birth_date"][0]) == "This date is in the future."


def test_formatted_messages_are_vietnamese(world: World) -> None:
    with translation.override("vi"), pytest.raises(ValidationFailed) as info:
        actions.add_note(world.case_a1, text="x" * 8001, acting_user=world.officer_a1)
    assert str(info.value.errors["text"][0]) == "Quá dài: tối đa 8000 ký tự (hiện có 8001)."
