"""``manage.py publish_indicators``: put indicator results into the dashboards' store.

* ``--synthetic --rounds 10 --households 2000``: synthetic survey rounds ``SYN-<year>``
  computed with the real engine.
* ``--from results.parquet --round MICS-2021 --year 2021 [--source survey] [--label ...]``:
  results of ``baove indicators compute`` on a real survey (Parquet or CSV).
* ``--admin --year 2025 [--population pop.parquet]``: administrative indicators from this
  installation's cases (``ADMIN-<year>``, source government).
* ``--bench``: 20 indicators x 34 provinces x 10 rounds of invented numbers (``BENCH-<year>``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baove.core import context
from baove.core.errors import ValidationFailed
from baove.dashboards.actions import publish_results
from baove.dashboards.models import Source
from baove.dashboards.synthetic import publish_bench, publish_synthetic_rounds


def admin_frame(admin: pd.DataFrame, year: int) -> pd.DataFrame:
    """Turn ``compute_admin`` output (yearly periods) into publishable rows for ``year``.

    Only the totals of each indicator (category ``_T``) are kept; the national row (``00``)
    becomes ``by="total"``. Values keep the administrative unit (rates per 100,000, ...);
    ``n_unweighted`` is the numerator, and figures without a value are flagged ``-``.

    Args:
        admin: ``compute_admin(..., period="year")`` output.
        year: the year to publish.

    Returns:
        A frame with the columns :func:`publish_results` needs.
    """
    rows = admin[(admin["period"].astype(str) == str(year)) & (admin["category"] == "_T")]
    national = rows["province"].astype(str) == "00"
    value = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype="float64")
    numerator = pd.to_numeric(rows["numerator"], errors="coerce").fillna(0).to_numpy()
    return pd.DataFrame(
        {
            "indicator": rows["indicator"].astype(str).to_numpy(),
            "by": np.where(national, "total", "province"),
            "domain": np.where(national, "Total", rows["province"].astype(str)),
            "estimate": value,
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "deff": np.nan,
            "n_unweighted": numerator.astype("int64"),
            "n_weighted": np.nan,
            "flag": np.where(np.isnan(value), "-", ""),
        }
    )


class Command(BaseCommand):
    help = "Publish indicator results (synthetic, from a results file, administrative, bench)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--synthetic", action="store_true", help="synthetic survey rounds")
        mode.add_argument("--from", dest="path", type=Path, help="results file (.parquet/.csv)")
        mode.add_argument("--admin", action="store_true", help="from this installation's cases")
        mode.add_argument("--bench", action="store_true", help="invented numbers for benchmarks")
        parser.add_argument("--rounds", type=int, default=10, help="number of rounds (1-10)")
        parser.add_argument("--households", type=int, default=2_000, help="per synthetic round")
        parser.add_argument("--indicators", type=int, default=20, help="--bench: indicators")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--round", dest="round_code", help="--from: round code, e.g. MICS-2021")
        parser.add_argument("--year", type=int, help="--from/--admin: reference year")
        parser.add_argument("--source", default=Source.SURVEY, choices=list(Source.values))
        parser.add_argument("--label", default="", help="--from: label, e.g. 'MICS 2020-21'")
        parser.add_argument("--population", type=Path, help="--admin: population table")

    def handle(self, *args: Any, **options: Any) -> None:
        # Recorded as coming from the command line in the audit log.
        with context.use(context.RequestContext(channel="cli")):
            try:
                self._run(options)
            except ValidationFailed as error:
                lines = [f"{field}: {m}" for field, ms in error.errors.items() for m in ms]
                raise CommandError("\n".join(lines)) from error
            except ValueError as error:
                raise CommandError(str(error)) from error

    def _run(self, options: dict[str, Any]) -> None:
        say = self.stdout.write
        if not 1 <= options["rounds"] <= 10:
            raise CommandError("--rounds must be between 1 and 10")
        if options["synthetic"]:
            if options["households"] < 480:
                raise CommandError("--households must be at least 480")
            publish_synthetic_rounds(
                n=options["rounds"], households=options["households"], seed=options["seed"], say=say
            )
        elif options["bench"]:
            publish_bench(
                indicators=options["indicators"],
                rounds=options["rounds"],
                seed=options["seed"],
                say=say,
            )
        elif options["admin"]:
            self._admin(options)
        else:
            self._from_file(options)
        self.stdout.write(self.style.SUCCESS("Published."))

    def _from_file(self, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"--from: no such file {path}")
        if not options["round_code"] or options["year"] is None:
            raise CommandError("--from needs --round and --year")
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        elif path.suffix.lower() == ".csv":
            # write_results writes the numbers of empty domains as "-"
            frame = pd.read_csv(path, dtype={"domain": str, "flag": str}, na_values=["-"])
            frame["flag"] = frame["flag"].fillna("")
            frame.loc[frame["n_unweighted"].fillna(0) == 0, "flag"] = "-"
        else:
            raise CommandError("--from: give a .parquet or .csv file")
        published = publish_results(
            frame,
            source=options["source"],
            round=options["round_code"],
            year=options["year"],
            acting_user=None,
            label=options["label"],
        )
        self.stdout.write(f"{published.code}: {published.rows:,} results")

    def _admin(self, options: dict[str, Any]) -> None:
        from baove.cases.extract import write_admin_extract
        from baove.indicators import compute_admin

        year = options["year"]
        if year is None:
            raise CommandError("--admin needs --year")
        population: Path | None = options["population"]
        if population is not None and not population.is_file():
            raise CommandError(f"--population: no such file {population}")
        with tempfile.TemporaryDirectory() as folder:
            write_admin_extract(Path(folder), population=population)
            admin = compute_admin(folder, period="year")
        frame = admin_frame(admin, year)
        if frame.empty:
            raise CommandError(f"no administrative figures for {year}")
        published = publish_results(
            frame,
            source=Source.GOVERNMENT,
            round=f"ADMIN-{year}",
            year=year,
            acting_user=None,
            label=options["label"] or f"Case management data {year}",
        )
        self.stdout.write(f"{published.code}: {published.rows:,} results")
