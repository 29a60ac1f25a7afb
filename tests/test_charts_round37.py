"""Round 37: short notes written for these tests, from untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a template field line ("Route: IM   Site: R ventrogluteal   Diluent: 1% lidocaine") describes
  the drug above, not the diluent a later field of the same line names;
- a drug named as a treatment that did not work ("flare despite Allegra") is no administration;
- a drug read in pieces from dictation ("depo" then "pro vera") is the curated drug its sentence
  names: a dictated record of route and site under it ("route colon I M", "site colon ...")
  records the dose as given;
- "plan start Xolair ...", dictated without a colon, is a plan;
- "seen yesterday at an urgent care and got promethazine there" is an earlier dose elsewhere.
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
        "Flare despite Flonase and Zyrtec:",
        "Itching in spite of cetirizine and hydroxyzine;",
    ],
)
def test_a_treatment_that_did_not_work_is_no_administration(reviewer, failed):
    review = reviewer.review(
        "Allergy clinic, 05/14/2026. 51 y/o M with seasonal allergic rhinitis, acute flare.\n"
        f"{failed} Kenalog 40 mg IM right deltoid given by the MA, tolerated.\n"
        "A: Allergic rhinitis due to pollen, flare."
    )
    assert review.claim_ready is True
    assert [a.drug_id for a in review.administrations if a.given] == ["triamcinolone_acetonide"]


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
        f"prednisone bursts this year period {plan} comma prior authorization submitted today "
        "comma first dose here in clinic once approved period continue inhalers period"
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "she was seen yesterday at an urgent care and got promethazine twenty five I M there",
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
