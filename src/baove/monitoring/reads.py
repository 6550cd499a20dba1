"""The numbers of the case management dashboard, in aggregate SQL, scoped to the viewer.

Province managers (``MONITORING_VIEW``) see their own province in full. National analysts
(``STATS_VIEW``) see the country or one province, with small cells suppressed
(``BAOVE_MIN_CELL``) and no caseload per worker (that would name staff and, through them,
small groups of cases). Nobody else sees anything.

Each figure is one aggregate query that the existing indexes serve (province, is_open,
status, response_due_at); no child's record is read, so nothing here is audited as a read
of a child's data. Results are cached per scope for ``BAOVE_MONITORING_CACHE_SECONDS``
(60 s by default) in the "shared" (database) cache: a dashboard is looked at far more
often than its numbers change. At national scale one province's figures take about a
second to compute on SQLite and the country's several, so a scheduled job (:func:`warm`,
every five minutes, run by ``baove.core.scheduler``) keeps the managers' and the national
figures computed ahead, as DHIS2 does with its analytics tables; a page then reads one
cache row. The figures shown are at most one warm interval old (the page says when they
were computed).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import FieldError
from django.db import DatabaseError, models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import User
from baove.accounts.roles import Perm, Scope, has_perm, scope_of
from baove.cases.models import Case
from baove.cases.vocab import RiskLevel, Status
from baove.core.errors import ActionNotAllowed, NotFound
from baove.geo import cache as geo_cache

#: Stages of open cases, in workflow order; risk levels, most urgent first.
STAGES: tuple[str, ...] = tuple(s for s in Status.values if s != Status.CLOSED)
RISKS: tuple[str, ...] = tuple(reversed(RiskLevel.values))
#: Months in the trend of new reports; days in the window of response times.
TREND_MONTHS = 12
RESPONSE_WINDOW_DAYS = 90
#: Most workers listed in the caseload table (the busiest first).
CASELOAD_LIMIT = 100


@dataclass(frozen=True)
class Durations:
    """Time to first response (hours) of the items answered in the window."""

    n: int | None
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Worker:
    """One worker's open caseload."""

    user_id: int
    name: str
    open: int
    overdue: int


