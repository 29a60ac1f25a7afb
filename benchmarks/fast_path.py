"""The fast path's effect on a realistic mix: share of notes it takes, and notes/s with and without it.

Uses generated notes (a mix of injection visits and visits without injections) and, when present,
the real notes in ../shared/data/mtsamples/notes.jsonl (read at run time only).

    python benchmarks/fast_path.py --sample 1000
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import islice

from shared_data import MTSAMPLES

REAL = MTSAMPLES


def measure(name: str, texts: list[str]) -> None:
    from cleanclaim.batch.runner import _WORKER, init_worker, review_chunk

    init_worker(True, True)
    fast = _WORKER["fast"]
    reviewer = _WORKER["reviewer"]
    taken = sum(fast.review(t, None) is not None for t in texts)
    chunks = [
        [(str(i), t) for i, t in enumerate(texts[k : k + 64], k)] for k in range(0, len(texts), 64)
    ]
    t = time.perf_counter()
    for c in chunks:
        review_chunk(c)
    with_fast = len(texts) / (time.perf_counter() - t)
    t = time.perf_counter()
    for c in chunks:
        list(reviewer.review_many(c))
    without = len(texts) / (time.perf_counter() - t)
    print(
        f"{name:28s} {len(texts):>6} notes  fast path {taken / len(texts):6.1%}  "
        f"with {with_fast:7.1f} notes/s  without {without:7.1f} notes/s  speed-up x{with_fast / without:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1000)
    args = parser.parse_args()
    from cleanclaim.batch.synthetic import notes

    measure("generated injection-clinic mix", [t for _, t in notes(args.sample)])
    if REAL.exists():
        with REAL.open(encoding="utf-8") as fh:
            measure(
                "mtsamples",
                [json.loads(line)["text"] for line in islice(fh, min(args.sample, 300))],
            )


if __name__ == "__main__":
    main()
