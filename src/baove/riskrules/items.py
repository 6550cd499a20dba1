"""The screening checklist: one item per sign or circumstance, each with a stable code.

Codes never change meaning once released (screenings store answers by code, and rules files
refer to them). Labels are bilingual here because this package does not use Django and its
translation machinery; the Django app shows the label of the active language.

The items cover the groups of children in special circumstances of the Law on Children 2016,
Article 10 (``category`` names the ``baove.cases.vocab.Category`` value, where one applies),
and the signs of risk that prevention work looks for before a child falls into one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AnswerType = Literal["yes_no", "choice"]

#: Answers of a ``yes_no`` item: True (yes), False (no); None or absent means not known.
YES_NO = "yes_no"
CHOICE = "choice"


@dataclass(frozen=True)
class Option:
    """One answer of a ``choice`` item, least to most serious in :attr:`Item.options`."""

    value: str
    label_en: str
    label_vi: str


@dataclass(frozen=True)
class Item:
    """One question of the checklist.

    Attributes:
        code: Stable identifier (answers and rules use it).
        label_en: The question in English.
        label_vi: The question in Vietnamese.
        answer_type: ``yes_no`` (True/False/None) or ``choice`` (one of ``options``).
        options: For ``choice`` items, the allowed answers, least to most serious.
        category: The Law on Children Art. 10 group it points to, if any.
    """

    code: str
    label_en: str
    label_vi: str
    answer_type: AnswerType = "yes_no"
    options: tuple[Option, ...] = ()
    category: str = ""

    def label(self, lang: str) -> str:
        """The label in ``lang`` (``vi`` or anything else for English)."""
        return self.label_vi if lang.startswith("vi") else self.label_en

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed values of a ``choice`` item (empty for ``yes_no``)."""
        return tuple(o.value for o in self.options)


def _yn(code: str, en: str, vi: str, category: str = "") -> Item:
    return Item(code, en, vi, "yes_no", (), category)


#: The checklist, in the order the form shows it.
CHECKLIST: tuple[Item, ...] = (
    _yn(
        "immediate_danger",
        "The child is in immediate danger now",
        "Trẻ đang gặp nguy hiểm ngay lúc này",
    ),
    _yn(
        "violence_signs",
        "Signs of physical or emotional violence against the child",
        "Có dấu hiệu trẻ bị bạo lực về thể chất hoặc tinh thần",
        "art10_09",
    ),
    _yn(
        "sexual_abuse_signs",
        "Signs of sexual abuse",
        "Có dấu hiệu trẻ bị xâm hại tình dục",
        "art10_11",
    ),
    _yn(
        "domestic_violence",
        "Violence between adults in the household",
        "Có bạo lực giữa người lớn trong gia đình",
    ),
    _yn(
        "neglect",
        "Neglect (not fed, supervised or cared for when ill)",
        "Trẻ bị bỏ mặc (không được cho ăn, trông nom hoặc chăm sóc khi ốm)",
    ),
    _yn(
        "self_harm",
        "The child talks of or shows self-harm or suicide",
        "Trẻ nói đến hoặc có hành vi tự gây thương tích, tự tử",
    ),
    _yn(
        "out_of_school",
        "School-age child not attending school",
        "Trẻ trong độ tuổi đi học nhưng không đi học",
    ),
    _yn(
        "child_labour",
        "Child labour (works to earn a living or does heavy or hazardous work)",
        "Lao động trẻ em (làm việc để kiếm sống hoặc làm việc nặng nhọc, nguy hiểm)",
        "art10_08",
    ),
    _yn(
        "exploitation",
        "Exploited (labour, sexual or commercial exploitation)",
        "Trẻ bị bóc lột (sức lao động, tình dục hoặc vì mục đích thương mại)",
        "art10_10",
    ),
    _yn(
        "trafficking",
        "Trafficked, or signs of being prepared for trafficking",
        "Trẻ bị mua bán hoặc có dấu hiệu bị dụ dỗ để mua bán",
        "art10_12",
    ),
    _yn(
        "street_child",
        "Lives or works on the street",
        "Trẻ sống hoặc làm việc trên đường phố",
    ),
    _yn(
        "early_marriage",
        "Married, or about to be married, before 18",
        "Trẻ đã kết hôn hoặc sắp bị tảo hôn",
    ),
    _yn(
        "disability_unsupported",
        "Disability without the support or services the child needs",
        "Trẻ khuyết tật không được hỗ trợ hoặc dịch vụ cần thiết",
        "art10_04",
    ),
    _yn(
        "serious_illness",
        "Serious or long-term illness",
        "Trẻ mắc bệnh hiểm nghèo hoặc phải điều trị dài ngày",
        "art10_13",
    ),
    _yn(
        "hiv",
        "Living with or affected by HIV/AIDS",
        "Trẻ nhiễm hoặc bị ảnh hưởng bởi HIV/AIDS",
        "art10_05",
    ),
    _yn(
        "child_drug_use",
        "The child uses drugs",
        "Trẻ sử dụng ma túy",
        "art10_07",
    ),
    _yn(
        "conflict_with_law",
        "In conflict with the law",
        "Trẻ vi phạm pháp luật",
        "art10_06",
    ),
    _yn(
        "caregiver_drug_use",
        "A parent or caregiver uses drugs",
        "Cha, mẹ hoặc người chăm sóc sử dụng ma túy",
    ),
    _yn(
        "caregiver_imprisoned",
        "A parent or caregiver is in prison or detention",
        "Cha, mẹ hoặc người chăm sóc đang chấp hành án phạt tù hoặc bị tạm giam",
    ),
    _yn(
        "parent_dead",
        "One parent has died",
        "Trẻ mồ côi cha hoặc mẹ",
    ),
    _yn(
        "orphan",
        "Both parents have died",
        "Trẻ mồ côi cả cha và mẹ",
        "art10_01",
    ),
    _yn("abandoned", "Abandoned", "Trẻ bị bỏ rơi", "art10_02"),
    _yn(
        "no_caregiver",
        "Nobody to rely on (no adult cares for the child)",
        "Trẻ không nơi nương tựa (không có người lớn chăm sóc)",
        "art10_03",
    ),
    _yn(
        "left_behind",
        "Parents migrated for work; the child is left behind",
        "Cha mẹ đi làm ăn xa, trẻ ở nhà (trẻ bị bỏ lại)",
    ),
    _yn(
        "migrant_unaccompanied",
        "Migrant, asylum-seeking or refugee child without identified parents or caregiver",
        "Trẻ di cư, xin tị nạn hoặc tị nạn chưa xác định được cha mẹ hoặc người chăm sóc",
        "art10_14a",
    ),
    Item(
        "poverty",
        "Household poverty status",
        "Tình trạng nghèo của hộ gia đình",
        "choice",
        (
            Option("no", "Not poor", "Không nghèo"),
            Option("near_poor", "Near-poor household", "Hộ cận nghèo"),
            Option("poor", "Poor household", "Hộ nghèo"),
        ),
        "art10_13",
    ),
    _yn(
        "disaster_affected",
        "Affected by a natural disaster or emergency (flood, storm, landslide)",
        "Bị ảnh hưởng bởi thiên tai hoặc tình huống khẩn cấp (lũ lụt, bão, sạt lở)",
    ),
)

#: The checklist by code.
ITEMS: dict[str, Item] = {item.code: item for item in CHECKLIST}
