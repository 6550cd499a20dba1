"""The indicator catalogue: metadata, registry and input errors (no database needed)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from baove.indicators.catalogue import CATALOGUE, STANDARD_DISAGGREGATIONS, all_ids, get
from baove.indicators.catalogue.model import DeriveOptions
from baove.indicators.survey import SurveyInputError

EXPECTED_IDS = (
    "vd_any vd_psychological vd_physical vd_severe cl_sdg cl_hazardous ict_f_15_24 ict_m_15_24 "
    "moda_h moda_a moda_m0 birth_reg cm_u15 cm_u18 stunting stunting_severe wasting "
    "wasting_severe overweight ecdi dtp3 pcv3 mcv1 dtp3_by12m pcv3_by12m mcv1_by12m socprot "
    "health_ins fl_reading fl_numeracy water_safely_managed sanitation_basic handwashing_basic"
).split()


def rows(n: int, **columns: Any) -> pd.DataFrame:
    """``n`` rows with design/background columns (two households per cluster) plus ``columns``."""
    index = np.arange(n)
    base: dict[str, Any] = {
        "HH1": index // 2 + 1,
        "HH2": index % 2 + 1,
        "stratum": 11,
        "HH6": 1,
        "HH7": 1,
        "province": "01",
        "windex5": 1,
        "ethnicity": 1,
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_ids_are_exactly_the_agreed_ones_in_order() -> None:
    assert all_ids() == tuple(EXPECTED_IDS)
    assert list(CATALOGUE) == EXPECTED_IDS


def test_get_returns_definition_and_unknown_id_names_it() -> None:
    assert get("vd_any").sdg == "16.2.1"
    with pytest.raises(KeyError, match=r"'vd_nope'.*known indicators: vd_any"):
        get("vd_nope")


@pytest.mark.parametrize("indicator_id", EXPECTED_IDS)
def test_metadata_is_complete(indicator_id: str) -> None:
    d = get(indicator_id)
    assert d.id == indicator_id
    for text in (d.name_en, d.definition, d.numerator, d.denominator, d.population, d.weight):
        assert text.strip()
    # Vietnamese names carry diacritics (not ASCII transliterations)
    assert any(ord(ch) > 127 for ch in d.name_vi)
    assert d.unit == "PCNT"
    assert set(d.disaggregations) <= set(STANDARD_DISAGGREGATIONS)
    assert set(d.files) <= {"hh", "hl", "ch", "fs", "wm", "mn"}
    if "age_group" in d.disaggregations:
        assert d.age_groups


def test_known_codes_from_the_reference() -> None:
    expected = {
        "vd_any": ("16.2.1", "PT", "PT_CHLD_1-14_PS-PSY-V_CGVR", "PR.2"),
        "cl_sdg": ("8.7.1", "PT", "PT_CHLD_5-17_LBR_ECON", "PR.3"),
        "cl_hazardous": (None, "PT", "PT_CHLD_5-17_LBR_ECON-HC", "PR.3"),
        "birth_reg": ("16.9.1", "PT", "PT_CHLD_Y0T4_REG", "PR.1"),
        "cm_u15": ("5.3.1", "PT_CM", "PT_F_20-24_MRD_U15", "PR.4"),
        "cm_u18": ("5.3.1", "PT_CM", "PT_F_20-24_MRD_U18", "PR.4"),
        "stunting": ("2.2.1", "NUTRITION", "NT_ANT_HAZ_NE2", "TC.45-47"),
        "wasting": ("2.2.2", "NUTRITION", "NT_ANT_WHZ_NE2", "TC.45-47"),
        "overweight": ("2.2.2", "NUTRITION", "NT_ANT_WHZ_PO2", "TC.45-47"),
        "dtp3": ("3.b.1", "IMMUNISATION", "IM_DTP3", "TC.3"),
        "pcv3": ("3.b.1", "IMMUNISATION", "IM_PCV3", "TC.3"),
        "mcv1": ("3.b.1", "IMMUNISATION", "IM_MCV1", "TC.3"),
        "socprot": ("1.3.1", "SOC_PROTECTION", "SPP_CHLD_SOC_PROT", "EQ.5"),
        "water_safely_managed": ("6.1.1", "WASH_HOUSEHOLDS", "WS_PPL_W-SM", "WS.6"),
        "sanitation_basic": ("6.2.1", "WASH_HOUSEHOLDS", "WS_PPL_S-B", "WS.3"),
        "handwashing_basic": ("6.2.1", "WASH_HOUSEHOLDS", "WS_PPL_H-B", "WS.7"),
        "ecdi": ("4.2.1", "ECD", "ECD_CHLD_36-59M_LMPSL", "TC.53"),
        "fl_reading": ("4.1.1", "EDUCATION_FLS", None, "LN.4"),
        "ict_f_15_24": ("4.4.1", None, None, "SR.13"),
        "moda_h": ("1.2.2", "CHLD_PVTY", None, None),
        "health_ins": (None, None, None, "EQ.3"),
    }
    for indicator_id, (sdg, flow, code, table) in expected.items():
        d = get(indicator_id)
        assert (d.sdg, d.sdmx_dataflow, d.sdmx_code, d.mics_table) == (sdg, flow, code, table)


def test_catalogue_does_not_import_django() -> None:
    code = (
        "import sys; import baove.indicators.catalogue, baove.indicators.compute; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_missing_file_and_variable_raise_survey_input_error() -> None:
    with pytest.raises(SurveyInputError) as missing_file:
        get("birth_reg").derive({}, DeriveOptions())
    assert missing_file.value.file == "ch"
    ch = rows(2, UF17=1, CAGE=10, BR1=1, chweight=1.0, HL4=1, disability=2, melevel=1)
    with pytest.raises(SurveyInputError) as missing_var:
        get("birth_reg").derive({"ch": ch}, DeriveOptions())
    assert (missing_var.value.file, missing_var.value.variable) == ("ch", "BR2")
    assert "BR2" in str(missing_var.value)
    # a design/background column is named as well
    ch["BR2"] = 2
    with pytest.raises(SurveyInputError) as missing_background:
        get("birth_reg").derive({"ch": ch.drop(columns=["windex5"])}, DeriveOptions())
    assert missing_background.value.variable == "windex5"
