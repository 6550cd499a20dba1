"""Placements in the administrative extract and the alternative care indicator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from baove.cases.extract import pseudonym, write_admin_extract
from baove.indicators.admin import CARE_TYPES, compute_admin
from baove.placements import actions
from baove.placements.vocab import EXTRACT_CARE_TYPE, FacilityType

from .conftest import World
from .test_placements_actions import days_ago, kinship, propose


def test_every_care_type_is_in_the_indicator_vocabulary() -> None:
    assert set(EXTRACT_CARE_TYPE.values()) <= set(CARE_TYPES)
    assert set(FacilityType.values) <= {k for k, g in CARE_TYPES.items() if g == "residential"}
    assert CARE_TYPES["community_care"] == "family_based"


def test_extract_exports_real_placements(world: World, tmp_path: Path) -> None:
    ended = kinship(world.case_a1, world.officer_a1, start_date=days_ago(100))
    proposal = propose(world, world.case_a1, world.officer_a1, start_date=days_ago(40))
    residential = actions.decide_placement(
        proposal, approve=True, comment="", acting_user=world.manager_a, expected_version=1
    )
    community = actions.record_placement(
        world.case_a2, acting_user=world.officer_a2, placement_type="community",
        start_date=days_ago(5), reason="Nhóm chăm sóc tại cộng đồng.", agency=world.agency_x,
    )  # fmt: skip
    # Not alternative care, or not (yet) a placement: left out.
    actions.record_placement(
        world.case_b1, acting_user=world.officer_b1, placement_type="parents",
        start_date=days_ago(5), reason="Ở với cha mẹ, có giám sát.",
    )  # fmt: skip
    propose(world, world.case_b1, world.officer_b1)
    counts = write_admin_extract(tmp_path, acting_user=world.analyst)
    assert counts["placements"] == 3
    frame = pd.read_parquet(tmp_path / "placements.parquet").set_index("placement_id")
    ended.refresh_from_db()
    row = frame.loc[pseudonym("placement", ended.pk)]
    assert (row["care_type"], row["province"]) == ("kinship_care", "01")
    assert row["child_id"] == pseudonym("child", world.case_a1.child_id)
    assert row["start_date"] == days_ago(100) and row["end_date"] == days_ago(40)
    assert frame.loc[pseudonym("placement", residential.pk), "care_type"] == "sos_village"
    assert frame["end_date"].isna().sum() == 2  # the residential and community ones
    assert frame.loc[pseudonym("placement", community.pk), "care_type"] == "community_care"
    # The indicators read the extract: children in care at the end of this year.
    result = compute_admin(tmp_path, period="year")
    care = result[(result["indicator"] == "alternative_care") & (result["province"] == "01")]
    last = care[care["period"] == care["period"].max()].set_index("category")
    assert last.loc["_T", "numerator"] == 2
    assert last.loc["residential", "numerator"] == 1
    assert last.loc["community_care", "numerator"] == 1
    assert last.loc["family_based", "numerator"] == 1
