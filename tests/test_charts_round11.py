"""Charts round 11: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a dose written only per weight ("enoxaparin 1 mg/kg SC", no "= 80 mg") is a rate, not the
  amount given: DOSE_MISSING, never ready; with the amount worked out it stays ready;
- a dose given at a named outside place with a word or two before it ("at the county health
  dept", "at Riverside urgent care") or told as "yesterday ..., where he received" was given
  elsewhere or earlier: nothing given at this visit;
- a drug followed by the years it was taken ("on fluphenazine decanoate 2019-2022") is history,
  not the drug of today's unnamed "depot shot" (DRUG_MISSING); a vaccine's season ("2025-2026
  formula") is no history;
- a generic and its long-acting brand on one line ("octreotide acetate for injectable
  suspension (Sandostatin LAR Depot)") are one administration of the depot form;
- "She received her shot 1 mL IM ..." with no drug named is an injection whose drug is missing;
  "received her shot at the pharmacy last week" tells of an earlier one.
"""

from __future__ import annotations

import pytest

from assertions import blocking

PE_VISIT = (
    "ED NOTE - Westgate Hospital\n"
    "CC: pleuritic right chest pain after a long bus trip.\n"
    "Imp: Subsegmental pulmonary embolism without acute cor pulmonale (I26.93).\n"
    "ED course: {dose} SC given L lower abdomen at 14:20 (RN P. Hale).\n"
    "Dispo: home on apixaban 10 mg PO BID x 7 d.\n"
)


@pytest.mark.parametrize(
    "dose",
    ["Enoxaparin 1 mg/kg", "Lovenox 1 mg / kg", "enoxaparin 1.5 mg/kg"],
)
def test_a_dose_written_only_per_weight_is_no_amount_given(reviewer, dose):
    review = reviewer.review(PE_VISIT.format(dose=dose))
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


@pytest.mark.parametrize(
    "dose",
    [
        "Enoxaparin 1 mg/kg = 80 mg",
        "Enoxaparin 80 mg (1 mg/kg)",
        "enoxaparin 1 mg/kg x 80 kg = 80 mg",
    ],
)
def test_a_per_weight_dose_with_its_amount_is_a_dose(reviewer, dose):
    review = reviewer.review(PE_VISIT.format(dose=dose))
    assert "DOSE_MISSING" not in blocking(review)
    assert review.administrations[0].dose == "80 mg"


@pytest.mark.parametrize(
    "told",
    [
        "Seen at the county health dept STI clinic yesterday (03/02), where he received Bicillin "
        "L-A 2.4 million units IM.",
        "He got Bicillin L-A 2.4 million units IM at Riverside Street urgent care on Monday.",
        "Went to the walk in place yesterday, where he was given Bicillin L-A 2.4 million units IM.",
        "At the city public health clinic he was given Bicillin L-A 2.4 million units IM.",
    ],
)
def test_a_dose_given_at_an_outside_place_is_not_this_visits(reviewer, told):
    review = reviewer.review(
        "Family Medicine - follow-up\nS: Positive syphilis screen. "
        + told
        + " Sore buttock today.\nA: Early latent syphilis (A51.5), treated.\n"
        "P: No treatment needed today. Repeat RPR in 6 months.\n"
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_our_own_clinic_yesterday_is_not_elsewhere(reviewer):
    review = reviewer.review(
        "B12 deficiency after gastric bypass (E53.8, Z98.84). Was at our pharmacy yesterday to "
        "pick up her tablets. Today cyanocobalamin 1000 mcg IM R deltoid given by RN S. Ito."
    )
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "history",
    [
        "Hx: on fluphenazine decanoate 2019-2022 (tremor), switched since.",
        "Took haloperidol decanoate 2018 to 2021 with good effect.",
        "Prior LAI: fluphenazine decanoate 2020 - 2023, stopped for akathisia.",
    ],
)
def test_a_drug_with_the_years_it_was_taken_is_history(reviewer, history):
    review = reviewer.review(
        "Nurse visit - psychiatry\nSchizoaffective disorder, here for his monthly depot.\n"
        f"{history}\nDepot shot 1.5 mL IM to L deltoid, tolerated. -- R. Amadi, LPN\n"
    )
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)


def test_a_vaccine_season_is_no_history(reviewer):
    review = reviewer.review(
        "Nurse visit. Flu vaccine: Flucelvax 2025-2026 formula 0.5 mL IM L deltoid given by "
        "RN T. Abe. Dx Z23."
    )
    assert review.service_code == "90471"
    assert any(a.given for a in review.administrations)


@pytest.mark.parametrize(
    ("line", "hcpcs"),
    [
        ("Drug: octreotide acetate for injectable suspension (Sandostatin LAR Depot)", "J2353"),
        ("Medication: octreotide (Sandostatin LAR) depot suspension", "J2353"),
    ],
)
def test_a_generic_and_its_depot_brand_on_one_line_are_one_administration(reviewer, line, hcpcs):
    review = reviewer.review(
        "Endocrine injection visit\nDiagnosis: Acromegaly (E22.0), on monthly LAR.\n"
        f"{line}\nDose: 20 mg\nRoute: IM\nSite: L upper outer gluteal\n"
        "Given 09:40 by N. Castro, RN. Tolerated.\n"
    )
    assert len(review.administrations) == 1
    assert review.administrations[0].hcpcs == hcpcs
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "said",
    [
        "She received her shot 1 mL IM in the left deltoid from our nurse.",
        "Got his monthly injection, 2 mL IM R glute, from RN Dale.",
    ],
)
def test_received_her_shot_with_no_drug_named_is_drug_missing(reviewer, said):
    review = reviewer.review(
        f"GI clinic. Crohn disease of the colon, here for her monthly shot. {said} No reaction."
    )
    assert review.status == "gaps"
    assert "DRUG_MISSING" in blocking(review)


def test_received_her_shot_elsewhere_last_week_is_no_injection(reviewer):
    review = reviewer.review(
        "She received her shot at the pharmacy last week. Here for blood pressure follow-up. "
        "BP 128/78. Continue lisinopril."
    )
    assert review.status == "no_injection"
