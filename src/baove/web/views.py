"""Server-rendered pages.

Views are thin: they parse forms, call an action (every state change) or a read function
(every read of cases, scoped and audited) and render the answer. Domain errors become
field errors (400), a "not found" page (404, the same for "does not exist" and "not
yours"), a refusal (403) or a message on the case page after a redirect.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseServerError,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baove.accounts import actions as account_actions
from baove.accounts.models import User
from baove.accounts.roles import CASEWORKER_ROLES, Perm, Role, Scope, has_perm, perms_of, scope_of
from baove.audit import reads as audit_reads
from baove.audit.models import AuditEvent
from baove.cases import access, reads
from baove.cases import actions as case_actions
from baove.cases.models import Approval, Case, Consent
from baove.cases.vocab import (
    RISK_ORDER,
    TRANSITIONS,
    ApprovalKind,
    ApprovalStatus,
    Category,
    ConsentPurpose,
    RiskLevel,
    Status,
)
from baove.core.errors import (
    ActionNotAllowed,
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
)
from baove.geo.cache import commune as geo_cache_commune
from baove.geo.models import Commune, Province
from baove.matching import actions as match_actions
from baove.matching import candidates as match_candidates
from baove.matching import reads as match_reads
from baove.matching.models import ReviewStatus
from baove.registry import actions as registry_actions
from baove.web import forms as web_forms
from baove.web.context import area_of
from baove.web.shortcuts import error_text as _text
from baove.web.shortcuts import forbidden as _forbidden
from baove.web.shortcuts import not_found as _not_found
from baove.web.shortcuts import page_number as _page_number
from baove.web.shortcuts import signed_in_user as _user
from baove.web.templatetags.baove_tags import ACTION_LABELS

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

CASELOAD_PER_PAGE = 25
AUDIT_PER_PAGE = 50
USERS_PER_PAGE = 50
TIMELINE_LIMIT = 200


# --------------------------------------------------------------------------- helpers


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    """Render a domain error that ends the request (not found, forbidden, conflict)."""
    if isinstance(error, NotFound):
        return _not_found(request)
    if isinstance(error, ActionNotAllowed):
        return _forbidden(request)
    return render(
        request, "web/error.html", {"message": _text(error)}, status=error.status_code or 400
    )


def guard(view: View[P]) -> View[P]:
    """Turn a domain error escaping ``view`` into its 4xx page instead of a server error."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return _refused(request, error)

    update_wrapper(wrapper, view)
    return wrapper


def home_url(user: User) -> str | None:
    """Return the start page of the user's role (None if the role has no page)."""
    perms = perms_of(user)
    for perm, name in (
        (Perm.CASE_VIEW, "web:caseload"),
        (Perm.STATS_VIEW, "web:stats"),
        (Perm.AUDIT_VIEW, "web:audit"),
        (Perm.USER_MANAGE, "web:users"),
    ):
        if perm in perms:
            return reverse(name)
    return None


def _case_url(case_id: int, anchor: str = "") -> str:
    url = reverse("web:case", args=[case_id])
    return f"{url}#{anchor}" if anchor else url


# --------------------------------------------------------------------------- sign-in


