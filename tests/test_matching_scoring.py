"""The Python scorer reproduces Splink's match weights (model, levels and term frequencies)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from baove.linkage.config import LinkSettings
from baove.linkage.model import link_records, prepare_records
from baove.linkage.standardise import standardise
from baove.matching.importer import import_run
from baove.matching.models import LinkedRecord, TermFrequency
from baove.matching.scoring import damerau_levenshtein, jaro_winkler, load_model
from baove.matching.standard import as_record
from baove.synth.linkage_sources import generate_sources


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    """A small synthetic batch (F's generator, G's Splink model), written like ``link run``."""
    bench = generate_sources(400, n_sources=4, seed=11)
    frames = [
        standardise(frame, bench.roles[name], source=name, id_column=bench.id_columns[name],
                    date_format=bench.date_formats[name])
        for name, frame in bench.sources.items()
    ]  # fmt: skip
    records = prepare_records(frames)
    result = link_records(records, LinkSettings(u_max_pairs=2e5, review_low=0.01))
    folder = tmp_path_factory.mktemp("run")
    result.clusters.to_parquet(folder / "clusters.parquet", index=False)
    result.review.to_parquet(folder / "review.parquet", index=False)
    (folder / "model.json").write_text(json.dumps(result.model), encoding="utf-8")
    return folder, records, result.pairs


@pytest.mark.django_db
def test_weights_match_splink(run: tuple[Path, pd.DataFrame, pd.DataFrame]) -> None:
    folder, records, pairs = run
    import_run(folder, records=records)
    model = load_model(json.loads((folder / "model.json").read_text(encoding="utf-8")))
    assert model.unsupported == ()
    by_id = {r.record_id: as_record(r) for r in LinkedRecord.objects.all()}
    freq = {(t.column, t.value): t.frequency for t in TermFrequency.objects.all()}

    def tf(column: str, value: Any) -> float | None:
        return freq.get((column, value))

    assert len(pairs) > 500
    worst = 0.0
    for pair in pairs.to_dict("records"):
        score = model.score(by_id[pair["record_id_l"]], by_id[pair["record_id_r"]], tf)
        worst = max(worst, abs(score.match_weight - pair["match_weight"]))
        for item in score.evidence:  # each field's weight too (tf folded in, as in pairs)
            assert item.weight == pytest.approx(pair[f"mw_{item.comparison}"], abs=1e-6)
            assert item.gamma == pair[f"gamma_{item.comparison}"]
            if item.gamma >= 0:
                assert item.label == pair[f"{item.comparison}_level"]
    assert worst < 1e-6


def test_string_similarities_match_duckdb() -> None:
    rng = random.Random(3)
    words = ["huong", "hương", "nguyen", "ngyuen", "anh", "an", "thi", "ht", "phuong", "phong",
             "tran van nam", "tran nam", "le", "", "abc", "bca", "martha", "marhta"]  # fmt: skip
    pairs = [(rng.choice(words), rng.choice(words)) for _ in range(400)]
    frame = pd.DataFrame(pairs, columns=["a", "b"])
    con = duckdb.connect()
    con.register("frame", frame)
    got = con.sql(
        "select a, b, jaro_winkler_similarity(a, b) jw, damerau_levenshtein(a, b) dl from frame"
    ).df()
    for a, b, jw, dl in got.itertuples(index=False):
        assert jaro_winkler(a, b) == pytest.approx(jw, abs=1e-12), (a, b)
        assert damerau_levenshtein(a, b) == dl, (a, b)
