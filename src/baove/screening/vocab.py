"""Kinds of screening."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningKind(models.TextChoices):
    INTAKE = "intake", _("At intake")
    PERIODIC = "periodic", _("Periodic review")
    PROACTIVE = "proactive", _("Home visit after proactive screening")
