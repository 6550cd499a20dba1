"""The ``baove`` command line, run as a user would (a subprocess on a fresh data folder)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from baove.accounts.roles import Role


def baove(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BAOVE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)  # the embedded default
    return subprocess.run(
        [sys.executable, "-m", "baove.cli", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def sign_ins(stdout: str) -> set[tuple[str, ...]]:
    """The (username, password, role) lines printed after "Demo sign-ins"."""
    tail = stdout.split("Demo sign-ins", 1)[1].splitlines()[1:]
    return {tuple(line.split()) for line in tail if line.startswith("  ") and line.strip()}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


def test_demo_prepares_a_sqlite_database_in_wal_mode_and_prints_sign_ins(demo_dir: Path) -> None:
    result = baove(demo_dir, "demo", "--no-serve", "--cases", "300")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for role in Role.values:
        assert role in out
    db = sqlite3.connect(demo_dir / "baove.sqlite3")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM cases_case").fetchone()[0] >= 300
        assert db.execute("SELECT count(*) FROM geo_commune").fetchone()[0] == 3321
        names = db.execute("SELECT count(*) FROM cases_case WHERE name_folded = ''").fetchone()
        assert names[0] == 0  # every case is findable by name
        # every registered child is in the "may already be known" index
        children = db.execute("SELECT count(*) FROM registry_child").fetchone()[0]
        indexed = db.execute(
            "SELECT count(*) FROM matching_linkedrecord WHERE source = 'baove'"
        ).fetchone()[0]
        assert children > 0 and indexed == children
    finally:
        db.close()
    # A second run reuses the data and prints the same sign-ins.
    again = baove(demo_dir, "demo", "--no-serve")
    assert again.returncode == 0, again.stderr
    assert sign_ins(out) == sign_ins(again.stdout)
    assert {role for _user, _password, role in sign_ins(out)} == set(Role.values)


def test_createuser_and_its_errors(demo_dir: Path) -> None:
    ok = baove(
        demo_dir, "createuser", "canbo.moi", "--role", "commune_officer", "--commune", "00004",
        "--password-stdin", stdin="mat-khau-dai-du-10\n",
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    bad = baove(
        demo_dir, "createuser", "canbo.moi", "--role", "commune_officer", "--password-stdin",
        stdin="123\n",
    )  # fmt: skip
    assert bad.returncode == 2
    assert "username" in bad.stderr and "commune" in bad.stderr and "password" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_seed_adds_cases(demo_dir: Path) -> None:
    result = baove(demo_dir, "seed", "--cases", "50", "--seed", "7")
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(demo_dir / "baove.sqlite3")
    try:
        assert db.execute("SELECT count(*) FROM cases_case").fetchone()[0] >= 356
    finally:
        db.close()


def test_demo_recovers_lost_sign_ins(demo_dir: Path) -> None:
    (demo_dir / "demo-logins.json").unlink()
    result = baove(demo_dir, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert {role for _u, _p, role in sign_ins(result.stdout)} == set(Role.values)


def test_demo_passwords_are_drawn_again_when_too_like_the_user_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from baove import demo

    draws = iter(["canbo.xa1", "Xq7-pLm2Rt9z"])  # the first is "too similar" to canbo.xa
    monkeypatch.setattr("baove.demo.secrets.token_urlsafe", lambda _n: next(draws))
    assert demo._new_password("canbo.xa") == "Xq7-pLm2Rt9z"
