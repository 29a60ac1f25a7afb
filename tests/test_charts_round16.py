"""Charts round 16: notes written for these tests, from untuned probe notes of round 15 that read
an administration as nothing given (now in ``annotations/raw/probe_tuned.jsonl``), each category
with other wordings.

- a line ending in a colon that says the list under it was given ("P: migraine cocktail given in
  clinic 16:20 by RN:") makes the drugs of that list given, though they stand in the plan;
- a device named instead of a drug ("auto-injector ... administered IM") is an injection whose
  drug the note does not name: DRUG_MISSING, not "nothing given";
- "held 3 s." (a needle held after the push) holds nothing back;
- a flattened export's ``FIELD=value`` pairs ("MED1.DOSE=60 mg", "ENC_DATE=2025-04-02") are read
  like "Dose: 60 mg".
"""

from __future__ import annotations

import pytest

from assertions import blocking

LEAD_IN_NOTE = (
    "S: 29 y/o with her usual migraine, left-sided, 8/10, nausea, no neuro deficits.\n"
    "A: Migraine without aura, not intractable (G43.009). Nausea (R11.0).\n"
    "{lead_in}\n"
    "  - ketorolac 30 mg IM L ventrogluteal\n"
    "  - metoclopramide 10 mg IM R deltoid\n"
    "Rest in quiet room, recheck at 45 min.\n"
)


@pytest.mark.parametrize(
    "lead_in",
    [
        'P: "cocktail" given in clinic 14:05 by RN Ilse:',
        "Plan - administered this visit (MA Duarte, 14:05):",
        "P: Pt received in clinic:",
        "Plan: injections done 14:05 per standing order:",
    ],
)
def test_a_list_under_a_line_that_says_it_was_given_was_given(reviewer, lead_in):
    review = reviewer.review(LEAD_IN_NOTE.format(lead_in=lead_in))
    assert review.claim_ready is True, blocking(review)
    assert review.injections == 2
    assert all(a.given for a in review.administrations)


@pytest.mark.parametrize(
    "lead_in",
    [
        "P: to be given next visit if headache recurs:",
        "Plan - will give at follow-up:",
        "P: orders for home:",
        "P: may be given PRN:",
    ],
)
def test_a_list_under_a_plan_or_order_line_stays_planned(reviewer, lead_in):
    review = reviewer.review(LEAD_IN_NOTE.format(lead_in=lead_in))
    assert review.claim_ready is False
    assert review.injections == 0


def test_a_blank_line_ends_the_given_list(reviewer):
    note = LEAD_IN_NOTE.format(lead_in="P: given in clinic 14:05:").replace(
        "  - ketorolac", "\n  - ketorolac"
    )
    review = reviewer.review(note)
    assert review.injections == 0


AUTO_INJECTOR = (
    "Camp health center log 07/14/2026. Camper, 10 y/o, 33 kg, known bee-sting allergy.\n"
    "15:02 Stung on the forearm at the lake; wheals spreading, throat tight, wheezing.\n"
    "15:03 {sentence}\n"
    "15:04 EMS called; parent notified. 15:15 EMS took over care.\n"
    "Dx: anaphylactic reaction to bee sting (T63.441A).\n"
)


@pytest.mark.parametrize(
    "sentence",
    [
        "Camper's own auto-injector (0.3 mg) administered IM to L lateral thigh, held 3 s.",
        "His autoinjector, 0.15 mg, given IM in the right outer thigh.",
        "Prescribed auto-injector from the health center kit injected into the R thigh.",
    ],
)
def test_a_device_named_instead_of_a_drug_is_an_unnamed_injection(reviewer, sentence):
    review = reviewer.review(AUTO_INJECTOR.format(sentence=sentence))
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)
    assert "NOT_ADMINISTERED" not in blocking(review)
    assert review.service_code == "96372"


@pytest.mark.parametrize(
    "sentence",
    [
        "EpiPen 0.3 mg auto-injector administered IM to L lateral thigh, held 3 s.",
        "Epinephrine auto-injector 0.3 mg given IM L lateral thigh.",
    ],
)
def test_an_auto_injector_with_its_drug_named_is_that_drugs_injection(reviewer, sentence):
    review = reviewer.review(AUTO_INJECTOR.format(sentence=sentence))
    assert review.claim_ready is True, blocking(review)
    assert review.administrations[0].drug_id == "epinephrine"


