"""Real time: "this child may already be known" at intake, on the case page and in the API.

:func:`find_candidates` standardises what the worker typed, fetches the linked records
that share a blocking key with it (SQL over indexed keys, each lookup behind the user's
scope), scores them in Python with the trained model (:mod:`baove.matching.scoring`,
which reproduces Splink's match weights) and explains each candidate in words.

Why not Splink's own real-time calls: ``linker.inference.compare_two_records`` and
``find_matches_to_new_records`` register tables and run a DuckDB query per call, which
costs far more than the 50 ms budget before a single record is compared
(``bench/bench_matching.py`` measures it). The model's arithmetic is simple; only its
parameters come from Splink.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, require, scope_of
from baove.audit.log import record
from baove.core.errors import ValidationFailed
from baove.core.text import has_control_chars
from baove.geo import cache as geo_cache
from baove.linkage.standardise import normalise_id_number
from baove.matching.models import LinkageBatch, LinkedRecord, TermFrequency
from baove.matching.scoring import Evidence, Model, load_model
from baove.matching.standard import FIELDS, as_record, standard_fields

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = [
    "MIN_PROBABILITY",
    "Candidate",
    "current_model",
    "explain",
    "find_candidates",
    "scope_filter",
]

#: Candidates below this match probability are not shown (they only share a common name).
MIN_PROBABILITY = 0.2
#: Rows fetched per blocking key at most; a block this large is a very common name.
BLOCK_LIMIT = 300
MAX_LIMIT = 50
DEFAULT_MODEL = Path(__file__).parent / "data" / "default_model.json"

# What each comparison level means, in words a social worker reads. Keys are the
# comparison's output name and the level's label in the model (``baove.linkage.model``);
# "jw" stands for every Jaro-Winkler level.
_LEVEL_TEXT: dict[tuple[str, str], Promise] = {
    ("given_name", "exact"): _("same given name"),
    ("given_name", "same name in another order"): _("same name written in another order"),
    ("given_name", "one edit apart"): _("given name one letter apart"),
    ("given_name", "jw"): _("similar given name"),
    ("given_name", "different"): _("different given name"),
    ("family_name", "exact"): _("same family name"),
    ("family_name", "regional variant (Huỳnh/Hoàng, Vũ/Võ)"): _(
        "regional variant of the family name (Huỳnh/Hoàng, Vũ/Võ)"
    ),
    ("family_name", "same name in another order"): _("same name written in another order"),
    ("family_name", "jw"): _("similar family name"),
    ("family_name", "different"): _("different family name"),
    ("middle_name", "exact"): _("same middle name"),
    ("middle_name", "one edit apart"): _("middle name one letter apart"),
    ("middle_name", "jw"): _("similar middle name"),
    ("middle_name", "different"): _("different middle name"),
    ("birth_date", "exact date"): _("same birth date"),
    ("birth_date", "day and month swapped"): _("birth date day/month swapped"),
    ("birth_date", "same year and month"): _("same month and year of birth"),
    ("birth_date", "same year"): _("same year of birth"),
    ("birth_date", "within one year"): _("born one year apart"),
    ("birth_date", "different"): _("different birth date"),
    ("sex", "same"): _("same sex"),
    ("sex", "different"): _("different sex"),
    ("id_number", "exact"): _("same ID number"),
    ("id_number", "one edit apart"): _("ID number one digit apart"),
    ("id_number", "different"): _("different ID number"),
    ("place", "same commune"): _("same commune"),
    ("place", "possibly the same commune"): _("possibly the same commune (a former commune split)"),
    ("place", "same province"): _("different commune in the same province"),
    ("place", "different"): _("different province"),
    ("phone", "exact"): _("same phone number"),
    ("phone", "one edit apart"): _("phone number one digit apart"),
    ("phone", "different"): _("different phone number"),
    ("caregiver_name", "exact"): _("same caregiver name"),
    ("caregiver_name", "jw"): _("similar caregiver name"),
    ("caregiver_name", "different"): _("different caregiver name"),
}


def level_text(comparison: str, label: str) -> str:
    """Return the words for one field's comparison level (the label itself if unknown)."""
    key = "jw" if label.startswith("Jaro-Winkler") else label
    text = _LEVEL_TEXT.get((comparison, key))
    return str(text) if text is not None else f"{comparison}: {label}"


@dataclass(frozen=True)
class FieldEvidence:
    """One field's part in a candidate's score, in words."""

    comparison: str
    label: str
    text: str
    weight: float
    agrees: bool


