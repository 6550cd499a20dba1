"""Synthetic registry lists for proactive screening (numpy; no real data, ever).

The proportions are round figures of the order reported for Viet Nam (poor and near-poor
households, out-of-school children, left-behind children...), not statistics: they only make
the lists look like real ones for tests and benchmarks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from baove.riskrules.proactive import RegistryList

#: Item -> share of children on the list.
SHARES: dict[str, float] = {
    "out_of_school": 0.03,
    "child_labour": 0.015,
    "left_behind": 0.12,
    "disability_unsupported": 0.01,
    "caregiver_drug_use": 0.005,
    "caregiver_imprisoned": 0.005,
    "disaster_affected": 0.04,
}
POOR, NEAR_POOR = 0.05, 0.05


def synthetic_communes(n: int = 10_000) -> list[str]:
    """``n`` made-up five-digit commune codes."""
    return [f"{i:05d}" for i in range(1, n + 1)]


def write_synthetic_lists(
    folder: Path | str,
    children: int,
    *,
    communes: list[str] | None = None,
    seed: int = 0,
    id_offset: int = 100_000_000_000,
) -> list[RegistryList]:
    """Write a registry list and one list per item to ``folder`` as Parquet files.

    Args:
        folder: Output folder (created).
        children: Number of registry children.
        communes: Commune codes to spread them over (default: 10,000 made-up codes).
        seed: Random seed (same seed, same lists).
        id_offset: Child ids are ``id_offset + 1 ..``; 12-digit numbers by default.

    Returns:
        The lists, registry first, ready for :func:`baove.riskrules.proactive_screen`.
    """
    rng = np.random.default_rng(seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    codes = np.array(communes or synthetic_communes(), dtype=object)
    ids = np.arange(id_offset + 1, id_offset + children + 1, dtype=np.int64)
    commune_idx = rng.integers(0, len(codes), size=children)
    commune_col = pa.DictionaryArray.from_arrays(
        pa.array(commune_idx.astype(np.int32)), pa.array(codes.tolist(), pa.string())
    ).cast(pa.string())

    def write(name: str, mask: np.ndarray, extra: dict[str, pa.Array] | None = None) -> Path:
        table = pa.table(
            {"child_id": pa.array(ids[mask]), "commune_code": commune_col.filter(pa.array(mask))}
            | (extra or {})
        )
        path = out / f"{name}.parquet"
        pq.write_table(table, path)
        return path

    lists = [RegistryList(write("registry", np.ones(children, dtype=bool)), None, "registry")]
    draw = rng.random(children)
    poor = draw < POOR
    near = (draw >= POOR) & (draw < POOR + NEAR_POOR)
    mask = poor | near
    values = np.where(poor[mask], "poor", "near_poor")
    lists.append(
        RegistryList(write("poverty", mask, {"poverty": pa.array(values)}), "poverty", "poverty")
    )
    out_of_school = np.zeros(children, dtype=bool)
    for item, share in SHARES.items():
        chance = np.full(children, share)
        if item == "out_of_school":
            chance[mask] *= 3  # poorer children leave school more often
        if item == "child_labour":
            chance[out_of_school] = 0.3  # many out-of-school children work
        flagged = rng.random(children) < chance
        if item == "out_of_school":
            out_of_school = flagged
        lists.append(RegistryList(write(item, flagged), item, item))
    return lists
