"""``baove link`` end to end on small CSV files, and its messages on bad input."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from baove.linkage.cli import main
from baove.linkage.evaluate import pairwise_metrics
from baove.linkage.master_index import MasterIndex
from baove.synth.names import random_name

CONFIG = """
[link]
threshold = 0.9
review_low = 0.3
u_max_pairs = 200000

[sources.members]
id_column = "Member ID"
date_format = "%d/%m/%Y"

[sources.members.columns]
"Member ID" = "ignore"
"Last Name" = "family"
"Middle" = "middle"
"First Name" = "given"
"Date of Birth" = "birth_date"
"Gender" = "sex"
"Notes" = "ignore"

[sources.clients]
file = "clients_export.csv"
id_column = "client"

[sources.clients.columns]
client = "ignore"
"Full name" = "full_name"
"Born" = "birth_date"
"Mobile" = "phone"
"""


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """Two person lists with English headers and different layouts; 150 people in both."""
    rng = random.Random(5)
    folder = tmp_path_factory.mktemp("lists")
    members, clients, truth = [], [], []
    for person in range(260):
        sex = rng.choice("MF")
        family, middle, given = random_name(rng, sex)
        born = f"{rng.randint(2008, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        if person < 200:
            members.append(
                {
                    "Notes": "",
                    "First Name": given,
                    "Middle": middle,
                    "Last Name": family,
                    "Gender": "Nữ" if sex == "F" else "Nam",
                    "Date of Birth": f"{born[8:]}/{born[5:7]}/{born[:4]}",
                    "Member ID": f"M{person:04d}",
                }
            )
            truth.append((f"members:M{person:04d}", person))
        if person >= 50:
            full = f"{family} {middle} {given}".replace("  ", " ")
            if rng.random() < 0.4:
                full = _strip(full)  # diacritics lost
            if rng.random() < 0.1:
                full = f"{given} {family} {middle}"  # order swapped
            clients.append(
                {"client": f"c{person}", "Born": born, "Full name": full, "Mobile": phone}
            )
            truth.append((f"clients:c{person}", person))
    pd.DataFrame(members).to_csv(folder / "members.csv", index=False)
    pd.DataFrame(clients).to_csv(folder / "clients_export.csv", index=False)
    (folder / "link.toml").write_text(CONFIG, encoding="utf-8")
    truth_frame = pd.DataFrame(truth, columns=["record_id", "child_id"])
    truth_frame.to_csv(folder / "truth.csv", index=False)
    return folder, truth_frame


def _run(folder: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "run",
            str(folder / "members.csv"),
            str(folder / "clients_export.csv"),
            "--config",
            str(folder / "link.toml"),
            "--out",
            str(out),
            *extra,
        ]
    )


def test_run_links_two_arbitrary_person_lists(
    lists: tuple[Path, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, truth = lists
    out = tmp_path / "out"
    saved = tmp_path / "saved_model.json"
    assert _run(folder, out, "--save-model", str(saved)) == 0
    assert "linked 410 records" in capsys.readouterr().out
    for name in ("pairs.parquet", "clusters.parquet", "review.parquet", "model.json"):
        assert (out / name).is_file(), name
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert {
        "record_id_l",
        "record_id_r",
        "match_probability",
        "given_name_level",
        "bf_given_name",
    } <= set(pairs.columns)
    clusters = pd.read_parquet(out / "clusters.parquet")
    assert len(clusters) == 410 and clusters["record_id"].is_unique
    metrics = pairwise_metrics(pairs, truth, threshold=0.9)
    assert metrics.f1 >= 0.95, metrics
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["sources"] == {"members": 200, "clients": 210}
    assert summary["settings"]["threshold"] == 0.9
    assert json.loads(saved.read_text(encoding="utf-8"))["comparisons"]

    # The saved model is reused without training and gives the same links.
    again = tmp_path / "again"
    assert _run(folder, again, "--model", str(saved)) == 0
    reused = pd.read_parquet(again / "pairs.parquet")
    assert len(reused) == len(pairs)
    assert json.loads((again / "summary.json").read_text(encoding="utf-8"))["model"].startswith(
        "loaded"
    )


def test_run_with_index_gives_stable_cluster_ids(
    lists: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    folder, _ = lists
    index = tmp_path / "index"
    assert _run(folder, tmp_path / "a", "--index", str(index), "--actor", "tester") == 0
    first = pd.read_parquet(tmp_path / "a" / "clusters.parquet").set_index("record_id")
    assert first["cluster_id"].dtype.kind == "i" or str(first["cluster_id"].dtype) == "Int64"
    assert _run(folder, tmp_path / "b", "--index", str(index), "--threshold", "0.99") == 0
    second = pd.read_parquet(tmp_path / "b" / "clusters.parquet").set_index("record_id")
    assert (second["cluster_id"] == first["cluster_id"].loc[second.index]).all()
    events = MasterIndex(index).events()
    assert events["actor"].iloc[0] == "tester" and len(events) == 1  # second run added nothing


def test_evaluate_reports_accuracy(
    lists: tuple[Path, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = lists
    code = main(
        [
            "evaluate",
            str(folder / "members.csv"),
            str(folder / "clients_export.csv"),
            "--config",
            str(folder / "link.toml"),
            "--truth",
            str(folder / "truth.csv"),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "pairwise  precision" in printed and "blocking  missed" in printed
    report = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    assert report["true_pairs"] == 150
    assert report["pairwise"]["f1"] >= 0.95
    assert report["missed_by_blocking"] <= 5


def test_evaluate_synthetic(tmp_path: Path) -> None:
    assert main(["evaluate", "--synthetic", "300", "--seed", "2", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    assert report["pairwise"]["f1"] >= 0.95
    # children listed in no source are not in the truth
    assert 250 < report["cluster"]["children"] <= 300


def _error(capsys: pytest.CaptureFixture[str], code: int) -> str:
    assert code == 2
    return capsys.readouterr().err


def test_bad_input_messages(
    lists: tuple[Path, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = lists
    config = str(folder / "link.toml")
    index = tmp_path / "index"

    latin = tmp_path / "members.csv"
    latin.write_bytes(
        (folder / "members.csv").read_bytes().decode("utf-8").encode("utf-8")
        + "M9999,Lê,Văn,An,Nam,01/01/2015,\n".encode("cp1258")
    )
    err = _error(
        capsys,
        main(
            [
                "run",
                str(latin),
                "--config",
                config,
                "--out",
                str(tmp_path / "o"),
                "--index",
                str(index),
            ]
        ),
    )
    assert "members.csv (source members): line 202 (data row 201)" in err and "encoding" in err
    assert not (index / "current.json").exists()  # nothing written to the index

    empty = tmp_path / "clients_export.csv"
    empty.write_text("", encoding="utf-8")
    err = _error(capsys, main(["run", str(empty), "--config", config, "--out", str(tmp_path)]))
    assert "clients_export.csv (source clients): the file is empty" in err

    renamed = tmp_path / "x" / "members.csv"
    renamed.parent.mkdir()
    frame = pd.read_csv(folder / "members.csv", dtype=str).rename(columns={"Gender": "Sex"})
    frame.to_csv(renamed, index=False)
    err = _error(capsys, main(["run", str(renamed), "--config", config, "--out", str(tmp_path)]))
    assert "(source members)" in err and "'Gender'" in err

    stranger = tmp_path / "other.csv"
    stranger.write_text("a,b\n1,2\n", encoding="utf-8")
    err = _error(capsys, main(["run", str(stranger), "--config", config, "--out", str(tmp_path)]))
    assert "other.csv: no [sources.*] section matches" in err

    header_only = tmp_path / "y" / "members.csv"
    header_only.parent.mkdir()
    frame.iloc[:0].rename(columns={"Sex": "Gender"}).to_csv(header_only, index=False)
    err = _error(
        capsys, main(["run", str(header_only), "--config", config, "--out", str(tmp_path)])
    )
    assert "no records" in err


def test_single_record_source_and_unreadable_date(
    lists: tuple[Path, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = lists
    config = str(folder / "link.toml")
    one = tmp_path / "clients_export.csv"
    pd.read_csv(folder / "clients_export.csv", dtype=str).head(1).to_csv(one, index=False)
    # A source with one record still links against the other source.
    code = main(["run", str(folder / "members.csv"), str(one), "--config", config,
                 "--out", str(tmp_path / "one")])  # fmt: skip
    assert code == 0
    clusters = pd.read_parquet(tmp_path / "one" / "clusters.parquet")
    assert len(clusters) == 201
    bad = tmp_path / "bad" / "clients_export.csv"
    bad.parent.mkdir()
    frame = pd.read_csv(folder / "clients_export.csv", dtype=str)
    frame.loc[3, "Born"] = "ngày 32 tháng 13"
    frame.to_csv(bad, index=False)
    index = tmp_path / "index"
    code = main(["run", str(folder / "members.csv"), str(bad), "--config", config,
                 "--out", str(tmp_path / "b"), "--index", str(index)])  # fmt: skip
    err = _error(capsys, code)  # refused: exit 2 with the file, row and column
    assert "clients_export.csv" in err and "Born" in err and "data row 4" in err
    assert "Traceback" not in err
    assert not (index / "current.json").exists()  # nothing written to the index
