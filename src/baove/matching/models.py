"""The index of linked records, the model it is scored with, and the clerical review queue.

A :class:`LinkedRecord` is one person record from one source (a birth registry, a school
list, our own registry as source ``baove``), with the standardised fields of
:mod:`baove.linkage.standardise` that real-time matching blocks and scores on, the cluster
(child) it was linked to in the last batch run, and its original name and birth date for
display. Rows are written only by :mod:`baove.matching.importer` and the registry indexer;
review decisions only by :mod:`baove.matching.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkageBatch(models.Model):
    """One imported ``baove link run`` output: the trained model and what was loaded."""

    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=300)
    # The Splink model (``model.json``): m and u per comparison level, lambda.
    model = models.JSONField()
    sources = models.JSONField(default=list)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("linkage batch")
        verbose_name_plural = _("linkage batches")


class LinkedRecord(models.Model):
    """One person record of one source, standardised for matching."""

    record_id = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=60)
    source_record_id = models.CharField(max_length=140)
    cluster_id = models.CharField(max_length=200, db_index=True)
    batch = models.ForeignKey(
        LinkageBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    # Our own registry's children (source ``baove``) point back to the child.
    child = models.ForeignKey(
        "registry.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Standardised (folded) values, as the linkage model compares them; "" when unknown.
    family_name = models.CharField(max_length=60, blank=True)
    middle_name = models.CharField(max_length=80, blank=True)
    given_name = models.CharField(max_length=60, blank=True)
    family_name_canon = models.CharField(max_length=60, blank=True)
    name_sorted = models.CharField(max_length=200, blank=True)
    birth_date = models.CharField(max_length=10, blank=True)  # ISO, when the day is known
    birth_date_swapped = models.CharField(max_length=10, blank=True)
    birth_year = models.SmallIntegerField(null=True, blank=True)
    birth_month = models.SmallIntegerField(null=True, blank=True)
    birth_precision = models.CharField(max_length=5, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    id_number = models.CharField(max_length=12, blank=True)
    commune = models.CharField(max_length=5, blank=True)  # 2025 code, when unambiguous
    # Every possible 2025 commune of a legacy code split in several: ",a,b,".
    commune_candidates = models.CharField(max_length=200, blank=True)
    province = models.CharField(max_length=2, blank=True)
    phone = models.CharField(max_length=11, blank=True)
    caregiver_name = models.CharField(max_length=150, blank=True)
    # Originals, for people to read.
    display_name = models.CharField(max_length=200, blank=True)
    display_birth_date = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        # The real-time blocking keys, each behind the scope column (province) that every
        # candidate search filters on first.
        indexes = [
            models.Index(fields=["id_number"], name="match_rec_id_number"),
            models.Index(fields=["province", "given_name", "birth_year"], name="match_rec_given"),
            models.Index(
                fields=["province", "family_name_canon", "given_name"], name="match_rec_family"
            ),
            models.Index(fields=["province", "name_sorted"], name="match_rec_sorted"),
            models.Index(fields=["province", "birth_date"], name="match_rec_born"),
            models.Index(fields=["source", "source_record_id"], name="match_rec_source"),
        ]

    def __str__(self) -> str:
        return self.record_id


class TermFrequency(models.Model):
    """How common a value is among the linked records (Splink's term-frequency tables)."""

    column = models.CharField(max_length=30)
    value = models.CharField(max_length=200)
    frequency = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["column", "value"], name="match_tf_unique"),
        ]


class ReviewStatus(models.TextChoices):
    """Where a pair stands in clerical review."""

    PENDING = "pending", _("Waiting for review")
    MATCH = "match", _("Same child")
    NON_MATCH = "non_match", _("Different children")
    UNSURE = "unsure", _("Unsure")


#: The decisions a reviewer can take (everything but ``pending``).
DECISIONS = (ReviewStatus.MATCH, ReviewStatus.NON_MATCH, ReviewStatus.UNSURE)


class ReviewPair(models.Model):
    """Two records the model could not decide on (between the review thresholds)."""

    record_l = models.ForeignKey(LinkedRecord, on_delete=models.CASCADE, related_name="+")
    record_r = models.ForeignKey(LinkedRecord, on_delete=models.CASCADE, related_name="+")
    # Denormalised from the records: the queue is read by province.
    province_l = models.CharField(max_length=2, blank=True)
    province_r = models.CharField(max_length=2, blank=True)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    levels = models.JSONField(default=dict)  # comparison -> level label, from review.parquet
    batch = models.ForeignKey(
        LinkageBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_l", "record_r"], name="match_pair_unique"),
        ]
        indexes = [
            models.Index(fields=["province_l", "status"], name="match_pair_prov_l"),
            models.Index(fields=["province_r", "status"], name="match_pair_prov_r"),
        ]


class ReviewDecision(models.Model):
    """One decision on a pair; a later decision replaces it, both are kept."""

    pair = models.ForeignKey(ReviewPair, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=ReviewStatus.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_role = models.CharField(max_length=30)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
