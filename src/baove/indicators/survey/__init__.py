"""Design-based survey estimation (Taylor linearisation, with-replacement PSU variance).

Plain Python (numpy/pandas): no Django import here or below.
"""

from baove.indicators.survey.design import Design, Measure
from baove.indicators.survey.errors import SurveyInputError
from baove.indicators.survey.estimate import estimate
from baove.indicators.survey.io import SurveyFrame, read_survey_file
from baove.indicators.survey.rules import mics_display, mics_flag

__all__ = [
    "Design",
    "Measure",
    "SurveyFrame",
    "SurveyInputError",
    "estimate",
    "mics_display",
    "mics_flag",
    "read_survey_file",
]
