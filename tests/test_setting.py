"""Issue 11: the kind of note, where and when each drug was given, and the note's status.

Each category has notes that make it fire and look-alikes where it must not (an office B12
injection in a note that also mentions a past surgery is still ready).
"""

from __future__ import annotations

import pytest

from cleanclaim import resources as res
from cleanclaim.result import Review

OFFICE_B12 = (
    "B12 1000 mcg given IM in L deltoid today for pernicious anemia (D51.0). Tolerated well. "
    "J. Doe, RN"
)


def _settings(review: Review) -> dict[str, str | None]:
    return {a.drug: a.setting for a in review.administrations}


# Note type -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "note_type"),
    [
        (
            "OPERATIVE REPORT\nProcedure: right inguinal hernia repair\nFindings: ...",
            "operative_procedure",
        ),
        ("Brief Op Note\nSurgeon: Dr. Quill\nProcedure: excision of lipoma", "operative_procedure"),
        ("ANESTHESIA RECORD\n08:01 propofol 150 mg IV", "operative_procedure"),
        ("Colonoscopy Report\nIndication: screening", "operative_procedure"),
        ("DISCHARGE SUMMARY\nAdmit 02/01/2026  Discharge 02/04/2026", "discharge_summary"),
        ("Admission date: 02/01/2026\nHospital course: uneventful.", "discharge_summary"),
        ("EMERGENCY DEPARTMENT NOTE\nCC: ankle injury", "ed"),
        ("Telehealth video visit, patient at home.\nS: doing well on B12.", "telehealth"),
        ("MEDICATION ADMINISTRATION RECORD\nTime | Med | Dose | Route", "nursing_mar"),
        ("CARDIOLOGY CONSULTATION\nReason for consult: chest pain", "consult_hp"),
        ("Dear Dr. Ansel,\nThank you for referring Ms. Pike.", "letter_other"),
        ("S: here for B12 shot.\nO: well.\nA: pernicious anemia.", "office_visit"),
    ],
)
def test_note_type_is_read_from_the_title_with_evidence(reviewer, note, note_type):
    review = reviewer.review(note)
    assert review.note_type == note_type
    if note_type != "office_visit":
        assert review.note_type_evidence
        ev = review.note_type_evidence[0]
        assert note[ev.start : ev.end].strip() == ev.text


def test_past_surgery_in_the_history_does_not_make_an_office_note_operative(reviewer):
    note = (
        "S: 61F s/p Roux-en-Y gastric bypass 2018 under general anesthesia, here for monthly B12.\n"
        "PSH: cholecystectomy, operative report on file.\n\n" + OFFICE_B12
    )
    review = reviewer.review(note)
    assert review.note_type == "office_visit"
    assert review.claim_ready is True
    assert review.status == "ready"
    assert _settings(review)["cyanocobalamin"] == "this_encounter"


# Setting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "OPERATIVE REPORT\nProcedure: laparoscopic appendectomy for acute appendicitis.\n"
        "Description of procedure: cefazolin 2 g IV before incision. Ketorolac 30 mg IM R deltoid "
        "at the end of the case. Ports closed.",
        "ANESTHESIA RECORD\nDx: cholelithiasis\n07:40 midazolam 2 mg IV\n08:20 ondansetron 4 mg IM "
        "R deltoid\n08:50 extubated",
        "PROCEDURE NOTE\nColonoscopy under moderate sedation: fentanyl 50 mcg IV and midazolam 2 mg "
        "IV. Glycopyrrolate 0.2 mg IM given during the procedure for secretions.",
        "Knee arthroscopy. Promethazine 25 mg IM given by anesthesia at induction for PONV history.",
    ],
)
def test_drugs_given_within_a_procedure_are_bundled(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None
    assert review.injections == 0
    assert review.status == "other_service"
    assert "within_procedure" in _settings(review).values()
    assert "NOT_ADMINISTERED" in review.gap_codes


def test_an_im_injection_after_a_procedure_for_its_own_reason_stays_billable(reviewer):
    note = (
        "PROCEDURE NOTE - Dermatology\nShave biopsy of left forearm lesion under local lidocaine.\n"
        "Separately: ketorolac 60 mg IM R ventrogluteal given in the clinic today for acute renal "
        "colic (N23). Tolerated. K. Lund, RN"
    )
    review = reviewer.review(note)
    assert _settings(review)["ketorolac"] == "this_encounter"
    assert review.service_code == "96372"


@pytest.mark.parametrize(
    ("note", "setting"),
    [
        (
            "DISCHARGE SUMMARY\nPrincipal dx: pernicious anemia (D51.0)\nHospital course: B12 1000 "
            "mcg IM given daily on the unit x3 days.\nFollow-up: PCP in 1 week.",
            "inpatient",
        ),
        (
            "ED NOTE\nPt with gonorrhea exposure (Z20.2). Received ceftriaxone 500 mg IM at the "
            "referring hospital before transfer. Here for imaging only.",
            "elsewhere_or_earlier",
        ),
        (
            "Laceration check. Tetanus-diphtheria booster IM was given by the PCP office. Wound clean.",
            "elsewhere_or_earlier",
        ),
        (
            "Telehealth video visit.\nA: hypogonadism (E29.1). Testosterone cypionate 100 mg IM "
            "L glute injected by her husband at home yesterday, no problems.",
            "elsewhere_or_earlier",
        ),
        (
            "Discharge medications:\nenoxaparin 40 mg SC daily x10 days\nDx: DVT prophylaxis after "
            "knee replacement",
            "order_only",
        ),
        (
            "Pernicious anemia (D51.0). Rx: cyanocobalamin 1000 mcg IM monthly, sent to pharmacy.",
            "order_only",
        ),
    ],
)
def test_doses_not_given_at_this_encounter_are_placed_and_not_ready(reviewer, note, setting):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.injections == 0
    assert review.status == "no_injection"
    assert setting in _settings(review).values()
    assert "NOT_ADMINISTERED" in review.gap_codes


@pytest.mark.parametrize(
    "note",
    [
        OFFICE_B12 + " Last dose was given at the outside clinic 4 weeks ago.",
        "ED course: ketorolac 60 mg IM R ventrogluteal given here at 14:05 for renal colic (N23). "
        "Discharged home with ibuprofen. RN M. Tate",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given in the office today; "
        "she will continue the monthly injections at home after teaching. RN",
        OFFICE_B12 + "\nHistory: admitted in 2024 for pneumonia; discharge summary reviewed.",
    ],
)
def test_office_and_ed_injections_stay_this_encounter(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True, [g.code for g in review.gaps]
    assert review.status == "ready"
    assert "this_encounter" in _settings(review).values()


@pytest.mark.parametrize(
    ("note", "setting"),
    [
        (
            "Flu vaccine (Fluzone HD 0.5 mL IM L deltoid) given by MA; VIS provided.",
            "this_encounter",
        ),
        ("High-dose flu shot, Fluzone HD 1 mL IM R deltoid, given by RN.", "this_encounter"),
        ("HD 3: ceftriaxone 1 g IM given on the ward for pyelonephritis.", "inpatient"),
        ("POD #2: ketorolac 30 mg IM given for incisional pain.", "inpatient"),
    ],
)
def test_hospital_day_is_not_a_high_dose_product(reviewer, note, setting):
    # "HD 0.5 mL" is Fluzone High-Dose and its dose, not "hospital day 0"
    assert setting in _settings(reviewer.review(note)).values()


# Nothing given -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "No injection administered today.",
        "Injection not given: stock expired.",
        "Patient left before the injection.",
        "Pt eloped prior to the shot.",
        "No medications were given in the clinic today.",
    ],
)
def test_a_note_level_statement_that_nothing_was_given_wins(reviewer, statement):
    note = "A: pernicious anemia (D51.0).\nP: cyanocobalamin 1000 mcg IM L deltoid.\n\n" + statement
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.status == "no_injection"
    assert "NOT_ADMINISTERED" in review.gap_codes


