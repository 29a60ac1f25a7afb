"""Hostile input through ``cleanclaim batch``: N seeded fuzzed rows against N clean rows.

The fuzzed input (tests/batch/fuzz_rows.py) mixes ordinary injection notes with every kind of bad
row: wrong types, missing and duplicate ids, deep nesting, lone surrogates, bad bytes, UTF-16, BOM,
not-JSON lines, oversized notes and lines, very long tokens, CRLF. The baseline is the same number
of ordinary notes, run in the same invocation after a warm-up pass. Checks as it goes: one output
row per input row in order, no traceback, exit status 2, no ordinary note errored.

    python benchmarks/fuzz_batch.py --rows 10000 --workers 2
    python benchmarks/fuzz_batch.py --rows 2000 --workers 2 --format csv --rules-only
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "batch"))

from fuzz_rows import ORDINARY, WRITERS  # noqa: E402


def run(src: Path, out: Path, workers: int, rules_only: bool) -> tuple[float, int, str]:
    """Seconds, exit status and stderr of one ``cleanclaim batch`` run."""
    cmd = [sys.executable, "-c", "from cleanclaim.cli import main; main()", "batch", str(src)]
    cmd += ["-o", str(out), "-w", str(workers), "--no-progress"]
    cmd += ["--rules-only"] if rules_only else []
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode, proc.stderr


def read(out: Path) -> list[dict]:
    """Output rows (id, error) of any output format."""
    if out.suffix == ".jsonl":
        text = out.read_bytes().decode("utf-8")  # strict: every output must be valid UTF-8
        return [json.loads(line) for line in text.splitlines()]
    import pandas as pd

    if out.suffix == ".csv":
        out.read_bytes().decode("utf-8")
        df = pd.read_csv(out, dtype=str, keep_default_na=False).replace("", None)
    else:
        df = pd.read_parquet(out)
    return df[["id", "error"]].to_dict("records")


def kind_of(error: str) -> str:
    """An error message without its location and numbers: its kind."""
    error = re.sub(r"^(line|row) \d+: ", "", error)
    return re.sub(r"(?<![\w-])\d[\d,]*", "N", error)


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--format", choices=sorted(WRITERS), default="jsonl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rules-only", action="store_true")
    args = ap.parse_args()
    fmt = args.format
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        fuzz, clean, warm = d / f"fuzz.{fmt}", d / "clean.jsonl", d / "warm.jsonl"
        expected = WRITERS[fmt](fuzz, args.rows, seed=args.seed)
        for path, n in ((clean, args.rows), (warm, 50)):
            with path.open("w", encoding="utf-8") as fh:
                for i in range(n):
                    note = {"id": f"c{i}", "text": ORDINARY[i % len(ORDINARY)]}
                    fh.write(json.dumps(note) + "\n")
        run(warm, d / "warm-out.jsonl", args.workers, args.rules_only)  # warm-up pass
        clean_s, clean_rc, _ = run(clean, d / "clean-out.jsonl", args.workers, args.rules_only)
        out = d / f"fuzz-out.{'parquet' if fmt == 'parquet' else 'jsonl'}"
        fuzz_s, fuzz_rc, stderr = run(fuzz, out, args.workers, args.rules_only)
        rows = read(out) if out.exists() else []
        in_order = [r["id"] for r in rows] == [e.id for e in expected]
        errors = Counter(kind_of(r["error"]) for r in rows if r["error"])
        ordinary_errored = sum(
            1 for e, r in zip(expected, rows, strict=False) if e.error is False and r["error"]
        )
        lines = fuzz.read_bytes().count(b"\n") if fmt != "parquet" else args.rows
        print(
            f"fuzzed {fmt}: {args.rows:,} rows planned, {lines:,} physical lines, "
            f"{fuzz.stat().st_size / 1e6:.1f} MB; workers {args.workers}; "
            f"{'rules only' if args.rules_only else 'with the classifier'}"
        )
        print(
            f"rows expected out  {len(expected):>8,}   rows out {len(rows):,}   "
            f"in order with ids {in_order}"
        )
        print(f"exit status        {fuzz_rc:>8}   traceback on stderr {'Traceback' in stderr}")
        print(
            f"error rows         {sum(errors.values()):>8,}   ordinary notes errored "
            f"{ordinary_errored}"
        )
        rate = args.rows / clean_s
        print(f"clean run          {clean_s:>8.1f} s  ({rate:.0f} rows/s, exit {clean_rc})")
        print(f"fuzzed run         {fuzz_s:>8.1f} s  ({len(rows) / fuzz_s:.0f} rows/s)")
        print(f"fuzzed / clean     {fuzz_s / clean_s:>8.2f}x")
        print("errors by kind:")
        for kind, n in errors.most_common():
            print(f"  {n:>6,}  {kind}")


if __name__ == "__main__":
    main()
