"""CMS's medically unlikely edits (MUE) as payer rules: the ``mue`` rows of a payer-rules file.

cleanclaim ships no CMS MUE values (they change every quarter and their source must be the table in
force on the date of service); its packaged ``mue`` rows are label maximum daily doses, which rows
read here replace code by code. CMS publishes the Practitioner Services MUE table each quarter as
a CSV (in a zip) whose header row names the columns, after a few lines of notice text::

    HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale
    J1885,8,3 Date of Service Edit: Clinical,Clinical: Data

:func:`read_mue_table` reads such a file (CSV or the zip holding it) into ``mue`` rows, dated
from ``effective`` and naming their source; :func:`payer_rules_file` wraps them into a payer-rules
document for ``--payer-rules``. Reading is strict about what it keeps: a row whose code or value
is not one is skipped and counted, never guessed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: Header cells that name the code, value and adjudication-indicator columns.
_CODE_HEADER = re.compile(r"hcpcs|cpt", re.I)
_VALUE_HEADER = re.compile(r"mue\s*values?", re.I)
_MAI_HEADER = re.compile(r"adjudication\s*indicator|\bmai\b", re.I)
_CODE = re.compile(r"^[A-Z0-9][0-9]{3}[0-9A-Z]$")
#: Lines of notice text read before giving up on finding the header row.
_HEADER_SEARCH = 200


class MueFileError(ValueError):
    """The file is not a readable MUE table (no header row naming the code and value columns)."""


@dataclass
class MueRead:
    """What :func:`read_mue_table` found: the rows kept and the counts of the rest."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    not_used: int = 0  # valid rows for codes cleanclaim never bills
    malformed: int = 0  # rows whose code or value is not one


def _csv_text(path: Path) -> str:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv"))
            if not names:
                raise MueFileError(f"{path.name}: the zip file holds no .csv table")
            return archive.read(names[0]).decode("utf-8-sig", "replace")
    return path.read_text(encoding="utf-8-sig", errors="replace")


def _header(rows: Any) -> tuple[int, int, int | None]:
    for _, row in zip(range(_HEADER_SEARCH), rows, strict=False):
        code = next((i for i, c in enumerate(row) if _CODE_HEADER.search(c)), None)
        value = next((i for i, c in enumerate(row) if _VALUE_HEADER.search(c)), None)
        if code is not None and value is not None and code != value:
            mai = next((i for i, c in enumerate(row) if _MAI_HEADER.search(c)), None)
            return code, value, mai
    raise MueFileError(
        "no header row naming the HCPCS/CPT code and the MUE value columns "
        "(expected CMS's Practitioner Services MUE table)"
    )


def read_mue_table(
    path: Path,
    effective: date | None,
    source: str | None = None,
    codes: set[str] | None = None,
) -> MueRead:
    """The ``mue`` rows of a CMS MUE table.

    Args:
        path: the CSV (or the zip holding it).
        effective: the first date of service the table applies to (the quarter's start).
        source: the rows' source (default: the file name and "CMS MUE table").
        codes: keep only these codes (None: every code).

    Raises:
        MueFileError: when no header row names the code and value columns.

    """
    rows = csv.reader(io.StringIO(_csv_text(path)))
    at_code, at_value, at_mai = _header(rows)
    where = source or f"CMS Practitioner Services MUE table ({path.name})"
    out = MueRead()
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        code = row[at_code].strip().upper() if at_code < len(row) else ""
        value = row[at_value].strip() if at_value < len(row) else ""
        if not _CODE.match(code) or not value.isdigit() or int(value) <= 0:
            out.malformed += 1
            continue
        if codes is not None and code not in codes:
            out.not_used += 1
            continue
        mai = row[at_mai].strip()[:1] if at_mai is not None and at_mai < len(row) else ""
        kept: dict[str, Any] = {
            "hcpcs": code,
            "max_units": int(value),
            "source": f"{where}, MAI {mai}" if mai.isdigit() else where,
        }
        if effective is not None:
            kept["effective"] = effective.isoformat()
        out.rows.append(kept)
    return out


def billed_drug_codes() -> set[str]:
    """Every HCPCS code the packaged drug table can put on a claim line."""
    from . import table

    return {rule.hcpcs for drug in table("drugs").drugs for rule in drug.code_rules}


def payer_rules_file(rows: list[dict[str, Any]], version: str) -> dict[str, Any]:
    """A payer-rules document holding only ``rows`` as its ``mue`` table (other settings default)."""
    return {"version": version, "mue": rows}
