"""Old-to-new commune and province codes (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from baove.linkage.communes import (
    candidates_2025,
    detect_vintage,
    map_communes,
    map_provinces,
    normalise_code,
    tables,
)
from baove.synth import data


def test_tables_cover_the_2025_units() -> None:
    t = tables()
    assert len(t.new_province) == 3321
    assert len(set(t.new_province.values())) == 34
    # Every candidate is a real 2025 commune: nothing is invented.
    assert all(c in t.new_province for cands in t.old_to_new.values() for c in cands)
    assert len(t.old_to_new) > 10_000


def test_whole_and_split_old_communes() -> None:
    t = tables()
    # Phường Phúc Xá went whole into Phường Hồng Hà.
    assert t.old_name["00001"] == "Phường Phúc Xá"
    assert candidates_2025("00001", "legacy") == ("00097",)
    assert t.new_name["00097"] == "Phường Hồng Hà"
    # Phường Điện Biên was split among four new wards: all four are kept.
    assert candidates_2025("00019", "legacy") == ("00004", "00070", "00190", "00226")


def test_same_code_reads_differently_by_vintage() -> None:
    # 00004 is Phường Trúc Bạch (old) and Phường Ba Đình (2025); 00006 only exists as old.
    assert candidates_2025("00006", "legacy") == ("00008",)
    assert candidates_2025("00006", "2025") == ()
    assert candidates_2025("00004", "2025") == ("00004",)
    assert set(candidates_2025("00007", "mixed")) == {"00008", "00025"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("4", "00004"), (4, "00004"), (4.0, "00004"), ("4.0", "00004"), (" 00019 ", "00019"),
     ("abc", None), ("", None), (None, None), (float("nan"), None), ("123456", None)],
)  # fmt: skip
def test_normalise_code(value: object, expected: str | None) -> None:
    assert normalise_code(value) == expected


def test_detect_vintage() -> None:
    t = tables()
    new = sorted(t.new_province)
    old_only = [c for c in sorted(t.old_to_new) if c not in t.new_province]
    assert detect_vintage(new[:500]) == "2025"
    assert detect_vintage(sorted(t.old_to_new)) == "legacy"
    assert detect_vintage(new[:400] + old_only[:200]) == "mixed"
    assert detect_vintage([None, None]) == "2025"
    # Weights are row counts: one frequent old-only code outweighs many new ones.
    assert detect_vintage([new[0], old_only[0]], [1, 1000]) != "2025"


def test_map_communes_keeps_ambiguity_and_derives_province() -> None:
    values = pd.Series(["00019", "00001", None, "01651", "27691"])
    m = map_communes(values, "legacy")
    assert m.vintage == "legacy"
    assert m.commune == [None, "00097", None, None, "27694"]
    assert m.candidates[0] == ["00004", "00070", "00190", "00226"]
    assert m.candidates[2] == [] and m.candidates[3] == []
    # Xã Mỹ Hưng (Cao Bằng) has no row in the official table: only its province is known.
    assert m.province == ["01", "01", None, "04", "80"]


def test_map_communes_auto_detects_a_legacy_column() -> None:
    t = tables()
    old_codes = sorted(t.old_to_new)[::7]
    m = map_communes(pd.Series(old_codes), "auto")
    assert m.vintage == "legacy"
    assert m.candidates == [list(t.old_to_new[c]) for c in old_codes]


def test_province_codes_and_names_map_to_2025() -> None:
    values = pd.Series(
        ["02", "2", "Tỉnh Hà Giang", "HA GIANG", "79", "TP Hồ Chí Minh", "Bình Dương",
         "Thừa Thiên Huế", "82", "nowhere", None, "01"]
    )  # fmt: skip
    assert map_provinces(values) == [
        "08", "08", "08", "08", "79", "79", "79", "46", "82", None, None, "01",
    ]  # fmt: skip


def test_province_table_agrees_with_id_number_prefixes() -> None:
    # The generator's hand-written 63 -> 34 table (ID prefixes) must agree with the
    # official conversion table.
    t = tables()
    for new, old_codes in data.OLD_CODES_BY_PROVINCE.items():
        for old in old_codes:
            assert t.province_to_new[old[1:]][0] == new, old
    assert len(t.province_to_new) == 63
