"""Charts round 6: short notes written for these tests, each category both ways.

- a dose count ("x 1", "once", "single dose") on a plan or order line, or beside plan wording,
  orders one dose; it does not record one given (a statement that it was given still does);
- a clause opening with an imperative "Give ..." and a dose conditional on a test or an approval
  ("today if urine hCG is negative") are orders; "diet as tolerated" records no dose;
- a tuberculin skin test is 86580 whatever route the note writes or leaves out;
- an IV dose of a procedure report is part of the procedure; one of a hospital or ED narrative in
  an untitled note or a consult was given there, not at an office visit;
- an inline history header ("PSH: appendectomy 2015") covers its own line and its continuation
  lines, not the visit's documentation on the next line.
"""

from __future__ import annotations

import pytest

from assertions import assert_outcome, blocking

# A plan or order for one dose, with no statement that it was given -------------------------


@pytest.mark.parametrize(
    "note",
    [
        "URGENT CARE\nDx: low back pain with spasm (M54.50)\nPLAN: Toradol 60 mg IM x 1. Heat, "
        "stretching, return if worse.",
        "ED NOTE\nAssessment: asthma exacerbation (J45.901)\nPlan: Solu-Medrol 125 mg IM x 1. "
        "Albuterol neb and reassess.",
        "CLINIC\nDx: streptococcal pharyngitis (J02.0)\nPlan: give Rocephin 1 g IM x1, recheck in "
        "2 days.",
        "URGENT CARE\nDx: renal colic (N23)\nOrders: ketorolac 60 mg IM once; urinalysis.",
        "URGENT CARE\nDx: lumbar strain (S39.012A)\nPlan:\n1. Kenalog 40 mg IM single dose.\n"
        "2. Ice and activity as tolerated.",
        "ED NOTE\nDx: Migraine without aura (G43.009)\nMDM: Will treat with Toradol 30 mg IM x1 "
        "and reassess in an hour.",
        "STI CLINIC\nDx: exposure to gonorrhea (Z20.2)\nGive ceftriaxone 500 mg IM x1.\n"
        "Doxycycline sent to pharmacy.",
        "GYN VISIT\nDx: contraceptive management (Z30.42)\nDepo-Provera 150 mg IM x1 today if "
        "urine hCG is negative; result pending.",
        "CLINIC\nDx: low back pain (M54.50)\nPt to get ketorolac 60 mg IM x1 before leaving.",
        # "as tolerated" (diet, activity) says nothing of the plan line's dose
        "CLINIC\nDx: low back pain (M54.50)\nPlan: Toradol 60 mg IM. Advance diet as tolerated.",
    ],
)
def test_an_order_for_one_dose_is_not_an_administration(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None
    assert review.status == "no_injection"
    assert "NOT_ADMINISTERED" in blocking(review)


@pytest.mark.parametrize(
    "note",
    [
        "URGENT CARE\nDx: low back pain with spasm (M54.50)\nPLAN: Toradol 60 mg IM x1 given in R "
        "glute by MA at 15:12, tolerated.",
        "CLINIC\nA/P: Gonococcal cervicitis (A54.03). Ceftriaxone 500 mg IM x1 administered in R "
        "gluteus today.",
        "ED NOTE\nAssessment: asthma exacerbation (J45.901)\nDecadron 10 mg IM x 1 in R deltoid "
        "at 14:05.",
        "CLINIC\nDx: contact dermatitis (L23.7)\nPlan: Kenalog 40 mg IM x1. Pt tolerated "
        "injection well.",
        "UROLOGY\nDx: Testicular hypofunction (E29.1)\nPlan: Testosterone cypionate 200 mg IM x1 "
        "today, given R ventrogluteal by MA, tolerated.",
        "STI CLINIC\nDx: exposure to gonorrhea (Z20.2)\nCeftriaxone 500 mg IM x1 given in L "
        "ventrogluteal by RN. No reaction.",
        "GYN VISIT\nDx: contraceptive management (Z30.42)\nUrine hCG negative. Depo-Provera "
        "150 mg IM given R deltoid today, return if any bleeding concerns.",
        "URGENT CARE\nDx: low back pain (M54.50)\nP: Toradol 60 mg IM R glute. Tolerated well.",
        "NURSE VISIT\nDx: Pernicious anemia (D51.0)\nPt here to get monthly B12 shot. B12 1000 mcg "
        "IM given L deltoid, tolerated.",
    ],
)
def test_a_dose_count_with_the_dose_given_stays_ready(reviewer, note):
    review = reviewer.review(note)
    assert_outcome(review, ready=True, code="96372", status="ready")


# Tuberculin skin tests are 86580 ------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "NURSE VISIT\nReason: TB screening for employment (Z11.1).\nPPD placed left forearm "
        "0.1 mL. Read in 48-72 hours.",
        "SCHOOL VISIT\nReason: TB screening (Z11.1).\nTuberculin skin test (Mantoux) 5 TU placed "
        "on the left volar forearm by RN.",
        "NURSE VISIT\nReason: TB screening (Z11.1).\nTubersol 0.1 mL IM given L forearm.",
    ],
)
def test_a_tuberculin_skin_test_is_86580_never_96372(reviewer, note):
    review = reviewer.review(note)
    assert_outcome(review, ready=False, code="86580", status="other_service")
    assert all(a.service_code != "96372" for a in review.administrations)


