"""Synthetic multi-source benchmark for record linkage, with ground truth.

True children are drawn first (names from :mod:`baove.synth.names`, a home commune among the
real old communes and the 2025 commune it became, a caregiver with a phone number). Each
source then holds an overlapping subset of them, written in its own column layout and with
the errors its kind of register makes:

========================  ==========================================================
birth_registry            separate name parts, ``dd/mm/yyyy``, 2025 commune codes,
                          ID number for most, few errors
health_insurance          one full-name column, ISO dates, *old* commune codes, 1/2 for
                          sex, estimated dates written as 1 January, phone numbers
school_enrolment          children aged 5+, full names often in capitals, ``dd-mm-yyyy``,
                          day-month swaps, a mix of old and new commune codes
ngo_beneficiaries         English headers, diacritics often lost, parts typed into the
                          wrong column, estimated dates ("khoảng 2015", "~2015",
                          "03/2015", Excel serials), old commune codes
========================  ==========================================================

Errors drawn per record: diacritics lost (whole record or some words), old/new tone
placement (hoà/hòa), name order swapped, Huỳnh/Hoàng and Vũ/Võ, one-edit typos, middle
name dropped, estimated birth dates, day-month swaps, wrong day, mistyped ID numbers,
another caregiver's name or phone, and duplicates within a source. Everything is drawn
from ``random.Random`` seeded from ``seed``, so a seed gives the same data every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
import unicodedata

import pandas as pd

from baove.linkage.communes import tables as commune_tables
from baove.synth import data
from baove.synth.names import random_name
from baove.synth.tables import table

__all__ = ["SOURCE_KINDS", "LinkageBenchmark", "generate_sources"]

_TODAY = dt.date(2025, 10, 1)  # fixed, so a seed gives the same ages whenever it runs
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_TYPO_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_REGIONAL = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}
_CATEGORIES = ("Hộ nghèo", "Hộ cận nghèo", "Khuyết tật", "Mồ côi", "Lao động sớm", "Bỏ học")


@dataclasses.dataclass(frozen=True)
class _Kind:
    """How one kind of source samples children and spoils their records (rates per record)."""

    name: str
    key_prefix: str
    coverage: float
    min_age: int
    duplicates: float
    strip_all: float
    strip_word: float
    tone: float
    order_swap: float
    regional: float
    typo: float
    drop_middle: float
    estimated: float
    swap_day_month: float
    wrong_day: float
    legacy_commune: float
    id_present: float
    id_typo: float
    phone: float
    other_caregiver: float


#: The four kinds of source, in the order :func:`generate_sources` uses them.
SOURCE_KINDS: tuple[_Kind, ...] = (
    _Kind("birth_registry", "KS", 0.92, 0, 0.003, 0.0, 0.01, 0.05, 0.0, 0.01, 0.01, 0.005,
          0.01, 0.003, 0.003, 0.0, 0.85, 0.005, 0.0, 0.05),
    _Kind("health_insurance", "TE", 0.85, 0, 0.01, 0.05, 0.05, 0.3, 0.02, 0.05, 0.03, 0.03,
          0.05, 0.01, 0.01, 1.0, 0.6, 0.01, 0.7, 0.15),
    _Kind("school_enrolment", "HS", 0.8, 5, 0.01, 0.1, 0.05, 0.2, 0.0, 0.1, 0.03, 0.05,
          0.02, 0.03, 0.01, 0.3, 0.0, 0.0, 0.8, 0.2),
    _Kind("ngo_beneficiaries", "NGO", 0.3, 0, 0.04, 0.4, 0.1, 0.1, 0.05, 0.1, 0.05, 0.1,
          0.25, 0.02, 0.03, 1.0, 0.2, 0.03, 0.9, 0.2),
)  # fmt: skip


@dataclasses.dataclass
class LinkageBenchmark:
    """Sources with their column roles and the truth.

    Attributes:
        sources: Source name -> records (every column text, missing as NA).
        roles: Source name -> column -> role (for :func:`baove.linkage.standardise`).
        id_columns: Source name -> the column holding the record key.
        date_formats: Source name -> ``strptime`` format of its full birth dates.
        truth: ``record_id`` (``"<source>:<key>"``) -> ``child_id``.
        children: The true children (one row each, correct values).
    """

    sources: dict[str, pd.DataFrame]
    roles: dict[str, dict[str, str]]
    id_columns: dict[str, str]
    date_formats: dict[str, str]
    truth: pd.DataFrame
    children: pd.DataFrame

    def standardised(self) -> list[pd.DataFrame]:
        """Return every source through :func:`baove.linkage.standardise`, with its roles."""
        from baove.linkage.standardise import standardise

        return [
            standardise(
                frame,
                self.roles[name],
                source=name,
                id_column=self.id_columns[name],
                date_format=self.date_formats[name],
            )
            for name, frame in self.sources.items()
        ]


@dataclasses.dataclass(frozen=True)
class _Child:
    child_id: str
    sex: str
    family: str
    middle: str
    given: str
    birth: dt.date
    old_commune: str
    new_commune: str
    id_number: str
    caregiver: str
    other_caregiver: str
    phone: str
    other_phone: str
    hamlet: str


# ---------------------------------------------------------------- spelling errors
@functools.cache
def _strip(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


@functools.cache
def _tone_variant(word: str) -> str:
    """Move the tone mark between the vowels of a final oa/oe/uy (hoà <-> hòa)."""
    letters = list(unicodedata.normalize("NFD", word))
    tone = next((i for i, ch in enumerate(letters) if ch in _TONE_MARKS), None)
    base = [ch for ch in letters if ch not in _TONE_MARKS]
    plain = "".join(base).lower()
    if tone is None or plain[-2:] not in ("oa", "oe", "uy"):
        return word
    mark = letters[tone]
    # The mark sits after the first vowel (old style) or after the last (new style).
    on_last = tone == len(letters) - 1
    insert_at = len(base) - 1 if on_last else len(base)
    base.insert(insert_at, mark)
    return unicodedata.normalize("NFC", "".join(base))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 2:
        return word
    i = rng.randrange(1, len(word))  # keep the first letter: people rarely get it wrong
    op = rng.randrange(4)
    letter = _TYPO_LETTERS[rng.randrange(len(_TYPO_LETTERS))]
    if op == 0 and len(word) > 2:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + letter + word[i:]
    if op == 2:
        return word[:i] + letter + word[i + 1 :]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + letter + word[i + 1 :]


def _spoil_name(rng: random.Random, kind: _Kind, parts: list[str]) -> list[str]:
    """Apply the kind's name errors to ``[family, middle, given]`` (NFC)."""
    rnd = rng.random
    family, middle, given = parts
    if family in _REGIONAL and rnd() < kind.regional:
        family = _REGIONAL[family]
    if middle and rnd() < kind.drop_middle:
        middle = ""
    out = [family, middle, given]
    if rnd() < kind.typo:
        k = rng.choice([j for j in (0, 2, 1) if out[j]])
        words = out[k].split(" ")
        w = rng.randrange(len(words))
        words[w] = _typo(rng, words[w])
        out[k] = " ".join(words)
    if rnd() < kind.tone:
        out = [" ".join(_tone_variant(w) for w in p.split(" ")) if p else p for p in out]
    if rnd() < kind.strip_all:
        out = [_strip(p) for p in out]
    elif rnd() < kind.strip_word:
        out = [" ".join(_strip(w) if rnd() < 0.5 else w for w in p.split(" ")) for p in out]
    return out


