"""Publishing indicator results: the only way rows get into the dashboards' store.

:func:`publish_results` checks the whole frame first and writes nothing if any row is wrong
(every problem is listed, with its row number); a valid frame replaces the round's results
in one transaction and writes one audit event.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.core.validation import Errors
from baove.dashboards.models import IndicatorResult, IndicatorRound, Source
from baove.indicators.catalogue import CATALOGUE, STANDARD_DISAGGREGATIONS
from baove.indicators.compute import PUBLISHED_COLUMNS

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = ["PUBLISH_PERM", "REQUIRED_COLUMNS", "publish_results"]

#: Who may publish from the web or API (administrators); the command line publishes as the
#: system (no user).
PUBLISH_PERM = Perm.INDICATOR_PUBLISH
#: The columns a published frame must have (the store adds source, round and year).
REQUIRED_COLUMNS = tuple(c for c in PUBLISHED_COLUMNS if c not in ("source", "round", "year"))
_NUMBERS = ("estimate", "se", "ci_low", "ci_high", "deff", "n_weighted")
_BY = frozenset({"total", *STANDARD_DISAGGREGATIONS})
_FLAGS = frozenset({"", "()", "*", "-"})
_ROUND = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
# ids of administrative or NGO indicators outside the survey catalogue (abuse_reported ...)
_OTHER_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}(/[A-Za-z0-9_]{1,18})?$")
_DOMAIN = re.compile(r"^[A-Za-z0-9_.+-]{1,20}$")
_MAX_ROW_ERRORS = 20
BATCH = 2_000


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError
    return number


def _check_rows(errors: Errors, frame: pd.DataFrame, source: str) -> list[IndicatorResult]:
    """Build the result objects, recording one message per bad row (the first 20)."""
    out: list[IndicatorResult] = []
    seen: set[tuple[str, str, str]] = set()
    bad = 0

    def fail(index: int, message: Any) -> None:
        nonlocal bad
        bad += 1
        if bad <= _MAX_ROW_ERRORS:
            errors.add(
                "rows", _("Row %(row)d: %(problem)s") % {"row": index + 1, "problem": message}
            )

    records = frame[list(REQUIRED_COLUMNS)].to_dict("records")
    for index, row in enumerate(records):
        indicator, by, domain, flag = row["indicator"], row["by"], row["domain"], row["flag"]
        if not isinstance(indicator, str) or not (
            indicator in CATALOGUE or (source != Source.SURVEY and _OTHER_ID.match(indicator))
        ):
            fail(index, _("unknown indicator."))
            continue
        if by not in _BY:
            fail(index, _("unknown disaggregation."))
            continue
        if not isinstance(domain, str) or not _DOMAIN.match(domain):
            fail(index, _("the category code is not valid."))
            continue
        if flag is None or (isinstance(flag, float) and math.isnan(flag)):
            flag = ""
        if flag not in _FLAGS:
            fail(index, _("the MICS flag must be empty, (), * or -."))
            continue
        try:
            numbers = {name: _float(row[name]) for name in _NUMBERS}
            n_raw = row["n_unweighted"]
            if isinstance(n_raw, bool) or float(n_raw) != int(n_raw) or int(n_raw) < 0:
                raise ValueError
            n_unweighted = int(n_raw)
        except (TypeError, ValueError, OverflowError):
            fail(index, _("a number is missing or not valid."))
            continue
        low, high, est = numbers["ci_low"], numbers["ci_high"], numbers["estimate"]
        if low is not None and high is not None and low > high:
            fail(index, _("the lower confidence limit is above the upper one."))
            continue
        if est is not None and flag == "-":
            fail(index, _("a figure with no cases (flag -) cannot have an estimate."))
            continue
        key = (indicator, by, domain)
        if key in seen:
            fail(index, _("this indicator and category appear twice."))
            continue
        seen.add(key)
        out.append(
            IndicatorResult(
                indicator=indicator,
                by=by,
                domain=domain,
                flag=flag,
                n_unweighted=n_unweighted,
                **numbers,
            )
        )
    if bad > _MAX_ROW_ERRORS:
        errors.add("rows", _("%(n)d more rows have problems.") % {"n": bad - _MAX_ROW_ERRORS})
    return out


def publish_results(
    frame: pd.DataFrame,
    *,
    source: str,
    round: str,
    year: int,
    acting_user: User | None,
    label: str = "",
    synthetic: bool = False,
) -> IndicatorRound:
    """Publish (or republish) one round of indicator results, all or nothing.

    Args:
        frame: ``compute_survey``-style long frame with at least :data:`REQUIRED_COLUMNS`
            (estimates of proportions 0-1; extra columns such as ``sdg`` are ignored).
        source: "survey", "government" or "ngo".
        round: round code, e.g. ``MICS-2014`` (capitals, digits, ``-`` and ``_``).
        year: reference year of the round.
        acting_user: the user publishing (needs :data:`PUBLISH_PERM`), or None for the
            system (management command).
        label: a human label ("MICS 2013-14"); default: the code.
        synthetic: the figures are synthetic (shown as such on every page).

    Returns:
        The round, with its new row count.

    Raises:
        ActionNotAllowed: the user may not publish.
        ValidationFailed: bad arguments or rows (every problem listed); nothing is written.
    """
    if acting_user is not None:
        require(acting_user, PUBLISH_PERM)
    errors = Errors()
    source = errors.choice("source", source, set(Source.values))
    if not isinstance(round, str) or not _ROUND.match(round):
        errors.add("round", _("A round code is capital letters, digits and -, e.g. MICS-2014."))
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        errors.add("year", _("The year must be between 1990 and 2100."))
    label = errors.text("label", label, max_length=200)
    if not isinstance(frame, pd.DataFrame):
        errors.add("frame", _("The results are not a table."))
        errors.raise_if_any()
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        errors.add(
            "frame",
            _("The results lack the columns: %(columns)s.") % {"columns": ", ".join(missing)},
        )
    elif frame.empty:
        errors.add("frame", _("The results are empty."))
    errors.raise_if_any()
    results = _check_rows(errors, frame, source)
    existing = IndicatorRound.objects.filter(code=round).first()
    if existing is not None and existing.source != source:
        errors.add("round", _("This round code is already used by another source."))
    errors.raise_if_any()
    now = timezone.now()
    with transaction.atomic():
        replaced = 0
        if existing is not None:
            replaced, _detail = IndicatorResult.objects.filter(round=round).delete()
        for result in results:
            result.source, result.round, result.year = source, round, year
        IndicatorResult.objects.bulk_create(results, batch_size=BATCH)
        published, _created = IndicatorRound.objects.update_or_create(
            code=round,
            defaults={
                "source": source,
                "year": year,
                "label": label or round,
                "synthetic": synthetic,
                "published_at": now,
                "published_by": acting_user,
                "rows": len(results),
            },
        )
        record(
            acting_user,
            "indicators.publish",
            object_type="indicator_round",
            object_id=round,
            details={
                "source": source,
                "year": year,
                "rows": len(results),
                "replaced_rows": replaced,
                "indicators": len({r.indicator for r in results}),
                "synthetic": synthetic,
            },
        )
    return published
