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


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return took


def median(command: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    timed(command, env)  # warm-up: file cache, user cache
    return statistics.median(timed(command, env) for _ in range(repeat))


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
            results["review, empty user cache (first run)"] = statistics.median(
                timed(cmd, dict(env, CLEANCLAIM_CACHE_DIR=str(Path(tmp) / f"c{i}")))
                for i in range(max(1, args.repeat // 2))
            )
    base = results["python -c pass (baseline)"]
    print(f"{'command':<42}{'seconds':>9}{'x bare python':>15}")
    for name, seconds in results.items():
        print(f"{name:<42}{seconds:>9.2f}{seconds / base:>15.1f}")
    print(f"(median of {args.repeat} fresh processes after a warm-up; {py})")


if __name__ == "__main__":
    main()
