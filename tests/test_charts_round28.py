"""Round 28: notes written for these tests, from the untuned raw/typed twins of earlier rounds
whose two versions the engine read differently (now in ``annotations/raw/probe_tuned.jsonl``),
each category with other wordings, and each with a note where it must not fire.

- a parenthetical aside does not count towards an administration cue's reach ("ceftriaxone 500
  mg IM (diluted w/ 1% lidocaine), given by me"), and the cue does not reach into the aside it
  passed over ("last dose given by the PCP's nurse last week (05/19, L gluteal)");
- a treatment label ("Rx:") over a sentence that says the drug was given is not a prescription;
- the relative a clinician counsels is not a family history ("counseled parent on each
  component"), and "VIS given" gives a handout, not the vaccines it names;
- "Administered:" heads the administration record under an immunization history, alone on
  its line (the list below it) or inline (its own line only: "Administered: Fluad ..." then
  "Pneumococcal: Prevnar 20 received 2024" is history);
- a letter's "today he received his first ..." is this visit's dose;
- words heard before a drug as the beginning of its longer name ("sign no cobalamin") are that
  name, and its "no" negates nothing; a real "no" before it still does;
- an act ends a history cue's reach ("given his history of vomiting prednisone, gave
  methylprednisolone ... SQ": the narrative's route, against the nurse's IM, is a conflict).
"""

from __future__ import annotations

import pytest

from assertions import assert_gaps, blocking, entity
from assertions import given_drugs as given


@pytest.mark.parametrize(
    "aside",
    [
        "(reconstituted in 1% lidocaine 2.1 mL)",
        "(mixed with lidocaine, no epinephrine)",
        "(250 mg/mL once mixed)",
    ],
)
def test_an_aside_does_not_use_up_the_reach_of_given(reviewer, aside):
    note = (
        "Sexual health clinic. 31 y/o M, contact of a partner with gonorrhea (Z20.2).\n"
        f"Rx: ceftriaxone 500 mg IM {aside}, given by me in clinic.\n"
        "Doxycycline 100 mg PO BID x 7 days sent to pharmacy."
    )
    review = reviewer.review(note)
    assert "ceftriaxone" in given(review)
    assert review.claim_ready


