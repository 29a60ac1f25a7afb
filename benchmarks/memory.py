"""Peak memory (RSS) of ``cleanclaim batch`` at 1k, 10k and 50k generated notes.

Each size runs in a fresh subprocess; the peak RSS of the driver and of its worker processes
comes from ``resource.getrusage`` (RUSAGE_SELF and RUSAGE_CHILDREN, kilobytes on Linux).

    python benchmarks/memory.py --sizes 1000 10000 50000 --workers 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import json, resource, sys
from pathlib import Path
from cleanclaim.batch.runner import run_batch
src, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
summary = run_batch(src, out, rules_only=True, workers=workers)
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"notes": summary.total, "driver_mb": me / 1024, "worker_mb": kids / 1024, "seconds": summary.seconds}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    from cleanclaim.batch.synthetic import notes

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            src = Path(tmp) / f"in-{n}.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for i, t in notes(n):
                    fh.write(json.dumps({"id": i, "text": t}) + "\n")
            proc = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _CHILD,
                    str(src),
                    str(Path(tmp) / f"out-{n}.parquet"),
                    str(args.workers),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(
                f"{n:>7,} notes: driver peak {r['driver_mb']:7.1f} MB, largest worker peak {r['worker_mb']:7.1f} MB, {r['seconds']:.0f} s",
                flush=True,
            )
    base = results[0]
    for r in results[1:]:
        print(
            f"{r['notes']:,} vs {base['notes']:,}: driver x{r['driver_mb'] / base['driver_mb']:.2f}, "
            f"worker x{r['worker_mb'] / base['worker_mb']:.2f}"
        )


if __name__ == "__main__":
    main()
