"""Charts round 9: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a dose whose own clause dates it before the note's date of service ("received RhoGAM ... at
  28 weeks (02/12/2026)" in a note of 03/09/2026) was given that day, not at this encounter; a
  date that dates something else (LMP, lot expiry, the next dose) does not move it, nor does a
  clause that says "today";
- "Date/Time: 03/09/2026 21:40" states the date of service;
- a procedure note titled by its nerve block ("GREATER OCCIPITAL NERVE BLOCK") gives the drugs
  injected in its body that block as their route (64405, not a 96372 with ROUTE_MISSING);
- a joint injection inside an operation (bupivacaine into the knee at the end of an arthroscopy)
  is part of the operation, not a 20610 of its own; a joint injection procedure note stays one;
- a checked "Guidance: [x] Ultrasound" field is ultrasound guidance (20611); an unchecked one is
  not; a list of three or more muscles under "Muscles injected:" is 20553;
- a word inside a diagnosis's own name ("migraine without aura") negates neither that
  diagnosis nor the next one.
"""

from __future__ import annotations

import pytest

from assertions import blocking, entity

# A dose dated before the date of service -----------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        "Rh negative; received Rho(D) immune globulin 300 mcg IM at 28 weeks (02/12/2026) in "
        "clinic.",
        "Testosterone cypionate 200 mg IM L glute given 2/20/26 by our nurse; tolerated.",
        "Ceftriaxone 1 g IM was given on 2026-02-27 at the first visit for this infection.",
    ],
)
def test_a_dose_dated_before_the_visit_was_given_then(reviewer, history):
    review = reviewer.review(
        "OB/GYN FOLLOW-UP\nDate of service: 03/09/2026\nHPI: here for a check of labs. "
        + history
        + "\nA/P: continue prenatal care. Nothing given today."
    )
    assert review.claim_ready is False
    dated = [a for a in review.administrations if a.route_code == "IM"]
    assert dated and all(not a.given and a.setting == "elsewhere_or_earlier" for a in dated)


@pytest.mark.parametrize(
    "line",
    [
        "Depo-Provera 150 mg IM R deltoid given, LMP 02/10/2026, urine hCG negative.",
        "Depo-Provera 150 mg IM given in the R deltoid today (last shot 12/08/2025).",
        "Depo-Provera 150 mg IM R deltoid given; next dose due 05/25/2026.",
    ],
)
def test_a_date_of_something_else_leaves_todays_dose_given(reviewer, line):
    review = reviewer.review(
        "CONTRACEPTION VISIT\nDOS: 03/02/2026\nDx: Encounter for contraceptive management, "
        "injectable (Z30.42).\n" + line
    )
    assert review.claim_ready is True
    (admin,) = review.administrations
    assert admin.given and admin.setting == "this_encounter"


def test_without_a_stated_date_of_service_no_dose_is_dated_earlier(reviewer):
    review = reviewer.review(
        "Nurse visit. Dx: pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given "
        "by RN, order dated 01/05/2026."
    )
    assert review.claim_ready is True


def test_a_date_and_time_label_states_the_date_of_service(reviewer):
    review = reviewer.review(
        "Date/Time: 03/09/2026 21:40\nDx: pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg "
        "IM R deltoid given."
    )
    assert review.date_of_service == "2026-03-09"


# A procedure note titled by its nerve block ---------------------------------------------------


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("PROCEDURE: LEFT GREATER OCCIPITAL NERVE BLOCK", "64405"),
        ("Procedure note - right suprascapular nerve block", "64450"),
    ],
)
def test_a_nerve_block_title_is_the_route_of_the_drugs_injected(reviewer, title, code):
    review = reviewer.review(
        title + "\nDx: occipital neuralgia (M54.81).\nAfter consent and time-out, skin cleaned. "
        "A 25 g needle was advanced to the nerve and, after negative aspiration, ropivacaine "
        "0.5% 3 mL and triamcinolone 20 mg were injected. Tolerated well.\nPlan: sumatriptan "
        "tablets as needed; if no relief in 6 weeks, consider onabotulinumtoxinA."
    )
    assert review.service_code == code
    assert review.status == "other_service"
    assert "ROUTE_MISSING" not in blocking(review)


# A joint injection inside an operation ------------------------------------------------------


