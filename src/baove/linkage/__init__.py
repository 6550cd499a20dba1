"""Record linkage: one child, one record across fragmented sources.

Plain Python (no Django). Standardisation (:mod:`~baove.linkage.standardise`), old-to-new
commune codes (:mod:`~baove.linkage.communes`) and evaluation against ground truth
(:mod:`~baove.linkage.evaluate`).
"""

from __future__ import annotations

from baove.linkage.evaluate import (
    ClusterMetrics,
    Metrics,
    cluster_metrics,
    missed_by_blocking,
    pairwise_metrics,
)
from baove.linkage.standardise import OUTPUT_COLUMNS, ROLES, StandardisationError, standardise

__all__ = [
    "OUTPUT_COLUMNS",
    "ROLES",
    "ClusterMetrics",
    "Metrics",
    "StandardisationError",
    "cluster_metrics",
    "missed_by_blocking",
    "pairwise_metrics",
    "standardise",
]
