"""Rounds 42 and 43 (a random year of rural, safety-net, multi-specialty, advanced-practice,
urgent-care, pediatric, physician-association, public-health and hospital-outpatient charts and
dictation): short notes written for these tests, from untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings, and notes that must
stay ready.

- an exported list of billed encounters (CPT and HCPCS cells) documents no dose;
- a dose the medics gave, "given by EMS", "the last dose was given at ...", "four hours ago she
  received ..." is not this encounter's;
- "due today for ..." then "then refused", "let's give ..." then "we will not do it here",
  "first dose to be given tomorrow", "no antibiotics given today": nothing given;
- an observation stay's H&P is an inpatient note, even after "failing outpatient cephalexin";
- a clinic's name ("STI clinic", "Diabetes Clinic") is no diagnosis of the patient.
"""

from __future__ import annotations

import pytest

from assertions import blocking, given


def test_an_exported_list_of_billed_encounters_documents_no_dose(reviewer):
    review = reviewer.review(
        "VISIT LIST EXPORT - audit sample (FICTITIOUS)\n"
        "Date   | Clinic      | CPT   | HCPCS | Units | Dx    | Item\n"
        "05/02  | Elm St FM   | 96372 | J1885 | 2     | M54.5 | ketorolac 30 mg IM\n"
        "06/11  | Elm St FM   | 96372 | J1885 | 2     | M54.5 | ketorolac 30 mg IM\n"
        "(2 rows; visit notes not included.)"
    )
    assert review.claim_ready is False
    assert given(review, "ketorolac") == []


def test_a_time_stamped_administration_row_is_still_documentation(reviewer):
    review = reviewer.review(
        "Injection record 06/11/2026. Low back pain (M54.50).\n"
        "Time  | Medication          | Dose  | Route | Site       | RN\n"
        "10:05 | ketorolac           | 30 mg | IM    | L gluteus  | TM\n"
    )
    assert given(review, "ketorolac")
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "earlier",
    [
        "Per the trip report the medics gave epinephrine 0.3 mg IM L thigh at 18:02.",
        "Epinephrine 0.3 mg IM L thigh at 18:02, given by EMS.",
        "epinephrine point three milligrams I M left thigh given by E M S at eighteen oh two.",
    ],
)
def test_a_dose_the_medics_gave_is_not_this_encounters(reviewer, earlier):
    review = reviewer.review(
        "ED note 07/04/2026. Anaphylaxis to shellfish (T78.02XA).\n"
        f"{earlier}\nED: methylprednisolone 125 mg IV push 18:40, famotidine 20 mg IV push. "
        "Observed 4 h."
    )
    assert review.claim_ready is False
    assert given(review, "epinephrine") == []


def test_due_today_then_refused_is_no_dose(reviewer):
    review = reviewer.review(
        "Injection clinic RN note 3/14. Due today for Invega Sustenna 156 mg IM deltoid "
        "(monthly; schizophrenia F20.9). Syringe prepared, client then refused, says she will "
        "come back Friday. Prescriber notified."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_the_last_dose_given_elsewhere_is_not_todays(reviewer):
    review = reviewer.review(
        "Endocrine follow-up 10/02/2026. Postmenopausal osteoporosis (M81.0).\n"
        "She gets Prolia 60 mg SC every 6 months; the last dose was given at the county "
        "infusion suite in April, so she is not due until October 20. DEXA reviewed."
    )
    assert review.claim_ready is False
    assert given(review, "denosumab") == []


def test_todays_dose_stays_given_beside_the_last_one(reviewer):
    review = reviewer.review(
        "Nurse visit 10/21/2026. Postmenopausal osteoporosis (M81.0). The last dose was given "
        "in April. Today Prolia 60 mg SC given L upper arm by RN at 09:10, tolerated."
    )
    assert given(review, "denosumab")
    assert review.claim_ready is True


def test_hours_ago_she_received_is_earlier(reviewer):
    review = reviewer.review(
        "Clinic follow-up 02/02/2026. Cellulitis of the right leg (L03.115). 6 h ago rec'd "
        "ceftriaxone 1 g IM R gluteus and ketorolac 30 mg IM L gluteus. Today cephalexin "
        "500 mg PO QID prescribed."
    )
    assert review.claim_ready is False
    assert given(review, "ceftriaxone") == []


@pytest.mark.parametrize(
    "later",
    [
        "plan Rocephin one gram I M daily for five days comma first dose to be given tomorrow "
        "morning by home nursing period no antibiotics given today period",
        "Rocephin 1 g IM daily x5 ordered; first dose given tomorrow by the visiting nurse. No "
        "antibiotics given today.",
    ],
)
def test_a_first_dose_tomorrow_is_no_dose_today(reviewer, later):
    review = reviewer.review(
        "Home visit 12/09/2026. Community acquired pneumonia (J18.9), cannot swallow pills. "
        + later
    )
    assert review.claim_ready is False
    assert given(review, "ceftriaxone") == []


def test_lets_give_then_not_here_is_no_dose(reviewer):
    review = reviewer.review(
        "ambient scribe draft period type two diabetes uncontrolled comma glucose four twenty "
        "period provider says let's give you regular insulin eight units sub Q now period "
        "patient says she cannot wait period provider says okay we will not do it here comma "
        "take your Lantus tonight period"
    )
    assert review.claim_ready is False
    assert given(review, "insulin") == []


@pytest.mark.parametrize(
    "header",
    ["OBSERVATION H&P", "hospitalist observation admission history and physical"],
)
def test_an_observation_stays_hp_is_inpatient(reviewer, header):
    review = reviewer.review(
        f"{header}\n70M placed in observation for RLE cellulitis failing outpatient cephalexin.\n"
        "Heparin 5,000 units SQ R lower abdomen given 14:10 for DVT prophylaxis; cefazolin 2 g "
        "IV q8h."
    )
    assert review.claim_ready is False
    assert review.service_code != "96372"


def test_an_office_visit_naming_outpatient_care_stays_ready(reviewer):
    review = reviewer.review(
        "Outpatient clinic visit 04/04/2026. Pernicious anemia (D51.0). Cyanocobalamin 1000 "
        "mcg IM R deltoid given by RN 10:15, tolerated."
    )
    assert review.claim_ready is True


@pytest.mark.parametrize("clinic", ["STI clinic", "Diabetes Clinic", "Hepatitis C program"])
def test_a_clinics_name_is_no_diagnosis(reviewer, clinic):
    review = reviewer.review(
        f"{clinic} note 05/05/2026. Cabotegravir ER 600 mg IM L ventrogluteal given by RN, "
        "tolerated. Next injection in 2 months."
    )
    assert review.claim_ready is False
    assert "DX_MISSING" in blocking(review)
