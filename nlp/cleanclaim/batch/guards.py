"""Hostile-input guards for batch reading: bounded lines, JSON depth, CSV records, clean text.

Everything here works on one line or one record at a time and never raises for bad content:
the batch readers turn what these functions report into one error row per bad input row.
Nothing here puts note text into a message.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections import deque
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..reviewer import MAX_CHARS

#: A JSON Lines line or a CSV record longer than this many bytes is an error row, never parsed.
MAX_LINE_BYTES = 8 << 20
#: JSON nested deeper than this is an error row; checked by a scan before ``json.loads``.
MAX_JSON_DEPTH = 64
#: A recovered id (from a row that could not be parsed) longer than this is dropped.
MAX_RECOVERED_ID = 128

#: Lone (unpaired) UTF-16 surrogate code points: legal in a Python str, never in UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRUCTURE = re.compile(r'["\\\[\]{}]')
#: What a row says when the input stream itself fails mid-way.
UNREADABLE = "the input cannot be read from here on ({}: truncated or corrupt)"
#: Errors a (possibly compressed) input stream can raise mid-way: truncated or corrupt data.
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)


def mib(n: int) -> str:
    """``n`` bytes as a short MiB figure for messages."""
    return f"{n / (1 << 20):g} MiB"


def physical_lines(fh: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, bytes)`` for each line of ``fh``; ``None`` for a line over ``limit``.

    An over-long line is skipped in bounded pieces, so a file without newlines is never loaded.
    """
    lineno = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
        else:
            yield lineno, raw


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON in ``text`` nests arrays/objects deeper than ``limit`` (no parsing).

    Brackets inside strings do not count. Linear in the number of quotes and brackets.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = False
    skip = -1
    for m in _JSON_STRUCTURE.finditer(text):
        pos = m.start()
        if pos == skip:
            continue
        c = m.group()
        if in_string:
            if c == "\\":
                skip = pos + 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > limit:
                return True
        elif c in "]}":
            depth -= 1
    return False


def scrub_text(value: str) -> str:
    """``value`` with every unpaired surrogate replaced by U+FFFD (so it encodes as UTF-8)."""
    return SURROGATE.sub("\ufffd", value) if SURROGATE.search(value) else value


def scrub(value: Any) -> Any:
    """``value`` (str, list, dict, nested) with unpaired surrogates replaced by U+FFFD."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def type_name(value: object) -> str:
    """A short type name for messages (never the value)."""
    return type(value).__name__


def safe_names(names: list[str], limit: int = 20) -> str:
    """List column names for a message: short header-like names only, at most ``limit``.

    A headerless file's first row could be note text, so long names are not shown.
    """
    shown = []
    for name in names[:limit]:
        ok = isinstance(name, str) and 0 < len(name) <= 40 and name.count(" ") <= 3
        shown.append(repr(scrub_text(name)) if ok else "<long name>")
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return ", ".join(shown) + more if shown else "none"


class _RecordTooLargeError(Exception):
    """A CSV record grew past :data:`MAX_LINE_BYTES` (usually an unterminated quote)."""


#: What a CSV reader reports for one record: first line number, fields or None, error or None,
#: and (for an error) the record's first physical line, to recover an id from.
CsvRecord = tuple[int, list[str] | None, str | None, str | None]


def csv_records(fh: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[CsvRecord]:
    """Split a CSV byte stream into records, strictly, recovering after every malformed one.

    A record that breaks the quoting rules, ends inside a quoted field (an unterminated quote), or
    grows past ``limit`` bytes is reported as an error at its first line, and reading resumes at
    the line after it, so one bad row costs one row. Lines are decoded as UTF-8 with
    ``surrogateescape`` (bytes that are not UTF-8 survive as U+DC80..U+DCFF for the caller to
    judge). A UTF-8 byte order mark at the start of the file is dropped. Blank lines are skipped.
    """
    if csv.field_size_limit() < limit + 1:
        csv.field_size_limit(limit + 1)
    source = physical_lines(fh, limit)
    replay: deque[tuple[int, str | None]] = deque()
    first = [True]

    def next_line() -> tuple[int, str | None] | None:
        if replay:
            return replay.popleft()
        item = next(source, None)
        if item is None:
            return None
        lineno, raw = item
        if raw is None:
            return lineno, None
        line = raw.decode("utf-8", "surrogateescape")
        if first[0]:
            first[0] = False
            if line.startswith("\ufeff"):
                line = line[1:]
        return lineno, line

    while True:
        current: list[tuple[int, str | None]] = []
        size = [0]

        def feed() -> Iterator[str]:
            while True:
                item = next_line()  # noqa: B023  (the reader below consumes feed() in this pass)
                if item is None:
                    return
                current.append(item)  # noqa: B023
                line = item[1]
                if line is None:
                    raise _RecordTooLargeError
                size[0] += len(line)  # noqa: B023
                if size[0] > limit:  # noqa: B023
                    raise _RecordTooLargeError
                yield line

        reader = csv.reader(feed(), strict=True)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                if not current:
                    return
                # Only possible if the reader swallowed lines without a record: report them.
                yield current[0][0], None, "malformed CSV record", current[0][1]
                return
            except (csv.Error, _RecordTooLargeError) as err:
                if not current:  # pragma: no cover  (an error needs at least one line)
                    return
                yield current[0][0], None, _csv_reason(err, current, limit), current[0][1]
                replay.extendleft(reversed(current[1:]))
                break
            start = current[0][0] if current else 0
            current.clear()
            size[0] = 0
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            yield start, fields, None, None


def _csv_reason(err: Exception, current: list[tuple[int, str | None]], limit: int) -> str:
    if isinstance(err, _RecordTooLargeError):
        if current and current[-1][1] is None:
            return f"line is longer than {mib(limit)}"
        return f"record is longer than {mib(limit)} (an unterminated quote?)"
    message = str(err)
    if "unexpected end of data" in message:
        return "unterminated quoted field (the quote is never closed)"
    if "field larger" in message:
        return f"record is longer than {mib(limit)} (an unterminated quote?)"
    if "expected after" in message:
        return "malformed quoting (a quote left open, or text after a closing quote)"
    if "new-line" in message:
        return "carriage return inside an unquoted field"
    return "malformed CSV record"


def recover_field(line: str | None, index: int) -> str | None:
    """Field ``index`` of a malformed record's first line, if it is short enough to be an id."""
    if line is None:
        return None
    try:
        fields = next(csv.reader([line.rstrip("\r\n")]), [])
    except csv.Error:
        return None
    if index >= len(fields):
        return None
    value = fields[index].strip()
    if not value or len(value) > MAX_RECOVERED_ID or "\n" in value or "\r" in value:
        return None
    return scrub_text(value)