# ---------------------------------------------------------------- dates and numbers
def _spoil_date(rng: random.Random, kind: _Kind, birth: dt.date) -> tuple[dt.date, bool]:
    """Return the date the source holds and whether only its year is known."""
    rnd = rng.random
    if rnd() < kind.estimated:
        return dt.date(birth.year, 1, 1), True
    if rnd() < kind.swap_day_month and birth.day <= 12 and birth.day != birth.month:
        return dt.date(birth.year, birth.day, birth.month), False
    if rnd() < kind.wrong_day:
        day = min(max(birth.day + rng.choice((-3, -2, -1, 1, 2, 3)), 1), 28)
        return birth.replace(day=day), False
    return birth, False


def _ngo_date(rng: random.Random, date: dt.date, year_only: bool) -> str:
    if year_only:
        return rng.choice((f"{date.year}", f"khoảng {date.year}", f"~{date.year}"))
    r = rng.random()
    if r < 0.15:
        return f"{date.month:02d}/{date.year}"
    if r < 0.3:
        return str((date - _EXCEL_EPOCH).days)
    return date.strftime("%d/%m/%Y")


def _id_number(rng: random.Random, old_province: str, sex: str, year: int) -> str:
    century_sex = 2 * ((year - 1900) // 100) + (1 if sex == "F" else 0)
    return f"0{old_province}{century_sex}{year % 100:02d}{rng.randrange(1_000_000):06d}"


def _mistype(rng: random.Random, digits: str) -> str:
    i = rng.randrange(len(digits) - 1)
    if rng.random() < 0.5:
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
    return digits[:i] + str((int(digits[i]) + rng.randrange(1, 10)) % 10) + digits[i + 1 :]


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice('35789')}{rng.randrange(100_000_000):08d}"


