"""Importing a ``baove link run`` output: all or nothing, per-row errors, one audit event."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from baove.audit.models import AuditEvent
from baove.matching import actions
from baove.matching.candidates import DEFAULT_MODEL
from baove.matching.importer import ImportFailed, export_labels, import_run, index_registry
from baove.matching.models import LinkedRecord, ReviewPair, ReviewStatus, TermFrequency
from baove.matching.standard import standard_fields

from .conftest import COMMUNE_A1, COMMUNE_A2, COMMUNE_B1, PROVINCE_A, PROVINCE_B, World

pytestmark = pytest.mark.django_db

PLACES = {COMMUNE_A1: PROVINCE_A, COMMUNE_A2: PROVINCE_A, COMMUNE_B1: PROVINCE_B}


def person(record_id: str, family: str, middle: str, given: str, born: str, sex: str,
           commune: str, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """One standardised record as ``records.parquet`` holds it."""
    fields = standard_fields(
        family=family, middle=middle, given=given, birth_date=born, sex=sex,
        commune=commune, province=PLACES.get(commune, ""), id_number=extra.pop("id_number", ""),
    )  # fmt: skip
    fields["commune_candidates"] = [commune] if commune else []
    fields.update(record_id=record_id, source=record_id.split(":")[0])
    fields["display_name"] = f"{family} {middle} {given}".replace("  ", " ")
    fields["display_birth_date"] = born
    fields.update(extra)
    return fields


#: A small linked world: the same girl in two sources of commune A1, a boy in B1.
RECORDS = [
    person("school:1", "Nguyễn", "Thị", "Hương", "2016-03-04", "F", COMMUNE_A1),
    person("health:7", "Nguyen", "Thi", "Huong", "2016-04-03", "F", COMMUNE_A1),
    person("health:8", "Trần", "", "Lan", "2015-01-01", "F", COMMUNE_A2),
    person("school:2", "Huỳnh", "Văn", "Nam", "2014-06-01", "M", COMMUNE_B1),
    person("health:9", "Hoàng", "Văn", "Nam", "2014-06-01", "M", COMMUNE_B1),
]
CLUSTERS = {"school:1": "c1", "health:7": "c1", "health:8": "c2", "school:2": "c3",
            "health:9": "c3"}  # fmt: skip
REVIEW = [("school:1", "health:7", 0.8), ("school:2", "health:9", 0.7)]


def write_run(
    folder: Path,
    records: list[dict[str, Any]] | None = None,
    clusters: dict[str, str] | None = None,
    review: list[tuple[str, str, float]] | None = None,
) -> Path:
    """Write a ``baove link run``-like output folder (with ``records.parquet``)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = RECORDS if records is None else records
    frame = pd.DataFrame(rows)
    frame["commune_candidates"] = [list(c) for c in frame["commune_candidates"]]
    frame.to_parquet(folder / "records.parquet", index=False)
    cl = CLUSTERS if clusters is None else clusters
    pd.DataFrame({"record_id": list(cl), "cluster_id": list(cl.values())}).to_parquet(
        folder / "clusters.parquet", index=False
    )
    rv = REVIEW if review is None else review
    pd.DataFrame(
        {
            "record_id_l": [r[0] for r in rv],
            "record_id_r": [r[1] for r in rv],
            "match_probability": [r[2] for r in rv],
            "given_name_level": ["exact"] * len(rv),
        }
    ).to_parquet(folder / "review.parquet", index=False)
    shutil.copy(DEFAULT_MODEL, folder / "model.json")
    return folder


def test_import_loads_records_clusters_pairs_and_frequencies(world: World, tmp_path: Path) -> None:
    before = AuditEvent.objects.count()
    summary = import_run(write_run(tmp_path / "run"))
    assert summary.records_created == 5 and summary.review_pairs_created == 2
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "match.import"
    rec = LinkedRecord.objects.get(record_id="health:7")
    assert (rec.given_name, rec.family_name_canon, rec.cluster_id) == ("huong", "nguyen", "c1")
    assert rec.birth_date_swapped == "2016-03-04" and rec.province == PROVINCE_A
    assert TermFrequency.objects.get(column="given_name", value="nam").frequency == pytest.approx(
        2 / 5
    )
    pair = ReviewPair.objects.get(record_l__record_id="school:2")
    assert (pair.province_l, pair.province_r, pair.status) == (PROVINCE_B, PROVINCE_B, "pending")
    # A second import updates, keeps decided pairs' decisions, adds nothing twice.
    actions.decide_pair(pair.pk, decision="match", acting_user=world.manager_b, expected_version=1)
    again = import_run(write_run(tmp_path / "run2"))
    assert (again.records_created, again.records_updated, again.review_pairs_created) == (0, 5, 0)
    assert ReviewPair.objects.get(pk=pair.pk).status == ReviewStatus.MATCH


