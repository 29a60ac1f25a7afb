"""The Hyperscan screen: it only ever skips patterns that cannot match, never changes a match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from cleanclaim import resources as res
from cleanclaim.pipeline import screen
from cleanclaim.pipeline.screen import PatternSet

NOTES = [
    "Nurse visit. B12 1000 mcg IM given in the left deltoid for pernicious anemia. Tolerated well.",
    "Pt left before the injection. No injection given today; will return Friday for the shot.",
    "PLAN: steroid shot next visit.\nRoute: [x] IM [ ] SC\nInjection given: declined",
    "Addendum: correction - route was SC, not IM.\n\nADMINISTRATION:\nKetorolac 60 mg IM R glute",
    "HOSPITAL COURSE: admitted to the medicine service; ceftriaxone 1 g IV daily.",
    "Toradol 60 mg IM given – patient refused the second dose • follow up prn",  # non-ASCII
    "Injection not given: stock expired.\x1cNo meds given",  # an odd ASCII separator
    "",
]


def _plain(patterns, text):
    return [(m.start(), m.end(), m.group(0)) for p in patterns for m in p.finditer(text)]


@pytest.mark.parametrize(
    "field",
    ["nothing_given", "future_injection", "class_words", "all_given", "addendum_headers"],
)
def test_matches_are_those_of_every_pattern(field):
    patterns = [regex.compile(p, regex.I | regex.M) for p in getattr(res.settings(), field)]
    screened = PatternSet(patterns, f"test-{field}")
    for text in NOTES:
        got = [(m.start(), m.end(), m.group(0)) for m in screened.finditer(text)]
        assert got == _plain(patterns, text)


@pytest.mark.skipif(screen.re2 is None, reason="RE2 not installed")
def test_a_note_without_the_words_is_searched_by_no_pattern():
    patterns = [regex.compile(p, regex.I | regex.M) for p in res.settings().nothing_given]
    screened = PatternSet(patterns, "test-nothing")
    note = "Follow-up for hypertension. BP 128/80. Continue lisinopril. Return in 3 months."
    assert screened.candidates(note) == []
    hit = "Patient eloped before the injection could be given."
    kept = screened.candidates(hit)
    assert 0 < len(kept) < len(patterns)
    assert any(p.search(hit) for p in kept)


@pytest.mark.skipif(screen.re2 is None, reason="RE2 not installed")
def test_patterns_the_engines_read_differently_are_always_searched():
    fuzzy = regex.compile(r"\b(?:injection){e<=1}\b", regex.I)  # regex's fuzzy match
    branch_reset = regex.compile(r"\b(?|shot|jab)\b", regex.I)  # regex-only syntax
    verbose = regex.compile(r"\b no \s shots \b", regex.I | regex.X)  # a flag not screened
    plain = regex.compile(r"\bzzyzx\b", regex.I)
    screened = PatternSet([fuzzy, branch_reset, verbose, plain], "test-unportable")
    note = "Injecton given. One jab today. no shots"
    assert screened.candidates(note) == [fuzzy, branch_reset, verbose]
    assert [m.group(0) for m in screened.finditer(note)] == ["Injecton", "jab", "no shots"]


def test_non_ascii_notes_are_searched_by_every_pattern():
    patterns = [regex.compile(r"\bno shots\b", regex.I), regex.compile(r"\bKelvin\b", regex.I)]
    screened = PatternSet(patterns, "test-unicode")
    # U+212A KELVIN SIGN folds to "k": regex matches it, a byte-level engine may not
    note = "\u212aelvin scale; no shots"
    assert screened.candidates(note) == patterns
    assert [m.group(0) for m in screened.finditer(note)] == ["no shots", "\u212aelvin"]


@pytest.fixture(scope="module")
def rule_sets(reviewer):
    sets = [s for s in PatternSet.instances if s.name.startswith("setting-")]
    assert len(sets) >= 10
    return sets


def test_no_match_is_lost_on_the_corpus(rule_sets):
    # every labelled note, its first 400 characters (note titles are searched there) and its
    # lines (cues are searched in clauses)
    corpus = Path(__file__).resolve().parents[1] / "annotations" / "corpus.jsonl"
    for note in map(json.loads, corpus.read_text(encoding="utf-8").splitlines()):
        for piece in (note["text"], note["text"][:400], *note["text"].splitlines()):
            for s in rule_sets:
                assert s.missed(piece) == [], (note["id"], s.name)
                assert s.wrong(piece) == [], (note["id"], s.name)


def test_no_match_is_lost_on_a_long_hostile_note(rule_sets):
    words = [
        "SURGERY:", "Premedications:", "no", "injection", "given", "return", "for", "the",
        "shot", "next", "visit", "steroid", "declined", "MAR", "Addendum:", "left", "before",
        "dose", "x1", "IM", "\n", " ", "\n\n", "  ", "order", "placed", "today:", "nothing",
    ]  # fmt: skip
    import random

    rnd = random.Random(7)
    note = " ".join(rnd.choice(words) for _ in range(30_000))
    for s in rule_sets:
        assert s.missed(note) == [], s.name
        assert s.wrong(note) == [], s.name
