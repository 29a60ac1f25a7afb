"""The example notes in examples/ keep their hand-checked outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_note_matches_expected_outcome(reviewer, name):
    expected = EXPECTED[name]
    review = reviewer.review((EXAMPLES / "notes" / name).read_text(), name)
    assert review.claim_ready is expected["claim_ready"]
    assert review.service_code == expected["service_code"]
    assert review.injections == expected["injections"]
    assert sorted({g.code for g in review.blocking_gaps}) == expected["blocking"]
    assert any(g.code == "SITE_MISSING" for g in review.gaps) is expected["site_missing"]
    assert list(review.icd10[:1]) == expected["icd10_includes"]
    assert [[a.hcpcs, a.units] for a in review.administrations if a.counts_as_96372] == expected[
        "hcpcs"
    ]


def test_every_example_note_has_an_expectation():
    assert {p.name for p in (EXAMPLES / "notes").glob("*.txt")} == set(EXPECTED)
