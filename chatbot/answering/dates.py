"""Dates in questions and in the notes' headings: a course log is written a day a
section ("23.09.05"), and students ask by day ("9월 5일 수업에서 뭐 했어?") or ask on
which day something came up ("ARIMA는 며칠 수업에서 배웠지?")."""

from __future__ import annotations

import re

Day = tuple[int, int]
"""(month, day)."""

# "9월 5일", "23.09.05", "2023-09-05", "9/5"
_KOREAN = re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_SERIAL = re.compile(r"(?<![\d.])(?:\d{2}|\d{4})[./-](\d{1,2})[./-](\d{1,2})(?![\d.])")
_SLASHED = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?![\d/.])")
# a heading that is a date and nothing else
_LABEL = re.compile(r"^\s*(?:\d{2}|\d{4})[./-](\d{1,2})[./-](\d{1,2})\.?\s*$")
_WHICH_DAY = re.compile(
    r"며칠|몇\s?월|무슨 날|어느 날|날짜|몇 번째 수업|언제 (?:배웠|나왔|다뤘|수업)"
)


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def days_asked(text: str) -> set[Day]:
    """The days a question names, in any of the usual spellings."""
    found = set()
    for pattern in (_KOREAN, _SERIAL, _SLASHED):
        for m in pattern.finditer(text):
            month, day = int(m.group(1)), int(m.group(2))
            if _valid(month, day):
                found.add((month, day))
    return found


def day_of_label(label: str) -> Day | None:
    """The day a heading stands for, when it is a date and nothing else ("23.09.05")."""
    m = _LABEL.match(label)
    if m is None:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    return (month, day) if _valid(month, day) else None


def asks_which_day(text: str) -> bool:
    """Whether a question asks on which day something came up."""
    return bool(_WHICH_DAY.search(text))
