"""Hostile input: one bad line never stops a batch, costs only itself, and never leaks note text."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fuzz_rows import ORDINARY, WRITERS, Expected

from cleanclaim.batch.io import flat_row


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``cleanclaim`` in a child process, as an operator would."""
    code = "from cleanclaim.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


def read_output(path: Path) -> list[dict]:
    """Output rows as dicts; the file must be valid UTF-8 whatever the input was."""
    if path.suffix == ".jsonl":
        text = path.read_bytes().decode("utf-8")  # strict: raises on any invalid byte
        return [json.loads(line) for line in text.splitlines()]
    if path.suffix == ".csv":
        path.read_bytes().decode("utf-8")
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        return [
            {k: (v if v != "" else None) for k, v in row.items()} for row in df.to_dict("records")
        ]
    return pq.read_table(path).to_pylist()


def assert_no_leak(stderr: str) -> None:
    """Nothing on stderr may be a traceback or quote a note."""
    assert "Traceback" not in stderr
    for note in ORDINARY:
        for fragment in (note[:25], note[-25:]):
            assert fragment not in stderr


def check_rows(out: list[dict], expected: list[Expected], reviewer, place: str) -> None:  # type: ignore[no-untyped-def]
    """One output row per input row, in order; errors say where; good notes reviewed as alone."""
    assert len(out) == len(expected)
    alone: dict[str, dict] = {}
    for e, r in zip(expected, out, strict=True):
        context = f"{place} {e.line} ({e.kind})"
        assert r["id"] == e.id, context
        if r["error"] is not None:
            assert r["error"].startswith(f"{place} {e.line}: "), context
            assert e.error is not False, f"{context} errored: {r['error']}"
            assert r["claim_ready"] is None, context
        else:
            assert e.error is not True, f"{context} was reviewed"
        if e.text is not None:
            if e.text not in alone:
                alone[e.text] = reviewer.review(e.text, None).to_dict()
            want = {**alone[e.text], "id": e.id}
            if "gaps" in r and isinstance(r["gaps"], list):  # a full record
                assert {k: r[k] for k in want} == want, context
            else:  # a flat row
                flat = flat_row(want)
                for key in ("claim_ready", "service_code", "gaps", "icd10", "error"):
                    assert _plain(r[key]) == _plain(flat[key]), f"{context}: {key}"


def _plain(value):  # type: ignore[no-untyped-def]
    """A flat value as CSV and Parquet both give it back: '' and None alike, booleans as text."""
    return None if value in ("", None) else str(value)


@pytest.mark.parametrize(("fmt", "rows"), [("jsonl", 600), ("csv", 300), ("parquet", 300)])
def test_when_fuzzed_input_then_every_row_out_once_in_order_and_good_notes_untouched(
    fmt, rows, tmp_path, reviewer
):
    src = tmp_path / f"in.{fmt}"
    expected = WRITERS[fmt](src, rows, seed=7)
    out = tmp_path / f"out.{fmt}"
    result = cli("batch", str(src), "-o", str(out), "--rules-only", "-w", "2", "--no-progress")
    assert_no_leak(result.stderr)
    assert result.returncode == 2, result.stderr[-2000:]
    check_rows(read_output(out), expected, reviewer, "row" if fmt == "parquet" else "line")
    kinds = {e.kind for e in expected}
    assert "ordinary" in kinds and len(kinds) >= 12  # the fuzz really is varied


# Regressions seen on main -------------------------------------------------------------------


