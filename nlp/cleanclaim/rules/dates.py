"""The date of service: read from the note header when written there, else given by the caller.

Codes change every quarter (J1040 became J1010 on 1 April 2024), so the review codes each drug
with the code valid on the date of service. The header wording ("Date of service: 03/11/2024",
"DOS: 2024-03-11", "Visit date: ...", or a dated header line such as "Nurse visit 11/02/2026")
comes from the payer table's ``date_of_service_patterns``, tried in order.
"""

from __future__ import annotations

import re
from datetime import date

from .. import resources as res


def parse_date(text: str, near: date | None = None) -> date | None:
    """A date written as MM/DD/YYYY, MM-DD-YY or YYYY-MM-DD; None when it is not a real date.

    ``near``: a date that a month and day without their year ("10/17") fall on or before,
    within the year before it (an export's headers of one patient's recent encounters).
    """
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})", text)
        if m is None:
            short = re.fullmatch(r"(\d{1,2})/(\d{1,2})", text) if near is not None else None
            if short is None or near is None:
                return None
            when = date(near.year, int(short.group(1)), int(short.group(2)))
            return when if when <= near else date(near.year - 1, when.month, when.day)
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000
        return date(year, month, day)
    except ValueError:
        return None


#: A pattern anchored at a line start with leading white space (``(?im)^\s*...``).
_LINE_START = re.compile(r"^(\(\?[a-zA-Z]+\))?\^\\s\*")


class _AtLineStart:
    r"""``^\s*REST`` without its quadratic backtracking over a long run of blank lines: REST is
    searched and kept when only white space, reaching a line start, comes before it.
    """

    def __init__(self, flags: str, rest: str) -> None:
        self.rest = re.compile(flags + rest)

    def finditer(self, text: str):  # noqa: ANN201
        pos = 0
        while (m := self.rest.search(text, pos)) is not None:
            i = m.start()
            while i > 0 and text[i - 1].isspace() and text[i - 1] != "\n":
                i -= 1
            if i == 0 or text[i - 1] == "\n":
                yield m
                pos = max(m.end(), m.start() + 1)
            else:  # not at a line start: a match may still start inside this one
                pos = m.start() + 1


def _compile(pattern: str):  # noqa: ANN202
    m = _LINE_START.match(pattern)
    if m is None or "m" not in (m.group(1) or ""):
        return re.compile(pattern)
    return _AtLineStart(m.group(1), pattern[m.end() :])


#: The date a pattern reads (MM/DD/YYYY, MM-DD-YY or YYYY-MM-DD) ...
_DATE_GROUP = r"(?P<date>\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{4}-\d{2}-\d{2})"
#: ... holds this, found in a note far faster than the date itself (a separator is rarer than
#: a digit): a note without it has no date of service to read.
_DATE_HINT = re.compile(r"[/-]\d{1,2}[/-]\d\d")


class DateReader:
    """Find the date of service in a note with the payer table's header patterns."""

    def __init__(self, payer: res.PayerTable) -> None:
        """Compile the patterns."""
        self.patterns = [_compile(p) for p in payer.date_of_service_patterns]
        # the hint is exact only when every pattern reads its date with that group
        self._hint = (
            _DATE_HINT if all(_DATE_GROUP in p for p in payer.date_of_service_patterns) else None
        )

    def read(self, text: str) -> tuple[date, int, int] | None:
        """The date of service written in ``text``, with its character offsets.

        Patterns are tried in the table's order (labelled dates before a dated header line); the
        first real date the first matching pattern finds wins.
        """
        if self._hint is not None and not self._hint.search(text):
            return None
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                day = parse_date(m.group("date"))
                if day is not None:
                    return day, m.start("date"), m.end("date")
        return None


def read_date_of_service(
    reader: DateReader, text: str, given: date | str | None
) -> tuple[date, tuple[int, int] | None]:
    """The note's own date of service, else ``given`` (a date or ISO text), else today.

    Returns the date and the offsets of the note text it was read from (None when not read).
    """
    found = reader.read(text)
    if found is not None:
        return found[0], (found[1], found[2])
    if isinstance(given, str):
        parsed = parse_date(given)
        if parsed is None:
            raise ValueError(f"date of service {given!r} is not a date (use YYYY-MM-DD)")
        return parsed, None
    return (given or date.today()), None
