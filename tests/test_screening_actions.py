"""Screening actions and reads: permissions, scope, override note, versions, replay, runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.utils import translation

from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, Conflict, NotFound, ValidationFailed
from baove.registry.models import Child
from baove.riskrules import default_rules_text
from baove.screening import actions, reads
from baove.screening.actions import UploadedList
from baove.screening.models import ProactiveRow, RulesVersion, Screening
from baove.screening.rules import active_rules

from .conftest import World

pytestmark = pytest.mark.django_db

SCHOOL_AND_WORK = {"out_of_school": True, "child_labour": True}


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _rules_v2() -> str:
    # Version 2026.2: out of school alone reaches medium (3 points instead of 2).
    text = default_rules_text().replace('version = "2026.1"', 'version = "2026.2"')
    return text.replace(
        'id = "out_of_school"\nall = ["out_of_school"]\npoints = 2',
        'id = "out_of_school"\nall = ["out_of_school"]\npoints = 3',
    )


def test_record_stores_level_reasons_and_version(world: World) -> None:
    s = actions.record_screening(
        world.case_a1, answers=SCHOOL_AND_WORK, kind="intake", acting_user=world.officer_a1
    )
    assert (s.computed_level, s.final_level, s.score) == ("medium", "medium", 4)
    assert s.rules_version == "2026.1"
    assert [r["rule"] for r in s.reasons] == ["school_and_work", "out_of_school", "child_labour"]
    assert s.reasons[0]["text_en"] == "Out of school and working: at least Medium"
    assert (s.child_id, s.commune_id) == (world.case_a1.child_id, "00004")
    assert _events("screening.record") == 1
    # A double click: the same screening back, one event.
    again = actions.record_screening(
        world.case_a1, answers=SCHOOL_AND_WORK, kind="intake", acting_user=world.officer_a1
    )
    assert again.pk == s.pk and Screening.objects.count() == 1 and _events("screening.record") == 1


def test_record_refuses_bad_answers_and_scope(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        actions.record_screening(
            world.case_a1,
            answers={"nope": True, "neglect": "x"},
            kind="weekly",
            acting_user=world.officer_a1,
        )
    assert set(info.value.errors) == {"kind", "answers"}
    assert len(info.value.errors["answers"]) == 2
    with pytest.raises(NotFound):
        actions.record_screening(
            world.case_b1, answers={}, kind="intake", acting_user=world.officer_a1
        )
    for user in (world.provider_x, world.analyst, world.auditor, world.admin):
        with pytest.raises(ActionNotAllowed):
            actions.record_screening(world.case_a1, answers={}, kind="intake", acting_user=user)
    assert Screening.objects.count() == 0 and _events("screening.record") == 0


def test_confirm_and_override(world: World) -> None:
    s = actions.record_screening(
        world.case_a1, answers={}, kind="periodic", acting_user=world.officer_a1
    )
    with pytest.raises(ValidationFailed) as info:
        actions.override_screening(s, level="high", note="  ", acting_user=world.officer_a1)
    assert "note" in info.value.errors
    with pytest.raises(NotFound):
        actions.override_screening(s, level="high", note="x", acting_user=world.officer_a2)
    done = actions.override_screening(
        s, level="high", note="Trẻ có vết bầm mới.", acting_user=world.manager_a
    )
    assert (done.computed_level, done.final_level) == ("low", "high")
    assert done.confirmed_by == world.manager_a and done.is_overridden
    with pytest.raises(Conflict):
        actions.confirm_screening(s, acting_user=world.officer_a1)
    assert _events("screening.override") == 1 and _events("screening.confirm") == 0
    other = actions.record_screening(
        world.case_a1, answers={"neglect": True}, kind="periodic", acting_user=world.officer_a1
    )
    confirmed = actions.confirm_screening(other, acting_user=world.officer_a1)
    assert confirmed.final_level == "medium" and confirmed.confirmed_at is not None


def test_activate_rules_versions_and_errors(world: World) -> None:
    with pytest.raises(ActionNotAllowed):
        actions.activate_rules(_rules_v2(), acting_user=world.officer_a1)
    with pytest.raises(ValidationFailed) as info:
        actions.activate_rules(
            _rules_v2().replace('"neglect"', '"negelct"'), acting_user=world.admin
        )
    assert "negelct" in str(info.value.errors["text"][0])
    v2 = actions.activate_rules(_rules_v2(), acting_user=world.admin)
    assert v2.is_active and active_rules().version == "2026.2"
    assert actions.activate_rules(_rules_v2(), acting_user=world.admin).pk == v2.pk  # idempotent
    with translation.override("en"), pytest.raises(ValidationFailed, match="already stored"):
        actions.activate_rules(_rules_v2().replace("high = 7", "high = 8"), acting_user=world.admin)
    v1 = actions.activate_rules(default_rules_text(), acting_user=world.manager_a)
    assert RulesVersion.objects.filter(is_active=True).get() == v1
    s = actions.record_screening(
        world.case_a1, answers={"out_of_school": True}, kind="intake", acting_user=world.officer_a1
    )
    assert s.rules_version == "2026.1" and s.computed_level == "low"


def test_replay_shows_exactly_the_changed_ones(world: World) -> None:
    rec = actions.record_screening
    changed = rec(
        world.case_a1, answers={"out_of_school": True}, kind="intake", acting_user=world.officer_a1
    )
    rec(world.case_a2, answers={"neglect": True}, kind="intake", acting_user=world.officer_a2)
    rec(world.case_a1, answers={}, kind="periodic", acting_user=world.officer_a1)
    other_province = rec(
        world.case_b1, answers={"out_of_school": True}, kind="intake", acting_user=world.officer_b1
    )
    report = actions.replay_rules(_rules_v2(), acting_user=world.manager_a)
    assert (report.screenings, report.changed, report.raised) == (3, 1, 1)
    assert [c.screening_id for c in report.changes] == [changed.pk]
    change = report.changes[0]
    assert (change.old_level, change.new_level) == ("low", "medium")
    assert change.old_reasons == ["out_of_school"] and change.new_reasons == ["out_of_school"]
    assert report.transitions == {("low", "medium"): 1}
    assert Screening.objects.get(pk=changed.pk).computed_level == "low"  # read-only
    national = actions.replay_rules(_rules_v2(), acting_user=world.admin)
    assert (national.screenings, national.changed, national.changes) == (4, 2, [])
    assert other_province.pk not in [c.screening_id for c in report.changes]
    with pytest.raises(ActionNotAllowed):
        actions.replay_rules(_rules_v2(), acting_user=world.officer_a1)


def test_reads_are_scoped_and_audited(world: World) -> None:
    s = actions.record_screening(
        world.case_a1, answers={}, kind="intake", acting_user=world.officer_a1
    )
    assert reads.view_screening(world.manager_a, s.pk).pk == s.pk
    assert _events("screening.view") == 1
    for user in (world.officer_a2, world.manager_b, world.provider_x, world.admin):
        with pytest.raises(NotFound) as info:
            reads.view_screening(user, s.pk)
        with pytest.raises(NotFound) as missing:
            reads.view_screening(user, 987654321)
        assert str(info.value) == str(missing.value)
    assert [x.pk for x in reads.case_screenings(world.officer_a1, world.case_a1.pk)] == [s.pk]
    assert _events("screening.list") == 1
    assert reads.latest_for_case(world.officer_a2, world.case_a1.pk) is None


def _lists(tmp_path: Path, world: World) -> list[UploadedList]:
    child = Child.objects.get(pk=world.case_a1.child_id)
    Child.objects.filter(pk=child.pk).update(id_number="001234567890")
    reg = tmp_path / "registry.csv"
    pd.DataFrame(
        {
            "child_id": ["001234567890", "777", "888", "999"],
            "commune_code": ["00004", "00004", "00008", "25747"],
        }
    ).to_csv(reg, index=False)
    oos = tmp_path / "oos.csv"
    pd.DataFrame(
        {
            "child_id": ["001234567890", "777", "888", "999"],
            "commune_code": ["00004", "00004", "00008", "25747"],
        }
    ).to_csv(oos, index=False)
    lab = tmp_path / "lab.csv"
    pd.DataFrame(
        {"child_id": ["001234567890", "888", "999"], "commune_code": ["00004", "00008", "25747"]}
    ).to_csv(lab, index=False)
    return [
        UploadedList(reg, None, "registry.csv"),
        UploadedList(oos, "out_of_school", "oos"),
        UploadedList(lab, "child_labour", "lab"),
    ]


def test_proactive_run_and_visit_lists(world: World, tmp_path: Path) -> None:
    lists = _lists(tmp_path, world)
    with pytest.raises(ActionNotAllowed):
        actions.run_proactive(lists=lists, acting_user=world.officer_a1)
    with pytest.raises(ActionNotAllowed):
        actions.run_proactive(lists=lists, acting_user=world.manager_a, commune=world.commune_b1)
    run = actions.run_proactive(lists=lists, acting_user=world.manager_a, min_level="medium")
    assert (run.children, run.visits) == (3, 2)  # province A only; 777 is low
    rows = list(ProactiveRow.objects.filter(run=run).order_by("commune_id", "rank"))
    assert [(r.commune_id, r.rank, r.list_child_id) for r in rows] == [
        ("00004", 1, "001234567890"),
        ("00008", 1, "888"),
    ]
    assert rows[0].child_id == world.case_a1.child_id and rows[1].child_id is None
    assert _events("screening.proactive_run") == 1
    _run, mine = reads.visit_list(world.officer_a1, run.pk)
    assert [r.list_child_id for r in mine] == ["001234567890"]
    with pytest.raises(NotFound):
        reads.visit_list(world.officer_b1, run.pk)
    with pytest.raises(NotFound):
        reads.visit_list(world.manager_b, run.pk)
    bad = [UploadedList(tmp_path / "missing.csv", "poverty", "missing.csv")]
    with pytest.raises(ValidationFailed, match=r"file not found|không tìm thấy"):
        actions.run_proactive(lists=bad, acting_user=world.manager_a)