def recover_json_id(raw: bytes | None, id_field: str, text_field: str) -> str | None:
    """The id of a JSON Lines line that could not be parsed, when it can be trusted.

    Trusted only at the top level of the object, before the note text and before any nested
    value: ``{"id": "n7", "meta": [[[...`` gives ``n7``; an ``"id"`` inside a string or a nested
    value gives nothing. The search reads a bounded prefix of the line (linear, no backtracking).
    """
    if raw is None:
        return None
    head = raw[: 4 * MAX_RECOVERED_ID + 64 * 1024].decode("utf-8", "replace")
    key = re.compile(
        rf'(?<![\\\w])"{re.escape(id_field)}"\s*:\s*("(?:[^"\\\n]|\\.){{0,{MAX_RECOVERED_ID}}}"|-?\d{{1,30}}(?![\d.eE]))'
    )
    found = key.search(head)
    if found is None:
        return None
    before = head[: found.start()]
    text_key = head.find(f'"{text_field}"')
    if not before.lstrip().startswith("{") or "{" in before.lstrip()[1:] or "[" in before:
        return None
    if 0 <= text_key < found.start():
        return None
    try:
        value = json.loads(found.group(1))
    except ValueError:
        return None
    value = str(value).strip()
    if not value or "\n" in value or "\r" in value:
        return None
    return scrub_text(value)


# Rows -----------------------------------------------------------------------------------------


def row_fields(
    data: dict[str, Any], id_field: str, text_field: str, escaped: bool = False
) -> tuple[str | None, Any, str | None]:
    """Pop and check the id and text of a parsed row: ``(id, text, error)``.

    The id must be a string or a number (made a string, surrogates replaced); the text must be a
    string or bytes of a reviewable size, else the row errors without going to a worker.
    ``escaped``: the row was decoded with ``surrogateescape``, so surrogates in its text stand
    for bytes that are not UTF-8 (the text goes on as bytes, for check_note to name the byte).
    """
    note_id = data.pop(id_field, None)
    text = data.pop(text_field, None)
    if isinstance(note_id, bool) or not isinstance(note_id, (str, int, float, type(None))):
        return None, None, f"{id_field!r} must be a string or a number, not {type_name(note_id)}"
    if isinstance(note_id, (int, float)):
        note_id = str(note_id)
    elif isinstance(note_id, str):
        note_id = scrub_text(note_id) if note_id.strip() else None
    if note_id is None:
        return None, None, f"missing {id_field!r}"
    if text is None:
        return note_id, None, f"missing {text_field!r}"
    text, error = note_input(text, escaped)
    return note_id, text, error


