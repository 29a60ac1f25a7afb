"""Charts round 8: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a dose given somewhere else framed by the sentence before ("Seen at Riverbend Urgent Care
  two days ago. There he received ...") or by the opening clause of its own sentence ("At the
  outside hospital (14:00-17:30): labs drawn; received ...") is no administration at this
  encounter; a named facility ("at QuickMed Urgent Care") is still another facility;
- "Denies A, B, C or D" negates the whole list, so a denied symptom never stands as the
  diagnosis (DX_MISSING, not DX_NOT_SUPPORTED);
- the reaction of an allergy list ("penicillin (hives)") is not the patient's diagnosis, and an
  allergy line does not run on over the visit's documentation below it;
- a dose, its volume in parentheses and its strength ("25 mg (0.5 mL of 50 mg/mL) IM L
  gluteal") are one run that belongs to the drug before it, not to the next drug.
"""

from __future__ import annotations

import pytest

from assertions import blocking

# Given elsewhere: framed by the sentence before, or by the sentence's opening clause ---------


@pytest.mark.parametrize(
    "note",
    [
        "FAMILY MEDICINE FOLLOW-UP 03/02/2026\n52 M was evaluated at Riverbend Urgent Care two "
        "days ago for a dental abscess. There he received clindamycin 600 mg IM in the L deltoid "
        "and was started on amoxicillin.\nToday: swelling improved, afebrile.\nA: Periapical "
        "abscess (K04.7), improving.\nP: finish amoxicillin, dental follow-up.",
        "PEDIATRICS 05/20/2026\n7 yo seen at Sunny Kids Walk-In Clinic yesterday. While there, "
        "she was given ceftriaxone 500 mg IM R thigh for otitis media.\nToday afebrile, eating "
        "well.\nA: Acute otitis media, right (H66.91), improving.",
        "ADMISSION NOTE 04/11/2026\nTransferred from Hill County Hospital.\nAt the outside "
        "hospital (14:00-17:30): labs drawn, CT done; received ondansetron 4 mg IM in the R "
        "deltoid and ceftriaxone 1 g IV before transfer.\nA/P: Acute pyelonephritis (N10).",
    ],
)
def test_a_dose_framed_as_given_elsewhere_is_not_given_here(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.status == "no_injection"
    im = [a for a in review.administrations if a.route_code == "IM"]
    assert im and all(a.setting == "elsewhere_or_earlier" and not a.given for a in im)


def test_there_is_not_a_place_and_our_urgent_care_is_here(reviewer):
    review = reviewer.review(
        "URGENT CARE 06/01/2026\nDx: low back strain (S39.012A). Seen at an urgent care last "
        "year for the same.\nThere is no radiation. Ketorolac 60 mg IM given at our urgent care "
        "in R glute at 10:40 by MA, tolerated."
    )
    assert review.claim_ready is True
    (admin,) = review.administrations
    assert admin.setting == "this_encounter"


# A denied list and an allergy's reaction are not the diagnosis --------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Denies numbness, tingling, memory trouble, sore tongue or fatigue.",
        "Negative for weakness, numbness, tingling, glossitis or fatigue.",
    ],
)
def test_a_denied_list_is_no_diagnosis(reviewer, line):
    review = reviewer.review(
        "NURSE VISIT 02/03/2026\nHere for her monthly B12 shot; she wants to prevent problems.\n"
        f"{line}\nCyanocobalamin 1000 mcg IM L deltoid at 11:00, tolerated."
    )
    assert "DX_MISSING" in blocking(review)
    assert "DX_NOT_SUPPORTED" not in blocking(review)


@pytest.mark.parametrize(
    "allergies",
    ["Allergies: sulfa (rash), penicillin (hives).", "ALLERGIES: codeine - nausea and vomiting"],
)
def test_an_allergy_reaction_is_no_diagnosis(reviewer, allergies):
    review = reviewer.review(
        f"NURSE VISIT 02/02/2026\n{allergies}\nCeftriaxone 1 g IM given R ventrogluteal at 09:15, "
        "tolerated."
    )
    assert "DX_MISSING" in blocking(review)
    assert not review.icd10


def test_an_allergy_line_ends_at_its_line(nlp):
    doc = nlp("CLINIC\nAllergies: penicillin (hives).\nKetorolac 60 mg IM given R glute.")
    (section,) = [s for s in doc._.cc_section_spans if s[0] == "allergies"]
    assert doc.text[section[2] : section[3]].strip() == "Allergies: penicillin (hives)."


# A dose with its volume and strength is one run ------------------------------------------------


