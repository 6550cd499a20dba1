"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against a live server.

The tests use the app as a person would: they click links, fill forms, choose the language in
the header and download files through the browser. Data is committed to the test database
(``transactional_db``) because the live server answers from its own thread.

Chromium is Debian's package (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright's
own browser download is never used. Without Chromium the tests skip, unless
``BAOVE_REQUIRE_BROWSER=1`` (CI) makes them fail. ``BAOVE_SCREENSHOTS=1`` saves full-page
screenshots of the main pages into ``docs/screenshots/``.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_migrate
from playwright.sync_api import Browser, Download, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from baove.dashboards.actions import publish_results
from baove.geo.loader import load as load_geography
from baove.geo.models import Commune, Province

from ..conftest import PASSWORD, World, build_world

CHROMIUM = Path(os.environ.get("BAOVE_CHROMIUM", "/usr/bin/chromium"))
# Headless and quiet: without the background-networking flags Chromium contacts Google
# services at start-up, and on a closed network the refused connections slow it down.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 15_000

# The audit log's append-only triggers (a migration) refuse the DELETE/TRUNCATE with which a
# transactional test empties the database; the tests lift them for that flush only.
_TRIGGERS = importlib.import_module("baove.audit.migrations.0002_append_only_triggers")


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    """Allow ORM calls while Playwright's event loop runs in this thread (these tests only).

    Playwright's sync API keeps an asyncio loop running in the test thread (in a greenlet),
    and Django then refuses every ORM call there with SynchronousOnlyOperation. The calls
    are ordinary synchronous code that never runs inside the loop, so the check is a false
    alarm here; the variable is set for this package and restored afterwards.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_orm_beside_playwright: None) -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole package (starting it takes about a second)."""
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) or set BAOVE_CHROMIUM to its path"
        )
        if os.environ.get("BAOVE_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _restore_after_flush(sender: Any, **kwargs: Any) -> None:
    """Put back what the migrations made (geography, audit triggers) after a test's flush."""
    if not Province.objects.exists():
        load_geography(Province, Commune)
    with connection.schema_editor() as editor:
        _TRIGGERS.drop(None, editor)
        _TRIGGERS.create(None, editor)


@pytest.fixture(scope="package", autouse=True)
def _migrated_state_after_flush() -> Iterator[None]:
    # The flush emits post_migrate once per app; the geo app's is enough for both.
    geo = apps.get_app_config("geo")
    post_migrate.connect(_restore_after_flush, sender=geo, dispatch_uid="browser-tests")
    yield
    post_migrate.disconnect(sender=geo, dispatch_uid="browser-tests")


@pytest.fixture
def server(transactional_db: None, live_server: LiveServer) -> Iterator[LiveServer]:
    """The live server over a committed database that holds the geography."""
    cache.clear()  # pages cache what they read; the database was just emptied
    if not Province.objects.exists():
        load_geography(Province, Commune)
    yield live_server
    with connection.schema_editor() as editor:
        _TRIGGERS.drop(None, editor)  # restored by _restore_after_flush


@pytest.fixture
def live_world(server: LiveServer) -> World:
    """The canonical world (tests/conftest.py), committed so the live server sees it."""
    return build_world()


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """A fresh browser tab (own cookies) of a person in Viet Nam, pointed at the live server."""
    context = browser.new_context(
        base_url=server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


# --------------------------------------------------------------------------- indicators

#: Published national values (0-1) by (indicator, round); the pages show them x100.
NATIONAL = {
    ("birth_reg", "MICS-2014"): 0.894,
    ("birth_reg", "SCW-2021"): 0.921,
    ("stunting", "MICS-2014"): 0.245,
    ("stunting", "SCW-2021"): 0.196,
}
ROUNDS = {"MICS-2014": 2014, "SCW-2021": 2021}
SE = 0.01
#: Hà Nội is well above the nation; HCMC's figure rests on 30 cases (shown in parentheses);
#: Cà Mau's on 12 (suppressed, "(*)"); every other province has 200 cases.
HIGH_PROVINCE, CAUTION_PROVINCE, SUPPRESSED_PROVINCE = "01", "79", "96"
HIGH_GAP = 0.05
CASES = {CAUTION_PROVINCE: 30, SUPPRESSED_PROVINCE: 12}


def percent(value: float) -> str:
    """A 0-1 value as the pages print it (x100, one decimal)."""
    return f"{value * 100:.1f}"


def province_value(national: float, code: str, position: int) -> float:
    """The invented province figure: Hà Nội 5 points above, the rest close to the nation."""
    if code == HIGH_PROVINCE:
        return national + HIGH_GAP
    return national + ((position % 7) - 3) * 0.004


def indicator_frame(round_code: str) -> pd.DataFrame:
    """A ``compute_survey``-style frame of one round: total, sex, area, wealth, provinces."""
    rows: list[dict[str, Any]] = []
    codes = sorted(Province.objects.values_list("code", flat=True))
    for (indicator, rnd), national in NATIONAL.items():
        if rnd != round_code:
            continue
        cells = [("total", "Total", national, 3000), ("sex", "M", national + 0.01, 1500)]
        cells += [("sex", "F", national - 0.01, 1500), ("area", "U", national - 0.03, 900)]
        cells.append(("area", "R", national + 0.02, 2100))
        worse = 1 if indicator == "stunting" else -1  # poorer children fare worse
        gaps = (0.05, 0.03, 0.0, -0.02, -0.04)
        cells += [("wealth", f"Q{q}", national + worse * gap, 600) for q, gap in enumerate(gaps, 1)]
        cells += [
            ("province", code, province_value(national, code, i), CASES.get(code, 200))
            for i, code in enumerate(codes)
        ]
        for by, domain, estimate, n in cells:
            rows.append(
                {
                    "indicator": indicator, "by": by, "domain": domain, "estimate": estimate,
                    "se": SE, "ci_low": estimate - 1.96 * SE, "ci_high": estimate + 1.96 * SE,
                    "deff": 1.5, "n_unweighted": n, "n_weighted": n * 210.0,
                    "flag": "*" if n < 25 else "()" if n < 50 else "",
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture
def published(live_world: World) -> dict[str, int]:
    """Two survey rounds of birth registration and stunting, published as the system does."""
    for code, year in ROUNDS.items():
        publish_results(
            indicator_frame(code), source="survey", round=code, year=year, acting_user=None
        )
    return ROUNDS


# --------------------------------------------------------------------------- helpers


#: What the sign-in form says, by page language: user name, password, sign in, sign out.
SIGN_IN_WORDS = {
    "vi": ("Tên đăng nhập", "Mật khẩu", "Đăng nhập", "Đăng xuất"),
    "en": ("Username", "Password", "Sign in", "Sign out"),
}


def sign_in(page: Page, username: str, *, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person types it (in the page's language)."""
    page.goto("/login/")
    language = page.locator("html").get_attribute("lang") or "vi"
    user_label, password_label, sign_in_button, sign_out_button = SIGN_IN_WORDS[language]
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=sign_in_button).click()
    expect(page.get_by_role("button", name=sign_out_button)).to_be_visible()


def choose_language(page: Page, language: str) -> None:
    """Switch the interface language with the header's language form."""
    form = page.locator("form.lang")
    form.get_by_role("combobox").select_option(language)
    with page.expect_navigation():
        form.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def download(page: Page, click: Callable[[], None]) -> tuple[Download, bytes]:
    """Run ``click`` (which starts a download) and return the download and its bytes."""
    with page.expect_download() as info:
        click()
    got = info.value
    assert got.failure() is None, got.failure()
    path = got.path()
    return got, Path(path).read_bytes()


def shoot(page: Page, name: str) -> None:
    """Save a full-page screenshot to docs/screenshots/<name>.png when BAOVE_SCREENSHOTS=1."""
    if os.environ.get("BAOVE_SCREENSHOTS") != "1":
        return
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
