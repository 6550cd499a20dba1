"""The generator: households, caregivers, children and their cases, in batches.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, household after
household, so the same arguments give the same rows whatever the batch size. Batches end on
a household boundary once they hold ``batch_size`` cases (a batch may hold a few more).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Container, Iterator, Sequence
from itertools import accumulate

from baove.registry.idnumber import OLD_PROVINCE_CODES
from baove.synth import data
from baove.synth.names import ETHNIC_FAMILY_P, pools, region_of
from baove.synth.rows import Batch, IdStart
from baove.synth.tables import table

__all__ = ["REFERENCE_ALPHABET", "generate", "iter_batches"]

#: Characters of the random part of a case reference (no 0/O, 1/I).
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_PAIRS = [a + b for a in REFERENCE_ALPHABET for b in REFERENCE_ALPHABET]  # 1,024 entries

_DAY = 86_400
_EPOCH_ORD = dt.date(1970, 1, 1).toordinal()
_MAX_AGE_DAYS = 18 * 365 - 190  # an estimated birth date still leaves the child under 18
_ALL_OLD_CODES = tuple(sorted(OLD_PROVINCE_CODES))
_STAGE = {status: i for i, status in enumerate(data.STATUSES)}
_PLAN_STAGES = frozenset({"case_plan", "services", "follow_up"})
_AGE_WEIGHTS = [0.8] * 6 + [1.0] * 6 + [1.2] * 6  # ages 0-17: older children more often


def _tbl(weights: dict[str, float]) -> list[str]:
    return table(list(weights), list(weights.values()))


class _Province:
    """What the generator needs to know about one province."""

    __slots__ = ("code", "ethnic", "mountain", "old_codes", "poverty", "region", "urban")

    def __init__(self, code: str) -> None:
        self.code = code
        self.region = region_of(code)
        self.mountain = code in data.MOUNTAIN_PROVINCES
        self.urban = code in data.URBAN_PROVINCES
        mix = data.PROVINCE_ETHNIC_MIX.get(code, data.DEFAULT_ETHNIC_MIX)
        self.ethnic = _tbl(mix)
        self.poverty = _tbl(
            data.POVERTY_WEIGHTS_MOUNTAIN if self.mountain else data.POVERTY_WEIGHTS_LOWLAND
        )
        self.old_codes = data.OLD_CODES_BY_PROVINCE.get(code, _ALL_OLD_CODES)


class _Naming:
    """The name tables of one region and ethnic group."""

    __slots__ = ("family_tbl", "given", "middle", "no_middle_p", "own_family", "style")

    def __init__(self, region: str, ethnicity: str) -> None:
        names = pools()
        self.own_family = names.ethnic_family.get(ethnicity)
        self.family_tbl = names.family[region]
        self.style = names.style(ethnicity)
        self.no_middle_p = 0.6 if ethnicity in names.highland else 0.0
        self.middle = {s: names.middle[self.style, s, False] for s in ("F", "M")}
        self.given = {s: names.given[self.style, s, False] for s in ("F", "M")}

    def family(self, rnd: Callable[[], float], bits: Callable[[int], int]) -> str:
        """Draw a family name: the group's own names or the regional Kinh mix."""
        if self.own_family is not None and rnd() < ETHNIC_FAMILY_P:
            return self.own_family[bits(16)]
        return self.family_tbl[bits(16)]