def test_a_skin_test_beside_an_im_injection_leaves_it_ready(reviewer):
    review = reviewer.review(
        "NURSE VISIT\nDx: Pernicious anemia (D51.0); TB screening for employment (Z11.1)\n"
        "Cyanocobalamin 1000 mcg IM given R deltoid by RN, tolerated.\n"
        "PPD 0.1 mL placed L volar forearm. Reading due in 48 hours."
    )
    assert_outcome(review, ready=True, code="96372")
    assert review.injections == 1


# IV doses of procedure reports and hospital narratives ----------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "CARDIAC CATHETERIZATION REPORT\nIndication: unstable angina (I20.0)\nProcedure: left "
        "heart catheterization.\nHeparin 5000 units IV was given. Left heart catheterization via "
        "right radial.",
        "PROCEDURE: Upper endoscopy\nIndication: dyspepsia (R10.13)\nMidazolam 3 mg IV and "
        "fentanyl 75 mcg IV were administered. The scope was passed to the duodenum.",
    ],
)
def test_an_iv_dose_of_a_procedure_report_is_part_of_the_procedure(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None
    assert all(a.setting == "within_procedure" for a in review.administrations if a.route)


@pytest.mark.parametrize(
    "note",
    [
        "CONSULTATION\nHPI: 71-year-old woman admitted three days ago with pneumonia. She was "
        "started on ceftriaxone 1 g IV on admission and received Lasix 40 mg IV for overload.\n"
        "IMPRESSION: Community-acquired pneumonia (J18.9).",
        "PROGRESS NOTE\nHospital day 4. Patient received Zofran 4 mg IV overnight for nausea.\n"
        "A: pyelonephritis (N10), improving.",
        "HISTORY AND PHYSICAL\nHe presented to the emergency room with chest pain. In the "
        "emergency department he was given morphine 4 mg IV with relief.\nASSESSMENT: chest pain "
        "(R07.9).",
        "The patient was admitted to the ICU with hypertensive emergency (I16.1) and given "
        "labetalol 10 mg IV push twice.",
    ],
)
def test_an_iv_dose_of_a_hospital_narrative_is_not_this_visits(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None
    assert review.status == "no_injection"


@pytest.mark.parametrize(
    ("note", "code"),
    [
        # an urgent care's own IV push, beside a past hospitalization
        (
            "URGENT CARE VISIT\nDx: intractable migraine (G43.019)\nHistory: hospitalized in 2022 "
            "for appendicitis.\nCompazine 10 mg IV push given at 15:20 via L AC. Headache "
            "resolved.",
            "96374",
        ),
        # an infusion clinic's infusion, beside a prior admission
        (
            "INFUSION CLINIC NOTE\nDx: iron deficiency anemia (D50.9)\nVenofer 200 mg IV over "
            "15 minutes administered via R forearm PIV. Prior admission in 2021 noted.",
            "96365",
        ),
        # an ED note's own IV push
        (
            "EMERGENCY DEPARTMENT NOTE\nDx: renal colic (N23)\nToradol 30 mg IV push given at "
            "14:10 with improvement in pain.",
            "96374",
        ),
        # a procedure note whose IV push is given in clinic, by its own wording
        (
            "PROCEDURE NOTE\nDx: Nausea with vomiting (R11.2)\nOndansetron 4 mg IV push "
            "administered in clinic over 2 minutes at 11:40.",
            "96374",
        ),
        # a joint injection stays the procedure it is
        (
            "PROCEDURE NOTE: Right knee injection\nIndication: osteoarthritis right knee "
            "(M17.11)\n40 mg Kenalog with 4 mL 1% lidocaine injected intra-articularly via "
            "lateral approach. Tolerated well.",
            "20610",
        ),
    ],
)
def test_outpatient_iv_and_procedure_services_keep_their_code(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code
    assert review.status == "other_service"


def test_a_past_stay_does_not_move_an_office_im_injection(reviewer):
    review = reviewer.review(
        "OFFICE VISIT\nDx: Pernicious anemia (D51.0)\nPMH: admitted to the ICU in 2020 for DKA; "
        "he received an insulin IV drip then.\nCyanocobalamin 1000 mcg IM given L deltoid by RN "
        "at 10:15. Tolerated."
    )
    assert_outcome(review, ready=True, code="96372")


# Inline history headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        "PSH: Roux-en-Y gastric bypass 2017.",
        "Past surgical history: appendectomy, cholecystectomy.",
        "PMH: hypothyroidism; total gastrectomy 2019 for gastric cancer.",
    ],
)
def test_an_office_injection_below_an_inline_history_line_is_ready(reviewer, history):
    review = reviewer.review(
        f"NURSE VISIT\nDx: Pernicious anemia (D51.0)\n{history}\n"
        "Cyanocobalamin 1000 mcg IM given in L deltoid by RN. Tolerated well.\n"
        "Plan: repeat B12 1000 mcg IM next month."
    )
    assert_outcome(review, ready=True, code="96372", status="ready")


@pytest.mark.parametrize(
    "note",
    [
        # the dose on the history line itself
        "NURSE VISIT\nDx: Pernicious anemia (D51.0)\nPMH: pernicious anemia, on B12 injections "
        "monthly, last given 10/02 in R deltoid.",
        # an indented continuation line of the history header
        "NURSE VISIT\nDx: Pernicious anemia (D51.0)\nPast medical history: pernicious anemia,\n"
        "   treated with cyanocobalamin 1000 mcg IM monthly since 2019.",
        # a history header alone on its line heads the list below it
        "NURSE VISIT\nDx: Pernicious anemia (D51.0)\nPast medical history:\n"
        "Cyanocobalamin 1000 mcg IM monthly at this clinic.",
    ],
)
def test_history_lines_and_their_continuations_stay_history(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


# A listed medication the patient is on --------------------------------------------------------


def test_a_listed_medication_on_a_regimen_is_not_given_now(reviewer):
    review = reviewer.review(
        "ICU NOTE\nMedications: on IV pantoprazole 40 mg now, on insulin drip.\nA: GI bleed (K92.2)"
    )
    assert review.service_code is None
    assert review.status == "no_injection"


@pytest.mark.parametrize(
    "note",
    [
        "ED NOTE\nMeds: ketorolac 30 mg IM at 10:05, ondansetron 4 mg IV at 10:07.\n"
        "Dx: renal colic (N23)",
        "ED NOTE\nMeds given: on arrival ketorolac 30 mg IM R VG at 10:05.\nDx: renal colic (N23)",
    ],
)
def test_an_ed_list_of_doses_given_stays_given(reviewer, note):
    review = reviewer.review(note)
    assert_outcome(review, ready=True, code="96372")


# Two records of one drug that disagree on the route -------------------------------------------


def test_an_iv_record_against_an_im_record_is_a_96372_route_conflict(reviewer):
    review = reviewer.review(
        "A: Acute pyelonephritis (N10).\nP: Rocephin 1 g IV given here as first dose.\n"
        "Procedure: ceftriaxone 1 g reconstituted with lidocaine, IM L ventrogluteal, by MA at "
        "15:10, tolerated."
    )
    assert_outcome(review, ready=False, code="96372")
    assert "ROUTE_CONFLICT" in blocking(review)


def test_two_iv_records_of_one_drug_stay_an_iv_push(reviewer):
    review = reviewer.review(
        "URGENT CARE\nDx: Migraine (G43.909)\nKetorolac 30 mg IV given here at 10:05.\n"
        "Procedure: ketorolac 30 mg IV push L antecubital by RN at 10:05, tolerated."
    )
    assert_outcome(review, ready=False, code="96374")
