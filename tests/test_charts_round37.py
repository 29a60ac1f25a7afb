"""Round 37: short notes written for these tests, from untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a template field line ("Route: IM   Site: R ventrogluteal   Diluent: 1% lidocaine") describes
  the drug above, not the diluent a later field of the same line names;
- a drug named as a treatment that did not work ("flare despite Allegra") is no administration;
- a drug read in pieces from dictation ("depo" then "pro vera") is the curated drug its sentence
  names: a dictated record of route and site under it ("route colon I M", "site colon ...")
  records the dose as given;
- "plan start Xolair ...", dictated without a colon, is a plan;
- "seen yesterday at an urgent care and got promethazine there" is an earlier dose elsewhere;
- a file of several patients (a nurse's injection log, an end-of-day dictation with "next
  patient ...") is read for the patient its header names, and visits dictated together for the
  one whose spoken date is the date of service;
- a fax cover or records-request reply over the documents it sends is no letter; a "Date:" line
  of the fax is not the date of service when a DOS is written; a printed form's title in
  capitals ("NURSING INJECTION RECORD   <clinic>") opens its section; a charge ticket lends no
  dose; a prior authorization's "Approved:" doses are not given; a printed "ADDENDUM" page that
  corrects a route ("selected in error as "IV"") replaces it;
- an unchecked alternative on its own line is not given; "GIVEN (✓) ... no rxn" is no "no"; a
  dose written without a word of giving it and then "HELD" was not given;
- a test for a disease ("Syphilis screen NR"), a diagnosis still to be made ("before a diagnosis
  of hypogonadism can be made") and another person's ("his wife has pernicious anemia") do not
  support the injection;
- "last shot was ..." dates only the words right before it; a number word heard with an accent
  ("tree hundred") is read next to other numbers.
"""

from __future__ import annotations

import pytest

from assertions import blocking


@pytest.mark.parametrize("diluent", ["Diluent: 1% lidocaine", "Reconstituted with: 1% lidocaine"])
def test_a_field_line_describes_the_drug_above_not_its_diluent(reviewer, diluent):
    review = reviewer.review(
        "STI clinic visit 04/02/2026\nReason: partner treated for gonorrhea last week.\n"
        "Dx: Contact with and exposure to gonorrhea (Z20.2)\n"
        "Medication given: Ceftriaxone 500 mg\n"
        f"   Route: IM    Site: L ventrogluteal    {diluent}\n"
        "   Given by: J. Orrin, RN   Observed 15 min, no reaction."
    )
    assert review.claim_ready is True
    (given,) = [a for a in review.administrations if a.given]
    assert given.drug_id == "ceftriaxone"
    assert given.route == "IM"


@pytest.mark.parametrize(
    "failed",
    [
        "Flare despite Rhinocort and Claritin:",
        "Sneezing in spite of Flonase and Allegra:",
    ],
)
def test_a_treatment_that_did_not_work_is_no_administration(reviewer, failed):
    review = reviewer.review(
        "Allergy clinic, 05/14/2026. 51 y/o M on immunotherapy for allergic rhinitis.\n\n"
        "ALLERGY INJECTIONS (per protocol):\n- Vial 1, tree mix: 0.3 mL SC, right posterior arm\n"
        "30-minute wait, no reaction.\n\n"
        f"{failed} Kenalog 40 mg IM, left deltoid, given after the allergy shots.\n\n"
        "A: Allergic rhinitis due to pollen, acute flare."
    )
    assert review.claim_ready is True
    given = {a.drug_id for a in review.administrations if a.given}
    assert "triamcinolone_acetonide" in given
    assert not given & {"fexofenadine", "loratadine", "budesonide", "fluticasone"}


@pytest.mark.parametrize(
    "drug",
    ["depo pro vera", "depo pro vara"],
)
def test_a_dictated_record_under_a_name_heard_in_pieces_is_given(reviewer, drug):
    review = reviewer.review(
        "nurse visit colon contraception injection period\n"
        "reason colon contraception comma week twelve period\n"
        f"medication colon {drug} period\n"
        "dose colon [inaudible] period\n"
        "route colon I M period\n"
        "site colon left deltoid period\n"
        "tolerated comma no complaints period"
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)
    assert "NOT_ADMINISTERED" not in blocking(review)


