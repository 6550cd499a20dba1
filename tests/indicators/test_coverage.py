"""Do the 95% intervals cover the truth 95% of the time?

The synthetic survey's population is finite and fully simulated, so its indicator values are
known exactly (computed by the generator's own code, not the catalogue's). Repeated samples
from it, each estimated with the catalogue and the engine, must cover those values at close
to the stated rate: too-small standard errors (a design ignored, a domain estimated on a
subset) show up here as under-coverage, too-large ones as over-coverage.
"""

from __future__ import annotations

import pytest

from baove.indicators import compute_survey
from baove.synth.survey import draw_sample, generate_population

IDS = [
    "vd_any", "cl_sdg", "birth_reg", "cm_u18", "stunting", "health_ins", "socprot",
    "ict_f_15_24", "dtp3", "water_safely_managed",
]  # fmt: skip
REPLICATES = 60


@pytest.mark.slow
def test_intervals_cover_the_population_values_at_the_stated_rate() -> None:
    # 600,000 households, 6,000 sampled (300 EAs of ~4,300): few enough EAs drawn that the
    # with-replacement variance is not noticeably conservative.
    population = generate_population(households=600_000, seed=12)
    truth = population.truth
    covered = dict.fromkeys(IDS, 0)
    for replicate in range(REPLICATES):
        sample = draw_sample(population, households=6_000, seed=500 + replicate)
        results = compute_survey(sample.files, ids=IDS, disaggregations=[], lonely_psu="adjust")
        assert len(results) == len(IDS)
        for rec in results.to_dict("records"):
            ind = str(rec["indicator"])
            covered[ind] += int(float(rec["ci_low"]) <= truth[ind] <= float(rec["ci_high"]))
    rate = sum(covered.values()) / (REPLICATES * len(IDS))
    # 600 intervals: a binomial standard error of about 0.9 point around 95%. Standard
    # errors 20% too small would give about 89%, 20% too large about 98.6%.
    assert 0.915 <= rate <= 0.985, covered
    # no single indicator far off (60 intervals each: 80% is about 4 standard errors below)
    assert min(covered.values()) >= 0.80 * REPLICATES, covered