class _Generator:
    """Holds the tables and the running state (ids, used numbers) of one run."""

    def __init__(
        self,
        communes: Sequence[tuple[str, str]],
        *,
        seed: int,
        now: dt.datetime | None,
        focus_communes: Sequence[str],
        focus_share: float,
        owner_of: Callable[[str], int] | None,
        ids: IdStart | None,
        taken_id_numbers: Container[str] | None,
        taken_references: Container[str] | None,
    ) -> None:
        if not communes:
            raise ValueError("no communes given")
        if not 0.0 <= focus_share <= 1.0:
            raise ValueError("focus_share must be between 0 and 1")
        known = {c for c, _ in communes}
        missing = [c for c in focus_communes if c not in known]
        if missing:
            raise ValueError(f"unknown focus communes: {', '.join(missing)}")
        self.rng = random.Random(seed)
        if now is None:
            now = dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        now = now.astimezone(dt.UTC).replace(microsecond=0)
        self.now_ts = int(now.timestamp())
        self.today_ord = now.date().toordinal()
        self.communes = [(c, p) for c, p in communes]
        self.provinces = {p: _Province(p) for p in sorted({p for _, p in self.communes})}
        self.province_of = dict(self.communes)
        self.commune_cum = self._commune_weights(seed)
        self.focus = list(focus_communes)
        self.focus_share = focus_share if self.focus else 0.0
        self.owner_of = owner_of
        self.owners: dict[str, int | None] = {}
        self.ids = (
            IdStart() if ids is None else dataclasses.replace(ids)
        )  # never change the caller's
        self.taken_id_numbers = taken_id_numbers
        self.taken_references = taken_references
        self.used_id_numbers: set[str] = set()
        self.used_references: set[str] = set()
        self.names = pools()
        self.namings: dict[tuple[str, str], _Naming] = {}
        self.care = table(list(data.CARE_STRUCTURES), [w for w, _ in data.CARE_STRUCTURES.values()])
        self.status = _tbl(data.STATUS_WEIGHTS)
        share = data.SEVERE_SHARE
        self.risk = _tbl(
            {
                level: max(w - share * data.SEVERE_RISK_WEIGHTS[level], 0.5) / (1 - share)
                for level, w in data.RISK_WEIGHTS.items()
            }
        )
        self.severe_risk = _tbl(data.SEVERE_RISK_WEIGHTS)
        self.category = _tbl(data.CATEGORY_WEIGHTS)
        self.category_count = table(
            list(data.CATEGORY_COUNT_WEIGHTS), list(data.CATEGORY_COUNT_WEIGHTS.values())
        )
        self.intake = _tbl(data.INTAKE_WEIGHTS)
        self.closure = _tbl(data.CLOSURE_WEIGHTS)
        self.disability = _tbl(data.DISABILITY_WEIGHTS)
        self.age = table(list(range(18)), _AGE_WEIGHTS)
        self.kids = table([1, 2, 3], [82, 14, 4])
        # Summary texts by category and age (a template names its youngest fitting age).
        self.summaries: dict[str, list[list[str]]] = {}
        for code, templates in data.SUMMARY_TEMPLATES.items():
            by_age = []
            for age in range(18):
                fits = [t for min_age, t in templates if min_age <= age] or [templates[0][1]]
                age_text = str(age) if age > 0 else "dưới 1"
                by_age.append([t.format(age=age_text) for t in fits])
            self.summaries[code] = by_age
        # Case plans by category: the category's own first step (if any), then two or three
        # of the general steps.
        n = len(data.PLAN_ITEMS)
        self.plans: dict[str, list[str]] = {}
        for code in data.SUMMARY_TEMPLATES:
            lead = data.PLAN_FIRST.get(code)
            variants = []
            for start in range(n):
                for count in (2, 3):
                    items = [data.PLAN_ITEMS[(start + 3 * k) % n] for k in range(count)]
                    if lead is not None:
                        items.insert(0, lead)
                    variants.append(
                        "; ".join(f"{i}) {text}" for i, text in enumerate(items, 1)) + "."
                    )
            self.plans[code] = variants

    def _commune_weights(self, seed: int) -> list[float]:
        """Cumulative weights: population share of the province, spread with noise."""
        noise_rng = random.Random(seed * 7919 + 17)
        per_province: dict[str, int] = {}
        for _, p in self.communes:
            per_province[p] = per_province.get(p, 0) + 1
        mean_pop = sum(data.PROVINCE_POPULATION.values()) / len(data.PROVINCE_POPULATION)
        weights = []
        for _, p in self.communes:
            pop = data.PROVINCE_POPULATION.get(p, mean_pop)
            weights.append(pop / per_province[p] * noise_rng.lognormvariate(0.0, 0.5))
        return list(accumulate(weights))

    # ------------------------------------------------------------ small draws
    def _owner(self, commune: str) -> int | None:
        try:
            return self.owners[commune]
        except KeyError:
            owner = self.owner_of(commune) if self.owner_of is not None else None
            self.owners[commune] = owner
            return owner

    def _id_number(self, old_codes: Sequence[str], female: bool, year: int) -> str:
        rnd = self.rng.random
        if rnd() < 0.1:
            old_codes = _ALL_OLD_CODES
        prefix = (
            f"{old_codes[int(rnd() * len(old_codes))]}"
            f"{(0 if year < 2000 else 2) + female}{year % 100:02d}"
        )
        used, taken = self.used_id_numbers, self.taken_id_numbers
        while True:
            number = f"{prefix}{int(rnd() * 1_000_000):06d}"
            if number not in used and (taken is None or number not in taken):
                used.add(number)
                return number

    def _reference(self, province: str, year: int) -> str:
        bits = self.rng.getrandbits
        used, taken = self.used_references, self.taken_references
        while True:
            n = bits(30)  # six characters of 5 bits, two at a time
            a, b, c = _PAIRS[n >> 20], _PAIRS[(n >> 10) & 1023], _PAIRS[n & 1023]
            ref = f"{province}-{year % 100:02d}-{a}{b}{c}"
            if ref not in used and (taken is None or ref not in taken):
                used.add(ref)
                return ref

    def _address(self, prov: _Province) -> str:
        rnd = self.rng.random
        r = rnd()
        if prov.urban and r < 0.6:
            street = data.STREETS[int(rnd() * len(data.STREETS))]
            if prov.region == "north" and r < 0.3:
                return f"Số {1 + int(rnd() * 120)} ngõ {1 + int(rnd() * 300)} phố {street}"
            return f"Số {1 + int(rnd() * 400)} đường {street}"
        if prov.mountain and r < 0.5:
            return f"Bản {data.VILLAGE_NAMES[int(rnd() * len(data.VILLAGE_NAMES))]}"
        if prov.region == "south":
            if r < 0.8:
                return f"Ấp {data.HAMLET_NAMES[int(rnd() * len(data.HAMLET_NAMES))]}"
            return f"Ấp {1 + int(rnd() * 12)}"
        if r < 0.7:
            return f"Thôn {1 + int(rnd() * 15)}"
        if r < 0.85:
            return f"Xóm {data.HAMLET_NAMES[int(rnd() * len(data.HAMLET_NAMES))]}"
        return f"Tổ dân phố {1 + int(rnd() * 30)}"

    def _plan(self, first: str) -> str:
        variants = self.plans[first]
        return variants[int(self.rng.random() * len(variants))]

    # ------------------------------------------------------------ one household
    def household(self, batch: Batch, remaining: int) -> int:
        """Append one household with its members and cases; return the cases made."""
        rng = self.rng
        rnd = rng.random
        bits = rng.getrandbits
        names = self.names
        folded = names.folded
        ids = self.ids
        now_ts = self.now_ts
        fromts = dt.datetime.fromtimestamp
        utc = dt.UTC

        if self.focus_share and rnd() < self.focus_share:
            commune = self.focus[int(rnd() * len(self.focus))]
        else:
            r = rnd() * self.commune_cum[-1]
            commune = self.communes[bisect.bisect_right(self.commune_cum, r)][0]
        pcode = self.province_of[commune]
        prov = self.provinces[pcode]
        eth = prov.ethnic[bits(16)]
        naming = self.namings.get((prov.region, eth))
        if naming is None:
            naming = self.namings[prov.region, eth] = _Naming(prov.region, eth)
        family = naming.family(rnd, bits)
        poverty = prov.poverty[bits(16)]
        poor = poverty in ("poor", "near_poor")
        care = self.care[bits(16)]
        address = self._address(prov)
        owner = self._owner(commune)
        hid = ids.households
        ids.households += 1

        members = self._members(care, family, naming)
        primary = members[0] if members[0][3] else members[1]
        n_kids = min(self.kids[bits(16)], remaining)
        made = 0
        first_report = now_ts
        oldest_birth_year = 9999
        child_ids: list[int] = []
        given_used: set[str] = set()
        mid_tbl, given_tbl, no_middle_p = naming.middle, naming.given, naming.no_middle_p
        # Who is in the household decides which categories fit (orphans have no parents).
        for k in range(n_kids):
            left = remaining - made
            # Every child gets at least one case; keep one for each child still to come.
            n_cases = 2 if (rnd() < 0.03 and left - (n_kids - k - 1) >= 2) else 1
            sex = "M" if rnd() < 0.51 else "F"
            disabled = rnd() < 0.03
            # Stage of each case and how many days ago it was reported ("reported" cases
            # are at most 37 days old: within the response time, or a few weeks overdue).
            stages: list[tuple[str, float]] = []
            oldest = 0.0
            for _ in range(n_cases):
                status = self.status[bits(16)]
                if status == "reported":
                    days = 0.0
                    oldest = max(oldest, 38.0)
                else:
                    lo, hi = data.STATUS_AGE_DAYS[status]
                    days = lo + (hi - lo) * rnd()
                    oldest = max(oldest, days)
                stages.append((status, days))

            # Birth date: born before the first report, under 18 today.
            age_days = self.age[bits(16)] * 365 + int(rnd() * 365)
            if age_days <= oldest:
                age_days = int(oldest) + 1 + int(rnd() * 90)
            age_days = min(age_days, _MAX_AGE_DAYS)
            birth = dt.date.fromordinal(self.today_ord - age_days)
            estimated = rnd() < 0.05
            if estimated:
                birth = birth.replace(month=7 if birth.month >= 7 else 1, day=1)
            oldest_birth_year = min(oldest_birth_year, birth.year)

            middle = mid_tbl[sex][bits(16)]
            if no_middle_p and rnd() < no_middle_p:
                middle = ""
            given = given_tbl[sex][bits(16)]
            if given in given_used or given == middle:  # siblings rarely share a given name
                given = given_tbl[sex][bits(16)]
            given_used.add(given)
            ff, fm, fg = folded[family], folded[middle], folded[given]
            if fm:
                name_folded = f"{ff} {fm} {fg}"
                given_first = f"{fg} {ff} {fm}"
            else:
                name_folded = f"{ff} {fg}"
                given_first = f"{fg} {ff}"
            disability = self.disability[bits(16)] if disabled else "none"
            id_number = (
                self._id_number(prov.old_codes, sex == "F", birth.year) if rnd() < 0.6 else None
            )
            r = rnd()
            registered = "yes" if r < 0.95 else ("no" if r < 0.98 else "unknown")
            r = rnd()
            insured = "yes" if r < 0.90 else ("no" if r < 0.96 else "unknown")
            cid = ids.children
            ids.children += 1
            child_ids.append(cid)

            child_first = now_ts
            for status, days in stages:
                made += 1
                age = min(int((age_days - days) / 365.25), 17)
                rep = self._case(
                    batch, cid, commune, pcode, owner, status, days, age, disabled, poor, care,
                    primary[2], primary[0], (name_folded, given_first),
                )  # fmt: skip
                child_first = min(child_first, rep)
            first_report = min(first_report, child_first)
            created = fromts(child_first, utc)
            batch.children.append(
                (
                    cid, family, middle, given, name_folded, given_first, sex, birth,
                    estimated, eth, disability, id_number, registered, insured, commune,
                    pcode, hid, address, created, created, 1,
                )
            )  # fmt: skip

        self._caregiver_rows(batch, hid, members, oldest_birth_year, prov, child_ids)
        batch.households.append((hid, commune, address, poverty, fromts(first_report, utc)))
        return made

    def _members(
        self, care: str, family: str, naming: _Naming
    ) -> list[tuple[str, str, str, bool, bool]]:
        """Draw the caregivers of a household: (relationship, sex, name, primary, lives)."""
        rnd = self.rng.random
        bits = self.rng.getrandbits
        names = self.names
        style = naming.style
        primary = 1 if care == "parents" and rnd() < 0.2 else 0
        out = []
        for i, (rel, fixed_sex) in enumerate(data.CARE_STRUCTURES[care][1]):
            sex = fixed_sex or ("F" if rnd() < 0.6 else "M")
            same_family = rel in ("father", "sibling") or (
                (rel == "grandparent" and sex == "M") or (rel == "aunt_uncle" and rnd() < 0.5)
            )
            fam = family if same_family else naming.family(rnd, bits)
            adult = rel != "sibling"
            mid = names.middle[style, sex, adult][bits(16)]
            giv = names.given[style, sex, adult][bits(16)]
            if giv == mid:
                giv = names.given[style, sex, adult][bits(16)]
            full = f"{fam} {mid} {giv}" if mid else f"{fam} {giv}"
            lives = not (
                (rel == "father" and rnd() < 0.15) or (rel == "grandparent" and rnd() < 0.05)
            )
            out.append((rel, sex, full, i == primary, lives))
        return out

    def _caregiver_rows(
        self,
        batch: Batch,
        hid: int,
        members: list[tuple[str, str, str, bool, bool]],
        oldest_birth_year: int,
        prov: _Province,
        child_ids: list[int],
    ) -> None:
        rnd = self.rng.random
        ids = self.ids
        for rel, sex, full, is_primary, lives in members:
            if rel == "mother":
                year = oldest_birth_year - 18 - int(rnd() * 20)
            elif rel == "father":
                year = oldest_birth_year - 20 - int(rnd() * 22)
            elif rel == "grandparent":
                year = oldest_birth_year - 40 - int(rnd() * 25)
            elif rel == "sibling":
                year = min(oldest_birth_year - 1, 2006) - int(rnd() * 8)
            else:
                year = oldest_birth_year - 20 - int(rnd() * 30)
            id_number = self._id_number(prov.old_codes, sex == "F", year) if rnd() < 0.7 else ""
            r = rnd()
            if r < 0.6:
                phone = f"09{int(rnd() * 100_000_000):08d}"
            elif r < 0.85:
                phone = f"03{2 + int(rnd() * 8)}{int(rnd() * 10_000_000):07d}"
            else:
                phone = ""
            gid = ids.caregivers
            ids.caregivers += 1
            batch.caregivers.append((gid, full, sex, phone, id_number, hid))
            for cid in child_ids:
                batch.child_caregivers.append(
                    (ids.child_caregivers, cid, gid, rel, is_primary, lives)
                )
                ids.child_caregivers += 1

    def _categories(self, age: int, disabled: bool, poor: bool, care: str) -> list[str]:
        """Draw 1-3 categories that fit the child's age, disability and household."""
        bits = self.rng.getrandbits
        count = self.category_count[bits(16)]
        cats: list[str] = []
        if disabled and self.rng.random() < 0.7:
            cats.append("art10_04")
        tries = 0
        while len(cats) < count and tries < 12:
            tries += 1
            code = self.category[bits(16)]
            if code in cats or age < data.CATEGORY_MIN_AGE.get(code, 0):
                continue
            if code == "art10_13" and not poor:
                continue
            allowed = data.CATEGORY_CARE.get(code)
            if allowed is not None and care not in allowed:
                continue
            cats.append(code)
        if not cats:
            cats.append("at_risk")
        return cats

    def _case(
        self,
        batch: Batch,
        child_id: int,
        commune: str,
        pcode: str,
        owner: int | None,
        status: str,
        days: float,
        age: int,
        disabled: bool,
        poor: bool,
        care: str,
        given_by: str,
        relationship: str,
        folded: tuple[str, str],
    ) -> int:
        """Append one case with its categories, consents, note and approval.

        Returns:
            When it was reported (epoch seconds).
        """
        rnd = self.rng.random
        bits = self.rng.getrandbits
        ids = self.ids
        now_ts = self.now_ts
        fromts = dt.datetime.fromtimestamp
        utc = dt.UTC
        case_id = ids.cases
        ids.cases += 1

        cats = self._categories(age, disabled, poor, care)
        severe = any(c in data.SEVERE_CATEGORIES for c in cats)
        risk = (self.severe_risk if severe else self.risk)[bits(16)]
        due_s = data.RESPONSE_HOURS[risk] * 3600
        if status != "reported":
            rep = now_ts - int(days * _DAY)
        elif rnd() < 0.85:
            rep = now_ts - int(rnd() * due_s)
        else:  # overdue: no response yet and the due time has passed
            rep = now_ts - due_s - 60 - int(rnd() * 30 * _DAY)

        for code in cats:
            batch.case_categories.append((ids.case_categories, case_id, code))
            ids.case_categories += 1

        first = cats[0]
        templates = self.summaries[first][age]
        summary = templates[int(rnd() * len(templates))]
        intake = self.intake[bits(16)]
        if age < 5 and intake in ("child", "school"):
            intake = "family" if intake == "child" else "health"

        fr: int | None = None
        pa: int | None = None
        closed: int | None = None
        reason = ""
        plan = ""
        latest = rep
        if status != "reported":
            if rnd() < 0.1:  # late first response
                fr = rep + due_s + int(rnd() * due_s * 2)
            else:
                fr = rep + int(due_s * (0.05 + 0.9 * rnd()))
            fr = min(fr, rep + (now_ts - rep) // 4)
            latest = fr
        if status == "closed":
            reason = self.closure[bits(16)]
        # At the case plan stage: half wait for a manager's approval, some have an approved
        # plan and are ready to start services, the rest are still drafting it.
        pending = approved = False
        if status == "case_plan":
            r = rnd()
            pending, approved = r < 0.5, 0.5 <= r < 0.7
        has_plan = (
            approved
            or status in ("services", "follow_up")
            or (status == "closed" and reason not in data.EARLY_CLOSURES)
        )
        if fr is not None and has_plan:
            pa = fr + int((now_ts - fr) * (0.1 + 0.3 * rnd()))
            plan = self._plan(first)
            latest = pa
        if status == "closed" and fr is not None:
            base = pa if pa is not None else fr
            closed = base + int((now_ts - base) * (0.2 + 0.7 * rnd()))
            latest = closed
        if fr is not None and (status in _PLAN_STAGES or has_plan):
            end = pa if pa is not None else now_ts
            rec = fr + int((end - fr) * rnd())
            rec_dt = fromts(rec, utc)
            latest = max(latest, rec)
            for purpose in ("services", "sharing"):
                batch.consents.append(
                    (
                        ids.consents,
                        case_id,
                        purpose,
                        True,
                        given_by,
                        relationship,
                        owner,
                        rec_dt,
                        None,
                    )
                )
                ids.consents += 1
            if pending:
                req = rec + int((now_ts - rec) * rnd())
                latest = max(latest, req)
                batch.approvals.append(
                    (
                        ids.approvals, case_id, "case_plan", "pending",
                        {"plan": self._plan(first)}, owner, fromts(req, utc), None, None, "",
                    )
                )  # fmt: skip
                ids.approvals += 1
        if rnd() < (0.25 if status != "reported" else 0.05):
            end = closed if closed is not None else now_ts
            at = rep + int((end - rep) * rnd())
            latest = max(latest, at)
            text = data.NOTE_TEXTS[int(rnd() * len(data.NOTE_TEXTS))]
            batch.notes.append((ids.notes, case_id, owner, text, fromts(at, utc)))
            ids.notes += 1

        rep_dt = fromts(rep, utc)
        batch.cases.append(
            (
                case_id, self._reference(pcode, rep_dt.year), child_id, status, risk, summary,
                intake, commune, pcode, owner, rep_dt, fromts(rep + due_s, utc),
                None if fr is None else fromts(fr, utc), plan,
                None if pa is None else fromts(pa, utc), reason,
                None if closed is None else fromts(closed, utc), status != "closed", rep_dt,
                fromts(latest, utc), _STAGE[status] + 1, folded[0], folded[1],
            )
        )  # fmt: skip
        return rep


def iter_batches(
    n_cases: int,
    communes: Sequence[tuple[str, str]],
    *,
    seed: int = 42,
    batch_size: int = 50_000,
    now: dt.datetime | None = None,
    focus_communes: Sequence[str] | None = None,
    focus_share: float = 0.0,
    owner_of: Callable[[str], int] | None = None,
    ids: IdStart | None = None,
    taken_id_numbers: Container[str] | None = None,
    taken_references: Container[str] | None = None,
) -> Iterator[Batch]:
    """Generate ``n_cases`` cases with their children, households and caregivers.

    Args:
        n_cases: Exactly how many cases to make.
        communes: ``(commune_code, province_code)`` pairs (2025 codes) to place
            households in; provinces are weighted by population, communes within a
            province get random (seeded) weights.
        seed: Seed of the random source: the same arguments give the same rows.
        batch_size: Cases per batch (a batch ends with a whole household, so it may hold
            a few more).
        now: The moment the data describes (timezone-aware); reports fall in the three
            years before it. Defaults to the current time (pass it for reproducible rows).
        focus_communes: Communes that receive an extra share of the households.
        focus_share: Share of households (so about the share of cases) placed uniformly
            in ``focus_communes`` rather than by weight.
        owner_of: Returns the user id that owns the cases of a commune; called once per
            commune, on its first case. Without it every owner id is None.
        ids: First id of each kind of row (default 1 for all).
        taken_id_numbers: ID numbers already in use; never generated again.
        taken_references: Case references already in use; never generated again.

    Yields:
        One :class:`Batch` after another, ids counting up across batches.

    Raises:
        ValueError: On an empty commune list, a focus commune not in it, or a bad share.
    """
    if n_cases < 0:
        raise ValueError("n_cases must not be negative")
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    gen = _Generator(
        communes,
        seed=seed,
        now=now,
        focus_communes=focus_communes or (),
        focus_share=focus_share,
        owner_of=owner_of,
        ids=ids,
        taken_id_numbers=taken_id_numbers,
        taken_references=taken_references,
    )
    made = 0
    while made < n_cases:
        batch = Batch()
        in_batch = 0
        target = min(batch_size, n_cases - made)
        while in_batch < target:
            in_batch += gen.household(batch, n_cases - made - in_batch)
        made += in_batch
        yield batch


def generate(
    n_cases: int,
    communes: Sequence[tuple[str, str]],
    *,
    seed: int = 42,
    now: dt.datetime | None = None,
    focus_communes: Sequence[str] | None = None,
    focus_share: float = 0.0,
    owner_of: Callable[[str], int] | None = None,
    ids: IdStart | None = None,
) -> Batch:
    """Generate everything in one :class:`Batch` (for small runs and tests).

    The arguments are those of :func:`iter_batches`.
    """
    out = Batch()
    for batch in iter_batches(
        n_cases,
        communes,
        seed=seed,
        now=now,
        focus_communes=focus_communes,
        focus_share=focus_share,
        owner_of=owner_of,
        ids=ids,
    ):
        out.extend(batch)
    return out