def test_a_cue_does_not_reach_into_the_aside_it_passed_over(reviewer):
    note = (
        "Endocrine consult. 61 M, hypogonadism (E29.1) on testosterone cypionate 200 mg IM every "
        "2 weeks. His last dose was given by his family doctor's nurse last Tuesday (06/09, R "
        "gluteal). Hematocrit 54%.\n"
        "Recommend holding the next injection until hematocrit is under 52%.\n"
        "No medications or injections were given at this visit."
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert not review.claim_ready


@pytest.mark.parametrize(
    "counsel",
    [
        "VIS given; physician counseled parent on each vaccine (Tdap, MenACWY), questions answered.",
        "Vaccine information handouts provided; discussed with mother each vaccine (Tdap, MenACWY).",
        "Educated dad on the vaccines today (Tdap, MenACWY); parent consented.",
    ],
)
def test_the_relative_counselled_is_not_a_family_history(reviewer, counsel):
    note = (
        "Well adolescent visit, 11 y/o F.\n"
        "A: Routine child health exam; immunizations due.\n"
        f"P: {counsel}\n"
        "Immunizations given:\n"
        " - Tdap (Boostrix) 0.5 mL IM L deltoid\n"
        " - MenACWY (Menveo) 0.5 mL IM R deltoid\n"
        "Lots in immunization record. Tolerated. Return at 12 y."
    )
    review = reviewer.review(note)
    counselled = entity(review, "Tdap", "DRUG")
    assert not counselled.family and not counselled.historical
    drugs = given(review)
    assert len(drugs) == 2 and all(d and "vaccine" in d for d in drugs), drugs
    assert_gaps(review, "VACCINE", absent=("NOT_ADMINISTERED",))


def test_a_family_history_still_belongs_to_the_relative(reviewer):
    note = (
        "B12 follow-up. Fatigue; counseled parent on diet.\n"
        "Family history: mother with pernicious anemia.\n\n"
        "Procedure: Cyanocobalamin 1000 mcg IM L deltoid given today, tolerated well."
    )
    review = reviewer.review(note)
    assert entity(review, "pernicious anemia", "DIAGNOSIS").family
    assert given(review) == ["cyanocobalamin"]
    assert not review.claim_ready


@pytest.mark.parametrize("header", ["Administered:", "Given today:", "Vaccines administered:"])
def test_an_administered_header_heads_the_record_under_a_history(reviewer, header):
    note = (
        "Travel clinic nurse visit. Leaving for Peru in 4 weeks.\n"
        "Immunization record reviewed: Tdap 2022; hepatitis A series complete.\n"
        f"{header}\n"
        "- Typhoid Vi vaccine 0.5 mL IM R deltoid, lot T551, VIS given\n"
        "- Yellow fever vaccine 0.5 mL SC L upper arm, lot Y208, VIS given"
    )
    review = reviewer.review(note)
    assert len(given(review)) == 2
    assert_gaps(review, "VACCINE", absent=("NOT_ADMINISTERED",))


def test_a_history_line_without_the_header_stays_history(reviewer):
    note = (
        "Travel clinic nurse visit. Leaving for Peru in 4 weeks.\n"
        "Immunization record reviewed: typhoid Vi vaccine 2021; hepatitis A series complete.\n"
        "Yellow fever vaccine recommended; client will decide by next week."
    )
    review = reviewer.review(note)
    assert given(review) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Today he received his first leuprolide acetate depot (Lupron Depot) 22.5 mg IM, left "
        "gluteal, and tolerated it well; next dose in 3 months.",
        "This afternoon she got her initial dose of Depo-Provera 150 mg IM in the right deltoid.",
    ],
)
def test_a_letters_today_received_first_dose_is_this_visit(reviewer, sentence):
    note = (
        "Dear Dr. Halloran,\n"
        "Thank you for referring your patient, whom I saw in clinic today. "
        f"{sentence}\n"
        "Sincerely,\nM. Okafor, MD"
    )
    review = reviewer.review(note)
    assert len(given(review)) == 1
    assert "NOT_ADMINISTERED" not in blocking(review)


def test_a_letters_first_dose_years_ago_is_not_this_visit(reviewer):
    note = (
        "Dear Dr. Halloran,\n"
        "Your patient received his first leuprolide depot 22.5 mg IM in March 2021 at an outside "
        "urology practice and has had no injections since. I recommend restaging.\n"
        "Sincerely,\nM. Okafor, MD"
    )
    review = reviewer.review(note)
    assert given(review) == []


@pytest.mark.parametrize(
    "heard",
    ["sign no cobalamin", "sigh a no cobalamin", "sin oh cobalamin"],
)
def test_words_before_a_drug_heard_as_the_start_of_its_name(reviewer, heard):
    note = (
        "procedure colon " + heard + " one thousand micrograms given intramuscular left "
        "deltoid by the nurse period tolerated without problem period assessment colon "
        "pernicious anemia comma stable period"
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]
    drug = next(e for e in review.entities if e.label == "DRUG")
    assert drug.text == heard and not drug.negated


