"""Batch input and output: stream notes in, write records or flat rows out, chunk by chunk.

Readers yield :class:`Row` objects in input order and never raise for a bad row: a row that
cannot be read carries an ``error``. Writers append whole chunks and report how many bytes of
the output are complete, so an interrupted run can be resumed from the last complete chunk.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..resources import blocking_codes, gap_templates
from ..result import Review
from ..reviewer import MAX_CHARS
from .guards import (
    MAX_LINE_BYTES,
    MAX_RECOVERED_ID,
    READ_ERRORS,
    UNREADABLE,
    arrow_column,
    arrow_rows,
    conform_table,
    csv_records,
    parse_jsonl_line,
    physical_lines,
    recover_field,
    recover_json_id,
    row_fields,
    safe_names,
    scrub,
    scrub_text,
    type_name,
    unified_schema,
    utf8,
)

#: One boolean column per gap code of the gap table: the blocking codes, then the advisory ones.
BLOCKING_COLUMNS = blocking_codes()
ADVISORY_COLUMNS = tuple(c for c in gap_templates().gaps if c not in BLOCKING_COLUMNS)
GAP_COLUMNS = (*BLOCKING_COLUMNS, *ADVISORY_COLUMNS)
#: Scalar fields of :class:`~cleanclaim.result.Review` copied as they are (their types come from
#: the dataclass), and list fields joined with ';'.
FLAT_SCALARS = (
    "id",
    "status",
    "claim_ready",
    "probability",
    "service_code",
    "injections",
    "note_type",
    "date_of_service",
)
#: ``drugs``, ``hcpcs``, ``units``: one ';'-separated item per administration given at this
#: encounter, in the same order (an empty item where the note gives no code or units).
FLAT_JOINED = ("gaps", "icd10", "claim_lines", "drugs", "hcpcs", "units")
#: ``queries``: the provider query of each blocking gap, one ``CODE: query`` per line.
FLAT_TEXT = ("queries",)
#: Which rules and model made the row.
FLAT_VERSIONS = ("rules_version", "model_version")
#: The flat row's own columns, in order; passthrough columns follow.
FLAT_COLUMNS = (*FLAT_SCALARS, *GAP_COLUMNS, *FLAT_JOINED, *FLAT_TEXT, *FLAT_VERSIONS, "error")
#: Note-level statuses (see :func:`note_status`).
STATUSES = ("ready", "gaps", "other_service", "no_injection", "error")

INPUT_FORMATS = ("jsonl", "csv", "parquet", "txt")
OUTPUT_FORMATS = ("jsonl", "csv", "parquet")


class InputError(ValueError):
    """The input as a whole cannot be read (not a single row): unknown format, missing column."""


class OutputError(ValueError):
    """The output cannot be written: missing folder, no permission, disk full."""


@dataclass
class Row:
    """One input row: its position, id, text (str or bytes), passthrough columns, read error.

    ``where`` locates the row in the input for messages ("line 12", "row 3"); None for a folder
    of .txt files, where the id (the file name) does.
    """

    index: int
    id: str | None
    text: Any
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    where: str | None = None


def _base_suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def input_format(path: Path) -> str:
    """The input format of ``path``: jsonl, csv, parquet or txt (a folder)."""
    if path.is_dir():
        return "txt"
    suffix = _base_suffix(path)
    fmt = {
        "jsonl": "jsonl",
        "ndjson": "jsonl",
        "json": "jsonl",
        "csv": "csv",
        "parquet": "parquet",
        "pq": "parquet",
    }.get(suffix)
    if fmt is None:
        raise InputError(
            f"unknown input format {path.name!r}: use .jsonl, .csv, .parquet (optionally .gz) or a folder of .txt"
        )
    return fmt


def output_format(path: Path) -> str:
    """The output format of ``path`` by extension: jsonl, csv or parquet."""
    suffix = path.name.lower().rsplit(".", 1)[-1]
    fmt = {"jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv", "parquet": "parquet"}.get(suffix)
    if fmt is None:
        raise InputError(f"unknown output format {path.name!r}: use .jsonl, .csv or .parquet")
    return fmt


def _open_binary(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def count_rows(path: Path) -> int | None:
    """The number of input rows when it is cheap to know (for the progress bar), else None."""
    fmt = input_format(path)
    if fmt == "txt":
        return sum(1 for _ in _txt_files(path))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if fmt == "jsonl" and not path.name.lower().endswith(".gz"):
        with path.open("rb") as fh:
            return sum(1 for _, line in physical_lines(fh) if line is None or line.strip())
    return None


def check_input(path: Path, id_field: str = "id", text_field: str = "text") -> None:
    """Fail early, with one line, when the input as a whole cannot be used.

    Checks the format, that the file can be opened, that a folder holds .txt notes, that CSV and
    Parquet inputs have the id and text columns, and that the first JSON Lines objects name them.

    Raises:
        InputError: what is wrong, in one line (never a row's content).

    """
    fmt = input_format(path)
    try:
        if fmt == "txt":
            if next(_txt_files(path), None) is None:
                raise InputError(f"no .txt or .txt.gz notes in the folder {path}")
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            try:
                names = pq.ParquetFile(path).schema_arrow.names
            except OSError:
                raise
            except Exception as err:  # noqa: BLE001  (arrow raises its own types)
                raise InputError(
                    f"{path.name} is not a readable Parquet file ({type_name(err)})"
                ) from None
            _require_columns("the Parquet file", names, id_field, text_field)
        elif fmt == "csv":
            with _open_binary(path) as fh:
                _csv_header(csv_records(fh, MAX_LINE_BYTES), id_field, text_field)
        else:
            _check_jsonl_fields(path, id_field, text_field)
    except OSError as err:
        raise InputError(f"cannot read {path.name}: {err.strerror or type_name(err)}") from None


def _check_jsonl_fields(path: Path, id_field: str, text_field: str, sample: int = 100) -> None:
    """Refuse a JSON Lines input whose first objects all lack the id or the text field."""
    objects: list[dict[str, Any]] = []
    with _open_binary(path) as fh:
        try:
            for _, raw in physical_lines(fh):
                if raw is None or not raw.strip():
                    continue
                data, _, _ = parse_jsonl_line(raw)
                if data is not None:
                    objects.append(data)
                if len(objects) >= sample:
                    break
        except READ_ERRORS:
            pass  # the reader reports it as an error row
    if not objects:
        return
    for name, option in ((id_field, "--id-field"), (text_field, "--text-field")):
        if not any(name in o for o in objects):
            keys = list(dict.fromkeys(k for o in objects for k in o))
            raise InputError(
                f"none of the first {len(objects)} JSON objects has a {name!r} field "
                f"(fields: {safe_names(keys)}); name the field with {option}"
            )


def read_rows(
    path: Path, id_field: str = "id", text_field: str = "text", batch_rows: int = 1024
) -> Iterator[Row]:
    """Yield every input row in order, streaming (never the whole file in memory)."""
    fmt = input_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path, id_field, text_field)
    elif fmt == "csv":
        yield from _read_csv(path, id_field, text_field, batch_rows)
    elif fmt == "parquet":
        yield from _read_parquet(path, id_field, text_field, batch_rows)
    else:
        yield from _read_txt(path)


def _row(
    index: int,
    data: dict[str, Any],
    id_field: str,
    text_field: str,
    where: str | None = None,
    escaped: bool = False,
) -> Row:
    note_id, text, error = row_fields(data, id_field, text_field, escaped)
    return Row(index, note_id, text, scrub(data), error, where)


def _read_jsonl(path: Path, id_field: str, text_field: str) -> Iterator[Row]:
    index = 0
    lineno = 0
    with _open_binary(path) as fh:
        lines = physical_lines(fh, MAX_LINE_BYTES)
        while True:
            try:
                item = next(lines, None)
            except READ_ERRORS as err:
                yield _unreadable(index, lineno + 1, err)
                return
            if item is None:
                return
            lineno, raw = item
            if raw is not None and not raw.strip():
                continue
            yield _jsonl_row(index, lineno, raw, id_field, text_field)
            index += 1


def _unreadable(index: int, lineno: int, err: BaseException) -> Row:
    """The last row of an input whose stream fails at ``lineno`` (truncated or corrupt)."""
    where = f"line {lineno}"
    return Row(index, where, None, {}, UNREADABLE.format(type_name(err)), where)


def _jsonl_row(index: int, lineno: int, raw: bytes | None, id_field: str, text_field: str) -> Row:
    """One JSON Lines line as a row; never raises (bounded size and depth before parsing).

    A line that cannot be parsed keeps the id it states when that can be trusted, else its id
    is its place (``line 7``), so the error row can be found and matched to its input.
    """
    where = f"line {lineno}"
    data, error, escaped = parse_jsonl_line(raw)
    if data is None:
        note_id = recover_json_id(raw, id_field, text_field) or where
        return Row(index, note_id, None, {}, error, where)
    return _row(index, data, id_field, text_field, where, escaped)


def _read_csv(path: Path, id_field: str, text_field: str, batch_rows: int) -> Iterator[Row]:
    """Rows of a CSV file, read strictly: every malformed record is one error row, in order."""
    with _open_binary(path) as fh:
        records = csv_records(fh, MAX_LINE_BYTES)
        header = _csv_header(records, id_field, text_field)
        id_at, text_at = header.index(id_field), header.index(text_field)
        # An id can be trusted from a broken record only if it comes before the note text.
        id_of_broken = id_at if id_at < text_at else None
        index = 0
        lineno = 1
        while True:
            try:
                item = next(records, None)
            except READ_ERRORS as err:
                yield _unreadable(index, lineno + 1, err)
                return
            if item is None:
                return
            lineno, fields, error, first_line = item
            where = f"line {lineno}"
            if fields is None:
                note_id = (
                    recover_field(first_line, id_of_broken) if id_of_broken is not None else None
                )
                yield Row(index, note_id or where, None, {}, error, where)
            elif len(fields) != len(header):
                note_id = None
                if id_of_broken is not None and id_of_broken < len(fields):
                    value = fields[id_of_broken].strip()
                    note_id = scrub_text(value) if 0 < len(value) <= MAX_RECOVERED_ID else None
                error = f"has {len(fields)} fields; the header has {len(header)}"
                yield Row(index, note_id or where, None, {}, error, where)
            else:
                yield _row(
                    index, dict(zip(header, fields, strict=True)), id_field, text_field, where, True
                )
            index += 1


def _csv_header(records: Iterator[Any], id_field: str, text_field: str) -> list[str]:
    try:
        first = next(records, None)
    except READ_ERRORS as err:
        raise InputError(f"cannot read the CSV input ({type_name(err)})") from None
    if first is None:
        raise InputError("the CSV input is empty (no header line)")
    if first[1] is None:
        raise InputError(f"cannot read the CSV header: {first[2]}")
    header = [scrub_text(name) for name in first[1]]
    _require_columns("the CSV", header, id_field, text_field)
    return header


def _require_columns(what: str, names: list[str], id_field: str, text_field: str) -> None:
    for name, option in ((id_field, "--id-field"), (text_field, "--text-field")):
        if name not in names:
            raise InputError(
                f"{what} has no {name!r} column (columns: {safe_names(names)}); "
                f"name the column with {option}"
            )


def _read_parquet(path: Path, id_field: str, text_field: str, batch_rows: int) -> Iterator[Row]:
    """Rows of a Parquet file; an unreadable row group or value becomes error rows, in order."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    _require_columns("the Parquet file", names, id_field, text_field)
    index = 0
    for group in range(pf.num_row_groups):
        group_rows = pf.metadata.row_group(group).num_rows
        done = 0
        try:
            for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[group]):
                for data, error in arrow_rows(batch):
                    where = f"row {index + 1}"
                    if data is None:
                        yield Row(index, None, None, {}, error, where)
                    else:
                        yield _row(index, data, id_field, text_field, where)
                    index += 1
                    done += 1
        except Exception as err:  # noqa: BLE001  (a corrupt row group costs its own rows only)
            for _ in range(group_rows - done):
                yield Row(
                    index,
                    None,
                    None,
                    {},
                    f"Parquet row group {group} cannot be read ({type_name(err)})",
                    f"row {index + 1}",
                )
                index += 1


