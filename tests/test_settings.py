"""Settings: production passes Django's deployment checks; the embedded default is SQLite."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "baove.cli", "manage", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path: Path) -> None:
    env = {
        "BAOVE_ENV": "production",
        "BAOVE_SECRET_KEY": secrets.token_urlsafe(64),
        "BAOVE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {"BAOVE_ENV": "production", "BAOVE_DATA_DIR": str(tmp_path), "BAOVE_SECRET_KEY": ""}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "BAOVE_SECRET_KEY" in result.stderr


def test_defaults() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
