"""Tests of publishing indicator results and reading them back (store contract)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, ValidationFailed
from baove.dashboards import store
from baove.dashboards.actions import publish_results
from baove.dashboards.models import IndicatorResult, IndicatorRound
from baove.dashboards.synthetic import bench_frame
from baove.indicators import compute_survey
from baove.synth.rounds import generate_rounds

from .conftest import World

pytestmark = pytest.mark.django_db


@cache
def survey_results() -> pd.DataFrame:
    survey = generate_rounds(1, households=480, seed=3)[0]
    return compute_survey(survey.files, ids=["birth_reg", "stunting", "vd_any"])


def test_round_trip_keeps_every_number() -> None:
    results = survey_results()
    publish_results(results, source="survey", round="MICS-2021", year=2021, acting_user=None)
    back = store.results_frame(rounds=["MICS-2021"])
    assert list(back.columns) == list(store.COLUMNS)
    assert len(back) == len(results)
    assert set(back["source"]) == {"survey"} and set(back["year"]) == {2021}
    merged = results.merge(back, on=["indicator", "by", "domain"], suffixes=("", "_db"))
    assert len(merged) == len(results)
    for column in ("estimate", "se", "ci_low", "ci_high", "deff", "n_weighted"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_db"], equal_nan=True)
    assert (merged["n_unweighted"] == merged["n_unweighted_db"]).all()
    assert (merged["flag"] == merged["flag_db"]).all()
    # the order within a round is the order compute_survey gave
    first = back[back["indicator"] == "birth_reg"]
    assert first.iloc[0]["by"] == "total"
    assert store.latest_round() == "MICS-2021"
    assert store.rounds() == [("MICS-2021", 2021)]
    assert len(store.results_frame(by=["total"], indicators=["stunting"])) == 1


def test_publish_replaces_a_round_and_writes_one_audit_event() -> None:
    frame = bench_frame(["birth_reg", "stunting"], 2020)
    before = AuditEvent.objects.count()
    publish_results(frame, source="survey", round="X-2020", year=2020, acting_user=None)
    publish_results(frame.iloc[:10], source="survey", round="X-2020", year=2020, acting_user=None)
    assert IndicatorResult.objects.filter(round="X-2020").count() == 10
    assert IndicatorRound.objects.get(code="X-2020").rows == 10
    events = AuditEvent.objects.filter(action="indicators.publish").order_by("pk")
    assert AuditEvent.objects.count() == before + 2
    last = events.last()
    assert last is not None and last.details["replaced_rows"] == len(frame)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("indicator", "no_such_indicator"),
        ("by", "shoe_size"),
        ("flag", "?"),
        ("estimate", "abc"),
        ("n_unweighted", -3),
        ("domain", "bad domain!"),
    ],
)
def test_bad_frame_writes_nothing(column: str, value: str | int) -> None:
    good = bench_frame(["birth_reg"], 2020)
    publish_results(good, source="survey", round="KEEP-2020", year=2020, acting_user=None)
    bad = good.copy().astype({column: object})
    bad.at[5, column] = value
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        publish_results(bad, source="survey", round="KEEP-2020", year=2020, acting_user=None)
    assert "rows" in raised.value.errors
    assert "Row 6" in str(raised.value.errors["rows"][0])
    # the earlier publication is untouched, nothing new written
    assert IndicatorResult.objects.filter(round="KEEP-2020").count() == len(good)
    assert AuditEvent.objects.count() == events


def test_bad_arguments_and_duplicates_are_refused() -> None:
    frame = bench_frame(["birth_reg"], 2020)
    with pytest.raises(ValidationFailed) as raised:
        publish_results(frame, source="radio", round="bad code", year=1800, acting_user=None)
    assert {"source", "round", "year"} <= set(raised.value.errors)
    with pytest.raises(ValidationFailed) as raised:
        publish_results(
            pd.concat([frame, frame.iloc[:1]]),
            source="survey",
            round="D-2020",
            year=2020,
            acting_user=None,
        )
    assert "twice" in str(raised.value.errors["rows"][0])
    with pytest.raises(ValidationFailed):
        publish_results(frame.drop(columns=["se"]), source="survey", round="D-2020", year=2020,
                        acting_user=None)  # fmt: skip
    assert not IndicatorResult.objects.exists()
    publish_results(frame, source="survey", round="D-2020", year=2020, acting_user=None)
    with pytest.raises(ValidationFailed) as raised:
        publish_results(frame, source="ngo", round="D-2020", year=2020, acting_user=None)
    assert "round" in raised.value.errors


def test_only_administrators_publish(world: World) -> None:
    frame = bench_frame(["birth_reg"], 2020)
    for user in (world.analyst, world.manager_a, world.officer_a1, world.auditor):
        with pytest.raises(ActionNotAllowed):
            publish_results(frame, source="survey", round="P-2020", year=2020, acting_user=user)
    published = publish_results(
        frame, source="survey", round="P-2020", year=2020, acting_user=world.admin
    )
    assert published.published_by == world.admin
    event = AuditEvent.objects.get(action="indicators.publish")
    assert event.actor == world.admin and event.object_id == "P-2020"


def test_government_rows_may_use_administrative_ids() -> None:
    frame = pd.DataFrame(
        {
            "indicator": ["abuse_reported", "abuse_reported"],
            "by": ["total", "province"],
            "domain": ["Total", "01"],
            "estimate": [12.5, np.nan],
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "deff": np.nan,
            "n_unweighted": [40, 0],
            "n_weighted": np.nan,
            "flag": ["", "-"],
        }
    )
    publish_results(frame, source="government", round="ADMIN-2025", year=2025, acting_user=None)
    assert store.latest_round("government") == "ADMIN-2025"
    with pytest.raises(ValidationFailed):
        publish_results(frame, source="survey", round="S-2025", year=2025, acting_user=None)


def test_snapshot_follows_publications() -> None:
    first = store.snapshot()
    assert first.results.empty
    publish_results(bench_frame(["birth_reg"], 2020), source="survey", round="S-2020",
                    year=2020, acting_user=None)  # fmt: skip
    second = store.snapshot()
    assert second is not first and len(second.results) > 0
    assert store.snapshot() is second  # unchanged store: same snapshot


def test_publish_command_from_a_results_file(tmp_path: Path) -> None:
    path = tmp_path / "results.parquet"
    survey_results().to_parquet(path)
    call_command("publish_indicators", path=path, round_code="MICS-2021", year=2021,
                 label="MICS 2020-21", stdout=io.StringIO())  # fmt: skip
    assert IndicatorRound.objects.get(code="MICS-2021").label == "MICS 2020-21"
    assert IndicatorResult.objects.count() == len(survey_results())
    with pytest.raises(CommandError):
        call_command("publish_indicators", path=path, stdout=io.StringIO())  # no --round
    event = AuditEvent.objects.get(action="indicators.publish")
    assert event.channel == "cli" and event.actor is None


def test_publish_command_synthetic_and_admin(world: World) -> None:
    out = io.StringIO()
    call_command("publish_indicators", synthetic=True, rounds=2, households=480, stdout=out)
    assert store.rounds() == [("SYN-2024", 2024), ("SYN-2025", 2025)]
    assert all(r.synthetic for r in IndicatorRound.objects.all())
    year = timezone.localdate().year
    call_command("publish_indicators", admin=True, year=year, stdout=out)
    admin = store.results_frame(sources=["government"])
    assert set(admin["round"]) == {f"ADMIN-{year}"}
    assert "abuse_reported" in set(admin["indicator"])