def test_an_auto_injector_only_carried_or_handed_over_is_no_injection(reviewer):
    note = AUTO_INJECTOR.format(
        sentence="Epinephrine 0.3 mg IM given L lateral thigh by camp RN."
    ).replace("15:15 EMS took over care.", "15:15 Report given, used auto-injector sent with EMS.")
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)
    assert review.injections == 1


@pytest.mark.parametrize("held", ["held 3 s.", "held 10 secs.", "needle held 5 s. Tolerated."])
def test_a_needle_held_seconds_negates_no_route(reviewer, held):
    note = (
        "Nurse visit. Dx: pernicious anemia (D51.0).\n"
        f"Cyanocobalamin 1000 mcg IM L deltoid, {held}\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)
    assert review.administrations[0].route == "IM"


FLATTENED = (
    "[EXPORT] ENC_DATE=2026-02-11 ENC_TYPE=URGENT_CARE PT=Roe, Test (FICTITIOUS) AGE=44\n"
    "DX1=M10.071^Idiopathic gout, right ankle and foot\n"
    "MED1.NAME=ketorolac tromethamine MED1.DOSE=60 mg MED1.ROUTE={route} MED1.SITE=L glute "
    "MED1.TIME=11:42 MED1.BY=RN_KL\n"
    "DISPO=home RX1=colchicine 0.6 mg PO\n"
)


def test_flattened_field_value_pairs_are_read(reviewer):
    review = reviewer.review(FLATTENED.format(route="IM"), date_of_service="2026-06-01")
    assert review.date_of_service == "2026-02-11"
    assert review.claim_ready is True, blocking(review)
    (adm,) = [a for a in review.administrations if a.given]
    assert (adm.drug_id, adm.dose, adm.route) == ("ketorolac", "60 mg", "IM")


def test_a_flattened_iv_push_is_no_96372(reviewer):
    review = reviewer.review(FLATTENED.format(route="IV PUSH"))
    assert review.claim_ready is False
    assert "ROUTE_NOT_SC_IM" in blocking(review)


# Round 16's own probes (charts_t, dictation_t): the false readies of their first measurement.

DX_BOXES = (
    "INJECTION FLOWSHEET - cyanocobalamin\n"
    "Date: 09/02/2026   MA: R. Teixeira, CMA\n"
    "Reason for injection (from the order):\n"
    "  {fatigue} Fatigue (R53.83)\n"
    "  {pa} Pernicious anemia (D51.0)\n"
    "  {def} Vitamin B12 deficiency - E53.8\n"
    "Drug: cyanocobalamin 1000 mcg/mL   Dose: 1000 mcg\n"
    "Route: [x] IM  [ ] SC     Site: [x] R deltoid  [ ] L deltoid\n"
    "Given: [x] Yes  [ ] No   Time: 09:12\n"
)


@pytest.mark.parametrize(("on", "off"), [("[x]", "[ ]"), ("☒", "☐"), ("(•)", "( )")])
def test_diagnoses_offered_in_unchecked_boxes_support_nothing(reviewer, on, off):
    note = DX_BOXES.format(fatigue=on, pa=off, **{"def": off})
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)
    assert "D51.0" not in review.icd10 and "E53.8" not in review.icd10


def test_a_checked_diagnosis_box_with_its_code_supports_the_dose(reviewer):
    review = reviewer.review(DX_BOXES.format(fatigue="[ ]", pa="[x]", **{"def": "[ ]"}))
    assert review.claim_ready is True, blocking(review)
    assert "D51.0" in review.icd10
    assert "E53.8" not in review.icd10


def test_a_finding_after_a_diagnosis_and_colon_is_no_unchecked_box(reviewer):
    note = (
        "Allergy clinic. Chronic spontaneous urticaria (L50.1) on omalizumab.\n"
        "Asthma: no ED visits, albuterol twice a month. Route: [x] SC [ ] IM\n"
        "Omalizumab 300 mg SC given L abdomen 10:40, observed 30 min.\n"
    )
    review = reviewer.review(note)
    assert any(d.text == "Asthma" for d in review.diagnoses)


