"""Seeded hostile batch inputs (JSON Lines, CSV, Parquet) mixed with ordinary injection notes.

Each writer returns what the output must hold, one :class:`Expected` per output row in input
order: the row's line (JSONL, CSV) or row number (Parquet), the id that must come out, whether
it must be an error row, and for a reviewable row its text, so a test can check that the record
equals a lone review of that note. Used by tests/batch/test_hostile_batch.py and
benchmarks/fuzz_batch.py.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

MAX_CHARS = 200_000

#: A dozen short visit notes written for the fuzz tests (the "ordinary" rows).
ORDINARY = [
    "Vitamin B12 deficiency (E53.8). Cyanocobalamin 1,000 mcg IM administered to the right "
    "deltoid by RN Patel. No reaction observed.",
    "Pt c/o migraine x2 days. Ketorolac 30 mg IM given in the left ventrogluteal. Tolerated "
    "without issue; recheck in 1 week.",
    "Medroxyprogesterone 150 mg IM injection given in the left deltoid for contraception. "
    "Next dose due in 12 weeks.",
    "Allergic reaction with hives. Methylprednisolone acetate 80 mg IM given right gluteal by "
    "LPN Ortiz. Observed 20 minutes, stable.",
    "Annual physical. Discussed diet and exercise. No injections today. Labs ordered: CBC, CMP.",
    "Testosterone cypionate 200 mg intramuscular, left gluteus, for primary hypogonadism "
    "(E29.1). Administered by MA Kim.",
    "Ondansetron 4 mg IM given in the right deltoid for nausea with vomiting.\nPatient states "
    "feeling better.",
    "Patient refused the ceftriaxone injection after discussion of risks. Oral antibiotics "
    "prescribed instead.",
    "Enoxaparin 40 mg subcutaneous injection in the abdomen, given by RN Lee for DVT prophylaxis.",
    'Dexamethasone 10 mg IM given to the left deltoid for acute asthma exacerbation. "Feels '
    'better," per patient. Peak flow improved.',
    "Tetanus-diphtheria vaccine 0.5 mL IM left deltoid after a laceration on the hand, lot TD4411.",
    "Promethazine 25 mg IM — right deltoid 💉 given by RN José for nausea (R11.0). Tolerated well.",
]


#: The id of a line that cannot be parsed: its place, ``line N``.
AT_LINE = "<the line's place>"


@dataclass
class Expected:
    """What one output row must be."""

    line: int
    id: str | None
    kind: str
    error: bool | None  # True: an error row; False: a review; None: either
    text: str | None = None  # reviewable rows: the note, to compare with a lone review


@dataclass
class _Case:
    lines: list[bytes]  # physical lines, without the final newline
    id: str | None
    error: bool | None
    text: str | None = None
    rows: int = 1  # output rows (0 for a blank line)
    newline: bytes = b"\n"


def _dumps(obj: object) -> bytes:
    return json.dumps(obj).encode("utf-8")


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _long_token(rng: random.Random) -> str:
    return rng.choice(
        ["x" * 20_000, "1" * 20_000, "ab.-/" * 3_000, "http://h.example/" + "p/" * 3_000]
    )


# JSON Lines ---------------------------------------------------------------------------------


#: JSON Lines kinds and their weights (every kind appears at least once when n allows).
JSONL_KINDS = {
    "ordinary": 40,
    "crlf": 2,
    "text_crlf": 1,
    "bom": 1,
    "id_int": 1,
    "id_float": 1,
    "id_duplicate": 1,
    "nested_ok": 1,
    "nan_passthrough": 1,
    "long_token": 1,
    "deep_in_string": 1,
    "surrogate_id": 1,
    "surrogate_passthrough": 1,
    "latin1_passthrough": 1,
    "empty_text": 1,
    "whitespace_text": 1,
    "nul_text": 1,
    "text_number": 1,
    "text_list": 1,
    "text_object": 1,
    "text_bool": 1,
    "text_null": 1,
    "text_missing": 1,
    "id_list": 1,
    "id_object": 1,
    "id_bool": 1,
    "id_null": 1,
    "id_missing": 1,
    "id_huge_int": 1,
    "deep_whole_line": 1,
    "deep_text": 1,
    "deep_passthrough": 1,
    "surrogate_text_escaped": 1,
    "surrogate_text_raw": 1,
    "invalid_utf8_text": 1,
    "latin1_text": 1,
    "utf16_line": 1,
    "not_json": 1,
    "not_object": 1,
    "nul_line": 1,
    "huge_text": 0.5,
    "blank": 2,
}


def _jsonl_case(kind: str, rng: random.Random, i: int, t: str) -> _Case:
    """One JSON Lines row of ``kind`` built around the ordinary note ``t``."""
    nid = f"r{i}"
    note = json.dumps(t)  # ASCII, escapes included

    def ok(obj: dict, text: str, out_id: str = nid, newline: bytes = b"\n") -> _Case:
        return _Case([_dumps(obj)], out_id, False, text, newline=newline)

    def raw_ok(line: str | bytes, out_id: str = nid) -> _Case:
        return _Case([line.encode() if isinstance(line, str) else line], out_id, False, t)

    def err(line: str | bytes, out_id: str | None) -> _Case:
        return _Case([line.encode() if isinstance(line, str) else line], out_id, True)

    if kind == "ordinary":
        return ok({"id": nid, "text": t, "clinic": f"C{i % 3}"}, t)
    if kind == "crlf":
        return ok({"id": nid, "text": t}, t, newline=b"\r\n")
    if kind == "text_crlf":
        text = t.replace(". ", ".\r\n")
        return ok({"id": nid, "text": text}, text)
    if kind == "bom":
        return raw_ok(b"\xef\xbb\xbf" + _dumps({"id": nid, "text": t}))
    if kind == "id_int":
        return ok({"id": 100_000 + i, "text": t}, t, str(100_000 + i))
    if kind == "id_float":
        return ok({"id": i + 0.5, "text": t}, t, str(i + 0.5))
    if kind == "id_duplicate":
        return ok({"id": "dup", "text": t}, t, "dup")
    if kind == "nested_ok":
        return ok({"id": nid, "text": t, "meta": json.loads(_deep(20))}, t)
    if kind == "nan_passthrough":
        return raw_ok(f'{{"id": "{nid}", "text": {note}, "score": NaN}}')
    if kind == "long_token":
        text = t + " " + _long_token(rng) + " end."
        return ok({"id": nid, "text": text}, text)
    if kind == "deep_in_string":  # brackets inside a string are not nesting
        text = t + " " + "[" * 300 + " ok"
        return ok({"id": nid, "text": text}, text)
    if kind == "surrogate_id":
        return raw_ok(f'{{"id": "{nid}\\udc00", "text": {note}}}', f"{nid}\ufffd")
    if kind == "surrogate_passthrough":
        return raw_ok(f'{{"id": "{nid}", "text": {note}, "p": "x\\ud800y", "q": ["\\udfff"]}}')
    if kind == "latin1_passthrough":
        return raw_ok(f'{{"id": "{nid}", "text": {note}, "p": "caf'.encode() + b'\xe9"}')
    if kind == "empty_text":
        return err(_dumps({"id": nid, "text": ""}), nid)
    if kind == "whitespace_text":
        return err(_dumps({"id": nid, "text": " \t\r\n \u00a0 "}), nid)
    if kind == "nul_text":
        return err(_dumps({"id": nid, "text": t[:20] + "\x00" + t[20:]}), nid)
    if kind.startswith("text_") and kind != "text_missing":
        value = {"text_number": 96372, "text_list": [t], "text_object": {"body": t}}.get(kind)
        value = {"text_bool": True, "text_null": None}.get(kind, value)
        return err(_dumps({"id": nid, "text": value}), nid)
    if kind == "text_missing":
        return err(_dumps({"id": nid, "body": t}), nid)
    if kind in ("id_list", "id_object", "id_bool", "id_null"):
        value = {"id_list": [i], "id_object": {"n": i}, "id_bool": False, "id_null": None}[kind]
        return err(_dumps({"id": value, "text": t}), None)
    if kind == "id_missing":
        return err(_dumps({"text": t}), None)
    if kind == "id_huge_int":  # more digits than Python will convert
        return err(b'{"id": ' + b"9" * 5000 + b', "text": "x"}', AT_LINE)
    if kind == "deep_whole_line":
        return err(_deep(rng.choice([65, 500, 5_000, 50_000])), AT_LINE)
    if kind == "deep_text":
        return err(f'{{"id": "{nid}", "text": {_deep(500)}}}', nid)  # the id comes first
    if kind == "deep_passthrough":
        return err(f'{{"id": "{nid}", "text": {note}, "m": {_deep(30_000)}}}', nid)
    if kind == "surrogate_text_escaped":  # valid JSON, but half a surrogate pair
        return err(f'{{"id": "{nid}", "text": {note[:-1]}\\udc00"}}', nid)
    if kind == "surrogate_text_raw":  # a surrogate encoded as bytes: not UTF-8
        return err(f'{{"id": "{nid}", "text": {note[:-1]}'.encode() + b'\xed\xb0\x80"}', nid)
    if kind == "invalid_utf8_text":
        return err(f'{{"id": "{nid}", "text": {note[:-1]}'.encode() + b'\xff\xfe"}', nid)
    if kind == "latin1_text":
        return err(f'{{"id": "{nid}", "text": "caf'.encode() + b'\xe9 B12 1000 mcg IM"}', nid)
    if kind == "utf16_line":
        return err(json.dumps({"id": nid, "text": t}).encode("utf-16"), AT_LINE)
    if kind == "not_json":
        return err(
            rng.choice(["{this is not json", "<html><body>", "id,text", '{"id": "x']), AT_LINE
        )
    if kind == "not_object":
        return err(rng.choice(["[1, 2]", '"just a string"', "42", "null", "true"]), AT_LINE)
    if kind == "nul_line":
        return err(b"\x00\x00\x00", AT_LINE)
    if kind == "huge_text":
        return err(_dumps({"id": nid, "text": (t + " ") * (MAX_CHARS // len(t) + 2)}), nid)
    if kind == "blank":
        return _Case([rng.choice([b"", b"   ", b"\t", b"\r"])], None, None, rows=0)
    raise ValueError(kind)


def _plan(kinds: dict[str, float], n: int, rng: random.Random) -> list[str]:
    """``n`` kinds: every kind once (when n allows), the rest drawn by weight, shuffled."""
    names = list(kinds)
    plan = [k for k in names if k != "ordinary"][: max(0, n - n // 3)]
    weights = [kinds[k] for k in names]
    plan += rng.choices(names, weights, k=n - len(plan))
    rng.shuffle(plan)
    return plan


def write_jsonl(path: Path, n: int, seed: int = 0, oversize_line: bool = True) -> list[Expected]:
    """Write ``n`` fuzzed JSON Lines rows (blank lines included) and return the expectations.

    ``oversize_line`` adds one line longer than the reader's 8 MiB bound.
    """
    rng = random.Random(seed)
    plan = _plan(JSONL_KINDS, n, rng)
    if oversize_line and n >= 10:
        plan[rng.randrange(n)] = "oversize_line"
    expected: list[Expected] = []
    lineno = 0
    with path.open("wb") as fh:
        for i, kind in enumerate(plan):
            text = ORDINARY[rng.randrange(len(ORDINARY))]
            if kind == "oversize_line":
                case = _Case([b'{"id": "big", "text": "' + b"a" * (9 << 20) + b'"}'], AT_LINE, True)
            else:
                case = _jsonl_case(kind, rng, i, text)
            for line in case.lines:
                fh.write(line + case.newline)
                lineno += 1
            if case.rows:
                out_id = f"line {lineno}" if case.id is AT_LINE else case.id
                expected.append(Expected(lineno, out_id, kind, case.error, case.text))
    return expected


# CSV ------------------------------------------------------------------------------------------


def _csv_line(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(fields)  # quotes fields with CR or LF
    return buf.getvalue()[:-2]


def write_csv(path: Path, n: int, seed: int = 0) -> list[Expected]:
    """Write ``n`` fuzzed CSV rows (columns id, text, provider, clinic); return expectations.

    Covers a BOM, CRLF and LF line ends, quoted multi-line notes, blank lines, bad bytes, NUL,
    wrong field counts, a stray quote and an unterminated quote, each costing one row.
    """
    rng = random.Random(seed)
    ok_kinds = ["ordinary"] * 40 + [
        "lf",
        "multiline",
        "latin1_provider",
        "id_duplicate",
        "long_token",
        "quoted",
    ]
    bad_kinds = [
        "empty_id",
        "empty_text",
        "whitespace_text",
        "nul_text",
        "latin1_text",
        "invalid_utf8_text",
        "surrogate_raw",
        "too_many_fields",
        "too_few_fields",
        "stray_quote",
        "unterminated_quote",
        "huge_text",
        "blank",
    ]
    names = ok_kinds + bad_kinds
    plan = bad_kinds[: max(0, n - n // 3)]
    plan += rng.choices(names, k=n - len(plan))
    rng.shuffle(plan)
    out = io.BytesIO()
    out.write(b"\xef\xbb\xbfid,text,provider,clinic\r\n")
    lineno = 1
    expected: list[Expected] = []
    for i, kind in enumerate(plan):
        text = ORDINARY[rng.randrange(len(ORDINARY))]
        nid = f"c{i}"
        newline = b"\r\n"
        error: bool | None = True
        review_text: str | None = None
        out_id: str | None = nid
        if kind in ("ordinary", "lf", "multiline", "quoted", "long_token", "id_duplicate"):
            body = text
            if kind == "multiline":
                body = text.replace(". ", ".\n")
            elif kind == "quoted":
                body = 'Patient said "it stings, a bit". ' + text
            elif kind == "long_token":
                body = text + " " + _long_token(rng)
            if kind == "id_duplicate":
                nid = out_id = "dup"
            raw = _csv_line([nid, body, "Dr. Ames", f"C{i % 2}"]).encode()
            newline = b"\n" if kind == "lf" else b"\r\n"
            error, review_text = False, body
            if "\n" in body:  # a quoted multi-line field: the record spans lines
                pass
        elif kind == "latin1_provider":
            raw = _csv_line([nid, text, "Dr. Mu\udcf1oz", "C1"]).encode("utf-8", "surrogateescape")
            error, review_text = False, text
        elif kind == "empty_id":
            raw, out_id = _csv_line(["", text, "Dr. Ames", "C1"]).encode(), None
        elif kind == "empty_text":
            raw = _csv_line([nid, "", "Dr. Ames", "C1"]).encode()
        elif kind == "whitespace_text":
            raw = _csv_line([nid, "   \t  ", "Dr. Ames", "C1"]).encode()
        elif kind == "nul_text":
            raw = _csv_line([nid, text[:10] + "\x00" + text[10:], "Dr. Ames", "C1"]).encode()
        elif kind == "latin1_text":
            raw = f"{nid},caf".encode() + b"\xe9 B12 1000 mcg IM left deltoid,Dr. Ames,C1"
        elif kind == "invalid_utf8_text":
            raw = f"{nid},B12 1000 mcg ".encode() + b"\xff\xfe IM,Dr. Ames,C1"
        elif kind == "surrogate_raw":
            raw = f"{nid},B12 1000 mcg ".encode() + b"\xed\xb0\x80 IM,Dr. Ames,C1"
        elif kind == "too_many_fields":
            raw = f"{nid},B12 1000 mcg IM, left deltoid,Dr. Ames,C1".encode()
        elif kind == "too_few_fields":
            raw = f"{nid},B12 1000 mcg IM left deltoid".encode()
        elif kind == "stray_quote":
            raw = f'{nid},"B12 1000 mcg" IM left deltoid,Dr. Ames,C1'.encode()
        elif kind == "unterminated_quote":
            raw = f'{nid},"B12 1000 mcg IM left deltoid,Dr. Ames,C1'.encode()
        elif kind == "huge_text":
            raw = _csv_line(
                [nid, (text + " ") * (MAX_CHARS // len(text) + 2), "Dr. Ames", "C1"]
            ).encode()
        else:  # blank
            raw = rng.choice([b"", b"   "])
        out.write(raw + newline)
        start = lineno + 1
        lineno += raw.count(b"\n") + 1
        if kind != "blank":
            expected.append(Expected(start, out_id, kind, error, review_text))
    path.write_bytes(out.getvalue())
    return expected


# Parquet ----------------------------------------------------------------------------------------


def write_parquet(path: Path, n: int, seed: int = 0) -> list[Expected]:
    """Write ``n`` fuzzed Parquet rows (id string, text binary, meta list); return expectations."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    bad = [
        "id_null",
        "id_empty",
        "text_null",
        "empty_text",
        "whitespace_text",
        "nul_text",
        "latin1_text",
        "invalid_utf8_text",
        "surrogate_raw",
        "huge_text",
        "utf16_text",
        "bom_text",
    ]
    good = ["ordinary"] * 40 + ["id_duplicate", "long_token", "meta"]
    plan = bad[: max(0, n - n // 3)]
    plan += rng.choices(good + bad, k=n - len(plan))
    rng.shuffle(plan)
    ids: list[str | None] = []
    texts: list[bytes | None] = []
    metas: list[list[int] | None] = []
    expected: list[Expected] = []
    for i, kind in enumerate(plan):
        text = ORDINARY[rng.randrange(len(ORDINARY))]
        nid: str | None = f"p{i}"
        body: bytes | None = text.encode()
        error: bool | None = True
        review: str | None = None
        meta = None
        if kind in ("ordinary", "id_duplicate", "long_token", "meta"):
            if kind == "id_duplicate":
                nid = "dup"
            if kind == "long_token":
                text = text + " " + _long_token(rng)
                body = text.encode()
            if kind == "meta":
                meta = list(range(i % 5))
            error, review = False, text
        elif kind == "id_null":
            nid = None
        elif kind == "id_empty":
            nid = ""
        elif kind == "text_null":
            body = None
        elif kind == "empty_text":
            body = b""
        elif kind == "whitespace_text":
            body = b" \n\t "
        elif kind == "nul_text":
            body = b"B12\x00given IM"
        elif kind == "latin1_text":
            body = b"caf\xe9 B12 given IM"
        elif kind == "invalid_utf8_text":
            body = b"B12 \xff given"
        elif kind == "surrogate_raw":
            body = b"B12 \xed\xb0\x80 given"
        elif kind == "huge_text":
            body = (text.encode() + b" ") * (MAX_CHARS // len(text) + 2)
        elif kind == "utf16_text":
            body = text.encode("utf-16")
        elif kind == "bom_text":
            body = b"\xef\xbb\xbf" + text.encode()
            error = None  # a BOM inside a note is text; either outcome is acceptable
        ids.append(nid)
        texts.append(body)
        metas.append(meta)
        expected.append(Expected(i + 1, nid if nid else None, kind, error, review))
    table = pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "text": pa.array(texts, pa.binary()),
            "meta": pa.array(metas, pa.list_(pa.int64())),
            "provider": pa.array(["Dr. Ames"] * n, pa.string()),
        }
    )
    pq.write_table(table, path, row_group_size=97)
    return expected


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}
