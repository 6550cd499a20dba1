"""Linkage metrics on hand-computed toy examples."""

from __future__ import annotations

import pandas as pd
import pytest

from baove.linkage.evaluate import (
    Metrics,
    cluster_metrics,
    missed_by_blocking,
    pairwise_metrics,
    true_pairs,
)

# Child X has three records, Y two, Z one: true pairs a1-a2, a1-a3, a2-a3, b1-b2 (4).
TRUTH = pd.DataFrame(
    {
        "record_id": ["a1", "a2", "a3", "b1", "b2", "c1"],
        "child_id": ["X", "X", "X", "Y", "Y", "Z"],
    }
)
PAIRS = pd.DataFrame(
    {
        "unique_id_l": ["a1", "a2", "a1", "b2", "a2"],
        "unique_id_r": ["a2", "a3", "b1", "b1", "a1"],
        "match_probability": [0.9, 0.4, 0.8, 0.95, 0.99],
    }
)


def test_true_pairs() -> None:
    got = set(map(tuple, true_pairs(TRUTH)[["record_id_l", "record_id_r"]].to_numpy()))
    assert got == {("a1", "a2"), ("a1", "a3"), ("a2", "a3"), ("b1", "b2")}


def test_pairwise_at_threshold() -> None:
    # Links: a1-a2 (true), a1-b1 (false), b1-b2 (true); the reversed a2-a1 is a repeat.
    m = pairwise_metrics(PAIRS, TRUTH, threshold=0.5)
    assert (m.tp, m.fp, m.fn) == (2, 1, 2)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(4 / 7)


def test_pairwise_without_threshold_and_plain_pairs() -> None:
    m = pairwise_metrics(PAIRS, TRUTH)
    assert (m.tp, m.fp, m.fn) == (3, 1, 1)
    plain = pairwise_metrics([("a3", "a2"), ("c1", "c1")], TRUTH)
    # A record paired with itself is not a pair.
    assert (plain.tp, plain.fp, plain.fn) == (1, 0, 3)
    assert plain.precision == 1.0 and plain.recall == pytest.approx(0.25)


def test_pairwise_rejects_unknown_records_and_missing_score() -> None:
    with pytest.raises(ValueError, match="absent from the truth"):
        pairwise_metrics([("a1", "zz")], TRUTH)
    with pytest.raises(ValueError, match="match_probability"):
        pairwise_metrics(PAIRS.drop(columns="match_probability"), TRUTH, threshold=0.5)


def test_metrics_edge_cases() -> None:
    assert Metrics.from_counts(0, 0, 0) == Metrics(1.0, 1.0, 1.0, 0, 0, 0)
    assert Metrics.from_counts(0, 3, 2).f1 == 0.0


def test_cluster_metrics_hand_computed() -> None:
    # Cluster 1 = {a1, a2, b1}, 2 = {a3}, 3 = {b2}; c1 is not clustered (a singleton).
    clusters = pd.DataFrame(
        {"unique_id": ["a1", "a2", "b1", "a3", "b2"], "cluster_id": [1, 1, 1, 2, 3]}
    )
    m = cluster_metrics(clusters, TRUTH)
    # Implied pairs a1-a2 (true), a1-b1, a2-b1 (false); 3 of the 4 true pairs are missed.
    assert (m.tp, m.fp, m.fn) == (1, 2, 3)
    assert m.precision == pytest.approx(1 / 3)
    assert m.recall == pytest.approx(1 / 4)
    assert m.f1 == pytest.approx(2 / 7)
    # Only Z comes out whole; X is split, Y is split and mixed with X.
    assert (m.children, m.children_exact, m.clusters) == (3, 1, 4)
    assert m.exact_share == pytest.approx(1 / 3)


def test_cluster_metrics_perfect_and_merged() -> None:
    perfect = pd.DataFrame({"record_id": TRUTH["record_id"], "cluster_id": TRUTH["child_id"]})
    m = cluster_metrics(perfect, TRUTH)
    assert (m.precision, m.recall, m.exact_share) == (1.0, 1.0, 1.0)
    # One cluster for everything: all 15 pairs predicted, 4 true; no child is whole.
    merged = perfect.assign(cluster_id="all")
    m = cluster_metrics(merged, TRUTH)
    assert (m.tp, m.fp, m.fn, m.children_exact) == (4, 11, 0, 0)


def test_cluster_metrics_rejects_unknown_record() -> None:
    with pytest.raises(ValueError, match="absent from the truth"):
        cluster_metrics(pd.DataFrame({"record_id": ["q"], "cluster_id": [1]}), TRUTH)


def test_missed_by_blocking() -> None:
    candidates = pd.DataFrame(
        {"record_id_l": ["a2", "b1", "a1"], "record_id_r": ["a1", "b2", "b1"]}
    )
    missed = missed_by_blocking(candidates, TRUTH)
    assert sorted(map(tuple, missed[["record_id_l", "record_id_r"]].to_numpy())) == [
        ("a1", "a3"),
        ("a2", "a3"),
    ]
    assert set(missed["child_id"]) == {"X"}
    assert missed_by_blocking([], TRUTH).shape[0] == 4
