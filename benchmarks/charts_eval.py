"""Real charts (issue 11): claim_ready, service code, status and false readies per split and category.

Scores the labelled corpus with the shipped rules (``--rules-only`` semantics) and the shipped
model, per split and, for the chart notes (ids ``ch-``), per note type and per wording category.
A *false ready* is a note called claim-ready whose label is not ready; they are listed by
category (ids only). ``--mtsamples`` also runs the real public notes (no labels): how many
operative, procedure and discharge notes are called ready, and the service codes given. Prints
tables only, never note text.

    python benchmarks/charts_eval.py                      # all splits, rules and model
    python benchmarks/charts_eval.py --split test --mtsamples
    python benchmarks/charts_eval.py --split dev --rules-only --errors   # never on test
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections import Counter, defaultdict
from pathlib import Path

from shared_data import MTSAMPLES

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "annotations" / "corpus.jsonl"
SPLITS = ("train", "dev", "test")
#: Corpus note types → record note types (the corpus keeps its older names).
NOTE_TYPE_ALIASES = {"procedure_report": "operative_procedure"}


def load_corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def family(note: dict) -> str:
    """Which part of the corpus a note belongs to."""
    nid = note["id"]
    if nid.startswith("ch-"):
        return "charts"
    if nid.startswith("dx-"):
        return "dictation"
    return "original"


def gold_status(note: dict) -> str:
    if note.get("status"):
        return note["status"]
    if note["claim_ready"]:
        return "ready"
    if note.get("service_code") == "96372":
        return "gaps"
    return "other_service" if note.get("service_code") else "no_injection"


class Tally:
    """Counts for one group of notes under one reviewer."""

    def __init__(self) -> None:
        self.n = self.ready_ok = self.code_ok = self.status_ok = self.status_n = 0
        self.false_ready: list[str] = []
        self.missed_ready = 0

    def add(self, note: dict, review) -> None:
        self.n += 1
        gold_ready = bool(note["claim_ready"])
        self.ready_ok += bool(review.claim_ready) == gold_ready
        self.code_ok += review.service_code == note.get("service_code")
        status = getattr(review, "status", None)
        if status is not None:
            self.status_n += 1
            self.status_ok += status == gold_status(note)
        if review.claim_ready and not gold_ready:
            self.false_ready.append(note["id"])
        if gold_ready and not review.claim_ready:
            self.missed_ready += 1

    def row(self, name: str) -> str:
        n = max(self.n, 1)
        status = f"{self.status_ok / self.status_n:6.3f}" if self.status_n else "   -  "
        return (
            f"{name:<34} {self.n:>4} {self.ready_ok / n:6.3f} {self.code_ok / n:6.3f} {status}"
            f" {len(self.false_ready):>5} {self.missed_ready:>6}"
        )


HEADER = (
    f"{'group':<34} {'n':>4} {'ready':>6} {'code':>6} {'status':>6} {'falseR':>5} {'missed':>6}"
)


def review_all(reviewer, notes: list[dict]) -> list:
    return list(reviewer.review_many([(n["id"], n["text"]) for n in notes]))


def report(name: str, notes: list[dict], reviews: list, split: str | None) -> None:
    print(f"\n== {name} ==")
    print(HEADER)
    groups: dict[str, Tally] = defaultdict(Tally)
    by_cat_false: dict[str, list[str]] = defaultdict(list)
    for note, review in zip(notes, reviews, strict=True):
        keys = [f"split={note['split']}", "split=all", f"{note['split']}/{family(note)}"]
        keys.append(f"all/{family(note)}")
        if family(note) == "charts" and (split is None or note["split"] == split):
            nt = NOTE_TYPE_ALIASES.get(note.get("note_type"), note.get("note_type"))
            scope = split or "all"
            keys.append(f"{scope}/charts type={nt}")
            keys.extend(f"{scope}/charts cat={c}" for c in note.get("categories", []))
        for key in keys:
            groups[key].add(note, review)
        if review.claim_ready and not note["claim_ready"]:
            for c in note.get("categories") or [family(note)]:
                by_cat_false[f"{note['split']}/{c}"].append(note["id"])
    order = [f"split={s}" for s in SPLITS] + ["split=all"]
    order += [f"{s}/{f}" for s in (*SPLITS, "all") for f in ("original", "dictation", "charts")]
    order += sorted(k for k in groups if "/charts " in k)
    for key in order:
        if key in groups:
            print(groups[key].row(key))
    print("false readies by category (split/category: ids):")
    if not by_cat_false:
        print("  none")
    for key in sorted(by_cat_false):
        print(f"  {key}: {', '.join(sorted(by_cat_false[key]))}")


def errors(notes: list[dict], reviews: list, split: str) -> None:
    """Ids, categories and gold/predicted labels of the notes of ``split`` the rules get wrong."""
    print(f"\n== errors on {split} (ids and labels only) ==")
    for note, review in zip(notes, reviews, strict=True):
        if note["split"] != split:
            continue
        status = getattr(review, "status", None)
        wrong = (
            bool(review.claim_ready) != bool(note["claim_ready"])
            or review.service_code != note.get("service_code")
            or (status is not None and status != gold_status(note))
        )
        if not wrong:
            continue
        gaps = ",".join(sorted({g.code for g in review.gaps if g.blocking}))
        cats = ",".join(note.get("categories") or [family(note)])
        print(
            f"  {note['id']:<10} [{cats}] gold ready={note['claim_ready']} "
            f"code={note.get('service_code')} status={gold_status(note)} | got "
            f"ready={review.claim_ready} code={review.service_code} status={status} "
            f"blocking={gaps}"
        )


def mtsamples(reviewer, limit: int | None) -> None:
    rows = [json.loads(line) for line in MTSAMPLES.open(encoding="utf-8")]
    if limit:
        rows = rows[:limit]
    reviews = review_all(reviewer, [{"id": r["id"], "text": r["text"]} for r in rows])
    kinds: dict[str, Counter] = defaultdict(Counter)
    for row, review in zip(rows, reviews, strict=True):
        spec = (row.get("specialties") or "").lower()
        name = (row.get("sample_name", "") + " " + row.get("description", "")).lower()
        if "discharge" in spec or "discharge summary" in name:
            kind = "discharge"
        elif "surgery" in spec or "operative" in name or "procedure" in name:
            kind = "operative/procedure"
        elif "emergency" in spec:
            kind = "emergency"
        else:
            kind = "other"
        for k in (kind, "all"):
            c = kinds[k]
            c["n"] += 1
            c["ready"] += bool(review.claim_ready)
            c["error"] += review.error is not None
            c[f"code={review.service_code}"] += 1
            c[f"status={getattr(review, 'status', None)}"] += 1
            c[f"type={getattr(review, 'note_type', None)}"] += 1
    print("\n== mtsamples (real public notes, no labels) ==")
    for k in ("operative/procedure", "discharge", "emergency", "other", "all"):
        c = kinds.get(k)
        if not c:
            continue
        codes = ", ".join(f"{x[5:]}:{v}" for x, v in c.most_common() if x.startswith("code="))
        stats = ", ".join(f"{x[7:]}:{v}" for x, v in c.most_common() if x.startswith("status="))
        types = ", ".join(f"{x[5:]}:{v}" for x, v in c.most_common() if x.startswith("type="))
        print(f"{k:<20} n={c['n']:>5} ready={c['ready']:>4} errors={c['error']}")
        print(f"    service codes: {codes}")
        print(f"    status: {stats}")
        print(f"    note types: {types}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, help="per-category rows for one split only")
    parser.add_argument("--rules-only", action="store_true", help="skip the shipped model")
    parser.add_argument("--mtsamples", action="store_true", help="also run the real public notes")
    parser.add_argument("--mtsamples-limit", type=int, default=None)
    parser.add_argument(
        "--errors", action="store_true", help="list the notes the rules get wrong (train/dev)"
    )
    args = parser.parse_args()
    if args.errors and args.split not in ("train", "dev"):
        parser.error("--errors needs --split train or --split dev (the test split is held out)")

    from cleanclaim import Reviewer
    from cleanclaim.classifier.model import load_default

    notes = load_corpus()
    rules = Reviewer()
    reviews = review_all(rules, notes)
    report("rules", notes, reviews, args.split)
    if args.errors:
        errors(notes, reviews, args.split)
    if not args.rules_only:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = load_default()
        except Exception as err:  # noqa: BLE001
            print(f"\n(model not loaded: {type(err).__name__}: {err})")
            model = None
        if model is not None:
            with_model = Reviewer(nlp=rules.nlp, model=model)
            report("model", notes, review_all(with_model, notes), args.split)
    if args.mtsamples and MTSAMPLES.exists():
        mtsamples(rules, args.mtsamples_limit)


if __name__ == "__main__":
    main()