def explain(evidence: tuple[Evidence, ...]) -> list[FieldEvidence]:
    """Turn a score's evidence into words; fields unknown on either side are left out."""
    out = []
    for item in evidence:
        if item.gamma < 0:
            continue
        out.append(
            FieldEvidence(
                item.comparison,
                item.label,
                level_text(item.comparison, item.label),
                round(item.weight, 3),
                item.weight > 0,
            )
        )
    return out


@dataclass(frozen=True)
class Candidate:
    """A linked record that may be the same child, with its score and the reasons."""

    record: LinkedRecord
    match_probability: float
    match_weight: float
    evidence: list[FieldEvidence]

    @property
    def explanation(self) -> str:
        """The agreeing fields in one line ("same given name, same birth date, ...")."""
        return ", ".join(e.text for e in self.evidence if e.agrees)

    @property
    def differences(self) -> str:
        """The disagreeing fields in one line."""
        return ", ".join(e.text for e in self.evidence if not e.agrees)


@lru_cache(maxsize=4)
def _compiled(batch_id: int | None) -> tuple[Model, dict[str, Any]]:
    if batch_id is None:
        raw = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    else:
        raw = LinkageBatch.objects.values_list("model", flat=True).get(pk=batch_id)
    return load_model(raw), raw


def current_model() -> Model:
    """The model of the last imported batch (the bundled synthetic one before any import)."""
    latest = LinkageBatch.objects.order_by("-pk").values_list("pk", flat=True).first()
    return _compiled(latest)[0]


