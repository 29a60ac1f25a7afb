"""Round 22: notes written for these tests, from the untuned probe notes of ``charts_z`` and
``dictation_z`` (a month's pre-billing worklist) and ``charts_y`` that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings, and each with a note
where it must not fire.

- "would rather skip it", "the drawn-up dose was wasted" say nothing was given;
- "Next injection due in 4 weeks" closes a nurse visit whose dose was given: no plan for today;
- "from a telehealth visit" in the history does not make an office visit a telehealth one;
- a header in capitals with an aside ("CURRENT MEDICATIONS (reconciled today)") heads its list;
- a comma-separated export row is read cell by cell, and its "NOT GIVEN" action cell under a
  header row says the dose was not given;
- round 23 (``charts_aa``): a MAR status code that the export's legend says means refused or
  held ("Status key: G = given, R = refused") was not given; a dose given by EMS or by a
  roommate before arrival is not the ED's.
"""

from __future__ import annotations

import pytest

from assertions import blocking
from assertions import given_drugs as given


@pytest.mark.parametrize(
    "refusal",
    [
        "He would rather skip it and walked out before checkout.",
        "She decided to forgo the shot after we talked; drawn-up dose wasted per policy.",
        "Prepared syringe discarded; patient preferred to pass on it today.",
    ],
)
def test_a_dose_drawn_up_and_skipped_was_not_given(reviewer, refusal):
    note = (
        "Urgent care. Acute low back strain (S39.012A).\n"
        "Plan/Orders: ketorolac 60 mg IM x1; cyclobenzaprine 5 mg PO qhs.\n"
        f"Nursing 14:55 - Toradol drawn up and explained. {refusal}\n"
    )
    review = reviewer.review(note)
    assert "ketorolac" not in given(review)
    assert not review.claim_ready


def test_skipping_another_drug_leaves_the_dose_given(reviewer):
    note = (
        "Urgent care. Acute low back strain (S39.012A). Ketorolac 60 mg IM R gluteal given at "
        "14:55 by RN Castillo. He would rather skip the muscle relaxer; ibuprofen at home instead."
    )
    review = reviewer.review(note)
    assert given(review) == ["ketorolac"]


