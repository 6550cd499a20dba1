"""Reading survey microdata: SPSS ``.sav`` (as MICS distributes it), CSV and Parquet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from baove.indicators.survey.errors import SurveyInputError

__all__ = ["SurveyFrame", "read_survey_file"]

_SUFFIXES = (".sav", ".csv", ".parquet")


@dataclass
class SurveyFrame:
    """Survey data with its SPSS metadata.

    Attributes:
        data: The data, columns named with our names (after the mapping).
        value_labels: Per variable, code -> label (SPSS value labels; empty otherwise).
        variable_labels: Per variable, its label (SPSS variable labels; empty otherwise).
        path: The file read.
    """

    data: pd.DataFrame
    value_labels: dict[str, dict[float | int | str, str]] = field(default_factory=dict)
    variable_labels: dict[str, str] = field(default_factory=dict)
    path: Path = field(default_factory=Path)


def _labels(labels: Mapping[Any, Any]) -> dict[float | int | str, str]:
    return {code: str(label) for code, label in labels.items()}


def _source_columns(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".sav":
        import pyreadstat

        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        return list(meta.column_names)
    if suffix == ".csv":
        return list(pd.read_csv(path, nrows=0).columns)
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


def read_survey_file(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    mapping: Mapping[str, str] | None = None,
) -> SurveyFrame:
    """Read a survey file, keeping SPSS value labels and numeric codes.

    Args:
        path: A ``.sav``, ``.csv`` or ``.parquet`` file.
        columns: Columns to read, named with OUR names (after ``mapping``);
            ``None`` reads all.
        mapping: Renames source variables to our names, ``{"their_name": "OUR_NAME"}``.

    Returns:
        The data and its labels.

    Raises:
        SurveyInputError: Missing file, unknown format, unreadable file, a mapping
            or a requested column naming a variable the file does not have.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise SurveyInputError(
            name,
            None,
            f"unknown file type {suffix!r} (expected .sav, .csv or .parquet)",
            f"loại tệp {suffix!r} không được hỗ trợ (chỉ nhận .sav, .csv hoặc .parquet)",
        )
    if not path.is_file():
        raise SurveyInputError(name, None, "file not found", "không tìm thấy tệp")
    mapping = dict(mapping or {})
    try:
        available = _source_columns(path)
    except Exception as exc:  # any reader failure becomes one clear message
        raise SurveyInputError(
            name, None, f"cannot read the file ({exc})", f"không đọc được tệp ({exc})"
        ) from exc
    available_set = set(available)
    for source in mapping:
        if source not in available_set:
            raise SurveyInputError(
                name,
                source,
                f"the variable mapping names a variable the file does not have "
                f"(mapped to {mapping[source]})",
                "bảng ánh xạ biến nêu một biến không có trong tệp "
                f"(ánh xạ thành {mapping[source]})",
            )
    to_source = {ours: theirs for theirs, ours in mapping.items()}
    usecols: list[str] | None = None
    if columns is not None:
        usecols = []
        for ours in columns:
            theirs = to_source.get(ours, ours)
            if theirs not in available_set or (theirs in mapping and ours != mapping[theirs]):
                raise SurveyInputError(
                    name, ours, "column not found in the file", "không có cột này trong tệp"
                )
            if theirs not in usecols:
                usecols.append(theirs)

    value_labels: dict[str, dict[float | int | str, str]] = {}
    variable_labels: dict[str, str] = {}
    try:
        if suffix == ".sav":
            import pyreadstat

            # Codes stay numeric (apply_value_formats=False); labels go to metadata.
            data, meta = pyreadstat.read_sav(str(path), usecols=usecols, apply_value_formats=False)
            value_labels = {k: _labels(v) for k, v in meta.variable_value_labels.items()}
            variable_labels = {
                k: v for k, v in meta.column_names_to_labels.items() if v is not None
            }
        elif suffix == ".csv":
            data = pd.read_csv(path, usecols=usecols)
        else:
            data = pd.read_parquet(path, columns=usecols)
    except Exception as exc:  # any reader failure becomes one clear message
        raise SurveyInputError(
            name, None, f"cannot read the file ({exc})", f"không đọc được tệp ({exc})"
        ) from exc
    if usecols is not None:
        data = data[usecols]
    if mapping:
        data = data.rename(columns=mapping)
        value_labels = {mapping.get(k, k): v for k, v in value_labels.items()}
        variable_labels = {mapping.get(k, k): v for k, v in variable_labels.items()}
    if usecols is not None:
        keep = set(data.columns)
        value_labels = {k: v for k, v in value_labels.items() if k in keep}
        variable_labels = {k: v for k, v in variable_labels.items() if k in keep}
    return SurveyFrame(
        data=data, value_labels=value_labels, variable_labels=variable_labels, path=path
    )
