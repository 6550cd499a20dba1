"""Pages of care placements: record one from a case, the placement page (approval,
reviews, ending), the reviews due and the managers' approval queue.

Thin, like :mod:`baove.web.views`: forms parse, actions change (and check scope and
permission again), reads are scoped and audited. "Not yours" is the same 404 page as
"does not exist"; a role that may never do something gets the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baove.accounts.models import User
from baove.accounts.roles import Perm, has_perm
from baove.cases import reads as case_reads
from baove.core.errors import ActionNotAllowed, DomainError, NotFound, ValidationFailed
from baove.placements import actions, reads
from baove.placements import forms as placement_forms
from baove.placements.models import Placement
from baove.placements.vocab import FAMILY_OPTIONS, PlacementStatus, PlacementType
from baove.web.forms import apply_errors
from baove.web.shortcuts import error_text as _text
from baove.web.shortcuts import forbidden as _forbidden
from baove.web.shortcuts import not_found as _not_found
from baove.web.shortcuts import signed_in_user as _user
from baove.web.views import guard


def _detail_url(placement_id: int) -> str:
    return reverse("placements:detail", args=[placement_id])


# --------------------------------------------------------------------------- record


@login_required
@guard
def record(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record a placement for the case's child (GET: the form; POST: the action)."""
    user = _user(request)
    if not has_perm(user, Perm.PLACEMENT_RECORD):
        return _forbidden(request)
    try:
        case = case_reads.view_case(user, case_id, Perm.PLACEMENT_RECORD)
    except NotFound:
        return _not_found(request)
    status = 200
    if request.method == "POST":
        form = placement_forms.PlacementForm(request.POST, auto_id="placement-%s")
        status = 400
        if form.is_valid():
            try:
                placement = actions.record_placement(case, acting_user=user, **form.action_kwargs())
            except ValidationFailed as error:
                apply_errors(form, error)
            except (NotFound, ActionNotAllowed):
                raise
            except DomainError as error:
                form.add_error(None, _text(error))
                status = error.status_code
            else:
                if placement.status == PlacementStatus.PROPOSED:
                    messages.success(
                        request,
                        _("The residential placement was sent to a province manager for approval."),
                    )
                else:
                    messages.success(request, _("The placement was recorded."))
                return redirect(_detail_url(placement.pk))
    else:
        form = placement_forms.PlacementForm(auto_id="placement-%s")
    context = {"case": case, "child": case.child, "form": form}
    return render(request, "placements/record.html", context, status=status)


# --------------------------------------------------------------------------- placement page


