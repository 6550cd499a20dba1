"""The synthetic data generator (no database)."""

from __future__ import annotations

import collections
import datetime as dt
import re
import subprocess
import sys

import pytest

from baove.cases.vocab import (
    ApprovalKind,
    ApprovalStatus,
    Category,
    ClosureReason,
    ConsentPurpose,
    IntakeSource,
    RiskLevel,
    Status,
)
from baove.core.text import fold, fold_name
from baove.geo.loader import commune_rows
from baove.registry.idnumber import validate_id_number
from baove.registry.vocab import (
    ETHNICITY_NAMES,
    Disability,
    PovertyStatus,
    Relationship,
    Sex,
    YesNoUnknown,
)
from baove.synth import (
    COLUMNS,
    REFERENCE_ALPHABET,
    TABLE_ORDER,
    Batch,
    IdStart,
    generate,
    iter_batches,
    random_name,
    region_of,
)
from baove.synth import data as synth_data

NOW = dt.datetime(2026, 6, 15, 8, 30, tzinfo=dt.UTC)
COMMUNES: list[tuple[str, str]] = [(r["code"], r["province_id"]) for r in commune_rows()]
HOURS = {"urgent": 12, "high": 24, "medium": 72, "low": 168}


@pytest.fixture(scope="module")
def big() -> Batch:
    """About 50,000 children with their cases."""
    return generate(52_000, COMMUNES, seed=7, now=NOW)


@pytest.fixture(scope="module")
def small() -> Batch:
    return generate(3_000, COMMUNES, seed=11, now=NOW)


def share(counter: collections.Counter[str], key: str) -> float:
    return counter[key] / sum(counter.values())


# ---------------------------------------------------------------- determinism and shape
def test_same_seed_same_rows_different_seed_different_rows() -> None:
    a = generate(400, COMMUNES, seed=1, now=NOW)
    b = generate(400, COMMUNES, seed=1, now=NOW)
    c = generate(400, COMMUNES, seed=2, now=NOW)
    assert a == b
    assert a.cases != c.cases
    assert a.children != c.children


def test_batch_size_does_not_change_the_rows() -> None:
    whole = generate(700, COMMUNES, seed=3, now=NOW)
    parts = list(iter_batches(700, COMMUNES, seed=3, now=NOW, batch_size=64))
    assert len(parts) > 5
    merged = Batch()
    for part in parts:
        assert len(part.cases) >= 64 or part is parts[-1]
        merged.extend(part)
    assert merged == whole


@pytest.mark.parametrize("n", [0, 1, 2, 3, 17, 1000])
def test_exact_number_of_cases(n: int) -> None:
    batch = generate(n, COMMUNES, seed=n, now=NOW)
    assert len(batch.cases) == n
    assert len(batch.children) <= n


def test_ids_count_up_from_the_given_start_and_rows_match_columns(small: Batch) -> None:
    start = IdStart(
        households=10, caregivers=20, children=30, child_caregivers=40, cases=50,
        case_categories=60, consents=70, notes=80, approvals=90,
    )  # fmt: skip
    batch = generate(300, COMMUNES, seed=5, now=NOW, ids=start)
    for name in TABLE_ORDER:
        rows = batch.rows(name)
        first = getattr(start, name)
        assert [r[0] for r in rows] == list(range(first, first + len(rows)))
        assert all(len(r) == len(COLUMNS[name]) for r in rows)


def test_references_between_rows_resolve(small: Batch) -> None:
    households = {r[0] for r in small.households}
    caregivers = {r[0]: r for r in small.caregivers}
    children = {r[0]: r for r in small.children}
    cases = {r[0]: r for r in small.cases}
    assert all(r[5] in households for r in small.caregivers)
    assert all(r[16] in households for r in small.children)
    links: collections.Counter[int] = collections.Counter()
    for _, child_id, caregiver_id, *_rest in small.child_caregivers:
        assert child_id in children
        assert caregivers[caregiver_id][5] == children[child_id][16]  # same household
        links[child_id] += 1
    assert set(links) == set(children)
    assert set(links.values()) <= {1, 2}
    assert all(r[2] in children for r in small.cases)
    # cases live where their child lives
    assert all((children[r[2]][14], children[r[2]][15]) == (r[7], r[8]) for r in small.cases)
    for rows in (small.case_categories, small.consents, small.notes, small.approvals):
        assert all(r[1] in cases for r in rows)
    pairs = [(r[1], r[2]) for r in small.case_categories]
    assert len(pairs) == len(set(pairs))
    per_case = collections.Counter(r[1] for r in small.case_categories)
    assert set(per_case) == set(cases)
    assert set(per_case.values()) <= {1, 2, 3}


