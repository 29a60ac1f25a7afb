"""How long the command line takes from a fresh process: ``--help`` and ``review`` of a short note.

Each command runs in a new Python process (the "cold" start a user sees: imports, pipeline,
model), ``--repeat`` times after one warm-up run; the median is printed in seconds and as a
ratio to a bare ``python -c pass`` measured the same way in the same run. ``--first-run`` adds
a review with an empty user cache (the one-off cost of building the ICD-10-CM and drug-lexicon
caches).

    python benchmarks/cli_startup.py
    python benchmarks/cli_startup.py --python /path/to/other/venv/bin/python   # another install
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOTE = (
    "Nurse visit. Dx: pernicious anemia (D51.0).\n"
    "Cyanocobalamin 1000 mcg IM given in the left deltoid by RN Lee. Tolerated well.\n"
)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one fresh process running ``command``."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    return took, usage.ru_utime + usage.ru_stime


def median(
    command: list[str], repeat: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    timed(command, env)  # warm-up: file cache, user cache
    runs = [timed(command, env) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter with cleanclaim")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--first-run", action="store_true", help="also time an empty user cache")
    args = parser.parse_args()
    py = args.python
    cli = [py, "-c", "from cleanclaim.cli import main; main()"]
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "short-note.txt"
        note.write_text(NOTE, encoding="utf-8")
        cases = {
            "python -c pass (baseline)": [py, "-c", "pass"],
            "cleanclaim --help": [*cli, "--help"],
            "cleanclaim review NOTE --rules-only": [*cli, "review", str(note), "--rules-only"],
            "cleanclaim review NOTE (shipped model)": [*cli, "review", str(note)],
        }
        results = {name: median(cmd, args.repeat) for name, cmd in cases.items()}
        if args.first_run:
            env = dict(os.environ, CLEANCLAIM_CACHE_DIR=str(Path(tmp) / "empty-cache"))
            cmd = [*cli, "review", str(note)]
            runs = [
                timed(cmd, dict(env, CLEANCLAIM_CACHE_DIR=str(Path(tmp) / f"c{i}")))
                for i in range(max(1, args.repeat // 2))
            ]
            results["review, empty user cache (first run)"] = (
                statistics.median(w for w, _ in runs),
                statistics.median(c for _, c in runs),
            )
    base, base_cpu = results["python -c pass (baseline)"]
    print(f"{'command':<42}{'wall s':>8}{'x bare':>8}{'CPU s':>8}{'x bare':>8}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<42}{wall:>8.2f}{wall / base:>8.1f}{cpu:>8.2f}{cpu / base_cpu:>8.1f}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"(median of {args.repeat} fresh processes after a warm-up; {py}; load average "
        f"{load:.1f} on {os.cpu_count()} CPUs: CPU seconds are the better guide on a busy machine)"
    )


if __name__ == "__main__":
    main()
