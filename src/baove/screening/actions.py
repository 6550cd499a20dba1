"""Every state change of a screening goes through one of these functions.

Each action checks the acting user's permission and scope, is atomic, and writes exactly one
audit event. The level comes from :mod:`baove.riskrules` (plain Python, the same rules as the
batch and SQL paths); the rules version is stored on every screening.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, require, scope_of
from baove.audit.log import record
from baove.cases.access import access_case
from baove.cases.models import Case
from baove.cases.vocab import RISK_ORDER, RiskLevel
from baove.core.errors import ActionNotAllowed, Conflict, NotFound
from baove.core.validation import Errors
from baove.geo.models import Commune, Province
from baove.registry.actions import check_commune_in_scope
from baove.registry.models import Child
from baove.riskrules import (
    AnswersError,
    RegistryList,
    Rules,
    RulesError,
    evaluate,
    parse_rules,
    proactive_screen,
)
from baove.screening.models import ProactiveRow, ProactiveRun, RulesVersion, Screening
from baove.screening.rules import active_rules, add_problems
from baove.screening.vocab import ScreeningKind

if TYPE_CHECKING:
    from baove.accounts.models import User

#: A second identical screening by the same worker this soon is a double submission.
DOUBLE_SUBMIT = dt.timedelta(seconds=30)
#: Most changed screenings a replay report lists (all are counted).
REPLAY_LIMIT = 500
_DECIDED = _("The level of this screening was already confirmed or overridden.")


def _answers(errors: Errors, answers: Any) -> dict[str, Any]:
    from baove.riskrules import clean_answers

    try:
        return clean_answers(answers)
    except AnswersError as exc:
        add_problems(errors, "answers", exc.problems)
        return {}


def record_screening(
    case_or_child: Case | Child,
    *,
    answers: Mapping[str, Any],
    kind: str,
    acting_user: User,
) -> Screening:
    """Screen a child (of a case, or a registry child) with the rules in force.

    Args:
        case_or_child: The case (its child is screened) or a child without a case.
        answers: Item code -> answer (see :func:`baove.riskrules.clean_answers`).
        kind: A :class:`ScreeningKind` value.
        acting_user: The worker.

    Returns:
        The screening, its level computed and not yet confirmed. The same answers sent twice
        by the same worker within seconds return the first screening (double submission).

    Raises:
        ValidationFailed: Unknown items, wrong answers or kind; nothing is written.
        NotFound: The case is not in the user's scope (same answer as a missing case).
    """
    require(acting_user, Perm.SCREENING_RECORD)
    case: Case | None = None
    if isinstance(case_or_child, Case):
        case = access_case(acting_user, case_or_child.pk, Perm.SCREENING_RECORD)
        child = case.child
    else:
        child = case_or_child
        check_commune_in_scope(acting_user, child.commune)
    errors = Errors()
    kind = errors.choice("kind", kind, set(ScreeningKind.values))
    clean = _answers(errors, answers)
    errors.raise_if_any()
    rules = active_rules()
    result = evaluate(clean, rules)
    now = timezone.now()
    with transaction.atomic():
        twin = Screening.objects.filter(
            child=child,
            case=case,
            kind=kind,
            screened_by=acting_user,
            answers=clean,
            screened_at__gte=now - DOUBLE_SUBMIT,
        ).first()
        if twin is not None:
            return twin
        screening = Screening.objects.create(
            child=child,
            case=case,
            kind=kind,
            answers=clean,
            rules_version=rules.version,
            score=result.score,
            computed_level=result.level,
            final_level=result.level,
            reasons=result.reasons_json(),
            screened_at=now,
            screened_by=acting_user,
            province_id=child.province_id,
            commune_id=child.commune_id,
        )
        record(
            acting_user,
            "screening.record",
            case_id=case.pk if case else None,
            child_id=child.pk,
            object_type="screening",
            object_id=screening.pk,
            details={"kind": kind, "rules_version": rules.version, "level": result.level},
        )
    return screening


def _rescope(screening: Screening, user: User) -> Screening:
    """The screening again, if ``user`` may act on it (else the 'not found' answer)."""
    require(user, Perm.SCREENING_RECORD)
    from baove.screening.reads import scoped_screenings

    fresh = scoped_screenings(user).filter(pk=screening.pk).first()
    if fresh is None:
        raise NotFound(_("Screening not found."))
    return fresh


def _decide(screening: Screening, user: User, expected_version: int, **fields: Any) -> None:
    done = Screening.objects.filter(
        pk=screening.pk, version=expected_version, confirmed_at__isnull=True
    ).update(version=F("version") + 1, confirmed_by=user, confirmed_at=timezone.now(), **fields)
    if not done:
        raise Conflict(_DECIDED)
    screening.refresh_from_db()


def confirm_screening(
    screening: Screening, *, acting_user: User, expected_version: int | None = None
) -> Screening:
    """Confirm the level the rules gave.

    Raises:
        Conflict: The level was already confirmed or overridden.
    """
    screening = _rescope(screening, acting_user)
    with transaction.atomic():
        _decide(screening, acting_user, expected_version or screening.version)
        record(
            acting_user,
            "screening.confirm",
            case_id=screening.case_id,
            child_id=screening.child_id,
            object_type="screening",
            object_id=screening.pk,
            details={"level": screening.final_level},
        )
    return screening


def override_screening(
    screening: Screening,
    *,
    level: str,
    note: str,
    acting_user: User,
    expected_version: int | None = None,
) -> Screening:
    """Replace the rules' level by the worker's own judgement; a note saying why is required.

    Raises:
        ValidationFailed: No note, or not a risk level.
        Conflict: The level was already confirmed or overridden.
    """
    screening = _rescope(screening, acting_user)
    errors = Errors()
    level = errors.choice("level", level, set(RiskLevel.values))
    clean = errors.text("note", note, max_length=2000, multiline=True, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        _decide(
            screening,
            acting_user,
            expected_version or screening.version,
            final_level=level,
            override_note=clean,
        )
        record(
            acting_user,
            "screening.override",
            case_id=screening.case_id,
            child_id=screening.child_id,
            object_type="screening",
            object_id=screening.pk,
            details={"from": screening.computed_level, "to": level},
        )
    return screening


def validate_rules_text(text: Any, field_name: str = "text") -> Rules:
    """Parse a rules file, turning its problems into field errors in the user's language.

    Raises:
        ValidationFailed: Every problem of the file.
    """
    errors = Errors()
    if not isinstance(text, str) or not text.strip():
        errors.add(field_name, _("This field is required."))
        errors.raise_if_any()
    try:
        return parse_rules(text)
    except RulesError as exc:
        add_problems(errors, field_name, exc.problems)
        errors.raise_if_any()
        raise  # pragma: no cover - raise_if_any always raises here


def activate_rules(text: str, *, acting_user: User) -> RulesVersion:
    """Store a rules file (if new) and make it the rules new screenings use.

    Activating the same file again is harmless; a version string already stored with other
    rules is refused (a version names one set of rules forever).

    Raises:
        ValidationFailed: The file is not valid, or its version is taken by other rules.
    """
    require(acting_user, Perm.SCREENING_RULES)
    rules = validate_rules_text(text)
    with transaction.atomic():
        existing = RulesVersion.objects.select_for_update().filter(version=rules.version).first()
        if existing is not None and existing.text != text:
            errors = Errors()
            errors.add(
                "text",
                _("Version %(version)s is already stored with other rules; give a new version.")
                % {"version": rules.version},
            )
            errors.raise_if_any()
        now = timezone.now()
        RulesVersion.objects.filter(is_active=True).exclude(version=rules.version).update(
            is_active=False
        )
        try:
            with transaction.atomic():
                if existing is None:
                    existing = RulesVersion.objects.create(
                        version=rules.version,
                        text=text,
                        created_by=acting_user,
                        is_active=True,
                        activated_at=now,
                    )
                elif not existing.is_active:
                    RulesVersion.objects.filter(pk=existing.pk).update(
                        is_active=True, activated_at=now
                    )
        except IntegrityError:
            raise Conflict(_("The rules were changed at the same time; try again.")) from None
        record(
            acting_user,
            "screening.rules_activate",
            object_type="rules",
            object_id=rules.version,
            details={"version": rules.version, "rules": len(rules.rules)},
        )
    existing.refresh_from_db()
    return existing


@dataclass
class ReplayChange:
    """A past screening whose level the new rules would change."""

    screening_id: int
    case_id: int | None
    case_reference: str
    screened_at: dt.datetime
    old_version: str
    old_level: str
    new_level: str
    old_reasons: list[str]
    new_reasons: list[str]


@dataclass
class ReplayReport:
    """What replaying new rules on past screenings would change (nothing is changed)."""

    new_version: str
    screenings: int = 0
    changed: int = 0
    raised: int = 0
    lowered: int = 0
    #: (old level, new level) -> number of screenings.
    transitions: dict[tuple[str, str], int] = field(default_factory=dict)
    #: The changed screenings (up to REPLAY_LIMIT; none for national roles: no child data).
    changes: list[ReplayChange] = field(default_factory=list)


def replay_rules(
    rules: Rules | str,
    *,
    acting_user: User,
    since: dt.datetime | None = None,
    province: Province | None = None,
) -> ReplayReport:
    """Show which past screenings the ``rules`` would give another level (read-only).

    Compares each screening's stored rules level with the level ``rules`` give the same
    answers. Managers see their province's screenings one by one; national roles (system
    administrators) see the counts only, never children's screenings.

    Args:
        rules: Validated rules, or a rules file's text.
        acting_user: A user with the rules permission.
        since: Only screenings from this time on.
        province: Only this province (must be the manager's own).
    """
    require(acting_user, Perm.SCREENING_RULES)
    if isinstance(rules, str):
        rules = validate_rules_text(rules)
    scope = scope_of(acting_user)
    qs = Screening.objects.all()
    if scope is Scope.PROVINCE:
        if province is not None and province.pk != acting_user.province_id:
            raise ActionNotAllowed(_("This province is outside your area."))
        qs = qs.filter(province_id=acting_user.province_id)
    elif scope is Scope.NATIONAL:
        if province is not None:
            qs = qs.filter(province=province)
    else:
        raise ActionNotAllowed(_("Your role does not allow this action."))
    if since is not None:
        qs = qs.filter(screened_at__gte=since)
    detail = scope is Scope.PROVINCE
    report = ReplayReport(new_version=rules.version)
    fields = ("id", "case_id", "case__reference", "screened_at", "rules_version",
              "computed_level", "answers", "reasons")  # fmt: skip
    for row in qs.order_by("-screened_at", "-id").values(*fields).iterator(chunk_size=2000):
        report.screenings += 1
        result = evaluate(row["answers"], rules)
        old = row["computed_level"]
        if result.level == old:
            continue
        report.changed += 1
        if RISK_ORDER[result.level] > RISK_ORDER[old]:
            report.raised += 1
        else:
            report.lowered += 1
        key = (old, result.level)
        report.transitions[key] = report.transitions.get(key, 0) + 1
        if detail and len(report.changes) < REPLAY_LIMIT:
            report.changes.append(
                ReplayChange(
                    screening_id=row["id"],
                    case_id=row["case_id"],
                    case_reference=row["case__reference"] or "",
                    screened_at=row["screened_at"],
                    old_version=row["rules_version"],
                    old_level=old,
                    new_level=result.level,
                    old_reasons=[r.get("rule", "") for r in row["reasons"]],
                    new_reasons=list(result.rule_ids),
                )
            )
    record(
        acting_user,
        "screening.replay",
        object_type="rules",
        object_id=rules.version,
        details={
            "screenings": report.screenings,
            "changed": report.changed,
            "listed": [c.screening_id for c in report.changes][:100],
        },
    )
    return report


@dataclass(frozen=True)
class UploadedList:
    """A list handed to :func:`run_proactive`: a file and the item it flags (None: registry)."""

    path: Path
    item: str | None
    name: str


def run_proactive(
    *,
    lists: Sequence[UploadedList],
    acting_user: User,
    commune: Commune | None = None,
    min_level: str = RiskLevel.MEDIUM,
) -> ProactiveRun:
    """Run the rules in force over registry lists for the manager's province (or one commune).

    Children whose list id is the personal ID number of a child in our registry (in that
    province) are linked to the child; the others keep the list's id.

    Raises:
        ValidationFailed: A list cannot be read or lacks a column; nothing is stored.
        ActionNotAllowed: The commune is outside the manager's province.
    """
    require(acting_user, Perm.SCREENING_PROACTIVE)
    if scope_of(acting_user) is not Scope.PROVINCE or acting_user.province_id is None:
        raise ActionNotAllowed(_("Your role does not allow this action."))
    if commune is not None:
        check_commune_in_scope(acting_user, commune)
    errors = Errors()
    min_level = errors.choice("min_level", min_level, set(RiskLevel.values))
    if not lists:
        errors.add("lists", _("Upload at least one list."))
    errors.raise_if_any()
    province_id = acting_user.province_id
    codes = (
        [commune.code]
        if commune is not None
        else list(Commune.objects.filter(province_id=province_id).values_list("code", flat=True))
    )
    rules = active_rules()
    try:
        result = proactive_screen(
            [RegistryList(u.path, u.item, u.name) for u in lists],
            rules,
            min_level=min_level,
            communes=codes,
        )
    except RulesError as exc:
        add_problems(errors, "lists", exc.problems)
        errors.raise_if_any()
        raise  # pragma: no cover
    ids = {row.child_id for row in result.rows}
    known = dict(
        Child.objects.filter(province_id=province_id, id_number__in=ids).values_list(
            "id_number", "pk"
        )
    ) if ids else {}  # fmt: skip
    with transaction.atomic():
        run = ProactiveRun.objects.create(
            province_id=province_id,
            commune=commune,
            rules_version=rules.version,
            min_level=min_level,
            lists=[{"name": u.name, "item": u.item} for u in lists],
            children=result.children,
            visits=result.visits,
            by_level=result.by_level,
            run_by=acting_user,
        )
        ProactiveRow.objects.bulk_create(
            [
                ProactiveRow(
                    run=run,
                    commune_id=row.commune_code,
                    rank=row.rank,
                    list_child_id=row.child_id[:40],
                    child_id=known.get(row.child_id),
                    level=row.level,
                    score=row.score,
                    reasons=list(row.reasons),
                )
                for row in result.rows
            ],
            batch_size=2000,
        )
        record(
            acting_user,
            "screening.proactive_run",
            object_type="proactive_run",
            object_id=run.pk,
            details={
                "province": province_id,
                "commune": commune.code if commune else None,
                "children": result.children,
                "visits": result.visits,
                "rules_version": rules.version,
            },
        )
    return run


def save_upload(folder: Path, name: str, chunks: Any, suffix: str) -> Path:
    """Write an uploaded file's chunks to ``folder`` (a temporary folder the caller owns)."""
    path = folder / f"{name}{suffix}"
    with path.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    return path


def temp_folder() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for uploaded lists (removed when the run is stored)."""
    return tempfile.TemporaryDirectory(prefix="baove-lists-")
