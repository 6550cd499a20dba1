"""Models of the opendata app: the frozen public releases."""

from __future__ import annotations

from django.db import models


class Release(models.Model):
    """One public table as published for one reference period, never changed afterwards.

    Only protected numbers are stored (suppressed, perturbed, rounded), never true counts.
    Freezing a release is part of the disclosure control: a table that moved from one day
    to the next would show what changed in between (a new case, a corrected risk level).
    """

    period = models.DateField()  # the last day the release covers (end of a month)
    table = models.CharField(max_length=40)
    by = models.CharField(max_length=40)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "table", "by"], name="unique_open_release")
        ]

    def __str__(self) -> str:
        return f"{self.table}/{self.by} {self.period}"
