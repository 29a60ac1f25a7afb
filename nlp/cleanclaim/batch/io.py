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

from ..resources import blocking_codes
from ..reviewer import MAX_CHARS

#: One boolean column per blocking gap code, plus the advisory SITE_MISSING.
GAP_COLUMNS = (*blocking_codes(), "SITE_MISSING")
#: Scalar fields of :class:`~cleanclaim.result.Review` copied as they are (their types come from
#: the dataclass), and list fields joined with ';'.
FLAT_SCALARS = ("id", "claim_ready", "probability", "service_code", "injections")
FLAT_JOINED = ("gaps", "icd10", "claim_lines")
#: The flat row's own columns, in order; passthrough columns follow.
FLAT_COLUMNS = (*FLAT_SCALARS, *GAP_COLUMNS, *FLAT_JOINED, "error")

INPUT_FORMATS = ("jsonl", "csv", "parquet", "txt")
OUTPUT_FORMATS = ("jsonl", "csv", "parquet")


class InputError(ValueError):
    """The input as a whole cannot be read (not a single row): unknown format, missing column."""


@dataclass
class Row:
    """One input row: its position, id, text (str or bytes), passthrough columns, read error."""

    index: int
    id: str | None
    text: Any
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


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
            return sum(1 for line in fh if line.strip())
    return None


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


def _row(index: int, data: dict[str, Any], id_field: str, text_field: str) -> Row:
    note_id = data.pop(id_field, None)
    text = data.pop(text_field, None)
    error = None
    if note_id is None or (isinstance(note_id, str) and not note_id.strip()):
        note_id, error = None, f"missing {id_field!r}"
    elif text is None:
        error = f"missing {text_field!r}"
    return Row(index, None if note_id is None else str(note_id), text, data, error)


