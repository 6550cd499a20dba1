"""The synthetic multi-source linkage benchmark (no database)."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from baove.core.text import fold
from baove.linkage.communes import tables
from baove.linkage.standardise import ROLES
from baove.synth.linkage_sources import (
    SOURCE_KINDS,
    LinkageBenchmark,
    _strip,
    _tone_variant,
    generate_sources,
)

N = 1500


@functools.cache
def _bench() -> LinkageBenchmark:
    return generate_sources(N, seed=11)


@functools.cache
def _standardised() -> pd.DataFrame:
    b = _bench()
    frames = b.standardised()
    out = pd.concat(frames, ignore_index=True)
    return out.merge(b.truth, on="record_id").merge(b.children, on="child_id")


def test_deterministic_by_seed() -> None:
    a, b = generate_sources(200, seed=5), generate_sources(200, seed=5)
    for name in a.sources:
        pd.testing.assert_frame_equal(a.sources[name], b.sources[name])
    pd.testing.assert_frame_equal(a.truth, b.truth)
    other = generate_sources(200, seed=6)
    assert not a.sources["birth_registry"].equals(other.sources["birth_registry"])


def test_sources_roles_and_truth_fit_together() -> None:
    b = _bench()
    assert list(b.sources) == [k.name for k in SOURCE_KINDS]
    n_records = 0
    for name, frame in b.sources.items():
        assert set(b.roles[name]) == set(frame.columns)
        assert set(b.roles[name].values()) <= set(ROLES)
        assert frame[b.id_columns[name]].is_unique
        n_records += len(frame)
    assert len(b.truth) == n_records
    assert b.truth["record_id"].is_unique
    assert set(b.truth["child_id"]) <= set(b.children["child_id"])
    # Layouts differ: one full-name column in some sources, separate parts in others.
    assert "full_name" in b.roles["health_insurance"].values()
    assert "family" in b.roles["birth_registry"].values()
    # Overlap: most children are in two sources or more.
    per_child = b.truth["child_id"].value_counts()
    assert (per_child >= 2).mean() > 0.7
    # Duplicates within a source exist.
    source_of = b.truth["record_id"].str.split(":").str[0]
    assert b.truth.assign(source=source_of).duplicated(["source", "child_id"]).sum() > 0


def test_more_sources_and_bad_arguments() -> None:
    b = generate_sources(50, n_sources=5, seed=1)
    assert list(b.sources)[-1] == "birth_registry_2"
    assert len(generate_sources(0, seed=1).truth) == 0
    with pytest.raises(ValueError):
        generate_sources(10, n_sources=0)


def test_spelling_error_helpers() -> None:
    assert _tone_variant("Hoà") == "Hòa" and _tone_variant("Hòa") == "Hoà"
    assert _tone_variant("Thủy") == "Thuỷ"
    assert _tone_variant("Hoàng") == "Hoàng"  # tone placement only varies on open oa/oe/uy
    assert _strip("Đặng Thị Hoà") == "Dang Thi Hoa"


def test_realistic_errors_are_present() -> None:
    b = _bench()
    ngo = b.sources["ngo_beneficiaries"]
    assert ngo["dob"].str.contains("khoảng|~").any()
    assert ngo["dob"].str.fullmatch(r"\d{5}").any()  # Excel serials
    assert ngo["family_name"].str.isascii().mean() > 0.3  # diacritics lost
    health = b.sources["health_insurance"]
    assert health["dien_thoai"].str.startswith("+84").any()
    assert health["ngay_sinh"].str.endswith("-01-01").mean() > 0.03  # estimated as 1 Jan
    school = b.sources["school_enrolment"]
    assert (school["ho_va_ten"] == school["ho_va_ten"].str.upper()).mean() > 0.3
    s = _standardised()
    true_given = s["given"].map(fold)
    assert 0.9 < (s["given_name"] == true_given).mean() < 1.0  # typos and swaps happen
    swapped = s["birth_date"] == s["birth"].map(lambda d: f"{d:%Y-%d-%m}")
    assert (swapped & (s["birth"].map(lambda d: d.day != d.month))).any()
    with_id = s[s["id_number_x"].notna()]
    assert 0.95 < (with_id["id_number_x"] == with_id["id_number_y"]).mean() < 1.0
    assert (s["source"] == "school_enrolment").sum() > 0
    ages = s[s["source"] == "school_enrolment"]["birth"].map(lambda d: d.year)
    assert ages.max() <= 2020


def test_standardised_sources_recover_the_truth() -> None:
    s = _standardised()
    # The year survives every error the generator makes.
    assert (s["birth_year"] == s["birth"].map(lambda d: d.year)).all()
    # Old codes keep every candidate, so the true 2025 commune is always among them.
    pairs = zip(s["new_commune"], s["commune_candidates"], strict=True)
    assert all(c in cands for c, cands in pairs)
    # A column of old codes is detected as such and read through the conversion table.
    ngo = s[s["source"] == "ngo_beneficiaries"]
    old_to_new = tables().old_to_new
    expected = [list(old_to_new[c]) for c in ngo["old_commune"]]
    assert ngo["commune_candidates"].tolist() == expected
    assert (s["sex_x"] == s["sex_y"]).all()
    canon = s["family"].map(fold).replace({"huynh": "hoang", "vo": "vu"})
    assert (s["family_name_canon"] == canon).mean() > 0.95