def test_a_joint_injection_at_the_end_of_an_arthroscopy_is_part_of_it(reviewer):
    review = reviewer.review(
        "OPERATIVE REPORT\nPROCEDURE: Left knee arthroscopy, partial lateral meniscectomy.\n"
        "ANESTHESIA: General, LMA.\nThe left leg was prepped and draped in sterile fashion. "
        "Anterolateral and anteromedial portals were made. The torn lateral meniscus was "
        "trimmed to a stable rim. Portals were closed with nylon. Ropivacaine 0.5% 20 mL was "
        "injected intra-articularly.\nEBL minimal. To PACU in good condition."
    )
    assert review.service_code is None
    assert review.claim_ready is False
    (ropi,) = [a for a in review.administrations if a.drug == "ropivacaine"]
    assert ropi.setting == "within_procedure"


def test_a_joint_injection_procedure_note_stays_a_joint_injection(reviewer):
    review = reviewer.review(
        "PROCEDURE NOTE: Right knee injection\nDx: primary osteoarthritis, right knee (M17.11).\n"
        "The right knee was prepped with chlorhexidine. Via a superolateral approach, "
        "triamcinolone acetonide 40 mg with lidocaine 1% 3 mL was injected intra-articularly. "
        "Tolerated well."
    )
    assert review.service_code == "20610"


# Checked guidance fields and muscle lists ----------------------------------------------------


@pytest.mark.parametrize(
    ("guidance", "code"),
    [
        ("Guidance: [x] Ultrasound, image saved   [ ] Landmark", "20611"),
        ("Guidance: (•) Ultrasound  ( ) Landmark", "20611"),
        ("Guidance: [ ] Ultrasound   [x] Landmark", "20610"),
    ],
)
def test_a_checked_ultrasound_field_is_guidance(reviewer, guidance, code):
    review = reviewer.review(
        "JOINT INJECTION\nDx: primary osteoarthritis, left knee (M17.12).\nJoint: left knee\n"
        + guidance
        + "\nInjected: methylprednisolone acetate 40 mg with lidocaine 1% 2 mL, "
        "intra-articular.\nNo complications."
    )
    assert review.service_code == code


@pytest.mark.parametrize(
    ("muscles", "code"),
    [
        ("Muscles injected:\n 1. L trapezius\n 2. R trapezius\n 3. L splenius capitis\n", "20553"),
        (
            "Muscles injected:\n - L gluteus medius\n - L piriformis\n - L quadratus lumborum\n",
            "20553",
        ),
        ("Muscles injected: R levator scapulae, R rhomboid minor and R trapezius.\n", "20553"),
        ("Muscles injected:\n 1. L trapezius\n 2. R trapezius\n", "20552"),
    ],
)
def test_a_list_of_three_muscles_is_20553(reviewer, muscles, code):
    review = reviewer.review(
        "PROCEDURE: Trigger point injections\nDx: myalgia (M79.18).\n"
        + muscles
        + "Each point: lidocaine 1% 1 mL after negative aspiration. Tolerated well."
    )
    assert review.service_code == code


# A word inside a diagnosis's name ------------------------------------------------------------


def test_without_inside_a_diagnosis_name_negates_nothing(reviewer):
    review = reviewer.review(
        "ED NOTE 04/02/2026\nDiagnosis: chronic migraine without aura, intractable (G43.719); "
        "occipital neuralgia (M54.81)\nKetorolac 30 mg IM R VG given at 11:05 by RN."
    )
    assert entity(review, "migraine without aura").negated is False
    assert entity(review, "occipital neuralgia").negated is False
    assert review.claim_ready is True


def test_without_before_a_diagnosis_still_negates_it(reviewer):
    review = reviewer.review(
        "URGENT CARE 04/02/2026\nSeen without fever or vomiting today.\nKetorolac 60 mg IM R "
        "glute given for low back strain (S39.012A)."
    )
    assert entity(review, "vomiting").negated is True


def test_an_injection_named_as_the_procedure_under_anesthesia_stays_its_own(reviewer):
    review = reviewer.review(
        "PROCEDURE NOTE\nANESTHESIA: General anesthesia\nPROCEDURE PERFORMED: Lumbar "
        "interlaminar epidural steroid injection at L5-S1 under fluoroscopy.\nThe patient was "
        "prepped and draped. Using a 20 g Tuohy needle, the epidural space at L5-S1 was entered "
        "with loss of resistance. Triamcinolone 80 mg in 4 mL saline was injected. To recovery "
        "in stable condition. Dx: lumbar radiculopathy (M54.16)."
    )
    assert review.service_code == "62323"