def _read_jsonl(path: Path, id_field: str, text_field: str) -> Iterator[Row]:
    index = 0
    with _open_binary(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except UnicodeDecodeError:
                yield Row(index, None, None, {}, f"line {lineno} is not valid UTF-8")
                index += 1
                continue
            except ValueError:
                yield Row(index, None, None, {}, f"line {lineno} is not valid JSON")
                index += 1
                continue
            if not isinstance(data, dict):
                yield Row(index, None, None, {}, f"line {lineno} is not a JSON object")
            else:
                yield _row(index, data, id_field, text_field)
            index += 1


def _decode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def _read_csv(path: Path, id_field: str, text_field: str, batch_rows: int) -> Iterator[Row]:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    def stream() -> Any:
        return pa.input_stream(str(path), compression="detect")

    invalid: list[int] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row.number if row.number is not None else -1)
        return "skip"

    with stream() as probe:
        header = pacsv.open_csv(
            probe, read_options=pacsv.ReadOptions(block_size=1 << 16)
        ).schema.names
    for name in (id_field, text_field):
        if name not in header:
            raise InputError(f"the CSV has no {name!r} column (columns: {', '.join(header[:20])})")
    # Binary columns: a note that is not UTF-8 becomes one error row instead of stopping the read.
    types = {name: pa.binary() for name in header}
    reader = pacsv.open_csv(
        stream(),
        read_options=pacsv.ReadOptions(block_size=max(1 << 20, batch_rows * 2048)),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    index = 0
    for batch in reader:
        for data in batch.to_pylist():
            row_id = data.get(id_field)
            data = {k: (v if k == text_field else _decode(v)) for k, v in data.items()}
            if row_id is not None and not row_id:
                data[id_field] = None
            if data.get(text_field) == b"":
                data[text_field] = ""
            yield _row(index, data, id_field, text_field)
            index += 1
        while invalid:
            yield Row(
                index, None, None, {}, f"CSV row {invalid.pop(0)} has the wrong number of columns"
            )
            index += 1
    while invalid:
        yield Row(
            index, None, None, {}, f"CSV row {invalid.pop(0)} has the wrong number of columns"
        )
        index += 1


def _read_parquet(path: Path, id_field: str, text_field: str, batch_rows: int) -> Iterator[Row]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    for name in (id_field, text_field):
        if name not in names:
            raise InputError(
                f"the Parquet file has no {name!r} column (columns: {', '.join(names[:20])})"
            )
    index = 0
    for batch in pf.iter_batches(batch_size=batch_rows):
        for data in batch.to_pylist():
            yield _row(index, data, id_field, text_field)
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
        note_id = p.name[: -len(".txt.gz")] if p.name.lower().endswith(".gz") else p.stem
        try:
            with _open_binary(p) as fh:
                data = fh.read(limit)
        except OSError as err:
            yield Row(
                index, note_id, None, {}, f"cannot read file: {err.strerror or type(err).__name__}"
            )
            continue
        if len(data) >= limit:
            yield Row(index, note_id, None, {}, f"note is longer than {MAX_CHARS:,} characters")
            continue
        yield Row(index, note_id, data, {})


# Output -------------------------------------------------------------------------------------


def flat_row(record: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The flat row of a contract record: decision, one boolean per gap code, lists joined by ';'."""
    ok = record.get("error") is None
    codes = list(dict.fromkeys(g["code"] for g in record.get("gaps") or ()))
    row: dict[str, Any] = {
        "id": record.get("id"),
        "claim_ready": record.get("claim_ready"),
        "probability": record.get("probability"),
        "service_code": record.get("service_code"),
        "injections": record.get("injections"),
    }
    for code in GAP_COLUMNS:
        row[code] = (code in codes) if ok else None
    row["gaps"] = ";".join(codes) if ok else None
    row["icd10"] = ";".join(record.get("icd10") or ()) if ok else None
    row["claim_lines"] = (
        ";".join(_line_label(c) for c in record.get("claim_lines") or ()) if ok else None
    )
    row["error"] = record.get("error")
    for key, value in (extra or {}).items():
        row[key if key not in row else f"input_{key}"] = value
    return row


def _line_label(line: dict[str, Any]) -> str:
    """``96372x1``, ``J1885-JZx2``: a claim line of a record in one word."""
    mods = "".join(f"-{m}" for m in line.get("modifiers") or ())
    return f"{line['code']}{mods}x{line['units']}"


def parse_line_label(label: str) -> dict[str, Any]:
    """The claim line of a flat label (``J1885-JZx2`` → code, modifiers, units)."""
    head, _, units = label.rpartition("x")
    code, *mods = head.split("-")
    return {"code": code, "modifiers": mods, "units": int(units)}


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

    types = {name: of(name) for name in FLAT_SCALARS}
    types.update({code: pa.bool_() for code in GAP_COLUMNS})
    types.update({name: pa.string() for name in FLAT_JOINED})
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

    def write(self, items: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        """Write (record, passthrough) pairs and make them durable (fsync)."""
        if self.fmt == "jsonl":
            buf = io.BytesIO()
            for record, extra in items:
                record = dict(record)
                for key, value in extra.items():
                    record.setdefault(key, value)
                buf.write(
                    json.dumps(record, ensure_ascii=False, default=str).encode("utf-8") + b"\n"
                )
            self._append(buf.getvalue())
        elif self.fmt == "csv":
            rows = [flat_row(r, e) for r, e in items]
            text = io.StringIO()
            if self.columns is None:
                self.columns = list(dict.fromkeys(k for row in rows for k in row))
                writer = csv.DictWriter(text, self.columns, extrasaction="ignore")
                writer.writeheader()
            else:
                writer = csv.DictWriter(text, self.columns, extrasaction="ignore")
            writer.writerows(rows)
            self._append(text.getvalue().encode("utf-8"))
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = [flat_row(r, e) for r, e in items]
            names = list(dict.fromkeys(k for row in rows for k in row))
            types = flat_arrow_types()
            table = pa.table(
                {n: pa.array([row.get(n) for row in rows], type=types.get(n)) for n in names}
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
        schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
        with pq.ParquetWriter(tmp, schema) as writer:
            for p in parts:
                table = pq.read_table(p)
                for name in schema.names:
                    if name not in table.column_names:
                        table = table.append_column(
                            name, pa.nulls(len(table), schema.field(name).type)
                        )
                writer.write_table(table.select(schema.names).cast(schema))
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
