"""Referral pages: the list of one's side, sending from a case, the referral and its actions.

Thin like :mod:`baove.web.views`: parse the form, call a read or an action, render. The
receiving agency's staff get the shared snapshot only (the template never sees the case).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baove.accounts.roles import Perm, has_perm
from baove.cases import reads as case_reads
from baove.cases.actions import has_consent
from baove.cases.vocab import ConsentPurpose
from baove.core.errors import DomainError, NotFound, ValidationFailed
from baove.referrals import actions, reads
from baove.referrals.access import Side, access_referral, side_of
from baove.referrals.forms import ACTION_FORMS, ListFilterForm, SendForm
from baove.referrals.models import Referral
from baove.referrals.vocab import TRANSITIONS, ReferralStatus, SharedField
from baove.services.models import Service
from baove.services.reads import reachable_services
from baove.web.forms import apply_errors
from baove.web.shortcuts import error_text as _text
from baove.web.shortcuts import forbidden as _forbidden
from baove.web.shortcuts import not_found as _not_found
from baove.web.shortcuts import page_number as _page_number
from baove.web.shortcuts import signed_in_user as _user
from baove.web.views import guard

PER_PAGE = 25

#: action -> (permission, status it moves to, success message).
ACTIONS: dict[str, tuple[Perm, str]] = {
    "accept": (Perm.REFERRAL_RESPOND, ReferralStatus.ACCEPTED),
    "decline": (Perm.REFERRAL_RESPOND, ReferralStatus.DECLINED),
    "deliver": (Perm.REFERRAL_RESPOND, ReferralStatus.DELIVERED),
    "close": (Perm.REFERRAL_SEND, ReferralStatus.CLOSED),
    "withdraw": (Perm.REFERRAL_SEND, ReferralStatus.WITHDRAWN),
}


@login_required
@guard
def referral_list(request: HttpRequest) -> HttpResponse:
    """Outgoing referrals (caseworkers, their area) or incoming ones (their agency)."""
    user = _user(request)
    if not has_perm(user, Perm.REFERRAL_VIEW):
        return _forbidden(request)
    form = ListFilterForm(request.GET or None)
    values: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    result = reads.list_referrals(
        user,
        state=values.get("state") or "open",
        overdue_only=bool(values.get("overdue")),
        page=_page_number(request.GET.get("page")),
        per_page=PER_PAGE,
    )
    return render(request, "referrals/list.html", {"form": form, "result": result})


def _service_choices(case: Any) -> list[tuple[str, str]]:
    levels = {"commune": _("commune"), "province": _("province"), "national": _("national")}
    return [
        (str(r.service.pk), f"{r.service.name} — {r.service.agency.name} ({levels[r.level]})")
        for r in reachable_services(case.commune)
        if r.service.accepts_referrals
    ]


@login_required
@guard
def referral_new(request: HttpRequest) -> HttpResponse:
    """The send form, from a case (``?case=<id>``, optionally ``&service=<id>``)."""
    user = _user(request)
    if not has_perm(user, Perm.REFERRAL_SEND):
        return _forbidden(request)
    source = request.POST if request.method == "POST" else request.GET
    try:
        case = case_reads.view_case(user, source.get("case", ""), Perm.REFERRAL_SEND)
    except NotFound:
        return _not_found(request)
    override = has_perm(user, Perm.REFERRAL_CONSENT_OVERRIDE)
    consented = {
        "services": has_consent(case, ConsentPurpose.SERVICES),
        "sharing": has_consent(case, ConsentPurpose.SHARING),
    }
    context: dict[str, Any] = {"case": case, "consented": consented, "override": override}
    services = _service_choices(case)
    if request.method != "POST":
        initial = {
            "service": request.GET.get("service", ""),
            "idempotency_key": secrets.token_hex(16),
        }
        context["form"] = SendForm(initial=initial, services=services, override=override)
        return render(request, "referrals/new.html", context)
    form = SendForm(request.POST, services=services, override=override)
    context["form"] = form
    if not form.is_valid():
        return render(request, "referrals/new.html", context, status=400)
    data = form.cleaned_data
    raw = str(data.get("service") or "")
    service = (
        Service.objects.select_related("agency").filter(pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) <= 18
        else None
    )
    try:
        referral = actions.send_referral(
            case, service=service, urgency=data.get("urgency") or "",
            reason=data.get("reason") or "",
            shared_fields=data.get("shared_fields") or [], acting_user=user,
            idempotency_key=data.get("idempotency_key") or "",
            consent_override_reason=data.get("consent_override_reason") or None,
        )  # fmt: skip
    except ValidationFailed as error:
        apply_errors(form, error)
        return render(request, "referrals/new.html", context, status=400)
    except NotFound:
        return _not_found(request)
    except DomainError as error:
        form.add_error(None, _text(error))
        return render(request, "referrals/new.html", context, status=error.status_code)
    messages.success(request, _("Referral %(reference)s sent.") % {"reference": referral.reference})
    return redirect("referrals:detail", referral.pk)


def _allowed(user: Any, referral: Referral) -> list[str]:
    return [
        name
        for name, (perm, to_status) in ACTIONS.items()
        if has_perm(user, perm) and to_status in TRANSITIONS[referral.status]
    ]


def _render_detail(
    request: HttpRequest, referral: Referral, *, bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = _user(request)
    side = side_of(user)
    allowed = _allowed(user, referral)
    action_forms = {
        name: (bound or {}).get(name)
        or ACTION_FORMS[name](initial={"version": referral.version}, auto_id=f"{name}-%s")
        for name in allowed
    }
    labels = dict(SharedField.choices)
    context = {
        "referral": referral,
        "sender": side is Side.SENDER,
        "shared": [(labels.get(k, k), referral.shared.get(k)) for k in referral.shared_fields],
        "snapshot": referral.shared,
        "events": reads.events(referral),
        "forms": action_forms,
    }
    return render(request, "referrals/detail.html", context, status=status)


@login_required
@guard
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One referral (audited): everything for senders, the snapshot for receivers."""
    user = _user(request)
    if not has_perm(user, Perm.REFERRAL_VIEW):
        return _forbidden(request)
    return _render_detail(request, reads.view_referral(user, referral_id))


