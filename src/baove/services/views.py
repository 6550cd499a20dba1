"""Pages of the service directory (``/services/...``).

Thin like :mod:`baove.web.views`: forms are parsed here, every change goes through
:mod:`baove.services.actions` (or the importer) and every read through
:mod:`baove.services.reads`. Domain errors become field errors (400), the 404 page, the
403 page or a message after a redirect; never a server error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baove.accounts.models import User
from baove.accounts.roles import Perm, Scope, has_perm, scope_of
from baove.core.errors import DomainError, ValidationFailed
from baove.services import actions, reads
from baove.services.forms import (
    DirectoryFilterForm,
    ImportForm,
    ProviderForm,
    ServiceForm,
    StaffForm,
    StateForm,
)
from baove.services.importer import COLUMNS, MAX_BYTES, ImportFailed, import_services
from baove.services.models import Service
from baove.services.reads import DirectoryFilter
from baove.web.forms import apply_errors
from baove.web.shortcuts import error_text as _text
from baove.web.shortcuts import forbidden as _forbidden
from baove.web.shortcuts import page_number as _page_number
from baove.web.shortcuts import signed_in_user as _user
from baove.web.views import guard

PER_PAGE = 50
#: Most problems an import page lists (the command line lists more).
MAX_SHOWN = 500


def _fail(form: Any, error: DomainError) -> int:
    """Put an action's refusal on ``form``; return the status to answer with."""
    if isinstance(error, ValidationFailed):
        apply_errors(form, error)
        return 400
    form.add_error(None, _text(error))
    return error.status_code


# --- directory -----------------------------------------------------------------------------


@login_required
@guard
def directory(request: HttpRequest) -> HttpResponse:
    """The services of the directory with filters, by name."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_VIEW):
        return _forbidden(request)
    form = DirectoryFilterForm(request.GET or None)
    values: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # invalid filters are just not applied
        values = form.cleaned_data
    commune = values.get("commune") or None
    filters = DirectoryFilter(
        sector=values.get("sector") or None,
        service_type=values.get("service_type") or None,
        level=values.get("level") or None,
        province=values.get("province") or None,
        commune=commune.zfill(5) if commune else None,
        open_only=bool(values.get("open_only")),
        q=values.get("q") or None,
    )
    page = Paginator(reads.directory(user, filters), PER_PAGE).get_page(
        _page_number(request.GET.get("page"))
    )
    context = {
        "form": form,
        "page": page,
        "can_manage": has_perm(user, Perm.SERVICE_MANAGE),
    }
    return render(request, "services/directory.html", context)


# --- providers -----------------------------------------------------------------------------


@login_required
@guard
def provider(request: HttpRequest, agency_id: int) -> HttpResponse:
    """A provider: contacts, services (open and closed) and, for those who may, its staff."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_VIEW):
        return _forbidden(request)
    agency = reads.provider_detail(user, agency_id)
    manage = actions.can_manage_provider(user, agency)
    staff = (
        User.objects.filter(agency=agency).order_by("username")
        if reads.may_see_staff(user, agency)
        else None
    )
    context: dict[str, Any] = {
        "agency": agency,
        "profile": getattr(agency, "profile", None),
        "services": Service.objects.filter(agency=agency).order_by("-is_active", "name"),
        "staff": staff,
        "can_manage": manage,
        "staff_form": StaffForm(auto_id="staff-%s") if manage else None,
    }
    return render(request, "services/provider.html", context)


def _provider_initial(user: User) -> dict[str, Any]:
    return {"province": user.province_id} if scope_of(user) is Scope.PROVINCE else {}


@login_required
@guard
def provider_new(request: HttpRequest) -> HttpResponse:
    """Register a provider."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    status = 200
    if request.method == "POST":
        form = ProviderForm(request.POST, auto_id="provider-%s")
        status = 400
        if form.is_valid():
            try:
                agency = actions.create_provider(acting_user=user, data=form.action_data())
            except DomainError as error:
                status = _fail(form, error)
            else:
                messages.success(request, _("The provider %(name)s was added.") % {"name": agency})
                return redirect("services:provider", agency.pk)
    else:
        form = ProviderForm(initial=_provider_initial(user), auto_id="provider-%s")
    return render(
        request, "services/provider_form.html", {"form": form, "agency": None}, status=status
    )


@login_required
@guard
def provider_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Change a provider's details."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    agency = reads.provider_detail(user, agency_id)
    if not actions.can_manage_provider(user, agency):
        return _forbidden(request)
    status = 200
    if request.method == "POST":
        form = ProviderForm(request.POST, editing=True, auto_id="provider-%s")
        status = 400
        if form.is_valid():
            try:
                actions.update_provider(
                    agency, acting_user=user, expected_version=form.cleaned_data["version"],
                    data=form.action_data(),
                )  # fmt: skip
            except DomainError as error:
                status = _fail(form, error)
            else:
                messages.success(request, _("The provider was updated."))
                return redirect("services:provider", agency.pk)
    else:
        profile = getattr(agency, "profile", None)
        initial = {
            "name": agency.name, "sector": agency.sector, "province": agency.province_id or "",
            "commune": agency.commune_id or "", "version": actions.provider_version(agency),
        }  # fmt: skip
        if profile is not None:
            for name in ("address", "phone", "email", "website", "contact_person", "description"):
                initial[name] = getattr(profile, name)
        form = ProviderForm(initial=initial, editing=True, auto_id="provider-%s")
    return render(
        request, "services/provider_form.html", {"form": form, "agency": agency}, status=status
    )


@login_required
@require_POST
@guard
def provider_staff(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Add an account for a person working at the provider."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    agency = reads.provider_detail(user, agency_id)
    if not actions.can_manage_provider(user, agency):
        return _forbidden(request)
    form = StaffForm(request.POST, auto_id="staff-%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.add_provider_staff(
                agency, acting_user=user, username=data["username"],
                password=data["password"] or None, first_name=data["first_name"],
                last_name=data["last_name"], language=data["language"] or "vi",
            )  # fmt: skip
        except DomainError as error:
            status = _fail(form, error)
        else:
            messages.success(
                request, _("The account %(username)s was created.") % {"username": created}
            )
            return redirect("services:provider", agency.pk)
    context = {
        "agency": agency,
        "profile": getattr(agency, "profile", None),
        "services": Service.objects.filter(agency=agency).order_by("-is_active", "name"),
        "staff": User.objects.filter(agency=agency).order_by("username"),
        "can_manage": True,
        "staff_form": form,
    }
    return render(request, "services/provider.html", context, status=status)


# --- services ------------------------------------------------------------------------------


@login_required
@guard
def service(request: HttpRequest, service_id: int) -> HttpResponse:
    """One service: what, where, when, how to reach it."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_VIEW):
        return _forbidden(request)
    item = reads.service_detail(user, service_id)
    manage = actions.can_manage_service(user, item)
    context = {
        "service": item,
        "areas": list(item.areas.all()),
        "can_manage": manage,
        "state_form": StateForm(initial={"version": item.version}, auto_id="state-%s")
        if manage
        else None,
    }
    return render(request, "services/service.html", context)


