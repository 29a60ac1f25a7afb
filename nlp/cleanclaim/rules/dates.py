"""The date of service: read from the note header when written there, else given by the caller.

Codes change every quarter (J1040 became J1010 on 1 April 2024), so the review codes each drug
with the code valid on the date of service. The header wording ("Date of service: 03/11/2024",
"DOS: 2024-03-11", "Visit date: ...") comes from the payer table's ``date_of_service_patterns``.
"""

from __future__ import annotations

import re
from datetime import date

from .. import resources as res


def parse_date(text: str) -> date | None:
    """A date written as MM/DD/YYYY, MM-DD-YY or YYYY-MM-DD; None when it is not a real date."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})", text)
        if m is None:
            return None
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000
        return date(year, month, day)
    except ValueError:
        return None


class DateReader:
    """Find the date of service in a note with the payer table's header patterns."""

    def __init__(self, payer: res.PayerTable) -> None:
        """Compile the patterns."""
        self.patterns = [re.compile(p) for p in payer.date_of_service_patterns]

    def read(self, text: str) -> tuple[date, int, int] | None:
        """The first date of service written in ``text``, with its character offsets."""
        best: tuple[date, int, int] | None = None
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                day = parse_date(m.group("date"))
                if day is not None and (best is None or m.start("date") < best[1]):
                    best = (day, m.start("date"), m.end("date"))
                    break
        return best


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
