"""Round 39: short notes written for these tests, from untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- an attending's or nurse's addendum ("ATTENDING ADDENDUM:", "attending addendum colon") that
  corrects or changes the resident's route replaces it; one that cancels the resident's amount
  removes it, so a new amount lost to "[inaudible]" leaves the dose missing;
- "he had injected his own insulin ... in the parking lot" is a dose before the visit;
- a brand with its generic name in brackets and then the amount ("Sandostatin LAR Depot
  (octreotide) 20 mg kit") is one drug, whose routes may then conflict.
"""

from __future__ import annotations

import pytest

from assertions import blocking


@pytest.mark.parametrize(
    "addendum",
    [
        "ATTENDING ADDENDUM: I was present. Correction to the resident's note: the injection was "
        "given IM in the right deltoid, not subcutaneous.",
        "Attending addendum: I agree with the plan except the route. Change to deep IM, right "
        "deltoid; not to be given SQ here.",
    ],
)
def test_an_attendings_addendum_replaces_the_residents_route(reviewer, addendum):
    review = reviewer.review(
        "Women's health resident clinic. Here for contraception (Z30.42), due for her "
        "Depo-Provera; urine hCG negative.\nProcedure: Depo-Provera 150 mg given SQ left "
        f"deltoid, tolerated.\n\n{addendum}"
    )
    assert review.claim_ready is True
    assert "ROUTE_CONFLICT" not in blocking(review)


@pytest.mark.parametrize(
    "changed",
    [
        "change the haloperidol dose to [inaudible] milligrams given the prolonged QTc. The "
        "five milligram order is cancelled.",
        "reduce the dose to [inaudible]; the 5 mg order is canceled.",
    ],
)
def test_an_amount_the_attending_cancels_is_not_the_dose(reviewer, changed):
    review = reviewer.review(
        "Psychiatric emergency, teaching team. Acute agitation in schizophrenia, declined oral "
        "medication.\nplan colon haloperidol five milligrams I M now for agitation period\n"
        f"attending addendum colon I saw the patient in person. I agree with IM treatment but "
        f"{changed}\nnursing colon haldol dose per attending given I M left deltoid at 22:15."
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


@pytest.mark.parametrize(
    "before",
    [
        "he had injected his own insulin lispro 12 units subcutaneously in the left abdomen in "
        "the parking lot about forty minutes before the visit",
        "she has already given herself insulin aspart 8 units SC in the car before coming in",
    ],
)
def test_a_dose_the_patient_injected_before_the_visit_is_not_this_encounters(reviewer, before):
    review = reviewer.review(
        "Resident diabetes clinic. Type 2 diabetes with hyperglycemia (E11.65), ran out of "
        "glargine.\nPlan: regular insulin 10 units SQ now.\nAttending addendum: on my "
        f"questioning {before}. To avoid stacking, the regular insulin order is cancelled.\n"
        "Nurse addendum: regular insulin not given per attending."
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


def test_a_brand_with_its_generic_in_brackets_is_one_drug(reviewer):
    review = reviewer.review(
        "----- NURSING DOCUMENTATION -----\nMed admin:\n  Drug:    Sandostatin LAR Depot "
        "(octreotide) 20 mg kit\n  Route:   Subcutaneous\n  Site:    L gluteal\n  Time:    "
        "09:40\n\n----- PROVIDER NOTE -----\nAcromegaly (E22.0). Today received octreotide LAR "
        "20 mg IM, L glute, by nursing."
    )
    assert review.claim_ready is False
    assert "ROUTE_CONFLICT" in blocking(review)
    assert len([a for a in review.administrations if a.given]) == 1
