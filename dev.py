#!/usr/bin/env python3
"""Developer bootstrapper for baove (standard library only).

    python3 dev.py demo [args...]     run the demo (creates .venv on first use)
    python3 dev.py test [pytest args] run the test suite on SQLite

Run `python3 dev.py --help` for all commands.
"""

# ruff: noqa: S603, S606  (this script exists to run trusted local tools)
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXE = ".exe" if os.name == "nt" else ""
VENV_PY = BIN / f"python{EXE}"
STAMP = VENV / ".baove-install-stamp"
PYPROJECT = ROOT / "pyproject.toml"
PG_SCRIPT = ROOT / "scripts" / "pg_local.sh"
LINT_DIRS = ("src", "tests", "bench")
TYPE_DIRS = ("src", "tests")
PYTEST_NO_TESTS = 5

USAGE = """\
usage: python3 dev.py <command> [args...]

commands:
  demo [args...]         run `baove demo [args...]` (sets up .venv first)
  test [pytest args...]  run the test suite (SQLite); "no tests collected" counts as failure
  check                  ruff format --check, ruff check, mypy, makemigrations --check, tests
  pg-test [pytest args]  run the tests against a throwaway local PostgreSQL
                         (scripts/pg_local.sh; installs PostgreSQL via apt-get if missing and root)
  setup                  only create/update .venv
  fmt                    ruff format + ruff check --fix
  -h, --help             show this help

.venv is created with this Python (must be 3.11) and `pip install -e '.[dev]'` is re-run
only when pyproject.toml changes (its sha256 is recorded in .venv/.baove-install-stamp).
"""