def test_no_vaccine_statement_does_not_cancel_a_drug_injection(reviewer):
    review = reviewer.review(OFFICE_B12 + "\nNo vaccines due today.")
    assert review.claim_ready is True


# Status --------------------------------------------------------------------------------------


def test_status_of_gaps_other_service_and_error(reviewer):
    assert reviewer.review("Ketorolac IM R glute given today for renal colic.").status == "gaps"
    flu = "Influenza vaccine 0.5 mL IM L deltoid given today, lot 12A. Dx: Z23. RN"
    assert reviewer.review(flu).status == "other_service"
    [failed] = list(reviewer.review_many([("x", "   ")]))
    assert failed.status == "error"
    assert Review.failed("y", "boom").to_dict()["status"] == "error"


def test_record_carries_the_new_fields(reviewer):
    data = reviewer.review(OFFICE_B12).to_dict()
    assert data["note_type"] == "office_visit"
    assert data["status"] == "ready"
    assert data["note_type_evidence"] == []
    assert data["administrations"][0]["setting"] == "this_encounter"


def test_flat_row_has_status_and_note_type(reviewer):
    from cleanclaim.batch.io import FLAT_COLUMNS, flat_row

    assert {"status", "note_type"} <= set(FLAT_COLUMNS)
    row = flat_row(reviewer.review(OFFICE_B12).to_dict())
    assert row["status"] == "ready" and row["note_type"] == "office_visit"
    assert flat_row({"id": "z", "error": "bad row"})["status"] == "error"


def test_settings_table_is_validated_and_in_the_rules_version():
    table = res.settings()
    assert {c.setting for c in table.cues} >= {"within_procedure", "inpatient", "order_only"}
    bad = (
        '{"version": "x", "note_types": [], "cues": [{"setting": "inpatient", "patterns": ["("]}]}'
    )
    with pytest.raises(res.ResourceError):
        res.load_table(res.SettingsTable, "settings.json", bad)
    assert "settings" in res.TABLES
    other = {**res.packaged_tables(), "settings": table.model_copy(update={"header_chars": 10})}
    assert res.rules_version(other) != res.rules_version()


# Drug-class words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Steroid shot given IM R glute today for poison ivy dermatitis (L23.7). "
        "Rx: prednisone 20 mg PO daily x5 days. RN",
        "Pain injection given in the L deltoid IM today for acute low back pain (M54.50). "
        "Continue ibuprofen 600 mg PO.",
        "Schizophrenia (F20.9). LAI given today IM R deltoid, tolerated. "
        "Meds: olanzapine 10 mg PO nightly.",
        "Here for the 3-month shot. Contraception (Z30.42). Given IM L deltoid today, tolerated. "
        "Uses clotrimazole cream.",
        "Seasonal allergic rhinitis (J30.2).\nAllergy shot 1 mL given IM R deltoid, tolerated.",
        "Gonorrhea (A54.00). IM antibiotic given R glute today. Doxycycline 100 mg PO BID x7 days.",
        "Antiemetic injection given IM today for vomiting (R11.10). Ondansetron 4 mg ODT Rx sent.",
    ],
)
def test_drug_class_words_are_drug_missing_and_never_lent_to_another_drug(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes
    assert review.status == "gaps"
    named_given = [a.drug for a in review.administrations if a.given and a.drug]
    assert named_given == []


@pytest.mark.parametrize(
    "note",
    [
        "Steroid shot: Kenalog 40 mg IM R glute given today for poison ivy dermatitis (L23.7). RN",
        "Schizophrenia (F20.9). Invega Sustenna 156 mg IM R deltoid given today (her monthly LAI). RN",
        "Allergic rhinitis (J30.81). Allergy shot: standardized cat extract 0.3 mL SC L arm given.",
        OFFICE_B12 + " Discussed that a steroid shot will not help her fatigue.",
    ],
)
def test_class_words_next_to_a_named_drug_do_not_fire(reviewer, note):
    review = reviewer.review(note)
    assert "DRUG_MISSING" not in review.gap_codes
    assert any(a.given and a.drug for a in review.administrations)


# Plans and orders for later ------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Schizophrenia (F20.9). Will give Invega Sustenna 234 mg IM next visit, R deltoid.",
        "Pernicious anemia (D51.0). Start B12 injections next month: cyanocobalamin 1000 mcg IM "
        "L deltoid.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid; return Friday for the "
        "injection.",
        "Pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM L deltoid.\nOrder placed.",
        "Hypogonadism (E29.1). Testosterone cypionate 200 mg IM R glute - he will get the shot "
        "at his next appointment.",
    ],
)
def test_plans_and_orders_for_later_are_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.injections == 0
    assert "NOT_ADMINISTERED" in review.gap_codes
    assert review.status == "no_injection"


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today, next "
        "injection in 4 weeks. RN",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given, tolerated. Return "
        "in 4 weeks for the next injection. RN",
        "Contraception (Z30.42). Depo-Provera 150 mg IM R deltoid given today; next dose due in "
        "12 weeks, order placed for the next visit. RN",
    ],
)
def test_a_given_dose_with_a_plan_for_the_next_one_stays_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True, review.gap_codes