def test_when_jsonl_line_is_nested_very_deep_then_it_is_one_error_row(tmp_path):
    from cleanclaim.batch.runner import run_batch

    src = tmp_path / "in.jsonl"
    good = json.dumps({"id": "good", "text": ORDINARY[0]}).encode()
    lines = [
        good,
        b"[" * 40_000 + b"]" * 40_000,  # RecursionError in json.loads on main
        b'{"id": "d500", "text": ' + b"[" * 500 + b"]" * 500 + b"}",  # overflowed pickling
        b'{"id": "d500b", "text": "x", "meta": '
        + b"{" * 1
        + b'"a": '
        + b"[" * 499
        + b"]" * 499
        + b"}}",
        good.replace(b"good", b"after"),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    summary = run_batch(src, out, rules_only=True, workers=1)
    records = read_output(out)
    # A broken line keeps the id it states at the top level, before any nesting.
    assert [r["id"] for r in records] == ["good", "line 2", "d500", "d500b", "after"]
    assert [r["error"] for r in records[1:4]] == [
        f"line {n}: JSON nested deeper than 64 levels" for n in (2, 3, 4)
    ]
    assert records[0]["error"] is None and records[4]["error"] is None
    assert summary.errors == 3


@pytest.mark.parametrize(
    ("line", "want"),
    [
        (b'{"id": "n7", "text": "Ketorolac 60 mg IM right glute', "n7"),  # cut off mid-note
        (b'{"id": 31, "text": "B12 1000 mcg IM\xff\xfe"', "31"),  # a number id, bad bytes
        (b'{"text": "pt asked \\"id\\": \\"x\\"", "id": "late', "line 1"),  # inside the text
        (b'{"text": "B12 1000 mcg IM", "id": "after-text", ', "line 1"),  # after the note
        (b'{"meta": {"id": "inner"}, "text": "x', "line 1"),  # nested, not the row's id
        (b'{"id": ' + b"9" * 5000 + b', "text": "x"}', "line 1"),  # never a truncated number
        (b'["id", "n8"]', "line 1"),
    ],
)
def test_when_a_jsonl_line_is_broken_then_its_id_is_a_trusted_id_or_its_line(tmp_path, line, want):
    from cleanclaim.batch.runner import run_batch

    src = tmp_path / "in.jsonl"
    src.write_bytes(line + b"\n")
    out = tmp_path / "out.jsonl"
    run_batch(src, out, rules_only=True, workers=1)
    (record,) = read_output(out)
    assert record["id"] == want and record["error"].startswith("line 1: ")


def test_when_surrogates_in_id_passthrough_or_text_then_output_is_utf8_and_neighbours_fine(
    tmp_path, reviewer
):
    from cleanclaim.batch.runner import run_batch

    src = tmp_path / "in.jsonl"
    lines = []
    for i in range(24):
        text = json.dumps(ORDINARY[i % len(ORDINARY)])
        if i % 3 == 1:  # a lone surrogate inside the note text
            text = text[:20] + "\\udc00" + text[20:]
        lines.append(
            f'{{"id": "n{i}\\ud800", "text": {text}, "src": "x\\udfffy", "l": ["\\udc80"]}}'
        )
    src.write_text("\n".join(lines) + "\n", encoding="ascii")
    for suffix in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out.{suffix}"
        summary = run_batch(src, out, rules_only=True, workers=1, chunk_size=24)
        records = read_output(out)
        assert [r["id"] for r in records] == [f"n{i}\ufffd" for i in range(24)]
        assert summary.errors == 8
        for i, r in enumerate(records):
            if i % 3 == 1:
                assert r["error"] == (
                    f"line {i + 1}: note contains unpaired surrogate code points "
                    "(not valid Unicode text)"
                )
            else:
                assert r["error"] is None
                want = reviewer.review(ORDINARY[i % len(ORDINARY)], None).to_dict()
                assert _plain(r["claim_ready"]) == _plain(want["claim_ready"])
            assert r["src"] == "x\ufffdy"
        if suffix == "jsonl":
            assert records[0]["l"] == ["\ufffd"]


def test_when_pipeline_raises_inside_pipe_then_only_the_culprit_errors(reviewer):
    from cleanclaim.reviewer import Reviewer

    class Fussy:
        """The real pipeline, except that it raises on one marked note (in pipe and alone)."""

        def __init__(self, nlp):  # type: ignore[no-untyped-def]
            self.nlp = nlp
            self.pipeline = nlp.pipeline  # the reviewer takes its rule tables from here
            self.make_doc = nlp.make_doc  # the reviewer hands the pipeline made Docs

        def __call__(self, doc):  # type: ignore[no-untyped-def]
            if "FUSSY" in doc.text:
                raise ValueError("tokenizer failed")
            return self.nlp(doc)

        def pipe(self, texts, batch_size=64):  # type: ignore[no-untyped-def]
            for text in texts:
                yield self(text)

    fussy = Reviewer(nlp=Fussy(reviewer.nlp), model=None)
    notes = [(f"n{i}", ORDINARY[i % len(ORDINARY)]) for i in range(10)]
    notes[3] = ("bad", "B12 1000 mcg IM left deltoid FUSSY")
    results = [r.to_dict() for r in fussy.review_many(notes)]
    assert [r["id"] for r in results] == [n for n, _ in notes]
    assert results[3]["error"] == "review failed: ValueError"
    for (note_id, text), got in zip(notes, results, strict=True):
        if note_id != "bad":
            assert got == reviewer.review(text, note_id).to_dict()


def _csv_file(path: Path, rows: int, late: list[bytes]) -> list[str]:
    """A CSV of ``rows`` good notes (some spanning lines), then ``late`` raw lines, then 3 more.

    Returns the good ids.
    """
    lines = [b"id,text,provider"]
    ids = []
    for i in range(rows):
        text = ORDINARY[i % len(ORDINARY)].replace('"', '""')
        lines.append(f'g{i},"{text} Visit {i}.",Dr. Ames'.encode())
        ids.append(f"g{i}")
    lines += late
    for i in range(3):
        lines.append(f"tail{i},Ketorolac 30 mg IM given in the left gluteal,Dr. Boyd".encode())
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return ids


def test_when_csv_row_is_malformed_late_in_the_file_then_one_error_row_and_no_text_on_stderr(
    tmp_path,
):
    src = tmp_path / "late.csv"
    secret = "Cyanocobalamin 1000 mcg IM for pernicious anemia, patient Jane Q. Doe"
    late = [
        f'bad1,"{secret}" extra text,Dr. Ames'.encode(),  # text after a closing quote
        f"bad2,{secret},Dr. Ames".encode(),  # an unquoted comma: 4 fields
        f"bad3,{secret.replace(',', '')}".encode(),  # 2 fields
        b"ok1,Promethazine 25 mg IM right deltoid,Dr. Chen",
    ]
    ids = _csv_file(src, 500, late)
    assert src.stat().st_size > 1 << 16
    data = src.read_bytes()
    first = data[: data.index(late[0])].count(b"\n") + 1  # the physical line of bad1
    out = tmp_path / "out.csv"
    result = cli("batch", str(src), "-o", str(out), "--rules-only", "-w", "1", "--no-progress")
    assert result.returncode == 2 and secret not in result.stderr
    assert_no_leak(result.stderr)
    records = read_output(out)
    assert [r["id"] for r in records] == [
        *ids,
        "bad1",
        "bad2",
        "bad3",
        "ok1",
        "tail0",
        "tail1",
        "tail2",
    ]
    assert records[500]["error"] == (
        f"line {first}: malformed quoting (a quote left open, or text after a closing quote)"
    )
    assert records[501]["error"] == f"line {first + 1}: has 4 fields; the header has 3"
    assert records[502]["error"] == f"line {first + 2}: has 2 fields; the header has 3"
    assert all(r["error"] is None for r in records[:500] + records[503:])
    assert all(secret not in (r["error"] or "") for r in records)


@pytest.mark.parametrize("where", ["middle", "last"])
def test_when_csv_quote_is_never_closed_then_it_is_an_error_row_not_the_end_of_file(
    where, tmp_path
):
    from cleanclaim.batch.runner import run_batch

    src = tmp_path / "open.csv"
    late = [b'open1,"B12 1000 mcg IM left deltoid,Dr. Ames']
    if where == "middle":
        ids = _csv_file(src, 20, late)
        want = [*ids, "open1", "tail0", "tail1", "tail2"]
    else:
        ids = _csv_file(src, 20, [])
        src.write_bytes(src.read_bytes() + late[0] + b"\r\n")
        want = [*ids, "tail0", "tail1", "tail2", "open1"]
    out = tmp_path / "out.jsonl"
    summary = run_batch(src, out, rules_only=True, workers=1)
    records = read_output(out)
    assert [r["id"] for r in records] == want
    bad = records[want.index("open1")]
    assert bad["error"].endswith(("the quote is never closed)", "text after a closing quote)"))
    assert summary.errors == 1


def one_line_failure(*args: str) -> str:
    """Run ``cleanclaim`` in-process; it must fail cleanly (exit 1, no exception) with one line."""
    from typer.testing import CliRunner

    from cleanclaim.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # handled: no traceback
    assert result.stderr.startswith("cleanclaim: ") and result.stderr.strip().count("\n") == 0
    return result.stderr


def test_when_columns_are_missing_then_one_line_error_naming_the_option(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("note_id,body\nx,B12 given\n", encoding="utf-8")
    message = one_line_failure("batch", str(src), "-o", str(tmp_path / "o.jsonl"))
    assert "no 'id' column" in message and "--id-field" in message
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"id": "a", "body": ORDINARY[0]}) + "\n", encoding="utf-8")
    message = one_line_failure("batch", str(jsonl), "-o", str(tmp_path / "o.jsonl"))
    assert "no 'text' field" in message or "'text' field" in message
    assert "--text-field" in message and ORDINARY[0][:20] not in message
    parquet = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a"], "note": [ORDINARY[0]]}), parquet)
    message = one_line_failure("batch", str(parquet), "-o", str(tmp_path / "o.jsonl"))
    assert "no 'text' column" in message and "--text-field" in message