@pytest.mark.parametrize(
    "closing",
    [
        "Next injection due in 4 weeks.",
        "Next dose scheduled for 06/14.",
        "Following shot due on 7/1.",
    ],
)
def test_the_next_dose_due_closes_a_visit_whose_dose_was_given(reviewer, closing):
    note = (
        "NURSE VISIT - B12\n"
        "Cyanocobalamin 1,000 mcg/1 mL IM, L deltoid. Lot 447R2, exp 08/27.\n"
        "Dx: Pernicious anemia (D51.0). Standing order Dr. Lindqvist.\n"
        f"No reaction after 10 min observation. {closing}\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready, review.gap_codes


def test_an_injection_due_for_a_later_visit_is_still_a_plan(reviewer):
    note = "B12 deficiency (E53.8). Cyanocobalamin 1000 mcg IM: injection due on Friday with the nurse."
    assert "cyanocobalamin" not in given(reviewer.review(note))


def test_a_telehealth_visit_told_in_the_history_is_not_this_visits_type(reviewer):
    note = (
        "PEDIATRIC SICK VISIT   11/28/2024\n"
        "Subjective: ear pain; started amoxicillin on 11/24 from a telehealth visit, vomits it.\n"
        "Assessment: acute suppurative otitis media, right (H66.001).\n"
        "Plan: ceftriaxone 750 mg IM administered today at 14:10 by RN, observed 30 min.\n"
    )
    review = reviewer.review(note)
    assert review.note_type == "office_visit"
    assert given(review) == ["ceftriaxone"]


def test_a_telehealth_visit_is_still_one(reviewer):
    note = (
        "TELEHEALTH VISIT (video)\nHypogonadism (E29.1). He injects testosterone cypionate 100 mg "
        "IM weekly at home; last dose yesterday.\n"
    )
    review = reviewer.review(note)
    assert review.note_type == "telehealth"
    assert not review.claim_ready


def test_a_header_in_capitals_with_an_aside_heads_its_list(reviewer):
    note = (
        "RHEUMATOLOGY FOLLOW-UP   DOS 10/29/2024\n"
        "CURRENT MEDICATIONS (reconciled today)\n"
        "  adalimumab 40 mg/0.4 mL pen - inject 40 mg SC every 14 days (self)\n"
        "  methotrexate 2.5 mg tab - 6 tabs PO weekly\n"
        "A/P\n"
        "Psoriatic arthritis (L40.50), well controlled. Continue above.\n"
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert not review.claim_ready


CSV_NOTE = (
    "NURSE VISIT NOTE   11/13/2024 10:05\n"
    "Reason: monthly vitamin B12 for B12 deficiency (E53.8).\n"
    "Narrative: B12 1000 mcg given {narrative_route} to the L deltoid, tolerated.\n"
    "eMAR export:\n"
    "date,time,drug,dose,unit,route,site,nurse\n"
    "2024-11-13,10:02,cyanocobalamin,1000,mcg,IM,L deltoid,ABR\n"
)


def test_a_comma_separated_row_is_read_cell_by_cell(reviewer):
    review = reviewer.review(CSV_NOTE.format(narrative_route="SQ"))
    assert "ROUTE_CONFLICT" in blocking(review)


def test_a_comma_separated_row_that_agrees_is_ready(reviewer):
    review = reviewer.review(CSV_NOTE.format(narrative_route="IM"))
    assert review.claim_ready, review.gap_codes


def test_a_comma_separated_row_marked_not_given_gives_nothing(reviewer):
    note = (
        "MEDICATION ADMINISTRATION RECORD - clinic eMAR export\n"
        "Order: medroxyprogesterone acetate 150 mg IM every 12 weeks | contraception (Z30.42)\n"
        "SCHEDULED,MEDICATION,DOSE,ROUTE,SITE,ACTION,REASON,USER\n"
        '2025-03-02 09:00,medroxyprogesterone acetate,150 mg,IM,,NOT GIVEN,"no stock, reordered",JLEE\n'
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert "NOT_ADMINISTERED" in blocking(review)


def test_thousands_in_a_dose_stay_one_number(reviewer):
    note = "Pernicious anemia (D51.0). Cyanocobalamin 1,000 mcg IM L deltoid given by RN Obi."
    (adm,) = [a for a in reviewer.review(note).administrations if a.given]
    assert adm.dose == "1,000 mcg"


LEGEND_MAR = (
    "SNF eMAR EXPORT   Period: 03/01/2024-03/07/2024\n"
    "Dx list: vitamin B12 deficiency (E53.8)\n"
    "Order | Sched | Date | Time | Status | Initials\n"
    "cyanocobalamin 1000 mcg/mL, 1 mL IM q month (E53.8) | 03/04 0900 | 03/04/24 | 0915 | {code} | JO\n"
    "Status key: G = given, R = refused, H = held, NA = not available\n"
)


@pytest.mark.parametrize("code", ["R", "H"])
def test_a_status_code_the_legend_says_is_not_given(reviewer, code):
    review = reviewer.review(LEGEND_MAR.format(code=code))
    assert given(review) == []
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_status_code_the_legend_says_is_given(reviewer):
    review = reviewer.review(LEGEND_MAR.format(code="G"))
    assert given(review) == ["cyanocobalamin"]


@pytest.mark.parametrize(
    "before",
    [
        "EMS (Medic 14): epinephrine 0.3 mg IM L thigh at 19:25 for wheeze.",
        "Paramedics gave epinephrine 0.3 mg IM in the thigh at 19:25.",
        "Roommate used his epinephrine auto-injector 0.3 mg IM R thigh at 19:12.",
    ],
)
def test_a_dose_given_before_arrival_is_not_the_eds(reviewer, before):
    note = (
        "ED Physician Record. Anaphylaxis due to peanuts (T78.01XA).\n"
        f"HPI: {before}\n"
        "ED meds: diphenhydramine 50 mg IV push, famotidine 20 mg IV push.\n"
        "No further epinephrine needed in the ED.\n"
    )
    review = reviewer.review(note)
    assert "epinephrine" not in given(review)
    assert not review.claim_ready


def test_epinephrine_given_in_the_ed_is_the_eds(reviewer):
    note = (
        "ED Physician Record. Anaphylaxis due to peanuts (T78.01XA). Arrived by EMS.\n"
        "ED meds: epinephrine 0.3 mg IM L thigh at 19:55 by RN Sato.\n"
    )
    assert given(reviewer.review(note)) == ["epinephrine"]


def test_a_query_mark_on_a_diagnosis_makes_it_uncertain(reviewer):
    note = (
        "ENDOCRINOLOGY CONSULTATION. Reason for consult: ?low testosterone.\n"
        "Assessment: fatigue and decreased libido; eugonadal on two AM levels; hypogonadism not "
        "established.\n"
        "Today: testosterone cypionate 200 mg IM R gluteus administered by RN (own vial).\n"
    )
    review = reviewer.review(note)
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_a_question_that_ends_a_sentence_still_ends_it(reviewer):
    note = "Is she due for her B12? Yes. Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given by RN Obi."
    assert reviewer.review(note).claim_ready