@pytest.mark.parametrize(
    "note",
    [
        "GYN OFFICE PROCEDURE: endometrial biopsy\nIndication: postmenopausal bleeding (N95.0).\n"
        "Pre-procedure: ketorolac 30 mg IM R deltoid given for procedural pain control.\n"
        "Procedure: pipelle passed, tissue obtained.",
        "Colonoscopy report\nPremedication: promethazine 12.5 mg IM given prior to the procedure.",
    ],
)
def test_premedication_for_a_procedure_is_bundled(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None
    assert "within_procedure" in _settings(review).values()


def test_an_operative_note_without_a_title_is_read_from_its_sections(reviewer):
    note = (
        "PREOPERATIVE DIAGNOSIS: right inguinal hernia.\nPOSTOPERATIVE DIAGNOSIS: same.\n"
        "PROCEDURE PERFORMED: open right inguinal hernia repair with mesh.\n"
        "ANESTHESIA: general endotracheal.\n"
        "DESCRIPTION: the patient was brought to the operating room. Cefazolin 2 g IV was given. "
        "Ketorolac 30 mg IM was given to the right deltoid. The hernia sac was reduced.\n"
        "ESTIMATED BLOOD LOSS: 10 mL."
    )
    review = reviewer.review(note)
    assert review.note_type == "operative_procedure"
    assert review.claim_ready is False
    assert review.service_code is None
    assert review.status == "other_service"


def test_an_office_procedure_under_local_anesthesia_does_not_bundle_a_separate_injection(
    reviewer,
):
    note = (
        "PROCEDURE: incision and drainage, L axillary abscess (L02.412)\n"
        "Anesthesia: lidocaine 1% with epinephrine 5 mL local field block.\n"
        "Technique: 1.5 cm incision, purulent material expressed, packed.\n"
        "Pain management: ketorolac 30 mg IM R deltoid given at 15:20 for post-procedural pain "
        "from the abscess, tolerated. RN"
    )
    review = reviewer.review(note)
    assert _settings(review)["ketorolac"] == "this_encounter"
    assert review.service_code == "96372"


def test_no_im_meds_statement_cancels_an_im_dose_but_not_a_joint_injection(reviewer):
    joint = (
        "Procedure: L glenohumeral joint injection, intra-articular triamcinolone 40 mg into the "
        "L shoulder. Adhesive capsulitis (M75.02).\nNo IM meds given."
    )
    review = reviewer.review(joint)
    assert review.service_code == "20610"
    assert review.status == "other_service"
    im = "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\n\nNo IM meds given."
    assert reviewer.review(im).claim_ready is False


def test_a_consult_on_an_admitted_patient_places_its_doses_inpatient(reviewer):
    inpatient = (
        "PSYCHIATRY CONSULTATION\nInpatient consult requested by hospital medicine for agitation.\n"
        "Agitation (R45.1). Haloperidol 2 mg IM R deltoid given at 14:10 by the floor nurse."
    )
    review = reviewer.review(inpatient)
    assert review.claim_ready is False
    assert "inpatient" in _settings(review).values()
    outpatient = (
        "PSYCHIATRIC CONSULTATION - Outpatient\nDischarged from the inpatient unit 10 days ago.\n"
        "Schizoaffective disorder (F25.0). Invega Sustenna 156 mg IM R deltoid given today at "
        "15:05 by clinic RN."
    )
    assert reviewer.review(outpatient).claim_ready is True


@pytest.mark.parametrize(
    "note",
    [
        "REASON FOR CONSULT: confusion.\nHPI: 80M who was admitted to the Physical Medicine and "
        "Rehabilitation service after a stroke. Overnight he was agitated and needed Haldol 1 mg "
        "intramuscularly. Delirium (R41.0).",
        "CONSULTATION\n60F admitted for inpatient rehab after hip fracture. Received "
        "ketorolac 15 mg IM R deltoid at 06:00 for pain. Hip pain (M25.551).",
    ],
)
def test_a_consult_on_a_patient_admitted_to_a_named_service_places_doses_inpatient(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "inpatient" in _settings(review).values()


def test_an_office_consult_mentioning_an_earlier_admission_keeps_todays_dose(reviewer):
    note = (
        "CONSULTATION\nShe was admitted to the medicine service last year for pneumonia. Today "
        "in clinic: pernicious anemia (D51.0); cyanocobalamin 1000 mcg IM L deltoid given by "
        "J. Doe, RN."
    )
    assert reviewer.review(note).claim_ready is True


# Issue 11, charts round 3: wording variants of real exports ---------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "D/C SUMMARY\nDx: cellulitis L leg (L03.116).\nCourse: cefazolin 2 g IV q8h x4 days. "
        "Heparin 5000 units SC q8h for VTE prophylaxis.\nD/C meds: cephalexin 500 mg PO QID.",
        "DC Summary (brief)\nAdmitted for COPD exacerbation (J44.1). Methylprednisolone 40 mg IV "
        "daily, then prednisone. Enoxaparin 40 mg subcut daily.\nDC meds: prednisone taper.",
        "FINAL DIAGNOSES\n1. Morbid obesity.\n\nBRIEF HOSPITAL COURSE SUMMARY: after surgery "
        "she went to the floor; enoxaparin 40 mg SC was given for prophylaxis, ambulating day 1.",
    ],
)
def test_discharge_summaries_by_their_short_titles_are_not_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.note_type == "discharge_summary"
    assert review.claim_ready is False
    assert review.service_code is None


@pytest.mark.parametrize(
    "note",
    [
        "PREOPERATIVE DIAGNOSES\n1. Inguinal hernia, right.\n\nPOSTOPERATIVE DIAGNOSES\n"
        "1. Same.\n\nThe patient was brought to the operating room. Heparin 5000 units was given. "
        "The incision was closed.",
        "OPERATION: Excision of a lipoma of the back.\n\nThe patient was prepped and draped in "
        "the usual fashion. Versed and fentanyl were given in divided doses. The mass was removed.",
        "INDICATIONS FOR PROCEDURE: chest pain.\n\nThe patient was taken to the cath lab. He "
        "received a total of 3 mg of Versed and 75 mcg of fentanyl with good effect. Estimated "
        "blood loss minimal.",
        "The patient was prepped and draped. The skin was marked, then Marcaine 0.25% was used as "
        "a local anesthetic. Estimated blood loss was 10 mL.",
    ],
)
def test_operative_narratives_without_titles_bundle_their_drugs(reviewer, note):
    review = reviewer.review(note)
    assert review.note_type == "operative_procedure"
    assert review.claim_ready is False
    assert review.service_code is None
    assert review.injections == 0


