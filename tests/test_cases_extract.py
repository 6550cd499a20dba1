"""The administrative extract of our own case data (Django side)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from baove.audit.models import AuditEvent
from baove.cases.extract import pseudonym, write_admin_extract
from baove.cases.vocab import Category
from baove.indicators.admin import ABUSE_CATEGORIES, CATEGORIES, TABLES, compute_admin
from baove.registry.models import Child
from tests.conftest import World

FORBIDDEN = {"name", "full_name", "family_name", "given_name", "middle_name", "id_number",
             "address", "phone", "summary", "reference", "birth_date"}  # fmt: skip


def test_category_codes_match_the_case_vocabulary() -> None:
    # The plain-Python indicators package copies the codes; they must not drift apart.
    assert list(CATEGORIES) == list(Category.values)
    assert set(ABUSE_CATEGORIES) <= set(Category.values)


def test_extract_content_without_names_or_id_numbers(world: World, tmp_path: Path) -> None:
    out = tmp_path / "extract"
    counts = write_admin_extract(out, acting_user=world.analyst)
    assert counts == {
        "children": 3, "cases": 3, "case_categories": 3, "placements": 0, "referrals": 0,
        "population": 0,
    }  # fmt: skip
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}
    for name, frame in tables.items():
        # Every table has exactly the columns of the format (placements/referrals empty).
        spec = [c.name for c in TABLES[name].columns]
        assert set(frame.columns) <= set(spec), name
        assert not (set(frame.columns) & FORBIDDEN), name
    children = tables["children"].set_index("child_id")
    child = Child.objects.get(pk=world.case_b1.child_id)
    row = children.loc[pseudonym("child", child.pk)]
    assert (row["sex"], row["province"], row["commune"]) == ("M", "79", "25747")
    assert (row["birth_year"], row["birth_month"]) == (
        child.birth_date.year,
        child.birth_date.month,
    )
    cases = tables["cases"].set_index("case_id")
    case = cases.loc[pseudonym("case", world.case_a2.pk)]
    assert case["child_id"] == pseudonym("child", world.case_a2.child_id)
    assert (case["province"], case["commune"], case["risk_level"]) == ("01", "00008", "high")
    assert case["reported_at"] == pd.Timestamp(world.case_a2.reported_at)
    assert pd.isna(case["closed_at"])
    assert set(tables["case_categories"]["category"]) == {"reported_abuse"}
    # Nothing that identifies a child appears anywhere in the files, in any column.
    text = " ".join(
        str(v) for frame in tables.values() for v in frame.astype(str).to_numpy().ravel()
    )
    for value in ("Nguyễn", "Hương", "Trần", "Huỳnh", world.case_a1.reference):
        assert value not in text
    assert str(world.case_a1.pk) not in tables["cases"]["case_id"].tolist()
    # The empty tables still carry their typed columns.
    schema = pq.read_schema(out / "referrals.parquet")
    assert schema.field("sent_at").type.tz == "UTC"
    manifest = json.loads((out / "extract.json").read_text())
    assert dt.datetime.fromisoformat(manifest["extracted_at"]).tzinfo is not None

    event = AuditEvent.objects.get(action="indicators.admin_extract")
    assert event.actor_id == world.analyst.pk
    assert event.details["rows"]["cases"] == 3


def test_extract_feeds_the_indicators(world: World, tmp_path: Path) -> None:
    out = tmp_path / "extract"
    population = tmp_path / "pop.parquet"
    year = pd.Timestamp(world.case_a1.reported_at).tz_convert("Asia/Ho_Chi_Minh").year
    pd.DataFrame(
        {"province": ["01", "79"], "year": [year, year], "sex": ["T", "T"],
         "age": [5, 5], "population": [20_000.0, 10_000.0]}
    ).to_parquet(population)  # fmt: skip
    call_command("admin_extract", "--out", str(out), "--population", str(population))
    assert AuditEvent.objects.filter(action="indicators.admin_extract", channel="cli").count() == 1
    result = compute_admin(out)
    row = result[
        (result["indicator"] == "abuse_reported")
        & (result["province"] == "01")
        & (result["period"] == str(year))
    ].iloc[0]
    # Two children with a reported-abuse case in Hà Nội out of 20,000 -> 10 per 100,000.
    assert (row["numerator"], row["denominator"]) == (2, 20_000.0)
    assert row["value"] == pytest.approx(10.0)


def test_extract_carries_referrals_with_their_times(world: World, tmp_path: Path) -> None:
    from baove.referrals import actions as referral_actions

    from .test_referrals_helpers import consent, send, service_x

    consent(world.case_a1, world.officer_a1, "services", "sharing")
    referral = send(world, service_x(world))
    referral = referral_actions.accept(
        referral, acting_user=world.provider_x, expected_version=referral.version
    )
    counts = write_admin_extract(tmp_path / "x", acting_user=world.analyst)
    assert counts["referrals"] == 1
    [row] = pd.read_parquet(tmp_path / "x" / "referrals.parquet").to_dict("records")
    assert row["referral_id"] == pseudonym("referral", referral.pk)
    assert row["case_id"] == pseudonym("case", world.case_a1.pk)
    assert row["province"] == "01"
    assert row["sent_at"] == pd.Timestamp(referral.sent_at)
    assert row["due_at"] == pd.Timestamp(referral.respond_by)
    assert referral.first_response_at is not None
    assert row["first_response_at"] == pd.Timestamp(referral.first_response_at)
    assert pd.isna(row["completed_at"])