def _render_detail(
    request: HttpRequest,
    user: User,
    placement_id: int,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The placement page; ``bound`` holds forms that failed, shown with their errors."""
    bound = bound or {}
    placement, reviews = reads.view_placement(user, placement_id)
    version = {"version": placement.version}
    active = placement.status == PlacementStatus.ACTIVE
    can_record = has_perm(user, Perm.PLACEMENT_RECORD)
    can_decide = (
        has_perm(user, Perm.PLACEMENT_APPROVE)
        and placement.status == PlacementStatus.PROPOSED
        and placement.requested_by_id != user.pk
    )
    page_forms: dict[str, forms.Form] = {}
    if can_decide or "decide" in bound:
        page_forms["decide"] = bound.get("decide") or placement_forms.DecideForm(
            auto_id="decide-%s", initial=version
        )
    if (can_record and active) or "review" in bound:
        page_forms["review"] = bound.get("review") or placement_forms.ReviewForm(
            auto_id="review-%s", initial=version
        )
    if (can_record and active) or "end" in bound:
        page_forms["end"] = bound.get("end") or placement_forms.EndForm(
            auto_id="end-%s", initial=version
        )
    context = {
        "placement": placement,
        "case": placement.case,
        "child": placement.child,
        "reviews": reviews,
        "ruled_out": [
            (option, label, placement.ruled_out.get(option, ""))
            for option, label in _family_options()
        ],
        "forms": page_forms,
        "own_request": placement.status == PlacementStatus.PROPOSED
        and placement.requested_by_id == user.pk,
        "failed_names": set(bound),
    }
    return render(request, "placements/placement.html", context, status=status)


def _family_options() -> list[tuple[str, str]]:
    return [(o, str(PlacementType(o).label)) for o in FAMILY_OPTIONS]


@login_required
@guard
def detail(request: HttpRequest, placement_id: int) -> HttpResponse:
    """The placement page (the read is audited as ``placement.view``)."""
    return _render_detail(request, _user(request), placement_id)


Run = Callable[[User, Placement, dict[str, Any]], str]


def _post(
    request: HttpRequest,
    placement_id: int,
    name: str,
    form_class: type[forms.Form],
    run: Run,
    back: str | None = None,
) -> HttpResponse:
    """Handle a form posted from the placement page: parse, act, redirect back."""
    user = _user(request)
    try:
        placement = reads.get_placement(user, placement_id)
    except NotFound:
        return _not_found(request)
    form = form_class(request.POST, auto_id=f"{name}-%s")
    form.is_valid()  # lenient fields: the action checks the values
    target = back or _detail_url(placement.pk)
    try:
        message = run(user, placement, form.cleaned_data)
    except ValidationFailed as error:
        apply_errors(form, error)
        return _render_detail(request, user, placement.pk, bound={name: form}, status=400)
    except NotFound:
        return _not_found(request)
    except ActionNotAllowed:
        return _forbidden(request)
    except DomainError as error:
        messages.error(request, _text(error))
        return redirect(target)
    messages.success(request, message)
    return redirect(target)


@login_required
@require_POST
@guard
def decide(request: HttpRequest, placement_id: int) -> HttpResponse:
    """Approve or reject a proposed residential placement."""
    if not has_perm(_user(request), Perm.PLACEMENT_APPROVE):
        return _forbidden(request)

    def run(user: User, placement: Placement, data: dict[str, Any]) -> str:
        decision = data.get("decision")
        if decision not in ("approve", "reject"):
            raise ValidationFailed({"decision": [_("Choose one of the listed options.")]})
        approve = decision == "approve"
        actions.decide_placement(
            placement, approve=approve, comment=data.get("comment") or "",
            acting_user=user, expected_version=data.get("version") or 0,
        )  # fmt: skip
        return _("The placement was approved.") if approve else _("The placement was rejected.")

    back = reverse("placements:approvals") if request.POST.get("back") == "queue" else None
    return _post(request, placement_id, "decide", placement_forms.DecideForm, run, back)


@login_required
@require_POST
@guard
def review(request: HttpRequest, placement_id: int) -> HttpResponse:
    """Record a review of an active placement."""
    if not has_perm(_user(request), Perm.PLACEMENT_RECORD):
        return _forbidden(request)

    def run(user: User, placement: Placement, data: dict[str, Any]) -> str:
        actions.record_review(
            placement, acting_user=user, expected_version=data.get("version") or 0,
            reviewed_on=data.get("reviewed_on"), outcome=data.get("outcome") or "",
            note=data.get("note") or "", next_due=data.get("next_due"),
        )  # fmt: skip
        return _("The review was recorded.")

    return _post(request, placement_id, "review", placement_forms.ReviewForm, run)


@login_required
@require_POST
@guard
def end(request: HttpRequest, placement_id: int) -> HttpResponse:
    """End an active placement."""
    if not has_perm(_user(request), Perm.PLACEMENT_RECORD):
        return _forbidden(request)

    def run(user: User, placement: Placement, data: dict[str, Any]) -> str:
        actions.end_placement(
            placement, acting_user=user, expected_version=data.get("version") or 0,
            end_date=data.get("end_date"), end_reason=data.get("end_reason") or "",
            note=data.get("note") or "",
        )  # fmt: skip
        return _("The placement was ended.")

    return _post(request, placement_id, "end", placement_forms.EndForm, run)


# --------------------------------------------------------------------------- lists


@login_required
@guard
def reviews_due(request: HttpRequest) -> HttpResponse:
    """Active placements in the user's area whose review is overdue or due soon."""
    user = _user(request)
    if not has_perm(user, Perm.PLACEMENT_RECORD):
        return _forbidden(request)
    rows = reads.reviews_due(user)
    context = {
        "rows": rows,
        "overdue": sum(1 for p in rows if p.is_review_overdue),
        "days": reads.DUE_SOON_DAYS,
    }
    return render(request, "placements/reviews.html", context)


@login_required
@guard
def approvals(request: HttpRequest) -> HttpResponse:
    """Residential placements waiting for a manager's decision, oldest first."""
    user = _user(request)
    if not has_perm(user, Perm.PLACEMENT_APPROVE):
        return _forbidden(request)
    rows = [
        {
            "placement": p,
            "own": p.requested_by_id == user.pk,
            "form": placement_forms.DecideForm(
                auto_id=f"decide-{p.pk}-%s", initial={"version": p.version}
            ),
        }
        for p in reads.approvals_queue(user)
    ]
    return render(request, "placements/approvals.html", {"rows": rows})