@pytest.mark.parametrize(
    "plan",
    [
        "plan start Xolair three hundred milligrams sub Q every four weeks",
        "plan begin Dupixent three hundred milligrams sub Q every two weeks",
    ],
)
def test_a_dictated_plan_without_its_colon_is_a_plan(reviewer, plan):
    review = reviewer.review(
        "allergy dictation comma forty year old with severe persistent asthma comma three "
        f"prednisone bursts this year period {plan} comma paperwork sent today comma "
        "epinephrine auto injector prescribed period continue inhalers period"
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "she was seen yesterday at QuickMed Express and got promethazine twenty five I M there",
        "He went yesterday to a walk-in clinic and received Phenergan 25 mg IM there",
    ],
)
def test_a_dose_at_another_place_yesterday_is_not_todays(reviewer, elsewhere):
    review = reviewer.review(
        f"ED note. 40 year old with vomiting for two days. {elsewhere}, which helped for a few "
        "hours. Today ondansetron 4 mg IV push given at 03:10. Impression: acute gastritis."
    )
    assert review.claim_ready is False
    assert not any(a.given and a.route == "IM" for a in review.administrations)


# -- a file of several patients, a file of several visits ---------------------------------------


@pytest.mark.parametrize(
    "log",
    [
        # a nurse's injection log: the patient under review has no route, the others do
        "09:10 Harlan Ostby 62, cyanocobalamin 1000 mcg IM L deltoid for pernicious anemia.\n"
        "09:40 Ines Marrow 35, medroxyprogesterone 150 mg into the R deltoid, contraception, "
        "tolerated.\n"
        "10:05 Petra Kallis 48, ketorolac 60 mg IM R gluteal for back strain.\n",
        "first Harlan Ostby sixty two cyanocobalamin one thousand micrograms I M left deltoid "
        "period\nsecond Ines Marrow comma medroxyprogesterone one fifty milligrams into the right "
        "deltoid comma contraception comma tolerated period\nthird Petra Kallis ketorolac sixty "
        "milligrams I M right gluteal period\n",
    ],
)
def test_a_log_of_several_patients_is_read_for_the_patient_named_in_its_header(reviewer, log):
    review = reviewer.review(
        "[Dictation job 4471 | Patient: Ines Marrow | DOS 03/02/2026]\n"
        "injection log, Hillview Family Clinic, nurse T. Ruiz\n" + log
    )
    assert review.claim_ready is False
    assert "ROUTE_MISSING" in blocking(review)
    assert [a.drug_id for a in review.administrations if a.given] == ["medroxyprogesterone"]


@pytest.mark.parametrize(
    "next_part",
    [
        "next patient Orla Finnegan, pernicious anemia, here for her monthly cyanocobalamin "
        "1000 mcg IM given left deltoid",
        "Next patient is Mr Tobin Vale with gout, ketorolac 60 mg IM given right gluteal and",
    ],
)
def test_the_next_patients_part_of_a_dictation_is_not_this_note(reviewer, next_part):
    review = reviewer.review(
        "[Patient: Gwen Hollis | DOS 05/20/2026]\nfamily medicine dictation, batch of May 20.\n"
        "patient Gwen Hollis 58 year old here for a B12 shot because she is tired, B12 level "
        "normal in March. Assessment fatigue. She wanted the shot, B12 1000 mcg IM given right "
        f"deltoid.\n{next_part}"
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)
    assert [a.drug_id for a in review.administrations if a.given] == ["cyanocobalamin"]


def test_one_patient_named_twice_is_no_file_of_several(reviewer):
    review = reviewer.review(
        "Patient: Gwen Hollis   DOS 05/20/2026\n"
        "Gwen Hollis 58 year old with pernicious anemia (D51.0), monthly injection.\n"
        "Cyanocobalamin 1000 mcg IM given right deltoid by J. Park RN, tolerated."
    )
    assert review.claim_ready is True


@pytest.mark.parametrize(
    ("dos", "ready"),
    [("DOS 04/29", False), ("DOS 04/01", True)],
)
def test_visits_dictated_together_are_told_apart_by_their_spoken_dates(reviewer, dos, ready):
    review = reviewer.review(
        f"[Dictation job 88 | Patient: Ray Lundgren | {dos}]\n"
        "addiction medicine dictation, two visits for Ray Lundgren together period\n"
        "first visit April first colon alcohol use disorder comma abstinent ten days period "
        "Vivitrol three eighty milligrams I M right gluteal given by me comma tolerated period\n"
        "second visit April twenty ninth colon doing well comma cravings lower period second "
        "Vivitrol injection given today I M left gluteal by nurse Ana comma tolerated period"
    )
    assert review.claim_ready is ready
    if not ready:
        assert "DOSE_MISSING" in blocking(review)


# -- packets sent to a payer ----------------------------------------------------------------------

