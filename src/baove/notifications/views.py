"""The notifications page and marking notifications read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from baove.notifications import actions, reads
from baove.web.shortcuts import page_number as _page_number
from baove.web.shortcuts import signed_in_user as _user
from baove.web.views import guard

PER_PAGE = 50


@login_required
@guard
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread ones marked."""
    user = _user(request)
    page = _page_number(request.GET.get("page"))
    items, total = reads.list_notifications(user, page=page, per_page=PER_PAGE)
    context = {
        "items": items,
        "total": total,
        "unread": reads.unread_count(user),
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
@guard
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read, then open it (``go``) or come back to the list."""
    notification = actions.mark_read(notification_id, acting_user=_user(request))
    target = notification.url
    if request.POST.get("go") and target and url_has_allowed_host_and_scheme(target, None):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
@guard
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    actions.mark_all_read(acting_user=_user(request))
    return redirect("notifications:list")