@pytest.mark.parametrize(
    "course",
    [
        "promethazine (Phenergan) 25 mg (0.5 mL of 50 mg/mL) IM L gluteal and ketorolac "
        "(Toradol) 30 mg IM R gluteal at 14:10.",
        "prochlorperazine 10 mg (2 mL of 5 mg/mL), IM, L gluteal, then ketorolac 30 mg IM R "
        "gluteal at 14:10.",
    ],
)
def test_a_dose_volume_and_strength_stay_with_their_drug(reviewer, course):
    review = reviewer.review(
        "ED NOTE 03/03/2026\nDx: Migraine without aura, not intractable (G43.009)\n"
        f"ED course: {course}"
    )
    sites = {a.drug_id: a.site for a in review.administrations}
    assert sites["ketorolac"] == "R gluteal"
    assert [s for d, s in sites.items() if d != "ketorolac"] == ["L gluteal"]
    assert review.claim_ready is True


def test_a_dose_of_a_route_then_drug_is_not_chained(reviewer):
    review = reviewer.review(
        "CLINIC 03/04/2026\nDx: renal colic (N23)\nKetorolac 60 mg IM given R glute at 10:10. "
        "Tolerated; 175 mcg of IV fentanyl was not needed."
    )
    (admin,) = [a for a in review.administrations if a.drug_id == "ketorolac"]
    assert admin.route_code == "IM"


# Routes written with a hyphen or a slash; a condition resolved by today's dose ----------------


@pytest.mark.parametrize(
    ("written", "code"),
    [("I-M", "IM"), ("I/M", "IM"), ("S-Q", "SC"), ("s/c", "SC"), ("I-V", "IV")],
)
def test_a_route_with_a_hyphen_or_slash_is_read(nlp, written, code):
    doc = nlp(f"Ketorolac 30 mg {written} given in the R deltoid at 10:05.")
    routes = [e for e in doc.ents if e.label_ == "ROUTE"]
    assert [(e.text, e._.cc_norm) for e in routes] == [(written, code)]


def test_a_lone_letter_and_a_dash_are_no_route(nlp):
    doc = nlp("Exam: grade I - M. tenderness at the deltoid, plan reviewed.")
    assert not [e for e in doc.ents if e.label_ == "ROUTE"]


@pytest.mark.parametrize(
    "assessment",
    [
        "A: Type 1 diabetes mellitus with hypoglycemia without coma (E10.649), resolved after "
        "glucagon.",
        "A: hypoglycemia, resolved with IM glucagon in clinic.",
    ],
)
def test_a_condition_resolved_by_todays_dose_supports_it(reviewer, assessment):
    review = reviewer.review(
        "ENDOCRINE VISIT 05/05/2026\nFingerstick 38 in the waiting room, unable to swallow.\n"
        f"15:15 glucagon 1 mg IM L vastus lateralis by RN.\n{assessment}"
    )
    assert review.claim_ready is True


def test_a_condition_resolved_after_treatment_years_ago_does_not(reviewer):
    review = reviewer.review(
        "CLINIC 05/06/2026\nA: pernicious anemia, resolved after B12 injections in 2019.\n"
        "Cyanocobalamin 1000 mcg IM L deltoid given at 10:00."
    )
    assert review.claim_ready is False
    assert "DX_MISSING" in blocking(review)


# A second drug written as done right after a timed one was given with it --------------------


@pytest.mark.parametrize(
    "plan",
    [
        "P: 16:10 orphenadrine 60 mg IM R ventrogluteal; dexamethasone IM L ventrogluteal. "
        "Observed 20 min, no reaction.",
        "Plan: given at 09:30 - ketorolac 60 mg IM R glute, and methylprednisolone acetate IM "
        "L glute.",
    ],
)
def test_a_drug_listed_after_a_timed_dose_was_given_without_a_dose(reviewer, plan):
    review = reviewer.review(
        f"URGENT CARE 04/04/2026\nA: Acute lumbar strain with muscle spasm (M62.830).\n{plan}"
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)
    assert all(a.given for a in review.administrations)


def test_a_later_drug_with_its_own_plan_wording_stays_a_plan(reviewer):
    review = reviewer.review(
        "URGENT CARE 04/04/2026\nA: Acute lumbar strain with muscle spasm (M62.830).\n"
        "P: 16:10 ketorolac 60 mg IM R ventrogluteal; will consider Kenalog IM L ventrogluteal "
        "next visit if no better."
    )
    given = {a.drug_id: a.given for a in review.administrations}
    assert given["ketorolac"] is True
    assert not any(v for d, v in given.items() if d != "ketorolac")


# A class word in an upper-case title; an oral form before the name; procedure prophylaxis ----