_PACKET = (
    "FAX {date_line}  FROM: Cedar Walk-In Clinic   TO: Claims Review   P.001/003\n"
    "COVER SHEET - RESPONSE TO ADDITIONAL DOCUMENTATION REQUEST\n"
    "Re: Member Lena Ortiz   Member ID 55-102   DOS 06/03/2026\n"
    "Enclosed: (1) visit note, (2) nursing injection record, (3) charge ticket.\n\n"
    "Cedar Walk-In Clinic                                         Page 1 of 2\n"
    "CHIEF COMPLAINT: right flank pain.\n"
    "ASSESSMENT: Right renal colic (N23).\n"
    "PLAN: Toradol 60 mg given in the R upper outer gluteus by nursing at 10:10, see nursing "
    "record. Tamsulosin 0.4 mg daily.\n"
    "Printed 06/20/2026                                           Page 2 of 2\n"
    "NURSING INJECTION RECORD                        Cedar Walk-In Clinic\n"
    "Medication: ketorolac 60 mg/2 mL   Dose: 60 mg\n"
    "Route: IM    Site: R dorsogluteal    Time: 10:10\n"
    "Given by: M. Chen, LPN\n\n"
    "CHARGE TICKET  DOS 06/03/2026\n"
    "96372      Injection, ther/proph/diag      x1\n"
    "J1885      Ketorolac (per 15 mg)           x4\n"
)


@pytest.mark.parametrize("date_line", ["06/20/2026 09:14", "Date: 06/20/2026"])
def test_a_fax_cover_over_a_visit_note_is_no_letter(reviewer, date_line):
    review = reviewer.review(_PACKET.format(date_line=date_line))
    assert review.note_type != "letter_other"
    assert review.date_of_service == "2026-06-03"
    assert review.claim_ready is True
    (given,) = [a for a in review.administrations if a.given]
    assert given.route == "IM"
    assert given.dose is not None and given.dose.startswith("60")