def _format_phone(rng: random.Random, phone: str) -> str:
    r = rng.random()
    if r < 0.15:
        return f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}"
    if r < 0.25:
        return f"{phone[:4]}.{phone[4:7]}.{phone[7:]}"
    if r < 0.35:
        return phone[1:]  # a spreadsheet dropped the leading zero
    return phone


# ---------------------------------------------------------------- true children
def _commune_choices() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """2025 province -> its old communes with their 2025 candidates."""
    t = commune_tables()
    by_province: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for old, new in sorted(t.old_to_new.items()):
        if new:
            by_province.setdefault(t.new_province[new[0]], []).append((old, new))
    return by_province


def _draw_children(rng: random.Random, n: int) -> list[_Child]:
    provinces = list(data.PROVINCE_POPULATION)
    province_tbl = table(provinces, list(data.PROVINCE_POPULATION.values()))
    communes = _commune_choices()
    t = commune_tables()
    ethnic = {
        p: table(list(mix), list(mix.values()))
        for p in provinces
        for mix in (data.PROVINCE_ETHNIC_MIX.get(p, data.DEFAULT_ETHNIC_MIX),)
    }
    hamlets = data.HAMLET_NAMES
    children: list[_Child] = []
    bits, rnd = rng.getrandbits, rng.random
    for i in range(n):
        province = province_tbl[bits(16)]
        ethnicity = ethnic[province][bits(16)]
        sex = "F" if rnd() < 0.487 else "M"
        family, middle, given = random_name(rng, sex, province_code=province, ethnicity=ethnicity)
        birth = _TODAY - dt.timedelta(days=rng.randrange(18 * 365 - 30))
        old, new = communes[province][rng.randrange(len(communes[province]))]
        mother = random_name(rng, "F", province_code=province, ethnicity=ethnicity, adult=True)
        father_given = random_name(rng, "M", province_code=province, adult=True)
        father = (family, father_given[1], father_given[2])
        carers = [" ".join(p for p in mother if p), " ".join(p for p in father if p)]
        if rnd() < 0.3:
            carers.reverse()
        children.append(
            _Child(
                child_id=f"C{i + 1:07d}",
                sex=sex,
                family=family,
                middle=middle,
                given=given,
                birth=birth,
                old_commune=old,
                new_commune=new[rng.randrange(len(new))],
                id_number=_id_number(rng, t.old_province[old], sex, birth.year),
                caregiver=carers[0],
                other_caregiver=carers[1],
                phone=_phone(rng),
                other_phone=_phone(rng),
                hamlet=hamlets[rng.randrange(len(hamlets))],
            )
        )
    return children


# ---------------------------------------------------------------- one source
_LAYOUTS: dict[str, dict[str, str]] = {
    "birth_registry": {
        "so_dang_ky": "ignore", "ho": "family", "chu_dem": "middle", "ten": "given",
        "ngay_sinh": "birth_date", "gioi_tinh": "sex", "so_dinh_danh": "identifier",
        "ma_xa": "commune", "dia_chi": "address", "ho_ten_me_cha": "caregiver_name",
    },
    "health_insurance": {
        "ma_the": "ignore", "ho_ten": "full_name", "ngay_sinh": "birth_date",
        "gioi_tinh": "sex", "so_cccd": "identifier", "ma_xa_cu": "commune",
        "dien_thoai": "phone", "nguoi_giam_ho": "caregiver_name",
    },
    "school_enrolment": {
        "ma_hoc_sinh": "ignore", "ho_va_ten": "full_name", "ngay_sinh": "birth_date",
        "gioi": "sex", "ma_xa": "commune", "phu_huynh": "caregiver_name",
        "sdt_phu_huynh": "phone", "lop": "ignore",
    },
    "ngo_beneficiaries": {
        "beneficiary_no": "ignore", "family_name": "family", "middle_name": "middle",
        "first_name": "given", "dob": "birth_date", "gender": "sex", "national_id": "identifier",
        "commune_code": "commune", "phone": "phone", "caregiver": "caregiver_name",
        "category": "category",
    },
}  # fmt: skip
_DATE_FORMATS = {
    "birth_registry": "%d/%m/%Y",
    "health_insurance": "%Y-%m-%d",
    "school_enrolment": "%d-%m-%Y",
    "ngo_beneficiaries": "%d/%m/%Y",
}


