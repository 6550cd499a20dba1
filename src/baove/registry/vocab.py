"""Controlled vocabularies of the child registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Disability(models.TextChoices):
    NONE = "none", _("No disability")
    PHYSICAL = "physical", _("Physical")
    SENSORY = "sensory", _("Seeing or hearing")
    INTELLECTUAL = "intellectual", _("Intellectual")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    MULTIPLE = "multiple", _("Multiple")
    UNKNOWN = "unknown", _("Unknown")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Adult sibling")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    STEP_PARENT = "step_parent", _("Step-parent")
    FOSTER = "foster", _("Foster carer")
    GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", _("Other")


class PovertyStatus(models.TextChoices):
    NOT_POOR = "not_poor", _("Not poor")
    NEAR_POOR = "near_poor", _("Near-poor household")
    POOR = "poor", _("Poor household")
    UNKNOWN = "unknown", _("Unknown")


#: The 54 ethnic groups with the General Statistics Office codes (Decision 121-TCTK/PPCĐ).
#: Names are proper names and stay as written in Vietnamese in both languages.
ETHNICITIES: list[tuple[str, str]] = [
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khmer"),
    ("06", "Mường"), ("07", "Nùng"), ("08", "Hmông"), ("09", "Dao"), ("10", "Gia Rai"),
    ("11", "Ngái"), ("12", "Ê Đê"), ("13", "Ba Na"), ("14", "Xơ Đăng"), ("15", "Sán Chay"),
    ("16", "Cơ Ho"), ("17", "Chăm"), ("18", "Sán Dìu"), ("19", "Hrê"), ("20", "Mnông"),
    ("21", "Raglay"), ("22", "Xtiêng"), ("23", "Bru Vân Kiều"), ("24", "Thổ"), ("25", "Giáy"),
    ("26", "Cơ Tu"), ("27", "Gié Triêng"), ("28", "Mạ"), ("29", "Khơ Mú"), ("30", "Co"),
    ("31", "Tà Ôi"), ("32", "Chơ Ro"), ("33", "Kháng"), ("34", "Xinh Mun"), ("35", "Hà Nhì"),
    ("36", "Chu Ru"), ("37", "Lào"), ("38", "La Chí"), ("39", "La Ha"), ("40", "Phù Lá"),
    ("41", "La Hủ"), ("42", "Lự"), ("43", "Lô Lô"), ("44", "Chứt"), ("45", "Mảng"),
    ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"), ("49", "Bố Y"), ("50", "Si La"),
    ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ Đu"), ("54", "Rơ Măm"),
]  # fmt: skip
ETHNICITY_NAMES = dict(ETHNICITIES)