def test_an_office_procedure_label_does_not_bundle_an_injection_without_a_route(reviewer):
    # "Procedure:" alone (an office injection note's label) is not a narrated operation: the
    # injection stays this encounter's (its route gap is a documentation gap, not a bundle)
    note = (
        "Procedure: B12 injection.\nPernicious anemia (D51.0). Cyanocobalamin 1000 mcg given "
        "today, tolerated. J. Doe, RN"
    )
    review = reviewer.review(note)
    assert _settings(review)["cyanocobalamin"] == "this_encounter"
    assert review.service_code == "96372"


def test_an_office_laceration_repair_keeps_its_separate_im_injection(reviewer):
    note = (
        "URGENT CARE - PROCEDURE NOTE\nAnesthesia: 1% lidocaine local, 4 mL.\nLaceration of the "
        "L forearm (S51.812A) irrigated and closed with 5 sutures, EBL minimal.\nKetorolac 60 mg "
        "IM R ventrogluteal given here for pain, tolerated. M. Ames, RN"
    )
    review = reviewer.review(note)
    assert _settings(review)["ketorolac"] == "this_encounter"
    assert review.service_code == "96372"


@pytest.mark.parametrize(
    "note",
    [
        "HPI: went to an urgent care 3 days ago where he received ceftriaxone 1 g IM for a "
        "presumed UTI (N39.0). Today: feels better, no injection needed.",
        "She presented to the ER on Monday and was given ketorolac 30 mg IM there; seen today "
        "for follow-up of low back pain (M54.50).",
        "Per mother, two days ago he received penicillin G benzathine IM at the health fair. "
        "Strep pharyngitis (J02.0) follow-up.",
        "Seen in the ED last night. They gave promethazine 25 mg IM and discharged him; here "
        "today for gastroenteritis (A08.4) follow-up.",
    ],
)
def test_doses_from_another_place_or_day_are_not_given_here(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


def test_an_earlier_dose_elsewhere_does_not_cancel_todays_injection(reviewer):
    note = (
        "Pernicious anemia (D51.0). Received cyanocobalamin at the pharmacy 2 months ago. "
        "Cyanocobalamin 1000 mcg IM L deltoid given in clinic today, tolerated. J. Doe, RN"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert _settings(review)["cyanocobalamin"] == "this_encounter"


@pytest.mark.parametrize(
    "note",
    [
        "Acute otitis media (H66.91). PRN antibiotic injection ordered and given IM L thigh by "
        "RN, tolerated.",
        "Tx: steroid injection administered IM R glute (observed 20 min, no rash, no SOB). "
        "Poison ivy dermatitis (L23.7).",
        "Due for the antipsychotic injection; given today IM R deltoid, tolerated. F20.9.",
    ],
)
def test_class_words_with_order_or_aside_wording_are_still_drug_missing(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes
    assert review.service_code == "96372"


@pytest.mark.parametrize(
    "note",
    [
        "Steroid shot not given today: patient declined. Poison ivy (L23.7).",
        "Pain injection discussed, will give next visit if no better. M54.50.",
        "Wants the allergy shot but it is due next week. J30.2.",
    ],
)
def test_class_words_not_given_or_asked_for_stay_no_injection(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Patient did not receive the injection: vial expired. "
        "Cyanocobalamin 1000 mcg IM planned.",
        "Hypogonadism (E29.1). Unable to give the injection today - pharmacy delay. "
        "Testosterone cypionate 200 mg IM.",
        "Contraception (Z30.42). Medication out of stock. Depo-Provera 150 mg IM L deltoid.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM. Will give the injection at the "
        "next visit.",
    ],
)
def test_nothing_given_and_future_variants_are_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False


def test_a_plan_lines_im_route_is_not_todays_route(reviewer):
    note = (
        "A/P: Vitamin B12 deficiency after gastrectomy (E53.8). Cyanocobalamin 1,000 mcg given "
        "today to the R deltoid by MA, tolerated.\nPlan: cyanocobalamin 1000 mcg IM monthly."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "ROUTE_MISSING" in review.gap_codes


def test_an_order_route_against_the_given_route_stays_a_conflict(reviewer):
    note = (
        "Renal colic (N23).\nOrder: ketorolac 30 mg IV once.\nMAR: ketorolac 30 mg IM L "
        "ventrogluteal given 14:10 by RN."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False


def test_a_given_route_with_the_same_plan_route_stays_ready(reviewer):
    note = (
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM given today L deltoid by RN, "
        "tolerated.\nPlan: cyanocobalamin 1000 mcg IM monthly."
    )
    review = reviewer.review(note)
    assert review.claim_ready is True


def test_an_epidural_injection_in_a_procedure_report_is_its_own_procedure_code(reviewer):
    note = (
        "PREOPERATIVE DIAGNOSIS: lumbar radiculopathy (M54.16).\nPROCEDURE: lumbar epidural "
        "steroid injection at L4-5.\nThe patient was prepped and draped. Under fluoroscopy the "
        "epidural space was entered and methylprednisolone acetate 80 mg was injected into the "
        "epidural space. Estimated blood loss none."
    )
    review = reviewer.review(note)
    assert review.service_code in ("62323", "62321")
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\nPatient declined "
        "injection today, wants to wait.",
        "Hypogonadism (E29.1). Testosterone cypionate 200 mg IM.\nInjection was not performed "
        "today due to elevated hematocrit.",
        "Hypogonadism (E29.1). Testosterone cypionate 200 mg IM R glute.\nPt refused the shot "
        "today.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\nDid not give "
        "injection today - no stock.",
        "Schizophrenia (F20.9). Invega Sustenna 234 mg IM deltoid scheduled for 11/14.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid. Nurse visit tomorrow "
        "for the shot.",
        "Hypogonadism (E29.1). Testosterone cypionate 200 mg IM given by home health nurse on "
        "3/2. Labs today.",
        "Gonorrhea (A54.00). Shot of antibiotics given IM L glute. Azithromycin 1 g PO once "
        "given in clinic.",
    ],
)
def test_more_not_given_future_elsewhere_and_class_wordings_are_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Declined the injection last month because of cost; agreeable "
        "today. Cyanocobalamin 1000 mcg IM L deltoid given today by RN.",
        "Hypogonadism (E29.1). Previously refused shots. Testosterone cypionate 200 mg IM R "
        "glute given today by MA, tolerated.",
        "Pernicious anemia (D51.0). She declined the flu shot. Cyanocobalamin 1000 mcg IM L "
        "deltoid given today by RN.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today by RN. "
        "Next dose scheduled for 12/01.",
    ],
)
def test_past_refusals_other_drugs_and_next_doses_do_not_cancel_todays_injection(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True


def test_a_dose_given_in_the_ed_is_this_encounter_in_the_eds_own_note(reviewer):
    note = (
        "ED NOTE\n24M with dysuria and urethral discharge. Gonococcal urethritis (A54.01).\n"
        "Treatment: ceftriaxone 500 mg IM given in the ED at 21:05 by RN, observed 15 min."
    )
    review = reviewer.review(note)
    assert _settings(review)["ceftriaxone"] == "this_encounter"
    assert review.service_code == "96372"


def test_a_dose_given_in_the_ed_is_history_in_an_office_note(reviewer):
    note = (
        "Office follow-up. Gonococcal urethritis (A54.01): ceftriaxone 500 mg IM was given in "
        "the ED 3 days ago. Symptoms resolving. Test of cure not needed."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


@pytest.mark.parametrize(
    "note",
    [
        "ED PROVIDER NOTE\nRenal colic (N23).\nORDERS\n  ketorolac 30 mg IV once STAT\n"
        "MEDICATION ADMINISTRATION\n  Time  Medication  Dose  Route  Site\n"
        "  10:05  ketorolac  30 mg  IM  R VG",
        "Migraine (G43.909). Order: prochlorperazine 10 mg IV once.\nNursing: prochlorperazine "
        "10 mg given IM L deltoid at 15:20, tolerated.",
    ],
)
def test_an_iv_order_against_an_im_administration_is_a_96372_route_conflict(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code == "96372"
    assert "ROUTE_CONFLICT" in review.gap_codes


def test_both_tolerated_records_each_listed_dose_of_a_multi_service_visit(reviewer):
    note = (
        "Nurse visit, two services\n1) Influenza vaccine 0.5 mL IM L deltoid, lot AB12, VIS "
        "given. Z23.\n2) Cyanocobalamin 1000 mcg IM R deltoid, monthly maintenance. Pernicious "
        "anemia (D51.0).\nBoth tolerated, observed 15 min. RN"
    )
    review = reviewer.review(note)
    assert review.service_code == "96372"
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "last",
    ["Both tolerated well in the past.", "Both discussed, will decide next visit."],
)
def test_both_wording_about_the_past_or_a_plan_gives_nothing(reviewer, last):
    note = (
        "Medications: 1) cyanocobalamin 1000 mcg IM monthly; 2) medroxyprogesterone 150 mg IM "
        "q12 weeks. Pernicious anemia (D51.0). " + last
    )
    review = reviewer.review(note)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "note",
    [
        "Skin cleaned with chlorhexidine and sterile towels placed. We infiltrated the planned "
        "incision with local and then cut down. The gallbladder was removed. Estimated blood loss 20 mL.",
        "PROCEDURE: left heart catheterization.\nUnder fluoroscopic guidance a 6-French sheath "
        "was placed in the right radial artery. Heparin 4000 units was given. Angiograms done.",
    ],
)
def test_injections_inside_a_narrated_operation_are_part_of_it(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


def test_an_unnamed_office_injection_is_still_a_drug_missing_96372(reviewer):
    note = (
        "Procedure: IM injection given R deltoid by RN, tolerated. Dx: pernicious anemia (D51.0)."
    )
    review = reviewer.review(note)
    assert review.service_code == "96372"
    assert "DRUG_MISSING" in review.gap_codes


def test_her_injectable_is_a_class_word_never_lent_to_an_oral_drug(reviewer):
    note = (
        "Schizophrenia (F20.9). Pt received her injectable today IM R deltoid. Olanzapine 10 mg "
        "PO qhs."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes


@pytest.mark.parametrize(
    "note",
    [
        "Schizophrenia (F20.9). Here for her injectable. Invega Sustenna 156 mg IM L deltoid "
        "given today by RN, tolerated.",
        "Contraception (Z30.42). Prefers the injectable form. Medroxyprogesterone 150 mg IM R "
        "deltoid given today by RN.",
    ],
)
def test_injectable_next_to_the_named_drug_stays_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM L deltoid\nInjection: not given\nRN",
        "Pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM L deltoid.\nAdministration: none "
        "today.",
        "Pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM L deltoid.\nMed given: N",
        "Hypogonadism (E29.1). Testosterone cypionate 200 mg IM R glute.\nPatient no-showed for "
        "the nurse injection appointment.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\nVisit ended before "
        "administration (fire alarm).",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\nPt declined today; "
        "will return next week.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\nPatient opted to defer "
        "the injection.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid. Injection to be "
        "scheduled with nursing.",
    ],
)
def test_field_and_narrative_not_given_statements_are_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM given at Walgreens on 3/1. Seen "
        "today for fatigue.",
        "Pernicious anemia (D51.0). Per outside records, cyanocobalamin 1000 mcg IM L deltoid "
        "given 11/02.",
        "Schizophrenia (F20.9). Invega Sustenna 156 mg IM deltoid administered at the inpatient "
        "unit before discharge on 10/30.",
    ],
)
def test_doses_at_a_pharmacy_per_outside_records_or_on_the_unit_are_not_given_here(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "note",
    [
        "Ectopic pregnancy (O00.101). Methotrexate 86 mg drawn by pharmacy and injected IM L "
        "gluteal today, tolerated.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today by RN. "
        "Patient declined a chaperone.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today by RN. "
        "Not given last month because of travel.",
    ],
)
def test_pharmacy_preparation_and_other_refusals_do_not_cancel_the_dose(reviewer, note):
    review = reviewer.review(note)
    assert review.administrations[0].given is True


