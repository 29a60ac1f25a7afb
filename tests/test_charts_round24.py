"""Round 24: notes written for these tests, from the untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings, and each with a note
where it must not fire.

- a relative's cue stops at a semicolon before the administration that follows it ("daughter
  usually administers; given by RN today IM"), but a diagnosis after a semicolon in a family
  history stays the family's ("Family history: mother with diabetes; hypertension").
"""

from __future__ import annotations

import pytest

from assertions import blocking


@pytest.mark.parametrize(
    "aside",
    [
        "Note: daughter usually administers; given by RN today IM into the abdominal wall.",
        "Husband normally gives these at home; today injected by clinic nurse IM, abdomen.",
        "Her son does the shots most weeks; this one given by me IM in the abdomen.",
    ],
)
def test_a_relatives_cue_stops_at_a_semicolon_before_todays_route(reviewer, aside):
    note = (
        "Anticoagulation clinic injection record.\n"
        "Dx: acute DVT of the left popliteal vein (I82.432), bridging to warfarin.\n"
        "Enoxaparin 80 mg   Route: SQ   Site: LLQ abdomen\n"
        f"{aside}\n"
        "INR recheck Thursday.\n"
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" in blocking(review)
    assert not review.claim_ready


def test_a_relatives_cue_still_holds_within_its_clause(reviewer):
    note = (
        "Anticoagulation clinic. Acute DVT of the left popliteal vein (I82.432).\n"
        "Enoxaparin 80 mg SQ LLQ abdomen given by RN today.\n"
        "Teaching: daughter will give it IM at home if the nurse is away, corrected to SQ.\n"
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in blocking(review)


@pytest.mark.parametrize(
    "history",
    [
        "Family history: mother with pernicious anemia; pernicious anemia in a sister too.",
        "FH: father - pernicious anemia; B12 deficiency.",
    ],
)
def test_a_family_diagnosis_after_a_semicolon_stays_the_familys(reviewer, history):
    note = (
        "Nurse visit. Fatigue.\n"
        f"{history}\n"
        "Procedure: cyanocobalamin 1000 mcg IM given L deltoid. Tolerated well.\n"
    )
    review = reviewer.review(note)
    assert not review.claim_ready
    assert {"DX_MISSING", "DX_NOT_SUPPORTED"} & set(blocking(review))
