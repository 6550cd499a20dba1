"""Indicator results as SDMX (UNICEF data warehouse dimensions and codes), written with sdmx1.

One data structure, ``BAOVE:DSD_BAOVE_CHLD(1.0)``, modelled on the UNICEF data warehouse flows
(``PT``, ``PT_CM``, ``NUTRITION``, ...): the dimensions REF_AREA, INDICATOR, SEX, AGE,
EDUCATION_LEVEL, WEALTH_QUINTILE, RESIDENCE, ETHNIC_GROUP, DISABILITY_STATUS and TIME_PERIOD;
the measure OBS_VALUE; the observation attributes UNIT_MEASURE, OBS_STATUS, LOWER_BOUND,
UPPER_BOUND, WGTD_SAMPL_SIZE, UNWGTD_SAMPL_SIZE, DATA_SOURCE and OBS_FOOTNOTE. Every
dimension is coded by a codelist built here (docs/reports.md has the mapping table):

* INDICATOR: the catalogue's ``sdmx_code`` (UNICEF's code). Indicators without one are left
  out (a logged note says which);
* REF_AREA: ``VN`` (national), ``VN_01`` ... (provinces, GSO code), ``VN_R1`` ... ``VN_R6``
  (the six socio-economic regions; baove-local codes);
* SEX ``F``/``M``, RESIDENCE ``U``/``R``, WEALTH_QUINTILE ``Q1``-``Q5``, AGE ``Y1T2`` (years)
  or ``M12T23`` (months, for indicators about children under five), EDUCATION_LEVEL
  (mother's education, ISCED 2011 levels), ETHNIC_GROUP and DISABILITY_STATUS; ``_T`` is the
  total of each.

Values are shown as UNICEF shows them: percentages 0-100 (the store keeps proportions 0-1).
Figures on fewer than 25 unweighted cases (MICS flag ``*``) have no OBS_VALUE and
OBS_STATUS ``Q`` (suppressed); 25-49 cases give OBS_STATUS ``U`` (low reliability) and a
footnote; no cases give no value and OBS_STATUS ``O`` (missing).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sdmx
from sdmx import message
from sdmx.model import common, v21

from baove.reports.frame import SOURCE_ORDER, check_frame, indicator_def, scale

__all__ = [
    "AGENCY",
    "ATTRIBUTES",
    "DIMENSIONS",
    "DSD_ID",
    "SdmxStructure",
    "build_structure",
    "frame_to_observations",
    "to_sdmx",
    "write_sdmx_csv",
    "write_sdmx_ml",
]

log = logging.getLogger(__name__)

AGENCY = "BAOVE"
DSD_ID = "DSD_BAOVE_CHLD"
FLOW_ID = "BAOVE_CHLD"
VERSION = "1.0"
TOTAL = "_T"

#: Key dimensions in order (TIME_PERIOD follows).
DIMENSIONS = (
    "REF_AREA",
    "INDICATOR",
    "SEX",
    "AGE",
    "EDUCATION_LEVEL",
    "WEALTH_QUINTILE",
    "RESIDENCE",
    "ETHNIC_GROUP",
    "DISABILITY_STATUS",
)
ATTRIBUTES = (
    "UNIT_MEASURE",
    "OBS_STATUS",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "WGTD_SAMPL_SIZE",
    "UNWGTD_SAMPL_SIZE",
    "DATA_SOURCE",
    "OBS_FOOTNOTE",
)
#: Our ``by`` -> the dimension it sets (``province`` and ``region`` set REF_AREA).
BY_DIMENSION = {
    "sex": "SEX",
    "age_group": "AGE",
    "mother_edu": "EDUCATION_LEVEL",
    "wealth": "WEALTH_QUINTILE",
    "area": "RESIDENCE",
    "ethnicity": "ETHNIC_GROUP",
    "disability": "DISABILITY_STATUS",
    "province": "REF_AREA",
    "region": "REF_AREA",
}
#: Fixed codes: our domain code -> (SDMX code, English name, Vietnamese name).
CODES: dict[str, dict[str, tuple[str, str, str]]] = {
    "sex": {"F": ("F", "Female", "Nữ"), "M": ("M", "Male", "Nam")},
    "area": {"U": ("U", "Urban", "Thành thị"), "R": ("R", "Rural", "Nông thôn")},
    "wealth": {
        f"Q{i}": (f"Q{i}", en, vi)
        for i, en, vi in (
            (1, "Poorest", "Nghèo nhất"),
            (2, "Second", "Nghèo"),
            (3, "Middle", "Trung bình"),
            (4, "Fourth", "Giàu"),
            (5, "Richest", "Giàu nhất"),
        )
    },
    "mother_edu": {
        "0": ("ISCED11_0", "None or pre-primary", "Chưa đi học/Mầm non"),
        "1": ("ISCED11_1", "Primary", "Tiểu học"),
        "2": ("ISCED11_2", "Lower secondary", "Trung học cơ sở"),
        "3": ("ISCED11_3T8", "Upper secondary or higher", "Trung học phổ thông trở lên"),
    },
    "ethnicity": {
        "1": ("VN_KINH_HOA", "Kinh/Hoa", "Kinh/Hoa"),
        "2": ("VN_OTHER_ETHNIC", "Other ethnic groups", "Dân tộc khác"),
    },
    "disability": {
        "Y": ("PD", "Has functional difficulty", "Có khó khăn về chức năng"),
        "N": ("PND", "Has no functional difficulty", "Không có khó khăn về chức năng"),
    },
    "region": {
        str(i): (f"VN_R{i}", en, vi)
        for i, en, vi in (
            (1, "Red River Delta", "Đồng bằng sông Hồng"),
            (2, "Northern Midlands and Mountain Areas", "Trung du và miền núi phía Bắc"),
            (3, "North Central and Central Coastal Areas", "Bắc Trung Bộ và duyên hải miền Trung"),
            (4, "Central Highlands", "Tây Nguyên"),
            (5, "South East", "Đông Nam Bộ"),
            (6, "Mekong River Delta", "Đồng bằng sông Cửu Long"),
        )
    },
}
#: MICS flag -> SDMX OBS_STATUS (SDMX cross-domain CL_OBS_STATUS).
OBS_STATUS = {"": "A", "()": "U", "*": "Q", "-": "O"}
_STATUS_NAMES = {
    "A": ("Normal value", "Giá trị bình thường"),
    "U": ("Low reliability (25-49 unweighted cases)", "Độ tin cậy thấp (25-49 trường hợp)"),
    "Q": ("Missing value; suppressed (fewer than 25 unweighted cases)", "Không công bố (< 25)"),
    "O": ("Missing value (no cases)", "Không có trường hợp nào"),
}
FOOTNOTES = {
    "()": "Based on 25-49 unweighted cases (MICS: shown in parentheses).",
    "*": "Based on fewer than 25 unweighted cases: suppressed (MICS rule).",
    "-": "No cases.",
}
_UNITS = {"PCNT": ("Percentage", "Phần trăm"), "NUMBER": ("Number", "Số")}


def _months(indicator: str) -> bool:
    found = indicator_def(indicator)
    return found is not None and "month" in found.age_range


def age_code(indicator: str, domain: str) -> str:
    """UNICEF AGE code of an age group: ``"1-2"`` -> ``Y1T2``, months -> ``M12T23``."""
    low, _, high = domain.partition("-")
    prefix = "M" if _months(indicator) else "Y"
    return f"{prefix}{low}T{high}" if high else f"{prefix}{low}"


def _area_code(ref_area: str, by: str, domain: str) -> str | None:
    if by == "province":
        return f"{ref_area}_{domain}"
    if by == "region":
        found = CODES["region"].get(domain)
        return found[0].replace("VN", ref_area, 1) if found else None
    return ref_area


@dataclass
class SdmxStructure:
    """The structures the data need: concepts, codelists, the DSD and its dataflow."""

    agency: common.Agency
    concepts: common.ConceptScheme
    codelists: dict[str, common.Codelist]
    dsd: v21.DataStructureDefinition
    dataflow: v21.DataflowDefinition

    def message(self) -> message.StructureMessage:
        """Return an SDMX-ML structure message holding all of them."""
        msg = message.StructureMessage(header=_header("STRUCTURE"))
        msg.concept_scheme[self.concepts.id] = self.concepts
        for codelist in self.codelists.values():
            msg.codelist[codelist.id] = codelist
        msg.structure[self.dsd.id] = self.dsd
        msg.dataflow[self.dataflow.id] = self.dataflow
        return msg


def _header(msg_id: str) -> message.Header:
    return message.Header(id=msg_id, test=False, sender=common.Agency(id=AGENCY))


def _codelist(
    cl_id: str, codes: Mapping[str, tuple[str, str]], agency: common.Agency
) -> common.Codelist:
    codelist = common.Codelist(id=cl_id, maintainer=agency, version=VERSION, is_final=True)
    for code, (en, vi) in sorted(codes.items()):
        codelist.append(common.Code(id=code, name={"en": en, "vi": vi}))
    return codelist


def build_structure(observations: pd.DataFrame) -> SdmxStructure:
    """Build concepts, codelists (the codes the observations use), the DSD and dataflow.

    Args:
        observations: The frame of :func:`frame_to_observations`.

    Returns:
        The :class:`SdmxStructure`.
    """
    agency = common.Agency(id=AGENCY, name={"en": "baove child protection information system"})
    concepts = common.ConceptScheme(id="CS_BAOVE_CHLD", maintainer=agency, version=VERSION)
    names: dict[str, dict[str, tuple[str, str]]] = {d: {} for d in DIMENSIONS}
    names["SEX"][TOTAL] = ("Total", "Tổng số")
    for dim in DIMENSIONS[2:]:
        names[dim][TOTAL] = ("Total", "Tổng số")
    for by, codes in CODES.items():
        dim = BY_DIMENSION[by]
        for code, en, vi in codes.values():
            names[dim][code] = (en, vi)
    from baove.indicators.tables import _province_names  # one source of province names

    provinces = _province_names()
    for area in pd.unique(observations["REF_AREA"]):
        area = str(area)
        if area in names["REF_AREA"]:
            continue
        code = area.rpartition("_")[2]
        if area == area.split("_")[0]:
            names["REF_AREA"][area] = ("Viet Nam", "Việt Nam")
        elif code in provinces:
            names["REF_AREA"][area] = (provinces[code]["en"], provinces[code]["vi"])
        else:
            names["REF_AREA"][area] = (area, area)
    for ind in pd.unique(observations["indicator"]):
        found = indicator_def(str(ind))
        if found is not None and found.sdmx_code is not None:
            names["INDICATOR"][found.sdmx_code] = (found.name_en, found.name_vi)
    for age in pd.unique(observations["AGE"]):
        if str(age) != TOTAL:
            names["AGE"][str(age)] = (str(age), str(age))
    codelists: dict[str, common.Codelist] = {}
    dsd = v21.DataStructureDefinition(
        id=DSD_ID,
        maintainer=agency,
        version=VERSION,
        name={"en": "Child-focused indicators (UNICEF data warehouse dimensions)"},
    )
    for order, dim in enumerate(DIMENSIONS, start=1):
        # Only the codes in use: a codelist of every code seen anywhere would not be wrong,
        # but the message stays small and every code is explained.
        used = {str(c) for c in pd.unique(observations[dim])}
        codelist = _codelist(
            f"CL_{dim}", {k: v for k, v in names[dim].items() if k in used}, agency
        )
        codelists[dim] = codelist
        concept = concepts.setdefault(id=dim, name={"en": dim})
        dsd.dimensions.getdefault(
            dim,
            concept_identity=concept,
            local_representation=common.Representation(enumerated=codelist),
            order=order,
        )
    dsd.dimensions.getdefault(
        "TIME_PERIOD",
        cls=v21.TimeDimension,
        concept_identity=concepts.setdefault(id="TIME_PERIOD", name={"en": "Time period"}),
        order=len(DIMENSIONS) + 1,
    )
    dsd.measures.getdefault(
        "OBS_VALUE", concept_identity=concepts.setdefault(id="OBS_VALUE", name={"en": "Value"})
    )
    codelists["UNIT_MEASURE"] = _codelist("CL_UNIT_MEASURE", _UNITS, agency)
    codelists["OBS_STATUS"] = _codelist("CL_OBS_STATUS", _STATUS_NAMES, agency)
    for attr in ATTRIBUTES:
        kw: dict[str, Any] = {}
        if attr in ("UNIT_MEASURE", "OBS_STATUS"):
            kw["local_representation"] = common.Representation(enumerated=codelists[attr])
        dsd.attributes.getdefault(
            attr,
            concept_identity=concepts.setdefault(id=attr, name={"en": attr}),
            related_to=v21.PrimaryMeasureRelationship(),
            usage_status=common.UsageStatus.conditional,
            **kw,
        )
    dataflow = v21.DataflowDefinition(
        id=FLOW_ID,
        maintainer=agency,
        version=VERSION,
        structure=dsd,
        name={"en": "Child-focused indicators, Viet Nam", "vi": "Chỉ tiêu về trẻ em, Việt Nam"},
    )
    return SdmxStructure(agency, concepts, codelists, dsd, dataflow)


def frame_to_observations(frame: pd.DataFrame, *, ref_area: str = "VN") -> pd.DataFrame:
    """Map a results frame to one row per SDMX observation (dimension and attribute columns).

    Rows whose indicator has no UNICEF code or whose ``by`` has no SDMX dimension are left out
    with a logged note; when several sources give the same key (indicator, domain, year) the
    survey's figure is kept (SDMX allows one observation per key), also noted in the log.

    Args:
        frame: Results frame (``results_frame`` columns).
        ref_area: The country's REF_AREA code.

    Returns:
        A frame with the columns ``indicator``, ``source``, ``round``, ``by``, ``domain``, the
        :data:`DIMENSIONS`, ``TIME_PERIOD``, ``OBS_VALUE`` (float, NaN when suppressed) and
        the :data:`ATTRIBUTES` (text, ``""`` when not applicable).
    """
    data = check_frame(frame)
    codes = {i: (d.sdmx_code if (d := indicator_def(i)) else None) for i in data["indicator"]}
    no_code = sorted(i for i, c in codes.items() if not c)
    if no_code:
        log.info("SDMX: indicators without a UNICEF code left out: %s", ", ".join(no_code))
    unknown_by = sorted(set(data["by"]) - set(BY_DIMENSION) - {"total"})
    if unknown_by:
        log.info("SDMX: disaggregations without an SDMX dimension left out: %s", unknown_by)
    data = data[data["indicator"].map(codes).notna() & ~data["by"].isin(unknown_by)]
    rows: list[dict[str, Any]] = []
    for rec in data.to_dict("records"):
        ind, by, dom = str(rec["indicator"]), str(rec["by"]), str(rec["domain"])
        row: dict[str, Any] = {"indicator": ind, "source": rec["source"], "round": rec["round"]}
        row["by"], row["domain"] = by, dom
        row.update(dict.fromkeys(DIMENSIONS, TOTAL))
        row["INDICATOR"] = codes[ind]
        row["REF_AREA"] = ref_area
        if by != "total":
            dim = BY_DIMENSION[by]
            if by == "age_group":
                code: str | None = age_code(ind, dom)
            elif dim == "REF_AREA":
                code = _area_code(ref_area, by, dom)
            else:
                found = CODES[by].get(dom)
                code = found[0] if found else None
            if code is None:
                log.info("SDMX: %s %s=%s has no SDMX code, left out", ind, by, dom)
                continue
            row[dim] = code
        row["TIME_PERIOD"] = str(int(rec["year"]))
        row.update(_values({str(k): v for k, v in rec.items()}, ind))
        rows.append(row)
    columns = ["indicator", "source", "round", "by", "domain", *DIMENSIONS, "TIME_PERIOD"]
    out = pd.DataFrame(rows, columns=[*columns, "OBS_VALUE", *ATTRIBUTES])
    key = [*DIMENSIONS, "TIME_PERIOD"]
    rank = {s: i for i, s in enumerate(SOURCE_ORDER)}
    out = out.assign(_rank=out["source"].map(lambda s: rank.get(s, len(rank))))
    out = out.sort_values([*key, "_rank", "round"], kind="stable")
    dup = out.duplicated(key, keep="first")
    if dup.any():
        log.info("SDMX: %d figures with the key of another source's figure left out", dup.sum())
    return out[~dup].drop(columns="_rank").reset_index(drop=True)


def _num(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _text(value: float) -> str:
    # repr() of a float reads back to the same float: the files keep every digit.
    return "" if math.isnan(value) else repr(value)


def _values(rec: Mapping[str, Any], indicator: str) -> dict[str, Any]:
    flag = str(rec["flag"])
    factor = scale(indicator)
    suppressed = flag in ("*", "-")
    value = math.nan if suppressed else _num(rec["estimate"]) * factor
    low = math.nan if suppressed else _num(rec["ci_low"]) * factor
    high = math.nan if suppressed else _num(rec["ci_high"]) * factor
    found = indicator_def(indicator)
    n_w = _num(rec["n_weighted"])
    n_u = _num(rec["n_unweighted"])
    return {
        "OBS_VALUE": value,
        "UNIT_MEASURE": found.unit if found is not None else "PCNT",
        "OBS_STATUS": OBS_STATUS.get(flag, "A"),
        "LOWER_BOUND": _text(low),
        "UPPER_BOUND": _text(high),
        "WGTD_SAMPL_SIZE": _text(n_w),
        "UNWGTD_SAMPL_SIZE": "" if math.isnan(n_u) else str(int(n_u)),
        "DATA_SOURCE": str(rec["round"]),
        "OBS_FOOTNOTE": FOOTNOTES.get(flag, ""),
    }


def _dataset(
    observations: pd.DataFrame, structure: SdmxStructure, *, generic: bool = False
) -> v21.DataSet:
    dsd = structure.dsd
    cls = v21.GenericDataSet if generic else v21.StructureSpecificDataSet
    dataset = cls(structured_by=dsd, described_by=structure.dataflow)
    measure = dsd.measures.get("OBS_VALUE")
    attrs = {a: dsd.attributes.get(a) for a in ATTRIBUTES}
    keys = [*DIMENSIONS, "TIME_PERIOD"]
    # sdmx1 leaves out a structure-specific OBS_VALUE that is None but writes a generic one
    # as value="None"; "NaN" is the XML Schema double for a missing value.
    missing = "NaN" if generic else None
    obs = []
    for rec in observations[[*keys, "OBS_VALUE", *ATTRIBUTES]].to_dict("records"):
        key = dsd.make_key(common.Key, {k: rec[k] for k in keys})
        attached = {
            a: v21.AttributeValue(value=str(rec[a]), value_for=attrs[a])
            for a in ATTRIBUTES
            if rec[a] != ""
        }
        value = rec["OBS_VALUE"]
        obs.append(
            v21.Observation(
                dimension=key,
                value=missing if math.isnan(value) else value,
                value_for=measure,
                attached_attribute=attached,
            )
        )
    dataset.add_obs(obs)
    return dataset


def to_sdmx(
    frame: pd.DataFrame, *, ref_area: str = "VN", generic: bool = False
) -> message.DataMessage:
    """Build an SDMX 2.1 data message of the results (structure-specific by default).

    Args:
        frame: Results frame (``results_frame`` columns).
        ref_area: The country's REF_AREA code (provinces are ``<ref_area>_<code>``).
        generic: Build a generic data set instead of a structure-specific one.

    Returns:
        A :class:`sdmx.message.DataMessage` with one data set; its ``dataflow`` (and the data
        set's ``structured_by``) give the structure (see :func:`build_structure`).
    """
    observations = frame_to_observations(frame, ref_area=ref_area)
    structure = build_structure(observations)
    dataset = _dataset(observations, structure, generic=generic)
    msg = message.DataMessage(header=_header("BAOVE_DATA"), dataflow=structure.dataflow)
    msg.data.append(dataset)
    return msg


def _structure_of(msg: message.DataMessage) -> SdmxStructure:
    dataflow = msg.dataflow
    assert isinstance(dataflow, v21.DataflowDefinition)
    dsd = dataflow.structure
    concepts = None
    codelists: dict[str, common.Codelist] = {}
    components = [*dsd.dimensions.components, *dsd.attributes.components]
    for component in components:
        if concepts is None and component.concept_identity is not None:
            concepts = component.concept_identity.parent
        rep = component.local_representation
        if rep is not None and isinstance(rep.enumerated, common.Codelist):
            codelists[component.id] = rep.enumerated
    assert isinstance(concepts, common.ConceptScheme)
    assert dsd.maintainer is not None
    return SdmxStructure(dsd.maintainer, concepts, codelists, dsd, dataflow)


def _data_xml(msg: message.DataMessage, *, generic: bool, pretty_print: bool = False) -> bytes:
    data = bytes(sdmx.to_xml(msg, pretty_print=pretty_print))
    if generic:
        # sdmx1 (2.28) writes the generic observations right but names the root element
        # StructureSpecificData for every DataMessage; the root of generic data is GenericData.
        data = data.replace(b"<mes:StructureSpecificData ", b"<mes:GenericData ", 1)
        data = data.replace(b"</mes:StructureSpecificData>", b"</mes:GenericData>", 1)
    return data


def structure_path(path: Path | str) -> Path:
    """Where :func:`write_sdmx_ml` writes the structure message next to ``path``."""
    path = Path(path)
    return path.with_name(path.stem + ".structure.xml")


def write_sdmx_ml(
    frame: pd.DataFrame,
    path: Path | str,
    *,
    ref_area: str = "VN",
    generic: bool = False,
    structure: Path | str | None = None,
) -> tuple[Path, Path]:
    """Write SDMX-ML 2.1: the data message and, beside it, its structure message.

    Args:
        frame: Results frame.
        path: Data file (``.xml``).
        ref_area: The country's REF_AREA code.
        generic: Generic data (readable without the structure) instead of structure-specific.
        structure: Structure file; default :func:`structure_path` of ``path``.

    Returns:
        ``(data path, structure path)``.
    """
    path = Path(path)
    msg = to_sdmx(frame, ref_area=ref_area, generic=generic)
    path.write_bytes(_data_xml(msg, generic=generic, pretty_print=True))
    target = Path(structure) if structure is not None else structure_path(path)
    target.write_bytes(sdmx.to_xml(_structure_of(msg).message(), pretty_print=True))
    return path, target


def sdmx_ml_bytes(frame: pd.DataFrame, *, ref_area: str = "VN", generic: bool = True) -> bytes:
    """Return the SDMX-ML data message as bytes (generic by default: self-describing)."""
    return _data_xml(to_sdmx(frame, ref_area=ref_area, generic=generic), generic=generic)


def sdmx_structure_bytes(frame: pd.DataFrame, *, ref_area: str = "VN") -> bytes:
    """Return the SDMX-ML structure message (codelists, DSD, dataflow) as bytes."""
    return bytes(sdmx.to_xml(_structure_of(to_sdmx(frame, ref_area=ref_area)).message()))


def sdmx_csv_text(frame: pd.DataFrame, *, ref_area: str = "VN") -> str:
    """Return the results as SDMX-CSV 2.0 text, with the observation attributes."""
    dataset = to_sdmx(frame, ref_area=ref_area).data[0]
    csv = sdmx.to_csv(dataset, rtype=pd.DataFrame, attributes="o")
    assert isinstance(csv, pd.DataFrame)
    return str(csv.to_csv(index=False))


def write_sdmx_csv(frame: pd.DataFrame, path: Path | str, *, ref_area: str = "VN") -> Path:
    """Write the results as SDMX-CSV 2.0 (one row per observation, attributes included).

    Args:
        frame: Results frame.
        path: Output ``.csv`` file.
        ref_area: The country's REF_AREA code.

    Returns:
        The path written.
    """
    path = Path(path)
    path.write_text(sdmx_csv_text(frame, ref_area=ref_area), encoding="utf-8")
    return path
