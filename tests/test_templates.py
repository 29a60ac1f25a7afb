"""Issue 11 templates: checkbox fields, given/not-given boxes and charge lines."""

from __future__ import annotations

import pytest

HEAD = "Pernicious anemia (D51.0).\nMedication: cyanocobalamin 1000 mcg\n"
TAIL = "\nSite: L deltoid\nGiven by: K. Roe, RN at 10:05"


def _blocking(review) -> set[str]:
    return {g.code for g in review.gaps if g.blocking}


@pytest.mark.parametrize(
    ("field", "route"),
    [
        ("Route: [x] IM [ ] SC [ ] ID", "IM"),
        ("Route: [ ] IM [X] SC", "SC"),
        ("Route: ( ) IM (•) SC", "SC"),
        ("Route: ☒ IM ☐ SC", "IM"),
        ("Route: ☐ IM ☑ SC", "SC"),
        ("IM: Yes  SC: No", "IM"),
        ("IM: No   SC: Yes", "SC"),
        ("Route: IM [x]  SC [ ]", "IM"),
    ],
)
def test_only_the_checked_route_is_documented(reviewer, field, route):
    review = reviewer.review(HEAD + field + TAIL)
    assert "ROUTE_CONFLICT" not in review.gap_codes
    assert review.claim_ready is True, _blocking(review)
    assert review.administrations[0].route == route


@pytest.mark.parametrize(
    "field", ["Route: [ ] IM [ ] SC", "Route: ( ) IM ( ) SC", "IM: No  SC: No"]
)
def test_a_route_field_with_no_box_checked_is_route_missing(reviewer, field):
    review = reviewer.review(HEAD + field + TAIL)
    assert "ROUTE_MISSING" in _blocking(review)
    assert review.claim_ready is False


def test_only_the_checked_site_is_documented(reviewer):
    note = HEAD + "Route: IM\nSite: [ ] R deltoid [x] L deltoid\nGiven by: K. Roe, RN at 10:05"
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.administrations[0].site == "L deltoid"


@pytest.mark.parametrize(
    "box",
    [
        "Given: [ ] Yes [x] No - patient declined",
        "[ ] Administered  [x] Refused",
        "Injection given: ( ) yes (•) no, vial expired",
    ],
)
def test_a_checked_not_given_box_means_not_given(reviewer, box):
    review = reviewer.review(HEAD + "Route: IM" + TAIL + "\n" + box)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in review.gap_codes


def test_a_checked_given_box_stays_given(reviewer):
    review = reviewer.review(HEAD + "Route: IM" + TAIL + "\n[x] Given  [ ] Not given")
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "charges",
    [
        "Charges:\n96372 THER/PROPH/DIAG INJ SC/IM\nJ3420 VITAMIN B12 INJECTION",
        "CPT 96372 THER/PROPH/DIAG INJECTION SC/IM x1",
    ],
)
def test_charge_lines_are_not_documentation(reviewer, charges):
    ready = reviewer.review(HEAD + "Route: IM" + TAIL + "\n\n" + charges)
    assert ready.claim_ready is True
    assert "ROUTE_CONFLICT" not in ready.gap_codes
    # a charge line alone does not document an administration
    only = reviewer.review("Pernicious anemia (D51.0).\n" + charges)
    assert only.claim_ready is False
    assert only.injections == 0
