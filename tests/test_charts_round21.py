"""Round 21: notes written for these tests, from the untuned probe notes of ``charts_y`` (long
notes of every kind a health system exports) that were called ready by mistake (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings, and each with a note
where it must not fire.

- a drug named as a laboratory value ("B12 level drawn today", "total testosterone of 212") is
  no administration;
- an exported patient-portal message thread records no visit;
- "her next Depo-Provera 150 mg IM is due", "we can start testosterone ...", "Await ...
  testosterone x2", "she opted out" are no doses given; "may repeat x1" in a medication list is a
  sig, not a dose given;
- a dose used at home yesterday, or given at another clinic "last fall", is an earlier one, also
  when the sentence wraps onto the next line;
- a header alone on its line in capitals ("HOME MEDICATIONS") heads its section.
"""

from __future__ import annotations

import pytest

from assertions import blocking
from assertions import given_drugs as given


@pytest.mark.parametrize(
    "lab",
    [
        "B12 level drawn today",
        "vitamin B12 levels rechecked today",
        "serum B12 level resulted today",
    ],
)
def test_a_drug_named_as_a_lab_value_is_no_dose_given(reviewer, lab):
    note = (
        "Office visit 04/02/2025. Pernicious anemia (D51.0): CBC, "
        f"{lab}.\n\n"
        "--- copied forward from the 03/03/2025 note ---\n"
        "Cyanocobalamin 1000 mcg IM L deltoid given by RN Obi.\n"
        "Plan: nurse visit next week for the monthly shot.\n"
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_lab_value_beside_a_dose_given_leaves_the_dose(reviewer):
    note = (
        "Nurse visit. Pernicious anemia (D51.0). B12 level 180 last month. Cyanocobalamin 1000 mcg "
        "IM R deltoid given today by RN Obi; recheck B12 level in 3 months."
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]
    assert review.claim_ready, review.gap_codes


@pytest.mark.parametrize(
    "header",
    [
        "Patient Portal Message Thread (exported)",
        "MyChart Message",
        "Secure message - OB/GYN nurse line",
    ],
)
def test_an_exported_portal_message_records_no_visit(reviewer, header):
    note = (
        f"{header}\n"
        "From: patient   Sent: 02/10/2025\n"
        "Is it time for my shot? My last one was in November.\n"
        "From: RN Haldane   Sent: 02/11/2025\n"
        "Yes - your Depo-Provera 150 mg IM is due now. I booked you for 02/14 at 9:00.\n"
        "Reason on order: contraceptive management (Z30.42).\n"
    )
    review = reviewer.review(note)
    assert review.note_type == "letter_other"
    assert not review.claim_ready


def test_an_office_note_that_mentions_a_message_stays_an_office_visit(reviewer):
    note = (
        "Office visit. She sent a MyChart message last week about fatigue.\n"
        "B12 deficiency (E53.8). Cyanocobalamin 1000 mcg IM L deltoid given by RN Obi today.\n"
    )
    review = reviewer.review(note)
    assert review.note_type != "letter_other"
    assert review.claim_ready, review.gap_codes


@pytest.mark.parametrize(
    "plan",
    [
        "Her next Depo-Provera 150 mg IM is due between 05/20 and 06/03.",
        "If the repeat level is low we can start testosterone cypionate 100 mg IM weekly.",
        "Await confirmatory morning testosterone x2 before any therapy.",
        "Cyanocobalamin 1000 mcg IM was scheduled for today - after we talked it over she opted "
        "out, and we will switch to oral B12.",
    ],
)
def test_plans_and_refusals_give_no_dose(reviewer, plan):
    note = f"Follow-up visit 05/02/2025. Hypogonadism vs B12 deficiency (E53.8). {plan}"
    review = reviewer.review(note)
    assert given(review) == []
    assert not review.claim_ready


def test_she_opted_out_of_one_drug_leaves_the_other_given(reviewer):
    note = (
        "Migraine without aura (G43.009). Ketorolac 30 mg IM L deltoid given at 10:05 by RN Obi. "
        "Flu vaccine offered; she opted out of it."
    )
    review = reviewer.review(note)
    assert given(review) == ["ketorolac"]
    assert review.claim_ready, review.gap_codes


def test_a_sig_that_may_repeat_x1_is_no_dose_given(reviewer):
    note = (
        "ED NOTE   Date of service: 03/03/2025\n"
        "HOME MEDICATIONS\n"
        "- sumatriptan 6 mg/0.5 mL autoinjector, inject SC at onset, may repeat x1 in 24 h\n"
        "- propranolol ER 80 mg PO daily\n"
        "ED COURSE: metoclopramide 10 mg IV and ketorolac 15 mg IV push given.\n"
        "IMPRESSION: Migraine without aura (G43.009).\n"
    )
    review = reviewer.review(note)
    assert "sumatriptan" not in given(review)
    assert not review.claim_ready


@pytest.mark.parametrize(
    "history",
    [
        "Used her sumatriptan autoinjector 6 mg in the thigh at home yesterday at 22:00.",
        "She injected sumatriptan 6 mg SC last night with partial relief.",
        "He was given one sumatriptan injection at an outside urgent\ncare last fall, 6 mg SC.",
    ],
)
def test_a_dose_used_earlier_elsewhere_is_not_this_visits(reviewer, history):
    note = (
        "Neurology visit 03/03/2025. Chronic migraine (G43.709).\n"
        f"HPI: {history}\n"
        "Plan: continue topiramate 50 mg PO BID; follow up 3 months.\n"
    )
    review = reviewer.review(note)
    assert given(review) == []


def test_a_header_in_capitals_without_its_colon_heads_its_list(reviewer):
    note = (
        "CLINIC NOTE\n"
        "CURRENT MEDICATIONS\n"
        "- cyanocobalamin 1000 mcg IM monthly (last given 01/15)\n"
        "ASSESSMENT\n"
        "B12 deficiency (E53.8), stable.\n"
    )
    review = reviewer.review(note)
    (drug,) = [e for e in review.entities if e.label == "DRUG"]
    assert drug.section == "medications"
    assert given(review) == []


def test_a_sentence_in_capitals_is_no_header(reviewer):
    note = "PATIENT TOLERATED WELL\nB12 deficiency (E53.8). Cyanocobalamin 1000 mcg IM R deltoid given by RN Obi."
    review = reviewer.review(note)
    assert review.claim_ready, review.gap_codes