def test_when_folder_is_empty_or_output_folder_missing_then_one_line_error(tmp_path):
    from cleanclaim.batch.io import InputError, OutputError
    from cleanclaim.batch.runner import run_batch

    empty = tmp_path / "notes"
    empty.mkdir()
    with pytest.raises(InputError, match="no .txt"):
        run_batch(empty, tmp_path / "o.jsonl", rules_only=True, workers=1)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": ORDINARY[0]}) + "\n", encoding="utf-8")
    with pytest.raises(OutputError, match="does not exist"):
        run_batch(src, tmp_path / "missing" / "o.jsonl", rules_only=True, workers=1)
    assert "no .txt" in one_line_failure("batch", str(empty), "-o", str(tmp_path / "o.jsonl"))
    message = one_line_failure("batch", str(src), "-o", str(tmp_path / "missing" / "o.csv"))
    assert "does not exist" in message
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_when_output_folder_is_read_only_then_one_line_error(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": ORDINARY[0]}) + "\n", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        message = one_line_failure("batch", str(src), "-o", str(locked / "o.jsonl"))
    finally:
        locked.chmod(0o700)
    assert "permission denied" in message


# Resume after a kill, with poison lines on both sides of the kill ----------------------------

_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from cleanclaim.batch import runner as batch
    real = batch.review_chunk
    def blocking(notes, *args):
        if any(n[0] == "STOP" for n in notes):
            while True:
                time.sleep(0.05)
        return real(notes, *args)
    batch.review_chunk = blocking
    batch.run_batch(
        Path(sys.argv[1]), Path(sys.argv[2]), rules_only=True, workers=1, chunk_size=4,
        note_timeout=600,
    )
    """
)

_POISON = {
    2: b"[" * 40_000 + b"]" * 40_000,
    5: b'{"id": "s5", "text": "B12 \\udc00 given IM"}',
    9: b'{"id": "u9", "text": "caf\xe9 B12 given"}',
    13: b"{not json at all",
    33: b'{"id": "d33", "text": ' + b"[" * 600 + b"]" * 600 + b"}",
    36: b'{"id": "s36\\ud800", "text": 7}',
}


def test_when_run_killed_after_a_poison_line_then_resume_passes_every_line_once(tmp_path):
    from cleanclaim.batch.runner import partial_paths, run_batch

    lines = []
    for n in range(1, 41):
        if n in _POISON:
            lines.append(_POISON[n])
        else:
            note_id = "STOP" if n == 30 else f"n{n}"
            lines.append(json.dumps({"id": note_id, "text": ORDINARY[n % len(ORDINARY)]}).encode())
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    partial, state = partial_paths(out)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(src), str(out)], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while not (state.exists() and json.loads(state.read_text())["rows"] >= 16):
            assert proc.poll() is None, "the child run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-run
        proc.wait()
    assert not out.exists()
    summary = run_batch(src, out, rules_only=True, workers=1, chunk_size=4, resume=True)
    assert summary.skipped >= 16 and summary.total == 40  # the summary counts the whole output
    records = read_output(out)
    assert len(records) == 40
    for n, r in enumerate(records, 1):
        if n in _POISON:
            assert r["error"].startswith(f"line {n}: "), n
        else:
            assert r["id"] == ("STOP" if n == 30 else f"n{n}") and r["error"] is None, n
    errored = [r["id"] for r in records if r["error"]]
    assert errored == ["line 2", "s5", "u9", "line 13", "d33", "s36\ufffd"]
    assert not partial.exists() and not state.exists()


# The per-note time budget ---------------------------------------------------------------------


def test_when_a_note_hangs_and_another_crashes_then_only_they_error(
    tmp_path, monkeypatch, reviewer
):
    from cleanclaim.batch.runner import CRASH_ERROR, run_batch
    from cleanclaim.reviewer import Reviewer

    real = Reviewer.review_many

    def hostile(self, notes, batch_size=64, **kwargs):  # type: ignore[no-untyped-def]
        notes = list(notes)
        if any("SLOW-MARKER" in str(n[1]) for n in notes):
            time.sleep(600)  # far past the budget: only the budget can end it
        if any("CRASH-MARKER" in str(n[1]) for n in notes):
            os._exit(13)
        return real(self, notes, batch_size, **kwargs)

    monkeypatch.setattr(Reviewer, "review_many", hostile)
    rows = [{"id": f"n{i}", "text": ORDINARY[i % len(ORDINARY)]} for i in range(40)]
    rows[10]["text"] = "B12 1000 mcg IM given in the left deltoid SLOW-MARKER"
    rows[13]["text"] = "B12 1000 mcg IM given in the left deltoid CRASH-MARKER"  # same chunk
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    start = time.monotonic()
    summary = run_batch(src, out, rules_only=True, workers=2, chunk_size=8, note_timeout=5)
    assert time.monotonic() - start < 300
    records = read_output(out)
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    assert records[10]["error"] == "line 11: review exceeded the 5 s budget"
    assert records[13]["error"] == f"line 14: {CRASH_ERROR}"
    assert summary.errors == 2
    for i, r in enumerate(records):
        if i not in (10, 13):
            want = reviewer.review(rows[i]["text"], rows[i]["id"]).to_dict()
            assert {k: r[k] for k in want} == want


def test_when_workers_cannot_start_then_the_run_fails_with_one_line(tmp_path, monkeypatch):
    from cleanclaim.batch import runner as batch
    from cleanclaim.batch.supervisor import PoolError

    def broken_install(*args):  # type: ignore[no-untyped-def]
        os._exit(3)

    monkeypatch.setattr(batch, "init_worker", broken_install)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": ORDINARY[0]}) + "\n", encoding="utf-8")
    with pytest.raises(PoolError, match="die before reviewing any note"):
        batch.run_batch(src, tmp_path / "o.jsonl", rules_only=True, workers=1)
