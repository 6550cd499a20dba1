"""A results frame from synthetic surveys, shared by the reports tests (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from baove.reports import sample_frame

#: Indicators with and without a UNICEF code, years and months for AGE, restricted sets.
INDICATORS = ["vd_any", "cl_sdg", "birth_reg", "dtp3", "cm_u18", "stunting", "moda_h"]


@pytest.fixture(scope="session")
def frame() -> pd.DataFrame:
    """Three survey rounds (MICS-2006, 2008, 2010) of seven indicators."""
    return sample_frame(3, indicators=INDICATORS)