HELD = (
    "Endocrinology follow-up. 71 F, postmenopausal osteoporosis (M81.0).\n"
    "Came in for Prolia 60 mg SC today; pre-injection calcium 7.9.\n"
    "{second}\n"
    "Start calcium carbonate 600 mg PO BID; recheck calcium in 2 weeks.\n"
)


@pytest.mark.parametrize(
    "second",
    [
        "Prolia HELD today for low calcium.",
        "Prolia not given - calcium too low.",
        "Prolia deferred until calcium corrects.",
    ],
)
def test_a_dose_named_with_the_visits_day_then_held_was_not_given(reviewer, second):
    review = reviewer.review(HELD.format(second=second))
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_dose_given_with_its_own_wording_stays_given_beside_an_earlier_hold(reviewer):
    note = (
        "Endocrinology follow-up. 71 F, postmenopausal osteoporosis (M81.0).\n"
        "Prolia was held in March for low calcium; calcium now 9.2.\n"
        "Prolia 60 mg SC given R upper arm today at 11:05, tolerated.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


@pytest.mark.parametrize(
    "allergy", ["Penicillin allergy: none.", "No penicillin allergy.", "Sulfa allergic (rash)."]
)
def test_a_drug_named_as_an_allergen_takes_no_route_of_another_sentence(reviewer, allergy):
    note = (
        "STI clinic. Early latent syphilis (A52.8).\n"
        "Bicillin L-A 2.4 million units given as 1.2 million units in each gluteal, deep IM.\n"
        f"Observed 30 min, no reaction. {allergy}\n"
        "Plan: He tolerated the subQ injection well. Repeat RPR at 6 and 12 months.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "ROUTE_CONFLICT" in blocking(review)


# Round 16's service-code misses (charts_t).


@pytest.mark.parametrize(
    "header",
    ["ED COURSE / MEDICATIONS:", "ED course and medications:", "ED Course/Meds:"],
)
def test_an_ed_course_and_medications_header_records_doses_given(reviewer, header):
    note = (
        "EMERGENCY DEPARTMENT NOTE\n"
        "CHIEF COMPLAINT: left flank pain\n"
        "HPI: 38 y/o F, colicky flank pain since noon, nausea.\n\n"
        f"{header}\n"
        "1420  Ketorolac 30 mg IM, L ventrogluteal - RN P. Osei\n"
        "1505  Reassessed, pain 3/10.\n\n"
        "DIAGNOSIS: Left ureteral calculus (N20.1)\n"
        "DISPOSITION: home, tamsulosin 0.4 mg PO daily.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)
    assert review.administrations[0].given


def test_a_given_box_under_one_drug_line_answers_for_that_drug_only(reviewer):
    note = (
        "Immunization flowsheet - nurse visit   Payer: Medicare Part B   Age 70\n"
        "Influenza vaccine, high-dose   0.5 mL   IM   R deltoid\n"
        "   Administered: (•) Yes ( ) No    Lot AB12   10:40\n"
        "Pneumococcal conjugate vaccine (PCV20)   0.5 mL   IM\n"
        "   Administered: ( ) Yes (•) No    Reason: patient declined today\n"
        "Dx: Z23\n"
    )
    review = reviewer.review(note)
    given = {a.drug_id: a.given for a in review.administrations}
    assert given.get("influenza_vaccine") is True
    assert given.get("pneumococcal_conjugate_vaccine") is False
    assert review.service_code == "G0008"


def test_a_physician_who_personally_counseled_on_the_vaccines_makes_it_90460(reviewer):
    note = (
        "Well child visit, 12 y/o, with mother.\n"
        "I personally counseled the patient and mother on Tdap and HPV vaccines, their "
        "components and side effects; questions answered.\n"
        "Given by LPN at 14:10: Tdap 0.5 mL IM L deltoid; HPV9 0.5 mL IM R deltoid.\n"
        "Assessment: well child (Z00.129), immunization (Z23).\n"
    )
    review = reviewer.review(note)
    assert review.service_code == "90460"


def test_premedication_in_a_chemotherapy_visit_is_no_procedure(reviewer):
    note = (
        "HEMATOLOGY/ONCOLOGY - TREATMENT VISIT\n"
        "Diagnosis: multiple myeloma (C90.00). Regimen: bortezomib weekly, cycle 2 day 1.\n"
        "Treatment administered:\n"
        "  Bortezomib 1.3 mg/m2 x BSA 1.8 m2 = 2.3 mg SC, R lower abdomen, 10:20\n"
        "Premedication: ondansetron 8 mg PO in clinic\n"
    )
    review = reviewer.review(note)
    assert review.note_type == "office_visit"
    assert review.service_code == "96401"
    assert "ANTINEOPLASTIC" in blocking(review)


def test_a_premedication_in_an_operative_report_is_still_part_of_it(reviewer):
    note = (
        "OPERATIVE REPORT\n"
        "PROCEDURE: Left knee arthroscopy with partial medial meniscectomy.\n"
        "PREMEDICATION: midazolam 2 mg IV; cefazolin 2 g IV.\n"
        "The patient was brought to the operating room and general anesthesia was induced.\n"
        "At the end of the case, ketorolac 30 mg IM was given.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code != "96372"


# Round 17 (charts_u, dictation_u): the misses of their first measurement.


def test_a_letter_to_the_referring_doctor_reports_todays_procedure(reviewer):
    note = (
        "Lakeview Endocrinology (FICTITIOUS)\n\nMay 3, 2026\n\nRE: Test Patient (FICTITIOUS)\n\n"
        "Dear Dr. Moreau:\n\nI saw Mr. Patient in follow-up today for primary hypogonadism "
        "(E29.1), testosterone 160 ng/dL before therapy.\n\n"
        "PROCEDURE: Testosterone cypionate 200 mg was administered intramuscularly into the "
        "left ventrogluteal site by our LPN under my supervision. Tolerated well.\n\n"
        "PLAN: Continue every two weeks in our office.\n\nSincerely,\nA. Doctor, MD\n"
    )
    review = reviewer.review(note)
    assert review.note_type == "letter_other"
    assert review.claim_ready is True, blocking(review)


def test_a_letter_about_an_injection_given_elsewhere_stays_elsewhere(reviewer):
    note = (
        "Dear Dr. Moreau:\n\nThank you for referring Mr. Patient for hypogonadism (E29.1). He "
        "receives testosterone cypionate 200 mg IM every two weeks at your office.\n\n"
        "Sincerely,\nA. Doctor, MD\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "mixed",
    [
        "reconstituted with 1 mL of 1% lidocaine (without epinephrine) and administered",
        "mixed with 1% lidocaine, without epinephrine, and given",
    ],
)
def test_a_diluent_without_epinephrine_leaves_the_route_to_the_drug(reviewer, mixed):
    note = (
        "ED note. Urethritis, presumed gonococcal (N34.1).\n"
        f"Ceftriaxone 500 mg {mixed} intramuscularly into the left ventrogluteal muscle at "
        "22:40 by RN. Observed 20 minutes.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)
    assert review.administrations[0].route == "IM"


def test_a_product_named_in_a_not_given_sentence_leaves_the_rest_given(reviewer):
    note = (
        "Travel clinic. Encounter for immunization (Z23).\n"
        "VACCINES ADMINISTERED TODAY:\n"
        "1. Hepatitis A vaccine (Havrix) 1 mL IM left deltoid, lot HA1.\n"
        "2. Typhoid Vi vaccine 0.5 mL IM right deltoid, lot TV2.\n"
        "Recommendations: meningococcal vaccination was discussed; not given.\n"
    )
    review = reviewer.review(note)
    assert sum(a.given for a in review.administrations) == 2
    assert "VACCINE" in blocking(review)


def test_no_injection_given_today_still_speaks_for_the_whole_note(reviewer):
    note = (
        "Nurse visit. Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid drawn up.\n"
        "Patient left before the injection. No injection given today.\n"
    )
    review = reviewer.review(note)
    assert "NOT_ADMINISTERED" in blocking(review)


@pytest.mark.parametrize("order", ["per standing order", "per protocol order"])
def test_a_standing_order_is_no_plan(reviewer, order):
    note = (
        f"RN note. Injection {order}: 1 mL IM R deltoid. Bandage applied; no reaction.\n"
        "Dx: vitamin B12 deficiency (E53.8).\n"
    )
    review = reviewer.review(note)
    assert not any(e.hypothetical for e in review.entities if e.label == "ROUTE")


# Round 18 (charts_v): the false readies of its first measurement.


@pytest.mark.parametrize(
    "marker",
    [
        "[carried forward from 04/22/2025 encounter]",
        "(copied forward from prior note)",
        "- pulled forward from 04/22 visit",
    ],
)
def test_an_injection_line_copied_forward_from_an_earlier_note_is_not_todays(reviewer, marker):
    note = (
        "Nurse visit 05/06/2025 - BP recheck\n"
        "BP 134/82, repeat 130/80. Taking lisinopril 10 mg daily.\n"
        "Procedures: Methylprednisolone acetate 80 mg IM R gluteal given for contact dermatitis "
        f"(L23.7), tolerated well. {marker}\n"
        "Plan: continue current meds.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_block_under_a_copied_forward_header_is_not_todays(reviewer):
    note = (
        "Nurse visit 05/06/2025 - BP recheck. BP 130/80.\n"
        "--- copied forward from the 04/22/2025 note ---\n"
        "Methylprednisolone acetate 80 mg IM R gluteal given, contact dermatitis (L23.7).\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False


def test_todays_injection_beside_a_copied_forward_history_line_is_ready(reviewer):
    note = (
        "Nurse visit. Pernicious anemia (D51.0).\n"
        "History: B12 loading doses 03/2025 (copied forward from prior note).\n"
        "Today: cyanocobalamin 1000 mcg IM L deltoid at 09:40 by LPN, tolerated.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


@pytest.mark.parametrize(
    "late",
    [
        "Late entry 10:41: the entry above was charted before administration. The dose was "
        "drawn up, but the patient left the clinic before the injection was given.",
        "Correction 10:41: documented ahead of administration; patient left before the injection.",
    ],
)
def test_a_late_entry_saying_the_patient_left_before_the_dose_undoes_it(reviewer, late):
    note = (
        "Nurse Visit 06/03/2025. Dx: pernicious anemia (D51.0).\n"
        "Cyanocobalamin 1,000 mcg/mL, 1 mL IM to R deltoid. Pt tolerated.\n"
        "S. Bhatt, LPN 10:14\n"
        f"{late}\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_pipe_separated_key_value_export_is_read(reviewer):
    note = (
        "enc_id=55012|dos=2025-03-04|pt=Roe, Test (FICTITIOUS)|loc=Eastside Clinic\n"
        "med=ketorolac tromethamine|dose=60 mg|route=IM|site=L ventrogluteal|given_time=14:05|"
        "given_by=LPN Q. Shore|admin_status=COMPLETED\n"
        "indication=acute low back pain (M54.50)|reaction=none\n"
    )
    review = reviewer.review(note, date_of_service="2026-06-01")
    assert review.date_of_service == "2025-03-04"
    assert review.claim_ready is True, blocking(review)
    (adm,) = review.administrations
    assert (adm.dose, adm.route) == ("60 mg", "IM")


def test_a_no_show_in_an_earlier_exported_encounter_undoes_nothing_today(reviewer):
    note = (
        "CHART EXPORT - Test Person (FICTITIOUS)   Date of service: 09/12/2025\n"
        "--- 09/12/2025 LAI clinic ---\n"
        "Aristada 882 mg IM L deltoid given 11:30 by RN. Schizophrenia (F20.9). Tolerated.\n"
        "--- 08/14/2025 ---\n"
        "No show; no injection given. Outreach call left VM.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


def test_a_no_show_on_the_date_of_service_still_undoes_the_dose(reviewer):
    note = (
        "CHART EXPORT - Test Person (FICTITIOUS)   Date of service: 09/12/2025\n"
        "--- 08/14/2025 LAI clinic ---\n"
        "Aristada 882 mg IM L deltoid given 11:30 by RN. Schizophrenia (F20.9). Tolerated.\n"
        "--- 09/12/2025 ---\n"
        "No show; no injection given. Outreach call left VM.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False


def test_a_letter_saying_today_i_administered_reports_this_visits_dose(reviewer):
    note = (
        "Dear Dr. Halvorsen,\n\nThank you for asking me to see your patient again. She has "
        "Crohn's disease of the ileum (K50.00), s/p ileocecal resection; B12 151 (low).\n\n"
        "Today I administered cyanocobalamin 1000 mcg IM, left deltoid. She will need this "
        "monthly.\n\nSincerely,\nA. Doctor, MD\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


def test_a_lead_in_is_read_from_its_lines_last_sentence(reviewer):
    note = (
        "4-year well child visit, with parent. Immunizations due (Z23).\n"
        "P: Vaccine counselling by Dr. Quillon with parent (fever, soreness, rash 1-2 weeks "
        "later); questions answered. Administered by RN Oyelaran:\n"
        "- Quadracel (DTaP-IPV) IM, L thigh\n"
        "- ProQuad (MMRV) subQ, R thigh\n"
        "Tolerated well.\n"
    )
    review = reviewer.review(note)
    assert sum(a.given for a in review.administrations) == 2
    assert review.service_code == "90460"


@pytest.mark.parametrize("when", ["overnight", "around midnight", "during the night"])
def test_a_dose_given_overnight_is_not_this_visits(reviewer, when):
    note = (
        "Psychiatry consult, medicine floor. Bipolar I disorder, manic (F31.13).\n"
        f"Haldol 5 mg IM was given {when} by the primary team, see MAR.\n"
        "Recommend olanzapine ODT 10 mg PO at bedtime as needed.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.injections == 0


# Round 19 (charts_w): the false readies of its first measurement.


@pytest.mark.parametrize(
    "none_left",
    [
        "Our pharmacy has no Bicillin L-A: national shortage.",
        "No Bicillin L-A in stock: allocation used up.",
    ],
)
def test_an_intended_dose_the_clinic_does_not_have_was_not_given(reviewer, none_left):
    note = (
        "ID clinic. Secondary syphilis (A51.39).\n"
        "Intended treatment was benzathine penicillin G 2.4 million units IM x1 today. "
        f"{none_left}\n"
        "Therefore doxycycline 100 mg PO BID x 14 days.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_dose_given_x1_today_without_any_hold_stays_given(reviewer):
    note = (
        "STI clinic. Gonorrhea exposure (Z20.2).\n"
        "Ceftriaxone 500 mg IM x1 today, L ventrogluteal, by RN at 10:05. No cephalosporin "
        "allergy.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


@pytest.mark.parametrize(
    "given",
    [
        "Given in clinic: DuoNeb x1; steroid 40 mg IM R glute by MA, tolerated.",
        "Albuterol neb x1; steroid 60 mg IM L deltoid.",
    ],
)
def test_a_class_word_with_its_own_dose_after_another_clause_drug_is_unnamed(reviewer, given):
    note = (
        "UC visit. COPD with acute exacerbation (J44.1).\n"
        f"{given}\n"
        "Rx: prednisone 40 mg daily x 4 d starting tomorrow.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)


@pytest.mark.parametrize(
    ("dx", "supported"),
    [
        ("Acute viral pharyngitis (J02.9); rapid strep negative.", False),
        ("Streptococcal pharyngitis (J02.0), rapid strep positive.", True),
    ],
)
def test_bicillin_cr_is_supported_by_a_streptococcal_not_an_unspecified_pharyngitis(
    reviewer, dx, supported
):
    note = (
        f"Same-day visit. Sore throat x 2 days. {dx}\n"
        "Bicillin C-R 1,200,000 units IM R ventrogluteal given at 11:50 by RN, observed 30 min.\n"
    )
    review = reviewer.review(note)
    assert ("DX_NOT_SUPPORTED" in blocking(review)) is not supported


def test_an_injection_line_naming_no_drug_beside_a_drug_only_asked_about(reviewer):
    note = (
        "RN note 09:15 - Test Person (FICTITIOUS). Injection per Dr. Amari standing order: 1 mL "
        "IM R deltoid. Bandage applied; no reaction at 15 min. Asked about influenza vaccine - "
        "out of stock until Thursday.\n"
    )
    review = reviewer.review(note)
    assert "DRUG_MISSING" in blocking(review)
    assert "NOT_ADMINISTERED" not in blocking(review)


def test_an_injection_due_later_with_its_dose_records_nothing_given(reviewer):
    note = (
        "Transition of care to the outpatient prescriber. Schizophrenia (F20.9).\n"
        "LAI: Invega Sustenna loading completed inpatient 3/2 and 3/9.\n"
        "Next maintenance injection due 4/6: please give 156 mg IM deltoid or gluteal.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
