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


def test_history_inside_a_diagnosis_name_still_dates_it(reviewer):
    review = reviewer.review(
        "ONCOLOGY SURVIVORSHIP VISIT\nPMH: personal history of breast cancer, treated 2015.\n"
        "Denosumab 60 mg SC R upper arm given for osteoporosis (M81.0)."
    )
    assert entity(review, "personal history of breast cancer").historical is True


# A blank dose field beside the product's strength --------------------------------------------

_NURSE_TEMPLATE = (
    "NURSE VISIT\nDOS: 02/09/2026\nDx: acute croup (J05.0).\nMedication Administration:\n"
    "  Medication: dexamethasone sodium phosphate 4 mg/mL injection\n  Dose: {dose}\n"
    "  Route: Intramuscular\n  Site: R vastus lateralis\n  Time: 10:20\n  Given by: K. Ames, RN"
)


@pytest.mark.parametrize("blank", ["***", "____", "", "not documented"])
def test_a_blank_dose_field_beside_a_strength_is_dose_missing(reviewer, blank):
    review = reviewer.review(_NURSE_TEMPLATE.format(dose=blank))
    assert "DOSE_MISSING" in blocking(review)
    assert review.claim_ready is False


def test_a_filled_dose_field_beside_a_strength_is_the_dose(reviewer):
    review = reviewer.review(_NURSE_TEMPLATE.format(dose="8 mg (2 mL)"))
    assert "DOSE_MISSING" not in blocking(review)
    (admin,) = review.administrations
    assert admin.dose == "8 mg"


def test_a_strength_with_no_dose_field_is_still_one_syringe(reviewer):
    review = reviewer.review(
        "Dx: postmenopausal osteoporosis (M81.0). Prolia 60 mg/mL prefilled syringe SC R upper "
        "arm given by RN."
    )
    assert "DOSE_MISSING" not in blocking(review)


# An injection with no drug and no site -------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "LONG-TERM CARE NURSING NOTE 12/01/2026 21:00\nResident restless, pulling at lines. "
        "Injection given IM per telephone order from the on-call physician at 20:40; resident "
        "settled by 21:00.",
        "Urgent care MA note: shot given intramuscularly per provider, patient tolerated. "
        "Follow up with PCP.",
    ],
)
def test_an_unnamed_injection_with_no_site_is_also_site_missing(reviewer, note):
    review = reviewer.review(note)
    codes = {g.code for g in review.gaps}
    assert {"DRUG_MISSING", "SITE_MISSING"} <= codes


def test_an_unnamed_injection_with_a_site_is_not_site_missing(reviewer):
    review = reviewer.review(
        "ED NURSING NOTE 04/09/2026\n22:20 Per verbal order: antiemetic injection given IM R "
        "deltoid.\nDx: gastroenteritis (K52.9)."
    )
    codes = {g.code for g in review.gaps}
    assert "DRUG_MISSING" in codes and "SITE_MISSING" not in codes


# Support for a drug named without its salt, and qualified "no evidence of" --------------------


def test_a_drug_named_without_its_salt_takes_its_salts_indications(reviewer):
    supported = reviewer.review(
        "Dx: primary hypogonadism (E29.1). Testosterone 200 mg IM L gluteus given by RN."
    )
    assert "DX_NOT_SUPPORTED" not in blocking(supported)
    symptom_only = reviewer.review(
        "Dx: tiredness (R53.83), low sex drive (R68.82); morning testosterone normal twice.\n"
        "At his request, testosterone 200 mg IM L gluteus given by RN."
    )
    assert "DX_NOT_SUPPORTED" in blocking(symptom_only)
    # dictated, the name is read as plain "testosterone" (no salt): the salts' indications hold
    heard = reviewer.review(
        "men's health clinic period he is tired and has low sex drive comma morning levels "
        "normal twice period today we give testa strone two hundred milligrams I M left glute "
        "period"
    )
    assert "DX_NOT_SUPPORTED" in blocking(heard)


@pytest.mark.parametrize(
    "line",
    [
        "Levels normal; no laboratory evidence of hypogonadism.",
        "There are no biochemical signs of hypogonadism.",
    ],
)
def test_a_qualified_no_evidence_of_negates(reviewer, line):
    review = reviewer.review(
        "MEN'S HEALTH VISIT\nA: fatigue (R53.83). " + line + "\nTestosterone cypionate 200 mg "
        "IM R gluteus given at his request by RN."
    )
    assert entity(review, "hypogonadism").negated is True
    assert review.claim_ready is False


