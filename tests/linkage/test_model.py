"""The Splink model on the synthetic 4-source benchmark, and its plain-column evidence."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from baove.linkage.config import LinkSettings
from baove.linkage.evaluate import cluster_metrics, missed_by_blocking, pairwise_metrics
from baove.linkage.model import (
    LinkResult,
    blocking_rules,
    comparisons,
    level_labels,
    link_records,
    prepare_records,
)
from baove.synth.linkage_sources import generate_sources

SETTINGS = LinkSettings(u_max_pairs=1e6, seed=3)


@pytest.fixture(scope="module")
def benchmark() -> tuple[pd.DataFrame, pd.DataFrame]:
    bench = generate_sources(800, n_sources=4, seed=11)
    frames = bench.standardised()
    return prepare_records(frames), bench.truth


@pytest.fixture(scope="module")
def linked(benchmark: tuple[pd.DataFrame, pd.DataFrame]) -> LinkResult:
    records, truth = benchmark
    return link_records(records, SETTINGS, truth=truth)


def test_high_accuracy_on_the_synthetic_benchmark(
    benchmark: tuple[pd.DataFrame, pd.DataFrame], linked: LinkResult
) -> None:
    records, truth = benchmark
    pairwise = pairwise_metrics(linked.pairs, truth, threshold=SETTINGS.threshold)
    clusters = cluster_metrics(linked.clusters, truth)
    assert pairwise.f1 >= 0.97, pairwise
    assert clusters.f1 >= 0.97, clusters
    # A naive deterministic rule (same folded full name and birth date) is far weaker on the
    # same data: the margin shows the comparisons do the work, not the data being easy.
    keyed = records.dropna(subset=["full_name", "birth_date"])
    naive = keyed.merge(keyed, on=["full_name", "birth_date"], suffixes=("_l", "_r"))
    naive = naive[naive["record_id_l"] < naive["record_id_r"]]
    baseline = pairwise_metrics(naive[["record_id_l", "record_id_r"]], truth)
    assert pairwise.f1 > baseline.f1 + 0.1, (pairwise, baseline)
    # Blocking keeps almost every true pair.
    assert linked.candidate_matches is not None
    missed = missed_by_blocking(linked.candidate_matches, truth)
    assert len(missed) <= 0.01 * (pairwise.tp + pairwise.fn)


def test_every_record_gets_one_cluster(
    benchmark: tuple[pd.DataFrame, pd.DataFrame], linked: LinkResult
) -> None:
    records, _ = benchmark
    assert sorted(linked.clusters["record_id"]) == sorted(records["record_id"].astype(str))
    links = linked.pairs[linked.pairs["match_probability"] >= SETTINGS.threshold]
    cluster = linked.clusters.set_index("record_id")["cluster_id"]
    assert (
        cluster.loc[links["record_id_l"]].to_numpy() == cluster.loc[links["record_id_r"]].to_numpy()
    ).all()


def test_field_evidence_adds_up_to_the_score(linked: LinkResult) -> None:
    pairs = linked.pairs
    prior = linked.model["probability_two_random_records_match"]
    prior_weight = math.log2(prior / (1 - prior))
    fields = [c.removeprefix("mw_") for c in pairs.columns if c.startswith("mw_")]
    assert {"given_name", "family_name", "birth_date", "place"} <= set(fields)
    total = prior_weight + pairs[[f"mw_{f}" for f in fields]].sum(axis=1)
    assert (total - pairs["match_weight"]).abs().max() < 1e-6
    assert ((pairs[[f"bf_{f}" for f in fields]] > 0).all()).all()
    # Labels are readable and agree with the data: an exact given-name level means equal names.
    exact = pairs[pairs["given_name_level"] == "exact"]
    assert len(exact) > 0
    assert set(pairs["birth_date_level"].dropna()) <= {
        "missing",
        "exact date",
        "day and month swapped",
        "same year and month",
        "same year",
        "within one year",
        "different",
    }


def test_given_name_outweighs_family_name(linked: LinkResult) -> None:
    # The common family name Nguyễn is weak evidence, the given name strong.
    comparisons_by_name = {c["output_column_name"]: c for c in linked.model["comparisons"]}

    def exact_weight(name: str) -> float:
        level = next(
            lv
            for lv in comparisons_by_name[name]["comparison_levels"]
            if lv.get("label_for_charts") == "exact"
        )
        return math.log2(level["m_probability"] / level["u_probability"])

    assert exact_weight("given_name") > exact_weight("family_name") + 2


def test_saved_model_reproduces_the_scores(
    benchmark: tuple[pd.DataFrame, pd.DataFrame], linked: LinkResult
) -> None:
    records, _ = benchmark
    again = link_records(records, SETTINGS, model=linked.model)
    left = linked.pairs.set_index(["record_id_l", "record_id_r"])["match_probability"]
    right = again.pairs.set_index(["record_id_l", "record_id_r"])["match_probability"]
    assert left.index.sort_values().equals(right.index.sort_values())
    assert (left - right.loc[left.index]).abs().max() < 1e-9


def test_review_band(linked: LinkResult) -> None:
    review = linked.review
    assert (review["match_probability"] >= SETTINGS.review_low).all()
    assert (review["match_probability"] < SETTINGS.review_high).all()
    # reviewers see both records' values
    assert {"given_name_l", "given_name_r", "birth_date_l", "birth_date_r"} <= set(review.columns)


def test_level_labels_follow_splink_numbering() -> None:
    model: dict[str, Any] = {
        "comparisons": [
            {
                "output_column_name": "sex",
                "comparison_levels": [
                    {"sql_condition": "sex_l IS NULL", "is_null_level": True},
                    {"sql_condition": "sex_l = sex_r", "label_for_charts": "same"},
                    {"sql_condition": "ELSE", "label_for_charts": "different"},
                ],
            }
        ]
    }
    assert level_labels(model) == {"sex": {-1: "missing", 1: "same", 0: "different"}}


def test_fields_never_filled_are_left_out() -> None:
    frame = pd.DataFrame(
        {
            "record_id": ["a:1", "a:2", "b:1"],
            "given_name": ["an", "binh", "an"],
            "family_name": ["le", "le", "le"],
            "family_name_canon": ["le", "le", "le"],
            "birth_year": [2010, 2011, 2010],
            "birth_date": ["2010-01-02", None, "2010-01-02"],
        }
    )
    records = prepare_records([frame])
    names = [c.create_output_column_name() for c in comparisons(records)]
    assert names == ["given_name", "family_name", "birth_date"]

    def rules(frame: pd.DataFrame) -> list[str]:
        return [r.get_blocking_rule("duckdb").blocking_rule_sql for r in blocking_rules(frame)]

    found = rules(records)
    assert any("given_name" in r and "birth_date" in r for r in found)
    assert not any("commune" in r or "phone" in r for r in found)
    # Without a place, name-only blocking is allowed (small ad hoc lists) ...
    name_only = '(l."family_name" = r."family_name") AND (l."given_name" = r."given_name")'
    assert name_only in found
    # ... but not once provinces are known (national registers: blocks too large).
    with_place = prepare_records([frame.assign(province=["01", "01", "79"])])
    assert name_only not in rules(with_place)


def test_prepare_records_refuses_duplicate_ids() -> None:
    frame = pd.DataFrame({"record_id": ["a:1", "a:1"], "given_name": ["an", "an"]})
    with pytest.raises(ValueError, match="'a:1' occurs more than once"):
        prepare_records([frame])
    with pytest.raises(ValueError, match="no records"):
        prepare_records([frame.iloc[:0]])
