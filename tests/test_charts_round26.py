"""Round 26: notes written for these tests, from the untuned probe notes of ``charts_ad`` (a
hospital system's outpatient departments and ED, exported for a compliance review) and
``dictation_ad`` (noisy ED and urgent-care dictation, ambient scribes, phoned-in nursing notes,
back-to-back dictations) that went wrong (now in ``annotations/raw/probe_tuned.jsonl``), each
category with other wordings, and each with a note where it must not fire.

- another patient's dictation in the same job ("Starting new dictation, bed five, different
  patient") is not this note's: its doses document nothing here;
- a list item under "Given in ED at 10:20:" with its own route was given, though it tells no
  dose ("- Benadryl IM as part of the migraine cocktail": DOSE_MISSING);
- a record under its own header ("Administration: 150 mg SC L upper arm") describes the drug
  named on the line above ("Product: Xolair (omalizumab) 300 mg");
- a spoken correction reaches back over fillers ("sub Q, no, correction, intramuscular");
- round 27 (``charts_ae``: community and public-health settings): "pulmonary tuberculosis",
  "MDR-TB" and "opioid overdose" are diagnoses (the indications of amikacin and naloxone);
- round 23's prd-aa-016-raw and round 18's pr-r-016: "we also gave a shot of ..., 25 mg IM" is
  another injection (tests in ``test_charts_round25.py``).
"""

from __future__ import annotations

import pytest

from assertions import blocking
from assertions import given_drugs as given


@pytest.mark.parametrize(
    "boundary",
    [
        "[beep] Starting new dictation, bed five, different patient, Ingrid Sorensen (FICTITIOUS),",
        "Next patient, Mr. Halvard Quist (FICTITIOUS), room 3, this one goes on his chart:",
        "End of dictation for Brockway. Different patient now, Mrs. Yuen (FICTITIOUS):",
    ],
)
def test_another_patients_dictation_documents_nothing_here(reviewer, boundary):
    note = (
        "E D, dictating for Anselm Brockway (FICTITIOUS), bed two, fifty eight, chest wall pain "
        "after moving furniture, troponins negative times two. He asked about a Toradol shot, "
        "I'm not giving one with his kidney function, Tylenol one gram by mouth given here.\n"
        f"{boundary} low back strain lifting a toddler, gave ketorolac sixty milligrams I M "
        "right glute, tolerated, discharge with ice.\n"
    )
    review = reviewer.review(note)
    assert given(review) == []
    assert not review.claim_ready


def test_a_note_that_opens_with_its_patient_keeps_its_dose(reviewer):
    note = (
        "Next patient, Ingrid Sorensen (FICTITIOUS), low back strain (S39.012A) lifting a "
        "toddler, gave ketorolac sixty milligrams I M right glute, tolerated, discharge with ice."
    )
    review = reviewer.review(note)
    assert given(review) == ["ketorolac"]


@pytest.mark.parametrize(
    "item",
    [
        " - Benadryl IM as part of the migraine cocktail",
        " - diphenhydramine IM R deltoid (cocktail)",
    ],
)
def test_a_list_item_under_a_given_lead_in_was_given_without_its_dose(reviewer, item):
    note = (
        "ED physician note. Migraine without aura (G43.009), vomiting (R11.10).\n"
        "Given in ED at 10:20:\n"
        " - promethazine 25 mg IM R ventrogluteal for vomiting\n"
        f"{item}\n"
        "Reassessed at 11:20: headache 2/10.\n"
    )
    review = reviewer.review(note)
    assert sorted(given(review)) == ["diphenhydramine", "promethazine"]
    assert "DOSE_MISSING" in blocking(review)


def test_a_list_under_a_plan_lead_in_stays_planned(reviewer):
    note = (
        "ED physician note. Migraine without aura (G43.009), vomiting (R11.10).\n"
        "Will give if no better in 1 h:\n"
        " - diphenhydramine IM R deltoid\n"
        "Promethazine 25 mg IM R ventrogluteal given 10:20 by RN.\n"
    )
    review = reviewer.review(note)
    assert given(review) == ["promethazine"]


