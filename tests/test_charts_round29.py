"""Round 29: notes written for these tests, from the untuned probe notes of ``charts_ah`` (a
health system's data-warehouse extract: key-value lines, quoted CSV rows, JSON fragments,
merged encounters, copied blocks), ``charts_ai`` (procedure-heavy services and office visits
that mention them) and ``dictation_ah`` (fast pediatric and family-medicine dictation) that
went wrong (now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings,
and each with a note where it must not fire.

- the cells of a quoted export row or a JSON fragment are read as words (the quotes, commas,
  colons and brackets between them are tokens of their own), so are tall-man names
  ("cefTRIAXone");
- a packaging word ("inj soln", "vial") is never read as a drug heard in pieces;
- rows of an exported table that date their own encounter are encounters: a dose in an
  earlier row was given then;
- a block "[Copied from 03/12/2024 encounter ...]" ... "[end copied text]" records that day's
  dose, not this visit's;
- a list item recording a dose of its own ("- For back pain: 60 mg IM given 16:07") under the
  only named drug's complete item is another injection whose drug is missing;
- after an oral drug, what follows an injection word is the injection's ("vomited oral
  amoxicillin x3 -> injection given 710 mg IM L thigh": the drug is missing).
"""

from __future__ import annotations

import pytest

from assertions import blocking
from assertions import given_drugs as given


@pytest.mark.parametrize(
    "row",
    [
        '"U-1020","2025-03-04","13:05","cefTRIAXone 500 mg vial (w/ lidocaine 1%)","500 mg",'
        '"IM","R ventrogluteal","K. Amundsen RN","given before first PO dose"',
        '"U-1020","2025-03-04","13:05","ceftriaxone inj","500 mg","Intramuscular",'
        '"Right ventrogluteal","K. Amundsen RN","Given"',
    ],
)
def test_the_cells_of_a_quoted_export_row_are_read(reviewer, row):
    note = (
        "# export: uc_mar.csv\n"
        "mrn,enc_dt,time,medication,dose,route,site,admin_by,comment\n"
        f"{row}\n"
        "Dx: N39.0 Urinary tract infection, site not specified; pyelonephritis suspected"
    )
    review = reviewer.review(note)
    adm = next(a for a in review.administrations if a.given)
    assert adm.drug_id == "ceftriaxone" and adm.route_code == "IM" and adm.dose == "500 mg"


def test_the_values_of_a_json_fragment_are_read(reviewer):
    note = (
        '{"encounter":{"date":"2025-05-02","dept":"WALK-IN (FICTITIOUS)"},\n'
        ' "diagnoses":[{"code":"M54.50","desc":"Low back pain, unspecified"}],\n'
        ' "mar":[{"med":"ketorolac tromethamine 30 mg/mL inj","dose":"30 mg",'
        '"route":"Intramuscular","site":"Right Gluteal","status":"Given","by":"L. Osei, RN"}]}'
    )
    review = reviewer.review(note)
    assert given(review) == ["ketorolac"]
    assert review.claim_ready


def test_quotes_in_narrative_still_read_as_before(reviewer):
    note = (
        'Patient said "the shot last month helped". Cyanocobalamin 1000 mcg IM L deltoid given '
        "today for pernicious anemia (D51.0), tolerated."
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]
    assert review.claim_ready


def test_a_packaging_word_is_no_drug_heard_in_pieces(reviewer):
    note = (
        "ENC_TYPE=NURSE VISIT\n"
        "DX_1=D51.0|Pernicious anemia\n"
        "MED_ADMIN_NAME=cyanocobalamin inj soln 1000 mcg/mL vial\n"
        "ADMIN_STATUS=Given\nADMIN_DOSE=1000 mcg\nADMIN_ROUTE=IM\nADMIN_SITE=Right deltoid"
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]
    assert not any(e.how for e in review.entities if e.label == "DRUG")


def test_an_earlier_row_of_an_export_is_an_earlier_encounter(reviewer):
    note = (
        "# claim for DOS 2025-04-21 (earlier visit included)\n"
        "enc,dos,dx,med,dose,route,site,status\n"
        '"E-1","2025-04-07","M54.50 Low back pain","ketorolac 30 mg/mL","60 mg","IM",'
        '"L glute","Given"\n'
        '"E-2","2025-04-21","","ketorolac 30 mg/mL","60 mg","","R glute","Given"'
    )
    review = reviewer.review(note)
    assert "ROUTE_MISSING" in blocking(review)
    assert not review.claim_ready