def test_some_children_have_two_cases(big: Batch) -> None:
    per_child = collections.Counter(r[2] for r in big.cases)
    two = sum(1 for v in per_child.values() if v == 2)
    assert set(per_child.values()) <= {1, 2}
    assert 0.015 < two / len(per_child) < 0.05


# ---------------------------------------------------------------- names
def test_family_name_shares(big: Batch) -> None:
    families = collections.Counter(r[1] for r in big.children)
    assert sum(families.values()) >= 50_000
    assert 0.36 <= share(families, "Nguyễn") <= 0.41
    assert 0.095 <= share(families, "Trần") <= 0.125
    assert 0.08 <= share(families, "Lê") <= 0.11
    assert 0.06 <= share(families, "Phạm") <= 0.085
    assert 0.035 <= share(families, "Phan") <= 0.055
    top = [name for name, _ in families.most_common(4)]
    assert top == ["Nguyễn", "Trần", "Lê", "Phạm"]
    assert len(families) > 60  # a long tail, including ethnic-minority family names


def test_regional_forms_of_family_names(big: Batch) -> None:
    by_region: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in big.children:
        by_region[region_of(r[15])][r[1]] += 1
    north, south = by_region["north"], by_region["south"]
    assert share(south, "Huỳnh") > 4 * share(north, "Huỳnh")
    assert share(south, "Võ") > 4 * share(north, "Võ")
    assert share(north, "Hoàng") > 3 * share(south, "Hoàng")
    assert share(north, "Vũ") > 4 * share(south, "Vũ")


def test_middle_names_mark_sex(big: Batch) -> None:
    girls = [r for r in big.children if r[6] == "F"]
    boys = [r for r in big.children if r[6] == "M"]
    thi = sum(1 for r in girls if r[2].split(" ")[0] == "Thị") / len(girls)
    van = sum(1 for r in boys if r[2].split(" ")[0] == "Văn") / len(boys)
    assert 0.55 <= thi <= 0.65
    assert 0.38 <= van <= 0.52
    assert not any(r[2].split(" ")[0] == "Thị" for r in boys)
    assert not any(r[2].split(" ")[0] == "Văn" for r in girls)
    assert any(" " in r[2] for r in big.children)  # some two-word middle names
    assert 0.48 <= len(boys) / len(big.children) <= 0.54


def test_given_names_are_skewed_and_varied(big: Batch) -> None:
    for sex in ("F", "M"):
        given = collections.Counter(r[3] for r in big.children if r[6] == sex)
        assert len(given) >= 75
        top_share = given.most_common(1)[0][1] / sum(given.values())
        assert 0.03 < top_share < 0.15
        assert given.most_common(10)[-1][1] > 3 * given.most_common()[-1][1]


def test_names_have_diacritics_and_fold_correctly(big: Batch) -> None:
    assert sum(1 for r in big.children if not r[3].isascii()) > len(big.children) / 3
    for r in big.children:
        family, middle, given = r[1], r[2], r[3]
        assert r[4] == fold_name(family, middle, given)
        assert r[5] == fold(" ".join(p for p in (given, family, middle) if p))
        assert r[4].isascii() and r[5].isascii()
        assert family and given
    assert fold("Đặng Thị Hương") == "dang thi huong"


def test_caregivers_are_adults_with_phones(big: Batch) -> None:
    names = [r[1] for r in big.caregivers]
    assert all(len(n.split(" ")) >= 2 for n in names)
    phones = [r[3] for r in big.caregivers if r[3]]
    assert len(phones) / len(big.caregivers) > 0.75
    assert all(re.fullmatch(r"0[39]\d{8}", p) for p in phones)
    mothers = {r[2] for r in big.child_caregivers if r[3] == "mother"}
    by_id = {r[0]: r for r in big.caregivers}
    thi = sum(1 for g in mothers if by_id[g][1].split(" ")[1] == "Thị") / len(mothers)
    assert thi > 0.75
    assert all(by_id[g][2] == "F" for g in mothers)


