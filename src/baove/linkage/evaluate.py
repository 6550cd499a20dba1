"""Accuracy of a linkage against ground truth: pairwise, cluster-level and blocking recall.

Ground truth is a frame with ``record_id`` and ``child_id``; the true pairs are all pairs of
records that share a ``child_id``, across and within sources. Splink reports scores but not
accuracy against known truth, so these few counts are written here.

Pair frames may name their columns ``record_id_l``/``record_id_r`` or Splink's
``unique_id_l``/``unique_id_r``; cluster frames ``record_id`` or ``unique_id`` with
``cluster_id``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "ClusterMetrics",
    "Metrics",
    "cluster_metrics",
    "missed_by_blocking",
    "pairwise_metrics",
    "true_pairs",
]

_PAIR_COLUMNS = (("record_id_l", "record_id_r"), ("unique_id_l", "unique_id_r"))
_SCORE = "match_probability"


@dataclasses.dataclass(frozen=True)
class Metrics:
    """Precision, recall and F1 from true positive, false positive and false negative counts.

    Precision (or recall) is 1.0 when nothing was predicted (or nothing was to be found).
    """

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> Metrics:
        """Build metrics from counts."""
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, tp, fp, fn)


@dataclasses.dataclass(frozen=True)
class ClusterMetrics(Metrics):
    """Pairwise metrics of the pairs implied by clusters, plus whole-child agreement.

    Attributes:
        children: Number of true children.
        children_exact: Children whose records form exactly one cluster holding nothing else.
        exact_share: ``children_exact / children``.
        clusters: Number of predicted clusters.
    """

    children: int = 0
    children_exact: int = 0
    exact_share: float = 1.0
    clusters: int = 0


def _truth_map(truth: pd.DataFrame) -> pd.Series:
    if truth["record_id"].duplicated().any():
        raise ValueError("truth lists a record_id more than once")
    return pd.Series(truth["child_id"].to_numpy(), index=truth["record_id"].astype("str"))


def _pair_frame(pairs: pd.DataFrame | Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Return pairs as ``left``/``right`` (ordered so left < right), without repeats."""
    if isinstance(pairs, pd.DataFrame):
        for left, right in _PAIR_COLUMNS:
            if left in pairs.columns and right in pairs.columns:
                frame = pd.DataFrame(
                    {"a": pairs[left].astype("str"), "b": pairs[right].astype("str")}
                )
                break
        else:
            raise ValueError("pairs need record_id_l/record_id_r or unique_id_l/unique_id_r")
    else:
        frame = pd.DataFrame(list(pairs), columns=["a", "b"], dtype="str")
    a, b = frame["a"].to_numpy(dtype=object), frame["b"].to_numpy(dtype=object)
    swap = a > b
    out = pd.DataFrame({"left": np.where(swap, b, a), "right": np.where(swap, a, b)})
    out = out[out["left"] != out["right"]]
    return out.drop_duplicates(ignore_index=True)


