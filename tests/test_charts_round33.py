"""Charts round 33: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- an amount of food or drink ("tolerated 240 mL electrolyte solution", "8 oz of apple juice")
  and the volume of a diluent ("reconstituted with 1 mL of 1% lidocaine") are no dose of the
  drug: with no other amount written the dose is missing;
- an export of several encounters that names the one under review ("<-- encounter under
  review", "coding review, encounter of 06/14/2024") dates the note: an earlier encounter's
  dose, even with its clock time, is history;
- "to be given today by nursing" orders a dose: a staff word beside plan wording records none;
- "he used to get the shot" is a habit of the past, not a plan that makes today's dose a plan;
- a negation said after a second drug ("ceftriaxone 500 mg IM today, azithromycin held") holds
  that drug, not the dose and route of the clause before it.
"""

from __future__ import annotations

import pytest

from assertions import blocking

# Food, drink and diluent amounts are no dose ------------------------------------------------------


@pytest.mark.parametrize(
    "after",
    [
        "Oral fluid trial: tolerated 240 mL electrolyte solution by 12:00.",
        "PO challenge passed: drank 8 oz of apple juice, no emesis.",
        "Tolerated 120 mL Pedialyte in clinic.",
    ],
)
def test_an_amount_of_food_or_drink_is_no_dose(reviewer, after):
    review = reviewer.review(
        "OB PROBLEM VISIT 03/03/2026\nAssessment: hyperemesis gravidarum (O21.1).\n"
        "Given: promethazine ___ mg IM right upper outer gluteal at 10:15 by RN. "
        f"{after}"
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


@pytest.mark.parametrize(
    "mixed",
    [
        "reconstituted with 1 mL of 1% lidocaine",
        "diluted with 2.1 mL lidocaine 1%",
        "mixed in 3.5 mL sterile water",
    ],
)
def test_a_diluent_volume_is_no_dose(reviewer, mixed):
    review = reviewer.review(
        "STI CLINIC 06/17/2026\nA: Gonococcal urethritis (A54.01).\n"
        f"P: ceftriaxone IM given in clinic, {mixed}; tolerated, L ventrogluteal."
    )
    assert "DOSE_MISSING" in blocking(review)


def test_a_dose_with_its_diluent_keeps_its_own_amount(reviewer):
    review = reviewer.review(
        "STI CLINIC 06/17/2026\nA: Exposure to gonorrhea (Z20.2).\n"
        "P: ceftriaxone 500 mg reconstituted with 1 mL of 1% lidocaine, IM L ventrogluteal "
        "at 14:20 by RN; tolerated."
    )
    assert review.claim_ready is True


# The encounter under review in an export of several -------------------------------------------


@pytest.mark.parametrize(
    ("requested", "marker"),
    [
        ("Requested by: coding review, encounter of 03/20/2025", ""),
        ("Export for audit", "   <-- encounter under review"),
    ],
)
def test_an_earlier_encounters_timed_dose_is_history(reviewer, requested, marker):
    review = reviewer.review(
        "Riverside Urgent Care - Encounter History Export (FICTITIOUS)\n"
        f"{requested}\n\n"
        "=== Encounter 03/18/2025 ===\n"
        "Provider: cellulitis of right forearm (L03.113). Ceftriaxone 1 g IM given L ventrogluteal "
        "at 17:05.\nNursing: ceftriaxone 1 g IM L VG 17:05, tolerated.\n\n"
        f"=== Encounter 03/20/2025 ==={marker}\n"
        "Recheck: redness receding. Continue cephalexin. No repeat ceftriaxone needed."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


# Plans: "to be given today by nursing"; a habit of the past --------------------------------------


@pytest.mark.parametrize(
    "plan",
    [
        "Cyanocobalamin 1000 mcg IM to be given today by nursing before discharge, then monthly.",
        "Testosterone cypionate 200 mg IM to be administered by the nurse after labs result.",
    ],
)
def test_to_be_given_by_nursing_is_an_order(reviewer, plan):
    review = reviewer.review(
        f"FAMILY MEDICINE 08/07/2025\nA/P: Pernicious anemia (D51.0); hypogonadism (E29.1).\n{plan}"
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


def test_a_staff_member_who_gave_it_still_records_it(reviewer):
    review = reviewer.review(
        "NURSE VISIT 08/07/2025\nPernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid "
        "given by RN at 09:05, tolerated."
    )
    assert review.claim_ready is True


def test_used_to_get_the_shot_is_no_plan(reviewer):
    review = reviewer.review(
        "PRIMARY CARE 01/07/2025\nPatient: my dad had gout, he used to get the shot in the butt.\n"
        "Summary: acute gout flare, right first MTP (M10.071).\n"
        "Nurse: ketorolac 60 mg, right glute, intramuscular. Okay, all done."
    )
    (ketorolac,) = [a for a in review.administrations if a.drug == "ketorolac"]
    assert ketorolac.given and ketorolac.setting == "this_encounter"


# A negation after a second drug --------------------------------------------------------------------


def test_held_after_a_second_drug_holds_that_drug(reviewer):
    review = reviewer.review(
        "SEXUAL HEALTH 05/05/2026\nA: Exposure to gonorrhea (Z20.2).\n"
        "P: ceftriaxone 500 mg IM today, azithromycin held pending NAAT.\n"
        "Nursing: ceftriaxone 500 mg given SC R ventrogluteal, tolerated."
    )
    assert "ROUTE_CONFLICT" in blocking(review)
    (azithro,) = [a for a in review.administrations if a.drug == "azithromycin"]
    assert not azithro.given


def test_held_after_a_list_of_drugs_still_holds_them_all(reviewer):
    review = reviewer.review(
        "URGENT CARE 05/05/2026\nA: migraine (G43.909).\nToradol and Compazine held: pregnancy "
        "test pending."
    )
    assert not any(a.given for a in review.administrations)
