"""Screening pages: the checklist, the result, the rules and proactive screening.

Views are thin: they parse forms, call an action or a read (scoped, audited) and render.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baove.accounts.roles import Perm, Scope, has_perm, require, scope_of
from baove.cases import reads as case_reads
from baove.cases.models import Case
from baove.core.errors import DomainError, ValidationFailed
from baove.geo.models import Commune
from baove.registry.models import Child
from baove.riskrules import ITEMS, level_label, result_from_matches
from baove.screening import actions, reads
from baove.screening.forms import (
    LIST_FIELDS,
    ConfirmForm,
    OverrideForm,
    ProactiveForm,
    RulesForm,
    ScreeningForm,
)
from baove.screening.models import RulesVersion, Screening
from baove.screening.rules import active_rules, rules_for_version
from baove.web.shortcuts import signed_in_user as _user
from baove.web.views import guard

RUNS_SHOWN = 50


def _fail(form: Any, error: ValidationFailed) -> None:
    for name, texts in error.errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, str(text))


def _reason_texts(screening: Screening) -> list[dict[str, Any]]:
    vi = (get_language() or "vi").startswith("vi")
    out = []
    for reason in screening.reasons:
        items = [
            ITEMS[c].label("vi" if vi else "en") for c in reason.get("items", []) if c in ITEMS
        ]
        out.append({"text": reason.get("text_vi" if vi else "text_en", ""), "items": items})
    return out


@login_required
@guard
def new(request: HttpRequest) -> HttpResponse:
    """The checklist for a case's child (``?case=<id>``), at intake or periodic review."""
    user = _user(request)
    require(user, Perm.SCREENING_RECORD)
    case: Case | None = None
    child: Child | None = None
    if request.GET.get("child"):
        child = reads.child_for_screening(user, request.GET["child"])
    else:
        case = case_reads.view_case(user, request.GET.get("case", ""), Perm.SCREENING_RECORD)
        child = case.child
    kind = "proactive" if case is None else "intake"
    form = ScreeningForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            screening = actions.record_screening(
                case or child,
                answers=form.answers(),
                kind=form.cleaned_data["kind"],
                acting_user=user,
            )
        except ValidationFailed as error:
            _fail(form, error)
        else:
            return redirect("screening:detail", screening.pk)
    status = 400 if form.errors else 200
    ctx = {"form": form, "case": case, "child": child, "rules": active_rules()}
    return render(request, "screening/new.html", ctx, status=status)


def _render_detail(
    request: HttpRequest, screening: Screening, override: OverrideForm | None = None
) -> HttpResponse:
    lang = get_language() or "vi"
    answers = [
        {
            "label": ITEMS[code].label(lang),
            "value": value,
            "option": next((o for o in ITEMS[code].options if o.value == value), None),
        }
        for code, value in screening.answers.items()
        if code in ITEMS and value is not None
    ]
    ctx = {
        "s": screening,
        "reasons": _reason_texts(screening),
        "answers": answers,
        "computed_label": level_label(screening.computed_level, lang),
        "final_label": level_label(screening.final_level, lang),
        "confirm_form": ConfirmForm(initial={"version": screening.version}),
        "override_form": override
        or OverrideForm(initial={"version": screening.version, "level": screening.final_level}),
    }
    return render(request, "screening/detail.html", ctx, status=400 if override else 200)


@login_required
@guard
def detail(request: HttpRequest, screening_id: int) -> HttpResponse:
    """A screening: the level, every reason, and confirm / override."""
    return _render_detail(request, reads.view_screening(_user(request), screening_id))


