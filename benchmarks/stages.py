"""CPU time of each stage of the review, without a profiler's distortion, on the same real notes.

cProfile inflates pure-Python code against compiled code, so its shares mislead. This times, per
note, every pipeline component, then the rules (``Reviewer.facts``), the classifier
(``finish_many``) and the record (``to_dict``), after a warm-up pass, and prints each stage as a
share of the whole and as a multiple of spaCy's bare tokenizer (``spacy.blank("en")``) timed
warm on the same notes in the same run.

    python benchmarks/stages.py --notes 400
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict

import spacy
from shared_data import MTSAMPLES

from cleanclaim import Reviewer


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=400)
    args = parser.parse_args()
    texts = []
    with MTSAMPLES.open(encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.notes:
                break
    from cleanclaim.pipeline.tokenizer import guarded

    reviewer = Reviewer(model="default")
    nlp = reviewer.nlp
    bare = spacy.blank("en").tokenizer
    times: dict[str, float] = defaultdict(float)

    def one_pass(record: bool) -> None:
        facts = []
        for text in texts:
            t0 = time.process_time()
            bare(text)
            t1 = time.process_time()
            doc = guarded(nlp, text)  # the review's own tokenizer step
            t2 = time.process_time()
            if record:
                times["(bare tokenizer)"] += t1 - t0
                times["tokenizer"] += t2 - t1
            for name, proc in nlp.pipeline:
                t = time.process_time()
                doc = proc(doc)
                if record:
                    times[name] += time.process_time() - t
            t = time.process_time()
            facts.append(reviewer.facts(doc))
            if record:
                times["rules (facts)"] += time.process_time() - t
        t = time.process_time()
        reviews = reviewer.finish_many(facts)
        if record:
            times["classifier"] += time.process_time() - t
        t = time.process_time()
        for review in reviews:
            review.to_dict()
        if record:
            times["record"] += time.process_time() - t

    one_pass(record=False)
    one_pass(record=True)
    base = times.pop("(bare tokenizer)")
    total = sum(times.values())
    print(
        f"{len(texts)} notes; whole review {len(texts) / total:.1f} notes/s, "
        f"{base / total:.3f} of the warm bare tokenizer ({len(texts) / base:.0f} notes/s)"
    )
    print(f"{'stage':<24}{'ms/note':>9}{'share':>8}{'x tokenizer':>13}")
    for name, t in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"{name:<24}{1000 * t / len(texts):>9.2f}{t / total:>8.1%}{t / base:>13.2f}")


if __name__ == "__main__":
    main()