@dataclass
class Summary:
    """Everything the dashboard shows; None marks a suppressed (or unavailable) number."""

    scope: str  # "province" or "national"
    province: str | None
    min_cell: int | None  # the suppression threshold applied (None: nothing suppressed)
    generated_at: dt.datetime
    open_total: int | None
    stage_risk: dict[str, dict[str, int | None]]
    stage_totals: dict[str, int | None]
    risk_totals: dict[str, int | None]
    overdue_cases: int | None
    response_cases: Durations
    overdue_referrals: int | None = None
    response_referrals: Durations | None = None
    referrals_available: bool = False
    placements: dict[str, int | None] | None = None
    caseload: list[Worker] | None = None
    trend: list[tuple[str, int | None]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as plain data (for the API and the cache)."""
        return asdict(self)


# --------------------------------------------------------------------------- scope


def resolve_scope(user: User, province: str | None = None) -> tuple[str | None, int | None]:
    """Return (province code or None for the country, suppression threshold or None).

    Raises:
        ActionNotAllowed: The user may see no dashboard.
        NotFound: An analyst asked for a province that does not exist.
    """
    if has_perm(user, Perm.MONITORING_VIEW) and user.province_id:
        # A manager's own province, whatever was asked for: scope is not a parameter.
        return str(user.province_id), None
    if has_perm(user, Perm.STATS_VIEW) and scope_of(user) is Scope.NATIONAL:
        if province:
            try:
                geo_cache.province(province)
            except KeyError:
                raise NotFound(_("Province not found.")) from None
        return province or None, int(settings.BAOVE_MIN_CELL)
    raise ActionNotAllowed(_("Your role does not allow this action."))


# --------------------------------------------------------------------------- helpers


def _percentile(sorted_values: list[float], q: float) -> float:
    """Return the ``q`` quantile (nearest-rank, as the benchmarks and SLA reports use)."""
    index = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[index]


def durations(pairs: list[tuple[Any, Any]]) -> Durations:
    """Return the median and 90th percentile of ``end - start`` in hours."""
    hours = sorted(
        max(0.0, (end - start).total_seconds() / 3600) for start, end in pairs if end and start
    )
    if not hours:
        return Durations(0, None, None)
    return Durations(
        len(hours), round(statistics.median(hours), 1), round(_percentile(hours, 0.9), 1)
    )


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _month_starts(now: dt.datetime, months: int) -> list[dt.datetime]:
    """Return the local starts of the last ``months`` months and of the next one."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for back in range(months - 1, -2, -1):
        m = month - back
        y = year + (m - 1) // 12
        m = (m - 1) % 12 + 1
        starts.append(dt.datetime(y, m, 1, tzinfo=timezone.get_current_timezone()))
    return starts


def _small(value: int, min_cell: int | None) -> bool:
    return min_cell is not None and 0 < value < min_cell


def suppress(values: dict[str, int], min_cell: int | None) -> dict[str, int | None]:
    """Hide cells below ``min_cell`` (not zeros); if one alone is hidden, hide the next too.

    One hidden cell of a list whose total is shown could be worked out by subtraction, so
    the next smallest shown cell is hidden with it (as :func:`baove.cases.reads.case_counts`).
    """
    hidden = {k for k, v in values.items() if _small(v, min_cell)}
    if len(hidden) == 1:
        shown = [k for k, v in values.items() if k not in hidden and v > 0]
        if shown:
            hidden.add(min(shown, key=lambda k: values[k]))
    return {k: None if k in hidden else v for k, v in values.items()}


def _suppress_crosstab(
    cells: dict[str, dict[str, int]], min_cell: int | None
) -> dict[str, dict[str, int | None]]:
    """Primary and complementary suppression of a two-way table with margins shown."""
    hidden = {(r, c) for r, row in cells.items() for c, v in row.items() if _small(v, min_cell)}
    changed = bool(hidden)
    while changed:
        changed = False
        lines: list[list[tuple[str, str]]] = [[(r, c) for c in row] for r, row in cells.items()]
        columns = {c for row in cells.values() for c in row}
        lines += [[(r, c) for r in cells] for c in columns]
        for line in lines:
            inside = [k for k in line if k in hidden]
            if len(inside) == 1:
                shown = [k for k in line if k not in hidden and cells[k[0]][k[1]] > 0]
                if shown:
                    hidden.add(min(shown, key=lambda k: cells[k[0]][k[1]]))
                    changed = True
    return {
        r: {c: None if (r, c) in hidden else v for c, v in row.items()} for r, row in cells.items()
    }


def _one(value: int, min_cell: int | None) -> int | None:
    return None if _small(value, min_cell) else value


# --------------------------------------------------------------------------- the summary


def _cases(province: str | None) -> QuerySet[Case]:
    qs = Case.objects.all()
    return qs.filter(province_id=province) if province else qs


def _compute(province: str | None, min_cell: int | None, now: dt.datetime) -> Summary:
    cases = _cases(province)
    open_cases = cases.filter(is_open=True)
    with_caseload = min_cell is None and province is not None
    late = Q(first_response_at__isnull=True, response_due_at__lt=now)

    grid = {s: dict.fromkeys(RISKS, 0) for s in STAGES}
    overdue = 0
    # One pass over the open cases gives the crosstab, the overdue count and (for a
    # province) the caseload per worker: grouping by owner too costs less than a second scan.
    dims = ["status", "risk_level"] + (["owner_id"] if with_caseload else [])
    rows = open_cases.values(*dims).annotate(n=Count("id"), late=Count("id", filter=late))
    per_owner: dict[int, list[int]] = {}
    for row in rows.order_by():
        if row["status"] in grid and row["risk_level"] in grid[row["status"]]:
            grid[row["status"]][row["risk_level"]] += row["n"]
        overdue += row["late"]
        if with_caseload:
            counts_of = per_owner.setdefault(row["owner_id"], [0, 0])
            counts_of[0] += row["n"]
            counts_of[1] += row["late"]
    stage_totals = {s: sum(grid[s].values()) for s in STAGES}
    risk_totals = {r: sum(grid[s][r] for s in STAGES) for r in RISKS}
    open_total = sum(stage_totals.values())

    since = now - dt.timedelta(days=RESPONSE_WINDOW_DAYS)
    answered = cases.filter(reported_at__gte=since, first_response_at__isnull=False)
    response = durations(list(answered.values_list("reported_at", "first_response_at")))

    starts = _month_starts(now, TREND_MONTHS)
    counts = cases.filter(reported_at__gte=starts[0], reported_at__lt=starts[-1]).aggregate(
        **{
            f"m{i}": Count(
                "id", filter=Q(reported_at__gte=starts[i], reported_at__lt=starts[i + 1])
            )
            for i in range(TREND_MONTHS)
        }
    )
    trend_raw = {
        timezone.localtime(starts[i]).strftime("%Y-%m"): int(counts[f"m{i}"] or 0)
        for i in range(TREND_MONTHS)
    }

    summary = Summary(
        scope="province" if province else "national",
        province=province,
        min_cell=min_cell,
        generated_at=now,
        open_total=_one(open_total, min_cell),
        stage_risk=_suppress_crosstab(grid, min_cell),
        stage_totals=suppress(stage_totals, min_cell),
        risk_totals=suppress(risk_totals, min_cell),
        overdue_cases=_one(overdue, min_cell),
        response_cases=_protect_durations(response, min_cell),
        trend=list(suppress(trend_raw, min_cell).items()),
    )
    _referrals(summary, province, min_cell, now, since)
    _placements(summary, province, min_cell)
    if with_caseload:
        summary.caseload = _caseload(per_owner)
    return summary


def _protect_durations(value: Durations, min_cell: int | None) -> Durations:
    # A median of a handful of cases is close to one case's own time: hide it as a count.
    if value.n is not None and _small(value.n, min_cell):
        return Durations(None, None, None)
    return value


def _referrals(
    summary: Summary, province: str | None, min_cell: int | None, now: dt.datetime,
    since: dt.datetime,
) -> None:  # fmt: skip
    model = _model("referrals.Referral")
    if model is None:
        return
    qs: QuerySet[Any] = model._default_manager.all()
    if province:
        qs = qs.filter(from_province_id=province)
    try:
        # contract3: overdue = open, no first response, and the response deadline passed.
        overdue = qs.filter(is_open=True, first_response_at__isnull=True, respond_by__lt=now)
        answered = qs.filter(sent_at__gte=since, first_response_at__isnull=False)
        summary.overdue_referrals = _one(overdue.count(), min_cell)
        pairs = list(answered.values_list("sent_at", "first_response_at"))
    except (FieldError, DatabaseError):
        return
    summary.response_referrals = _protect_durations(durations(pairs), min_cell)
    summary.referrals_available = True


def _placements(summary: Summary, province: str | None, min_cell: int | None) -> None:
    model = _model("placements.Placement")
    if model is None:
        return
    qs: QuerySet[Any] = model._default_manager.filter(status="active")
    if province:
        qs = qs.filter(province_id=province)
    try:
        rows = qs.values("placement_type").annotate(n=Count("id")).order_by()
        counts = {str(r["placement_type"]): int(r["n"]) for r in rows}
    except (FieldError, DatabaseError):
        return
    try:
        from baove.placements.vocab import PlacementType

        order = list(PlacementType.values)
    except ImportError:
        order = []
    full = {t: counts.get(t, 0) for t in order} | counts
    summary.placements = suppress(full, min_cell)


def _caseload(per_owner: dict[int, list[int]]) -> list[Worker]:
    busiest = sorted(per_owner.items(), key=lambda item: (-item[1][0], item[0]))
    busiest = busiest[:CASELOAD_LIMIT]
    users = User.objects.filter(pk__in=[pk for pk, _counts in busiest])
    names = {
        u.pk: u.display_name() for u in users.only("id", "username", "first_name", "last_name")
    }
    return [Worker(pk, names.get(pk, "?"), n, late) for pk, (n, late) in busiest]


def _cache_seconds() -> int:
    return int(getattr(settings, "BAOVE_MONITORING_CACHE_SECONDS", 60))


def summary(user: User, *, province: str | None = None, now: dt.datetime | None = None) -> Summary:
    """Return the dashboard numbers ``user`` may see (see the module docstring).

    Args:
        user: The viewer; decides the scope and whether small cells are suppressed.
        province: For national analysts, one province instead of the country (ignored for
            managers, who always see their own).
        now: The time overdue is judged against (tests); cached results ignore it.

    Raises:
        ActionNotAllowed: The user may see no dashboard.
        NotFound: An analyst asked for an unknown province.
    """
    scope, min_cell = resolve_scope(user, province)
    seconds = _cache_seconds()
    key = _cache_key(scope, min_cell)
    if now is None and seconds > 0:
        cached = caches["shared"].get(key)
        if isinstance(cached, Summary):
            return cached
    result = _compute(scope, min_cell, now or timezone.now())
    if now is None and seconds > 0:
        caches["shared"].set(key, result, seconds)
    return result


def _cache_key(scope: str | None, min_cell: int | None) -> str:
    return f"baove.monitoring:{scope or 'national'}:{min_cell}"


#: How long warmed figures stay usable: two warm intervals, so one failed run is bridged.
WARM_SECONDS = 600


def warm(now: dt.datetime | None = None) -> int:
    """Compute ahead the figures managers (each province) and analysts (the country) see.

    Run by the background scheduler every five minutes (``baove.core.scheduler``) or by
    cron; stores each result in the shared cache for :data:`WARM_SECONDS`.

    Returns:
        How many scopes were computed.
    """
    if _cache_seconds() <= 0:
        return 0
    when = now or timezone.now()
    scopes: list[tuple[str | None, int | None]] = [
        (code, None) for code in Case.objects.values_list("province_id", flat=True).distinct()
    ]
    scopes.append((None, int(settings.BAOVE_MIN_CELL)))
    shared = caches["shared"]
    for scope, min_cell in scopes:
        shared.set(_cache_key(scope, min_cell), _compute(scope, min_cell, when), WARM_SECONDS)
    return len(scopes)
