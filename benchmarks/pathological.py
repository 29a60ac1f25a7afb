"""Worst-case notes: time of ``Reviewer().review`` at n and 2n characters, per pathological pattern.

Each pattern repeats a unit (an administration sentence, a checkbox run, a table row, a run of
one punctuation character, ...) up to a size; every stage should be linear in note length, so the
growth ratio t(2n)/t(n) should stay near 2 (4 means quadratic). Sizes double from ``--min-chars``
up to ``--max-chars`` (default 12,500 → 200,000, the documented limit); a pattern stops doubling
once a review takes longer than ``--cap`` seconds. Times are the best of ``--repeat`` runs, after
a warm-up review. ``--small`` is the CI size (10,000 → 20,000, best of 3).

    python benchmarks/pathological.py                       # full sizes
    python benchmarks/pathological.py --small               # CI
    python benchmarks/pathological.py --only parens checkbox --max-chars 50000
    python benchmarks/pathological.py --profile checkbox --max-chars 20000   # cProfile, top 30

The patterns are in :data:`PATTERNS` (tests/test_linear_time.py uses them too).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

ADMIN = "Ketorolac 60 mg IM given in the right gluteus for renal colic by RN, tolerated well. "


def repeat(unit: str) -> Callable[[int], str]:
    """A note of ``n`` characters: ``unit`` repeated (the last copy cut)."""

    def make(n: int) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return make


def tail(head: str, fill: str) -> Callable[[int], str]:
    """``head`` followed by ``fill`` repeated up to ``n`` characters."""

    def make(n: int) -> str:
        return head + (fill * ((n - len(head)) // len(fill) + 1))[: max(0, n - len(head))]

    return make


#: name → (what it is, note of n characters).
PATTERNS: dict[str, tuple[str, Callable[[int], str]]] = {
    "admin": ("dense repeated administration sentence", repeat(ADMIN)),
    "checkbox": ("checkbox runs [ ] SC [ ] IM", repeat("[ ] SC [ ] IM [x] IV [ ] ID ")),
    "whitespace": ("one sentence then spaces and newlines", tail(ADMIN, "  \n \n\t ")),
    "parens": ("a long run of (", tail(ADMIN, "(")),
    "negated": ("repeated negated administrations", repeat("no ketorolac 60 mg IM, ")),
    "table": ("table rows with pipes", repeat("| ketorolac | 60 mg | IM | R gluteal | RN |\n")),
    "list": ("a long list of drugs", repeat("- ceftriaxone 500 mg IM L deltoid\n")),
    "words": ("one word repeated", repeat("injection ")),
    "brackets": ("runs of mixed brackets", tail(ADMIN, "[{<(")),
    "close_parens": ("a long run of )", tail(ADMIN, ")")),
    "dots": ("a long run of .", tail(ADMIN, ".")),
    "dashes": ("a long run of -", tail(ADMIN, "-")),
    "token": ("one very long token", tail(ADMIN, "x")),
    "nospace": ("a long line without spaces", repeat("ketorolac60mgIMrightgluteal,")),
    "digits": ("a long run of digits and slashes", tail(ADMIN, "12/")),
    "headers": ("repeated section headers", repeat("Medications:\nAssessment:\nPlan:\n")),
    "fields": ("repeated blank template fields", repeat("Route: ___   Dose: N/A   Site:\n")),
    "dictation": (
        "repeated dictation number words",
        repeat("sixty milligrams of toradol intramuscular one two three "),
    ),
    "unicode": ("mixed scripts, emoji, combining marks", repeat("Kétorolac 60 mg IM 💉 注射 ё́ ")),
    "dx_codes": ("repeated ICD-10 codes", repeat("D51.0 E29.1 Z30.013 ")),
    "colons": ("field names without values", repeat("Route:Dose:Site:Drug:")),
    "given_not": ("given / not given alternating", repeat("given not given no IM SC ")),
    "blank_head": (
        "blank lines before the first sentence",
        lambda n: "\n" * max(0, n - 80) + ADMIN[:80],
    ),
    "dos_label": ("a date-of-service label then spaces", tail("Visit note. DOS", " \t")),
}


def timed(review: Callable[[str], object], text: str, runs: int) -> float:
    """Best of ``runs`` wall-clock seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        review(text)
        best = min(best, time.perf_counter() - start)
    return best


def sizes(lo: int, hi: int) -> list[int]:
    out = []
    n = hi
    while n >= lo:
        out.append(n)
        n //= 2
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-chars", type=int, default=12_500)
    ap.add_argument("--max-chars", type=int, default=200_000)
    ap.add_argument("--cap", type=float, default=30.0, help="stop doubling past this many seconds")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--small", action="store_true", help="CI sizes: 10,000 → 20,000, best of 3")
    ap.add_argument("--only", nargs="*", choices=sorted(PATTERNS))
    ap.add_argument("--profile", choices=sorted(PATTERNS), help="cProfile one review at max size")
    ap.add_argument("--model", action="store_true", help="also run the shipped classifier")
    args = ap.parse_args()
    if args.small:
        args.min_chars, args.max_chars, args.repeat = 10_000, 20_000, 3
    import cleanclaim

    reviewer = cleanclaim.Reviewer(model="default" if args.model else None)
    reviewer.review(ADMIN * 3)  # warm-up
    if args.profile:
        import cProfile
        import pstats

        text = PATTERNS[args.profile][1](args.max_chars)
        prof = cProfile.Profile()
        prof.enable()
        reviewer.review(text)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        return
    ladder = sizes(args.min_chars, args.max_chars)
    print(f"{'pattern':<13} " + " ".join(f"{n:>9,}" for n in ladder) + "   t(2n)/t(n)")
    worst = 0.0
    for name in args.only or PATTERNS:
        make = PATTERNS[name][1]
        times: list[float] = []
        for n in ladder:
            if times and times[-1] > args.cap:
                break
            times.append(timed(reviewer.review, make(n), args.repeat))
        worst = max(worst, times[-1]) if len(times) == len(ladder) else float("inf")
        cells = [f"{t:>8.2f}s" for t in times] + [f"{'-':>9}"] * (len(ladder) - len(times))
        ratio = f"{times[-1] / times[-2]:.2f}" if len(times) > 1 and times[-2] > 0 else "-"
        print(f"{name:<13} " + " ".join(cells) + f"   {ratio:>5}", flush=True)
    print(f"slowest at {ladder[-1]:,} characters: {worst:.2f} s")


if __name__ == "__main__":
    main()
