"""Fingerprint the records of a few hundred notes, to compare two versions of the code field by field.

Notes: every note of annotations/corpus.jsonl and every 8th MTSamples note (read at run time, in
memory only). For each note and each top-level record field, the file keeps a sha256 of the
field's JSON; for the project's own notes it also keeps the whole record, so a difference can be
shown. No MTSamples text is ever written: only hashes.

    python benchmarks/records_fingerprint.py --save /tmp/before.json     # on the old code
    python benchmarks/records_fingerprint.py --compare /tmp/before.json  # on the new code
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from shared_data import MTSAMPLES

ROOT = Path(__file__).resolve().parents[1]
REAL = MTSAMPLES
DAY = "2026-06-01"  # a fixed default date of service, so today's date never differs


def notes(every: int) -> list[tuple[str, str, bool]]:
    """(id, text, own) for the annotated notes (own) and every ``every``-th MTSamples note."""
    out = []
    with (ROOT / "annotations" / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out.append((f"ann:{r['id']}", r["text"], True))
    if REAL.exists():
        with REAL.open(encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                if k % every == 0:
                    r = json.loads(line)
                    out.append((f"mts:{r['id']}", r["text"], False))
    return out


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:20]


def fingerprints(every: int, rules_only: bool) -> dict[str, dict[str, object]]:
    from cleanclaim.batch import runner
    from cleanclaim.reviewer import Reviewer

    items = notes(every)
    reviewer = Reviewer(model=None if rules_only else "default")
    out: dict[str, dict[str, object]] = {}
    many = reviewer.review_many([(i, t) for i, t, _ in items], date_of_service=DAY)
    for (note_id, _, own), review in zip(items, many, strict=True):
        record = review.to_dict()
        entry: dict[str, object] = {"fields": {k: digest(v) for k, v in record.items()}}
        if own:
            entry["record"] = record
        out[note_id] = entry
    # The batch worker's path (one note at a time) must give the same records.
    runner.init_worker(rules_only, False, None, DAY)
    chunk = [(i, t, None) for i, t, _ in items]
    for (note_id, _, _), record in zip(items, runner.review_chunk(chunk), strict=True):
        out[note_id]["batch"] = {k: digest(v) for k, v in record.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--every", type=int, default=8)
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument(
        "--ignore",
        nargs="*",
        default=[],
        help="fields to leave out (model_version changes with every retrain)",
    )
    args = parser.parse_args()
    now = fingerprints(args.every, args.rules_only)
    if args.save:
        args.save.write_text(json.dumps(now), encoding="utf-8")
        print(f"saved {len(now)} notes' fingerprints to {args.save}")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        diffs = 0
        for note_id, entry in before.items():
            mine = now.get(note_id)
            for kind in ("fields", "batch"):
                for key, value in entry[kind].items():
                    if key in args.ignore:
                        continue
                    got = None if mine is None else mine[kind].get(key)
                    if got != value:
                        diffs += 1
                        if diffs <= 30:
                            print(f"DIFF {note_id} {kind}.{key}")
                            if "record" in entry and mine is not None and "record" in mine:
                                print("  before:", json.dumps(entry["record"][key])[:400])
                                print("  after: ", json.dumps(mine["record"][key])[:400])
        own = sum(1 for k in before if k.startswith("ann:"))
        print(
            f"compared {len(before)} notes ({own} annotated, {len(before) - own} MTSamples), "
            f"{len(next(iter(before.values()))['fields'])} fields each, review_many and the batch "
            f"worker: {diffs} differences"
        )
        if diffs:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