class LoginView(auth_views.LoginView):
    """Sign-in page (django-axes locks out repeated failures)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Sign in; start in the user's own language unless one was already chosen."""
        response = super().form_valid(form)
        user = form.get_user()
        cookie = settings.LANGUAGE_COOKIE_NAME
        if cookie not in self.request.COOKIES and isinstance(user, User) and user.language:
            response.set_cookie(
                cookie,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


class LogoutView(auth_views.LogoutView):
    """Sign-out (POST only)."""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their role's start page."""
    url = home_url(_user(request))
    return redirect(url) if url else _forbidden(request)


# --------------------------------------------------------------------------- caseload


@login_required
@guard
def caseload(request: HttpRequest) -> HttpResponse:
    """The user's open cases with filters, overdue first; other roles go to their home."""
    user = _user(request)
    if not has_perm(user, Perm.CASE_VIEW):
        url = home_url(user)
        return redirect(url) if url else _forbidden(request)
    scope = scope_of(user)
    # Managers oversee the province, so they start with every case in it.
    default_scope = "all" if scope is Scope.PROVINCE else "mine"
    form = web_forms.CaseloadFilterForm(request.GET or None, initial={"scope": default_scope})
    values: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # invalid filters are just not applied
        values = form.cleaned_data
    mine = (values.get("scope") or default_scope) == "mine"
    result = reads.caseload(
        user,
        mine=mine,
        status=values.get("status") or None,
        risk=values.get("risk") or None,
        overdue_only=bool(values.get("overdue")),
        page=_page_number(request.GET.get("page")),
        per_page=CASELOAD_PER_PAGE,
    )
    context = {
        "form": form,
        "result": result,
        "mine": mine,
        "agency_scope": scope is Scope.AGENCY,
        "can_export": has_perm(user, Perm.CASE_EXPORT),
        "page_range": range(max(1, result.page - 3), min(result.pages, result.page + 3) + 1),
    }
    return render(request, "web/caseload.html", context)


@login_required
@guard
def export_csv(request: HttpRequest) -> HttpResponseBase:
    """Stream the open cases in scope as CSV (permission-checked and audited by reads)."""
    user = _user(request)
    if not has_perm(user, Perm.CASE_EXPORT):
        return _forbidden(request)
    lines = reads.export_cases_csv(user)  # checks and audits now, streams later
    # The byte order mark makes spreadsheet programs read the Vietnamese text as UTF-8.
    body: Iterator[str] = itertools.chain(["\ufeff"], lines)
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="baove-cases-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@guard
def search(request: HttpRequest) -> HttpResponse:
    """Find cases by child name (with or without tones), case reference or ID number."""
    user = _user(request)
    if not has_perm(user, Perm.CASE_SEARCH):
        return _forbidden(request)
    form = web_forms.SearchForm(request.GET or None)
    results: list[Case] | None = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            query = form.cleaned_data["q"]
            if query:
                results = reads.search_cases(user, query)
        else:
            status = 400
    return render(request, "web/search.html", {"form": form, "results": results}, status=status)


# --------------------------------------------------------------------------- intake


def _commune_choices(user: User) -> list[tuple[str, Any]]:
    """The communes the user may register children in: their own, or their province's."""
    scope = scope_of(user)
    if scope is Scope.COMMUNE and user.commune is not None:
        return [(user.commune.code, user.commune.name)]
    if scope is Scope.PROVINCE and user.province_id:
        return list(
            Commune.objects.filter(province_id=user.province_id)
            .order_by("name")
            .values_list("code", "name")
        )
    return []


def _candidates_context(user: User, **query: Any) -> dict[str, Any]:
    """Run a "may already be known" search for a page; input errors become one message."""
    try:
        found = match_candidates.find_candidates(user, **query)
    except ValidationFailed as error:
        return {"checked": True, "candidates": [], "candidates_error": _text(error)}
    return {"checked": True, "candidates": found}


@login_required
@guard
def intake(request: HttpRequest) -> HttpResponse:
    """Register a new child and open their first case.

    The "check" button runs the "may already be known" search on the child's details and
    shows the form again, filled in and without errors, with the candidates.
    """
    user = _user(request)
    if not has_perm(user, Perm.CASE_CREATE):
        return _forbidden(request)
    communes = _commune_choices(user)
    can_match = has_perm(user, Perm.MATCH_SEARCH)
    base = {"can_match": can_match}
    if request.method != "POST":
        form = web_forms.IntakeForm(communes=communes, auto_id="intake-%s")
        return render(request, "web/intake.html", {"form": form, **base})
    if request.POST.get("check") and can_match:
        post = request.POST
        initial: dict[str, Any] = {k: post.get(k) for k in post if k != "categories"}
        initial["categories"] = post.getlist("categories")
        form = web_forms.IntakeForm(communes=communes, auto_id="intake-%s", initial=initial)
        found = _candidates_context(
            user,
            family=post.get("family_name", ""),
            middle=post.get("middle_name", ""),
            given=post.get("given_name", ""),
            birth_date=post.get("birth_date", ""),
            sex=post.get("sex", ""),
            commune=post.get("commune", ""),
            id_number=post.get("id_number", ""),
        )
        return render(request, "web/intake.html", {"form": form, **base, **found})
    form = web_forms.IntakeForm(request.POST, communes=communes, auto_id="intake-%s")
    status = 400
    if form.is_valid():
        try:
            case = case_actions.open_case(
                acting_user=user, child_data=form.child_data(), case_data=form.case_data()
            )
        except ValidationFailed as error:
            web_forms.apply_errors(form, error)
        except DomainError as error:
            form.add_error(None, _text(error))
            status = error.status_code
        else:
            messages.success(
                request, _("Case %(reference)s was opened.") % {"reference": case.reference}
            )
            return redirect("web:case", case.pk)
    return render(request, "web/intake.html", {"form": form, **base}, status=status)


# --------------------------------------------------------------------------- case page


def _caseworkers(case: Case) -> QuerySet[User]:
    """Active case workers whose area covers the case (the owner left out)."""
    return (
        User.objects.filter(is_active=True, role__in=[r.value for r in CASEWORKER_ROLES])
        .filter(
            Q(role=Role.COMMUNE_OFFICER, commune_id=case.commune_id)
            | Q(role=Role.PROVINCE_MANAGER, province_id=case.province_id)
        )
        .exclude(pk=case.owner_id)
        .order_by("last_name", "first_name", "username")
    )


def _case_form(
    name: str, case: Case, data: Any = None, *, categories: list[str] | None = None
) -> forms.Form:
    """Build one of the case page's forms, bound to ``data`` or filled from the case.

    ``categories`` are the case's category codes when the caller has them already.
    """
    auto_id = f"{name}-%s"
    version = {"version": case.version}
    if name == "advance":
        return web_forms.AdvanceForm(data, auto_id=auto_id, initial=version)
    if name == "update":
        initial = {
            **version,
            "risk_level": case.risk_level,
            "summary": case.summary,
            "categories": categories
            if categories is not None
            else [c.code for c in case.categories.all()],
        }
        return web_forms.UpdateForm(data, auto_id=auto_id, initial=initial)
    if name == "note":
        return web_forms.NoteForm(data, auto_id=auto_id)
    if name == "consent":
        return web_forms.ConsentForm(data, auto_id=auto_id)
    if name == "plan":
        return web_forms.PlanForm(data, auto_id=auto_id, initial={"plan": case.plan_text})
    if name == "close":
        return web_forms.ClosureForm(data, auto_id=auto_id)
    if name == "reopen":
        return web_forms.ReopenForm(data, auto_id=auto_id, initial=version)
    if name == "assign":
        return web_forms.AssignForm(data, auto_id=auto_id, candidates=_caseworkers(case))
    if name == "share":
        return web_forms.ShareForm(data, auto_id=auto_id)
    if name == "caregiver":
        return web_forms.CaregiverForm(data, auto_id=auto_id)
    if name == "household":
        household = case.child.household
        initial = (
            {"address": household.address, "poverty_status": household.poverty_status}
            if household is not None
            else {"address": case.child.address, "poverty_status": "unknown"}
        )
        return web_forms.HouseholdForm(data, auto_id=auto_id, initial=initial)
    raise ValueError(name)


#: Titles of the case page's forms, for the list of forms that need correcting.
FORM_TITLES = {
    "advance": gettext_lazy("Next step"),
    "update": gettext_lazy("Change risk level, categories or summary"),
    "note": gettext_lazy("Notes"),
    "consent": gettext_lazy("Record a consent"),
    "plan": gettext_lazy("Submit the case plan for approval"),
    "close": gettext_lazy("Ask to close the case"),
    "reopen": gettext_lazy("Reopen the case"),
    "assign": gettext_lazy("Assign a worker"),
    "share": gettext_lazy("Share with an agency"),
    "caregiver": gettext_lazy("Add a caregiver"),
    "household": gettext_lazy("Household"),
}


def _form_title(name: str) -> str:
    if name.startswith("decide-"):
        return _("Approvals")
    return str(FORM_TITLES.get(name, name))


CASE_FORMS = (
    "advance", "update", "note", "consent", "plan", "close", "reopen", "assign", "share",
    "caregiver", "household",
)  # fmt: skip
_STAGE_ORDER = list(Status.values)


def _allowed(
    user: User, case: Case, pending_kinds: set[str], consents: list[Consent]
) -> dict[str, bool]:
    """Which forms this user may use on this case now (role and case state)."""
    perms = perms_of(user)
    is_open = case.is_open
    return {
        "advance": Perm.CASE_TRANSITION in perms and is_open and bool(TRANSITIONS[case.status]),
        "update": Perm.CASE_UPDATE in perms and is_open,
        "note": Perm.CASE_NOTE in perms,
        "consent": Perm.CASE_CONSENT in perms,
        "plan": Perm.CASE_PLAN_SUBMIT in perms
        and case.status == Status.CASE_PLAN
        and ApprovalKind.CASE_PLAN not in pending_kinds,
        "close": Perm.CASE_CLOSE_REQUEST in perms
        and is_open
        and ApprovalKind.CLOSURE not in pending_kinds,
        "reopen": Perm.CASE_REOPEN in perms and not is_open,
        "assign": Perm.CASE_ASSIGN in perms and is_open,
        "share": Perm.CASE_SHARE in perms
        and is_open
        and case_actions.consent_stands(consents, ConsentPurpose.SHARING),
        "caregiver": Perm.CASE_UPDATE in perms,
        "household": Perm.CASE_UPDATE in perms,
    }


def _stages(case: Case) -> list[dict[str, Any]]:
    """The stage progress indicator: each stage done, current or still to come."""
    current = _STAGE_ORDER.index(case.status) if case.status in _STAGE_ORDER else 0
    return [
        {
            "code": code,
            "label": label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, (code, label) in enumerate(Status.choices)
    ]


def _render_case(
    request: HttpRequest,
    user: User,
    case_id: int | str,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the case page; ``bound`` holds forms that failed, shown with their errors."""
    bound = bound or {}
    try:
        case = reads.view_case(user, case_id)
    except NotFound:
        return _not_found(request)
    child = case.child
    related = reads.case_related(case)
    approvals = related.approvals
    pending_kinds = {a.kind for a in approvals if a.status == ApprovalStatus.PENDING}
    allowed = _allowed(user, case, pending_kinds, related.consents)
    show = {name: allowed[name] or name in bound for name in CASE_FORMS}
    case_forms = {
        name: bound.get(name) or _case_form(name, case, categories=related.categories)
        for name in CASE_FORMS
        if show[name]
    }
    can_approve = has_perm(user, Perm.CASE_APPROVE)
    decide_forms = []
    for approval in approvals:
        if approval.status != ApprovalStatus.PENDING or not can_approve:
            continue
        if approval.requested_by_id == user.pk:
            continue  # four eyes: another manager decides
        key = f"decide-{approval.pk}"
        form = bound.get(key) or web_forms.DecideForm(auto_id=f"{key}-%s")
        decide_forms.append((approval, form))
    next_stages = sorted(TRANSITIONS[case.status], key=_STAGE_ORDER.index)
    context = {
        "case": case,
        "child": child,
        "caregivers": child.caregiver_links.select_related("caregiver").order_by(
            "-is_primary", "id"
        ),
        "categories": related.categories,
        "assignments": related.assignments,
        "consents": related.consents,
        "shares": related.shares,
        "approvals": approvals,
        "decide_forms": decide_forms,
        "notes": related.notes,
        "timeline": reads.timeline(case).select_related("actor")[:TIMELINE_LIMIT],
        "timeline_limit": TIMELINE_LIMIT,
        "stages": _stages(case),
        "next_stages": [(s, Status(s).label) for s in next_stages],
        "show": show,
        "forms": case_forms,
        "failed": [(name, _form_title(name)) for name in sorted(bound)],
        "failed_names": set(bound),
        "can_consent": has_perm(user, Perm.CASE_CONSENT),
        "share_needs_consent": has_perm(user, Perm.CASE_SHARE)
        and case.is_open
        and not allowed["share"],
        "plan_pending": ApprovalKind.CASE_PLAN in pending_kinds,
        "closure_pending": ApprovalKind.CLOSURE in pending_kinds,
        "services_blockers": _services_blockers(case, related.consents, pending_kinds)
        if Status.SERVICES in next_stages and case.status == Status.CASE_PLAN
        else [],
    }
    context["can_match"] = has_perm(user, Perm.MATCH_SEARCH)
    # On request only: the search is a read of other children's records, audited apart.
    if context["can_match"] and request.GET.get("known"):
        context.update(
            _candidates_context(
                user,
                family=child.family_name,
                middle=child.middle_name,
                given=child.given_name,
                birth_date=child.birth_date,
                sex=child.sex,
                commune=child.commune_id,
                id_number=child.id_number or "",
                exclude=f"baove:{child.pk}",
                case_id=case.pk,
                child_id=child.pk,
            )
        )
    return render(request, "web/case.html", context, status=status)


def _services_blockers(case: Case, consents: list[Consent], pending_kinds: set[str]) -> list[str]:
    """What is still missing before the case may move into services (display only)."""
    return [
        str(error)
        for error in case_actions.services_blockers(
            case, consents=consents, pending_kinds=pending_kinds
        )
    ]


@login_required
@guard
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page (the read is audited as ``case.view``)."""
    return _render_case(request, _user(request), case_id)


CaseRun = Callable[[User, Case, dict[str, Any]], str]


def _case_post(request: HttpRequest, case_id: int, name: str | None, run: CaseRun) -> HttpResponse:
    """Handle a form posted from the case page: parse, call the action, redirect back.

    Args:
        request: The POST request.
        case_id: The case from the URL.
        name: Which case form parses the input (None for a bare button).
        run: Calls the action with the parsed values and returns the success message.
    """
    user = _user(request)
    try:
        case = access.access_case(user, case_id)
    except NotFound:
        return _not_found(request)
    form = _case_form(name, case, request.POST) if name else None
    if form is not None and not form.is_valid():
        return _render_case(request, user, case.pk, bound={name or "": form}, status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        message = run(user, case, data)
    except ValidationFailed as error:
        if form is None or name is None:
            messages.error(request, _text(error))
            return redirect(_case_url(case.pk))
        web_forms.apply_errors(form, error)
        return _render_case(request, user, case.pk, bound={name: form}, status=400)
    except NotFound:
        return _not_found(request)
    except DomainError as error:
        # Refused (conflict, wrong stage, missing consent...): say why on the reloaded page.
        messages.error(request, _text(error))
        return redirect(_case_url(case.pk))
    messages.success(request, message)
    return redirect(_case_url(case.pk))


@login_required
@require_POST
@guard
def case_advance(request: HttpRequest, case_id: int) -> HttpResponse:
    """Move the case one stage forward."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case = case_actions.advance_case(
            case,
            to_status=data["to_status"],
            acting_user=user,
            expected_version=data["version"],
        )
        return _("The case moved to “%(stage)s”.") % {"stage": case.get_status_display()}

    return _case_post(request, case_id, "advance", run)


@login_required
@require_POST
@guard
def case_update(request: HttpRequest, case_id: int) -> HttpResponse:
    """Change the risk level, categories and summary."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case_actions.update_case(
            case,
            acting_user=user,
            expected_version=data["version"],
            risk_level=data["risk_level"],
            categories=data["categories"],
            summary=data["summary"],
        )
        return _("The case was updated.")

    return _case_post(request, case_id, "update", run)


@login_required
@require_POST
@guard
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add a note."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case_actions.add_note(case, text=data["text"], acting_user=user)
        return _("The note was added.")

    return _case_post(request, case_id, "note", run)


@login_required
@require_POST
@guard
def case_consent(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record a consent given or refused."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case_actions.record_consent(
            case,
            purpose=data["purpose"],
            granted=data["granted"],
            given_by=data["given_by"],
            relationship=data["relationship"],
            acting_user=user,
        )
        return _("The consent was recorded.")

    return _case_post(request, case_id, "consent", run)


@login_required
@require_POST
@guard
def consent_withdraw(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    """Record that a consent was withdrawn."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        consent = case.consents.filter(pk=consent_id).first()
        if consent is None:
            raise NotFound(_("Case not found."))
        case_actions.withdraw_consent(consent, acting_user=user)
        return _("The consent was recorded as withdrawn.")

    return _case_post(request, case_id, None, run)


@login_required
@require_POST
@guard
def case_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """Submit the case plan for a manager's approval."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case_actions.submit_case_plan(case, plan=data["plan"], acting_user=user)
        return _("The case plan was sent to a manager for approval.")

    return _case_post(request, case_id, "plan", run)


@login_required
@require_POST
@guard
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    """Ask a manager to close the case."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case_actions.request_closure(
            case, reason=data["reason"], note=data["note"], acting_user=user
        )
        return _("The request to close the case was sent to a manager.")

    return _case_post(request, case_id, "close", run)


@login_required
@require_POST
@guard
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    """Reopen a closed case."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        case_actions.reopen_case(
            case, reason=data["reason"], acting_user=user, expected_version=data["version"]
        )
        return _("The case was reopened.")

    return _case_post(request, case_id, "reopen", run)


@login_required
@require_POST
@guard
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Assign a worker to the case."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        worker: User = data["user"]
        case_actions.assign_case(case, to_user=worker, acting_user=user)
        return _("%(name)s was assigned to the case.") % {"name": worker.display_name()}

    return _case_post(request, case_id, "assign", run)


@login_required
@require_POST
@guard
def case_share(request: HttpRequest, case_id: int) -> HttpResponse:
    """Share the case with an agency."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        agency = data["agency"]
        case_actions.share_case(case, agency=agency, acting_user=user)
        return _("The case was shared with %(agency)s.") % {"agency": agency.name}

    return _case_post(request, case_id, "share", run)


@login_required
@require_POST
@guard
def case_caregiver(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add a caregiver of the child."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        registry_actions.add_caregiver(case.child, data=data, acting_user=user, case_id=case.pk)
        return _("The caregiver was added.")

    return _case_post(request, case_id, "caregiver", run)


@login_required
@require_POST
@guard
def case_household(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record the child's household (address and poverty status)."""

    def run(user: User, case: Case, data: dict[str, Any]) -> str:
        registry_actions.set_household(case.child, data=data, acting_user=user, case_id=case.pk)
        return _("The household was recorded.")

    return _case_post(request, case_id, "household", run)


# --------------------------------------------------------------------------- approvals


def _approvals_page(
    request: HttpRequest,
    user: User,
    *,
    bound: dict[int, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    rows = []
    for approval in reads.approvals_queue(user):
        own = approval.requested_by_id == user.pk
        form = bound.get(approval.pk) or web_forms.DecideForm(auto_id=f"decide-{approval.pk}-%s")
        rows.append({"approval": approval, "own": own, "form": form})
    return render(request, "web/approvals.html", {"rows": rows}, status=status)


@login_required
@guard
def approvals(request: HttpRequest) -> HttpResponse:
    """The requests waiting for a manager's decision."""
    user = _user(request)
    if not has_perm(user, Perm.CASE_APPROVE):
        return _forbidden(request)
    return _approvals_page(request, user)


@login_required
@require_POST
@guard
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    """Approve or reject a pending request (from the queue or from the case page)."""
    user = _user(request)
    if not has_perm(user, Perm.CASE_APPROVE):
        return _forbidden(request)
    approval = (
        Approval.objects.select_related("case")
        .filter(pk=approval_id, case__in=access.scoped_cases(user, Perm.CASE_APPROVE))
        .first()
    )
    if approval is None:
        return _not_found(request)
    from_case = request.POST.get("back") == "case"
    key = f"decide-{approval.pk}"
    form = web_forms.DecideForm(request.POST, auto_id=f"{key}-%s")
    form.is_valid()
    decision = form.cleaned_data.get("decision")
    back = _case_url(approval.case_id) if from_case else reverse("web:approvals")

    def again() -> HttpResponse:
        if from_case:
            return _render_case(request, user, approval.case_id, bound={key: form}, status=400)
        return _approvals_page(request, user, bound={approval.pk: form}, status=400)

    if decision not in ("approve", "reject"):
        form.add_error(None, str(web_forms.NOT_AN_OPTION))
        return again()
    try:
        case_actions.decide_approval(
            approval,
            approve=decision == "approve",
            comment=form.cleaned_data.get("comment") or "",
            acting_user=user,
        )
    except ValidationFailed as error:
        web_forms.apply_errors(form, error)
        return again()
    except NotFound:
        return _not_found(request)
    except DomainError as error:
        messages.error(request, _text(error))
        return redirect(back)
    if decision == "approve":
        messages.success(request, _("The request was approved."))
    else:
        messages.success(request, _("The request was rejected."))
    return redirect(back)


# --------------------------------------------------------------------------- linkage review


@login_required
@guard
def match_review(request: HttpRequest) -> HttpResponse:
    """The clerical review queue of the province manager's province."""
    user = _user(request)
    if not has_perm(user, Perm.MATCH_REVIEW):
        return _forbidden(request)
    status = request.GET.get("status") or ReviewStatus.PENDING
    if status not in (*ReviewStatus.values, "all"):
        status = ReviewStatus.PENDING
    pairs = match_reads.review_queue(user, status=status)
    statuses = [*ReviewStatus.choices, ("all", gettext_lazy("All"))]
    return render(
        request,
        "web/match_review.html",
        {"pairs": pairs, "status": status, "statuses": statuses},
    )


def _render_pair(
    request: HttpRequest, user: User, pair_id: int, *, error: str = "", note: str = "",
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    try:
        view = match_reads.view_pair(user, pair_id)
    except NotFound:
        return _not_found(request)

    def commune(code: str) -> str:
        try:
            return geo_cache_commune(code).name if code else "—"
        except KeyError:
            return code

    context = {
        "view": view,
        "probability": round(view.pair.match_probability * 100),
        "left_commune": commune(view.left.commune),
        "right_commune": commune(view.right.commune),
        "error": error,
        "note": note,
    }
    return render(request, "web/match_pair.html", context, status=status)


@login_required
@guard
def match_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Two records side by side with the evidence, and the decision form."""
    user = _user(request)
    if not has_perm(user, Perm.MATCH_REVIEW):
        return _forbidden(request)
    return _render_pair(request, user, pair_id)


@login_required
@require_POST
@guard
def match_decide(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Record a decision on a pair: same child, different children or unsure."""
    user = _user(request)
    if not has_perm(user, Perm.MATCH_REVIEW):
        return _forbidden(request)
    version_text = (request.POST.get("version") or "").strip()
    version = int(version_text) if version_text.isdigit() and len(version_text) < 10 else 0
    note = request.POST.get("note") or ""
    try:
        match_actions.decide_pair(
            pair_id,
            decision=request.POST.get("decision") or "",
            note=note,
            acting_user=user,
            expected_version=version,
        )
    except NotFound:
        return _not_found(request)
    except (ValidationFailed, Conflict) as error:
        code = 409 if isinstance(error, Conflict) else 400
        return _render_pair(request, user, pair_id, error=_text(error), note=note, status=code)
    messages.success(request, _("Your decision was recorded."))
    return redirect("web:match_review")


# --------------------------------------------------------------------------- audit


def _cursor(value: str | None) -> tuple[dt.datetime, int] | None:
    """Parse a keyset cursor ``<microseconds since 1970>.<id>``; None if malformed."""
    stamp, _dot, pk = (value or "").partition(".")
    if not (stamp.isascii() and stamp.isdigit() and pk.isascii() and pk.isdigit()):
        return None
    if len(stamp) > 17 or len(pk) > 18:
        return None
    at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(stamp))
    return at, int(pk)


def _cursor_of(event: AuditEvent) -> str:
    delta = event.at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{event.pk}"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
@guard
def audit(request: HttpRequest) -> HttpResponse:
    """The audit log for auditors, newest first, with keyset pagination on ``at``.

    Keyset pages (``?before=`` / ``?after=`` a cursor) stay fast however long the log
    grows: each page is one index range scan, with no OFFSET and no total count.
    """
    user = _user(request)
    if not has_perm(user, Perm.AUDIT_VIEW):
        return _forbidden(request)
    form = web_forms.AuditFilterForm(request.GET or None)
    status = 200
    qs: QuerySet[AuditEvent]
    if form.is_bound and not form.is_valid():
        status = 400
        qs = AuditEvent.objects.none()
    else:
        values = form.cleaned_data if form.is_bound else {}
        date_from, date_to = values.get("date_from"), values.get("date_to")
        qs = audit_reads.audit_events(
            user,
            audit_reads.AuditFilter(
                actor=values.get("user") or None,
                action=values.get("action") or None,
                case_id=values.get("case"),
                since=_day_start(date_from) if date_from else None,
                until=_day_start(date_to + dt.timedelta(days=1)) if date_to else None,
            ),
        )
    before = _cursor(request.GET.get("before"))
    after = _cursor(request.GET.get("after")) if before is None else None
    if after is not None:
        at, pk = after
        page = list(
            qs.filter(Q(at__gt=at) | Q(at=at, pk__gt=pk)).order_by("at", "id")[: AUDIT_PER_PAGE + 1]
        )
        has_newer = len(page) > AUDIT_PER_PAGE
        events = list(reversed(page[:AUDIT_PER_PAGE]))
        has_older = True
    else:
        if before is not None:
            at, pk = before
            qs = qs.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
        page = list(qs.order_by("-at", "-id")[: AUDIT_PER_PAGE + 1])
        has_older = len(page) > AUDIT_PER_PAGE
        events = page[:AUDIT_PER_PAGE]
        has_newer = before is not None
    context = {
        "form": form,
        "events": events,
        "older": _cursor_of(events[-1]) if events and has_older else None,
        "newer": _cursor_of(events[0]) if events and has_newer else None,
        "known_actions": sorted(ACTION_LABELS),
    }
    return render(request, "web/audit.html", context, status=status)


# --------------------------------------------------------------------------- statistics

STAT_TABLES = ("province", "status", "risk", "category")


@login_required
@guard
def stats(request: HttpRequest) -> HttpResponse:
    """Open cases by province, stage, risk and category, with small cells suppressed."""
    user = _user(request)
    if not has_perm(user, Perm.STATS_VIEW):
        return _forbidden(request)
    provinces = dict(Province.objects.values_list("code", "name"))
    labels: dict[str, dict[str, Any]] = {
        "province": provinces,
        "status": dict(Status.choices),
        "risk": dict(RiskLevel.choices),
        "category": dict(Category.choices),
    }
    titles = {
        "province": _("Open cases by province"),
        "status": _("Open cases by stage"),
        "risk": _("Open cases by risk level"),
        "category": _("Open cases by category"),
    }
    headers = {
        "province": _("Province"),
        "status": _("Stage"),
        "risk": _("Risk level"),
        "category": _("Category"),
    }
    # Stages and risk levels read best in their natural order, provinces by name.
    order: dict[str, Callable[[str], Any]] = {
        "province": lambda code: str(provinces.get(code, code)),
        "status": lambda code: _STAGE_ORDER.index(code) if code in _STAGE_ORDER else 99,
        "risk": lambda code: RISK_ORDER.get(code, 99),
        "category": lambda code: (
            list(Category.values).index(code) if code in Category.values else 99
        ),
    }
    tables = []
    for by in STAT_TABLES:
        cells = sorted(reads.case_counts(user, by=by), key=lambda c: order[by](c.key[by]))
        rows = [
            {"label": labels[by].get(cell.key[by], cell.key[by]), "value": cell.value}
            for cell in cells
        ]
        tables.append({"by": by, "title": titles[by], "header": headers[by], "rows": rows})
    context = {
        "tables": tables,
        "min_cell": settings.BAOVE_MIN_CELL,
        "national": scope_of(user) is Scope.NATIONAL,
    }
    return render(request, "web/stats.html", context)


# --------------------------------------------------------------------------- users


def _users_page(
    request: HttpRequest, form: web_forms.UserCreateForm, status: int = 200
) -> HttpResponse:
    users = User.objects.select_related("commune", "province", "agency").order_by("username")
    page = Paginator(users, USERS_PER_PAGE).get_page(_page_number(request.GET.get("page")))
    rows = [{"user": u, "area": area_of(u)} for u in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "web/users.html", context, status=status)


@login_required
@guard
def users(request: HttpRequest) -> HttpResponse:
    """List accounts and create new ones (administrators)."""
    user = _user(request)
    if not has_perm(user, Perm.USER_MANAGE):
        return _forbidden(request)
    if request.method != "POST":
        return _users_page(request, web_forms.UserCreateForm(auto_id="user-%s"))
    form = web_forms.UserCreateForm(request.POST, auto_id="user-%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = account_actions.create_user(
                username=data["username"],
                password=data["password"],
                role=data["role"],
                acting_user=user,
                commune=data["commune"],
                province=data["province"],
                agency=data["agency"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
            )
        except ValidationFailed as error:
            web_forms.apply_errors(form, error)
        except DomainError as error:
            form.add_error(None, _text(error))
            status = error.status_code
        else:
            messages.success(
                request, _("The account %(username)s was created.") % {"username": created}
            )
            return redirect("web:users")
    return _users_page(request, form, status=status)


@login_required
@require_POST
@guard
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate or reactivate an account."""
    user = _user(request)
    if not has_perm(user, Perm.USER_MANAGE):
        return _forbidden(request)
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        return _not_found(request)
    form = web_forms.UserActiveForm(request.POST)
    form.is_valid()
    active = form.cleaned_data.get("active")
    if active is None:
        messages.error(request, str(web_forms.NOT_AN_OPTION))
        return redirect("web:users")
    try:
        account_actions.set_active(target, active=active, acting_user=user)
    except DomainError as error:
        messages.error(request, _text(error))
    else:
        if active:
            text = _("The account %(username)s was reactivated.")
        else:
            text = _("The account %(username)s was deactivated.")
        messages.success(request, text % {"username": target.username})
    return redirect("web:users")


# --------------------------------------------------------------------------- error handlers


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: the same page for a missing record and one outside the user's scope."""
    return _not_found(request)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``."""
    return _forbidden(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400`` (malformed or oversized requests)."""
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a static page (no database, no context processors)."""
    return HttpResponseServerError(loader.get_template("500.html").render())