def _children_of(pairs: pd.DataFrame, child: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    left = pairs["left"].map(child)
    right = pairs["right"].map(child)
    unknown = left.isna() | right.isna()
    if unknown.any():
        row = pairs[unknown].iloc[0]
        raise ValueError(
            f"{int(unknown.sum())} pairs name records absent from the truth, "
            f"e.g. {row['left']!r}-{row['right']!r}"
        )
    return left.to_numpy(), right.to_numpy()


def _n_true_pairs(child: pd.Series) -> int:
    sizes = child.value_counts().to_numpy(dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def true_pairs(truth: pd.DataFrame) -> pd.DataFrame:
    """Return every true pair as ``record_id_l < record_id_r`` with its ``child_id``."""
    frame = truth[["record_id", "child_id"]].astype({"record_id": "str"})
    merged = frame.merge(frame, on="child_id", suffixes=("_l", "_r"))
    merged = merged[merged["record_id_l"] < merged["record_id_r"]]
    return merged[["record_id_l", "record_id_r", "child_id"]].reset_index(drop=True)


def pairwise_metrics(
    predicted_pairs: pd.DataFrame | Iterable[tuple[str, str]],
    truth: pd.DataFrame,
    *,
    threshold: float | None = None,
) -> Metrics:
    """Score predicted links against all true pairs.

    Args:
        predicted_pairs: Scored pairs (a frame with a ``match_probability`` column) or
            plain pairs of record ids. Order within a pair and repeats do not matter.
        truth: ``record_id`` -> ``child_id`` for every record.
        threshold: Pairs scoring at least this are links; None takes every pair given.

    Returns:
        :class:`Metrics` where false negatives count every true pair not linked, including
        those that blocking never compared.

    Raises:
        ValueError: A pair names a record absent from the truth.
    """
    if threshold is not None and isinstance(predicted_pairs, pd.DataFrame):
        if _SCORE not in predicted_pairs.columns:
            raise ValueError(f"a threshold needs a {_SCORE} column")
        predicted_pairs = predicted_pairs[predicted_pairs[_SCORE] >= threshold]
    child = _truth_map(truth)
    pairs = _pair_frame(predicted_pairs)
    left, right = _children_of(pairs, child)
    tp = int((left == right).sum())
    fp = len(pairs) - tp
    return Metrics.from_counts(tp, fp, _n_true_pairs(child) - tp)


def cluster_metrics(clusters: pd.DataFrame, truth: pd.DataFrame) -> ClusterMetrics:
    """Score clusters: the pairs they imply, and how many children come out whole.

    Args:
        clusters: ``record_id`` (or ``unique_id``) and ``cluster_id``. Records of the truth
            missing here count as clusters of their own.
        truth: ``record_id`` -> ``child_id`` for every record.

    Returns:
        :class:`ClusterMetrics`.

    Raises:
        ValueError: A cluster holds a record absent from the truth.
    """
    id_col = "record_id" if "record_id" in clusters.columns else "unique_id"
    predicted = pd.Series(
        clusters["cluster_id"].to_numpy(), index=clusters[id_col].astype("str")
    ).astype("str")
    child = _truth_map(truth)
    unknown = predicted.index.difference(child.index)
    if len(unknown):
        raise ValueError(f"{len(unknown)} clustered records are absent from the truth")
    # Unclustered records become singletons with a key no real cluster id can take.
    cluster = predicted.reindex(child.index)
    lonely = cluster.isna()
    cluster[lonely] = "\x00" + cluster.index[lonely]
    table = pd.DataFrame({"cluster": cluster.to_numpy(), "child": child.to_numpy()})
    both = table.groupby(["cluster", "child"], sort=False).size().to_numpy(dtype=np.int64)
    tp = int((both * (both - 1) // 2).sum())
    per_cluster = table.groupby("cluster", sort=False).size().to_numpy(dtype=np.int64)
    predicted_pairs = int((per_cluster * (per_cluster - 1) // 2).sum())
    base = Metrics.from_counts(tp, predicted_pairs - tp, _n_true_pairs(child) - tp)
    # A child is whole when all its records share one cluster and that cluster is only theirs.
    clusters_per_child = table.groupby("child", sort=False)["cluster"].nunique()
    children_per_cluster = table.groupby("cluster", sort=False)["child"].nunique()
    single = clusters_per_child[clusters_per_child == 1].index
    first_cluster = table.drop_duplicates("child").set_index("child")["cluster"]
    exact = int((children_per_cluster.reindex(first_cluster.loc[single]).to_numpy() == 1).sum())
    children = len(clusters_per_child)
    return ClusterMetrics(
        **dataclasses.asdict(base),
        children=children,
        children_exact=exact,
        exact_share=exact / children if children else 1.0,
        clusters=len(per_cluster),
    )


def missed_by_blocking(
    candidate_pairs: pd.DataFrame | Iterable[tuple[str, str]], truth: pd.DataFrame
) -> pd.DataFrame:
    """Return the true pairs that blocking never put forward for comparison.

    Args:
        candidate_pairs: Every pair the blocking rules generated (scored or not).
        truth: ``record_id`` -> ``child_id`` for every record.

    Returns:
        Frame of ``record_id_l < record_id_r`` and ``child_id``; its length is the recall
        ceiling lost to blocking.
    """
    true = true_pairs(truth)
    candidates = _pair_frame(candidate_pairs).rename(
        columns={"left": "record_id_l", "right": "record_id_r"}
    )
    merged = true.merge(candidates, on=["record_id_l", "record_id_r"], how="left", indicator=True)
    missed = merged[merged["_merge"] == "left_only"]
    return missed[["record_id_l", "record_id_r", "child_id"]].reset_index(drop=True)
