"""Round 44 (a random year of a regional health system's clinics, small independent practices,
and a primary-care network's and specialists' dictation): short notes written for these tests,
from untuned probe notes that went wrong (now in ``annotations/raw/probe_tuned.jsonl``), each
category with other wordings, and notes that must stay as they are.

- a status field under an injection record's line ("Status: ** HELD **") answers for its drug;
- "(8 wk ago) she got Toradol 60 mg IM": the dose of that visit;
- "pressure held" after an injection holds no dose;
- "no lab-confirmed hypogonadism", "no confirmed B12 deficiency" support nothing;
- a dictated clock time ("at eleven oh six") records a dose given, whose unheard route is missing;
- "question hypogonadism" is a question, "questions about B12" are not.
"""

from __future__ import annotations

import pytest

from assertions import blocking, given


def test_a_held_status_under_the_record_line_is_no_dose(reviewer):
    review = reviewer.review(
        "Addiction medicine visit. Opioid use disorder (F11.20).\n"
        "INJECTION RECORD:\n"
        "  Drug: Vivitrol 380 mg   Route: IM   Site: L gluteal   Time: ____\n"
        "  Status: ** HELD ** - UDS positive for fentanyl today.\n"
        "Plan: repeat UDS next week."
    )
    assert review.claim_ready is False
    assert given(review, "naltrexone_extended_release") == []


def test_a_given_status_under_the_record_line_is_a_dose(reviewer):
    review = reviewer.review(
        "Addiction medicine visit. Opioid use disorder (F11.20).\n"
        "INJECTION RECORD:\n"
        "  Drug: Vivitrol 380 mg   Route: IM   Site: L gluteal   Time: 10:20\n"
        "  Status: given by RN, tolerated.\n"
    )
    assert review.claim_ready is True


def test_a_dose_weeks_ago_in_brackets_is_that_visits(reviewer):
    review = reviewer.review(
        "Procedure note. Primary osteoarthritis R knee (M17.11). Last visit (6 wk ago) he got "
        "Toradol 60 mg IM for a flare.\nProcedure: R knee intra-articular injection, "
        "triamcinolone 40 mg with 4 mL 1% lidocaine. No complications."
    )
    assert review.claim_ready is False
    assert given(review, "ketorolac") == []


def test_pressure_held_holds_no_dose(reviewer):
    review = reviewer.review(
        "Nurse visit. Contraception (Z30.42). Medroxyprogesterone 150 mg IM R deltoid given, "
        "pressure held, band-aid applied. Next due in 12 weeks."
    )
    assert given(review, "medroxyprogesterone")
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "finding",
    ["no lab-confirmed hypogonadism", "no biopsy-proven disease, no confirmed hypogonadism"],
)
def test_no_confirmed_diagnosis_supports_nothing(reviewer, finding):
    review = reviewer.review(
        f"Men's clinic. Fatigue, low libido; total testosterone 640 ng/dL, {finding}.\n"
        "Testosterone cypionate 200 mg IM R ventrogluteal given at patient request, tolerated."
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_a_dictated_clock_time_records_the_dose(reviewer):
    review = reviewer.review(
        "clinic note period agitated schizophrenia comma Haldol five milligrams I M left deltoid "
        "given at ten fifty period acute dystonic reaction at eleven oh four comma "
        "diphenhydramine fifty milligrams [inaudible] at eleven oh six comma resolved period"
    )
    assert given(review, "diphenhydramine")
    assert review.claim_ready is False
    assert "ROUTE_MISSING" in blocking(review)


def test_question_of_a_diagnosis_is_uncertain(reviewer):
    review = reviewer.review(
        "urology period fatigue and low libido period question hypogonadism comma testosterone "
        "level pending period testosterone cypionate two hundred milligrams I M left glute "
        "given by me period"
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_questions_about_the_drug_leave_the_diagnosis(reviewer):
    review = reviewer.review(
        "Nurse visit. Pernicious anemia (D51.0); she had questions about B12 side effects, "
        "answered. Cyanocobalamin 1000 mcg IM L deltoid given by RN 09:15, tolerated."
    )
    assert review.claim_ready is True
