"""Sentence splitters compared on speed and on ConText scope, measured in the same run.

Speed: notes/second of the whole cleanclaim pipeline with each splitter, and of spaCy's bare
tokenizer, on real notes (../shared/data/mtsamples/notes.jsonl when present, else the examples).
Scope: on the team's own notes (examples/ and the labelled corpus when built), how often the
decision matches the hand-checked outcome with each splitter: a splitter that runs sentences
across template lines lets "declined" or "history" leak onto the next line.

    python benchmarks/splitters.py --notes 500
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy
from shared_data import MTSAMPLES

from cleanclaim import Reviewer
from cleanclaim.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
SHARED = MTSAMPLES


def load_texts(limit: int) -> list[str]:
    if SHARED.exists():
        with SHARED.open() as fh:
            return [json.loads(line)["text"] for _, line in zip(range(limit), fh, strict=False)]
    notes = [p.read_text() for p in sorted((ROOT / "examples" / "notes").glob("*.txt"))]
    return (notes * (limit // len(notes) + 1))[:limit]


def labelled() -> list[tuple[str, bool]]:
    expected = json.loads((ROOT / "examples" / "expected.json").read_text())
    out = [
        ((ROOT / "examples" / "notes" / k).read_text(), v["claim_ready"])
        for k, v in expected.items()
    ]
    corpus = ROOT / "annotations" / "corpus.jsonl"
    if corpus.exists():
        for line in corpus.open():
            row = json.loads(line)
            out.append((row["text"], bool(row["claim_ready"])))
    return out


def rate(fn, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=500)
    args = parser.parse_args()
    texts = load_texts(args.notes)
    words = sum(len(t.split()) for t in texts) / len(texts)
    bare = spacy.blank("en")
    base = rate(bare.make_doc, texts)
    gold = labelled()
    print(
        f"{len(texts)} notes, {words:.0f} words on average; scope check on {len(gold)} labelled notes"
    )
    print(f"{'splitter':<20}{'notes/s':>10}{'vs tokenizer':>14}{'decision agreement':>20}")
    print(f"{'bare tokenizer':<20}{base:>10.0f}{1.0:>14.3f}{'-':>20}")
    for name in ("cleanclaim_lines", "sentencizer", "medspacy_pyrush"):
        nlp = build(sentencizer=name)
        reviewer = Reviewer(nlp=nlp, model=None)
        speed = rate(lambda t, r=reviewer: r.review(t), texts)
        agree = sum(reviewer.review(t).claim_ready == y for t, y in gold) / len(gold)
        print(f"{name:<20}{speed:>10.1f}{speed / base:>14.3f}{agree:>20.3f}")


if __name__ == "__main__":
    main()
