"""Mentions the dictation reader adds on real transcribed notes (MTSamples), rules only.

The notes are typed transcriptions of dictation: the reader must not find drugs, routes or
doses there that the text does not hold. Runs the pipeline with and without the
``cleanclaim_dictation`` pipe on the same notes and prints, per label, the mentions before and
after, the mentions only the reader made (by how they were read), and the decisions that
changed. Prints counts only, never note text (``--show`` prints the added words, for rule work).

    python benchmarks/dictation_false_reads.py            # every note
    python benchmarks/dictation_false_reads.py --sample 300
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from itertools import islice

from shared_data import MTSAMPLES

REAL = MTSAMPLES
LABELS = ("DRUG", "DOSE", "ROUTE", "SITE")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", type=int, default=None)
    ap.add_argument(
        "--speed", action="store_true", help="also time the review with/without the reader (ratio)"
    )
    ap.add_argument("--show", action="store_true", help="print the added words (local rule work)")
    args = ap.parse_args()
    if not REAL.exists():
        raise SystemExit(f"no MTSamples notes at {REAL}")
    with REAL.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in islice(fh, args.sample)]
    texts = [r["text"] for r in rows]

    from cleanclaim.reviewer import Reviewer

    reviewer = Reviewer(model=None)
    nlp = reviewer.nlp

    before: Counter = Counter()
    after: Counter = Counter()
    added: Counter = Counter()
    shown: Counter = Counter()
    changed = 0
    for text in texts:
        with nlp.select_pipes(disable=["cleanclaim_dictation"]):
            a = reviewer.facts(nlp(text)).review
        b = reviewer.facts(nlp(text)).review
        old = {(e.start, e.end, e.label) for e in a.entities}
        before.update(e.label for e in a.entities if e.label in LABELS)
        after.update(e.label for e in b.entities if e.label in LABELS)
        for e in b.entities:
            if e.label in LABELS and (e.start, e.end, e.label) not in old:
                added[(e.label, e.how or "-")] += 1
                if args.show:
                    shown[(e.label, e.how, e.text.lower(), e.normalized)] += 1
        changed += (a.claim_ready, a.gap_codes) != (b.claim_ready, b.gap_codes)
    print(f"MTSamples notes: {len(texts)} (rules only)")
    print(f"{'label':8s} {'before':>8s} {'after':>8s} {'added':>8s}")
    for lab in LABELS:
        n_added = sum(v for (lb, _), v in added.items() if lb == lab)
        print(f"{lab:8s} {before[lab]:8d} {after[lab]:8d} {n_added:8d}")
    print("added by how:", dict(sorted(added.items())))
    print(f"notes whose decision or gaps changed: {changed}")
    if args.speed:
        import time

        def timed(disable: list[str]) -> float:
            with nlp.select_pipes(disable=disable):
                for doc in nlp.pipe(texts[:20]):  # warm-up
                    reviewer.facts(doc)
                t = time.perf_counter()
                for doc in nlp.pipe(texts, batch_size=64):
                    reviewer.facts(doc)
                return len(texts) / (time.perf_counter() - t)

        off, on = timed(["cleanclaim_dictation"]), timed([])
        off2 = timed(["cleanclaim_dictation"])
        base = (off + off2) / 2
        print(f"notes/s without reader {base:.1f}, with reader {on:.1f}: ratio {on / base:.3f}")
    for key, v in shown.most_common():
        print(v, key)


if __name__ == "__main__":
    main()
