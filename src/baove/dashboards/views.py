"""Pages: the indicator explorer, the province index and the province scorecards.

Thin: check the permission, parse and check the query, build the page from the store's
snapshot (:mod:`baove.dashboards.pages`) and render. Only published aggregates are shown;
no page reads a child's record. Unknown indicators, rounds or provinces answer 404, and
malformed query values 400, never a server error.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baove.accounts.roles import Perm, has_perm
from baove.dashboards import pages
from baove.dashboards.store import Snapshot, snapshot
from baove.indicators.catalogue import CATALOGUE
from baove.web.shortcuts import forbidden as _forbidden
from baove.web.shortcuts import not_found as _not_found

_ID = re.compile(r"^[a-z0-9_]{1,60}$")
_ROUND = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")


def _bad(request: HttpRequest) -> HttpResponse:
    message = _("The address has a value that is not valid.")
    return render(request, "web/error.html", {"message": message}, status=400)


def _param(request: HttpRequest, name: str, pattern: re.Pattern[str]) -> str | None:
    """A query value: None when absent or empty; raises ValueError when malformed."""
    values = request.GET.getlist(name)
    if not values or not values[-1]:
        return None
    if len(values) > 1 or not pattern.match(values[-1]):
        raise ValueError(name)
    return values[-1]


def _survey_round(snap: Snapshot, wanted: str | None) -> str | None:
    """The round asked for (must exist and be a survey), else the latest survey round."""
    if wanted is not None:
        info = snap.rounds.get(wanted)
        return wanted if info is not None and info.source == "survey" else ""
    surveys = [r for r in snap.rounds.values() if r.source == "survey"]
    if not surveys:
        return None
    return max(surveys, key=lambda r: (r.year, r.code)).code


@login_required
def explorer(request: HttpRequest) -> HttpResponse:
    """The indicator explorer: national value, trend, disaggregations and the province map."""
    if not has_perm(request.user, Perm.INDICATOR_VIEW):
        return _forbidden(request)
    try:
        wanted = _param(request, "indicator", _ID)
        round_code = _param(request, "round", _ROUND)
    except ValueError:
        return _bad(request)
    lang = pages.lang_of(get_language())
    snap = snapshot()
    available = {i for i in snap.indicator_ids() if i in CATALOGUE}
    context: dict[str, object] = {
        "groups": pages.indicator_groups(available, lang),
        "selected": wanted,
    }
    if not available:
        if wanted is not None or round_code is not None:
            return _not_found(request)
        return render(request, "dashboards/explorer.html", context)
    if wanted is None:
        wanted = next(i for i in CATALOGUE if i in available)
    if wanted not in available:
        return _not_found(request)
    choices = pages.rounds_for(snap, wanted)
    if round_code is None:
        surveys = [r for r in choices if r.source == "survey"] or choices
        round_code = surveys[0].code
    if round_code not in {r.code for r in choices}:
        return _not_found(request)
    url = reverse("dashboards:scorecard", args=["00"]).replace("/00/", "/{code}/")
    chosen, code = wanted, round_code
    view = snap.memo(
        ("explorer", chosen, code, lang),
        lambda: pages.explorer(snap, chosen, code, lang, province_url=f"{url}?round={code}"),
    )
    context.update({"selected": wanted, "x": view})
    return render(request, "dashboards/explorer.html", context)


@login_required
def provinces(request: HttpRequest) -> HttpResponse:
    """The 34 provinces, each linking to its scorecard."""
    if not has_perm(request.user, Perm.INDICATOR_VIEW):
        return _forbidden(request)
    lang = pages.lang_of(get_language())
    rows = [
        {"code": code, "name": names[lang]}
        for code, names in sorted(pages.province_names().items(), key=lambda kv: kv[0])
    ]
    return render(request, "dashboards/provinces.html", {"provinces": rows})


@login_required
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """One province against the nation and the National Action Programme targets."""
    if not has_perm(request.user, Perm.INDICATOR_VIEW):
        return _forbidden(request)
    names = pages.province_names()
    if code not in names:
        return _not_found(request)
    try:
        wanted = _param(request, "round", _ROUND)
    except ValueError:
        return _bad(request)
    lang = pages.lang_of(get_language())
    snap = snapshot()
    round_code = _survey_round(snap, wanted)
    if round_code == "":
        return _not_found(request)
    chosen = round_code
    rows = (
        snap.memo(
            ("scorecard", code, chosen, lang), lambda: pages.scorecard(snap, code, chosen, lang)
        )
        if chosen
        else []
    )
    surveys = sorted(
        (r for r in snap.rounds.values() if r.source == "survey"), key=lambda r: (-r.year, r.code)
    )
    context = {
        "code": code,
        "name": names[code][lang],
        "round": snap.rounds.get(round_code or ""),
        "rounds": surveys,
        "rows": rows,
    }
    return render(request, "dashboards/scorecard.html", context)
