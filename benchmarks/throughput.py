"""Notes per second of the whole review against spaCy's bare tokenizer, warm, in the same run.

Corpus: every real note of ../shared/data/mtsamples/notes.jsonl (2,376 MTSamples notes, read at run
time only, never written anywhere but a temporary folder), twice over (4,752 notes); generated
notes when that file is missing. ``--notes N`` takes the first N real notes (twice over) for a
quick run.

Baseline: ``spacy.blank("en").tokenizer``, the bare English tokenizer with no pipes (not the
project's tokenizer), run once over the whole corpus to warm up, then timed over it again.
It is timed again between engines, so each ratio is against a tokenizer measured minutes apart,
not a stale figure; the spread of those timings is printed as the noise of the machine.

Engines (everything that is on by default: dictation reader, payer rules, the shipped model),
each in a fresh Python process, so start-up includes importing cleanclaim as a user's run does:

- ``review_many``: ``Reviewer(model="default").review_many`` in this process, plus the record
  (``to_dict()``); start-up = importing, building the Reviewer and loading the model; steady state = one
  pass over the corpus after a warm-up pass over the first 64 notes.
- ``batch, 1 worker`` / ``batch, 2 workers``: ``cleanclaim batch`` (``run_batch``) from a JSON
  Lines file to a JSON Lines file, with the classifier. Start-up included = rows / wall time of
  the whole run; steady state = rows after the first ``2 x workers`` chunks / time after them;
  start-up = wall time minus the rows at the steady rate.

    python benchmarks/throughput.py                 # the full corpus (about 10 minutes on 2 cores)
    python benchmarks/throughput.py --notes 200     # quick
    python benchmarks/throughput.py --markdown      # also print the README table
    python benchmarks/throughput.py --profile 350   # only cProfile review_many on 350 real notes
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared_data import MTSAMPLES

REAL = MTSAMPLES


def load_notes(limit: int | None) -> tuple[list[tuple[str, str]], str]:
    """(id, text) pairs of the real notes (all, or the first ``limit``) and where they came from."""
    if REAL.exists():
        out = []
        with REAL.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                out.append((str(r["id"]), r["text"]))
                if limit is not None and len(out) >= limit:
                    break
        return out, "MTSamples (../shared/data/mtsamples)"
    from cleanclaim.batch.synthetic import notes

    return list(notes(limit or 2376)), "generated (MTSamples not found)"


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def cpu() -> float:
    """CPU seconds of this process and its finished children (workers are joined at the end)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Tokenizer:
    """spaCy's bare English tokenizer, warmed up once over the corpus, timed on demand."""

    def __init__(self, texts: list[str]) -> None:
        import spacy

        self.texts = texts
        self.tok = spacy.blank("en").tokenizer
        for t in texts:  # warm-up: the same notes, a full pass (fills the tokenizer's caches)
            self.tok(t)
        self.rates: list[float] = []
        self.cpu_rates: list[float] = []

    def measure(self) -> tuple[float, float]:
        """(notes per wall second, notes per CPU second) of one pass."""
        t0, c0 = time.perf_counter(), cpu()
        for t in self.texts:
            self.tok(t)
        self.rates.append(rate(len(self.texts), time.perf_counter() - t0))
        self.cpu_rates.append(rate(len(self.texts), cpu() - c0))
        return self.rates[-1], self.cpu_rates[-1]


def bench_review_many(src: Path) -> dict[str, float]:
    """Whole review in this process: start-up, steady notes/s, notes/s with start-up."""
    with src.open(encoding="utf-8") as fh:
        corpus = [(r["id"], r["text"]) for r in map(json.loads, fh)]
    t0 = time.perf_counter()
    from cleanclaim.reviewer import Reviewer

    reviewer = Reviewer(model="default")
    startup = time.perf_counter() - t0
    for r in reviewer.review_many(corpus[:64]):  # warm-up
        r.to_dict()
    t1 = time.perf_counter()
    errors = 0
    for r in reviewer.review_many(corpus):
        errors += r.to_dict()["error"] is not None
    steady = time.perf_counter() - t1
    return {
        "cpu": rate(len(corpus), cpu()),  # the whole process: imports and start-up included
        "startup_s": startup,
        "steady": rate(len(corpus), steady),
        "included": rate(len(corpus), steady + startup),
        "errors": errors,
    }


