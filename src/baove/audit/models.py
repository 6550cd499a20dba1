"""The append-only audit log: who did what, when, through which path.

Rows can only be inserted. The model refuses updates and deletes, and a database trigger
(created by migration 0002 on SQLite and PostgreSQL) refuses them too, so not even a raw
SQL statement from the application can rewrite history.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised on an attempt to change or delete an audit event."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")


class AuditEvent(models.Model):
    """One audited event: a create, update, transition, or a read of a child's record."""

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=40)
    channel = models.CharField(_("path"), max_length=10)
    request_id = models.CharField(max_length=32, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    url_path = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # Plain ids, not foreign keys: the log must outlive and never cascade with its subjects.
    case_id = models.BigIntegerField(null=True, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # Keyset paging of the whole log goes by (at, id).
            models.Index(fields=["at", "id"], name="audit_at_id"),
            models.Index(fields=["case_id", "at"], name="audit_case_at"),
            models.Index(fields=["child_id", "at"], name="audit_child_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"