def test_import_is_all_or_nothing_with_every_bad_row(world: World, tmp_path: Path) -> None:
    bad = [
        *RECORDS,
        person("school:3", "Lê", "", "An", "2015-02-30", "F", COMMUNE_A1),
        person("school:4", "Lê", "", "Bình", "2015-02-01", "X", "9999"),
        person("nocolon", "Lê", "", "Chi", "2015-02-01", "F", COMMUNE_A1),
    ]
    bad[5]["birth_date"] = "2015-02-30"
    bad[6]["sex"] = "X"
    clusters = {**CLUSTERS, "school:3": "c4", "school:4": "c5", "nocolon": "c6"}
    before = (LinkedRecord.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportFailed) as caught:
        import_run(write_run(tmp_path / "bad", bad, clusters))
    messages = [str(e) for e in caught.value.errors]
    assert any("row 5, column birth_date" in m for m in messages), messages
    assert any("row 6, column sex" in m for m in messages)
    assert any("row 6, column commune" in m and "9999" in m for m in messages)
    assert any("row 7, column record_id" in m for m in messages)
    assert (LinkedRecord.objects.count(), AuditEvent.objects.count()) == before


def test_import_refuses_unknown_pairs_and_missing_clusters(world: World, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        import_run(write_run(tmp_path / "a", review=[("school:1", "ghost:1", 0.6)]))
    assert "ghost:1" in str(caught.value.errors[0])
    clusters = {k: v for k, v in CLUSTERS.items() if k != "health:9"}
    with pytest.raises(ImportFailed) as caught:
        import_run(write_run(tmp_path / "b", clusters=clusters))
    assert "not in clusters.parquet" in str(caught.value.errors[0])
    folder = write_run(tmp_path / "c")
    (folder / "model.json").write_text(json.dumps({"comparisons": []}), encoding="utf-8")
    with pytest.raises(ImportFailed):
        import_run(folder)
    assert not LinkedRecord.objects.exists() and not ReviewPair.objects.exists()


def test_command_reports_errors_and_imports(world: World, tmp_path: Path) -> None:
    folder = write_run(tmp_path / "run", clusters={"school:1": "c1"})
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("link_import", str(folder))
    call_command("link_import", str(write_run(tmp_path / "ok")))
    assert LinkedRecord.objects.count() == 5
    assert AuditEvent.objects.filter(action="match.import", channel="cli").count() == 1


def test_import_from_sources_with_config(world: World, tmp_path: Path) -> None:
    config = tmp_path / "link.toml"
    config.write_text(
        '[sources.school]\nid_column = "ma"\n[sources.school.columns]\nma = "ignore"\n'
        'ho_ten = "full_name"\nngay_sinh = "birth_date"\nxa = "commune"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "school.csv").write_text(
        "ma,ho_ten,ngay_sinh,xa\n1,Nguyễn Thị Hương,04/03/2016,00004\n"
        "2,Trần Lan,01/01/2015,00008\n",
        encoding="utf-8",
    )
    run = write_run(tmp_path / "run", clusters={"school:1": "c1", "school:2": "c2"}, review=[])
    (run / "records.parquet").unlink()
    call_command("link_import", str(run), "--config", str(config), "--sources", str(data))
    rec = LinkedRecord.objects.get(record_id="school:1")
    assert (rec.display_name, rec.display_birth_date, rec.given_name) == (
        "Nguyễn Thị Hương", "04/03/2016", "huong",
    )  # fmt: skip


def test_registry_index_and_labels(world: World, tmp_path: Path) -> None:
    summary = index_registry()
    assert summary.records_created == 3
    rec = LinkedRecord.objects.get(child=world.case_a1.child)
    assert rec.record_id == f"baove:{world.case_a1.child_id}" and rec.commune == COMMUNE_A1
    assert index_registry().records_updated == 3
    import_run(write_run(tmp_path / "run"))
    pair = ReviewPair.objects.get(record_l__record_id="school:1")
    actions.decide_pair(pair.pk, decision="non_match", acting_user=world.manager_a,
                        expected_version=1)  # fmt: skip
    actions.decide_pair(pair.pk, decision="match", note="Cùng mẹ", acting_user=world.manager_a,
                        expected_version=2)  # fmt: skip
    other = ReviewPair.objects.get(record_l__record_id="school:2")
    actions.decide_pair(other.pk, decision="unsure", acting_user=world.manager_b,
                        expected_version=1)  # fmt: skip
    out = tmp_path / "labels.parquet"
    call_command("link_labels", "--out", str(out))
    labels = pd.read_parquet(out)
    assert labels[["record_id_l", "record_id_r", "is_match", "decided_by_role"]].to_dict(
        "records"
    ) == [{"record_id_l": "school:1", "record_id_r": "health:7", "is_match": True,
           "decided_by_role": "province_manager"}]  # fmt: skip
    assert export_labels(tmp_path / "again.parquet") == 1