def _record(rng: random.Random, kind: _Kind, c: _Child) -> list[str | None]:
    """One record of ``c`` in ``kind``'s layout (without its key), values as text."""
    rnd = rng.random
    family, middle, given = _spoil_name(rng, kind, [c.family, c.middle, c.given])
    date, year_only = _spoil_date(rng, kind, c.birth)
    commune = c.old_commune if rnd() < kind.legacy_commune else c.new_commune
    id_number: str | None = None
    if rnd() < kind.id_present:
        id_number = _mistype(rng, c.id_number) if rnd() < kind.id_typo else c.id_number
    other = rnd() < kind.other_caregiver
    carer = c.other_caregiver if other else c.caregiver
    carer = _strip(carer) if rnd() < max(kind.strip_all, 0.02) else carer
    phone = None
    if rnd() < kind.phone:
        phone = _format_phone(rng, c.other_phone if other else c.phone)
    female = c.sex == "F"
    if kind.name == "birth_registry":
        sex = "Nữ" if female else "Nam"
        return [family, middle or None, given, date.strftime("%d/%m/%Y"), sex, id_number,
                commune, f"Thôn {c.hamlet}", carer]  # fmt: skip
    if kind.name in ("health_insurance", "school_enrolment"):
        words = [family, middle, given]
        if rnd() < kind.order_swap:
            words = [given, family, middle]
        full = " ".join(w for w in words if w)
        if kind.name == "health_insurance":
            return [full, date.isoformat(), "2" if female else "1", id_number,
                    commune, phone, carer]  # fmt: skip
        if rnd() < 0.5:
            full = full.upper()
        grade = f"{min(max(_TODAY.year - c.birth.year - 5, 1), 12)}A{rng.randrange(1, 6)}"
        return [full, date.strftime("%d-%m-%Y"), "Nữ" if female else "Nam", commune, carer,
                phone, grade]  # fmt: skip
    if rnd() < kind.order_swap:
        family, given = given, family
    return [family, middle or None, given, _ngo_date(rng, date, year_only),
            "F" if female else "M", id_number, commune, phone, carer,
            _CATEGORIES[rng.randrange(len(_CATEGORIES))]]  # fmt: skip


def _source(
    rng: random.Random, kind: _Kind, name: str, children: list[_Child]
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    rnd = rng.random
    chosen = [
        c
        for c in children
        if (_TODAY - c.birth).days >= kind.min_age * 365 and rnd() < kind.coverage
    ]
    # A few children are entered twice, each time with fresh errors.
    chosen += [c for c in chosen if rnd() < kind.duplicates]
    rng.shuffle(chosen)
    columns = list(_LAYOUTS[kind.name])
    rows: list[list[str | None]] = []
    truth: list[tuple[str, str]] = []
    width = max(len(str(len(chosen))), 6)
    for number, c in enumerate(chosen, start=1):
        key = f"{kind.key_prefix}{number:0{width}d}"
        rows.append([key, *_record(rng, kind, c)])
        truth.append((f"{name}:{key}", c.child_id))
    frame = pd.DataFrame(rows, columns=columns, dtype="str")
    return frame, truth


def generate_sources(n_children: int, n_sources: int = 4, seed: int = 0) -> LinkageBenchmark:
    """Draw ``n_children`` true children and ``n_sources`` sources that list them.

    Args:
        n_children: How many true children.
        n_sources: How many sources; the four kinds of :data:`SOURCE_KINDS` are used in
            turn (a fifth source is a second birth registry named ``birth_registry_2``).
        seed: Random seed; the same arguments give the same benchmark.

    Returns:
        A :class:`LinkageBenchmark`.

    Raises:
        ValueError: If ``n_children`` is negative or ``n_sources`` below 1.
    """
    if n_children < 0 or n_sources < 1:
        raise ValueError("n_children must be >= 0 and n_sources >= 1")
    rng = random.Random(f"linkage-children:{seed}")
    children = _draw_children(rng, n_children)
    sources: dict[str, pd.DataFrame] = {}
    roles: dict[str, dict[str, str]] = {}
    id_columns: dict[str, str] = {}
    date_formats: dict[str, str] = {}
    truth: list[tuple[str, str]] = []
    for k in range(n_sources):
        kind = SOURCE_KINDS[k % len(SOURCE_KINDS)]
        name = kind.name if k < len(SOURCE_KINDS) else f"{kind.name}_{k // len(SOURCE_KINDS) + 1}"
        frame, source_truth = _source(
            random.Random(f"linkage-source:{seed}:{k}"), kind, name, children
        )
        sources[name] = frame
        roles[name] = dict(_LAYOUTS[kind.name])
        id_columns[name] = frame.columns[0]
        date_formats[name] = _DATE_FORMATS[kind.name]
        truth.extend(source_truth)
    truth_frame = pd.DataFrame(truth, columns=["record_id", "child_id"], dtype="str")
    children_frame = pd.DataFrame(
        [dataclasses.astuple(c) for c in children],
        columns=[f.name for f in dataclasses.fields(_Child)],
    )
    return LinkageBenchmark(sources, roles, id_columns, date_formats, truth_frame, children_frame)