def test_a_class_word_in_the_title_is_not_an_unnamed_injection(reviewer):
    review = reviewer.review(
        "ALLERGY CLINIC - STEROID INJECTION (form 3)\nName: T.R.   Age: 34   Date: 04/14/2026\n"
        "Method: Kenalog-40 (triamcinolone acetonide 40 mg/mL vial)\nLast injection: 01/02/2026"
        "   Eligible: [x] yes [ ] no\nDose given: 40 mg\nRoute: [x] IM   [ ] SC\nSite: [x] R "
        "gluteal   [ ] L gluteal\nGiven by: J. Moss, PA    Time: 09:37    Lot: KN3311\nDx: "
        "Seasonal allergic rhinitis due to pollen (J30.1)"
    )
    assert review.claim_ready is True
    (admin,) = review.administrations
    assert admin.drug_id == "triamcinolone_acetonide" and admin.route_code == "IM"


def test_a_class_word_in_a_sentence_is_still_drug_missing(reviewer):
    review = reviewer.review(
        "ALLERGY CLINIC 04/14/2026\nSTEROID INJECTION GIVEN IM R GLUTEAL AT 09:37.\nDx: Seasonal "
        "allergic rhinitis due to pollen (J30.1)"
    )
    assert "DRUG_MISSING" in blocking(review)


@pytest.mark.parametrize("given", ["the ODT Zofran", "oral ondansetron", "a PO dose of Zofran"])
def test_an_oral_form_before_the_name_is_no_injection(reviewer, given):
    review = reviewer.review(
        "ED NOTE 05/06/2026\nA: Acute gastroenteritis (A08.4) with vomiting.\nVomited "
        f"{given} given at triage (10:50). 11:20 promethazine 12.5 mg IM L deltoid by RN."
    )
    assert review.claim_ready is True
    assert [a.drug_id for a in review.administrations if a.given] == ["promethazine"]


def test_prophylaxis_for_an_office_endoscopy_is_part_of_it(reviewer):
    review = reviewer.review(
        "GI PROCEDURE NOTE - OFFICE FLEXIBLE SIGMOIDOSCOPY 06/06/2026\nIndication: rectal "
        "bleeding (K62.5).\nProphylactic antibiotic before the endoscopy: cefazolin 1 g IM, L "
        "deltoid, 09:10.\nProcedure: scope advanced to 50 cm; internal hemorrhoids."
    )
    assert review.service_code is None
    (admin,) = review.administrations
    assert admin.setting == "within_procedure"


def test_a_vaccine_only_in_the_history_does_not_block_the_medicare_code(reviewer):
    review = reviewer.review(
        "MEDICARE IMMUNIZATION VISIT 10/20/2026\nBeneficiary, 77 F.\nAdministered: Fluad 0.5 mL "
        "IM L deltoid 10:05, lot AB123.\nPneumococcal: Prevnar 20 received 2024. Hepatitis B "
        "series complete.\nDx: Encounter for immunization (Z23)"
    )
    assert review.service_code == "G0008"


# A risk estimate names no diagnosis; prophylaxis still names the indication -----------------