@pytest.mark.parametrize(
    "record",
    [
        "Administration: 150 mg SC L upper arm + 150 mg SC R upper arm, 15:02, G. Marsh, CMA",
        "Administration: 300 mg SC abdomen, 15:02, by G. Marsh, CMA",
    ],
)
def test_an_administration_record_describes_the_product_above(reviewer, record):
    note = (
        "ALLERGY & ASTHMA CENTER - Biologic injection visit (template)\n"
        "Diagnosis: severe persistent allergic asthma (J45.50)\n"
        "Product: Xolair (omalizumab) 300 mg q4 weeks, clinic stock\n"
        f"{record}\n"
        "Observation: 30 min per protocol, no urticaria.\n"
    )
    review = reviewer.review(note)
    assert given(review) == ["omalizumab"]
    assert review.administrations[0].route == "SC"


def test_a_record_far_below_an_old_mention_describes_nothing(reviewer):
    note = (
        "ALLERGY & ASTHMA CENTER\n"
        "History: Xolair (omalizumab) was stopped in 2019 for cost; she has done well on "
        "inhalers alone since then, with two mild flares a year treated at home, no ED visits, "
        "no oral steroid bursts, and normal spirometry at her last three annual reviews.\n"
        "Administration: 0.5 mL SC L upper arm, 15:02, G. Marsh, CMA\n"
    )
    review = reviewer.review(note)
    assert "omalizumab" not in given(review)


@pytest.mark.parametrize(
    "said",
    [
        "Kenna log forty milligrams sub Q, no, correction, intramuscular, in the right glute",
        "Kenalog forty milligrams sub Q, uh, sorry, correction, I M right glute",
    ],
)
def test_a_correction_reaches_back_over_fillers(reviewer, said):
    note = f"Urgent care. Allergic contact dermatitis (L23.7). Treatment colon {said}, tolerated."
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in blocking(review)
    assert review.administrations[0].route == "IM"


@pytest.mark.parametrize(
    ("dx", "drug", "code"),
    [
        ("pulmonary tuberculosis, culture positive, MDR-TB", "streptomycin 1 g", "A15.0"),
        ("active pulmonary TB on directly observed therapy", "streptomycin 1 g", "A15.0"),
        ("opioid overdose, found unresponsive with pinpoint pupils", "naloxone 0.4 mg", "T40.601A"),
        ("heroin overdose", "naloxone 0.4 mg", "T40.601A"),
    ],
)
def test_tuberculosis_and_opioid_overdose_support_their_drugs(reviewer, dx, drug, code):
    note = (
        f"Public health clinic. Impression: {dx}. {drug} IM L lateral thigh given by RN at 21:49."
    )
    review = reviewer.review(note)
    assert code in review.icd10
    assert review.claim_ready


def test_an_overdose_in_the_family_supports_nothing(reviewer):
    note = (
        "Public health clinic. Her brother died of an opioid overdose last year; she asks about "
        "kits. Naloxone 0.4 mg IM L lateral thigh given by RN at 21:49 for training."
    )
    review = reviewer.review(note)
    assert not review.claim_ready


@pytest.mark.parametrize(
    "aside",
    [
        "The earlier entry was charted in error; the dose went to a different patient in room 4.",
        "Struck: administration belongs to another patient's encounter.",
    ],
)
def test_a_dose_charted_for_another_patient_is_no_new_dictation(reviewer, aside):
    note = (
        "Clinic medication administration summary. Gonorrhea exposure (Z20.2).\n"
        f"{aside}\n"
        "Ceftriaxone 500 mg IM R ventrogluteal given 10:40 by RN, tolerated.\n"
    )
    review = reviewer.review(note)
    assert given(review) == ["ceftriaxone"]