def _clean_name(errors: dict[str, list[str | Promise]], name: str, value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > 80:
        errors.setdefault(name, []).append(_("This name is too long."))
    elif has_control_chars(text):
        errors.setdefault(name, []).append(_("This contains characters that are not allowed."))
    return text


def _query(
    *,
    family: Any,
    middle: Any,
    given: Any,
    birth_date: Any,
    sex: Any,
    commune: Any,
    id_number: Any,
) -> dict[str, Any]:
    errors: dict[str, list[str | Promise]] = {}
    fam = _clean_name(errors, "family_name", family)
    mid = _clean_name(errors, "middle_name", middle)
    giv = _clean_name(errors, "given_name", given)
    born: dt.date | str | None = None
    if isinstance(birth_date, dt.date):
        born = birth_date
    elif birth_date not in (None, ""):
        text = str(birth_date).strip()
        if len(text) > 40 or has_control_chars(text):
            errors.setdefault("birth_date", []).append(_("Enter a date such as 25/12/2015."))
        else:
            born = text
    sex_text = "" if sex is None else str(sex).strip().upper()
    if sex_text not in ("", "M", "F"):
        errors.setdefault("sex", []).append(_("Choose one of the listed options."))
    commune_code = "" if commune is None else str(commune).strip()
    province = ""
    if commune_code:
        try:
            province = geo_cache.commune(commune_code).province_id
        except KeyError:
            errors.setdefault("commune", []).append(_("Choose one of the listed options."))
    id_text = "" if id_number is None else str(id_number).strip()
    valid_id = normalise_id_number(id_text) if id_text else None
    if id_text and (valid_id is None or len(id_text) > 20):
        errors.setdefault("id_number", []).append(
            _("Enter the 12-digit personal identification number.")
        )
    if not giv and not id_text and not errors:
        errors["given_name"] = [_("Give at least the given name or the ID number.")]
    if errors:
        raise ValidationFailed(errors)
    fields = standard_fields(
        family=fam,
        middle=mid,
        given=giv,
        birth_date=born,
        sex=sex_text,
        id_number=valid_id or "",
        commune=commune_code,
        province=province,
    )
    if born is not None and fields["birth_year"] is None:
        raise ValidationFailed({"birth_date": [_("Enter a date such as 25/12/2015.")]})
    return fields


def scope_filter(user: User) -> dict[str, str] | None:
    """The linked records ``user`` may see as a filter (None: none at all).

    Commune officers see their commune's records, province managers their province's;
    every other role sees none (they never read named records of children).
    """
    scope = scope_of(user)
    if scope is Scope.COMMUNE and user.commune_id:
        province = geo_cache.commune(user.commune_id).province_id
        return {"province": province, "commune": user.commune_id}
    if scope is Scope.PROVINCE and user.province_id:
        return {"province": user.province_id}
    return None


def _blocks(query: dict[str, Any]) -> list[dict[str, Any]]:
    # Each block is one index range (the province comes first in every index): the
    # errors one key misses, another catches (typo in a name: the exact date; swapped
    # order: the sorted name; a new name: the ID number).
    blocks: list[dict[str, Any]] = []
    if query["id_number"]:
        blocks.append({"id_number": query["id_number"]})
    given, year = query["given_name"], query["birth_year"]
    if given and year is not None:
        blocks.append({"given_name": given, "birth_year": year})
    if given and query["family_name_canon"]:
        blocks.append({"family_name_canon": query["family_name_canon"], "given_name": given})
    if query["name_sorted"]:
        blocks.append({"name_sorted": query["name_sorted"]})
    for date in (query["birth_date"], query["birth_date_swapped"]):
        if date:
            blocks.append({"birth_date": date})
    return blocks


_COLUMNS = (
    "id",
    "record_id",
    "source",
    "source_record_id",
    "cluster_id",
    "child_id",
    "display_name",
    "display_birth_date",
    *FIELDS,
)


def _fetch(scope: dict[str, str], blocks: list[dict[str, Any]]) -> list[LinkedRecord]:
    seen: dict[int, LinkedRecord] = {}
    for block in blocks:
        rows = LinkedRecord.objects.filter(**scope, **block).only(*_COLUMNS)[:BLOCK_LIMIT]
        for row in rows:
            seen.setdefault(row.pk, row)
    return list(seen.values())


def _tf_lookup(model: Model, query: dict[str, Any]) -> dict[tuple[str, Any], float]:
    # Term-frequency levels are exact matches, so only the query's own values matter.
    wanted = {(c, query[c]) for c in model.tf_columns if query.get(c)}
    if not wanted:
        return {}
    rows = TermFrequency.objects.filter(
        column__in={c for c, _v in wanted}, value__in={v for _c, v in wanted}
    ).values_list("column", "value", "frequency")
    return {(c, v): f for c, v, f in rows if (c, v) in wanted}


def find_candidates(
    user: User,
    *,
    family: Any = "",
    middle: Any = "",
    given: Any = "",
    birth_date: Any = None,
    sex: Any = "",
    commune: Any = "",
    id_number: Any = "",
    limit: int = 10,
    exclude: str = "",
    case_id: int | None = None,
    child_id: int | None = None,
) -> list[Candidate]:
    """Find the linked records in ``user``'s scope that may be the child described.

    The search is audited (``match.search``) with the ids of the records shown.

    Args:
        user: Who searches; needs ``match.search``.
        family: Family name as typed (tones optional).
        middle: Middle name.
        given: Given name.
        birth_date: A date, or text (``25/12/2015``, ``12/2015``, ``2015``...).
        sex: ``M`` or ``F``.
        commune: The child's 2025 commune code.
        id_number: A 12-digit personal identification number.
        limit: Most candidates returned (1 to 50).
        exclude: A record id left out (the child's own registry record).
        case_id: The case the search is made from, for the audit log.
        child_id: The child the search is made for, for the audit log.

    Returns:
        Candidates with probability >= :data:`MIN_PROBABILITY`, best first.

    Raises:
        ActionNotAllowed: The role may not search.
        ValidationFailed: Unreadable input (field by field).
    """
    require(user, Perm.MATCH_SEARCH)
    query = _query(
        family=family,
        middle=middle,
        given=given,
        birth_date=birth_date,
        sex=sex,
        commune=commune,
        id_number=id_number,
    )
    limit = max(1, min(int(limit), MAX_LIMIT))
    scope = scope_filter(user)
    found: list[Candidate] = []
    if scope is not None:
        model = current_model()
        frequencies = _tf_lookup(model, query)

        def tf(column: str, value: Any) -> float | None:
            return frequencies.get((column, value))

        left = as_record(query)
        for row in _fetch(scope, _blocks(query)):
            if row.record_id == exclude:
                continue
            score = model.score(left, as_record(row), tf)
            if score.match_probability >= MIN_PROBABILITY:
                found.append(
                    Candidate(
                        row, score.match_probability, score.match_weight, explain(score.evidence)
                    )
                )
        found.sort(key=lambda c: (-c.match_weight, c.record.record_id))
        found = found[:limit]
    given_fields = sorted(
        name
        for name, value in (
            ("family", family), ("middle", middle), ("given", given), ("birth_date", birth_date),
            ("sex", sex), ("commune", commune), ("id_number", id_number),
        )
        if value not in (None, "")
    )  # fmt: skip
    record(
        user,
        "match.search",
        case_id=case_id,
        child_id=child_id,
        object_type="linked_record",
        details={"fields": given_fields, "results": [c.record.pk for c in found]},
    )
    return found