def note_input(text: Any, escaped: bool) -> tuple[Any, str | None]:
    """Return ``(text, None)`` to send to a worker, or ``(None, error)``.

    Only str or bytes of a reviewable size travel to a worker.
    """
    if isinstance(text, str):
        if len(text) > MAX_CHARS:
            return None, f"note is {len(text):,} characters; the limit is {MAX_CHARS:,}"
        if escaped and SURROGATE.search(text):
            try:
                return text.encode("utf-8", "surrogateescape"), None
            except UnicodeEncodeError:
                pass  # an escaped lone surrogate as well: check_note names it
        return text, None
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_CHARS * 4:
            return None, f"note is longer than {MAX_CHARS:,} characters"
        return bytes(text), None
    return None, f"note text must be a string, not {type_name(text)}"


def parse_jsonl_line(raw: bytes | None) -> tuple[dict[str, Any] | None, str | None, bool]:
    """Parse one JSON Lines line: (object, None, escaped) or (None, reason, escaped); never raise.

    Size and nesting depth are bounded before parsing.

    ``escaped``: the line was not UTF-8 and was decoded with ``surrogateescape``.
    """
    if raw is None:
        return None, f"line is longer than {mib(MAX_LINE_BYTES)}", False
    escaped = False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text, escaped = raw.decode("utf-8", "surrogateescape"), True
    if text.startswith("\ufeff"):
        text = text[1:]
    too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    if json_too_deep(text, MAX_JSON_DEPTH):
        return None, too_deep, escaped
    try:
        data = json.loads(text)
    except RecursionError:
        return None, too_deep, escaped
    except ValueError:
        return None, "line is not valid UTF-8" if escaped else "line is not valid JSON", escaped
    except Exception as err:  # noqa: BLE001  (one bad line must not stop a batch)
        return None, f"line cannot be parsed ({type_name(err)})", escaped
    if not isinstance(data, dict):
        return None, "line is not a JSON object", escaped
    return data, None, escaped


def arrow_rows(batch: Any) -> Iterator[tuple[dict[str, Any] | None, str | None]]:
    """Yield ``(row, None)`` per Arrow batch row, or ``(None, error)`` for an unreadable one."""
    try:
        rows = batch.to_pylist()
    except Exception:  # noqa: BLE001
        rows = None
    if rows is not None:
        for data in rows:
            yield data, None
        return
    names = batch.schema.names
    for i in range(batch.num_rows):
        data: dict[str, Any] = {}
        error = None
        for j, name in enumerate(names):
            try:
                data[name] = batch.column(j)[i].as_py()
            except Exception as err:  # noqa: BLE001
                error = f"column {safe_names([name])} cannot be read ({type_name(err)})"
                break
        yield (None, error) if error else (data, None)


# Output -----------------------------------------------------------------------------------------


def utf8(text: str) -> bytes:
    """Encode ``text`` as UTF-8, with any unpaired surrogate replaced by U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE.sub("\ufffd", text).encode("utf-8")


def as_text(value: Any) -> str:
    """Render a passthrough value as text (for a column Arrow cannot hold as it is)."""
    if isinstance(value, str):
        return scrub_text(value)
    try:
        return scrub_text(json.dumps(value, ensure_ascii=False, default=str))
    except Exception:  # noqa: BLE001
        return f"<{type_name(value)}>"


def arrow_column(values: list[Any], arrow_type: Any) -> Any:
    """Build an Arrow array of ``values``; mixed or unrepresentable values fall back to text."""
    import pyarrow as pa

    try:
        return pa.array(values, type=arrow_type)
    except Exception:  # noqa: BLE001  (mixed types, huge ints, unencodable text)
        return pa.array([None if v is None else as_text(v) for v in values], type=pa.string())


def unified_schema(schemas: list[Any]) -> Any:
    """Unify the parts' schemas; columns whose types conflict become text."""
    import pyarrow as pa

    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except Exception:  # noqa: BLE001
        pass
    fields: dict[str, list[Any]] = {}
    for schema in schemas:
        for f in schema:
            fields.setdefault(f.name, []).append(f.type)
    out = []
    for name, kinds in fields.items():
        real = {t for t in kinds if not pa.types.is_null(t)}
        try:
            kind = (
                pa.unify_schemas(
                    [pa.schema([(name, t)]) for t in kinds], promote_options="permissive"
                )
                .field(name)
                .type
            )
        except Exception:  # noqa: BLE001
            kind = pa.string() if real else pa.null()
        out.append(pa.field(name, kind))
    return pa.schema(out)


def conform_table(table: Any, schema: Any) -> Any:
    """Cast ``table`` (columns in ``schema`` order) to ``schema``; conflicts become text."""
    import pyarrow as pa

    try:
        return table.cast(schema)
    except Exception:  # noqa: BLE001
        pass
    columns = []
    for f in schema:
        col = table.column(f.name)
        if col.type != f.type:
            try:
                col = col.cast(f.type)
            except Exception:  # noqa: BLE001
                if pa.types.is_string(f.type):
                    col = pa.array(
                        [None if v is None else as_text(v) for v in col.to_pylist()], pa.string()
                    )
                else:
                    col = pa.nulls(len(table), f.type)
        columns.append(col)
    return pa.table(columns, schema=schema)
