"""Resume after a killed run, and a worker that crashes on one note."""

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
from batch_notes import NOTES, note_rows

from cleanclaim.batch import runner as batch
from cleanclaim.batch.runner import CRASH_ERROR, partial_paths, run_batch
from cleanclaim.reviewer import Reviewer

# Runs the batch in a child process whose workers block forever on the note with id STOP,
# so the test can kill the run at a known point (after some chunks, before the end).
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
    batch.run_batch(Path(sys.argv[1]), Path(sys.argv[2]), rules_only=True, workers=1, chunk_size=4)
    """
)


def _wait_for(predicate, proc) -> None:  # type: ignore[no-untyped-def]
    while not predicate():
        assert proc.poll() is None, "the child run ended before it could be killed"
        time.sleep(0.05)


def test_when_run_killed_mid_way_then_resume_writes_every_id_exactly_once(tmp_path: Path):
    rows = note_rows(40)
    rows[30]["id"] = "STOP"
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for suffix in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out.{suffix}"
        partial, state = partial_paths(out)
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(src), str(out)], start_new_session=True
        )
        try:
            _wait_for(
                lambda state=state: state.exists() and json.loads(state.read_text())["rows"] >= 16,
                proc,
            )
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert not out.exists()  # an interrupted run never leaves a (possibly corrupt) output
        if suffix != "parquet":
            with partial.open("ab") as fh:  # a chunk torn half-way through writing
                fh.write(b'{"id": "torn')
        summary = run_batch(src, out, rules_only=True, workers=1, chunk_size=4, resume=True)
        assert summary.skipped >= 16 and summary.total == len(rows)  # the whole output
        if suffix == "jsonl":
            ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
        elif suffix == "csv":
            ids = list(pd.read_csv(out, dtype=str)["id"])
        else:
            ids = list(pd.read_parquet(out)["id"])
        assert ids == [r["id"] for r in rows]
        assert not partial.exists() and not state.exists()


def test_when_worker_crashes_on_one_note_then_only_that_note_errors(tmp_path: Path, monkeypatch):
    marker = "CRASH-MARKER"
    real = Reviewer.facts

    def crashing(self, doc, note_id=None, date_of_service=None):  # type: ignore[no-untyped-def]
        if marker in doc.text:  # the batch worker runs the rules on each note's doc
            os._exit(13)
        return real(self, doc, note_id, date_of_service)

    monkeypatch.setattr(Reviewer, "facts", crashing)
    rows = note_rows(24)
    rows[9]["text"] = f"B12 1000 mcg IM given in the left deltoid {marker}"
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch(src, out, rules_only=True, workers=2, chunk_size=4)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    assert [r["id"] for r in records if r["error"]] == [rows[9]["id"]]
    assert records[9]["error"] == f"line 10: {CRASH_ERROR}" and records[9]["claim_ready"] is None
    assert summary.errors == 1
    assert all(r["claim_ready"] is not None for i, r in enumerate(records) if i != 9)
    assert batch.CRASH_ERROR not in {r["error"] for i, r in enumerate(records) if i != 9}


def test_when_any_row_errors_then_cli_exit_status_is_2(tmp_path: Path):
    from typer.testing import CliRunner

    from cleanclaim.cli import app

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": NOTES["n01"]})
        + "\n"
        + json.dumps({"id": "b", "text": ""})
        + "\n"
    )
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(src),
            "-o",
            str(tmp_path / "o.csv"),
            "--rules-only",
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 2
    src.write_text(json.dumps({"id": "a", "text": NOTES["n01"]}) + "\n")
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(src),
            "-o",
            str(tmp_path / "o.csv"),
            "--rules-only",
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0


_PROGRESS = None


def _keep_progress(progress) -> None:  # type: ignore[no-untyped-def]
    global _PROGRESS
    _PROGRESS = progress


def _sleep_forever(notes, slot):  # type: ignore[no-untyped-def]
    from cleanclaim.batch.supervisor import mark

    mark(_PROGRESS, slot, 0)
    while True:
        time.sleep(0.05)


def test_when_pool_stopped_mid_note_then_no_executor_thread_outlives_it():
    """CI once printed an "OSError: Bad file descriptor" traceback after a SIGTERM'd batch:
    the executor's manager thread was still closing its wake-up pipe while the interpreter's
    exit hook wrote to it. Stopping the pool must wait for that thread, so nothing is left
    for the exit hook to race with."""
    import concurrent.futures.process as cfp

    from cleanclaim.batch.supervisor import Job, Supervisor

    for _ in range(3):
        pool = Supervisor(2, _keep_progress, (), _sleep_forever, budget=60)
        jobs = [Job([("a", "B12 1000 mcg IM given.")]), Job([("b", "Toradol 60 mg IM.")])]
        for job in jobs:
            pool.submit(job)
        deadline = time.monotonic() + 30
        while pool.activity()[1] is None and time.monotonic() < deadline:
            time.sleep(0.02)  # a worker is inside a note
        pool.close(wait=False)
        live = [t for t, _ in list(cfp._threads_wakeups.items()) if t.is_alive()]
        assert not live
