"""Check the RE2 screen on many notes: it never leaves out, nor invents, a pattern's match.

Builds a reviewer (which makes every screened pattern set of the rules), then for each note, the
first ``--header`` characters of it (note titles are searched there) and each of its lines (cues
are searched in clauses), asks every set which patterns match but were screened out, and which
RE2 found where ``regex`` does not match. Prints counts only, never note text; exit status 1 on
any.

    python benchmarks/screen_check.py                       # corpus + MTSamples
    python benchmarks/screen_check.py --corpus FILE.jsonl   # any JSON Lines with "text"
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from shared_data import MTSAMPLES

from cleanclaim import Reviewer
from cleanclaim.pipeline.screen import PatternSet, screenable_text

CORPUS = Path(__file__).resolve().parents[1] / "annotations" / "corpus.jsonl"


def main() -> int:
    """Print the misses per file and set; 1 when there is any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--header", type=int, default=400)
    args = parser.parse_args()
    files = args.corpus or [p for p in (CORPUS, MTSAMPLES) if p.exists()]
    reviewer = Reviewer(model=None)  # holds the sets
    sets = sorted(PatternSet.instances, key=lambda s: s.name)
    bad = 0
    for path in files:
        notes = screened = 0
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line)["text"]
                notes += 1
                screened += screenable_text(text)
                for piece in (text, text[: args.header], *text.splitlines()):
                    for s in sets:
                        for k in s.missed(piece):
                            bad += 1
                            print(f"MISSED {path.name}: set {s.name} pattern {k}")
                        for k in s.wrong(piece):
                            bad += 1
                            print(f"WRONG {path.name}: set {s.name} pattern {k}")
        print(f"{path.name}: {notes} notes ({screened} screened), {len(sets)} pattern sets")
    print(f"missed or wrong matches: {bad}")
    del reviewer
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