def test_random_name_helper() -> None:
    import random

    rng = random.Random(3)
    family, _middle, given = random_name(rng, "F", province_code="79")
    assert family and given
    hmong = [random_name(rng, "M", province_code="08", ethnicity="08") for _ in range(200)]
    assert any(f in {"Giàng", "Vàng", "Sùng", "Thào", "Lý"} for f, _, _ in hmong)


# ---------------------------------------------------------------- children
def test_ethnicity_mix(big: Batch) -> None:
    eth = collections.Counter(r[9] for r in big.children)
    assert 0.80 <= share(eth, "01") <= 0.90
    assert len(eth) >= 15
    # minorities live mostly in the mountain provinces
    mountain = [r for r in big.children if r[15] in synth_data.MOUNTAIN_PROVINCES]
    lowland = [r for r in big.children if r[15] not in synth_data.MOUNTAIN_PROVINCES]
    kinh_m = sum(r[9] == "01" for r in mountain) / len(mountain)
    kinh_l = sum(r[9] == "01" for r in lowland) / len(lowland)
    assert kinh_m < 0.6 < 0.9 < kinh_l


def test_children_are_under_18_and_born_before_their_report(big: Batch) -> None:
    today = NOW.date()
    first_report: dict[int, dt.datetime] = {}
    for case in big.cases:
        first_report[case[2]] = min(first_report.get(case[2], case[10]), case[10])
    estimated = 0
    for child in big.children:
        birth = child[7]
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        assert 0 <= age <= 17
        assert birth <= first_report[child[0]].date()
        if child[8]:
            estimated += 1
            assert (birth.month, birth.day) in {(1, 1), (7, 1)}
    assert 0.035 < estimated / len(big.children) < 0.065
    ages = collections.Counter((today - r[7]).days // 365 for r in big.children)
    assert set(ages) == set(range(18))


def test_child_flags(big: Batch) -> None:
    n = len(big.children)
    disabled = sum(1 for r in big.children if r[10] != "none")
    assert 0.02 < disabled / n < 0.04
    assert 0.93 < sum(r[12] == "yes" for r in big.children) / n < 0.97
    assert 0.87 < sum(r[13] == "yes" for r in big.children) / n < 0.93
    assert 0.55 < sum(r[11] is not None for r in big.children) / n < 0.65


def test_id_numbers_are_valid_and_unique(big: Batch) -> None:
    numbers = []
    for r in big.children:
        if r[11] is not None:
            assert validate_id_number(r[11], sex=r[6], birth_date=r[7]) == r[11]
            assert r[11][3] == ("2" if r[6] == "M" else "3")
            numbers.append(r[11])
    for g in big.caregivers:
        if g[4]:
            assert validate_id_number(g[4], sex=g[2]) == g[4]
            numbers.append(g[4])
    assert len(numbers) == len(set(numbers))
    assert len(numbers) > 50_000


def test_taken_numbers_and_references_are_avoided() -> None:
    first = generate(2_000, COMMUNES, seed=9, now=NOW)
    numbers = {r[11] for r in first.children if r[11]} | {r[4] for r in first.caregivers if r[4]}
    refs = {r[1] for r in first.cases}
    again = Batch()
    for b in iter_batches(
        2_000, COMMUNES, seed=9, now=NOW, taken_id_numbers=numbers, taken_references=refs
    ):
        again.extend(b)
    assert not numbers & {r[11] for r in again.children if r[11]}
    assert not numbers & {r[4] for r in again.caregivers if r[4]}
    assert not refs & {r[1] for r in again.cases}


# ---------------------------------------------------------------- codes are valid choices
def test_every_code_is_a_valid_choice(big: Batch) -> None:
    assert {r[3] for r in big.households} <= set(PovertyStatus.values)
    assert {r[2] for r in big.caregivers} <= set(Sex.values)
    assert {r[6] for r in big.children} == set(Sex.values)
    assert {r[9] for r in big.children} <= set(ETHNICITY_NAMES)
    assert {r[10] for r in big.children} <= set(Disability.values)
    assert {r[12] for r in big.children} | {r[13] for r in big.children} <= set(YesNoUnknown.values)
    assert {r[3] for r in big.child_caregivers} <= set(Relationship.values)
    assert {r[3] for r in big.cases} == set(Status.values)
    assert {r[4] for r in big.cases} == set(RiskLevel.values)
    assert {r[6] for r in big.cases} <= set(IntakeSource.values)
    assert {r[15] for r in big.cases} - {""} <= set(ClosureReason.values)
    assert {r[2] for r in big.case_categories} <= set(Category.values)
    assert {r[2] for r in big.consents} == set(ConsentPurpose.values)
    assert {r[5] for r in big.consents} <= set(Relationship.values)
    assert {r[2] for r in big.approvals} <= set(ApprovalKind.values)
    assert {r[3] for r in big.approvals} <= set(ApprovalStatus.values)
    # the tables of the generator itself
    assert set(synth_data.CATEGORY_WEIGHTS) | {"art10_04"} <= set(Category.values)
    assert set(synth_data.SUMMARY_TEMPLATES) == set(Category.values)
    assert set(synth_data.STATUSES) == set(Status.values)
    assert list(synth_data.STATUSES) == list(Status.values)
    assert set(synth_data.CLOSURE_WEIGHTS) <= set(ClosureReason.values)
    assert set(synth_data.INTAKE_WEIGHTS) == set(IntakeSource.values)
    assert set(synth_data.DISABILITY_WEIGHTS) <= set(Disability.values)
    for mix in [*synth_data.PROVINCE_ETHNIC_MIX.values(), synth_data.DEFAULT_ETHNIC_MIX]:
        assert set(mix) <= set(ETHNICITY_NAMES)
    for _, members in synth_data.CARE_STRUCTURES.values():
        assert {rel for rel, _ in members} <= set(Relationship.values)
    assert set(synth_data.PROVINCE_POPULATION) == {p for _, p in COMMUNES}
    assert set(synth_data.OLD_CODES_BY_PROVINCE) == {p for _, p in COMMUNES}
    assert synth_data.RESPONSE_HOURS == HOURS


def test_categories_are_weighted_realistically(big: Batch) -> None:
    cats = collections.Counter(r[2] for r in big.case_categories)
    n = len(big.cases)
    assert cats["at_risk"] / n > 0.3
    assert cats["reported_abuse"] / n > 0.2
    for common in ("art10_04", "art10_08", "art10_13"):
        assert cats[common] / n > 0.01
    for rare in ("art10_12", "art10_14a", "art10_14b", "art10_14c"):
        assert cats[rare] / n < 0.01
    assert cats["art10_12"] + cats["art10_14a"] > 0


def test_categories_fit_child_and_household(big: Batch) -> None:
    children = {r[0]: r for r in big.children}
    households = {r[0]: r for r in big.households}
    cases = {r[0]: r for r in big.cases}
    for _, case_id, code in big.case_categories:
        child = children[cases[case_id][2]]
        if code == "art10_04":
            assert child[10] != "none"
        if code == "art10_13":
            assert households[child[16]][3] in {"poor", "near_poor"}
        if code == "art10_08":
            age_at_report = (cases[case_id][10].date() - child[7]).days / 365.25
            assert age_at_report > 10.5


# ---------------------------------------------------------------- cases
def test_status_and_risk_mix(big: Batch) -> None:
    status = collections.Counter(r[3] for r in big.cases)
    risk = collections.Counter(r[4] for r in big.cases)
    expected_status = {
        "reported": 0.10, "screened": 0.10, "assessment": 0.15, "case_plan": 0.12,
        "services": 0.20, "follow_up": 0.10, "closed": 0.23,
    }  # fmt: skip
    for key, want in expected_status.items():
        assert abs(share(status, key) - want) < 0.015, key
    for key, want in {"low": 0.35, "medium": 0.35, "high": 0.22, "urgent": 0.08}.items():
        assert abs(share(risk, key) - want) < 0.02, key


def test_case_timeline_is_consistent(big: Batch) -> None:
    three_years = NOW - dt.timedelta(days=3 * 365 + 40)
    overdue = on_time_reported = late = plan_ready = 0
    for r in big.cases:
        (status, risk, reported, due, first, plan, approved, reason, closed, is_open) = (
            r[3], r[4], r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17],
        )  # fmt: skip
        for value in (reported, due, first, approved, closed, r[18], r[19]):
            assert value is None or (value.tzinfo is dt.UTC and value.microsecond == 0)
        assert three_years <= reported <= NOW
        assert due == reported + dt.timedelta(hours=HOURS[risk])
        assert r[18] == reported and r[19] >= reported
        assert r[20] == list(Status.values).index(status) + 1
        if status == "reported":
            assert first is None
            if due < NOW:
                overdue += 1
            else:
                on_time_reported += 1
        else:
            assert first is not None and reported <= first <= NOW
            late += first > due
        if status in {"services", "follow_up"}:
            assert plan and approved is not None and first is not None
            assert first <= approved <= NOW
        if status in {"reported", "screened", "assessment"}:
            assert not plan and approved is None
        if status == "case_plan":
            assert bool(plan) == (approved is not None)
            plan_ready += approved is not None
        if status == "closed":
            assert not is_open and reason and closed is not None
            assert reported <= closed <= NOW
            assert bool(plan) == (reason not in {"no_concern", "duplicate"})
            if approved is not None:
                assert approved <= closed
        else:
            assert is_open and not reason and closed is None
        assert re.fullmatch(r"\d{2}-\d{2}-[" + REFERENCE_ALPHABET + "]{6}", r[1])
        assert r[1][:2] == r[8] and r[1][3:5] == f"{reported.year % 100:02d}"
        assert r[5].startswith("Trẻ") or "trẻ" in r[5]
    n = len(big.cases)
    assert 0 < overdue < on_time_reported
    assert 0.1 < plan_ready / sum(1 for r in big.cases if r[3] == "case_plan") < 0.3
    assert 0.03 < late / n < 0.15
    assert len({r[1] for r in big.cases}) == n


