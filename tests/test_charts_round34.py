"""Charts round 34: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a brand name or short form the broad drug dictionary lacks ("Keflex", "Augmentin", "Norco",
  "doxy") is a drug: its dose is its own, never lent to an injection named lines before;
- a dose "given 10/08", a day without its year before the date of service, was given then;
- a dose "given at the cancer center" or "at the oncology office" was given elsewhere.
"""

from __future__ import annotations

import pytest

from assertions import blocking


@pytest.mark.parametrize(
    "home",
    [
        "Home: Keflex 500 mg qid x 14d.",
        "Rx Augmentin 875 mg BID x 10 days.",
        "Norco 5/325 one tab q6h prn, #12.",
    ],
)
def test_a_brand_the_dictionary_lacked_keeps_its_dose(reviewer, home):
    review = reviewer.review(
        "Sick visit 04/04/2026\nDx: acute pyelonephritis N10\n"
        "Given: ceftriaxone 1 g IM L glut and ketorolac IM R glut for flank pain.\n"
        f"{home} Recheck 48h."
    )
    (ketorolac,) = [a for a in review.administrations if a.drug == "ketorolac"]
    assert ketorolac.dose is None
    assert "DOSE_MISSING" in blocking(review)


def test_doxy_is_doxycycline(reviewer):
    review = reviewer.review(
        "TEEN CLINIC 05/05/2026\nExposure to gonorrhea (Z20.2). Ceftriaxone 500 mg IM R "
        "ventrogluteal given 10:20. Doxy 100 mg PO BID x 7 days prescribed."
    )
    drugs = {e.text.lower() for e in review.entities if e.label == "DRUG"}
    assert "doxy" in drugs
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "past",
    [
        "Haloperidol decanoate 100 mg IM given 10/08 by the ACT nurse.",
        "LAI: Abilify Maintena 400 mg IM administered on 9/30, tolerated.",
    ],
)
def test_a_dose_given_on_an_earlier_day_of_the_year_is_not_todays(reviewer, past):
    review = reviewer.review(
        f"CLINIC VISIT\nDate: 10/14/2025\nSchizophrenia (F20.9), stable. {past} "
        "Next due 11/05. No LAI today."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_a_dose_given_at_the_cancer_center_is_elsewhere(reviewer):
    review = reviewer.review(
        "GERIATRICS 11/20/2025\nMetastatic prostate cancer (C61). Denosumab 120 mg SC is given at "
        "the cancer center every 4 weeks, last 10/30. Calcium normal. No injection here today."
    )
    assert review.claim_ready is False
    (dmab,) = [a for a in review.administrations if a.drug == "denosumab"]
    assert not dmab.given and dmab.setting == "elsewhere_or_earlier"


def test_every_added_name_reads_as_a_drug_the_dictionary_knows():
    from cleanclaim.pipeline.druglex import _variants
    from cleanclaim.resources import drug_lexicon_additions

    added = drug_lexicon_additions()
    variants = _variants()
    assert added and all(variants.get(name) == drug for name, drug in added.items())
    assert all(drug in variants for drug in added.values())