@pytest.mark.parametrize(
    "note",
    [
        "Low back pain (M54.50). Injection for pain given IM R glute. Naproxen 500 mg PO BID.",
        "Hypogonadism (E29.1). T shot given IM R glute today. Anastrozole 1 mg PO weekly.",
        "Acute gout (M10.9). Steroid IM 40 mg R glute given. Colchicine 0.6 mg PO BID.",
    ],
)
def test_an_injection_is_never_lent_to_the_notes_only_oral_drug(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes


def test_an_injection_with_its_own_oral_follow_up_drug_named_stays_ready(reviewer):
    note = (
        "Acute gout flare (M10.9). Ketorolac 60 mg IM R glute given today by RN, tolerated. "
        "Colchicine 0.6 mg PO BID x3 days."
    )
    review = reviewer.review(note)
    assert review.claim_ready is True


def test_an_emergency_department_course_section_makes_an_ed_note(reviewer):
    note = (
        "HISTORY: 40M with back spasm after lifting.\n\nEMERGENCY DEPARTMENT COURSE: the patient "
        "was given ketorolac 60 mg IM with relief. Dx: lumbar strain (S39.012A)."
    )
    review = reviewer.review(note)
    assert review.note_type == "ed"


# A drug that says it is no injection never takes another sentence's injection ---------------


@pytest.mark.parametrize(
    "note",
    [
        "Contraception (Z30.42). Here for her shot. Given IM L deltoid 1 mL. Meds: sertraline "
        "50 mg.",
        "Vertigo (R42). Antivert 25 mg PO Rx. Nausea med shot given IM, tolerated.",
        "Gastroenteritis (A08.4). Shot for nausea given IM L deltoid. Rx: ondansetron 4 mg ODT.",
        "Poison ivy dermatitis (L23.7). Steroid IM injection given L glute. Rx prednisone 20 mg.",
        "Cystitis (N30.00). Antibiotic given IM x1 in R ventrogluteal. Nitrofurantoin 100 mg "
        "cap BID.",
        "Dermatitis (L30.9). Triamcinolone 0.1% cream BID. Patient given corticosteroid IM "
        "R glute.",
        "Back spasm (M62.830). Muscle relaxer shot given IM L glute. Cyclobenzaprine 10 mg tab "
        "qhs.",
        "Dx: Gout, left foot (M10.072)\nPlan: Toradol discussed - declined. Steroid shot given IM "
        "L glute 1 mL. Colchicine 0.6 mg Rx.",
        "Diagnosis: Acute bronchitis (J20.9)\nOrders: Rocephin 1 g IM x1 ordered\nProcedure: IM "
        "antibiotic administered L ventrogluteal, tolerated.",
    ],
)
def test_an_oral_or_listed_drug_never_takes_an_unnamed_injection(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes
    assert review.service_code == "96372"
    assert [a.drug for a in review.administrations if a.given and a.drug] == []


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg given.\nRoute: IM\nSite: L deltoid\n"
        "Meds: metformin 500 mg tab BID. J. Doe, RN",
        "Contraception (Z30.42). Medroxyprogesterone 150 mg/mL given. IM R deltoid, tolerated. "
        "Rx: ibuprofen 600 mg tab PRN. J. Doe, RN",
        OFFICE_B12 + " Meds: sertraline 50 mg daily; s/p cholecystectomy 2019.",
        "Migraine (G43.909). Toradol 60 mg IM R glute ordered and given at 15:10 by J. Doe, RN. "
        "Rx: sumatriptan 50 mg tablet PRN.",
    ],
)
def test_a_named_injection_keeps_its_route_next_to_an_oral_drug(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert "DRUG_MISSING" not in review.gap_codes


# Administration-record rows that do not chart the dose as given ---------------------------------

_MAR = "MEDICATION ADMINISTRATION RECORD\n"


@pytest.mark.parametrize(
    "note",
    [
        _MAR + "Time | Medication | Dose | Route | Site | Given | Init\n"
        "0900 | Ceftriaxone | 1 g | IM | L glute |  | \nDx: Pyelonephritis (N10)",
        _MAR + "Med | Dose | Route | Site | Admin time | Init\n"
        "Ceftriaxone | 1 g | IM | L ventrogluteal | (not charted) | AB\nDx: Pyelonephritis (N10)",
        _MAR + "| Time | Medication | Dose | Route | Site | Status |\n"
        "| 0900 | Ceftriaxone | 1 g | IM | L glute | not documented |\nDx: Pyelonephritis (N10)",
        "MAR\nMedication\tDose\tRoute\tSite\tTime given\tBy\n"
        "Ketorolac\t30 mg\tIM\tR deltoid\tnot documented\t\nDx: Renal colic (N23)",
        "ED eMAR\n10:02 | ketorolac 30 mg | IM | R deltoid | (not charted) | \n"
        "Dx: Renal colic (N23)",
    ],
)
def test_a_mar_row_not_charted_as_given_is_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.status == "no_injection"
    assert "NOT_ADMINISTERED" in review.gap_codes


@pytest.mark.parametrize(
    "note",
    [
        _MAR + "Time | Medication | Dose | Route | Site | Given | Init\n"
        "0900 | Ceftriaxone | 1 g | IM | L glute | yes | AB\nDx: Pyelonephritis (N10)",
        "MAR\nMedication\tDose\tRoute\tSite\tTime given\tBy\n"
        "Ketorolac\t30 mg\tIM\tR deltoid\t10:04\tAB RN\nDx: Renal colic (N23)",
        # a second drug's row not given leaves the first one given
        _MAR + "Time | Medication | Dose | Route | Site | Status\n"
        "0900 | Ceftriaxone | 1 g | IM | L glute | given\n"
        "0905 | Ketorolac | 30 mg | IM | R glute | held\nDx: Pyelonephritis (N10)",
    ],
)
def test_a_mar_row_charted_as_given_stays_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True
    given = [a.drug for a in review.administrations if a.given]
    assert len(given) == 1


# Doses given elsewhere or earlier, with the note saying nothing was given here ------------------


@pytest.mark.parametrize(
    "note",
    [
        "Transferred from the outside hospital where she received ketorolac 30 mg IM and "
        "ondansetron 4 mg IM. Migraine (G43.909). No additional medications administered.",
        "Seen in urgent care 12/1: Depo-Medrol 80 mg IM given L glute for asthma exacerbation "
        "(J45.901). Today: lungs clear.",
        "Ceftriaxone 250 mg IM R VG administered by Dr. Smith's office on Monday. Dx: gonorrhea "
        "A54.00. Seen today for test of cure, no treatment given.",
        "Ceftriaxone 1 g IM administered in urgent care earlier today. Pyelonephritis (N10). "
        "Patient left before the ED injection.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given on Tuesday at her "
        "daughter's clinic.",
    ],
)
def test_doses_given_elsewhere_or_earlier_are_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.status == "no_injection"
    assert "NOT_ADMINISTERED" in review.gap_codes


@pytest.mark.parametrize(
    "note",
    [
        "Pt received Depo-Provera at the health department 3 months ago. Contraception "
        "(Z30.42). Medroxyprogesterone 150 mg IM given R deltoid today. Tolerated. J. Doe RN",
        "Had B12 at an outside clinic last month; seen in urgent care 11/2 for a cold. Pernicious "
        "anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today by J. Doe, RN.",
        "Migraine (G43.909). Ketorolac 30 mg IM and ondansetron 4 mg IM given here in the "
        "office, R and L deltoid. No other medications given. J. Doe, RN",
    ],
)
def test_an_earlier_dose_elsewhere_does_not_unmake_todays_injection(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.status == "ready"


# A plan line's done act followed by a sentence saying it was given --------------------------


@pytest.mark.parametrize(
    "note",
    [
        "S: 4 y/o with ear pain, vomits amoxicillin.\nA: Acute otitis media (H66.91).\n"
        "P: Ceftriaxone 50 mg/kg = 750 mg IM L anterolateral thigh. Tolerated, observed 15 min. "
        "J. Doe, RN",
        "A: Pernicious anemia (D51.0).\nPlan: cyanocobalamin 1000 mcg IM R deltoid. Patient "
        "tolerated well. J. Doe, RN",
    ],
)
def test_a_plan_line_done_act_then_tolerated_is_given(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "note",
    [
        "A: Acute otitis media (H66.91).\nP: Ceftriaxone 750 mg IM L thigh if no better in "
        "two days. Tolerated the exam well.",
        "A: Pernicious anemia (D51.0).\nPlan: cyanocobalamin 1000 mcg IM R deltoid.\n\n"
        "Flu vaccine last fall, tolerated.",
    ],
)
def test_a_plan_line_with_a_condition_or_schedule_stays_planned(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False


# IV hydration (96360) against a fluid that carries a drug ---------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Urgent care. Dehydration (E86.0) from gastroenteritis. Normal saline 1000 mL IV infusion "
        "over 60 minutes via R AC, started 10:00, completed 11:02. No medications given.",
        "ED note. Dehydration (E86.0). NS 1 L IV over 1 hr. Tolerated. Discharged.",
        "Dx: AKI, dehydration (E86.0). Hydration: D5 1/2NS 1000 mL IV at 250 mL/hr x 4h.",
        "Peds ED. Dehydration (E86.0), 14 kg. NS 20 mL/kg bolus IV (280 mL) over 20 min.",
        "MAR\nTime | Medication | Dose | Route | Site\n10:00 | Lactated Ringer's | 1000 mL | "
        "IV infusion | L AC\nDx: dehydration E86.0",
    ],
)
def test_a_liter_of_fluid_given_on_its_own_is_hydration(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code == "96360"
    assert review.status == "other_service"


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Iron deficiency anemia (D50.9). Iron sucrose 200 mg in 250 mL NS IV infusion over "
            "30 min. Start 09:00, end 09:32.",
            "96365",
        ),
        ("Dehydration (E86.0). Ondansetron 4 mg IV push. NS 1 L IV bolus over 1 hour.", "96374"),
        ("KVO: NS at 20 mL/hr. Ondansetron 4 mg IV push given. Nausea (R11.0).", "96374"),
        ("ED note. Dehydration (E86.0). Plan: NS 1 L IV bolus if unable to tolerate PO.", None),
        (
            "ORDER SET: ED headache\n[x] sodium chloride 0.9% bolus 1,000 mL IV over 60 min\n"
            "[x] metoclopramide 10 mg IV once\nOrder status: pending; no administrations charted.",
            None,
        ),
        (
            "CT angiography. A 20 cc saline bolus was injected intravenously to confirm patency. "
            "90 cc saline bolus chaser after contrast.",
            None,
        ),
        ("ED. Normal saline lock placed R AC. Ondansetron 4 mg IV push given. R11.0", "96374"),
    ],
)
def test_a_carrier_a_keep_open_line_or_a_planned_bolus_is_not_hydration(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code


def test_an_im_injection_with_a_saline_bolus_stays_ready(reviewer):
    note = (
        "Urgent care. Gastroenteritis with dehydration (E86.0), nausea with vomiting (R11.2). "
        "Promethazine 25 mg IM given R glute at 10:05 by J. Doe RN. NS 1 L IV bolus over 1 h."
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.service_code == "96372"
    assert "ROUTE_CONFLICT" not in review.gap_codes


# An injection procedure named on its own line ------------------------------------------------


def test_a_named_injection_procedure_is_the_service_of_its_routeless_drug(reviewer):
    note = (
        "PROCEDURE NOTE\nProcedure: bilateral L4-5 and L5-S1 facet joint injections under "
        "fluoroscopic guidance.\nAfter sterile prep, 0.5 mL of 0.5% bupivacaine with 10 mg "
        "triamcinolone was injected at each level. Dx: lumbar spondylosis (M47.816)."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code == "64493"
    assert review.status == "other_service"


def test_an_operation_naming_an_injection_keeps_its_drugs_bundled(reviewer):
    note = (
        "OPERATIVE REPORT\nProcedure: right knee arthroscopy with partial medial meniscectomy.\n"
        "After induction of general anesthesia the knee was prepped and draped. Cefazolin 2 g "
        "was given before incision. At the end of the case the portals were closed. "
        "Estimated blood loss: minimal. No intra-articular injection was performed."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Trochanteric bursitis, right (M70.61). Consent signed. Lidocaine 1% plain, 5 mL, went "
            "into the bursa through a 22 gauge needle; then, same needle, 1 mL of Depo-Medrol "
            "80 mg was injected. Tolerated.",
            "20610",
        ),
        (
            "Right knee OA (M17.11). 4 mL of 1% lidocaine was injected into the knee joint via "
            "superolateral approach. Then 40 mg of Kenalog was injected through the same needle.",
            "20610",
        ),
    ],
)
def test_a_steroid_injected_through_the_joint_or_bursa_needle_is_that_procedure(
    reviewer, note, code
):
    review = reviewer.review(note)
    assert review.service_code == code
    assert review.status == "other_service"


def test_a_joint_injection_elsewhere_in_the_note_does_not_take_an_office_injection(reviewer):
    note = (
        "Right knee OA (M17.11). Lidocaine 1% 3 mL injected into the knee joint.\n\n"
        "Separately, for B12 deficiency (E53.8), cyanocobalamin 1000 mcg given, tolerated."
    )
    review = reviewer.review(note)
    assert review.service_code == "96372"
    assert "ROUTE_MISSING" in review.gap_codes


# A drug named with a not-given statement of its own ------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid.\nAddendum: B12 was "
        "not given today, out of stock.",
        "Pernicious anemia (D51.0). The nurse prepared cyanocobalamin 1000 mcg IM, but the "
        "patient fainted before it could be given. Will retry next week.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid - due.",
        "NURSING HOME VISIT\nB12 deficiency (E53.8). Cyanocobalamin 1000 mcg IM given by the "
        "facility nurse per MAR. Labs reviewed.",
    ],
)
def test_a_drug_with_its_own_not_given_statement_is_never_ready(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.status == "no_injection"


@pytest.mark.parametrize(
    "note",
    [
        OFFICE_B12 + " Ketorolac was not given because of CKD.",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today by RN. "
        "Not given last month because of travel.",
    ],
)
def test_a_not_given_statement_about_another_drug_or_time_keeps_the_dose(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is True


def test_a_drug_not_started_given_the_injection_is_not_given(reviewer):
    note = (
        "Allergic contact dermatitis due to poison ivy (L23.7). Depo-Medrol 80 mg IM L upper "
        "outer gluteal, tolerated. Plan: prednisone not started given injection today. Cool "
        "compresses. J. Doe, PA-C"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert [a.drug for a in review.administrations if a.given] == ["methylprednisolone acetate"]


@pytest.mark.parametrize(
    ("note", "ready"),
    [
        (
            "B12 deficiency, resolved (E53.8). Cyanocobalamin 1000 mcg IM L deltoid given by RN "
            "J. Doe.",
            False,
        ),
        (
            "Anemia ruled out (D64.9). Cyanocobalamin 1000 mcg IM L deltoid given by RN J. Doe.",
            False,
        ),
        (
            "Pernicious anemia (D51.0), B12 level resolved to normal on injections. "
            "Cyanocobalamin 1000 mcg IM L deltoid given by RN J. Doe.",
            True,
        ),
    ],
)
def test_a_code_written_after_resolved_is_not_current(reviewer, note, ready):
    assert reviewer.review(note).claim_ready is ready


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "ED. Pyelonephritis (N10), nausea (R11.0). Ondansetron 4 mg IV push at 10:00. "
            "Ceftriaxone 1 g IVPB over 30 min at 10:05.",
            "96365",
        ),
        (
            "ED. Dehydration (E86.0), migraine (G43.909). NS 1 L IV bolus over 1 h at 10:00. "
            "Metoclopramide 10 mg IV push 10:05.",
            "96374",
        ),
        ("ED. Nausea (R11.0). Ondansetron 4 mg IV push at 10:00.", "96374"),
    ],
)
def test_an_infusion_names_the_service_before_a_push_before_hydration(reviewer, note, code):
    assert reviewer.review(note).service_code == code