@login_required
@require_POST
@guard
def confirm(request: HttpRequest, screening_id: int) -> HttpResponse:
    user = _user(request)
    screening = reads.view_screening(user, screening_id)
    form = ConfirmForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else screening.version
    try:
        actions.confirm_screening(screening, acting_user=user, expected_version=version)
        messages.success(request, _("The level was confirmed."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("screening:detail", screening.pk)


@login_required
@require_POST
@guard
def override(request: HttpRequest, screening_id: int) -> HttpResponse:
    user = _user(request)
    screening = reads.view_screening(user, screening_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, screening, form)
    try:
        actions.override_screening(
            screening,
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
            acting_user=user,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationFailed as error:
        _fail(form, error)
        return _render_detail(request, screening, form)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The level was overridden; your note is kept with it."))
    return redirect("screening:detail", screening.pk)


@login_required
@guard
def rules(request: HttpRequest) -> HttpResponse:
    """Rules versions, activation of a new file, and the replay report."""
    user = _user(request)
    require(user, Perm.SCREENING_RULES)
    current = active_rules()
    form = RulesForm(request.POST or None, initial={"text": current.text})
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            if "activate" in request.POST:
                version = actions.activate_rules(form.cleaned_data["text"], acting_user=user)
                messages.success(
                    request, _("Rules %(version)s are now in force.") % {"version": version}
                )
                return redirect("screening:rules")
            since = form.cleaned_data.get("since")
            report = actions.replay_rules(
                form.cleaned_data["text"],
                acting_user=user,
                since=timezone.make_aware(dt.datetime.combine(since, dt.time.min))
                if since
                else None,
            )
        except ValidationFailed as error:
            _fail(form, error)
    ctx = {
        "form": form,
        "current": current,
        "versions": RulesVersion.objects.select_related("created_by")[:50],
        "report": report,
        "transitions": sorted(report.transitions.items()) if report else [],
    }
    return render(request, "screening/rules.html", ctx, status=400 if form.errors else 200)


def _province_communes(user: Any) -> list[tuple[str, str]]:
    return list(Commune.objects.filter(province_id=user.province_id).values_list("code", "name"))


@login_required
@guard
def proactive(request: HttpRequest) -> HttpResponse:
    """Proactive runs the user may see; managers start new ones from uploaded lists."""
    user = _user(request)
    require(user, Perm.SCREENING_RECORD)
    can_run = has_perm(user, Perm.SCREENING_PROACTIVE) and scope_of(user) is Scope.PROVINCE
    form = ProactiveForm(
        request.POST or None,
        request.FILES or None,
        communes=_province_communes(user) if can_run else [],
    )
    if request.method == "POST":
        require(user, Perm.SCREENING_PROACTIVE)
        if form.is_valid():
            try:
                run = _run(request, user, form)
            except ValidationFailed as error:
                _fail(form, error)
            else:
                return redirect("screening:run", run.pk)
    ctx = {"form": form, "can_run": can_run, "runs": reads.scoped_runs(user)[:RUNS_SHOWN]}
    return render(request, "screening/proactive.html", ctx, status=400 if form.errors else 200)


def _run(request: HttpRequest, user: Any, form: ProactiveForm) -> Any:
    code = form.cleaned_data.get("commune") or None
    commune = Commune.objects.filter(code=code).first() if code else None
    with actions.temp_folder() as tmp:
        uploads = []
        for name, item in LIST_FIELDS.items():
            upload = request.FILES.get(f"list_{name}")
            if upload is None:
                continue
            suffix = Path(upload.name or "").suffix.lower()
            if suffix not in {".csv", ".parquet"}:
                form.add_error(f"list_{name}", _("Upload a .csv or .parquet file."))
                continue
            path = actions.save_upload(Path(tmp), name, upload.chunks(), suffix)
            uploads.append(actions.UploadedList(path, item, upload.name or name))
        if form.errors:
            raise ValidationFailed({"lists": [_("Some files could not be used.")]})
        return actions.run_proactive(
            lists=uploads,
            acting_user=user,
            commune=commune,
            min_level=form.cleaned_data["min_level"],
        )


@login_required
@guard
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """The children to visit, per commune, highest risk first."""
    user = _user(request)
    require(user, Perm.SCREENING_RECORD)
    the_run, rows = reads.visit_list(user, run_id, request.GET.get("commune") or None)
    rules = rules_for_version(the_run.rules_version)
    lang = get_language() or "vi"
    shown = []
    for row in rows[:2000]:
        texts: list[str] = []
        if rules is not None:
            try:
                texts = [r.text(lang) for r in result_from_matches(row.reasons, rules).reasons]
            except KeyError:
                texts = list(row.reasons)
        shown.append({"row": row, "reasons": texts, "level": level_label(row.level, lang)})
    ctx = {
        "run": the_run,
        "rows": shown,
        "intake_url": reverse("web:intake"),
    }
    return render(request, "screening/run.html", ctx)
