"""Rules-only measurement of raw dictation against its typed twin (issue 10).

Scores the dictation notes of one split (ids starting ``dx-``, ``version`` ``raw_dictation``):
claim_ready accuracy, gap micro-F1 (blocking codes + SITE_MISSING), DRUG/DOSE/ROUTE/SITE mention
recall (lenient overlap and strict offsets) overall and per dictation category, and agreement of
decision + gaps between each dictated note and the typed note(s) of its group. Prints tables
only, never note text.

    python benchmarks/dictation_eval.py --split test
    python benchmarks/dictation_eval.py --typed-original     # the 61 original typed test notes
    python benchmarks/dictation_eval.py --probes             # untuned probe twins (annotations/probe)
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "annotations" / "corpus.jsonl"
PROBES = ROOT / "annotations" / "probe"
LABELS = ("DRUG", "DOSE", "ROUTE", "SITE")


def load(split: str) -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [r for r in rows if r.get("split") == split]


def gap_codes() -> tuple[str, ...]:
    from cleanclaim.classifier.corpus import GAP_CODES

    return tuple(GAP_CODES)


def recall_counts(note: dict, review) -> dict[str, Counter]:
    """Per label: gold n, lenient hits, strict hits."""
    out: dict[str, Counter] = defaultdict(Counter)
    ents = [e for e in review.entities if e.label in LABELS]
    for s in note.get("spans", []):
        label = s["label"]
        if label not in LABELS:
            continue
        same = [e for e in ents if e.label == label]
        out[label]["n"] += 1
        out[label]["lenient"] += any(e.start < s["end"] and s["start"] < e.end for e in same)
        out[label]["strict"] += any(e.start == s["start"] and e.end == s["end"] for e in same)
    return out


def micro_f1(pairs: list[tuple[set, set]]) -> tuple[float, int, int, int]:
    tp = sum(len(g & p) for g, p in pairs)
    fp = sum(len(p - g) for g, p in pairs)
    fn = sum(len(g - p) for g, p in pairs)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return f1, tp, fp, fn


def score(notes: list[dict], reviews: list) -> dict:
    codes = set(gap_codes())
    acc = sum(
        bool(r.claim_ready) == bool(n["claim_ready"]) for n, r in zip(notes, reviews, strict=True)
    ) / max(len(notes), 1)
    pairs = [
        (set(n.get("gaps", [])) & codes, set(r.gap_codes) & codes)
        for n, r in zip(notes, reviews, strict=True)
    ]
    f1, tp, fp, fn = micro_f1(pairs)
    rec: dict[str, Counter] = defaultdict(Counter)
    for n, r in zip(notes, reviews, strict=True):
        for lab, c in recall_counts(n, r).items():
            rec[lab].update(c)
    return {"n": len(notes), "acc": acc, "gap_f1": f1, "tp": tp, "fp": fp, "fn": fn, "rec": rec}


def fmt_rec(c: Counter, key: str) -> str:
    return f"{c[key] / c['n']:.3f}" if c["n"] else "  -  "


def print_table(title: str, rows: list[tuple[str, dict]]) -> None:
    print(f"\n{title}")
    head = f"{'':28s} {'n':>4s} {'acc':>6s} {'gapF1':>6s}"
    for lab in LABELS:
        head += f" {lab[:4] + ' len':>9s} {lab[:4] + ' str':>9s}"
    print(head)
    for name, s in rows:
        line = f"{name:28s} {s['n']:4d} {s['acc']:6.3f} {s['gap_f1']:6.3f}"
        for lab in LABELS:
            c = s["rec"][lab]
            line += f" {fmt_rec(c, 'lenient'):>9s} {fmt_rec(c, 'strict'):>9s}"
        print(line)


def outcome(review) -> tuple[bool, frozenset]:
    return bool(review.claim_ready), frozenset(set(review.gap_codes) & set(gap_codes()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="test", choices=["test", "dev", "train"])
    ap.add_argument(
        "--typed-original",
        action="store_true",
        help="score the original typed notes of the split (ids not starting dx-/ch-)",
    )
    ap.add_argument("--errors", action="store_true", help="per-note ids with wrong decision/gaps")
    ap.add_argument(
        "--probes",
        action="store_true",
        help="typed-vs-dictated agreement on the untuned probe twins (ids ending -raw/-typed)",
    )
    args = ap.parse_args()

    from cleanclaim.reviewer import Reviewer

    reviewer = Reviewer(model=None)
    if args.probes:
        probe_agreement(reviewer, errors=args.errors)
        return
    notes = load(args.split)
    if args.typed_original:
        chosen = [n for n in notes if not n["id"].startswith(("dx-", "ch-"))]
        reviews = [reviewer.review(n["text"], n["id"]) for n in chosen]
        print_table(f"typed original notes, split {args.split}", [("all", score(chosen, reviews))])
        return

    dx = [n for n in notes if n["id"].startswith("dx-")]
    reviews = {n["id"]: reviewer.review(n["text"], n["id"]) for n in dx}
    raw = [n for n in dx if n.get("version") == "raw_dictation"]
    typed = [n for n in dx if n.get("version") == "typed"]
    rows = [("raw dictation: all", score(raw, [reviews[n["id"]] for n in raw]))]
    cats = sorted({c for n in raw for c in n.get("categories", [])})
    for cat in cats:
        sub = [n for n in raw if cat in n.get("categories", [])]
        rows.append((f"  {cat}", score(sub, [reviews[n["id"]] for n in sub])))
    rows.append(("typed twins", score(typed, [reviews[n["id"]] for n in typed])))
    print_table(f"dictation notes, split {args.split} (rules only)", rows)

    # typed-vs-dictated agreement of decision + gaps, per group with a typed twin
    by_group: dict[str, list[dict]] = defaultdict(list)
    for n in dx:
        by_group[n["group"]].append(n)
    agree = total = 0
    gold_agree = 0
    for _group, members in sorted(by_group.items()):
        tw = [m for m in members if m.get("version") == "typed"]
        rd = [m for m in members if m.get("version") == "raw_dictation"]
        for t in tw:
            for d in rd:
                total += 1
                agree += outcome(reviews[t["id"]]) == outcome(reviews[d["id"]])
                gold_agree += (t["claim_ready"], set(t.get("gaps", []))) == (
                    d["claim_ready"],
                    set(d.get("gaps", [])),
                )
    if total:
        print(
            f"\ntyped-vs-dictated agreement (decision + gaps): {agree}/{total} = {agree / total:.3f}"
            f"   (gold labels agree in {gold_agree}/{total})"
        )
    if args.errors:
        print("\nerrors (id: gold -> predicted)")
        for n in raw:
            r = reviews[n["id"]]
            g = (bool(n["claim_ready"]), sorted(set(n.get("gaps", [])) & set(gap_codes())))
            p = (bool(r.claim_ready), sorted(set(r.gap_codes) & set(gap_codes())))
            if g != p:
                print(f"  {n['id']}: {g} -> {p}")


def probe_agreement(reviewer, errors: bool = False) -> None:
    """Each probe file's raw/typed pairs of one group: how often the engine gives both the same
    decision and gaps, counted over the pairs whose gold labels agree (the raw text loses
    nothing), and over all pairs. ``errors``: list the pairs whose gold agrees and engine not.
    """
    missed: list[str] = []
    print("probe file           pairs  gold agree  engine agrees where gold agrees  engine agrees")
    totals = Counter()
    for path in sorted(PROBES.glob("dictation_*.jsonl")):
        groups: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                n = json.loads(line)
                for end in ("-raw", "-typed"):
                    if n["id"].endswith(end):
                        groups[n["group"]][end].append(n)
        c = Counter()
        for members in groups.values():
            for raw in members["-raw"]:
                for typed in members["-typed"]:
                    gold = (raw["claim_ready"], set(raw.get("gaps", []))) == (
                        typed["claim_ready"],
                        set(typed.get("gaps", [])),
                    )
                    heard = outcome(reviewer.review(raw["text"]))
                    read = outcome(reviewer.review(typed["text"]))
                    same = heard == read
                    if gold and not same:
                        truth = (bool(raw["claim_ready"]), frozenset(raw.get("gaps", [])))
                        missed.append(
                            f"  {raw['id']} / {typed['id']}: gold {_show(truth)}; raw "
                            f"{_show(heard)}, typed {_show(read)}"
                        )
                    c["pairs"] += 1
                    c["gold"] += gold
                    c["both"] += gold and same
                    c["same"] += same
        if c["pairs"]:
            print(
                f"{path.stem:<20} {c['pairs']:>5}  {c['gold']:>10}  {c['both']:>14}/{c['gold']:<17}"
                f"  {c['same']:>5}/{c['pairs']}"
            )
            totals.update(c)
    if totals["gold"]:
        print(
            f"all: engine agrees where gold agrees {totals['both']}/{totals['gold']} = "
            f"{totals['both'] / totals['gold']:.3f}; over all pairs {totals['same']}/{totals['pairs']}"
        )
    if errors and missed:
        print("\npairs whose gold labels agree and the engine's outcomes do not:")
        print("\n".join(missed))


def _show(result: tuple[bool, frozenset]) -> str:
    ready, gaps = result
    return ("ready" if ready else "not ready") + (f" {','.join(sorted(gaps))}" if gaps else "")


if __name__ == "__main__":
    main()
