"""SDMX-ML and SDMX-CSV: written with sdmx1 and read back with sdmx1, every value compared."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sdmx
from sdmx.message import DataMessage, StructureMessage

from baove.reports import sdmx_export as S
from baove.reports import to_sdmx, write_sdmx_csv, write_sdmx_ml


def _expected(frame: pd.DataFrame) -> dict[tuple[str, ...], dict[str, Any]]:
    """The observations the input frame should give, keyed like SDMX, built independently."""
    codes = {"vd_any": "PT_CHLD_1-14_PS-PSY-V_CGVR", "cl_sdg": "PT_CHLD_5-17_LBR_ECON",
             "birth_reg": "PT_CHLD_Y0T4_REG", "dtp3": "IM_DTP3", "cm_u18": "PT_F_20-24_MRD_U18",
             "stunting": "NT_ANT_HAZ_NE2"}  # fmt: skip
    months = {"birth_reg", "dtp3", "stunting"}
    fixed = {"sex": ("SEX", {"F": "F", "M": "M"}), "area": ("RESIDENCE", {"U": "U", "R": "R"}),
             "wealth": ("WEALTH_QUINTILE", {f"Q{i}": f"Q{i}" for i in range(1, 6)}),
             "mother_edu": ("EDUCATION_LEVEL", {"0": "ISCED11_0", "1": "ISCED11_1",
                                                "2": "ISCED11_2", "3": "ISCED11_3T8"}),
             "ethnicity": ("ETHNIC_GROUP", {"1": "VN_KINH_HOA", "2": "VN_OTHER_ETHNIC"}),
             "disability": ("DISABILITY_STATUS", {"Y": "PD", "N": "PND"})}  # fmt: skip
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        if rec["indicator"] not in codes:
            continue
        dims = dict.fromkeys(S.DIMENSIONS, "_T")
        dims["REF_AREA"], dims["INDICATOR"] = "VN", codes[rec["indicator"]]
        by, dom = rec["by"], rec["domain"]
        if by == "province":
            dims["REF_AREA"] = f"VN_{dom}"
        elif by == "region":
            dims["REF_AREA"] = f"VN_R{dom}"
        elif by == "age_group":
            low, high = dom.split("-")
            dims["AGE"] = ("M" if rec["indicator"] in months else "Y") + f"{low}T{high}"
        elif by != "total":
            dim, mapping = fixed[by]
            dims[dim] = mapping[dom]
        key = (*dims.values(), str(rec["year"]))
        assert key not in out  # one source: every key is unique
        out[key] = {str(k): v for k, v in rec.items()}
    return out


def _read(path: Path, **kwargs: Any) -> Any:
    """Read an SDMX file, typed as the message it must be."""
    message = sdmx.read_sdmx(path, **kwargs)
    assert isinstance(message, DataMessage | StructureMessage)
    return message


def _check(obs: list[Any], frame: pd.DataFrame) -> None:
    expected = _expected(frame)
    seen = set()
    for o in obs:
        key = tuple(str(o.key[d].value) for d in [*S.DIMENSIONS, "TIME_PERIOD"])
        rec = expected[key]
        seen.add(key)
        attrs = {k: v.value for k, v in o.attached_attribute.items()}
        value = o.value
        value = math.nan if value in (None, "") else float(value)
        flag = rec["flag"]
        assert attrs["OBS_STATUS"] == {"": "A", "()": "U", "*": "Q", "-": "O"}[flag]
        assert attrs["UNIT_MEASURE"] == "PCNT"
        assert attrs["DATA_SOURCE"] == rec["round"]
        assert int(attrs["UNWGTD_SAMPL_SIZE"]) == rec["n_unweighted"]
        assert float(attrs["WGTD_SAMPL_SIZE"]) == rec["n_weighted"]
        if flag in ("*", "-"):
            assert math.isnan(value)  # suppressed: no value leaves the system
            assert not attrs.get("LOWER_BOUND") and not attrs.get("UPPER_BOUND")
        else:
            assert value == rec["estimate"] * 100
            assert float(attrs["LOWER_BOUND"]) == rec["ci_low"] * 100
            assert float(attrs["UPPER_BOUND"]) == rec["ci_high"] * 100
        assert bool(attrs.get("OBS_FOOTNOTE")) == (flag != "")
    assert seen == set(expected)  # every observation, none more


def test_sdmx_ml_structure_specific_reads_back(frame: pd.DataFrame, tmp_path: Path) -> None:
    data, structure = write_sdmx_ml(frame, tmp_path / "data.xml")
    structures = _read(structure)
    dsd = structures.structure[S.DSD_ID]
    assert [d.id for d in dsd.dimensions.components] == [*S.DIMENSIONS, "TIME_PERIOD"]
    assert {a.id for a in dsd.attributes.components} == set(S.ATTRIBUTES)
    sex = structures.codelist["CL_SEX"]
    assert {c.id for c in sex} == {"F", "M", "_T"}
    assert "VN_01" in {c.id for c in structures.codelist["CL_REF_AREA"]}
    assert str(structures.codelist["CL_REF_AREA"]["VN_01"].name.localizations["vi"]).startswith(
        "Thành phố Hà Nội"
    )
    message = _read(data, structure=dsd)
    _check(list(message.data[0].obs), frame)


def test_sdmx_ml_generic_reads_back_without_structure(frame: pd.DataFrame, tmp_path: Path) -> None:
    data, _ = write_sdmx_ml(frame, tmp_path / "generic.xml", generic=True)
    assert b"<mes:GenericData " in data.read_bytes()[:200]
    _check(list(_read(data).data[0].obs), frame)


def test_sdmx_csv_reads_back(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = write_sdmx_csv(frame, tmp_path / "data.csv")
    _, structure = write_sdmx_ml(frame, tmp_path / "data.xml")
    flow = _read(structure).dataflow[S.FLOW_ID]
    message = _read(path, structure=flow)
    _check(list(message.data[0].obs), frame)
    assert path.read_text(encoding="utf-8").startswith("STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA")


def test_indicators_without_code_are_left_out_and_logged(
    frame: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="baove.reports.sdmx_export"):
        message = to_sdmx(frame)
    assert "moda_h" in caplog.text
    codes = {str(o.key["INDICATOR"].value) for o in message.data[0].obs}
    assert len(codes) == 6 and "PT_CHLD_Y0T4_REG" in codes


def test_same_key_from_two_sources_keeps_the_survey(frame: pd.DataFrame) -> None:
    totals = frame[(frame["by"] == "total") & (frame["indicator"] == "birth_reg")]
    admin = totals.assign(source="government", round="ADMIN-2010", estimate=0.5)
    obs = S.frame_to_observations(pd.concat([admin, totals]))
    assert len(obs) == len(totals)
    assert set(obs["DATA_SOURCE"]) == set(totals["round"])


def test_missing_column_is_a_clear_error(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="round"):
        to_sdmx(frame.drop(columns="round"))