def bench_batch(src: Path, workers: int) -> dict[str, float]:
    """``run_batch`` with the classifier: start-up included, steady state and start-up seconds."""
    with src.open(encoding="utf-8") as fh:
        n = sum(1 for _ in fh)
    t0, c0 = time.perf_counter(), 0.0  # CPU from the process start: imports included
    from cleanclaim.batch.runner import CHUNK_SIZE, run_batch

    with tempfile.TemporaryDirectory() as tmp:
        marks: list[tuple[float, int]] = []
        summary = run_batch(
            src,
            Path(tmp) / "out.jsonl",
            workers=workers,
            progress=lambda k: marks.append((time.perf_counter(), k)),
        )
        wall = time.perf_counter() - t0
        cpu_s = cpu() - c0
    warm = 2 * workers
    if len(marks) > warm + 1:
        after = sum(k for _, k in marks[warm + 1 :])
        steady = rate(after, marks[-1][0] - marks[warm][0])
    else:
        steady = rate(n, wall)
    return {
        "cpu": rate(n, cpu_s),
        "startup_s": max(0.0, wall - n / steady),
        "steady": steady,
        "included": rate(n, wall),
        "errors": summary.errors,
        "chunk": CHUNK_SIZE,
    }


def engine(name: str, src: Path, code: Path | None = None) -> dict[str, float]:
    """Run one engine in a fresh Python process (imports and start-up included, as a user sees).

    ``code``: a folder holding another version of the ``cleanclaim`` package (e.g. ``git archive
    main nlp`` unpacked), imported instead of this checkout's (PYTHONPATH comes first).
    """
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    proc = subprocess.run(
        [sys.executable, __file__, "--engine", name, "--input", str(src)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def profile(notes: list[tuple[str, str]], top: int) -> None:
    """cProfile of ``Reviewer.review_many`` (with the model and the record) over ``notes``."""
    import cProfile
    import io
    import pstats

    from cleanclaim.reviewer import Reviewer

    reviewer = Reviewer(model="default")
    for r in reviewer.review_many(notes[:32]):
        r.to_dict()
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for r in reviewer.review_many(notes):
        r.to_dict()
    prof.disable()
    seconds = time.perf_counter() - t0
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    print(
        f"cProfile of review_many + to_dict on {len(notes)} real notes: {seconds:.1f} s (profiled)"
    )
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=None, help="first N real notes (default all)")
    parser.add_argument("--repeat", type=int, default=2, help="corpus = the notes this many times")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--skip-in-process", action="store_true", help="batch engines only")
    parser.add_argument("--markdown", action="store_true", help="print the README table too")
    parser.add_argument("--profile", type=int, default=0, help="only profile N notes and exit")
    parser.add_argument("--top", type=int, default=40, help="functions shown by --profile")
    parser.add_argument(
        "--baseline-code",
        type=Path,
        help="a folder with another version of the package (its nlp/): each engine runs with it "
        "too, in the same run, and the table gives new / baseline",
    )
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        if args.engine == "review_many":
            out = bench_review_many(args.input)
        else:
            out = bench_batch(args.input, int(args.engine))
        print(json.dumps(out))
        return
    if args.profile:
        notes, _ = load_notes(args.profile)
        profile(notes, args.top)
        return
    notes, source = load_notes(args.notes)
    corpus = [(f"{i}-{k}", t) for k in range(args.repeat) for i, t in notes]
    texts = [t for _, t in corpus]
    print(
        f"{len(corpus):,} notes ({len(notes):,} from {source} x{args.repeat}); "
        f"mean {sum(map(len, texts)) / len(texts):,.0f} chars; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    tok = Tokenizer(texts)
    results: list[tuple[str, dict[str, float], tuple[float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i, t in corpus:
                fh.write(json.dumps({"id": i, "text": t}) + "\n")
        runs = [] if args.skip_in_process else [("review_many, 1 process", "review_many")]
        runs += [(f"batch, {w} worker{'s' if w > 1 else ''}", str(w)) for w in args.workers]
        for name, key in runs:
            if args.baseline_code is not None:
                base = tok.measure()
                results.append((f"{name} [baseline]", engine(key, src, args.baseline_code), base))
                print(
                    f"  done: {results[-1][0]} ({results[-1][1]['steady']:.1f} notes/s)", flush=True
                )
            base = tok.measure()
            results.append((name, engine(key, src), base))
            print(f"  done: {name} ({results[-1][1]['steady']:.1f} notes/s)", flush=True)
    tok.measure()
    spread = (max(tok.rates) - min(tok.rates)) / statistics.median(tok.rates)
    cpu_spread = (max(tok.cpu_rates) - min(tok.cpu_rates)) / statistics.median(tok.cpu_rates)
    print(
        f"\nwarm bare tokenizer: {statistics.median(tok.rates):.0f} notes/s median of "
        f"{len(tok.rates)} timings (spread {spread:.0%}: "
        + ", ".join(f"{r:.0f}" for r in tok.rates)
        + f"); per CPU second {statistics.median(tok.cpu_rates):.0f} (spread {cpu_spread:.0%}); "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    head = (
        f"{'engine':24s} {'start-up':>9s} {'steady':>8s} {'ratio':>6s} {'with start-up':>14s} "
        f"{'ratio':>6s} {'per CPU s*':>10s} {'ratio':>6s} {'errors':>6s}"
    )
    print(head)
    for name, r, (base, base_cpu) in results:
        print(
            f"{name:24s} {r['startup_s']:8.1f}s {r['steady']:8.1f} {r['steady'] / base:6.3f} "
            f"{r['included']:14.1f} {r['included'] / base:6.3f} {r['cpu']:10.1f} "
            f"{r['cpu'] / base_cpu:6.3f} {int(r['errors']):6d}"
        )
    print("* notes per CPU second of the whole run (imports, start-up, driver and workers)")
    by = {name: r for name, r, _ in results}
    for name, r, _ in results:
        old = by.get(f"{name} [baseline]")
        if old is not None:
            print(
                f"{name}: new / baseline: steady {r['steady'] / old['steady']:.2f}x, with start-up "
                f"{r['included'] / old['included']:.2f}x, per CPU second {r['cpu'] / old['cpu']:.2f}x"
            )
    one, two = by.get("batch, 1 worker"), by.get("batch, 2 workers")
    if one and two:
        print(
            f"2 workers / 1 worker: steady {two['steady'] / one['steady']:.2f}x, "
            f"with start-up {two['included'] / one['included']:.2f}x"
        )
    if args.markdown:
        markdown(results, len(corpus), len(notes), args.repeat, one, two)


def markdown(results, n, distinct, repeat, one, two) -> None:  # noqa: ANN001
    """The README's rows for these results."""
    cmd = "`python benchmarks/throughput.py`"
    where = f"{n:,} real notes ({distinct:,} MTSamples x{repeat})"
    print("\n| what | number | how measured |\n|---|---|---|")
    for name, r, (base, base_cpu) in results:
        print(
            f"| {name}, {where} | {r['included']:.1f} notes/s with start-up "
            f"(**{r['included'] / base:.3f}** of the warm bare tokenizer); steady "
            f"{r['steady']:.1f} notes/s ({r['steady'] / base:.3f}); start-up {r['startup_s']:.1f} s; "
            f"per CPU second {r['cpu']:.1f} ({r['cpu'] / base_cpu:.3f}) "
            f"| {cmd}: whole review with the shipped model and the record; tokenizer "
            f"`spacy.blank('en').tokenizer` warmed up on the same notes, timed in the same run "
            f"({base:.0f} notes/s) |"
        )
    if one and two:
        print(
            f"| 2 workers / 1 worker | {two['included'] / one['included']:.2f}x with start-up, "
            f"{two['steady'] / one['steady']:.2f}x steady | {cmd}, same run |"
        )


if __name__ == "__main__":
    main()