def test_a_real_no_before_the_drug_still_negates_it(reviewer):
    note = (
        "nurse visit pernicious anemia period no cobalamin given today comma patient declined "
        "comma will return next week period"
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert not review.claim_ready


def test_an_act_ends_the_reach_of_a_history_cue(reviewer):
    note = (
        "Urgent care. 29 F, asthma flare, wheeze improved after two DuoNebs.\n"
        "Assessment: Moderate persistent asthma with acute exacerbation (J45.41).\n"
        "Given her history of throwing up prednisone, gave triamcinolone (Kenalog) 40 mg SQ "
        "prior to leaving.\n"
        "Plan: resume controller inhaler; follow up with PCP in one week.\n"
        "Nurse medication note 16:20: Kenalog 40 mg/mL, 1 mL, IM, L ventrogluteal, lot K3391. "
        "Tolerated."
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" in blocking(review)
    assert not review.claim_ready


def test_a_history_cue_still_reaches_the_drug_it_names(reviewer):
    note = (
        "Urgent care. 29 F, asthma flare.\n"
        "History of a Kenalog 40 mg IM injection last spring with good effect.\n"
        "Assessment: asthma exacerbation (J45.41). Prednisone 40 mg PO daily x 5 days prescribed."
    )
    review = reviewer.review(note)
    assert given(review) == []


def test_an_inline_administered_header_covers_its_own_line(reviewer):
    note = (
        "Medicare wellness, 74 M.\n"
        "Administered: Fluzone High-Dose 0.5 mL IM R deltoid 09:40, lot FZ77.\n"
        "Pneumococcal: PCV20 received at the pharmacy 2025. Shingrix series complete.\n"
        "Dx: Encounter for immunization (Z23)"
    )
    review = reviewer.review(note)
    assert len(given(review)) == 1
    assert review.service_code == "G0008"


# Round 28's own notes (charts_af: a denial-appeal packet of faxed and scanned records run
# through text recognition; dictation_af/_ag: ambient scribes, accents, one-breath dictation).


@pytest.mark.parametrize(
    "act",
    [
        "Nurse: I'm going to give this sub Q in the back of your arm, right side.",
        "Medical assistant: Okay, Dana will inject it subcutaneously in your belly, left side.",
    ],
)
def test_an_act_on_it_lends_its_route_to_the_drug_named_before(reviewer, act):
    note = (
        "[Ambient scribe - primary care]\n"
        "Doctor: Your B12 came back at 150, and you have the numbness, so we'll start shots.\n"
        "Nurse: Drawing up the cyanocobalamin now, one thousand mcg.\n"
        f"{act}\n"
        "Patient: Okay.\n"
        "Doctor: Summary: vitamin B12 deficiency (E53.8) with paresthesias. Cyanocobalamin one "
        "thousand mcg given IM today. Recheck in a month."
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" in blocking(review)


def test_an_act_on_it_with_the_same_route_is_no_conflict(reviewer):
    note = (
        "[Ambient scribe - primary care]\n"
        "Nurse: Drawing up the cyanocobalamin now, one thousand mcg.\n"
        "Nurse: I'm going to give this in the muscle, left deltoid.\n"
        "Doctor: Summary: vitamin B12 deficiency (E53.8). Cyanocobalamin one thousand mcg given "
        "IM today, left deltoid."
    )
    review = reviewer.review(note)
    assert review.claim_ready
    assert "ROUTE_CONFLICT" not in blocking(review)


@pytest.mark.parametrize(
    "statement",
    [
        "The billed diagnoses (R53.83, R68.82) do not establish hypogonadism.",
        "Labs here and at the outside clinic don't show low testosterone.",
        "Coverage of testosterone requires documented hypogonadism with two low morning levels.",
    ],
)
def test_a_diagnosis_said_to_be_unestablished_supports_nothing(reviewer, statement):
    note = (
        "Men's health visit. 48 M, tired, low drive. Assessment: fatigue (R53.83); decreased "
        f"libido (R68.82). {statement}\n"
        "Testosterone cypionate 200 mg IM given today L gluteal, tolerated."
    )
    review = reviewer.review(note)
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_an_established_diagnosis_still_supports(reviewer):
    note = (
        "Men's health visit. 48 M. Morning testosterone 180 and 210: this does establish "
        "hypogonadism (E29.1).\n"
        "Testosterone cypionate 200 mg IM given today L gluteal, tolerated."
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    "meds",
    [
        "Meds: promethazine 25 mg IM R ventrogluteal. PO trial passed.",
        "ED meds: ondansetron 4 mg IM L deltoid; acetaminophen 1 g PO.",
    ],
)
def test_an_ed_meds_item_with_its_site_was_given(reviewer, meds):
    note = (
        "ED NOTE. 24 F, vomiting and diarrhea x2 days, roommates ill. Dry mucosa.\n"
        f"{meds}\n"
        "Assessment: viral gastroenteritis with nausea and vomiting (A08.4, R11.2).\n"
        "Dispo: home."
    )
    review = reviewer.review(note)
    assert review.claim_ready


def test_a_home_medication_list_stays_a_list(reviewer):
    note = (
        "Office visit. 61 F.\n"
        "Medications: Depo-Provera 150 mg IM every 12 weeks; enoxaparin 40 mg SC daily after her "
        "knee surgery; lisinopril 10 mg PO daily.\n"
        "Assessment: hypertension, stable. Plan: continue current medications."
    )
    review = reviewer.review(note)
    assert given(review) == []


@pytest.mark.parametrize("who", ["by RN", "by the nurse", "by LPN"])
def test_an_item_given_by_staff_under_a_plan_was_given(reviewer, who):
    note = (
        "Peds sick visit, 9 y/o M. Rapid strep positive.\n"
        "A: Streptococcal pharyngitis (J02.0).\n"
        "P: Mother prefers one shot to ten days of liquid. Bicillin L-A 1.2 million units IM R "
        f"anterolateral thigh {who}. Observed 15 min, no reaction."
    )
    review = reviewer.review(note)
    assert given(review) == ["penicillin_g_benzathine"]


@pytest.mark.parametrize(
    ("dictated", "code"),
    [
        ("follow up of her osteo porosis", "M81.0"),
        ("follow up for the primary hypo gonad ism", "E29.1"),
    ],
)
def test_a_one_word_diagnosis_heard_in_pieces(reviewer, dictated, code):
    note = f"dictation {dictated} period plan continue treatment period"
    review = reviewer.review(note)
    assert code in {d.icd10 for d in review.diagnoses}


def test_ordinary_words_are_not_joined_into_a_diagnosis(reviewer):
    note = "dictation she will hypo thetically come back period we gave nothing today period"
    review = reviewer.review(note)
    assert review.diagnoses == ()


@pytest.mark.parametrize(
    ("line", "drug", "dose"),
    [
        ("Kena1og 4O mg IM given today L de1toid, tolerated.", "triamcinolone_acetonide", "40 mg"),
        (
            "medroxyprogesterone acetate l50 rng IM given L de1toid 11:02",
            "medroxyprogesterone",
            "150 mg",
        ),
        ("lnvega Sustenna 234 rng lM R deltoid given 10:20.", "paliperidone_palmitate", "234 mg"),
    ],
)
def test_text_recognition_misreads_are_read(reviewer, line, drug, dose):
    note = (
        ">>> FAX RECEIVED 03/04/2025 09:12 P 1/1 <<<\n"
        "Dx: schizophrenia F20.9; contraception Z30.42; contact dermatitis L23.7.\n"
        f"{line}\n"
        "Page 1 of 1"
    )
    review = reviewer.review(note)
    adm = next(a for a in review.administrations if a.given)
    assert adm.drug_id == drug and adm.dose == dose
    assert adm.route_code == "IM"


@pytest.mark.parametrize(
    "words",
    [
        "LV function normal, EF 55%; LM without disease.",
        "S1 and S2 normal. B12 level 340. O2 sat 97% on 2 L.",
        "Discussed T4 and T3 results; L5-S1 disc bulge.",
    ],
)
def test_ordinary_letter_digit_words_are_not_misreads(reviewer, words):
    review = reviewer.review(f"Clinic note. {words} No injections today.")
    assert not any(e.how == "ocr" for e in review.entities if e.how)
    assert given(review) == []
