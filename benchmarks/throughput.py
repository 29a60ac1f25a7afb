"""Notes/second of ``cleanclaim batch`` (1 worker, then all cores) against spaCy's bare tokenizer
and a stock medspaCy pipeline with comparable target rules, on the same notes, in one run.

Uses ../shared/data/mtsamples/notes.jsonl when present (read at run time only), else generated notes.

    python benchmarks/throughput.py --sample 300
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from itertools import islice
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples" / "notes.jsonl"


def load_notes(sample: int) -> tuple[list[tuple[str, str]], str]:
    """(id, text) pairs and where they came from."""
    if REAL.exists():
        with REAL.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in islice(fh, sample)]
        return [(str(r["id"]), r["text"]) for r in rows], f"mtsamples ({REAL.resolve()})"
    from cleanclaim.batch.synthetic import notes

    return list(notes(sample)), "generated"


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def bench_blank(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    list(nlp.pipe(texts[:20]))
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return rate(len(texts), time.perf_counter() - t)


def bench_medspacy(texts: list[str]) -> float:
    import medspacy
    from medspacy.target_matcher import TargetRule

    from cleanclaim import resources as res

    nlp = medspacy.load()
    rules = []
    for d in res.drugs().drugs:
        rules += [TargetRule(s, "DRUG") for s in d.synonyms]
    for d in res.diagnoses().diagnoses:
        rules += [TargetRule(s, "DIAGNOSIS") for s in d.synonyms]
    for r in res.routes().routes:
        rules += [TargetRule(p, "ROUTE") for p in r.phrases]
    for s in res.sites().sites:
        rules += [TargetRule(p, "SITE") for p in s.phrases]
    nlp.get_pipe("medspacy_target_matcher").add(rules)
    list(nlp.pipe(texts[:5]))
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return rate(len(texts), time.perf_counter() - t)


def bench_batch(notes: list[tuple[str, str]], workers: int, repeat: int) -> tuple[float, float]:
    """(notes/s including worker start-up, notes/s of the steady state) of run_batch."""
    from cleanclaim.batch.runner import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        rows = [(f"{i}-{k}", t) for k in range(repeat) for i, t in notes]
        src.write_text(
            "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows), encoding="utf-8"
        )
        marks: list[tuple[float, int]] = []
        summary = run_batch(
            src,
            Path(tmp) / "out.csv",
            rules_only=True,
            workers=workers,
            progress=lambda n: marks.append((time.perf_counter(), n)),
        )
        # Steady state: skip the first two chunks per worker (workers finish loading at different
        # times, so the first marks still include another worker's start-up), then count the rest.
        warm = 2 * workers
        if len(marks) <= warm + 1:
            return summary.rate, summary.rate
        notes_after = sum(n for _, n in marks[warm + 1 :])
        return summary.rate, rate(notes_after, marks[-1][0] - marks[warm][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300, help="notes to use (default 300)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="repeat the sample this many times for the batch runs"
    )
    args = parser.parse_args()
    notes, source = load_notes(args.sample)
    texts = [t for _, t in notes]
    cores = os.cpu_count() or 1
    print(
        f"{len(notes)} notes from {source}; mean {sum(map(len, texts)) / len(texts):.0f} chars; {cores} cores"
    )
    blank = bench_blank(texts)
    med = bench_medspacy(texts)
    one_total, one = bench_batch(notes, 1, args.repeat)
    all_total, allc = bench_batch(notes, cores, args.repeat)
    print(f"{'engine':40s} {'notes/s':>10s} {'vs blank':>9s}")
    for name, value in [
        ('spacy.blank("en") tokenizer', blank),
        ("medspacy.load() + target rules", med),
        ("cleanclaim batch, 1 worker (steady)", one),
        ("cleanclaim batch, 1 worker (with start-up)", one_total),
        (f"cleanclaim batch, {cores} workers (steady)", allc),
        (f"cleanclaim batch, {cores} workers (with start-up)", all_total),
    ]:
        print(f"{name:40s} {value:10.1f} {value / blank:9.3f}")
    print(
        f"scaling {cores} workers / 1 worker (steady): {allc / one:.2f}x; cleanclaim 1 worker / medspaCy: {one / med:.2f}x"
    )


if __name__ == "__main__":
    main()
