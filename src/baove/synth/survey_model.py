"""The behavioural model of the synthetic MICS survey: who lives where, and what they answer.

:func:`simulate` takes enumeration areas (EAs) and a number of households per EA and returns
every answer that every person would give if interviewed: one frame per MICS file (``hh``,
``hl``, ``ch``, ``fs``, ``wm``, ``mn``), without weights or interview results (those belong to
the survey, :mod:`baove.synth.survey`). The finite population and the fast path both call it,
so both give the same distributions.

Everything is vectorised with numpy (no loop per household or person) and drawn from one
``numpy.random.Generator`` in a fixed order, so one seed gives the same frames bit for bit.
The coefficients are invented but chosen so that national figures land near Viet Nam's
MICS6 (2020-21) levels; they carry no real personal data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from baove.synth.data import PROVINCE_ETHNIC_MIX, PROVINCE_POPULATION

__all__ = [
    "CD_ITEMS",
    "FL_NUM_ITEMS",
    "MT_ITEMS",
    "PROVINCE_REGION",
    "REGION_PROVINCES",
    "ST_ITEMS",
    "province_shares",
    "simulate",
]

F = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

#: The 34 provinces (2025 codes, as ``vietnam-provinces``) by MICS region (HH7). The 2025
#: mergers put a few provinces across the old regional lines; each is placed with the region
#: of its capital (Lâm Đồng, Gia Lai and Đắk Lắk stay in the Central Highlands).
REGION_PROVINCES: dict[int, tuple[str, ...]] = {
    1: ("01", "22", "24", "31", "33", "37"),
    2: ("04", "08", "11", "12", "14", "15", "19", "20", "25"),
    3: ("38", "40", "42", "44", "46", "48", "51", "56"),
    4: ("52", "66", "68"),
    5: ("75", "79", "80"),
    6: ("82", "86", "91", "92", "96"),
}
PROVINCE_REGION: dict[str, int] = {p: r for r, ps in REGION_PROVINCES.items() for p in ps}

#: Urban share of the population by province (rounded; 0.30 elsewhere, 0.18 in the mountains).
_URBAN: dict[str, float] = {
    "01": 0.50, "79": 0.80, "48": 0.85, "31": 0.50, "92": 0.50, "46": 0.50, "75": 0.45,
    "22": 0.65, "24": 0.40, "56": 0.45, "04": 0.18, "08": 0.18, "11": 0.18, "12": 0.18,
    "14": 0.15, "15": 0.20, "20": 0.20,
}  # fmt: skip

CD_ITEMS = tuple("ABCDEFGHIJK")
MT_ITEMS = tuple("ABCDEFGHI")
ST_ITEMS = ("ST3A", "ST3B", "ST3C", "ST3D", "ST3E", "ST3F")
FL_NUM_ITEMS = (
    tuple(f"FL23{c}" for c in "ABCDEF")
    + tuple(f"FL24{c}" for c in "ABCDE")
    + tuple(f"FL25{c}" for c in "ABCDE")
    + tuple(f"FL27{c}" for c in "ABCDE")
)
_FL_TASK_EASE = (4.5,) * 6 + (3.9,) * 5 + (3.1,) * 5 + (2.5,) * 5
FL_WORDS = 72  # words of the reading passage

# Per-EA random effects (sd): what makes outcomes cluster (intra-cluster correlation).
_EA_SD = {
    "minority": 2.0, "wealth": 0.45, "harsh": 0.35, "labour": 0.8, "nut": 0.25, "reg": 0.8,
    "vac": 0.6, "wash": 0.6, "ict": 0.4, "learn": 0.4, "marr": 0.6, "sp": 0.5, "coli": 0.6,
}  # fmt: skip
_REGION_WEALTH = np.array([0.0, 0.35, -0.6, -0.1, -0.45, 0.6, -0.1])  # index = HH7


def province_shares() -> dict[int, tuple[tuple[str, ...], F]]:
    """Return, per stratum code ``HH7*10+HH6``, its provinces and their share of households.

    Shares are of the national total, from the 2025 province populations and urban shares.
    """
    out: dict[int, tuple[tuple[str, ...], F]] = {}
    total = sum(PROVINCE_POPULATION.values())
    for region, provs in REGION_PROVINCES.items():
        for area in (1, 2):
            shares = []
            for p in provs:
                u = _URBAN.get(p, 0.30)
                shares.append(PROVINCE_POPULATION[p] * (u if area == 1 else 1 - u) / total)
            out[region * 10 + area] = (provs, np.array(shares))
    return out


def _minority_share(province: str, urban: bool) -> float:
    mix = PROVINCE_ETHNIC_MIX.get(province)
    # Kinh is GSO code 01 and Hoa 04; provinces missing from the table are ~99% Kinh/Hoa.
    p = 0.006 if mix is None else 1 - (mix["01"] + mix.get("04", 0.0)) / sum(mix.values())
    u = _URBAN.get(province, 0.30)
    # Urban EAs get half the provincial share, rural ones the rest, keeping the average.
    return 0.5 * p if urban else min(0.98, (p - u * 0.5 * p) / (1 - u))


def _expit(x: F) -> F:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def _logit(p: F) -> F:
    return np.asarray(np.log(p / (1 - p)), dtype=np.float64)


def _yn(b: B) -> F:
    return np.where(b, 1.0, 2.0)


def _pick(rng: np.random.Generator, logits: F, codes: tuple[int, ...]) -> F:
    """Draw one code per row with probabilities softmax(logits)."""
    # Inverse-CDF on the cumulated softmax: one uniform per row (Gumbel-max needs k).
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    cum = np.cumsum(e, axis=1)
    u = rng.random(len(logits)) * cum[:, -1]
    idx = np.minimum((cum < u[:, None]).sum(axis=1), len(codes) - 1)
    return np.asarray(np.asarray(codes, dtype=np.float64)[idx], dtype=np.float64)


def _dk(rng: np.random.Generator, x: F, rate: float, code: float) -> F:
    """Replace a share ``rate`` of the non-missing answers by ``code`` (don't know/missing)."""
    hit = (rng.random(x.shape) < rate) & ~np.isnan(x)
    return np.where(hit, code, x)


def simulate(
    eas: pd.DataFrame, households_per_ea: I64, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """Simulate every household of the given EAs and every answer of their members.

    Args:
        eas: one row per EA with ``HH1`` (EA number), ``HH6``, ``HH7``, ``stratum`` and
            ``province``.
        households_per_ea: number of households to simulate in each EA (same order).
        rng: the random stream (consumed in a fixed order).

    Returns:
        Frames ``hh``, ``hl``, ``ch``, ``fs``, ``wm``, ``mn`` with the schema variables (no
        weights, no results). ``HH2`` is the household's number in the EA. Every frame has
        ``_hid`` (row of ``hh``); ``hh`` also has ``_wscore`` (latent wealth).
    """
    n_ea = len(eas)
    hh6 = eas["HH6"].to_numpy(np.int64)
    hh7 = eas["HH7"].to_numpy(np.int64)
    prov = eas["province"].to_numpy()
    re = {k: rng.normal(0.0, sd, n_ea) for k, sd in _EA_SD.items()}
    cache: dict[tuple[str, int], float] = {}
    base_min = np.empty(n_ea)
    for i in range(n_ea):  # per EA, not per household: a few thousand iterations at most
        key = (str(prov[i]), int(hh6[i]))
        if key not in cache:
            cache[key] = _minority_share(key[0], key[1] == 1)
        base_min[i] = cache[key]
    # EAs are ethnically clustered (villages): a logit-normal EA share around the province's.
    ea_min = _expit(_logit(np.clip(base_min, 1e-4, 0.999)) - 0.9 + re["minority"])

    counts = np.asarray(households_per_ea, dtype=np.int64)
    ea_of = np.repeat(np.arange(n_ea), counts)
    n = len(ea_of)
    starts = np.cumsum(counts) - counts
    hh2 = np.arange(n) - np.repeat(starts, counts) + 1
    urban = hh6[ea_of] == 1
    region = hh7[ea_of]
    minority = rng.random(n) < ea_min[ea_of]
    wscore = (
        _REGION_WEALTH[region]
        + 0.7 * urban
        - 0.9 * minority
        + re["wealth"][ea_of]
        + rng.normal(0.0, 0.8, n)
    )

    # --- household structure: father, mother, grandparents, children, other adults
    mother = rng.random(n) < 0.86
    father = np.where(mother, rng.random(n) < 0.88, rng.random(n) < 0.2)
    age_m = np.floor(18 + 57 * rng.beta(1.6, 1.9, n)).astype(np.int64)
    lam = (
        (1.7 + 0.6 * minority + 0.2 * ~urban)
        * np.clip((age_m - 18) / 7, 0, 1)
        * np.clip((60 - age_m) / 12, 0, 1)
    )
    lam = np.where(mother | father, lam, 0.7 * lam)
    n_kid = rng.poisson(lam)
    gp_p = np.where(age_m < 35, 0.3, 0.12) + 0.5 * ~(mother | father)
    n_gp = np.where((rng.random(n) < gp_p) & (age_m <= 58), 1 + (rng.random(n) < 0.5), 0)
    n_gp = np.where(~mother & ~father & (n_gp == 0), 1, n_gp)
    n_oth = rng.poisson(0.22, n)
    size = father.astype(np.int64) + mother + n_gp + n_kid + n_oth

    def rep(k: I64 | B) -> I64:
        return np.repeat(np.arange(n), np.asarray(k, dtype=np.int64))

    hid_f, hid_m, hid_g, hid_k, hid_o = rep(father), rep(mother), rep(n_gp), rep(n_kid), rep(n_oth)
    age_f = np.clip(age_m[hid_f] + np.round(rng.normal(2.5, 3.0, len(hid_f))), 18, 95)
    g_rank = np.arange(len(hid_g)) - np.repeat(np.cumsum(n_gp) - n_gp, n_gp)
    age_g = np.clip(age_m[hid_g] + rng.integers(24, 34, len(hid_g)), 45, 95)
    lo = np.maximum(0, age_m[hid_k] - 44)
    hi = np.minimum(age_m[hid_k] - 18, 25)
    age_k = lo + np.floor(rng.random(len(hid_k)) * (hi - lo + 1))
    age_o = rng.integers(18, 46, len(hid_o))
    sex_g = np.where(g_rank == 0, np.where(rng.random(len(hid_g)) < 0.65, 2, 1), 1)
    hid = np.concatenate([hid_f, hid_m, hid_g, hid_k, hid_o])
    role = np.concatenate(
        [np.full(len(h), r) for r, h in enumerate((hid_f, hid_m, hid_g, hid_k, hid_o))]
    )
    age = np.concatenate([age_f, age_m[hid_m], age_g, age_k, age_o]).astype(np.int64)
    sex = np.concatenate(
        [
            np.ones(len(hid_f)),
            np.full(len(hid_m), 2.0),
            sex_g,
            np.where(rng.random(len(hid_k)) < 0.52, 1.0, 2.0),
            np.where(rng.random(len(hid_o)) < 0.5, 1.0, 2.0),
        ]
    )
    order = np.lexsort((-age, role, hid))
    hid, role, age, sex = hid[order], role[order], age[order], sex[order]
    m = len(hid)
    line = np.arange(m) - np.repeat(np.cumsum(size) - size, size) + 1
    p_urban, p_min, p_w = urban[hid], minority[hid], wscore[hid]
    p_ea = ea_of[hid]

    # --- education: attainment of everyone (used 15+), schooling of members 3+
    edu_lat = 0.7 * p_w + 0.4 * p_urban - 0.7 * p_min + (2.3 - 0.045 * age) + rng.normal(0, 1, m)
    edu = np.digitize(edu_lat, [-1.3, -0.2, 1.0]).astype(np.float64)
    edu = np.where(age < 11, np.minimum(edu, 1), np.where(age < 15, np.minimum(edu, 2), edu))
    mother_edu = np.full(n, np.nan)
    mother_edu[hid[role == 1]] = edu[role == 1]
    melevel = np.where((age < 18) & (role == 3), mother_edu[hid], np.nan)
    p_ever = np.select(
        [age < 3, age <= 5, age <= 24], [0.0, 0.85, 0.98 - 0.03 * p_min], 0.35 + 0.65 * (edu > 0)
    )
    ed4 = np.where(age >= 3, _yn(rng.random(m) < p_ever), np.nan)
    p_att = np.select(
        [age <= 5, age <= 10, age <= 14, age <= 17, age <= 24],
        [0.92, 0.98, 0.95 - 0.03 * p_min, _expit(1.2 + 0.6 * p_w - 0.4 * p_min), 0.3 + 0.1 * p_w],
        0.01,
    )
    ed9 = np.where(ed4 == 1, _yn(rng.random(m) < p_att), np.nan)
    lvl = np.select([age <= 5, age <= 10, age <= 14, age <= 17], [0, 1, 2, 3], 4).astype(float)
    lag = (rng.random(m) < 0.08) & (age > 6)
    ed10 = np.where(ed9 == 1, np.maximum(lvl - lag, 0), np.nan)
    disab = np.select([age < 2, age <= 4, age <= 17], [0.0, 0.03, 0.07], 0.04)
    disab_b = rng.random(m) < disab
    disability = np.where((age >= 2) & (age <= 17), _yn(disab_b), np.nan)

    ids = {"HH1": eas["HH1"].to_numpy(np.int64)[ea_of], "HH2": hh2}
    hl = pd.DataFrame(
        {
            "HH1": ids["HH1"][hid],
            "HH2": hh2[hid],
            "HL1": line,
            "HL4": sex,
            "HL6": age.astype(np.float64),
            "ED4": ed4,
            "ED9": ed9,
            "ED10": ed10,
            "melevel": melevel,
            "disability": disability,
            "_hid": hid,
        }
    )

    hh = _households(rng, n, urban, region, minority, wscore, re, ea_of, hid, age, disab_b)
    hh_frame = pd.DataFrame(
        {
            "HH1": ids["HH1"],
            "HH2": hh2,
            "stratum": hh7[ea_of] * 10 + hh6[ea_of],
            "HH6": hh6[ea_of],
            "HH7": hh7[ea_of],
            "province": prov[ea_of].astype(str),
            "ethnicity": np.where(minority, 2.0, 1.0),
            "HH48": size.astype(np.float64),
            **hh,
            "_hid": np.arange(n),
            "_wscore": wscore,
        }
    )

    def base(sel: B) -> dict[str, npt.NDArray[np.generic]]:
        return {
            "HH1": ids["HH1"][hid[sel]],
            "HH2": hh2[hid[sel]],
            "LN": line[sel],
            "HL4": sex[sel],
            "_hid": hid[sel],
        }

    harsh = rng.normal(0.0, 1.0, n) + re["harsh"][ea_of]  # shared by the children of a home
    ctx = _Ctx(rng, p_w, p_urban, p_min, p_ea, region[hid], harsh[hid], re)
    u5 = age < 5
    ch = pd.DataFrame({**base(u5), **_children_u5(ctx, u5, age, sex, melevel, disability)})
    k517 = (age >= 5) & (age <= 17)
    fs = pd.DataFrame({**base(k517), **_children_517(ctx, k517, age, sex, melevel, disability)})
    women = (sex == 2) & (age >= 15) & (age <= 49)
    men = (sex == 1) & (age >= 15) & (age <= 49)
    wm = pd.DataFrame({**base(women), **_adults(ctx, women, age, edu, disab_b, "")})
    mn = pd.DataFrame({**base(men), **_adults(ctx, men, age, edu, disab_b, "M")})
    return {"hh": hh_frame, "hl": hl, "ch": ch, "fs": fs, "wm": wm, "mn": mn}


class _Ctx:
    """Person-level covariates shared by the module simulators."""

    def __init__(
        self,
        rng: np.random.Generator,
        w: F,
        urban: B,
        minority: B,
        ea: I64,
        region: I64,
        harsh: F,
        re: dict[str, F],
    ) -> None:
        self.rng, self.w, self.urban, self.min, self.ea = rng, w, urban, minority, ea
        self.region, self.harsh, self.re = region, harsh, re

    def sub(self, sel: B) -> tuple[F, B, B, I64, I64, F]:
        """Covariates of the selected persons."""
        return (
            self.w[sel],
            self.urban[sel],
            self.min[sel],
            self.ea[sel],
            self.region[sel],
            self.harsh[sel],
        )


def _households(
    rng: np.random.Generator,
    n: int,
    urban: B,
    region: I64,
    minority: B,
    w: F,
    re: dict[str, F],
    ea_of: I64,
    hid: I64,
    age: I64,
    disab: B,
) -> dict[str, F]:
    """Water, sanitation, hygiene, dwelling, assets and social transfers of each household."""
    mod = w + 0.6 * urban + re["wash"][ea_of] + rng.normal(0.0, 0.8, n)
    rrd, nmm, ch_, mrd = region == 1, region == 2, region == 4, region == 6
    one = np.ones(n)
    # (code, intercept, slope on modernity): multinomial logit of the main water source.
    src = [
        (11, 0.0 + 0.8 * urban, 1.2), (12, -1.8 * one, 0.6), (13, -3.2 * one, 0.2),
        (14, -3.4 * one, 0.0), (21, -0.2 - 1.0 * urban, -0.3), (31, -1.6 + 0.6 * ch_, -0.6),
        (32, -2.8 + 0.5 * ch_, -1.0), (41, -3.8 + 2.3 * nmm, -0.6), (42, -4.8 + 2.5 * nmm, -1.0),
        (51, -2.6 + 1.8 * mrd, -0.4), (61, -4.8 * one, 0.0), (71, -5.2 * one, 0.0),
        (81, -4.2 + 1.2 * mrd + 1.0 * nmm, -1.2), (91, -1.2 + 0.6 * urban, 0.7),
        (96, -6.0 * one, 0.0),
    ]  # fmt: skip
    ws1 = _pick(rng, np.stack([a + b * mod for _, a, b in src], 1), tuple(c for c, _, _ in src))
    u = rng.random(n)
    ws3 = np.select(
        [
            np.isin(ws1, (11, 91)),
            ws1 == 12,
            np.isin(ws1, (21, 31, 32, 51, 61, 71)),
        ],
        [one, 2 * one, np.where(u < 0.05, 1.0, np.where(u < 0.88, 2.0, 3.0))],
        3.0,
    )
    piped = ws1 < 20
    ws7 = _yn(rng.random(n) < _expit(-2.2 - 0.3 * mod - 0.3 * piped))
    ws7 = _dk(rng, ws7, 0.008, 8.0)
    p_coli = {11: 0.25, 12: 0.25, 13: 0.35, 14: 0.35, 21: 0.55, 31: 0.6, 32: 0.8, 41: 0.6,
              42: 0.85, 51: 0.6, 61: 0.5, 71: 0.5, 81: 0.95, 91: 0.12, 96: 0.7}  # fmt: skip
    pc = np.zeros(n)
    for code, p in p_coli.items():
        pc[ws1 == code] = p
    pc = _expit(_logit(pc) + 0.3 + re["coli"][ea_of] - 0.2 * w)
    coli = rng.random(n) < pc
    wq27 = np.where(coli, np.minimum(101, 1 + rng.geometric(0.08, n)), 0).astype(np.float64)

    san = [
        (11, -2.6 + 1.5 * urban, 0.6), (12, 1.6 * one, 0.8), (13, -1.6 * one, 0.0),
        (14, -3.2 * one, -0.2), (18, -4.2 * one, 0.0), (21, -4.2 * one, -0.5),
        (22, -0.9 * one, -0.9), (23, -2.2 * one, -1.2), (31, -3.6 + 1.2 * rrd, -0.5),
        (41, -6.5 * one, -1.0), (51, -4.2 + 2.8 * mrd, -1.0),
        (95, -3.8 + 1.4 * nmm + 1.0 * ch_ + 0.8 * minority, -1.3), (96, -6.5 * one, 0.0),
    ]  # fmt: skip
    ws11 = _pick(rng, np.stack([a + b * mod for _, a, b in san], 1), tuple(c for c, _, _ in san))
    shared_p = np.where(np.isin(ws11, (22, 23, 41)), 0.15, 0.06)
    ws15 = np.where(ws11 == 95, np.nan, _yn(rng.random(n) < shared_p))

    hw_logits = np.stack(
        [3.0 + 0.5 * mod, 0.6 * one, -0.2 - 0.6 * mod, -0.3 * one, -1.0 * one], axis=1
    )
    hw1 = _pick(rng, hw_logits, (1, 2, 3, 4, 5))
    seen = hw1 <= 2
    hw2 = np.where(seen, _yn(rng.random(n) < _expit(2.8 + 0.5 * mod)), np.nan)
    hw7 = np.where(seen, _yn(rng.random(n) < _expit(2.9 + 0.7 * mod)), np.nan)

    floor_ = _pick(rng, np.stack([-1.5 - mod, -2.5 * one, -3.0 - mod, 0.5 + mod, 0.8 * one], 1),
                   (11, 21, 22, 33, 34))  # fmt: skip
    roof = _pick(
        rng,
        np.stack([-2.5 - mod, -3.0 - mod, 0.5 * one, 0.3 * one, 0.4 + 0.4 * mod, 0.2 + mod], 1),
        (12, 22, 31, 33, 34, 35),
    )
    walls = _pick(
        rng,
        np.stack([-3.0 - mod, -2.5 - mod, -2.0 * one, 1.0 + 0.5 * mod, 0.5 * one, -1.5 * one], 1),
        (12, 21, 26, 33, 34, 36),
    )
    rooms = 1 + rng.binomial(3, _expit(-0.8 + 0.5 * w))

    # Household composition drives the transfers (pensions for the old, school support).
    has_old = np.zeros(n, dtype=bool)
    has_old[hid[age >= 75]] = True
    has_dis = np.zeros(n, dtype=bool)
    has_dis[hid[disab & (age <= 17)]] = True
    has_pupil = np.zeros(n, dtype=bool)
    has_pupil[hid[(age >= 5) & (age <= 17)]] = True
    sp = re["sp"][ea_of]
    st = {
        "ST3A": _expit(-3.1 - 1.0 * w + 0.9 * minority + sp),
        "ST3B": np.where(has_old, 0.6, 0.03),
        "ST3C": np.full(n, 0.02),
        "ST3D": np.where(has_dis, 0.3, 0.01),
        "ST3E": _expit(-3.6 - 0.6 * w + 0.6 * minority + sp),
        "ST3F": np.full(n, 0.02),
    }
    out: dict[str, F] = {
        "WS1": ws1,
        "WS3": ws3,
        "WS7": ws7,
        "WQ27": wq27,
        "WS11": ws11,
        "WS15": ws15,
        "HW1": hw1,
        "HW2": hw2,
        "HW7": hw7,
        "HC4": floor_,
        "HC5": roof,
        "HC6": walls,
        "HC3": rooms.astype(np.float64),
        "HC7A": _yn(rng.random(n) < 0.08),
        "HC7B": _yn(rng.random(n) < _expit(2.5 + mod)),
        "HC9C": _yn(rng.random(n) < _expit(-1.6 + 1.2 * mod)),
        "HC12": _yn(rng.random(n) < _expit(3.5 + mod)),
    }
    for name, prob in st.items():
        out[name] = _dk(rng, _yn(rng.random(n) < prob), 0.002, 8.0)
    out["ST4"] = _yn(has_pupil & (rng.random(n) < _expit(-3.5 - 0.8 * w + 1.0 * minority + sp)))
    out["ST5"] = _yn(has_pupil & (rng.random(n) < _expit(-3.8 - 0.8 * w + 0.9 * minority + sp)))
    return out


# Violent discipline items: (intercept, loading on harshness, boys' extra, physical?).
_CD = {
    "A": (0.9, 0.3, 0.0, False), "B": (1.8, 0.2, 0.0, False), "C": (-2.0, 0.9, 0.15, True),
    "D": (0.5, 1.0, 0.1, False), "E": (0.0, 0.2, 0.0, False), "F": (-1.2, 1.0, 0.25, True),
    "G": (-2.4, 1.0, 0.3, True), "H": (-2.0, 0.9, 0.1, False), "I": (-4.0, 1.0, 0.2, True),
    "J": (-1.9, 1.0, 0.2, True), "K": (-5.2, 1.0, 0.3, True),
}  # fmt: skip


def _discipline(ctx: _Ctx, sel: B, age: I64, sex: F, asked: B, prefix: str) -> dict[str, F]:
    rng = ctx.rng
    w, _, _, _, region, harsh = ctx.sub(sel)
    a = age[sel]
    boy = sex[sel] == 1
    own = harsh + rng.normal(0.0, 0.6, len(a))  # child-specific part of the caregivers' habit
    age_eff = np.where(a == 1, -0.7, 0.0) - 0.12 * np.maximum(a - 9, 0)
    out: dict[str, F] = {}
    for item, (icpt, load, boys, phys) in _CD.items():
        lin = icpt + load * own - 0.15 * w + 0.1 * (region == 2) + (boys * boy if phys else 0.0)
        lin = lin + (age_eff if item not in "ABE" else 0.0)
        ans = _yn(rng.random(len(a)) < _expit(lin))
        out[f"{prefix}{item}"] = np.where(asked, _dk(rng, ans, 0.002, 9.0), np.nan)
    return out


def _children_u5(ctx: _Ctx, sel: B, age: I64, sex: F, melevel: F, disability: F) -> dict[str, F]:
    rng = ctx.rng
    w, urban, minority, ea, region, _ = ctx.sub(sel)
    re = ctx.re
    k = int(sel.sum())
    cage = (12 * age[sel] + rng.integers(0, 12, k)).astype(np.float64)
    out: dict[str, F] = {"CAGE": cage, "UB2": age[sel].astype(np.float64)}
    out["melevel"], out["disability"] = melevel[sel], disability[sel]

    # Birth registration: answers are what the truth counts (8 = don't know = not registered).
    reg = rng.random(k) < _expit(5.3 - 1.5 * minority + 0.4 * w - 0.9 * (cage < 12) + re["reg"][ea])
    seen = rng.random(k) < 0.78
    no_cert = rng.random(k) < 0.012
    br1 = np.where(reg, np.where(no_cert, 3.0, np.where(seen, 1.0, 2.0)), 3.0)
    br1 = np.where((rng.random(k) < 0.004) | (~reg & (rng.random(k) < 0.15)), 8.0, br1)
    br2_yes = np.where(reg, 1.0, 2.0)
    br2 = np.where(np.isin(br1, (3, 8)), _dk(rng, br2_yes, 0.05, 8.0), np.nan)
    out["BR1"], out["BR2"] = br1, br2
    ins = rng.random(k) < _expit(2.4 + 0.4 * w - 0.3 * minority + 0.5 * re["sp"][ea])
    out["UB9"] = _dk(rng, _yn(ins), 0.01, 8.0)

    out.update(_discipline(ctx, sel, age, sex, age[sel] >= 1, "UCD2"))

    # Anthropometry: latent z-scores; growth faltering over the first two years.
    haz = (
        -0.5
        - 0.025 * np.minimum(cage, 24)
        + 0.3 * w
        - 0.45 * minority
        - 0.15 * (region == 2)
        - 0.15 * (region == 4)
        + re["nut"][ea]
        + rng.normal(0.0, 1.05, k)
    )
    whz = -0.05 + 0.2 * w - 0.1 * minority + 0.2 * urban + rng.normal(0.0, 1.15, k)
    waz = 0.55 * haz + 0.6 * whz + rng.normal(0.0, 0.35, k)
    measured = rng.random(k) >= 0.02
    # Plausible values stay inside the WHO flag limits; flagged ones are outside them.
    for name, z, (lo_f, hi_f) in (
        ("HAZ", np.clip(haz, -5.95, 5.95), (6.05, 9.0)),
        ("WHZ", np.clip(whz, -4.95, 4.95), (5.05, 7.0)),
        ("WAZ", np.clip(waz, -5.95, 4.95), (6.05, 8.0)),
    ):
        flag = rng.random(k) < 0.01  # implausible value, as WHO flags them
        bad = np.where(rng.random(k) < 0.5, -1.0, 1.0) * rng.uniform(lo_f, hi_f, k)
        zz = np.round(np.where(flag, bad, z), 2)
        out[f"{name}2"] = np.where(measured, zz, np.nan)
        out[f"{name}FLAG"] = np.where(measured, flag.astype(np.float64), np.nan)

    # ECDI items, 36-59 months.
    ecd = cage >= 36
    dev = 0.3 * w + 0.35 * (cage - 48) / 12 - 0.3 * minority + rng.normal(0.0, 1.0, k)
    items = {"EC6": -1.3 + dev, "EC7": -2.0 + dev, "EC8": 0.1 + dev, "EC9": 3.5 + 0.5 * dev,
             "EC10": -2.2 - 0.3 * dev, "EC11": 2.0 + 0.8 * dev, "EC12": 1.5 + 0.8 * dev,
             "EC13": 2.2 + 0.5 * dev, "EC14": -1.0 - 0.3 * dev,
             "EC15": -0.8 - 0.3 * dev}  # fmt: skip
    for name, lin in items.items():
        ans = _dk(rng, _yn(rng.random(k) < _expit(lin)), 0.003, 8.0)
        out[name] = np.where(ecd, ans, np.nan)

    # Vaccination: propensity, then the age when the dose would be given.
    prop = rng.normal(0.0, 1.0, k)
    vac_lin = 2.6 + 0.4 * w - 0.9 * minority + re["vac"][ea] + prop
    delay = 1.0 + 0.6 * (w < -0.5)
    for name, icpt, due, shape in (
        ("DTP3", 0.0, 4.0, 1.2),
        ("PCV3", -4.6 + 0.8 * w + 0.8 * urban, 4.0, 1.2),
        ("MCV1", -0.2, 9.0, 1.4),
    ):
        gets = rng.random(k) < _expit(vac_lin + icpt)
        when = due + rng.gamma(shape, 1.4 * delay, k)
        has = gets & (when <= cage)
        card = rng.random(k) < 0.8
        out[name] = _yn(has)
        out[f"{name}_AGEM"] = np.where(has & card, np.floor(when), np.nan)
    return out


def _children_517(ctx: _Ctx, sel: B, age: I64, sex: F, melevel: F, disability: F) -> dict[str, F]:
    rng = ctx.rng
    w, urban, minority, ea, _, _ = ctx.sub(sel)
    re = ctx.re
    a = age[sel].astype(np.float64)
    k = len(a)
    girl = sex[sel] == 2
    out: dict[str, F] = {"CB3": a, "melevel": melevel[sel], "disability": disability[sel]}
    out.update(_discipline(ctx, sel, age, sex, a <= 14, "FCD2"))

    # Economic activity in the reference week.
    act = rng.random(k) < _expit(
        -3.7 + 0.28 * (a - 10) + 0.9 * ~urban + 0.8 * minority - 0.4 * w + re["labour"][ea]
    )
    farm = _expit(np.where(urban, -1.0, 1.0) + 0.0 * a)
    main = _pick(
        rng,
        np.stack([_logit(farm), np.full(k, -0.7), np.full(k, -1.6), np.full(k, -1.2)], 1),
        (0, 1, 2, 3),
    )
    for j, name in enumerate(("CL1A", "CL1B", "CL1C", "CL1X")):
        yes = act & ((main == j) | (rng.random(k) < 0.1))
        out[name] = _yn(yes)
    med = np.select([a <= 11, a <= 14], [4.0, 9.0], 20.0)
    hours = np.clip(np.round(med * np.exp(rng.normal(0.0, 0.9, k))), 1, 84)
    cl3 = np.where(act, hours, np.nan)
    u = rng.random(k)
    out["CL3"] = np.where(act & (u < 0.012), 98.0, np.where(act & (u > 0.996), 99.0, cl3))
    haz_lat = rng.normal(0.0, 1.0, k)
    for name, icpt in (("CL4", -1.2), ("CL5", -1.8), ("CL6A", -2.2), ("CL6B", -1.8),
                       ("CL6C", -3.0), ("CL6D", -3.5), ("CL6E", -3.3), ("CL6X", -4.0)):  # fmt: skip
        out[name] = np.where(act, _yn(rng.random(k) < _expit(icpt + 0.9 * haz_lat)), np.nan)

    # Household chores hours (0 when the child does not do that chore).
    water = rng.random(k) < 0.06 + 0.1 * ~urban + 0.15 * minority
    wood = rng.random(k) < 0.03 + 0.08 * ~urban + 0.3 * minority
    chores = rng.random(k) < 0.8
    cl8 = np.where(water, rng.integers(1, 8, k), 0).astype(np.float64)
    cl10 = np.where(wood, rng.integers(1, 11, k), 0).astype(np.float64)
    ch_med = 3.0 + 0.3 * (a - 5) + 1.5 * girl
    cl13 = np.where(chores, np.clip(np.round(ch_med * np.exp(rng.normal(0, 0.7, k))), 1, 70), 0)
    out["CL8"] = _dk(rng, cl8, 0.002, 98.0)
    out["CL10"] = _dk(rng, cl10, 0.002, 98.0)
    out["CL13"] = _dk(rng, cl13.astype(np.float64), 0.003, 98.0)

    # Foundational learning (ages 7-14; the module result is a survey event).
    fl = (a >= 7) & (a <= 14)
    ml = np.where(np.isnan(melevel[sel]), 1.5, melevel[sel])
    ability = (
        -0.2
        + 0.35 * (a - 10)
        + 0.35 * w
        - 0.6 * minority
        + 0.25 * (ml - 2)
        + re["learn"][ea]
        + rng.normal(0.0, 1.0, k)
    )
    pc = _expit(4.2 + 1.6 * ability + rng.normal(0.0, 0.5, k))
    out["FL_WORDS"] = np.where(fl, float(FL_WORDS), np.nan)
    out["FL_WORDS_CORRECT"] = np.where(fl, rng.binomial(FL_WORDS, pc).astype(np.float64), np.nan)
    for name, icpt in (("FL22A", 3.9), ("FL22B", 3.7), ("FL22C", 3.5), ("FL22D", 2.5),
                       ("FL22E", 2.3)):  # fmt: skip
        out[name] = np.where(fl, _yn(rng.random(k) < _expit(icpt + 1.5 * ability)), np.nan)
    num = 0.8 * ability + rng.normal(0.0, 0.6, k)
    for name, ease in zip(FL_NUM_ITEMS, _FL_TASK_EASE, strict=True):
        out[name] = np.where(fl, _yn(rng.random(k) < _expit(ease + 2.4 * num)), np.nan)
    return out


def _adults(ctx: _Ctx, sel: B, age: I64, edu: F, disab: B, p: str) -> dict[str, F]:
    """Women's (``p=""``) or men's (``p="M"``) questionnaire answers."""
    rng = ctx.rng
    w, urban, minority, ea, _, _ = ctx.sub(sel)
    re = ctx.re
    a = age[sel].astype(np.float64)
    k = len(a)
    lvl = edu[sel]
    male = p == "M"
    out: dict[str, F] = {f"{p}WB4": a, f"{p.lower()}welevel": lvl}
    # Age at first union: later with schooling and wealth, earlier in ethnic minorities.
    # Skewed (log-normal above 13.3): few unions before 15, a long tail of late ones.
    agem = (
        13.3
        + np.exp(
            rng.normal(np.log(7.3), 0.48, k)
            + 0.2 * (lvl - 2)
            + 0.07 * w
            - 0.35 * minority
            + 0.15 * re["marr"][ea]
        )
        + (3.5 if male else 0.0)
    )
    never = rng.random(k) < 0.05
    ever = ~never & (np.floor(agem) <= a)
    formerly = ever & (rng.random(k) < 0.03 + 0.003 * np.maximum(a - agem, 0))
    out[f"{p}MSTATUS"] = np.where(ever, np.where(formerly, 2.0, 1.0), 3.0)
    out[f"{p}WAGEM"] = np.where(ever, np.floor(agem), np.nan)
    skill = (
        1.0 * (lvl - 2)
        + 0.5 * w
        + 0.5 * urban
        - 0.05 * np.maximum(a - 22, 0)
        + (0.15 if male else 0.0)
        + re["ict"][ea]
        + rng.normal(0.0, 1.0, k)
    )
    ease = {"A": -1.7, "B": -1.6, "C": -2.9, "D": -3.9, "E": -3.2, "F": -2.9, "G": -3.5,
            "H": -1.9, "I": -5.9}  # fmt: skip
    for item in MT_ITEMS:
        out[f"{p}MT6{item}"] = _yn(rng.random(k) < _expit(ease[item] + 1.6 * skill))
    out[f"{p.lower()}disability"] = _yn(disab[sel])
    return out