def test_consents_notes_and_approvals(big: Batch) -> None:
    cases = {r[0]: r for r in big.cases}
    consents = collections.defaultdict(set)
    for r in big.consents:
        case = cases[r[1]]
        consents[r[1]].add(r[2])
        assert r[3] is True and r[4] and r[5]
        assert r[6] == case[9]  # recorded by the owner (None here: no owner_of)
        assert case[12] is not None and case[12] <= r[7] <= NOW
    for case_id, case in cases.items():
        needs = case[3] in {"case_plan", "services", "follow_up"} or (
            case[3] == "closed" and case[13]
        )
        assert (consents.get(case_id) == {"services", "sharing"}) == bool(needs)
    plan_cases = sum(1 for r in big.cases if r[3] == "case_plan")
    assert 0.4 < len(big.approvals) / plan_cases < 0.6
    assert len({r[1] for r in big.approvals}) == len(big.approvals)
    for a in big.approvals:
        assert cases[a[1]][3] == "case_plan" and not cases[a[1]][13]
        assert a[2] == "case_plan" and a[3] == "pending" and a[4]["plan"]
    assert 0.1 < len(big.notes) / len(big.cases) < 0.4
    assert all(cases[r[1]][10] <= r[4] <= NOW for r in big.notes)


def test_spread_over_provinces_by_population(big: Batch) -> None:
    provinces = collections.Counter(r[8] for r in big.cases)
    assert len(provinces) == 34
    assert provinces["79"] > provinces["01"] > provinces["04"]
    assert provinces.most_common(1)[0][0] == "79"