@login_required
@guard
def service_new(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Add a service to a provider."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    agency = reads.provider_detail(user, agency_id)
    if not actions.can_manage_provider(user, agency):
        return _forbidden(request)
    status = 200
    if request.method == "POST":
        form = ServiceForm(request.POST, auto_id="service-%s")
        status = 400
        if form.is_valid():
            try:
                created = actions.create_service(
                    acting_user=user, agency=agency, data=form.action_data()
                )
            except DomainError as error:
                status = _fail(form, error)
            else:
                messages.success(request, _("The service was added."))
                return redirect("services:service", created.pk)
    else:
        initial: dict[str, Any] = {"accepts_referrals": True}
        if scope_of(user) is Scope.PROVINCE:
            initial.update(coverage_level="province", areas=user.province_id or "")
        form = ServiceForm(initial=initial, auto_id="service-%s")
    context = {"form": form, "agency": agency, "service": None}
    return render(request, "services/service_form.html", context, status=status)


@login_required
@guard
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    """Change a service (fields and coverage together)."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    item = reads.service_detail(user, service_id)
    if not actions.can_manage_service(user, item):
        return _forbidden(request)
    status = 200
    if request.method == "POST":
        form = ServiceForm(request.POST, editing=True, auto_id="service-%s")
        status = 400
        if form.is_valid():
            try:
                actions.update_service(
                    item, acting_user=user, expected_version=form.cleaned_data["version"],
                    data=form.action_data(),
                )  # fmt: skip
            except DomainError as error:
                status = _fail(form, error)
            else:
                messages.success(request, _("The service was updated."))
                return redirect("services:service", item.pk)
    else:
        initial = {
            name: getattr(item, name)
            for name in ("name", "service_type", "coverage_level", "opening_hours", "phone",
                         "email", "address", "accepts_referrals", "description", "version")
        }  # fmt: skip
        initial["capacity"] = "" if item.capacity is None else str(item.capacity)
        initial["areas"] = " ".join(a.commune_id or a.province_id or "" for a in item.areas.all())
        form = ServiceForm(initial=initial, editing=True, auto_id="service-%s")
    context = {"form": form, "agency": item.agency, "service": item}
    return render(request, "services/service_form.html", context, status=status)


@login_required
@require_POST
@guard
def service_state(request: HttpRequest, service_id: int, to: str) -> HttpResponse:
    """Close or reopen a service, then back to its page with a message."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    item = reads.service_detail(user, service_id)
    form = StateForm(request.POST)
    form.is_valid()
    version = form.cleaned_data.get("version", 0)
    try:
        if to == "close":
            actions.close_service(
                item, acting_user=user, expected_version=version,
                reason=form.cleaned_data.get("reason") or "",
            )  # fmt: skip
            messages.success(request, _("The service was closed."))
        else:
            actions.reopen_service(item, acting_user=user, expected_version=version)
            messages.success(request, _("The service was reopened."))
    except DomainError as error:
        if error.status_code == 403:
            return _forbidden(request)
        messages.error(request, _text(error))
    return redirect("services:service", item.pk)


# --- import --------------------------------------------------------------------------------


@login_required
@guard
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file of providers and services; show every problem by row."""
    user = _user(request)
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return _forbidden(request)
    context: dict[str, Any] = {"columns": COLUMNS, "problems": None, "summary": None}
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                form.add_error("file", _("The file is too big (at most 10 MB)."))
            else:
                try:
                    context["summary"] = import_services(
                        user, upload.name or "upload", upload.read()
                    )
                    status = 200
                except ImportFailed as error:
                    context["problems"] = error.rows[:MAX_SHOWN]
                    context["problem_count"] = len(error.rows)
                    form.add_error(None, _text(error))
                except DomainError as error:
                    status = _fail(form, error)
    else:
        form = ImportForm()
    context["form"] = form
    return render(request, "services/import.html", context, status=status)
