"""``baove link``: batch record linkage from the command line.

``baove link run SOURCE... --config FILE --out DIR`` standardises every source (CSV or
Parquet) with the column roles of the configuration, trains a Splink model (or loads one
with ``--model``), scores and clusters the records, and writes ``pairs.parquet``,
``clusters.parquet``, ``review.parquet``, ``model.json`` and ``summary.json``. With
``--index DIR`` the clusters are also added to the persistent child master index and
``clusters.parquet`` carries its stable cluster ids.

``baove link evaluate`` does the same on sources with known truth (``truth`` in the
configuration, ``--truth FILE``, or ``--synthetic N`` for the built-in synthetic benchmark)
and reports pairwise and cluster precision, recall and F1 and the true pairs that blocking
never compared. Plain Python: no Django.
"""

from __future__ import annotations

import argparse
import getpass
import io
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from baove.linkage.config import (
    ConfigError,
    LinkConfig,
    LinkSettings,
    SourceConfig,
    check_columns,
    load_config,
)
from baove.linkage.standardise import StandardisationError, standardise

__all__ = ["InputError", "build_parser", "main", "read_source", "standardise_sources"]


class InputError(ValueError):
    """An input file that cannot be used, with the file (and row, column) named."""


def _decode_error(path: Path, data: bytes, exc: UnicodeDecodeError, source: SourceConfig) -> str:
    line = data[: exc.start].count(b"\n") + 1
    return (
        f"{path} (source {source.name}): line {line} (data row {line - 1}) is not valid "
        f"{source.encoding} text (byte 0x{data[exc.start]:02x}); exports from older systems "
        f'are often in another encoding: set encoding = "cp1258", "utf-16" or '
        f'"windows-1252" in [sources.{source.name}]'
    )