def say(msg: str) -> None:
    print(f"dev.py: {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 1) -> NoReturn:
    say(f"error: {msg}")
    raise SystemExit(code)


def check_python() -> None:
    if sys.version_info[:2] != (3, 11):
        found = shutil.which("python3.11")
        hint = f"\n  try: {found} dev.py {' '.join(sys.argv[1:])}" if found else ""
        die(
            f"baove needs Python 3.11, but this is Python {sys.version.split()[0]} "
            f"({sys.executable}).{hint}"
        )


def pyproject_hash() -> str:
    return hashlib.sha256(PYPROJECT.read_bytes()).hexdigest()


def venv_python_version() -> str | None:
    """The `version` recorded in .venv/pyvenv.cfg, or None if unreadable."""
    try:
        for line in (VENV / "pyvenv.cfg").read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() in ("version", "version_info"):
                return value.strip()
    except OSError:
        return None
    return None


def venv_usable() -> bool:
    if not VENV_PY.exists():
        return False
    version = venv_python_version()
    if version is None or not version.startswith("3.11."):
        return False
    try:
        subprocess.run(
            [str(VENV_PY), "-c", "import sys"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def ensure_venv() -> None:
    """Create .venv if needed and (re)install the project when pyproject.toml changed."""
    check_python()
    if VENV.exists() and not venv_usable():
        say(f"{VENV} is broken or not Python 3.11; recreating it")
        shutil.rmtree(VENV)
    if not VENV.exists():
        say(f"creating virtualenv {VENV} with Python {sys.version.split()[0]}")
        result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], cwd=ROOT)
        if result.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            die(
                "could not create the virtualenv. On Debian/Ubuntu install the venv module: "
                "apt-get install python3.11-venv"
            )

    wanted = pyproject_hash()
    try:
        recorded = STAMP.read_text().strip()
    except OSError:
        recorded = ""
    if recorded == wanted and (BIN / f"baove{EXE}").exists():
        return

    reason = "pyproject.toml changed" if recorded else "not installed yet"
    say(f"installing baove with dev extras into .venv ({reason}; this takes a minute)")
    STAMP.unlink(missing_ok=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    started = time.monotonic()
    result = subprocess.run(
        [str(VENV_PY), "-m", "pip", "install", "--quiet", "-e", ".[dev]"], cwd=ROOT, env=env
    )
    if result.returncode != 0:
        die(
            f"`pip install -e '.[dev]'` failed (exit {result.returncode}); see the output above. "
            "It will be retried on the next run."
        )
    if not (BIN / f"baove{EXE}").exists():
        die("install finished but .venv has no `baove` command; check [project.scripts]")
    STAMP.write_text(wanted + "\n")
    say(f"install done in {time.monotonic() - started:.0f}s")


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    env.pop("PYTHONHOME", None)
    if extra:
        env.update(extra)
    return env


def run(cmd: Sequence[str], extra_env: dict[str, str] | None = None) -> int:
    try:
        return subprocess.run(list(cmd), cwd=ROOT, env=tool_env(extra_env)).returncode
    except KeyboardInterrupt:
        return 130


def run_pytest(args: Sequence[str], extra_env: dict[str, str] | None = None) -> int:
    code = run([str(VENV_PY), "-m", "pytest", *args], extra_env)
    if code == PYTEST_NO_TESTS:
        say("error: pytest collected no tests; treating that as a failure")
    return code


# ------------------------------------------------------------------ commands


def cmd_setup(_args: list[str]) -> int:
    ensure_venv()
    say(f".venv is ready ({VENV})")
    return 0


def cmd_demo(args: list[str]) -> int:
    ensure_venv()
    baove = str(BIN / f"baove{EXE}")
    if os.name == "nt":
        return run([baove, "demo", *args])
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(ROOT)
    os.execve(baove, [baove, "demo", *args], tool_env())


def cmd_test(args: list[str]) -> int:
    ensure_venv()
    return run_pytest(args)


def cmd_check(args: list[str]) -> int:
    ensure_venv()
    lint_dirs = [d for d in LINT_DIRS if (ROOT / d).is_dir()]
    type_dirs = [d for d in TYPE_DIRS if (ROOT / d).is_dir()]
    ruff = str(BIN / f"ruff{EXE}")
    steps: list[tuple[str, list[str]]] = [
        ("ruff format --check", [ruff, "format", "--check", *lint_dirs]),
        ("ruff check", [ruff, "check", *lint_dirs]),
        ("mypy", [str(VENV_PY), "-m", "mypy", *type_dirs]),
        (
            "makemigrations --check",
            [str(BIN / f"baove{EXE}"), "manage", "makemigrations", "--check", "--dry-run"],
        ),
    ]
    for name, cmd in steps:
        say(f"--- {name}")
        started = time.monotonic()
        code = run(cmd)
        if code != 0:
            say(f"FAILED: {name} (exit {code})")
            return code
        say(f"ok: {name} ({time.monotonic() - started:.1f}s)")
    say("--- tests (SQLite)")
    code = run_pytest(args)
    if code != 0:
        say(f"FAILED: tests (exit {code})")
        return code
    say("check passed")
    return 0


def pg(action: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash") or die("bash is needed for scripts/pg_local.sh")
    return subprocess.run(
        [bash, str(PG_SCRIPT), action],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stdin=subprocess.DEVNULL,
    )


def cmd_pg_test(args: list[str]) -> int:
    ensure_venv()
    was_running = pg("status").returncode == 0
    if pg("start").returncode != 0:
        die("could not start the local PostgreSQL (scripts/pg_local.sh start)")
    try:
        url = pg("url", capture=True).stdout.strip()
        say(f"--- tests (PostgreSQL, DATABASE_URL={url})")
        code = run_pytest(args, {"DATABASE_URL": url})
    finally:
        if was_running:
            say("PostgreSQL was already running before pg-test; leaving it running")
        else:
            pg("stop")
    if code != 0:
        say(f"FAILED: tests on PostgreSQL (exit {code})")
    return code


def cmd_fmt(_args: list[str]) -> int:
    ensure_venv()
    dirs = [d for d in LINT_DIRS if (ROOT / d).is_dir()]
    ruff = str(BIN / f"ruff{EXE}")
    code = run([ruff, "format", *dirs])
    return code or run([ruff, "check", "--fix", *dirs])


COMMANDS = {
    "demo": cmd_demo,
    "test": cmd_test,
    "check": cmd_check,
    "pg-test": cmd_pg_test,
    "setup": cmd_setup,
    "fmt": cmd_fmt,
}


def main(argv: list[str]) -> int:
    if not argv:
        print(USAGE, file=sys.stderr, end="")
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    if cmd not in COMMANDS:
        print(f"dev.py: unknown command {cmd!r}\n", file=sys.stderr)
        print(USAGE, file=sys.stderr, end="")
        return 2
    return COMMANDS[cmd](args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
