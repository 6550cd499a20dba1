"""Administrative indicators on a tiny hand-built extract, on DuckDB and on Spark.

Every expected number below is worked out by hand in the comments from the rows of
:func:`tiny_extract`; the same test runs on both backends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from baove.indicators.admin import (
    OLD_PROVINCE_TO_2025,
    PROVINCES_2025,
    AdminExtractError,
    Backend,
    DuckDBBackend,
    SparkBackend,
    compute_admin,
)
from baove.indicators.admin.cli import main as cli_main

UTC = dt.UTC
AS_OF = "2025-03-01T00:00:00+07:00"


def ts(text: str | None) -> pd.Timestamp | None:
    return None if text is None else pd.Timestamp(text, tz="UTC")


def day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def tiny_extract() -> dict[str, pd.DataFrame]:
    """The hand-built extract (see the module docstring)."""
    children = pd.DataFrame(
        [
            # c1 and c2 are two records of one child (cluster K1) in two provinces.
            ("c1", "K1", "F", 2015, 6, "01"),
            ("c2", "K1", "F", 2015, 6, "79"),
            # c3 turns 18 in January 2024.
            ("c3", None, "M", 2006, 1, "01"),
            ("c4", "K4", "M", 2012, 12, "79"),
            # c5: birth date unknown (counted as a child).
            ("c5", None, "F", None, None, "01"),
        ],
        columns=["child_id", "cluster_id", "sex", "birth_year", "birth_month", "province"],
    ).astype({"birth_year": "Int64", "birth_month": "Int64"})
    cases = pd.DataFrame(
        [
            ("k1", "c1", "01", ts("2024-03-10 10:00"), None, "high"),
            ("k2", "c2", "79", ts("2024-05-01 00:00"), ts("2024-08-01 00:00"), "medium"),
            ("k3", "c3", "01", ts("2024-02-01 00:00"), None, "low"),
            # 18:00 UTC on 31 Dec is 01:00 on 1 Jan 2025 in Viet Nam; "77" is the old
            # Bà Rịa-Vũng Tàu code, now part of Hồ Chí Minh City (79).
            ("k4", "c4", "77", ts("2024-12-31 18:00"), None, "urgent"),
            # Closed at 19:00 local time on 31 Dec 2024: not open at the end of 2024.
            ("k5", "c5", "01", ts("2023-06-01 00:00"), ts("2024-12-31 12:00"), None),
            ("k6", "c1", "01", ts("2024-07-01 00:00"), ts("2024-09-01 00:00"), "high"),
        ],
        columns=["case_id", "child_id", "province", "reported_at", "closed_at", "risk_level"],
    )
    for col in ("reported_at", "closed_at"):
        cases[col] = pd.to_datetime(cases[col], utc=True)
    case_categories = pd.DataFrame(
        [
            ("k1", "reported_abuse"),
            ("k1", "art10_09"),
            ("k2", "art10_11"),
            ("k3", "reported_abuse"),
            ("k4", "art10_04"),
            ("k4", "at_risk"),
            ("k5", "art10_01"),
            ("k6", "art10_09"),
        ],
        columns=["case_id", "category"],
    )
    placements = pd.DataFrame(
        [
            ("p1", "c4", "79", "foster_care", day("2024-02-01"), None),
            # Ends on the last day of 2024: not in care at the end of 2024.
            ("p2", "c1", "01", "sos_village", day("2023-05-01"), day("2024-12-31")),
            ("p3", "c2", "01", "kinship_care", day("2024-12-31"), None),
            ("p4", "c5", "01", "social_protection_centre", day("2025-01-15"), None),
            ("p5", "c3", "01", "residential_public", day("2023-01-01"), None),
            ("p6", "c1", "01", "residential_private", day("2025-06-01"), None),
        ],
        columns=["placement_id", "child_id", "province", "care_type", "start_date", "end_date"],
    )
    # datetime.date objects: written to Parquet as DATE (date32).
    referrals = pd.DataFrame(
        [
            # id, case, province, sent, due, first response, completed
            ("r1", "k1", "01", "2024-03-11 00:00", "2024-03-12 00:00", "2024-03-11 06:00",
             "2024-04-01 00:00"),  # 6 h, on time, completed
            ("r2", "k1", "01", "2024-04-01 00:00", "2024-04-02 00:00", "2024-04-03 00:00",
             None),  # 48 h, late
            ("r3", "k2", "79", "2024-05-02 00:00", "2024-05-03 00:00", None, None),  # overdue
            ("r4", "k4", "79", "2025-02-28 10:00", "2025-03-05 00:00", None, None),  # not due yet
            ("r5", "k6", "01", "2024-12-31 20:00", None, "2025-01-01 06:30",
             "2025-01-10 00:00"),  # sent 03:00 on 1 Jan 2025 local; 10.5 h
            ("r6", "k1", "01", "2024-06-01 00:00", "2024-06-02 00:00", "2024-06-01 12:00",
             "2024-06-20 00:00"),  # 12 h, on time, completed
            ("r7", "k1", "01", "2024-08-01 00:00", None, "2024-08-01 01:30", None),  # 1.5 h
        ],
        columns=["referral_id", "case_id", "province", "sent_at", "due_at",
                 "first_response_at", "completed_at"],
    )  # fmt: skip
    for col in ("sent_at", "due_at", "first_response_at", "completed_at"):
        referrals[col] = pd.to_datetime(referrals[col], utc=True)
    pop_rows: list[tuple[str, int, str, str, float]] = []
    for group in ("0-4", "5-9", "10-14", "15-17"):
        pop_rows += [("01", 2024, "F", group, 1000.0), ("01", 2024, "M", group, 1000.0)]
        pop_rows.append(("79", 2024, "T", group, 1000.0))
    pop_rows += [
        ("01", 2024, "F", "18+", 9999.0),  # adults: not in the denominator
        ("79", 2024, "F", "0-4", 500.0),  # 79 has both-sexes rows, which win
        ("01", 2025, "F", "0-17", 5000.0),
        ("01", 2025, "M", "0-17", 5000.0),
        ("79", 2025, "T", "0-17", 3000.0),
        ("74", 2025, "T", "0-17", 2000.0),  # old Bình Dương code: part of 79 since 2025
    ]
    population = pd.DataFrame(
        pop_rows, columns=["province", "year", "sex", "age_group", "population"]
    )
    return {
        "children": children,
        "cases": cases,
        "case_categories": case_categories,
        "placements": placements,
        "referrals": referrals,
        "population": population,
    }


def write_extract(folder: Path, tables: dict[str, pd.DataFrame], fmt: str = "parquet") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "csv":
            frame.to_csv(folder / f"{name}.csv", index=False)
        else:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "extract.json").write_text(json.dumps({"extracted_at": AS_OF}))
    return folder


@pytest.fixture(scope="module")
def spark_backend() -> Iterator[SparkBackend]:
    if shutil.which("java") is None:
        # CI (.ci/run) installs Java and sets BAOVE_REQUIRE_SPARK: there a skip is a failure.
        if os.environ.get("BAOVE_REQUIRE_SPARK") == "1":
            pytest.fail("BAOVE_REQUIRE_SPARK=1 but Java is not installed")
        pytest.skip("Spark backend not tested: Java (17+) is not installed")
    pytest.importorskip("pyspark", reason="Spark backend not tested: pyspark is not installed")
    from baove.indicators.admin import spark_session

    session = spark_session("local[1]", **{"spark.sql.shuffle.partitions": "1"})
    backend = SparkBackend(session)
    yield backend
    backend.close()
    session.stop()


@pytest.fixture(params=["duckdb", "spark"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "spark":
        yield request.getfixturevalue("spark_backend")
        return
    duck = DuckDBBackend(threads=1)
    yield duck
    duck.close()


def pick(
    out: pd.DataFrame, indicator: str, province: str, period: str, category: str = "_T"
) -> Any:
    rows = out[
        (out["indicator"] == indicator)
        & (out["province"] == province)
        & (out["period"] == period)
        & (out["category"] == category)
    ]
    assert len(rows) == 1, (indicator, province, period, category, len(rows))
    return rows.iloc[0]


def expect(row: Any, numerator: Any, denominator: float | None, value: float | None) -> None:
    if numerator is pd.NA:
        assert pd.isna(row["numerator"])
    else:
        assert row["numerator"] == numerator
    if denominator is None:
        assert pd.isna(row["denominator"])
    else:
        assert row["denominator"] == pytest.approx(denominator)
    if value is None:
        assert pd.isna(row["value"])
    else:
        assert row["value"] == pytest.approx(value, rel=1e-12)


def test_yearly_indicators_by_hand(tmp_path: Path, backend: Backend) -> None:
    folder = write_extract(tmp_path / "x", tiny_extract())
    out = compute_admin(folder, backend=backend)
    assert list(out.columns) == [
        "indicator", "province", "period", "category", "value", "numerator", "denominator",
        "unit", "source",
    ]  # fmt: skip
    assert set(out["province"]) == {"00", "01", "79"}  # "77" and "74" were mapped to "79"
    assert set(out["period"]) == {"2023", "2024", "2025"}
    assert set(out["source"]) == {"admin"}

    # Abuse reported in 2024: K1 (k1, k6 in 01; k2 in 79); k3's child was 18 by then.
    # Children 0-17 in 2024: 01 = 8 x 1000; 79 = 4 x 1000 (T rows); national 12000.
    expect(pick(out, "abuse_reported", "01", "2024"), 1, 8000, 12.5)
    expect(pick(out, "abuse_reported", "79", "2024"), 1, 4000, 25.0)
    # One child nationally, not 2: the two records share cluster K1.
    expect(pick(out, "abuse_reported", "00", "2024"), 1, 12000, 100_000 / 12000)
    # k4 was reported on 1 Jan 2025 local time and is not abuse; 2023 has no population.
    expect(pick(out, "abuse_reported", "79", "2025"), 0, 5000, 0.0)
    expect(pick(out, "abuse_reported", "01", "2023"), 0, None, None)

    # Special circumstances open at the end of the year.
    # 2023: k5 (art10_01, birth unknown) in 01.
    expect(pick(out, "special_circumstances", "01", "2023", "art10_01"), 1, None, None)
    expect(pick(out, "special_circumstances", "00", "2023"), 1, None, None)
    # 2024: k1 (K1; reported_abuse, art10_09) only: k2/k6 closed, k5 closed 31 Dec local,
    # k3's child is 18. Total (_T) counts the 16 Art. 10 groups only.
    expect(pick(out, "special_circumstances", "01", "2024", "art10_09"), 1, 8000, 12.5)
    expect(pick(out, "special_circumstances", "01", "2024", "reported_abuse"), 1, 8000, 12.5)
    expect(pick(out, "special_circumstances", "01", "2024", "art10_01"), 0, 8000, 0.0)
    expect(pick(out, "special_circumstances", "79", "2024"), 0, 4000, 0.0)
    # 2025: k1 in 01, k4 (art10_04, at_risk) in 79; population 01 = 10000,
    # 79 = 3000 + 2000 (old code 74), national 15000.
    expect(pick(out, "special_circumstances", "79", "2025", "art10_04"), 1, 5000, 20.0)
    expect(pick(out, "special_circumstances", "79", "2025", "at_risk"), 1, 5000, 20.0)
    expect(pick(out, "special_circumstances", "00", "2025"), 2, 15000, 2e5 / 15000)
    expect(pick(out, "special_circumstances", "00", "2025", "art10_09"), 1, 15000, 1e5 / 15000)

    # Alternative care at the end of the year.
    # 2023: p2 (SOS village, K1) and p5 (public residential, c3 aged 17 in Dec 2023).
    expect(pick(out, "alternative_care", "01", "2023", "residential"), 2, None, None)
    expect(pick(out, "alternative_care", "01", "2023", "sos_village"), 1, None, None)
    expect(pick(out, "alternative_care", "01", "2023", "family_based"), 0, None, None)
    # 2024: p3 (kinship, K1) in 01; p1 (foster, K4) in 79; p2 ended 31 Dec; c3 is 18.
    expect(pick(out, "alternative_care", "01", "2024"), 1, 8000, 12.5)
    expect(pick(out, "alternative_care", "01", "2024", "residential"), 0, 8000, 0.0)
    expect(pick(out, "alternative_care", "00", "2024", "family_based"), 2, 12000, 2e5 / 12000)
    # 2025: 01 has K1 in kinship care and in private residential care (p6), c5 in a social
    # protection centre: family 1, residential 2, total 2 (K1 once).
    expect(pick(out, "alternative_care", "01", "2025", "family_based"), 1, 10000, 10.0)
    expect(pick(out, "alternative_care", "01", "2025", "residential"), 2, 10000, 20.0)
    expect(pick(out, "alternative_care", "01", "2025"), 2, 10000, 20.0)
    expect(pick(out, "alternative_care", "00", "2025"), 3, 15000, 20.0)

    # Referrals sent in 2024 from 01: r1, r2, r6, r7; completed r1, r6 -> 50 %.
    expect(pick(out, "referral_completion", "01", "2024"), 2, 4, 50.0)
    # Hours to first response 6, 48, 12, 1.5 -> median (6 + 12) / 2 = 9.
    expect(pick(out, "referral_response_hours", "01", "2024"), pd.NA, 4, 9.0)
    # Due: r1 on time, r2 late, r6 on time (r7 has no due time) -> 1 / 3.
    expect(pick(out, "referral_overdue", "01", "2024"), 1, 3, 100 / 3)
    # 79 in 2024: r3 unanswered and past due.
    expect(pick(out, "referral_completion", "79", "2024"), 0, 1, 0.0)
    expect(pick(out, "referral_response_hours", "79", "2024"), pd.NA, 0, None)
    expect(pick(out, "referral_overdue", "79", "2024"), 1, 1, 100.0)
    # National 2024: 5 sent, 2 completed; overdue r2, r3 of r1, r2, r3, r6.
    expect(pick(out, "referral_completion", "00", "2024"), 2, 5, 40.0)
    expect(pick(out, "referral_response_hours", "00", "2024"), pd.NA, 4, 9.0)
    expect(pick(out, "referral_overdue", "00", "2024"), 2, 4, 50.0)
    # 2025: r5 (sent 1 Jan local, 10.5 h, no due time) in 01; r4 not yet due at the
    # extract date (1 Mar 2025 local) in 79.
    expect(pick(out, "referral_response_hours", "01", "2025"), pd.NA, 1, 10.5)
    expect(pick(out, "referral_overdue", "00", "2025"), 0, 0, None)
    expect(pick(out, "referral_completion", "00", "2025"), 1, 2, 50.0)
    assert pick(out, "abuse_reported", "01", "2024")["unit"] == "per 100,000 children aged 0-17"


def test_without_cluster_each_record_is_a_child(tmp_path: Path, backend: Backend) -> None:
    tables = tiny_extract()
    tables["children"] = tables["children"].drop(columns="cluster_id")
    out = compute_admin(write_extract(tmp_path / "x", tables), backend=backend)
    # c1 (01) and c2 (79) now count as two children nationally.
    expect(pick(out, "abuse_reported", "00", "2024"), 2, 12000, 2e5 / 12000)
    expect(pick(out, "abuse_reported", "01", "2024"), 1, 8000, 12.5)
    # 2025 in 01: c1 (p6 residential) and c2 (p3 kinship) are now two children.
    expect(pick(out, "alternative_care", "01", "2025"), 3, 10000, 30.0)


def test_quarters_and_months(tmp_path: Path, backend: Backend) -> None:
    folder = write_extract(tmp_path / "x", tiny_extract())
    out = compute_admin(folder, period="quarter", backend=backend)
    # Abuse: k1 on 10 Mar (Q1, 01), k2 on 1 May (Q2, 79), k6 on 1 Jul (Q3, 01); the
    # denominator is the population of the period's year.
    expect(pick(out, "abuse_reported", "01", "2024-Q1"), 1, 8000, 12.5)
    expect(pick(out, "abuse_reported", "01", "2024-Q2"), 0, 8000, 0.0)
    expect(pick(out, "abuse_reported", "79", "2024-Q2"), 1, 4000, 25.0)
    expect(pick(out, "abuse_reported", "01", "2024-Q3"), 1, 8000, 12.5)
    # k2 was open 1 May - 1 Aug: open at the end of Q2 only.
    expect(pick(out, "special_circumstances", "79", "2024-Q2", "art10_11"), 1, 4000, 25.0)
    expect(pick(out, "special_circumstances", "79", "2024-Q3", "art10_11"), 0, 4000, 0.0)
    months = compute_admin(folder, period="month", backend=backend)
    # The first period is January 2023 (p5 starts then), the last June 2025 (p6).
    periods = sorted(set(months["period"]))
    assert periods[0] == "2023-01" and periods[-1] == "2025-06" and len(periods) == 30
    # k4 reported at 01:00 on 1 Jan 2025 local time.
    expect(pick(months, "special_circumstances", "79", "2024-12", "art10_04"), 0, 4000, 0.0)
    expect(pick(months, "special_circumstances", "79", "2025-01", "art10_04"), 1, 5000, 20.0)
    # r4 sent at 17:00 local time on 28 Feb 2025; r5 at 03:00 on 1 Jan 2025.
    expect(pick(months, "referral_completion", "79", "2025-02"), 0, 1, 0.0)
    expect(pick(months, "referral_completion", "01", "2025-01"), 1, 1, 100.0)


def test_pandas_tables_csv_files_and_single_ages(tmp_path: Path) -> None:
    tables = tiny_extract()
    from_frames = compute_admin(
        tables, as_of=dt.datetime.fromisoformat(AS_OF), backend=DuckDBBackend(threads=1)
    )
    # CSV: everything is text; province codes written as numbers lose their zero ("1").
    csv_tables = dict(tables)
    csv_tables["cases"] = tables["cases"].assign(
        province=tables["cases"]["province"].str.lstrip("0")
    )
    from_csv = compute_admin(write_extract(tmp_path / "csv", csv_tables, fmt="csv"))
    pd.testing.assert_frame_equal(from_frames, from_csv)
    # Single years of age instead of groups: 2024, 79 = 18 x 200 = 3600 children (age 18
    # excluded).
    pop = pd.DataFrame(
        [("79", 2024, "T", age, 200.0) for age in range(19)],
        columns=["province", "year", "sex", "age", "population"],
    )
    out = compute_admin({**tables, "population": pop}, as_of=dt.datetime.now(UTC))
    expect(pick(out, "abuse_reported", "79", "2024"), 1, 3600, 1e5 / 3600)


@pytest.mark.parametrize(
    ("table", "change", "file_column", "words"),
    [
        ("cases", lambda f: f.drop(columns="reported_at"), "cases.parquet, column reported_at",
         "missing"),
        ("case_categories", lambda f: f.assign(category=["art10_99", *f["category"][1:]]),
         "case_categories.parquet, column category", "art10_99"),
        ("population", lambda f: f.assign(population=[-5.0, *f["population"][1:]]),
         "population.parquet, column population", "negative population"),
        ("population", lambda f: f.assign(age_group=["15-19", *f["age_group"][1:]]),
         "population.parquet, column age_group", "straddle age 18"),
        ("placements", lambda f: f.assign(province=["99", *f["province"][1:]]),
         "placements.parquet, column province", "unknown province"),
        ("cases", lambda f: f.assign(child_id=["nobody", *f["child_id"][1:]]),
         "cases.parquet, column child_id", "nobody"),
    ],
)  # fmt: skip
def test_bad_extracts_name_file_and_column(
    tmp_path: Path, backend: Backend, table: str, change: Any, file_column: str, words: str
) -> None:
    tables = tiny_extract()
    tables[table] = change(tables[table])
    folder = write_extract(tmp_path / "bad", tables)
    with pytest.raises(AdminExtractError) as err:
        compute_admin(folder, backend=backend)
    message = str(err.value)
    assert file_column in message
    assert words in message
    # Vietnamese first, English second.
    assert f"{file_column.replace('column', 'cột')}" in message


def test_missing_file_and_bad_date(tmp_path: Path) -> None:
    tables = tiny_extract()
    folder = write_extract(tmp_path / "x", tables, fmt="csv")
    (folder / "referrals.csv").unlink()
    with pytest.raises(AdminExtractError, match=r"referrals\.parquet \| referrals\.csv"):
        compute_admin(folder)
    tables["placements"] = tables["placements"].astype({"start_date": str})
    tables["placements"].loc[0, "start_date"] = "31/12/2024"
    folder = write_extract(tmp_path / "y", tables, fmt="csv")
    with pytest.raises(AdminExtractError, match=r"placements\.csv, column start_date: .*date"):
        compute_admin(folder)


def test_cli_writes_csv_and_reports_bad_extract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_extract(tmp_path / "x", tiny_extract())
    out = tmp_path / "out.csv"
    assert cli_main(["--extract", str(folder), "--out", str(out), "--period", "year"]) == 0
    table = pd.read_csv(out, dtype={"province": str, "period": str})
    row = pick(table, "abuse_reported", "79", "2024")
    assert row["value"] == pytest.approx(25.0)
    (folder / "children.parquet").unlink()
    assert cli_main(["--extract", str(folder), "--out", str(out)]) == 1
    assert "children.parquet" in capsys.readouterr().err


def test_old_province_codes_match_ward_codes() -> None:
    """Check the 63 -> 34 table against an independent source: the ward codes.

    GSO ward codes were allocated in blocks, old province by old province, in code order,
    and 2025 wards kept codes from those blocks. So walking the wards of
    ``vietnam-provinces`` in code order and noting which 2025 province each belongs to
    must give the 2025 provinces of the old provinces in old-code order. Runs of fewer than
    five wards are communes moved across a province border (not whole provinces), and
    the old Hà Tây (28, merged into Hà Nội in 2008) still has its own block.
    """
    from vietnam_provinces import Ward

    wards = sorted(Ward.iter_all(), key=lambda w: int(w.code))
    runs: list[list[int]] = []
    for ward in wards:
        code = int(ward.province_code)
        if runs and runs[-1][0] == code:
            runs[-1][1] += 1
        else:
            runs.append([code, 1])
    seen: list[str] = []
    for code, size in runs:
        if size >= 5 and (not seen or seen[-1] != f"{code:02d}"):
            seen.append(f"{code:02d}")
    old = {**OLD_PROVINCE_TO_2025, "28": "01"}
    expected: list[str] = []
    for old_code in sorted(old):
        if not expected or expected[-1] != old[old_code]:
            expected.append(old[old_code])
    assert seen == expected
    assert len(OLD_PROVINCE_TO_2025) == 63
    assert set(OLD_PROVINCE_TO_2025.values()) == set(PROVINCES_2025)
    # A 2025 code maps to itself, so the map can be applied to any extract.
    assert all(OLD_PROVINCE_TO_2025.get(c, c) == c for c in PROVINCES_2025)
