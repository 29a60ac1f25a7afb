"""What the service's safety costs per note, as ratios against a baseline in the same run.

1. Checking each record against the published schema (strict pydantic on the JSON bytes),
   against the review that made the record, in this process.
2. Reviewing a batch one note per worker job (so a stalled note can be timed out and killed
   alone) vs the whole batch in one job, through one spawned worker process.

Generated notes only (no patient data). Warm-up pass first; takes a few seconds.

    python benchmarks/service_overhead.py --notes 100
    python benchmarks/service_overhead.py --notes 50 --join 8   # notes ~8 times as long
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor


def _plain(reviewer, text: str) -> bytes:
    record = reviewer.review(text).to_dict()
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def _whole_batch(texts: list[str]) -> list[bytes]:
    from cleanclaim.service import worker

    return [worker.process_review(t, None) for t in texts]


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--join", type=int, default=1, help="generated notes joined into one (longer notes)"
    )
    args = parser.parse_args()

    from cleanclaim import Reviewer
    from cleanclaim.batch.synthetic import notes
    from cleanclaim.service import worker
    from cleanclaim.service.schemas import RECORD

    generated = [t for _, t in notes(args.notes * args.join)]
    texts = ["\n".join(generated[i : i + args.join]) for i in range(0, len(generated), args.join)]
    reviewer = Reviewer(model=None)
    for t in texts[:10]:  # warm-up
        worker.review_json(reviewer, t, None)

    payloads = [_plain(reviewer, t) for t in texts]
    review = best_of(args.runs, lambda: [reviewer.review(t) for t in texts])
    check = best_of(args.runs, lambda: [RECORD.validate_json(p, strict=True) for p in payloads])
    print(
        f"schema check: {check / review:.4f}x the review time ({args.notes} notes, best of "
        f"{args.runs}: {check * 1e6 / len(texts):.1f} us vs {review * 1e3 / len(texts):.2f} ms "
        "a note)"
    )

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=worker.init_process, initargs=(None,)
    ) as pool:
        pool.submit(_whole_batch, texts[:10]).result()  # start and warm the worker
        one_job = best_of(args.runs, lambda: pool.submit(_whole_batch, texts).result())
        per_note = best_of(
            args.runs,
            lambda: [pool.submit(worker.process_review, t, None).result() for t in texts],
        )
    print(
        f"batch, one job per note: {per_note / one_job:.3f}x one job for the batch "
        f"({one_job * 1000:.0f} vs {per_note * 1000:.0f} ms for {args.notes} notes)"
    )


if __name__ == "__main__":
    main()
