"""Do records change? Dump every corpus note's record, then compare two dumps field by field.

Run ``dump`` on the code before a change and again after it, then ``compare`` the two files:

    python benchmarks/records_diff.py dump --output /tmp/before.json       # on main
    python benchmarks/records_diff.py dump --output /tmp/after.json        # on the branch
    python benchmarks/records_diff.py compare /tmp/before.json /tmp/after.json

``dump`` reviews ``annotations/corpus.jsonl`` (or ``--corpus FILE``, any JSON Lines with ``id`` and
``text``) with ``Reviewer.review_many`` and the shipped model (``--rules-only`` for the rules
alone), on a fixed date of service (``--date-of-service``, default 2026-06-01) so that two dumps
made on different days agree. ``compare`` prints how many records are identical and, for each one
that is not, the note id and the paths of the fields that differ (never note text); ``--show``
prints the differing values too. Exit status 1 when any record differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "annotations" / "corpus.jsonl"


def dump(corpus: Path, output: Path, rules_only: bool, day: str) -> None:
    """Review every note of ``corpus`` and write ``{id: record}`` as JSON."""
    import cleanclaim

    notes = []
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                notes.append((str(row["id"]), row["text"]))
    reviewer = cleanclaim.Reviewer(model=None if rules_only else "default")
    start = time.perf_counter()
    records = {r.id: r.to_dict() for r in reviewer.review_many(notes, date_of_service=day)}
    seconds = time.perf_counter() - start
    output.write_text(json.dumps(records, sort_keys=True, indent=0), encoding="utf-8")
    print(f"{len(records)} records in {seconds:.1f} s → {output}")


def diff(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Paths (``gaps[0].code``) where ``a`` and ``b`` differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                out.append((sub, a.get(key, "<absent>"), b.get(key, "<absent>")))
            else:
                out += diff(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [(f"{path}[len]", len(a), len(b))] + [
                d
                for i, (x, y) in enumerate(zip(a, b, strict=False))
                for d in diff(x, y, f"{path}[{i}]")
            ]
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in diff(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-12:
        return []
    return [] if a == b else [(path, a, b)]


def compare(before: Path, after: Path, show: bool) -> int:
    """Print the comparison; the number of records that differ."""
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    changed = 0
    for note_id in sorted(set(a) | set(b)):
        if note_id not in a or note_id not in b:
            changed += 1
            print(f"{note_id}: only in {'after' if note_id in b else 'before'}")
            continue
        diffs = diff(a[note_id], b[note_id])
        if diffs:
            changed += 1
            print(f"{note_id}: {', '.join(p for p, _, _ in diffs)}")
            if show:
                for p, x, y in diffs:
                    print(f"    {p}: {json.dumps(x)[:200]} → {json.dumps(y)[:200]}")
    total = len(set(a) | set(b))
    print(f"identical records: {total - changed} of {total}")
    return changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="review the corpus and write the records")
    d.add_argument("--corpus", type=Path, default=CORPUS)
    d.add_argument("--output", type=Path, required=True)
    d.add_argument("--rules-only", action="store_true")
    d.add_argument("--date-of-service", default="2026-06-01")
    c = sub.add_parser("compare", help="compare two dumps field by field")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--show", action="store_true", help="print the differing values too")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.corpus, args.output, args.rules_only, args.date_of_service)
    else:
        sys.exit(1 if compare(args.before, args.after, args.show) else 0)


if __name__ == "__main__":
    main()
