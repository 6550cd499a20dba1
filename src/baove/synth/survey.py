"""A deterministic synthetic Viet Nam-like MICS survey whose population values are known.

The six files (``hh``, ``hl``, ``ch``, ``fs``, ``wm``, ``mn``) follow ``docs/survey-schema.md``
variable for variable. Nothing here is real personal data.

Design
    A finite population of enumeration areas (EAs) in 12 strata (6 regions x urban/rural),
    34 provinces (2025 codes). Each EA has a frame size ``mos`` (80-200 households, as in an
    old census frame) and a listed size (``mos`` x 0.85-1.25: the frame is out of date, so
    weights vary within a stratum, as in real surveys). Stage 1 selects EAs by systematic PPS
    on ``mos`` within each stratum (frame ordered by province: implicit stratification);
    stage 2 takes 20 listed households per EA by simple random sampling. EAs are allocated
    to strata in proportion to ``mos_h ** 0.7`` (between proportional and equal), at least 2
    per stratum, capped so that no EA is larger than the sampling interval.
    ``HH1`` numbers the selected EAs 1..n in frame order, ``HH2`` the households 1..20.

Weights (not normalised: they sum to population counts, so totals and rates per 100,000
are estimable; MICS normalises, which changes no proportion)
    * design weight = 1 / (P(EA) x P(household | EA)) = ``mos_h / (n_h mos_i) x size_i / 20``.
    * ``hhweight`` = design weight x household non-response adjustment of the stratum
      (design-weighted households selected / completed); 0 when ``HH46 != 1``. Hence the
      sum of ``hhweight`` in a stratum equals the sum of design weights of all its selected
      households, a Horvitz-Thompson estimate of the stratum's listed households.
    * ``chweight``/``wmweight``/``mnweight`` = ``hhweight`` x non-response adjustment of the
      stratum for that questionnaire (``hhweight``-weighted eligible / completed); 0 when the
      result code is not 1.
    * ``fsweight`` = ``hhweight`` x number of children 5-17 in the household (one of them is
      selected at random), with no further adjustment: ``FS17`` and ``FL28`` non-response
      are missing completely at random, so weighted proportions stay unbiased.
    * ``wqsweight``: 3 of the 20 households per EA form the water-quality subsample;
      ``hhweight`` x completed households of the EA / completed subsample households of the
      EA, NaN outside the subsample.
    * Non-response is random within stratum (rates vary by stratum and questionnaire).

Files
    Non-completed households keep their design variables, ``HH46`` and ``hhweight`` = 0, all
    else NaN, and have no members in the other files. Non-completed individual interviews
    keep the listing information (sex, age, ``melevel``) and their result code; all
    questionnaire items (``disability`` included) are NaN. ``windex5`` is computed as MICS
    does, from the completed households' (latent) wealth score with quintile cut-offs that
    split the weighted household population (``hhweight x HH48``) into fifths. Men's
    variables follow MICS6 names: ``MWM17``, ``MWB4``, ``mwelevel``, ``MMSTATUS``,
    ``MWAGEM``, ``MMT6A-I``, ``mdisability``. ``CL8``/``CL10``/``CL13`` are 0 when the child
    does not do that chore.

Truth (``Survey.truth``; :func:`population_truth`)
    Computed here, independently of the indicator catalogue, over ALL eligible persons of
    the finite population, as if every interview were completed: the population holds every
    answer each person would give (including "don't know" answers, implausible z-scores,
    unmeasured children and unobserved handwashing places); the survey adds only selection
    and non-response. Conventions (proportions in [0, 1]):

    * Don't know / missing codes (8, 9; 97-99 hours) never satisfy a condition and keep the
      person in the denominator; unknown hours (``CL3``, chores) count as 0 hours.
    * ``vd_*``: children 1-14 (``UCD2*`` of ages 1-4, ``FCD2*`` of ages 5-14); any = C, D, F,
      G, H, I, J or K; psychological = D or H; physical = C, F, G, I, J or K; severe = I or K.
    * ``cl_sdg``: children 5-17 with economic activity over the age threshold (5-11: >= 1
      hour, 12-14: >= 14, 15-17: >= 43) or, at 5-14, chores ``CL8+CL10+CL13`` >= 21 hours;
      ``cl_hazardous`` adds economically active children with any of ``CL4``, ``CL5``,
      ``CL6A-E,X`` = 1.
    * ``birth_reg``: under 5, ``BR1`` in (1, 2) or ``BR2`` = 1. ``health_ins``: ``UB9`` = 1.
    * ``cm_u15``/``cm_u18``: women 20-24 with ``WAGEM`` < 15 / < 18 (never married: no).
    * ``ict_f_15_24``/``ict_m_15_24``: women/men 15-24 with any of ``MT6A-I`` = 1.
    * ``stunting``/``wasting``/``overweight``: under 5 with a measured, unflagged z-score
      (``HAZ2 < -2``; ``WHZ2 < -2``; ``WHZ2 > 2``).
    * ``dtp3``: children 12-23 months (``CAGE``) with ``DTP3`` = 1 (crude).
    * ``socprot``: household members under 18 in households with any ``ST3A-F``, ``ST4`` or
      ``ST5`` = 1.
    * ``fl_reading``/``fl_numeracy``: children 7-14; reading = words correct >= 90% and all
      five ``FL22`` = 1; numeracy = all 21 ``FL23-FL27`` items = 1.
    * ``water_safely_managed`` (share of persons): improved source (``WS1`` not 32, 42, 81,
      96), on premises (``WS3`` 1 or 2), available (``WS7`` = 2), ``WQ27`` = 0 (every
      household has a latent E. coli count; the survey measures it in the subsample).
      ``sanitation_basic``: improved facility (11, 12, 13, 18, 21, 22, 31) and ``WS15`` = 2.
      ``handwashing_basic``: ``HW1`` in (1, 2) with ``HW2`` = 1 and ``HW7`` = 1, among
      persons whose household's place was observed or absent (``HW1`` 1-3), as MICS.

Large samples (``fast``): the selected EAs are simulated directly (no finite population,
``truth`` None): their ``mos`` is drawn size-biased (P proportional to ``mos``, what PPS
selection yields) and the stratum's frame total is ``population_factor x households`` times
the stratum's share of Viet Nam's households. The behavioural model is the same
(:mod:`baove.synth.survey_model`).

Sampling errors: about ``7.3 / population_factor`` of the EAs of the population are
selected (half of them with the default factor); the with-replacement (no FPC) variance
estimator MICS uses is then conservative (coverage above the nominal rate). Use a larger
factor when a coverage study needs the nominal rate.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from baove.synth.survey_model import (
    CD_ITEMS,
    FL_NUM_ITEMS,
    MT_ITEMS,
    ST_ITEMS,
    province_shares,
    simulate,
)

__all__ = [
    "FILES",
    "HH_PER_EA",
    "TRUTH_IDS",
    "Population",
    "Survey",
    "draw_sample",
    "generate_population",
    "generate_survey",
    "main",
    "population_truth",
    "write_survey",
]

F = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

FILES = ("hh", "hl", "ch", "fs", "wm", "mn")
HH_PER_EA = 20
WQ_PER_EA = 3
FAST_ABOVE = 200_000  # samples larger than this skip the finite population by default
TRUTH_IDS = (
    "vd_any", "vd_psychological", "vd_physical", "vd_severe", "cl_sdg", "cl_hazardous",
    "birth_reg", "health_ins", "cm_u15", "cm_u18", "ict_f_15_24", "ict_m_15_24", "stunting",
    "wasting", "overweight", "dtp3", "socprot", "fl_reading", "fl_numeracy",
    "water_safely_managed", "sanitation_basic", "handwashing_basic",
)  # fmt: skip
_DESIGN = ("HH1", "HH2", "stratum", "HH6", "HH7", "province", "windex5", "ethnicity")
#: Listing information kept on non-completed individual interviews.
_LISTING = frozenset({"LN", "HL4", "CAGE", "UB2", "CB3", "WB4", "MWB4", "melevel", "_hid"})
_MEAN_MOS = 140.0


@dataclass(frozen=True)
class Population:
    """A finite population: EAs (the sampling frame) and every person's answers.

    Attributes:
        eas: one row per EA: ``HH1``, ``stratum``, ``HH6``, ``HH7``, ``province``, ``mos``
            (frame size) and ``size`` (listed households), ordered by stratum and province.
        frames: the answers, one frame per MICS file (:func:`survey_model.simulate`).
        seed: the seed it was generated from.
    """

    eas: pd.DataFrame
    frames: dict[str, pd.DataFrame]
    seed: int

    @functools.cached_property
    def truth(self) -> dict[str, float]:
        """The population values of the key indicators (:func:`population_truth`)."""
        return population_truth(self.frames)


@dataclass(frozen=True)
class Survey:
    """A drawn sample: the six MICS files and, when known, the population truth."""

    files: dict[str, pd.DataFrame]
    truth: dict[str, float] | None
    households: int
    seed: int


def _rng(seed: int, stream: int) -> np.random.Generator:
    # Separate streams: the population and the sample do not share random numbers.
    return np.random.default_rng(np.random.SeedSequence([seed, stream]))


def generate_population(*, households: int = 200_000, seed: int = 0) -> Population:
    """Simulate a finite population of about ``households`` households.

    Args:
        households: target number of households (EAs hold ~150 each).
        seed: random seed; the same seed gives the same population.

    Returns:
        The population (its ``truth`` is computed on first access).
    """
    rng = _rng(seed, 1)
    parts = []
    for stratum, (provs, shares) in sorted(province_shares().items()):
        n_ea = max(8, round(shares.sum() * households / (_MEAN_MOS * 1.05)))
        prov = rng.choice(np.array(provs), size=n_ea, p=shares / shares.sum())
        mos = rng.integers(80, 201, n_ea)
        parts.append(
            pd.DataFrame(
                {
                    "stratum": stratum,
                    "HH6": stratum % 10,
                    "HH7": stratum // 10,
                    "province": prov,
                    "mos": mos,
                }
            ).sort_values("province", kind="stable")
        )
    eas = pd.concat(parts, ignore_index=True)
    eas["size"] = np.maximum(20, np.round(eas["mos"] * rng.uniform(0.85, 1.25, len(eas))))
    eas["size"] = eas["size"].astype(np.int64)
    eas.insert(0, "HH1", np.arange(1, len(eas) + 1))
    frames = simulate(eas, eas["size"].to_numpy(np.int64), rng)
    return Population(eas=eas, frames=frames, seed=seed)


def _allocate(mos_h: F, cap: I64, n_total: int) -> I64:
    """EAs per stratum: proportional to ``mos_h ** 0.7``, at least 2, at most ``cap``."""
    if n_total > cap.sum() or (cap < 2).any():
        raise ValueError(
            f"the population is too small for {n_total} EAs (room for {int(cap.sum())}); "
            "use more population households"
        )
    n = np.full(len(mos_h), 2, dtype=np.int64)
    free = np.ones(len(mos_h), dtype=bool)
    # Water-filling: strata that would exceed their cap get it, the rest share what is left.
    while True:
        left = n_total - n[~free].sum()
        size = mos_h**0.7 * free
        want = np.maximum(left * size / size.sum(), 2.0)
        over = free & (want > cap)
        if not over.any():
            break
        n[over] = cap[over]
        free &= ~over
    # Largest remainders, so the total is exact.
    base = np.floor(want[free]).astype(np.int64)
    rest = left - base.sum()
    frac = want[free] - base
    base[np.argsort(-frac, kind="stable")[: max(rest, 0)]] += 1
    n[free] = np.minimum(base, cap[free])
    while n.sum() < n_total:  # a rounded-up stratum hit its cap: give the EA elsewhere
        n[np.argmax(np.where(n < cap, mos_h**0.7 / n, -1.0))] += 1
    return n


def _systematic_pps(rng: np.random.Generator, mos: F, n: int) -> I64:
    """Systematic PPS: indices of ``n`` units selected with probability ``n mos_i / sum``.

    Written here (not samplics' ``SampleSelection``) because it is three numpy lines, runs per
    stratum without a data-frame round trip, and needs every ``mos_i`` below the interval,
    which :func:`_allocate` guarantees.
    """
    cum = np.cumsum(mos)
    step = cum[-1] / n
    points = rng.uniform(0.0, step) + step * np.arange(n)
    return np.asarray(np.searchsorted(cum, points, side="right"), dtype=np.int64)


def draw_sample(population: Population, *, households: int = 14_000, seed: int = 0) -> Survey:
    """Draw the two-stage sample from a finite population and field the survey.

    Args:
        population: the finite population.
        households: sample size; rounded to a multiple of 20 (20 households per EA), at least
            480 (2 EAs in each of the 12 strata).
        seed: random seed of the sample (independent of the population's).

    Returns:
        The survey, with the population truth.
    """
    rng = _rng(seed, 2)
    eas = population.eas
    n_ea = max(24, round(households / HH_PER_EA))
    strata = np.sort(eas["stratum"].unique())
    mos = eas["mos"].to_numpy(np.float64)
    s_idx = np.searchsorted(strata, eas["stratum"].to_numpy())
    mos_h = np.asarray(np.bincount(s_idx, weights=mos), dtype=np.float64)
    cap = np.floor(mos_h / np.maximum.reduceat(mos, np.r_[0, np.flatnonzero(np.diff(s_idx)) + 1]))
    alloc = _allocate(mos_h, cap.astype(np.int64), n_ea)
    chosen: list[I64] = []
    p_ea = np.zeros(len(eas))
    for h in range(len(strata)):
        rows = np.flatnonzero(s_idx == h)
        chosen.append(rows[_systematic_pps(rng, mos[rows], int(alloc[h]))])
        p_ea[rows] = alloc[h] * mos[rows] / mos_h[h]
    sel = np.sort(np.concatenate(chosen))
    if len(np.unique(sel)) != len(sel):  # cannot happen when mos_i < interval; guard anyway
        raise RuntimeError("an EA was selected twice")
    size = eas["size"].to_numpy(np.int64)

    # Stage 2: 20 households per selected EA, by simple random sampling (random keys).
    hh = population.frames["hh"]
    ea_row = np.repeat(np.arange(len(eas)), size)  # households are stored EA by EA
    in_sel = np.isin(ea_row, sel)
    cand = np.flatnonzero(in_sel)
    keys = rng.random(len(cand))
    order = np.lexsort((keys, ea_row[cand]))
    cand = cand[order]
    rank = np.arange(len(cand)) - np.searchsorted(ea_row[cand], ea_row[cand], side="left")
    picked = np.sort(cand[rank < HH_PER_EA])  # population hid, in frame/listing order
    dw = 1.0 / (p_ea[ea_row[picked]] * HH_PER_EA / size[ea_row[picked]])

    new = np.full(len(hh), -1, dtype=np.int64)
    new[picked] = np.arange(len(picked))
    frames: dict[str, pd.DataFrame] = {}
    cluster = np.searchsorted(sel, ea_row[picked]) + 1
    for name, frame in population.frames.items():
        h_old = frame["_hid"].to_numpy(np.int64)
        mask = new[h_old] >= 0
        sub = frame.loc[mask].reset_index(drop=True)
        sub["_hid"] = new[h_old[mask]]
        frames[name] = sub
    frames["hh"]["HH1"] = cluster
    frames["hh"]["HH2"] = np.tile(np.arange(1, HH_PER_EA + 1), len(sel))
    files = _field(frames, dw, rng)
    return Survey(files=files, truth=population.truth, households=len(picked), seed=seed)


def _fast_sample(households: int, seed: int, population_factor: float) -> Survey:
    """Simulate only the selected EAs (no finite population, no truth)."""
    rng = _rng(seed, 3)
    n_ea = max(24, round(households / HH_PER_EA))
    shares = sorted(province_shares().items())
    frame_total = households * population_factor
    mos_h = np.array([s.sum() * frame_total for _, (_, s) in shares])
    alloc = _allocate(mos_h, np.floor(mos_h / 200).astype(np.int64), n_ea)
    sizes = np.arange(80, 201)
    parts = []
    for (stratum, (provs, s)), n_h in zip(shares, alloc, strict=True):
        # PPS selects an EA of frame size m with probability proportional to m.
        mos = rng.choice(sizes, size=int(n_h), p=sizes / sizes.sum())
        prov = rng.choice(np.array(provs), size=int(n_h), p=s / s.sum())
        parts.append(
            pd.DataFrame(
                {
                    "stratum": stratum,
                    "HH6": stratum % 10,
                    "HH7": stratum // 10,
                    "province": prov,
                    "mos": mos,
                    "mos_h": s.sum() * frame_total,
                    "n_h": n_h,
                }
            ).sort_values("province", kind="stable")
        )
    eas = pd.concat(parts, ignore_index=True)
    size = np.maximum(20, np.round(eas["mos"] * rng.uniform(0.85, 1.25, len(eas))))
    eas.insert(0, "HH1", np.arange(1, len(eas) + 1))
    frames = simulate(eas, np.full(len(eas), HH_PER_EA, dtype=np.int64), rng)
    p_ea = eas["n_h"].to_numpy(np.float64) * eas["mos"] / eas["mos_h"]
    dw = np.repeat(np.asarray(size / (p_ea * HH_PER_EA), dtype=np.float64), HH_PER_EA)
    files = _field(frames, dw, rng)
    return Survey(files=files, truth=None, households=len(dw), seed=seed)


def generate_survey(
    *,
    households: int = 14_000,
    seed: int = 0,
    population_factor: float = 15.0,
    fast: bool | None = None,
) -> Survey:
    """Generate a MICS-style survey (the six files) and its population truth.

    Args:
        households: sample size (rounded to a multiple of 20, at least 480).
        seed: random seed; the same arguments give the same files bit for bit.
        population_factor: population households per sample household (>= 12).
        fast: simulate the selected EAs only (truth None); default: when ``households`` >
            200,000.

    Returns:
        The survey.
    """
    if fast is None:
        fast = households > FAST_ABOVE
    if fast:
        return _fast_sample(households, seed, population_factor)
    if population_factor < 12:
        # Systematic PPS without certainty units needs every EA below the sampling
        # interval; with EAs of 80-200 households that takes about 12 times the sample.
        raise ValueError("population_factor must be at least 12")
    pop = generate_population(households=round(households * population_factor), seed=seed)
    return draw_sample(pop, households=households, seed=seed)


# ----------------------------------------------------------------------------- fieldwork
def _nonresponse(stratum: I64, extra: float) -> F:
    # Stratum-specific rates: urban strata and the South East answer less often.
    rate = 0.015 + 0.02 * (stratum % 10 == 1) + 0.01 * (stratum // 10 == 5) + extra
    return np.asarray(rate, dtype=np.float64)


def _result(rng: np.random.Generator, p_fail: F, codes: tuple[int, ...]) -> I64:
    fail = rng.random(len(p_fail)) < p_fail
    other = np.asarray(codes, dtype=np.int64)[rng.integers(0, len(codes), len(p_fail))]
    return np.where(fail, other, 1)


def _adjust(w: F, stratum: I64, done: B) -> F:
    """Weights of the completed cases, scaled within stratum to carry the others' weight."""
    _, s = np.unique(stratum, return_inverse=True)
    tot = np.bincount(s, weights=w)
    got = np.bincount(s, weights=w * done)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(got > 0, tot / got, 0.0)
    return np.where(done, w * factor[s], 0.0)


def _blank(frame: pd.DataFrame, keep: B, protect: frozenset[str]) -> None:
    for col in frame.columns:
        if col not in protect and col not in _DESIGN:
            frame.loc[~keep, col] = np.nan


def _weighted_quintile(x: F, w: F) -> F:
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    cuts = x[order][np.searchsorted(cum, [0.2, 0.4, 0.6, 0.8])]
    return (1 + np.searchsorted(cuts, x, side="left")).astype(np.float64)


def _field(
    frames: dict[str, pd.DataFrame], dw: F, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """Interview the sampled households: results, weights, subsamples, design variables."""
    hh = frames["hh"].copy()
    n = len(hh)
    stratum = hh["stratum"].to_numpy(np.int64)
    hh46 = _result(rng, _nonresponse(stratum, 0.01), (2, 2, 3, 4, 4, 5, 7))
    done = hh46 == 1
    hhw = _adjust(dw, stratum, done)
    hh.insert(list(hh.columns).index("HH48"), "HH46", hh46)
    hh["hhweight"] = hhw
    wq = np.zeros(n, dtype=bool)
    n_ea = n // HH_PER_EA
    pick = np.argsort(rng.random((n_ea, HH_PER_EA)), axis=1)[:, :WQ_PER_EA]
    wq[(pick + HH_PER_EA * np.arange(n_ea)[:, None]).ravel()] = True
    ea = np.arange(n) // HH_PER_EA
    done_ea = np.bincount(ea, weights=done, minlength=n_ea)
    wq_ea = np.bincount(ea, weights=wq & done, minlength=n_ea)
    wq_done = wq & done & (wq_ea[ea] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        hh["wqsweight"] = np.where(wq_done, hhw * done_ea[ea] / wq_ea[ea], np.nan)
    windex = np.full(n, np.nan)
    wsc = hh["_wscore"].to_numpy(np.float64)
    windex[done] = _weighted_quintile(wsc[done], hhw[done] * hh["HH48"].to_numpy()[done])
    hh["windex5"] = windex
    _blank(hh, done, frozenset({"HH46", "hhweight", "wqsweight", "_hid", "_wscore"}))
    hh.loc[~wq_done, "WQ27"] = np.nan

    hh.loc[~done, "ethnicity"] = np.nan
    design = {c: hh[c].to_numpy() for c in _DESIGN}

    def members(name: str) -> pd.DataFrame:
        f = frames[name]
        f = f.loc[done[f["_hid"].to_numpy(np.int64)]].reset_index(drop=True)
        h = f["_hid"].to_numpy(np.int64)
        head = {c: design[c][h] for c in _DESIGN}
        rest = f.drop(columns=[c for c in ("HH1", "HH2") if c in f.columns])
        joined: pd.DataFrame = pd.concat([pd.DataFrame(head), rest], axis=1)
        return joined

    hl = members("hl")
    hl["hhweight"] = hhw[hl["_hid"].to_numpy(np.int64)]

    out = {"hh": hh, "hl": hl}
    for name, result, weight, extra in (
        ("ch", "UF17", "chweight", 0.01),
        ("wm", "WM17", "wmweight", 0.03),
        ("mn", "MWM17", "mnweight", 0.07),
    ):
        f = members(name)
        h = f["_hid"].to_numpy(np.int64)
        res = _result(rng, _nonresponse(f["stratum"].to_numpy(np.int64), extra), (2, 3, 4, 5, 6))
        ok = res == 1
        f.insert(len(_DESIGN) + 1, result, res)
        _blank(f, ok, _LISTING | {result})
        f[weight] = _adjust(hhw[h], f["stratum"].to_numpy(np.int64), ok)
        out[name] = f

    # One child 5-17 per household, at random; fsweight = hhweight x children 5-17.
    f = members("fs")
    h = f["_hid"].to_numpy(np.int64)
    order = np.lexsort((rng.random(len(f)), h))
    first = np.unique(h[order], return_index=True)[1]
    n517 = np.bincount(h, minlength=n)
    f = f.iloc[np.sort(order[first])].reset_index(drop=True)
    h = f["_hid"].to_numpy(np.int64)
    fs17 = _result(rng, np.full(len(f), 0.035), (2, 3, 4, 5, 6))
    ok = fs17 == 1
    f.insert(len(_DESIGN) + 1, "FS17", fs17)
    age = f["CB3"].to_numpy(np.float64)
    fl_age = (age >= 7) & (age <= 14) & ok
    fl28 = np.where(fl_age, _result(rng, np.full(len(f), 0.04), (2, 3, 6)), np.nan)
    fl_cols = [c for c in f.columns if c.startswith("FL")]
    f.loc[fl28 != 1, fl_cols] = np.nan
    f.insert(list(f.columns).index("FL_WORDS"), "FL28", fl28)
    _blank(f, ok, _LISTING | {"FS17", "FL28"})
    f["fsweight"] = hhw[h] * n517[h]
    out["fs"] = f

    out["hh"] = hh[[*_DESIGN, *(c for c in hh.columns if c not in _DESIGN)]]
    for name, frame in out.items():
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
        for c in ("HH6", "HH7", "stratum", "HH1", "HH2"):
            frame[c] = frame[c].astype(np.int64)
        out[name] = frame.reset_index(drop=True)
    return {name: out[name] for name in FILES}


# ----------------------------------------------------------------------------- truth
def _share(num: B, den: B) -> float:
    d = int(den.sum())
    return float((num & den).sum() / d) if d else float("nan")


def _yes(frame: pd.DataFrame, cols: Sequence[str]) -> B:
    return np.asarray((frame[list(cols)].to_numpy(np.float64) == 1).any(axis=1))


def population_truth(frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Compute the population values of the key indicators from complete answer frames.

    Args:
        frames: every eligible person's answers (``Population.frames``): ``hh`` (with
            ``HH48`` and ``_hid``), ``hl`` (``HL6``, ``_hid``), ``ch``, ``fs``, ``wm``, ``mn``.

    Returns:
        Proportions keyed by :data:`TRUTH_IDS`; conventions in the module docstring.
    """
    ch, fs, wm, mn, hh, hl = (frames[k] for k in ("ch", "fs", "wm", "mn", "hh", "hl"))
    t: dict[str, float] = {}
    u_age = ch["UB2"].to_numpy(np.float64)
    k_age = fs["CB3"].to_numpy(np.float64)
    vd_den = np.concatenate([(u_age >= 1) & (u_age <= 4), (k_age >= 5) & (k_age <= 14)])
    for key, items in (
        ("vd_any", "CDFGHIJK"),
        ("vd_psychological", "DH"),
        ("vd_physical", "CFGIJK"),
        ("vd_severe", "IK"),
    ):
        num = np.concatenate(
            [_yes(ch, [f"UCD2{c}" for c in items]), _yes(fs, [f"FCD2{c}" for c in items])]
        )
        t[key] = _share(num, vd_den)

    def hours(col: str) -> F:
        x = fs[col].to_numpy(np.float64)
        return np.where(np.isnan(x) | (x >= 97), 0.0, x)

    econ = _yes(fs, ["CL1A", "CL1B", "CL1C", "CL1X"])
    cl3 = hours("CL3")
    thr = np.select([k_age <= 11, k_age <= 14], [1.0, 14.0], 43.0)
    chores = (k_age <= 14) & (hours("CL8") + hours("CL10") + hours("CL13") >= 21)
    cl = (econ & (cl3 >= thr)) | chores
    haz = econ & _yes(fs, ["CL4", "CL5", "CL6A", "CL6B", "CL6C", "CL6D", "CL6E", "CL6X"])
    den517 = (k_age >= 5) & (k_age <= 17)
    t["cl_sdg"] = _share(cl, den517)
    t["cl_hazardous"] = _share(cl | haz, den517)

    u5 = u_age <= 4
    br1, br2 = ch["BR1"].to_numpy(np.float64), ch["BR2"].to_numpy(np.float64)
    t["birth_reg"] = _share(np.isin(br1, (1, 2)) | (br2 == 1), u5)
    t["health_ins"] = _share(ch["UB9"].to_numpy(np.float64) == 1, u5)

    w_age = wm["WB4"].to_numpy(np.float64)
    agem = wm["WAGEM"].to_numpy(np.float64)
    w2024 = (w_age >= 20) & (w_age <= 24)
    t["cm_u15"] = _share(agem < 15, w2024)
    t["cm_u18"] = _share(agem < 18, w2024)
    t["ict_f_15_24"] = _share(_yes(wm, [f"MT6{c}" for c in MT_ITEMS]), w_age <= 24)
    m_age = mn["MWB4"].to_numpy(np.float64)
    t["ict_m_15_24"] = _share(_yes(mn, [f"MMT6{c}" for c in MT_ITEMS]), m_age <= 24)

    haz2, whz2 = ch["HAZ2"].to_numpy(np.float64), ch["WHZ2"].to_numpy(np.float64)
    ok_h = (ch["HAZFLAG"].to_numpy(np.float64) == 0) & ~np.isnan(haz2)
    ok_w = (ch["WHZFLAG"].to_numpy(np.float64) == 0) & ~np.isnan(whz2)
    t["stunting"] = _share(haz2 < -2, ok_h)
    t["wasting"] = _share(whz2 < -2, ok_w)
    t["overweight"] = _share(whz2 > 2, ok_w)
    cage = ch["CAGE"].to_numpy(np.float64)
    t["dtp3"] = _share(ch["DTP3"].to_numpy(np.float64) == 1, (cage >= 12) & (cage <= 23))

    hh_id = hh["_hid"].to_numpy(np.int64)
    any_sp = np.zeros(int(hh_id.max()) + 1, dtype=bool)
    any_sp[hh_id] = _yes(hh, [*ST_ITEMS, "ST4", "ST5"])
    t["socprot"] = _share(any_sp[hl["_hid"].to_numpy(np.int64)], hl["HL6"].to_numpy() < 18)

    fl = (k_age >= 7) & (k_age <= 14)
    words = fs["FL_WORDS"].to_numpy(np.float64)
    right = fs["FL_WORDS_CORRECT"].to_numpy(np.float64)
    comp = (fs[[f"FL22{c}" for c in "ABCDE"]].to_numpy(np.float64) == 1).all(axis=1)
    t["fl_reading"] = _share((right >= 0.9 * words) & comp, fl)
    num_ok = (fs[list(FL_NUM_ITEMS)].to_numpy(np.float64) == 1).all(axis=1)
    t["fl_numeracy"] = _share(num_ok, fl)

    size = hh["HH48"].to_numpy(np.float64)

    def persons(num: B, den: B) -> float:
        return float((size * (num & den)).sum() / (size * den).sum())

    ws1, ws3 = hh["WS1"].to_numpy(np.float64), hh["WS3"].to_numpy(np.float64)
    improved = ~np.isin(ws1, (32, 42, 81, 96)) & ~np.isnan(ws1)
    safe = (
        improved
        & np.isin(ws3, (1, 2))
        & (hh["WS7"].to_numpy(np.float64) == 2)
        & (hh["WQ27"].to_numpy(np.float64) == 0)
    )
    every = np.ones(len(hh), dtype=bool)
    t["water_safely_managed"] = persons(safe, every)
    ws11 = hh["WS11"].to_numpy(np.float64)
    basic_san = np.isin(ws11, (11, 12, 13, 18, 21, 22, 31)) & (hh["WS15"].to_numpy() == 2)
    t["sanitation_basic"] = persons(basic_san, every)
    hw1 = hh["HW1"].to_numpy(np.float64)
    hw_ok = np.isin(hw1, (1, 2)) & (hh["HW2"].to_numpy() == 1) & (hh["HW7"].to_numpy() == 1)
    t["handwashing_basic"] = persons(hw_ok, np.isin(hw1, (1, 2, 3)))
    return {k: t[k] for k in TRUTH_IDS}


# ----------------------------------------------------------------------------- output
_YN: dict[int | float, str] = {1: "Yes", 2: "No", 8: "DK", 9: "Missing"}
_RESULT: dict[int | float, str] = {
    1: "Completed", 2: "Not at home", 3: "Refused", 4: "Partly completed",
           5: "Incapacitated", 6: "Other"}  # fmt: skip
_VALUE_LABELS: dict[str, dict[int | float, str]] = {
    "HH6": {1: "Urban", 2: "Rural"},
    "HH7": {
        1: "Red River Delta",
        2: "Northern Midlands and Mountains",
        3: "North Central and Central Coast",
        4: "Central Highlands",
        5: "South East",
        6: "Mekong River Delta",
    },
    "windex5": {1: "Poorest", 2: "Second", 3: "Middle", 4: "Fourth", 5: "Richest"},
    "ethnicity": {1: "Kinh/Hoa", 2: "Other ethnic groups"},
    "HH46": {
        1: "Completed",
        2: "No household member at home",
        3: "Entire household absent",
        4: "Refused",
        5: "Dwelling vacant",
        7: "Dwelling not found",
    },
    "HL4": {1: "Male", 2: "Female"},
    "BR1": {1: "Yes, seen", 2: "Yes, not seen", 3: "No", 8: "DK"},
    "FL28": {1: "Completed", 2: "Not at home", 3: "Refused", 6: "Incapacitated"},
    "MSTATUS": {
        1: "Currently married/in union",
        2: "Formerly married/in union",
        3: "Never married/in union",
    },
    "HW1": {
        1: "Fixed place observed",
        2: "Mobile object observed",
        3: "Not observed: no place",
        4: "Not observed: no permission",
        5: "Not observed: other reason",
    },
}
_EDU: dict[int | float, str] = {
    0: "None/pre-primary",
    1: "Primary",
    2: "Lower secondary",
    3: "Upper secondary+",
}
for _v in ("melevel", "welevel", "mwelevel"):
    _VALUE_LABELS[_v] = _EDU
for _v in ("UF17", "FS17", "WM17", "MWM17"):
    _VALUE_LABELS[_v] = _RESULT
_VALUE_LABELS["MMSTATUS"] = _VALUE_LABELS["MSTATUS"]
_VALUE_LABELS["MHL4"] = _VALUE_LABELS["HL4"]
_YES_NO_VARS = (
    ["WS7", "WS15", "HW2", "HW7", "HC7A", "HC7B", "HC9C", "HC12", *ST_ITEMS, "ST4", "ST5",
     "ED4", "ED9", "disability", "mdisability", "BR2", "UB9", "DTP3", "PCV3", "MCV1",
     "CL1A", "CL1B", "CL1C", "CL1X", "CL4", "CL5", "CL6A", "CL6B", "CL6C", "CL6D", "CL6E",
     "CL6X", *FL_NUM_ITEMS, *(f"FL22{c}" for c in "ABCDE"),
     *(f"EC{i}" for i in range(6, 16))]
    + [f"{p}{c}" for p in ("UCD2", "FCD2") for c in CD_ITEMS]
    + [f"{p}MT6{c}" for p in ("", "M") for c in MT_ITEMS]
)  # fmt: skip
for _v in _YES_NO_VARS:
    _VALUE_LABELS.setdefault(_v, _YN)


def write_survey(
    survey: Survey, out_dir: Path, *, fmt: Literal["parquet", "csv", "sav"]
) -> list[Path]:
    """Write the six files (``hh.parquet`` ... or ``.csv`` or SPSS ``.sav``) into ``out_dir``.

    Args:
        survey: the survey.
        out_dir: folder (created if missing).
        fmt: ``parquet``, ``csv`` or ``sav`` (SPSS, with value labels, via pyreadstat).

    Returns:
        The paths written, in the order hh, hl, ch, fs, wm, mn.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in FILES:
        frame = survey.files[name]
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, index=False)
        elif fmt == "csv":
            frame.to_csv(path, index=False)
        elif fmt == "sav":
            import pyreadstat  # optional: only the SPSS writer needs it

            labels = {c: v for c, v in _VALUE_LABELS.items() if c in frame.columns}
            pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        paths.append(path)
    return paths


def main(argv: Sequence[str]) -> int:
    """``baove synth survey --households N --seed S --out DIR --format parquet|csv|sav``."""
    parser = argparse.ArgumentParser(
        prog="baove synth survey", description="Write a synthetic MICS-style survey."
    )
    parser.add_argument("--households", type=int, default=14_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=["parquet", "csv", "sav"], default="parquet")
    parser.add_argument("--population-factor", type=float, default=15.0)
    parser.add_argument("--fast", action="store_true", help="skip the finite population")
    args = parser.parse_args(list(argv))
    survey = generate_survey(
        households=args.households,
        seed=args.seed,
        population_factor=args.population_factor,
        fast=True if args.fast else None,
    )
    paths = write_survey(survey, args.out, fmt=args.format)
    if survey.truth is not None:
        import json

        truth_path = args.out / "truth.json"
        truth_path.write_text(json.dumps(survey.truth, indent=2) + "\n", encoding="utf-8")
        paths.append(truth_path)
    for path in paths:
        print(path)
    return 0
