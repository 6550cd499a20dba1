"""The child master index: stable cluster ids across batches, audited and reversible edits."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from baove.linkage.master_index import IndexConflict, MasterIndex


def _batch(groups: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(record, group) for group, records in groups.items() for record in records]
    return pd.DataFrame(rows, columns=["record_id", "cluster_id"])


def _clusters(index: MasterIndex) -> dict[str, int]:
    frame = index.assignments()
    return dict(zip(frame["record_id"], frame["cluster_id"].astype(int), strict=True))


def test_second_batch_adds_without_renumbering(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path / "idx")
    first = index.add_batch(
        _batch({"g1": ["a:1", "b:1"], "g2": ["a:2"], "g3": ["b:3"]}), actor="linker"
    )
    assert (first.new_records, first.new_clusters, first.joined_existing) == (4, 3, 0)
    before = _clusters(index)
    # new ids in order of each group's smallest record id
    assert before == {"a:1": 1, "b:1": 1, "a:2": 2, "b:3": 3}

    # The second run re-clusters everything with other labels and brings three new records:
    # c:1 joins child 1, c:2 joins child 3, c:9 is a new child.
    second = index.add_batch(
        _batch(
            {
                "x": ["a:1", "b:1", "c:1"],
                "y": ["a:2"],
                "z": ["b:3", "c:2"],
                "w": ["c:9"],
            }
        ),
        actor="linker",
    )
    assert (second.new_records, second.new_clusters, second.joined_existing) == (3, 1, 2)
    after = _clusters(MasterIndex(tmp_path / "idx"))  # reopened from disk
    assert {k: after[k] for k in before} == before  # nothing renumbered
    assert after["c:1"] == 1 and after["c:2"] == 3 and after["c:9"] == 4
    assert second.proposed_merges == []


def test_batch_spanning_two_clusters_is_proposed_not_merged(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1"], "g2": ["a:2"], "g3": ["a:3"]}), actor="t")
    outcome = index.add_batch(_batch({"g": ["a:1", "a:2", "a:3", "b:1"]}), actor="t")
    assert outcome.proposed_merges == [[1, 2, 3]]
    assert _clusters(index)["a:2"] == 2  # left for review
    assert _clusters(index)["b:1"] == 1  # ties go to the oldest cluster
    again = index.add_batch(_batch({"g": ["a:1"]}), actor="t")
    assert again.event_id is None and again.new_records == 0


def test_cluster_of_counts_children_not_records(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1", "b:1"], "g2": ["a:2"]}), actor="t")
    found = index.cluster_of(["b:1", "a:1", "zz:0", "a:2"])
    assert found.index.tolist() == ["b:1", "a:1", "zz:0", "a:2"]
    assert found.iloc[0] == found.iloc[1] == 1
    assert pd.isna(found.iloc[2])
    assert found.dropna().nunique() == 2  # three known records, two children


def test_merge_split_and_undo(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1", "b:1"], "g2": ["a:2", "b:2"], "g3": ["a:3"]}), actor="t")
    original = _clusters(index)

    merge = index.merge([2, 1], actor="officer.hoa", reason="same child: birth certificate")
    merged = _clusters(index)
    assert merged["a:2"] == merged["b:2"] == 1  # into the oldest id
    event = index.events().set_index("event_id").loc[merge]
    assert (event["kind"], event["actor"], event["reason"]) == (
        "merge",
        "officer.hoa",
        "same child: birth certificate",
    )
    assert event["records"] == 2 and event["at"].endswith("+00:00")
    change = index.changes(merge).set_index("record_id")
    assert change.loc["a:2", "before"] == 2 and change.loc["a:2", "after"] == 1

    split = index.split(["b:1"], actor="officer.hoa", reason="twin")
    assert _clusters(index)["b:1"] == 4  # a fresh id, never reused
    # b:1 was not among the records the merge moved, so the merge can still be undone
    undo_merge = index.undo(merge, actor="officer.lan", reason="wrong merge")
    state = _clusters(index)
    assert state["a:2"] == state["b:2"] == 2 and state["b:1"] == 4
    assert index.events().set_index("event_id").loc[merge, "undone_by"] == undo_merge
    with pytest.raises(IndexConflict, match="already undone"):
        index.undo(merge, actor="x", reason="again")

    index.undo(split, actor="officer.lan", reason="not a twin")
    assert _clusters(MasterIndex(tmp_path)) == original


def test_undo_is_refused_when_a_later_event_moved_the_records(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1"], "g2": ["a:2"], "g3": ["a:3"]}), actor="t")
    first = index.merge([1, 2], actor="t", reason="r")
    index.merge([1, 3], actor="t", reason="r")
    index.split(["a:2"], actor="t", reason="r")  # a:2 moved again after the first merge
    with pytest.raises(IndexConflict, match="record a:2 has been changed by a later event"):
        index.undo(first, actor="t", reason="r")


def test_undoing_a_batch_removes_its_records(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1"]}), actor="t")
    second = index.add_batch(_batch({"g1": ["a:1", "b:1"], "g2": ["b:2"]}), actor="t")
    assert second.event_id is not None
    index.undo(second.event_id, actor="t", reason="bad extract")
    assert _clusters(index) == {"a:1": 1}
    assert pd.isna(index.cluster_of(["b:2"]).iloc[0])


def test_refused_edits(tmp_path: Path) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1", "b:1"], "g2": ["a:2"]}), actor="t")
    with pytest.raises(IndexConflict, match="at least two"):
        index.merge([1, 1], actor="t", reason="r")
    with pytest.raises(IndexConflict, match="unknown cluster id"):
        index.merge([1, 99], actor="t", reason="r")
    with pytest.raises(IndexConflict, match="several clusters"):
        index.split(["a:1", "a:2"], actor="t", reason="r")
    with pytest.raises(IndexConflict, match="all of cluster 1"):
        index.split(["a:1", "b:1"], actor="t", reason="r")
    with pytest.raises(IndexConflict, match="not in the index"):
        index.split(["q:1"], actor="t", reason="r")
    with pytest.raises(IndexConflict, match="occurs twice"):
        index.add_batch(_batch({"g": ["c:1"], "h": ["c:1"]}), actor="t")
    with pytest.raises(IndexConflict, match="no event 42"):
        index.undo(42, actor="t", reason="r")


def test_a_failed_write_leaves_the_index_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = MasterIndex(tmp_path)
    index.add_batch(_batch({"g1": ["a:1"]}), actor="t")
    real_write = pq.write_table

    def failing(table: object, where: object, **kw: object) -> None:
        if str(where).endswith(".parquet") and "events." in str(where):
            raise OSError("disk full")
        real_write(table, where, **kw)

    monkeypatch.setattr(pq, "write_table", failing)
    with pytest.raises(OSError, match="disk full"):
        index.add_batch(_batch({"g1": ["a:1", "b:1"], "g2": ["c:1"]}), actor="t")
    monkeypatch.undo()
    reopened = MasterIndex(tmp_path)
    assert _clusters(reopened) == {"a:1": 1}
    assert len(reopened.events()) == 1
    # and it keeps working: the next ids are the ones the failed batch did not take
    reopened.add_batch(_batch({"g": ["c:1"]}), actor="t")
    assert _clusters(reopened)["c:1"] == 2