def read_source(path: str | Path, source: SourceConfig) -> pd.DataFrame:
    """Read one source file as text columns, checking its header against the configuration.

    Args:
        path: A ``.csv`` (or ``.txt``/``.tsv``) or ``.parquet`` file.
        source: Its configuration section (encoding, columns).

    Returns:
        The records, every column as text (missing values as NA).

    Raises:
        InputError: Unreadable, empty or wrongly encoded file (naming file and line).
        ConfigError: Columns missing from the file or without a role.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a damaged file
            raise InputError(f"{path}: not a readable Parquet file: {exc}") from exc
        frame = frame.astype("string")
    elif suffix in (".csv", ".tsv", ".txt"):
        data = path.read_bytes()
        if not data.strip():
            raise InputError(f"{path} (source {source.name}): the file is empty")
        encoding = (
            "utf-8-sig"
            if source.encoding.replace("_", "-").lower()
            in (
                "utf-8",
                "utf8",
            )
            else source.encoding
        )
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(_decode_error(path, data, exc, source)) from exc
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep="\t" if suffix == ".tsv" else ",",
                dtype="string",
                keep_default_na=False,
                na_values=[""],
            )
        except pd.errors.ParserError as exc:
            raise InputError(f"{path} (source {source.name}): not a readable CSV: {exc}") from exc
    else:
        raise InputError(f"{path}: unknown file type {suffix!r}: use .csv or .parquet")
    if frame.empty:
        raise InputError(f"{path} (source {source.name}): no records (only a header)")
    check_columns(source, [str(c) for c in frame.columns], file=path)
    return frame


def standardise_sources(
    paths: Sequence[str | Path], config: LinkConfig
) -> tuple[list[pd.DataFrame], dict[str, int]]:
    """Read and standardise every source file.

    Args:
        paths: Source files; each must match one ``[sources.*]`` section.
        config: The configuration.

    Returns:
        The standardised frames and the record count per source.

    Raises:
        InputError: A file problem, a source given twice, or a standardisation error
            (the message names the file, and the row and column when known).
        ConfigError: No section matches a file, or its columns do not match.
    """
    frames: list[pd.DataFrame] = []
    counts: dict[str, int] = {}
    for raw_path in paths:
        path = Path(raw_path)
        source = config.source_for(path)
        if source.name in counts:
            raise InputError(f"{path}: source {source.name} is given twice")
        frame = read_source(path, source)
        try:
            standard = standardise(
                frame,
                source.columns,
                source=source.name,
                id_column=source.id_column,
                date_format=source.date_format,
                commune_vintage=source.commune_vintage,
                # A birth date that is there but cannot be read is refused with its row,
                # not silently dropped: the user fixes the export and loses nothing.
                unreadable_dates="raise",
            )
        except StandardisationError as exc:
            row = (
                f" (data row {exc.row + 1}, file line {exc.row + 2})" if exc.row is not None else ""
            )
            raise InputError(f"{path}{row}: {exc}") from exc
        frames.append(standard)
        counts[source.name] = len(standard)
    return frames, counts


@dataclass
class _Run:
    pairs: pd.DataFrame
    clusters: pd.DataFrame
    review: pd.DataFrame
    model: dict[str, Any]
    summary: dict[str, Any]
    candidate_matches: pd.DataFrame | None


def _link(
    frames: list[pd.DataFrame],
    settings: LinkSettings,
    *,
    model_path: str | None,
    truth: pd.DataFrame | None = None,
) -> _Run:
    from baove.linkage.model import link_records, prepare_records

    records = prepare_records(frames)
    # The standardised frames keep every original column: free them before linking.
    frames.clear()
    result = link_records(records, settings, model=model_path, truth=truth)
    summary: dict[str, Any] = {
        "settings": {k: v for k, v in asdict(settings).items() if k != "truth"},
        "model": "loaded from " + model_path if model_path else "trained",
        "probability_two_random_records_match": result.model.get(
            "probability_two_random_records_match"
        ),
        "counts": result.counts,
        "seconds": {k: round(v, 2) for k, v in result.timings.items()},
    }
    return _Run(
        result.pairs,
        result.clusters,
        result.review,
        result.model,
        summary,
        result.candidate_matches,
    )


def _write_outputs(out: Path, run: _Run, extra: dict[str, Any] | None = None) -> None:
    # Write everything into a sibling temporary folder first, then move the files in: a
    # failure half-way leaves the previous outputs, not a mix.
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".baove-link-", dir=out))
    try:
        run.pairs.to_parquet(staging / "pairs.parquet", index=False)
        run.clusters.to_parquet(staging / "clusters.parquet", index=False)
        run.review.to_parquet(staging / "review.parquet", index=False)
        (staging / "model.json").write_text(json.dumps(run.model, indent=2), encoding="utf-8")
        summary = {**run.summary, **(extra or {})}
        (staging / "summary.json").write_text(
            json.dumps(summary, indent=2, default=str), encoding="utf-8"
        )
        for item in staging.iterdir():
            item.replace(out / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _settings(settings: LinkSettings, threshold: float | None) -> LinkSettings:
    if threshold is None:
        return settings
    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"--threshold must be strictly between 0 and 1, got {threshold}")
    review_high = threshold if settings.review_high == settings.threshold else settings.review_high
    return replace(
        settings,
        threshold=threshold,
        review_high=review_high,
        review_low=min(settings.review_low, threshold),
    )


def cmd_run(args: argparse.Namespace) -> int:
    """``baove link run``: link the sources and write the outputs."""
    config = load_config(args.config)
    settings = _settings(config.link, args.threshold)
    if args.backend:
        settings = replace(settings, backend=args.backend)
    frames, counts = standardise_sources(args.sources, config)
    run = _link(frames, settings, model_path=args.model)
    run.summary["sources"] = counts
    if args.index:
        from baove.linkage.master_index import MasterIndex

        index = MasterIndex(args.index)
        outcome = index.add_batch(
            run.clusters,
            actor=args.actor or getpass.getuser(),
            reason="baove link run " + " ".join(str(s) for s in args.sources),
        )
        stable = index.cluster_of(run.clusters["record_id"].astype(str))
        run.clusters = run.clusters.rename(columns={"cluster_id": "batch_cluster_id"})
        run.clusters.insert(1, "cluster_id", stable.to_numpy())
        run.summary["index"] = {"path": str(args.index), **asdict(outcome)}
    if args.save_model:
        Path(args.save_model).write_text(json.dumps(run.model, indent=2), encoding="utf-8")
    _write_outputs(Path(args.out), run)
    counts_out = run.summary["counts"]
    print(
        f"linked {counts_out['records']} records into {counts_out['clusters']} clusters; "
        f"{counts_out['links']} links, {counts_out['review']} pairs for review -> {args.out}"
    )
    return 0


def _config_files(config: LinkConfig) -> list[Path]:
    files: list[Path] = []
    for source in config.sources.values():
        if source.file is None:
            raise ConfigError(
                f"[sources.{source.name}]: give the source files on the command line, or a "
                f"'file' key per source"
            )
        files.append(config.base_dir / source.file)
    return files


def _synthetic(
    n: int, seed: int, n_sources: int
) -> tuple[list[pd.DataFrame], dict[str, int], pd.DataFrame]:
    from baove.synth.linkage_sources import generate_sources

    bench = generate_sources(n, n_sources=n_sources, seed=seed)
    frames = bench.standardised()
    counts = {name: len(frame) for name, frame in bench.sources.items()}
    return frames, counts, bench.truth


def _read_truth(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: no such truth file")
    truth = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
    missing = {"record_id", "child_id"} - set(truth.columns)
    if missing:
        raise InputError(f"{path}: the truth file needs columns record_id and child_id")
    return truth[["record_id", "child_id"]].astype(str)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``baove link evaluate``: link sources with known truth and report accuracy."""
    from baove.linkage.evaluate import cluster_metrics, missed_by_blocking, pairwise_metrics

    config = load_config(args.config) if args.config else None
    settings = _settings(config.link if config else LinkSettings(), args.threshold)
    if args.synthetic is not None:
        frames, counts, truth = _synthetic(args.synthetic, args.seed, args.n_sources)
    else:
        if config is None:
            raise ConfigError("evaluate needs --config (or --synthetic N)")
        paths = [Path(p) for p in args.sources] or _config_files(config)
        frames, counts = standardise_sources(paths, config)
        truth_file = args.truth or (
            str(config.base_dir / config.link.truth) if config.link.truth else None
        )
        if truth_file is None:
            raise ConfigError('no truth: give --truth FILE or truth = "..." in [link]')
        truth = _read_truth(Path(truth_file))
    run = _link(frames, settings, model_path=args.model, truth=truth)
    run.summary["sources"] = counts
    pairwise = pairwise_metrics(run.pairs, truth, threshold=settings.threshold)
    clusters = cluster_metrics(run.clusters, truth)
    missed = missed_by_blocking(
        run.candidate_matches if run.candidate_matches is not None else run.pairs, truth
    )
    report = {
        "threshold": settings.threshold,
        "pairwise": asdict(pairwise),
        "cluster": asdict(clusters),
        "true_pairs": pairwise.tp + pairwise.fn,
        "missed_by_blocking": len(missed),
    }
    out = Path(args.out)
    _write_outputs(out, run, {"evaluation": report})
    missed.to_parquet(out / "missed_by_blocking.parquet", index=False)
    (out / "evaluation.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(
        f"pairwise  precision {pairwise.precision:.4f} recall {pairwise.recall:.4f} "
        f"F1 {pairwise.f1:.4f} (threshold {settings.threshold})\n"
        f"clusters  precision {clusters.precision:.4f} recall {clusters.recall:.4f} "
        f"F1 {clusters.f1:.4f}; {clusters.children_exact}/{clusters.children} children whole\n"
        f"blocking  missed {len(missed)} of {report['true_pairs']} true pairs"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``baove link``."""
    parser = argparse.ArgumentParser(
        prog="baove link", description="Batch record linkage (one child, one record)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", required=True, help="output folder")
        p.add_argument("--model", help="a saved Splink model (JSON) to use instead of training")
        p.add_argument("--threshold", type=float, help="link threshold (match probability)")

    run = sub.add_parser("run", help="link sources and write pairs, clusters and review queue")
    run.add_argument("sources", nargs="+", metavar="SOURCE", help="CSV or Parquet files")
    run.add_argument("--config", required=True, help="TOML configuration")
    common(run)
    run.add_argument("--save-model", help="also save the trained model to this file")
    run.add_argument("--index", help="master index folder to add the clusters to")
    run.add_argument("--actor", help="who runs the batch (recorded in the index)")
    run.add_argument("--backend", choices=["duckdb", "spark"], help="override the config")
    run.set_defaults(func=cmd_run)

    ev = sub.add_parser("evaluate", help="report precision, recall and F1 against truth")
    ev.add_argument("sources", nargs="*", metavar="SOURCE", help="default: the config's files")
    ev.add_argument("--config", help="TOML configuration")
    common(ev)
    ev.add_argument("--truth", help="record_id,child_id file (CSV or Parquet)")
    ev.add_argument("--synthetic", type=int, metavar="N", help="synthetic benchmark, N children")
    ev.add_argument("--n-sources", type=int, default=4, help="sources for --synthetic")
    ev.add_argument("--seed", type=int, default=0, help="seed for --synthetic")
    ev.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``baove link``; errors in the input print one clear line and return 2."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except (ConfigError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. no records at all, duplicate record ids
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    raise SystemExit(main())
