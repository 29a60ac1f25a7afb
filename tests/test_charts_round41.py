"""Round 41 (a random year of a family-medicine and women's-health network's charts, of an
academic centre's specialty clinics, and of primary-care, emergency and behavioural-health
dictation): short notes written for these tests, from untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- an amount or route the note plans ("first injections (600 mg) scheduled") records no act;
- an order's detail pasted with its order number is an order, and a status field with no box
  checked ("[ ] Administered [ ] Refused") records no dose;
- a dosing interval written "q12 wk", "q 12 weeks", "q12wks" or "every 8 weeks" is a regimen;
- "Kenalog vs Depo-Medrol per stock" names no drug; "NOT today" takes back "today";
- "no injection given today" holds even beside "a dose 2 days ago";
- a number cut off by "[inaudible]" is no amount; "next field" ends a dictated field; an
  addendum dictated after "new paragraph" is an addendum; "not given I V" says which route.
"""

from __future__ import annotations

import pytest

from assertions import blocking, given


@pytest.mark.parametrize(
    "plan",
    [
        "Plan to move him to Cabenuva; first IM gluteal injections (600 mg/900 mg) scheduled "
        "11/02 at the infusion suite once the plan approves. Not started today.",
        "Will switch to Invega Trinza: 410 mg IM deltoid booked for the 14th, after the "
        "prior authorization comes back.",
    ],
)
def test_a_planned_amount_and_route_record_no_act(reviewer, plan):
    review = reviewer.review(
        "ID clinic 10/21/2026. HIV-1 infection (B20), suppressed; schizophrenia (F20.9) "
        f"followed by psychiatry.\n{plan}\nTdap 0.5 mL IM L deltoid given by RN, lot K22."
    )
    assert review.claim_ready is False
    assert not [a for a in review.administrations if a.given and a.service_code == "96372"]


def test_a_pasted_order_with_an_unanswered_status_field_is_no_dose(reviewer):
    review = reviewer.review(
        "Order detail (printed 09/09/2026), Behavioral Health\n"
        "Order No. 4471902   Status: Active - released to nursing\n"
        "   fluphenazine decanoate 25 mg/mL, 37.5 mg IM every 3 weeks, deltoid. Dx: "
        "schizoaffective disorder (F25.9)\n\n"
        "LAI RECORD\n"
        "   Drug: fluphenazine decanoate 37.5 mg\n"
        "   [ ] Given    [ ] Declined    [ ] Held\n"
        "   Site: [ ] L deltoid  [ ] R deltoid\n"
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_a_status_field_answered_given_is_still_a_dose(reviewer):
    review = reviewer.review(
        "LAI RECORD 09/09/2026. Schizoaffective disorder (F25.9).\n"
        "   Drug: fluphenazine decanoate 37.5 mg IM\n"
        "   [x] Given    [ ] Declined    [ ] Held\n"
        "   Site: [x] L deltoid  [ ] R deltoid   RN: P. Okafor\n"
    )
    assert review.claim_ready is True


@pytest.mark.parametrize("interval", ["q12 wk", "q 12 weeks", "q12wks", "every 8 weeks"])
def test_a_dosing_interval_is_a_regimen_not_a_dose(reviewer, interval):
    review = reviewer.review(
        "Annual exam 03/03/2026. Contraception management (Z30.42).\n"
        f"Current method: medroxyprogesterone 150 mg IM {interval}, last shot 01/20.\n"
        "Pap sent. Return 03/31 for her next shot with the nurse."
    )
    assert review.claim_ready is False
    assert given(review, "medroxyprogesterone") == []


def test_two_drugs_weighed_against_each_other_name_no_drug(reviewer):
    review = reviewer.review(
        "Walk-in 01/09/2026. Acute exacerbation of COPD (J44.1).\n"
        "P: steroid injection 40 mg IM L upper outer buttock given today (Kenalog vs "
        "Depo-Medrol, whichever we have); azithromycin 500 mg PO daily x3."
    )
    assert review.claim_ready is False
    assert given(review, "triamcinolone_acetonide") == []


def test_not_today_takes_back_today(reviewer):
    review = reviewer.review(
        "RN visit 10/15/2026. Reason: flu vaccine. Influenza vaccine 0.5 mL IM R deltoid, lot "
        "AB12, VIS given. Dx Z23.\nNote: she gets B12 here monthly for pernicious anemia; next "
        "cyanocobalamin 1000 mcg IM due 10/30 - not today."
    )
    assert review.claim_ready is False
    assert given(review, "cyanocobalamin") == []


def test_no_injection_today_holds_beside_an_earlier_dose(reviewer):
    review = reviewer.review(
        "Walk-in 12/21/2026. Low back strain (S39.012A). Seen at Lakeview ED 12/19: got "
        "Toradol 60 mg IM there, better for a day.\nP: ketorolac not advisable with CKD 3b and "
        "a dose 2 days ago - no injection given today; acetaminophen 1 g PO TID, heat."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_a_number_cut_off_by_inaudible_is_no_amount(reviewer):
    review = reviewer.review(
        "nurse visit period schizophrenia comma here for his monthly shot period new paragraph "
        "gave Invega Sustenna two [inaudible] milligrams I M left deltoid at ten fifteen comma "
        "tolerated period"
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


def test_next_field_ends_a_dictated_field(reviewer):
    review = reviewer.review(
        "nurse injection note next field ordered by doctor Pham verbal order read back next "
        "field\nmedication Toradol next field\ndose sixty milligrams next field\nroute I M next "
        "field\nsite left gluteus next field\nreason acute low back pain next field"
    )
    assert given(review, "ketorolac")
    assert review.claim_ready is True


def test_a_dictated_correction_addendum_and_not_given_iv(reviewer):
    review = reviewer.review(
        "assessment gonococcal urethritis period we gave Rocephin five hundred milligrams I V "
        "period new paragraph addendum colon correction to the above comma the Rocephin was "
        "given I M in the right ventrogluteal by nurse Ames comma it was not given I V comma "
        "there was no line period"
    )
    assert given(review, "ceftriaxone")
    assert review.status != "no_injection"