# An unnamed injection and a drug outside the curated injectables ------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Low back pain (M54.50). Injection given IM R glute by RN J. Doe. Pt takes ibuprofen "
        "800 mg.",
        "Gout flare (M10.072). Patient was given a shot IM in the L glute. She has been using "
        "indomethacin 50 mg.",
        "Acute sinusitis (J01.90). Shot given today IM R deltoid 1 mL. Continue amoxicillin "
        "875 mg.",
        "Low back pain (M54.50). Gave 60 mg IM R glute. On naproxen 500 mg.",
    ],
)
def test_an_unnamed_injection_is_never_lent_to_a_drug_of_another_sentence_outside_the_table(
    reviewer, note
):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes


def test_a_table_injectable_still_takes_its_template_fields(reviewer):
    note = (
        "Pernicious anemia (D51.0)\nMedication: cyanocobalamin 1000 mcg\nRoute: IM\n"
        "Site: L deltoid\nGiven by: J. Doe RN 10:05. Also takes ibuprofen 400 mg."
    )
    review = reviewer.review(note)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Received cyanocobalamin 1000 mcg IM L deltoid on 11/02 at "
        "clinic. Today: labs only, nothing administered.",
        "Renal colic (N23). Ketorolac 30 mg IM given at urgent care before arrival. In ED: "
        "ketorolac not repeated; no medications given.",
    ],
)
def test_an_earlier_dose_and_nothing_administered_today_is_no_injection(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_nothing_by_mouth_is_not_a_nothing_given_statement(reviewer):
    note = OFFICE_B12 + " Nothing by mouth after midnight for tomorrow's scope."
    assert reviewer.review(note).claim_ready is True


def test_a_dictated_unheard_drug_is_not_lent_to_a_plan_drug(reviewer):
    note = (
        "triage colon nausea and vomiting of pregnancy period given [inaudible] twelve point five "
        "milligrams I M right gluteal period tolerated crackers period assessment colon "
        "hyperemesis gravidarum period plan colon doxylamine pyridoxine at bedtime"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in review.gap_codes


@pytest.mark.parametrize(
    ("note", "ready"),
    [
        (
            "Migraine (G43.909). Toradol 60 mg IM ordered per Dr. Smith. Given R glute at 10:15 "
            "by J. Doe RN, tolerated.",
            True,
        ),
        (
            "Migraine (G43.909).\nOrders: Toradol 60 mg IM x1\nGiven R glute at 10:15 by J. Doe "
            "RN, tolerated.",
            True,
        ),
        ("Migraine (G43.909).\nOrders: Toradol 60 mg IM x1 R glute\nPain 7/10, discharged.", False),
    ],
)
def test_an_order_line_is_given_only_when_another_sentence_records_it(reviewer, note, ready):
    assert reviewer.review(note).claim_ready is ready


@pytest.mark.parametrize(
    "note",
    [
        "Migraine prevention (G43.709).\nMedication: Ajovy 225 mg/1.5 mL\nRoute: subcutaneous\n"
        "Site: abdomen\nAdministered by J. Doe RN",
        "Migraine prevention (G43.709).\nAjovy 225 mg/1.5 mL\nRoute: subcutaneous\nSite: abdomen\n"
        "Administered by J. Doe RN",
    ],
)
def test_a_template_names_a_drug_outside_the_table_for_its_route_and_site(reviewer, note):
    review = reviewer.review(note)
    assert "DRUG_MISSING" not in review.gap_codes
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "statement",
    [
        "No treatment given for the rash.",
        "Flu vaccine was not given (declined).",
        "No other medications given.",
    ],
)
def test_a_statement_about_other_care_keeps_the_office_injection(reviewer, statement):
    assert reviewer.review(OFFICE_B12 + " " + statement).claim_ready is True


def test_exam_sites_with_no_route_are_no_unnamed_injection(reviewer):
    note = "Today the right buttock was examined and a bruise noted. On lisinopril 10 mg. I10."
    review = reviewer.review(note)
    assert review.service_code is None
    assert "DRUG_MISSING" not in review.gap_codes