@pytest.mark.parametrize(
    "line",
    [
        "FRAX 10-yr major osteoporotic fracture risk 6%.",
        "Estimated osteoporotic fracture probability low.",
    ],
)
def test_a_risk_estimate_is_no_diagnosis(reviewer, line):
    review = reviewer.review(
        "RHEUMATOLOGY 06/06/2026\nDEXA: osteopenia, T-score -1.8.\n"
        f"{line}\nProlia (denosumab) 60 mg SC given L upper arm, tolerated.\nA: Osteopenia (M85.80)."
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_dvt_prophylaxis_still_supports_enoxaparin(reviewer):
    review = reviewer.review(
        "ORTHO CLINIC 07/07/2026\ns/p right total knee arthroplasty (Z96.651) 10 days ago.\n"
        "Enoxaparin 40 mg SC given L lower abdomen at 10:00 for DVT prophylaxis, tolerated."
    )
    assert review.claim_ready is True


# Joint and nerve procedures: a product name's own words, plural blocks, joints by anatomy -----


def test_without_in_a_product_name_negates_nothing_after_it(reviewer):
    review = reviewer.review(
        "SPORTS MEDICINE 04/22/2026\nIndication: Primary osteoarthritis, left knee (M17.12).\n"
        "Injectate: triamcinolone acetonide 40 mg + 4 mL 1% lidocaine without epinephrine, "
        "intra-articular, L knee. Tolerated well."
    )
    assert review.service_code == "20610"
    assert review.status == "other_service"


@pytest.mark.parametrize(
    ("procedure", "code"),
    [
        ("bilateral greater occipital nerve blocks with 2% lidocaine 2 mL each side", "64405"),
        ("right lateral femoral cutaneous nerve blocks, 0.5% bupivacaine 5 mL", "64450"),
    ],
)
def test_nerve_blocks_in_the_plural_are_the_procedure(reviewer, procedure, code):
    review = reviewer.review(
        f"HEADACHE AND PAIN CLINIC 05/19/2026\nDx: neuralgia (M54.81).\nProcedure: {procedure}, "
        "after negative aspiration. Relief 6/10 -> 1/10."
    )
    assert review.service_code == code
    assert review.status == "other_service"


@pytest.mark.parametrize(
    ("joint", "code"),
    [("left radiocarpal joint", "20605"), ("right tibiotalar joint", "20605")],
)
def test_a_joint_named_by_its_anatomy_sets_the_joint_size(reviewer, joint, code):
    review = reviewer.review(
        "RHEUMATOLOGY 06/03/2026\nA: Rheumatoid arthritis, monoarticular flare (M06.9).\n"
        f"Procedure: landmark technique, no imaging. 25G needle into the {joint}; injected "
        "betamethasone 6 mg (1 mL) with 0.5 mL 1% lidocaine."
    )
    assert review.service_code == code


@pytest.mark.parametrize(
    ("procedure", "code"),
    [
        (
            "trigger point injections, 3 points, one muscle (R upper trapezius). Pinch technique, "
            "negative aspiration; 0.5% bupivacaine 1 mL per point, no steroid",
            "20552",
        ),
        (
            "trigger point injections x 4 in 3 muscles (L upper trapezius, L levator scapulae, "
            "L rhomboid major); 1% lidocaine 1 mL per point, 25G needle",
            "20553",
        ),
    ],
)
def test_trigger_points_with_a_local_only_are_the_procedure(reviewer, procedure, code):
    review = reviewer.review(
        "PAIN CLINIC NOTE 02/12/2026\nA: Myofascial pain syndrome (M79.18).\n"
        f"Procedure: {procedure}. Pain 6/10 -> 2/10."
    )
    assert review.status == "other_service"
    assert review.service_code == code


@pytest.mark.parametrize(
    "guidance",
    [
        "Imaging guidance: ultrasound, linear probe; permanent image recorded.",
        "Performed under real-time ultrasound guidance, image saved.",
    ],
)
def test_ultrasound_guidance_written_as_a_field_refines_the_joint_code(reviewer, guidance):
    review = reviewer.review(
        "FOOT & ANKLE CLINIC - PROCEDURE 07/21/2026\nProcedure: injection - LEFT ankle "
        f"(tibiotalar joint)\n{guidance}\nDiagnosis: Post-traumatic osteoarthritis, left ankle "
        "(M19.172)\nDrug: dexamethasone sodium phosphate 8 mg (2 mL)\nRoute: intra-articular"
    )
    assert review.service_code == "20606"


@pytest.mark.parametrize(
    "count",
    [
        "Lesions treated: 9 inflamed nodules/cysts",
        "Injected 10 hypertrophic keloid scars: lesions: 10",
    ],
)
def test_more_than_seven_lesions_written_with_adjectives_is_11901(reviewer, count):
    review = reviewer.review(
        "DERM PROCEDURE - INTRALESIONAL INJECTION 08/24/2026\nDiagnosis: Acne conglobata "
        f"(L70.1)\n{count}\nAgent: triamcinolone acetonide 2.5 mg/mL, 0.1 mL per lesion\n"
        "Route: intralesional"
    )
    assert review.service_code == "11901"


def test_vaccines_given_today_under_an_immunizations_header_are_given(reviewer):
    review = reviewer.review(
        "WELL CHILD CHECK - 4 YEARS 03/09/2026\nImmunizations: Dr. Lee counselled father face to "
        "face on each vaccine and component; consent given.\n  - Quadracel (DTaP-IPV) 0.5 mL "
        "IM, L deltoid, lot QD2211, exp 08/2027\n  - ProQuad (MMRV) 0.5 mL SC, R upper arm, lot "
        "PQ9931, exp 04/2027\nDx: Encounter for immunization (Z23)."
    )
    assert review.status == "other_service"
    assert {g.code for g in review.gaps if g.blocking} == {"VACCINE"}


def test_an_immunizations_reviewed_list_is_history(reviewer):
    review = reviewer.review(
        "HOME VISIT 03/10/2026\nDx: pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM L "
        "deltoid given at 11:15 by RN.\nImmunizations reviewed: influenza vaccine given 10/2025 "
        "at her pharmacy, pneumococcal vaccine 2023; up to date."
    )
    assert review.claim_ready is True
    assert [a.drug_id for a in review.administrations if a.given] == ["cyanocobalamin"]


@pytest.mark.parametrize(
    "visit",
    [
        "on sunday she went to Riverbend urgent care where she got a dexamethasone shot comma "
        "ten milligrams in the muscle of the right arm period",
        "Saturday he went to Lakeside walk-in clinic where he got ketorolac 60 mg IM R glute.",
    ],
)
def test_a_named_facility_visited_earlier_is_elsewhere(reviewer, visit):
    review = reviewer.review(
        f"PRIMARY CARE FOLLOW UP 05/06/2026\nA: moderate persistent asthma (J45.40).\n{visit}\n"
        "P: step up inhaled therapy."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"