# An admission H&P and a letter about today's visit ------------------------------------------


def test_an_admission_history_and_physical_gives_nothing_here(reviewer):
    review = reviewer.review(
        "HISTORY AND PHYSICAL\nDATE OF ADMISSION: 05/02/2026\nHPI: 61 M with cellulitis of the "
        "L leg, failed oral cephalexin. In the ED he received ketorolac 30 mg IM and cefazolin "
        "2 g IV.\nMEDICATIONS: insulin glargine 30 units subcutaneously nightly.\nA/P: "
        "Cellulitis of left lower limb (L03.116). He is being admitted for IV antibiotics. "
        "Continue insulin glargine 30 units subcutaneously tonight. Enoxaparin 40 mg "
        "subcutaneously daily for VTE prophylaxis."
    )
    assert review.claim_ready is False
    assert not [a for a in review.administrations if a.given and a.route_code in ("SC", "IM")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Today we administered his leuprolide 22.5 mg intramuscularly in the left gluteus.",
        "We gave her ceftriaxone 500 mg intramuscularly in the right gluteus in our office today.",
    ],
)
def test_a_letter_that_says_we_administered_today_documents_this_visit(reviewer, sentence):
    review = reviewer.review(
        "Riverside Urology (fictitious)\n\nMarch 3, 2026\n\nDear Dr. Lund,\n\nI saw your "
        "patient again today. Diagnoses: prostate cancer (C61); gonorrhea of the urethra "
        "(A54.01).\n" + sentence + " Thank you for the referral.\n\nSincerely,\nA. Berg, MD"
    )
    given = [a for a in review.administrations if a.given]
    assert given and given[0].setting == "this_encounter"


# Morton's neuroma and a trigger-point list --------------------------------------------------


def test_an_injection_around_the_interdigital_nerve_is_64455(reviewer):
    review = reviewer.review(
        "PODIATRY PROCEDURE NOTE\nA: Morton's neuroma, right second intermetatarsal space "
        "(G57.61).\nProcedure: after alcohol prep, 1 mL dexamethasone 4 mg/mL with 1 mL "
        "lidocaine 1% was injected around the interdigital nerve from a dorsal approach. "
        "Tolerated well."
    )
    assert review.service_code == "64455"


def test_a_numbered_list_under_a_trigger_point_sentence_counts_muscles(reviewer):
    review = reviewer.review(
        "PROCEDURE: Trigger point injections.\nDx: myofascial pain (M79.18).\nAfter consent, "
        "lidocaine 1% 1 mL was injected into each trigger point:\n1. R trapezius - 2 points\n"
        "2. R levator scapulae - 1 point\n3. R infraspinatus - 1 point\nTolerated well."
    )
    assert review.service_code == "20553"


# A banner header of an export ----------------------------------------------------------------


@pytest.mark.parametrize(
    "banner",
    [
        "--- MEDICATION ADMINISTRATION ---",
        "===== Medication Administration =====",
        "## ADMINISTRATION ##",
    ],
)
def test_a_banner_header_opens_its_section(reviewer, banner):
    """The block under "--- MEDICATION ADMINISTRATION ---" is the administration record, not
    more of the plan above it (whose routes are plans)."""
    review = reviewer.review(
        "Assessment: acute bacterial sinusitis (J01.00); penicillin anaphylaxis.\nPlan: first "
        "dose of lincomycin in office, then clindamycin 300 mg PO QID.\n" + banner + "\n"
        "Medication: lincomycin 300 mg/mL\nDose: 600 mg (2 mL)\nRoute: Intramuscular\n"
        "Site: Left ventrogluteal\nGiven by: R. Ames, LPN   Time: 10:40"
    )
    assert review.claim_ready is True
    (admin,) = [a for a in review.administrations if a.given]
    assert admin.route_code == "IM"


def test_a_rule_line_of_dashes_is_no_header(nlp):
    doc = nlp("Plan: recheck in 2 weeks.\n----------\nSigned by A. Ames, MD")
    assert [s.category for s in doc._.sections] == ["plan"]
