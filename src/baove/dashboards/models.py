"""Published indicator results: aggregates only, never a record about a child.

A *round* is one publication of one source (a survey round such as ``MICS-2014``, a year of
government administrative data such as ``ADMIN-2025``, an NGO report). Publishing a round
replaces all its results at once (:func:`baove.dashboards.actions.publish_results`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Who produced the figures."""

    SURVEY = "survey", _("Household survey")
    GOVERNMENT = "government", _("Government administrative data")
    NGO = "ngo", _("NGO data")


class IndicatorRound(models.Model):
    """One published round of one source (its results are :class:`IndicatorResult` rows)."""

    code = models.CharField(_("round"), max_length=40, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    year = models.PositiveSmallIntegerField(_("reference year"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    # Synthetic rounds (demo, benchmarks) say so on every page that shows them.
    synthetic = models.BooleanField(_("synthetic data"), default=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["source", "year", "code"]
        verbose_name = _("indicator round")
        verbose_name_plural = _("indicator rounds")

    def __str__(self) -> str:
        return self.code


class IndicatorResult(models.Model):
    """One published figure: an indicator in one domain of one round (shared contract)."""

    indicator = models.CharField(max_length=60)
    source = models.CharField(max_length=12, choices=Source.choices)
    round = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    by = models.CharField(max_length=20)
    domain = models.CharField(max_length=20)
    estimate = models.FloatField(null=True)
    se = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    deff = models.FloatField(null=True)
    n_unweighted = models.IntegerField(default=0)
    n_weighted = models.FloatField(null=True)
    flag = models.CharField(max_length=4, blank=True)

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "indicator", "by", "domain"], name="dashboards_result_unique"
            )
        ]
        indexes = [
            # explorer: one indicator, one disaggregation, every round (trend) or one round
            models.Index(fields=["indicator", "by", "round"], name="dashboards_result_ind_by"),
            # scorecard: one province (by="province", domain=code) across indicators
            models.Index(fields=["by", "domain", "indicator"], name="dashboards_result_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.round} {self.by}={self.domain}"