def _txt_files(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.iterdir()):
        name = p.name.lower()
        if p.is_file() and (name.endswith(".txt") or name.endswith(".txt.gz")):
            yield p


def _read_txt(folder: Path) -> Iterator[Row]:
    # Read at most a few bytes past the limit, so a whole chart pasted by mistake is not loaded.
    limit = MAX_CHARS * 4 + 1
    for index, p in enumerate(_txt_files(folder)):
        note_id = scrub_text(
            p.name[: -len(".txt.gz")] if p.name.lower().endswith(".gz") else p.stem
        )
        try:
            with _open_binary(p) as fh:
                data = fh.read(limit)
        except OSError as err:
            yield Row(
                index, note_id, None, {}, f"cannot read file: {err.strerror or type_name(err)}"
            )
            continue
        except READ_ERRORS as err:  # a corrupt .txt.gz
            yield Row(index, note_id, None, {}, f"cannot read file ({type_name(err)})")
            continue
        if len(data) >= limit:
            yield Row(index, note_id, None, {}, f"note is longer than {MAX_CHARS:,} characters")
            continue
        yield Row(index, note_id, data, {})


# Output -------------------------------------------------------------------------------------


def _gap_codes(record: dict[str, Any]) -> list[str]:
    """The distinct gap codes of a full record (gap dicts) or a flat row (a ';'-joined string)."""
    gaps = record.get("gaps")
    if isinstance(gaps, str):
        return [c for c in gaps.split(";") if c]
    if gaps is None or (isinstance(gaps, float) and gaps != gaps):  # None or NaN (pandas)
        return [c for c in GAP_COLUMNS if record.get(c) in (True, "True")]
    return list(dict.fromkeys(g["code"] if isinstance(g, dict) else str(g) for g in gaps))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def note_status(record: dict[str, Any]) -> str:
    """The note-level status of a record or flat row: one of :data:`STATUSES`.

    The record's own ``status`` when it has one; otherwise derived from it: an error row is
    ``error``; a claim-ready note ``ready``; a note whose only blocking gap is
    ``NOT_ADMINISTERED``, or that has no administration and no 96372 service code,
    ``no_injection`` (nothing was given at this encounter: not a documentation gap); a note
    whose blocking gaps all name another service (vaccine, chemotherapy, a route that is not
    SC/IM) or whose service code is not 96372, ``other_service``; anything else ``gaps``.
    """
    status = record.get("status")
    if isinstance(status, str) and status in STATUSES:
        return status
    if not _missing(record.get("error")):
        return "error"
    if record.get("claim_ready") in (True, "True", "true", 1):
        return "ready"
    blocking = set(BLOCKING_COLUMNS)
    codes = [c for c in _gap_codes(record) if c in blocking]
    administrations = record.get("administrations")
    service = record.get("service_code")
    service = None if _missing(service) else str(service)
    if (codes and set(codes) <= {"NOT_ADMINISTERED"}) or (
        not codes and service is None and isinstance(administrations, list) and not administrations
    ):
        return "no_injection"
    kinds = set(gap_templates().kind_gaps.values())
    if (codes and set(codes) <= kinds) or (service is not None and service != "96372"):
        return "other_service"
    return "gaps"