def test_a_charge_ticket_lends_no_dose(reviewer):
    review = reviewer.review(
        "Visit 03/21/2026. Migraine without aura, intractable (G43.019); nausea with vomiting "
        "(R11.2).\nTreatment: Toradol 60 mg IM L deltoid 11:20. Phenergan IM R deltoid 11:22.\n\n"
        "CHARGE TICKET\n96372      Injection                     x1\n"
        "J2550      Phenergan (up to 50 mg)       x1\n"
        "J1885      Toradol (per 15 mg)           x4\n"
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


@pytest.mark.parametrize(
    "approval",
    [
        "Approved: dupilumab (Dupixent) 600 mg SC day 1, then 300 mg SC every other week.",
        "Approved for: omalizumab (Xolair) 300 mg SC every 4 weeks x 12 months.",
    ],
)
def test_a_prior_authorization_approval_is_no_administration(reviewer, approval):
    review = reviewer.review(
        "Office visit 07/29/2026. Dx: atopic dermatitis, severe (L20.9).\n"
        "Injection teaching today with a demonstration pen that holds no medication; patient "
        "practiced twice. First dose to be self-injected at home on 08/01.\n"
        f"Insurance response received today. {approval}"
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


def test_a_printed_addendum_page_correcting_the_route_is_no_conflict(reviewer):
    review = reviewer.review(
        "OFFICE VISIT   DOS 02/26/2026\nAssessment: asthma with acute exacerbation (J45.41).\n"
        "Plan: Depo-Medrol 80 mg given in clinic today (see MAR).\n\n"
        "MEDICATION ADMINISTRATION RECORD     Page 2 of 3\n"
        "Time   Medication                         Dose    Route  Site\n"
        "11:58  methylprednisolone acetate 80 mg   80 mg   IV     L ventrogluteal\n\n"
        "Lakeshore Pulmonary     ADDENDUM     Page 3 of 3\n"
        'The MAR route was selected in error as "IV". Methylprednisolone acetate is never '
        "given intravenously; it was administered intramuscularly into the left ventrogluteal "
        "site."
    )
    assert review.claim_ready is True
    assert "ROUTE_CONFLICT" not in blocking(review)


# -- template boxes and records -----------------------------------------------------------------


def test_an_unchecked_alternative_on_its_own_line_is_not_given(reviewer):
    review = reviewer.review(
        "STI VISIT 05/09/2026\nAssessment:\n  [x] Exposure to gonorrhea (Z20.2)\n"
        "TREATMENT GIVEN IN CLINIC TODAY:\n"
        "  [x] Ceftriaxone 500 mg IM, site: L ventrogluteal\n"
        "  [ ] Alternative (beta-lactam allergy): gentamicin 240 mg IM + azithromycin 2 g PO\n"
        "Observed 15 min, no reaction. Given by: K. Adu, RN 10:42"
    )
    assert review.claim_ready is True
    assert [a.drug_id for a in review.administrations if a.given] == ["ceftriaxone"]


def test_a_checked_given_mark_is_not_read_from_later_words(reviewer):
    review = reviewer.review(
        "Shelter clinic 2/11/2026. A: alcohol use disorder, moderate (F10.20)\n"
        "P: naltrexone ER (Vivitrol) 380 mg IM R upper outer glute - GIVEN (✓) lot VT-22, "
        "tol well, no rxn\n   thiamine 100 mg PO daily - cont"
    )
    assert review.claim_ready is True


def test_a_dose_written_then_held_is_not_given(reviewer):
    review = reviewer.review(
        "TREATMENT NOTE 03/12/2026\nBreast cancer on dose-dense chemotherapy (C50.412). Here "
        "day +2 for pegfilgrastim 6 mg SC.\nThe on-body injector delivered its dose at home "
        "yesterday: pegfilgrastim HELD today, syringe returned to stock."
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


def test_a_dose_written_then_given_after_an_earlier_hold_is_given(reviewer):
    review = reviewer.review(
        "Nurse visit 03/12/2026. Osteoporosis (M81.0). Prolia held last visit for low calcium; "
        "calcium now 9.4.\nProlia 60 mg SC R upper arm, tolerated."
    )
    assert review.claim_ready is True


# -- diagnoses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "screen",
    ["Syphilis screen from 6/2 NR.", "Gonorrhea NAAT sent today, pending."],
)
def test_a_test_for_a_disease_is_no_diagnosis_of_it(reviewer, screen):
    review = reviewer.review(
        "Nurse injection visit 07/01/2026\nApretude #3. HIV rapid test nonreactive today.\n"
        "cabotegravir ER 600 mg/3 mL IM L ventrogluteal at 16:05, tolerated.\n"
        f"{screen}\nNext in 8 weeks. - N. Pratt, LPN"
    )
    assert review.claim_ready is False
    assert "DX_MISSING" in blocking(review)


@pytest.mark.parametrize(
    "unsure",
    [
        "two morning levels are needed before a diagnosis of hypogonadism can be made",
        "we need two morning labs before we can say hypogonadism",
    ],
)
def test_a_diagnosis_still_to_be_made_does_not_support(reviewer, unsure):
    review = reviewer.review(
        "Endocrine consult 06/02/2026. Low energy and low libido for 6 months (R53.83). "
        f"Random testosterone normal; {unsure}. He insisted on treatment: testosterone "
        "enanthate 100 mg IM L gluteal given today, tolerated."
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)


@pytest.mark.parametrize(
    "other", ["his wife has pernicious anemia", "like his friend who has B12 deficiency"]
)
def test_another_persons_diagnosis_is_not_the_patients(reviewer, other):
    review = reviewer.review(
        f"Visit 04/04/2026. 62 year old, tired for three months, wants a B12 shot, {other}. "
        "B12 level 612, normal. Assessment: fatigue (R53.83). He insisted: cyanocobalamin "
        "1000 mcg IM right deltoid given by the nurse."
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_a_companion_does_not_take_the_patients_complaint(reviewer):
    review = reviewer.review(
        "ED 04/04/2026. 40 year old visiting with her husband complaining of nausea and "
        "vomiting since morning. Promethazine 25 mg IM R deltoid given at 11:05, tolerated. "
        "Impression: nausea with vomiting."
    )
    assert "DX_MISSING" not in blocking(review)


# -- dictation ------------------------------------------------------------------------------------


def test_a_last_shot_after_todays_record_dates_only_itself(reviewer):
    review = reviewer.review(
        "nine forty Leona Birch comma Depo Provera one fifty milligrams I M right deltoid comma "
        "contraception comma last shot was December twenty third so she is within the window "
        "period lot J four four comma tolerated well period"
    )
    assert review.claim_ready is True


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("row gam tree hundred micrograms", "300"),
        ("epinephrine zero point tree milligram", "0.3"),
    ],
)
def test_a_number_heard_with_an_accent_is_read_beside_other_numbers(reviewer, said, value):
    review = reviewer.review(
        f"urgent care visit period today {said} I am right thigh given by nurse period"
    )
    doses = [e.text for e in review.entities if e.label == "DOSE"]
    assert any("tree" in d for d in doses)
    assert any(a.dose is not None and a.dose.startswith(value) for a in review.administrations)


def test_an_ordinary_word_that_sounds_like_a_number_stays_a_word(reviewer):
    review = reviewer.review(
        "allergy visit period tree pollen allergy worse this week period Kenalog forty "
        "milligrams I M right deltoid given period"
    )
    assert not any("tree" in e.text for e in review.entities if e.label == "DOSE")
