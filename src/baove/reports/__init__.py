"""Reports and exports of the published indicator results: SDMX, Excel, PDF.

Plain Python (no Django): the download views of :mod:`baove.dashboards.downloads`, the
command line and notebooks call the same functions on the same results frame
(``baove.dashboards.store.results_frame``: the long ``compute_survey`` output plus
``source``, ``round`` and ``year``), so every format shows the same numbers.

- :func:`to_sdmx`, :func:`write_sdmx_ml`, :func:`write_sdmx_csv`: SDMX 2.1 with the UNICEF
  data warehouse dimensions and codes (sdmx1).
- :func:`write_workbook`, :func:`write_round`: MICS-style Excel workbooks.
- :func:`national_report`, :func:`province_report`: PDF reports (reportlab, matplotlib).

>>> from baove.reports import sample_frame, to_sdmx
>>> message = to_sdmx(sample_frame(1, indicators=["birth_reg"]))
>>> message.data[0].obs[0].attached_attribute["UNIT_MEASURE"].value
'PCNT'
"""

from __future__ import annotations

from baove.reports.excel import workbook_bytes, write_round, write_workbook
from baove.reports.frame import COLUMNS, check_frame, display, sample_frame
from baove.reports.pdf import national_report, province_report, report_bytes
from baove.reports.sdmx_export import (
    sdmx_csv_text,
    sdmx_ml_bytes,
    sdmx_structure_bytes,
    to_sdmx,
    write_sdmx_csv,
    write_sdmx_ml,
)

__all__ = [
    "COLUMNS",
    "check_frame",
    "display",
    "national_report",
    "province_report",
    "report_bytes",
    "sample_frame",
    "sdmx_csv_text",
    "sdmx_ml_bytes",
    "sdmx_structure_bytes",
    "to_sdmx",
    "workbook_bytes",
    "write_round",
    "write_sdmx_csv",
    "write_sdmx_ml",
    "write_workbook",
]