def flat_row(record: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The flat row of a contract record: decision, one boolean per gap code, lists joined by ';'."""
    ok = record.get("error") is None
    codes = list(dict.fromkeys(g["code"] for g in record.get("gaps") or ()))
    given = [a for a in record.get("administrations") or () if a.get("given")]
    row: dict[str, Any] = {
        "id": record.get("id"),
        "status": note_status(record),
        "claim_ready": record.get("claim_ready"),
        "probability": record.get("probability"),
        "service_code": record.get("service_code"),
        "injections": record.get("injections"),
        "note_type": record.get("note_type"),
        "date_of_service": record.get("date_of_service"),
    }
    for code in GAP_COLUMNS:
        row[code] = (code in codes) if ok else None
    row["gaps"] = ";".join(codes) if ok else None
    row["icd10"] = ";".join(record.get("icd10") or ()) if ok else None
    row["claim_lines"] = (
        ";".join(_line_label(c) for c in record.get("claim_lines") or ()) if ok else None
    )
    for column, key in (("drugs", "drug"), ("hcpcs", "hcpcs"), ("units", "units")):
        row[column] = ";".join(_item(a.get(key)) for a in given) if ok else None
    row["queries"] = (
        "\n".join(
            dict.fromkeys(
                f"{g['code']}: {g.get('query') or ''}".strip()
                for g in record.get("gaps") or ()
                if g.get("severity") == "blocking"
            )
        )
        if ok
        else None
    )
    row["rules_version"] = record.get("rules_version")
    row["model_version"] = record.get("model_version")
    row["error"] = record.get("error")
    for key, value in (extra or {}).items():
        row[key if key not in row else f"input_{key}"] = value
    return row


def _item(value: Any) -> str:
    return "" if value is None else str(value).replace(";", ",")


def _line_label(line: dict[str, Any]) -> str:
    """``96372x1``, ``J1885-JZx2``: a claim line of a record in one word."""
    mods = "".join(f"-{m}" for m in line.get("modifiers") or ())
    return f"{line['code']}{mods}x{line['units']}"


def flat_arrow_schema() -> Any:
    """The Arrow schema of the flat columns, derived from the :class:`Review` dataclass.

    Scalar columns take the Arrow type of the record field's annotation (``bool | None`` →
    ``bool``); gap columns are booleans; joined lists are strings. The Spark schema is made from
    this one (``from_arrow_schema``), so the three cannot drift apart.
    """
    import typing

    import pyarrow as pa

    from ..result import Review

    arrow = {str: pa.string(), bool: pa.bool_(), float: pa.float64(), int: pa.int64()}
    hints = typing.get_type_hints(Review)

    def of(name: str) -> Any:
        kinds = [t for t in typing.get_args(hints[name]) if t is not type(None)] or [hints[name]]
        return arrow[kinds[0]]

    types = {name: of(name) for name in FLAT_SCALARS if name in hints}
    types.update({code: pa.bool_() for code in GAP_COLUMNS})
    types["status"] = pa.string()
    types.update({name: pa.string() for name in (*FLAT_JOINED, *FLAT_TEXT)})
    types.update({name: of(name) for name in FLAT_VERSIONS})
    types["error"] = of("error")
    return pa.schema([(name, types[name]) for name in FLAT_COLUMNS])


def flat_arrow_types() -> dict[str, Any]:
    """Arrow types of the flat columns by name (so an all-null chunk still has the right type)."""
    return {f.name: f.type for f in flat_arrow_schema()}


class Writer:
    """Append chunks of records to an in-progress output; ``size()`` is the complete length."""

    def __init__(self, path: Path, fmt: str, append: bool) -> None:
        """Open ``path`` (the in-progress file or folder) for writing or appending."""
        self.path = path
        self.fmt = fmt
        self.columns: list[str] | None = None
        if fmt == "parquet":
            path.mkdir(parents=True, exist_ok=True)
            self.parts = len(list(path.glob("part-*.parquet"))) if append else 0
            self.fh = None
        else:
            self.fh = path.open("ab" if append else "wb")
            if fmt == "csv" and append and path.stat().st_size > 0:
                with path.open("r", encoding="utf-8", newline="") as fh:
                    self.columns = next(csv.reader(fh))

    def write(
        self,
        items: list[tuple[dict[str, Any], dict[str, Any]]],
        where: list[str | None] | None = None,
    ) -> None:
        """Write (record, passthrough) pairs and make them durable (fsync).

        Every output is valid UTF-8: unpaired surrogates become U+FFFD. A row whose passthrough
        columns cannot be written at all becomes an error row (``where`` locates it).
        """
        places = where or [None] * len(items)
        if self.fmt == "jsonl":
            buf = io.BytesIO()
            for (record, extra), place in zip(items, places, strict=True):
                buf.write(_jsonl_line(record, extra, place))
            self._append(buf.getvalue())
        elif self.fmt == "csv":
            rows = [
                _flat_or_error(r, e, place) for (r, e), place in zip(items, places, strict=True)
            ]
            rows = [{neutralize(k): neutralize(v) for k, v in row.items()} for row in rows]
            text = io.StringIO()
            if self.columns is None:
                self.columns = list(dict.fromkeys(k for row in rows for k in row))
                writer = csv.DictWriter(text, self.columns, extrasaction="ignore")
                writer.writeheader()
            else:
                writer = csv.DictWriter(text, self.columns, extrasaction="ignore")
            for row, place in zip(rows, places, strict=True):
                try:
                    writer.writerow(row)
                except Exception:  # noqa: BLE001  (an unwritable passthrough value)
                    bad = flat_row(_unwritable(row.get("id"), place))
                    writer.writerow({k: neutralize(v) for k, v in bad.items()})
            self._append(utf8(text.getvalue()))
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = [
                _flat_or_error(r, e, place) for (r, e), place in zip(items, places, strict=True)
            ]
            names = list(dict.fromkeys(k for row in rows for k in row))
            types = flat_arrow_types()
            table = pa.table(
                {n: arrow_column([row.get(n) for row in rows], types.get(n)) for n in names}
            )
            final = self.path / f"part-{self.parts:06d}.parquet"
            tmp = final.with_suffix(".tmp")
            pq.write_table(table, tmp)
            _fsync_path(tmp)
            os.replace(tmp, final)
            _fsync_path(self.path)
            self.parts += 1

    def _append(self, data: bytes) -> None:
        assert self.fh is not None
        self.fh.write(data)
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def size(self) -> int:
        """Bytes (or parts) of complete output so far."""
        if self.fh is not None:
            return self.fh.tell()
        return self.parts

    def close(self) -> None:
        """Close the in-progress output."""
        if self.fh is not None:
            self.fh.close()


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string starting like a formula gets a ``'``.

    ``=HYPERLINK(...)``, ``+cmd|...``, ``-2+3``, ``@SUM(...)`` and cells starting with a tab or
    carriage return become ``'=HYPERLINK(...)`` etc.; numbers, booleans and other strings are
    unchanged (OWASP's recommendation; Excel and LibreOffice hide the quote).
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _unwritable(note_id: Any, where: str | None) -> dict[str, Any]:
    """The error record for a row whose passthrough columns cannot be written."""
    reason = "the row's passthrough columns cannot be written"
    return Review.failed(
        note_id if isinstance(note_id, str) else None, f"{where}: {reason}" if where else reason
    ).to_dict()


def _jsonl_line(record: dict[str, Any], extra: dict[str, Any], where: str | None) -> bytes:
    merged = dict(record)
    for key, value in extra.items():
        merged.setdefault(key, value)
    try:
        line = json.dumps(merged, ensure_ascii=False, default=str)
    except Exception:  # noqa: BLE001
        line = json.dumps(_unwritable(record.get("id"), where), ensure_ascii=False)
    return utf8(line) + b"\n"


def _flat_or_error(
    record: dict[str, Any], extra: dict[str, Any], where: str | None
) -> dict[str, Any]:
    try:
        return flat_row(record, extra)
    except Exception:  # noqa: BLE001
        return flat_row(_unwritable(record.get("id"), where))


def read_partial(path: Path, fmt: str) -> Iterator[dict[str, Any]]:
    """The rows of an in-progress output (full records for JSON Lines, flat rows otherwise)."""
    if fmt == "jsonl":
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    try:
                        yield json.loads(line)
                    except ValueError:
                        yield {"error": "unreadable row"}
    elif fmt == "csv":
        with path.open("r", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield {k: (None if v == "" else v) for k, v in row.items()}
    else:
        import pyarrow.parquet as pq

        wanted = ("status", "claim_ready", "service_code", "gaps", "error", *GAP_COLUMNS)
        for part in sorted(path.glob("part-*.parquet")):
            parquet = pq.ParquetFile(part)
            columns = [c for c in wanted if c in parquet.schema_arrow.names]
            for batch in parquet.iter_batches(batch_size=4096, columns=columns):
                yield from batch.to_pylist()


def truncate_partial(path: Path, fmt: str, size: int) -> None:
    """Cut an in-progress output back to its last complete chunk (``size`` bytes or parts)."""
    if fmt == "parquet":
        for part in path.glob("part-*"):
            number = part.name.split("-")[1].split(".")[0]
            if not part.name.endswith(".parquet") or int(number) >= size:
                part.unlink()
    else:
        with path.open("r+b") as fh:
            fh.truncate(size)
            fh.flush()
            os.fsync(fh.fileno())


def finish(partial: Path, output: Path, fmt: str) -> None:
    """Move a complete in-progress output to its final name atomically."""
    if fmt != "parquet":
        _fsync_path(partial)
        os.replace(partial, output)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted(partial.glob("part-*.parquet"))
    tmp = output.with_name(output.name + ".tmp")
    if not parts:
        types = flat_arrow_types()
        pq.write_table(pa.table({c: pa.array([], types[c]) for c in FLAT_COLUMNS}), tmp)
    else:
        # Chunks may disagree on a passthrough column's type (all-null in one chunk): unify them.
        schema = unified_schema([pq.read_schema(p) for p in parts])
        with pq.ParquetWriter(tmp, schema) as writer:
            for p in parts:
                table = pq.read_table(p)
                for name in schema.names:
                    if name not in table.column_names:
                        table = table.append_column(
                            name, pa.nulls(len(table), schema.field(name).type)
                        )
                writer.write_table(conform_table(table.select(schema.names), schema))
    _fsync_path(tmp)
    os.replace(tmp, output)
    for p in partial.glob("*"):
        p.unlink()
    partial.rmdir()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