@login_required
@require_POST
@guard
def referral_action(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    """Accept, decline, deliver, close or withdraw (from the buttons of the referral page)."""
    user = _user(request)
    if action not in ACTIONS:
        return _not_found(request)
    perm, _to = ACTIONS[action]
    if not has_perm(user, perm):
        return _forbidden(request)
    referral = access_referral(user, referral_id, perm)
    form = ACTION_FORMS[action](request.POST, auto_id=f"{action}-%s")
    form.is_valid()  # lenient fields: the action checks the values
    data = form.cleaned_data
    version: int = data.get("version") or 0
    try:
        if action == "accept":
            actions.accept(referral, acting_user=user, expected_version=version)
        elif action == "decline":
            actions.decline(
                referral,
                reason=data.get("reason") or "",
                acting_user=user,
                expected_version=version,
            )
        elif action == "deliver":
            actions.record_delivery(
                referral,
                outcome=data.get("outcome") or "",
                note=data.get("note") or "",
                acting_user=user,
                expected_version=version,
            )
        elif action == "close":
            actions.close(
                referral, note=data.get("note") or "", acting_user=user, expected_version=version
            )
        else:
            actions.withdraw(
                referral,
                reason=data.get("reason") or "",
                acting_user=user,
                expected_version=version,
            )
    except ValidationFailed as error:
        apply_errors(form, error)
        return _render_detail(
            request, reads.view_referral(user, referral.pk), bound={action: form}, status=400
        )
    except NotFound:
        return _not_found(request)
    except DomainError as error:
        messages.error(request, _text(error))
        return redirect("referrals:detail", referral.pk)
    messages.success(request, _("The referral was updated."))
    return redirect("referrals:detail", referral.pk)
