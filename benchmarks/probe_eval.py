"""Untuned probe notes (``annotations/probe/``), rules only: claim_ready accuracy, service-code
accuracy and false readies per file, and in all.

A false ready is a note the engine calls claim-ready whose label is not: the worst error a
pre-claim tool can make (issue 11 asks for at most one in a hundred notes). Prints ids and
figures only, never note text.

    python benchmarks/probe_eval.py                        # every probe file
    python benchmarks/probe_eval.py annotations/probe/charts_be.jsonl ...
    python benchmarks/probe_eval.py --code /tmp/base/nlp   # another version's engine
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="probe files (default: all)")
    parser.add_argument("--code", type=Path, help="the nlp/ folder of another version")
    args = parser.parse_args()
    if args.code is not None:
        sys.path.insert(0, str(args.code.resolve()))
    from cleanclaim import Reviewer

    files = args.files or sorted((ROOT / "annotations" / "probe").glob("*.jsonl"))
    reviewer = Reviewer(model=None)
    total = ready_ok = service_ok = 0
    false_ready: list[str] = []
    print(f"{'file':26s} {'n':>5s} {'claim_ready':>11s} {'service':>8s}  false ready")
    for path in files:
        notes = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        if not notes:
            continue
        ok = svc = 0
        wrong: list[str] = []
        for note in notes:
            review = reviewer.review(note["text"])
            ok += bool(review.claim_ready) == bool(note["claim_ready"])
            svc += review.service_code == note["service_code"]
            if review.claim_ready and not note["claim_ready"]:
                wrong.append(note["id"])
        print(
            f"{path.name:26s} {len(notes):5d} {ok / len(notes):11.3f} {svc / len(notes):8.3f}"
            f"  {len(wrong)} {' '.join(wrong)}"
        )
        total += len(notes)
        ready_ok += ok
        service_ok += svc
        false_ready += wrong
    if total:
        print(
            f"{'all':26s} {total:5d} {ready_ok / total:11.3f} {service_ok / total:8.3f}"
            f"  {len(false_ready)} ({100 * len(false_ready) / total:.1f} per 100)"
        )


if __name__ == "__main__":
    main()