def test_a_single_dated_row_is_this_encounter(reviewer):
    note = (
        "enc,dos,dx,med,dose,route,site,status\n"
        '"E-2","2025-04-21","M54.50 Low back pain","ketorolac 30 mg/mL","60 mg","IM",'
        '"R glute","Given"'
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("[Copied from 01/10/2025 encounter - verify before signing]", "[end copied text]"),
        ("*** Carried forward from 01/10/2025 note ***", "*** End of copied text ***"),
    ],
)
def test_a_copied_block_records_that_days_dose(reviewer, opening, closing):
    note = (
        "NURSE VISIT  DOS 04/11/2025\n"
        "Reason: Depo-Provera due (window 04/04-04/18).\n\n"
        f"{opening}\n"
        "| Medroxyprogesterone acetate 150 mg/mL | 150 mg | IM | L deltoid | 09:40 | R. Vance RN |\n"
        f"{closing}\n\n"
        "Today: urine hCG positive x2; OB intake scheduled, prenatal vitamins started."
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert not review.claim_ready


def test_a_dose_after_the_copied_block_is_this_visits(reviewer):
    note = (
        "NURSE VISIT  DOS 04/11/2025\n"
        "[Copied from 01/10/2025 encounter]\n"
        "| Medroxyprogesterone acetate 150 mg | IM | L deltoid | 09:40 |\n"
        "[end copied text]\n"
        "Today: hCG negative. Medroxyprogesterone acetate 150 mg IM R deltoid given 10:05 by "
        "R. Vance RN. Dx: Z30.42."
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    "item",
    [
        "- For back pain: 60 mg IM given 16:07. Tolerated both.",
        "2) Back spasm: 30 mg IM R glute at 16:10.",
    ],
)
def test_a_list_item_with_a_dose_of_its_own_is_another_injection(reviewer, item):
    note = (
        "Walk-in. Pernicious anemia (D51.0) on monthly B12; acute low back pain (M54.50).\n"
        "Procedures:\n"
        "- Cyanocobalamin 1000 mcg IM, L deltoid - given 16:05.\n"
        f"{item}\n"
        "Rx: cyclobenzaprine 5 mg PO qhs x 5 days."
    )
    review = reviewer.review(note)
    assert "DRUG_MISSING" in blocking(review)
    assert None in given(review)


def test_a_split_dose_on_two_items_is_the_same_drugs(reviewer):
    note = (
        "Syphilis, latent (A53.0). Penicillin G benzathine 2.4 million units IM given:\n"
        "- 1.2 million units IM R glute 10:02\n"
        "- 1.2 million units IM L glute 10:04\n"
        "Tolerated, observed 15 min."
    )
    review = reviewer.review(note)
    assert "DRUG_MISSING" not in blocking(review)
    assert review.claim_ready


@pytest.mark.parametrize(
    "line",
    [
        "vomited oral amoxicillin x3 -> injection given 710 mg IM L thigh 09:50, tolerated.",
        "could not keep down amoxicillin PO, so shot given instead: 700 mg IM R thigh.",
    ],
)
def test_after_an_oral_drug_the_injection_is_the_injections(reviewer, line):
    review = reviewer.review(f"2 yo F, acute otitis media R (H66.91), fever x3d; {line}")
    assert "DRUG_MISSING" in blocking(review)
    assert "amoxicillin" not in given(review)


def test_an_oral_drug_keeps_its_own_dose(reviewer):
    note = (
        "2 yo F, acute otitis media (H66.91). Started oral amoxicillin 400 mg BID x10 days. "
        "No injection today."
    )
    review = reviewer.review(note)
    assert given(review) == []


# Twins of earlier rounds whose raw and typed versions the engine read differently.


@pytest.mark.parametrize(
    "start",
    [
        "She also wants to start Depo today for contraception.",
        "We will start Depo-Provera for contraception today.",
    ],
)
def test_the_reason_for_a_treatment_started_is_no_plan(reviewer, start):
    note = (
        "GYN visit, 23 F. Urine pregnancy test negative. "
        f"{start} Depo-Provera 150 mg IM R deltoid given, tolerated."
    )
    review = reviewer.review(note)
    assert review.claim_ready
    assert "Z30.42" in {d.icd10 for d in review.diagnoses}


def test_a_diagnosis_after_if_stays_a_plan(reviewer):
    note = (
        "Office visit. Will start B12 injections if the level shows pernicious anemia. "
        "Cyanocobalamin 1000 mcg IM L deltoid given today."
    )
    review = reviewer.review(note)
    assert not review.claim_ready


@pytest.mark.parametrize(
    "where",
    [
        "Patient on site at the Elm Street clinic with MA J. Ruiz.",
        "Video visit; patient is in the office with the nurse for vitals and injection.",
    ],
)
def test_a_telehealth_visit_with_the_patient_on_site_gives_the_dose_here(reviewer, where):
    note = (
        "Telehealth (video) - provider remote\n"
        f"{where}\n"
        "A: Vitamin B12 deficiency anemia (D51.9).\n"
        "Administered by MA: cyanocobalamin 1000 mcg IM, L deltoid."
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]
    assert review.claim_ready


def test_a_telehealth_visit_without_the_patient_on_site_gives_nothing(reviewer):
    note = (
        "Telehealth (video) - patient at home.\n"
        "A: Vitamin B12 deficiency anemia (D51.9). Cyanocobalamin 1000 mcg IM administered by "
        "home health nurse yesterday per patient."
    )
    review = reviewer.review(note)
    assert not review.claim_ready


@pytest.mark.parametrize("who", ["M A Petra", "nurse Apryl", "R N Emmy Lou"])
def test_the_person_who_gave_it_is_no_drug(reviewer, who):
    note = (
        "urgent care dictation period acute low back strain period treatment colon ketorolac "
        f"sixty milligrams I M right gluteal given by {who} period ice and stretching period"
    )
    review = reviewer.review(note)
    assert given(review) == ["ketorolac"]


def test_encounter_headers_without_a_year_date_the_earlier_encounters(reviewer):
    note = (
        "CLAIM EXTRACT - DOS OF CLAIM: 03/14/2024 - Behavioral Health (FICTITIOUS)\n\n"
        "[ENC 1 of 3] 02/22/2024 - Telehealth med management (video)\n"
        "Schizoaffective disorder (F25.0). Agrees to a long-acting injectable. Order: "
        "aripiprazole lauroxil 441 mg IM deltoid today and monthly.\n\n"
        "[ENC 2 of 3] 02/29 - Injection clinic, RN visit\n"
        "Aristada 441 mg given IM L deltoid 14:10. No reaction.\n\n"
        "[ENC 3 of 3] 03/14 - Injection clinic, RN visit\n"
        "Aristada 441 mg administered IM R deltoid at 10:20 by P. Ng RN. Dx this visit: "
        "schizoaffective disorder (F25.0)."
    )
    review = reviewer.review(note)
    assert review.note_type != "telehealth"
    assert review.claim_ready
    assert [a.site for a in review.administrations if a.given] == ["R deltoid"]


def test_an_order_line_ends_at_the_blank_line(reviewer):
    note = (
        "Order: ceftriaxone 500 mg IM x1 (Dr. Ames), verified.\n\n"
        "Nurse note: ceftriaxone 500 mg given IM R ventrogluteal 11:40, tolerated. "
        "Dx: gonococcal urethritis (A54.01)."
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    "where",
    [
        "Patient location: Millbrook clinic, MA T. Greene present in person.",
        "patient twenty four is in the Millbrook clinic with our M A period",
    ],
)
def test_more_ways_to_say_the_patient_is_on_site(reviewer, where):
    note = (
        "TELEHEALTH VISIT (video), provider remote.\n"
        f"{where}\n"
        "Administration (by MA, observed on video):\n"
        "  Drug: medroxyprogesterone acetate\n  Dose: 150 mg\n  Route: IM\n  Site: R deltoid\n"
        "Assessment: Surveillance of injectable contraceptive (Z30.42)"
    )
    review = reviewer.review(note)
    assert review.claim_ready


def test_the_clinicians_location_is_not_the_patients(reviewer):
    note = (
        "Telehealth video visit\n"
        "Patient location: home; clinician location: clinic.\n"
        'Patient said "I gave myself the semaglutide shot Sunday, the 0.5 mg." Type 2 diabetes '
        "(E11.65). Plan: increase semaglutide to 1 mg subcut weekly; Rx sent."
    )
    review = reviewer.review(note)
    assert given(review) == []