def test_focus_communes_get_their_share() -> None:
    focus = [COMMUNES[0][0], next(c for c, p in COMMUNES if p == "79")]
    batch = generate(4_000, COMMUNES, seed=4, now=NOW, focus_communes=focus, focus_share=0.5)
    in_focus = sum(1 for r in batch.cases if r[7] in focus) / len(batch.cases)
    assert 0.44 < in_focus < 0.56
    with pytest.raises(ValueError, match="unknown focus"):
        generate(10, COMMUNES, focus_communes=["99999"], focus_share=0.5, now=NOW)


def test_owner_is_asked_once_per_commune() -> None:
    asked: list[str] = []

    def owner_of(commune: str) -> int:
        asked.append(commune)
        return 1000 + len(asked)

    batch = generate(2_000, COMMUNES, seed=8, now=NOW, owner_of=owner_of)
    assert len(asked) == len(set(asked))
    owner = {c: 1001 + i for i, c in enumerate(asked)}
    assert all(r[9] == owner[r[7]] for r in batch.cases)
    cases = {r[0]: r for r in batch.cases}
    assert all(r[6] == cases[r[1]][9] for r in batch.consents)
    assert all(r[2] == cases[r[1]][9] for r in batch.notes)
    assert all(r[5] == cases[r[1]][9] for r in batch.approvals)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="no communes"):
        generate(1, [], now=NOW)
    with pytest.raises(ValueError, match="timezone"):
        generate(1, COMMUNES, now=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        list(iter_batches(-1, COMMUNES))


def test_package_does_not_import_django() -> None:
    code = (
        "import sys, baove.synth; "
        "from baove.synth import generate; "
        "generate(5, [('00004', '01')], seed=1); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
