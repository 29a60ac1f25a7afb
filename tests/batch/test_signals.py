"""Operators: Ctrl-C (SIGINT) and SIGTERM during ``cleanclaim batch``, with real signals sent to
the real command and its real worker processes, several times over.

Each run must stop within 10 seconds with exit status 130 (SIGINT) or 143 (SIGTERM), keep
every row of the chunks that finished (in order, flushed: the state file and the partial
output agree), leave no worker process behind, print one line saying how to resume and no
traceback; then ``--resume`` finishes the output with every id exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_notes import note_rows

from cleanclaim.batch.runner import partial_paths

#: The requirement: stopped within this many seconds of the signal.
STOP_WITHIN = 10.0


def _children(pid: int) -> set[int]:
    """Pids of the live child processes of ``pid`` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists worker processes from /proc")
@pytest.mark.parametrize(
    ("how", "round_"),
    [("SIGINT-group", 1), ("SIGTERM", 1), ("SIGINT-group", 2), ("SIGTERM", 2), ("SIGINT", 1)],
)
def test_when_signalled_mid_batch_then_stops_cleanly_and_resumes(tmp_path: Path, how, round_):
    rows = note_rows(600)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / ("out.jsonl" if round_ == 1 else "out.csv")
    partial, state = partial_paths(out)
    command = [
        sys.executable,
        "-c",
        "from cleanclaim.cli import main; main()",
        "batch",
        str(src),
        "--output",
        str(out),
        "--workers",
        "2",
        "--chunk-size",
        "4",
        "--rules-only",
        "--no-progress",
    ]
    proc = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while not (state.exists() and json.loads(state.read_text())["rows"] >= 8):
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert workers, "the batch runs worker processes"
        sent = time.monotonic()
        if how == "SIGINT-group":  # Ctrl-C in a terminal: the whole process group
            os.killpg(proc.pid, signal.SIGINT)
        elif how == "SIGINT":
            proc.send_signal(signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        stopped = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = err.decode("utf-8", "replace")
    assert stopped < STOP_WITHIN, f"took {stopped:.1f} s to stop"
    assert proc.returncode == (143 if how == "SIGTERM" else 130), stderr
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "--resume" in lines[0], stderr
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "orphan worker processes"
    assert not out.exists()
    done = json.loads(state.read_text())["rows"]
    assert done >= 8
    if out.suffix == ".jsonl":
        kept = [json.loads(x)["id"] for x in partial.read_text(encoding="utf-8").splitlines()]
    else:
        import pandas as pd

        kept = list(pd.read_csv(partial, dtype=str)["id"])
    assert kept == [r["id"] for r in rows[:done]]  # flushed, in order, nothing torn

    resumed = subprocess.run([*command, "--resume"], capture_output=True, timeout=600, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    summary = resumed.stderr.decode()
    assert f"{len(rows):,}" in summary and f"{done:,} from the interrupted run" in summary
    if out.suffix == ".jsonl":
        ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    else:
        import pandas as pd

        ids = list(pd.read_csv(out, dtype=str)["id"])
    assert ids == [r["id"] for r in rows]
