"""Parse dose mentions and convert them to HCPCS billing units."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .. import resources as res

_MASS = {"mcg": 1e-3, "mg": 1.0, "g": 1000.0}
_NUM = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$|^\.\d+$")


@dataclass(frozen=True)
class Amount:
    """A parsed amount: ``value`` ``unit``, optionally per ``per_ml`` mL (a concentration)."""

    value: float
    unit: str
    per_ml: float | None = None

    @property
    def is_concentration(self) -> bool:
        """Whether this is a strength per mL rather than an amount given."""
        return self.per_ml is not None

    def __str__(self) -> str:
        """Format as in a note, e.g. ``1000 mcg`` or ``40 mg/mL``."""
        value = _fmt(self.value)
        if self.per_ml is None:
            return f"{value} {self.unit}"
        per = "" if self.per_ml == 1 else f"{_fmt(self.per_ml)} "
        return f"{value} {self.unit}/{per}mL"


class DoseReader:
    """Read DOSE mentions with one dose table's units and number words."""

    def __init__(self, table: res.DoseTable) -> None:
        """Index the unit words of ``table``."""
        self.table = table
        self.unit_of = {w.lower(): canon for canon, words in table.units.items() for w in words}

    def parse(self, text: str) -> Amount | None:
        """Parse a DOSE mention such as ``1,000 micrograms``, ``2.4 million units`` or ``1 mL``."""
        return _parse(text, self.table, self.unit_of)

    def per_weight(self, mention: Any) -> bool:
        """Whether a DOSE mention is a per-weight or per-area amount ("0.15 mg/kg")."""
        span = mention.span
        own = span.text.lower()
        # the next few tokens, not Doc.text (which joins the whole note on every call)
        after = span.doc[span.end : span.end + 4].text[:8].lower()
        return any(w in own or after.startswith(w) for w in self.table.per_weight if w)


def parse(text: str, table: res.DoseTable | None = None) -> Amount | None:
    """Parse a DOSE mention with ``table`` (the packaged dose table by default)."""
    return DoseReader(table or res.doses()).parse(text)


def _parse(text: str, table: res.DoseTable, unit_of: dict[str, str]) -> Amount | None:
    text = re.sub(r"(?<=\d)(?=[^\d\s.,/])", " ", text.replace("/", " / "))
    words = text.lower().split()
    per_ml = None
    if "/" in words:
        i = words.index("/")
        tail = words[i + 1 :]
        words = words[:i]
        per_ml = 1.0
        if tail and _NUM.match(tail[0]):
            per_ml = float(tail[0].replace(",", ""))
    if not words or words[-1] not in unit_of:
        return None
    unit = unit_of[words[-1]]
    value = _number(words[:-1], table)
    if value is None or value <= 0:
        return None
    value *= table.unit_multipliers.get(words[-1], 1)
    return Amount(value, unit, per_ml)


def _number(words: list[str], table: res.DoseTable) -> float | None:
    total = 0.0
    current = 0.0
    seen = False
    for word in words:
        if _NUM.match(word):
            current += float(word.replace(",", ""))
        elif word in table.number_words:
            current += table.number_words[word]
        elif word in table.multiplier_words:
            mult = table.multiplier_words[word]
            current = (current or 1) * mult
            if mult >= 1000:
                total += current
                current = 0.0
        elif word in {"and", "-"}:
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def billing_units(
    amount: Amount,
    billing: res.Quantity,
    concentration: Amount | res.Concentration | None = None,
) -> int | None:
    """HCPCS units for ``amount`` given one billing unit; None when they cannot be converted.

    A volume is converted through ``concentration`` (documented in the note, or the drug's
    standard strength). Units round up: descriptors bill "per" or "up to" the unit amount.
    """
    value, unit = amount.value, amount.unit
    if unit == "mL" and billing.unit != "mL":
        if concentration is None:
            return None
        per = getattr(concentration, "per_ml", 1.0) or 1.0
        conc_value = getattr(concentration, "value", None) or concentration.amount
        value, unit = value * conc_value / per, concentration.unit
    converted = _convert(value, unit, billing.unit)
    if converted is None:
        return None
    return max(1, math.ceil(round(converted / billing.amount, 6)))


def _convert(value: float, unit: str, target: str) -> float | None:
    if unit == target:
        return value
    if unit in _MASS and target in _MASS:
        return value * _MASS[unit] / _MASS[target]
    return None


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"
