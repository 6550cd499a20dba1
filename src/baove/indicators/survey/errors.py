"""Bilingual input errors of the survey estimation engine."""

from __future__ import annotations


class SurveyInputError(ValueError):
    """Bad survey input, described in Vietnamese and English.

    It names the file and the variable so that a statistician can fix the data
    without reading a traceback. ``str()`` gives the Vietnamese text, then the
    English text.

    Attributes:
        file: Name of the file (or ``"<data>"`` for an in-memory frame).
        variable: Name of the variable concerned, or ``None``.
        message_en: The problem in English.
        message_vi: The problem in Vietnamese.
    """

    def __init__(self, file: str, variable: str | None, message_en: str, message_vi: str) -> None:
        self.file = file
        self.variable = variable
        self.message_en = message_en
        self.message_vi = message_vi
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.variable is None:
            vi = f"Tệp {self.file}: {self.message_vi}"
            en = f"File {self.file}: {self.message_en}"
        else:
            vi = f"Tệp {self.file}, biến {self.variable}: {self.message_vi}"
            en = f"File {self.file}, variable {self.variable}: {self.message_en}"
        return f"{vi} / {en}"
