"""Charts round 35: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- two names after one template box ("[ ] Asthma/COPD", "[ ] Arthritis / joint pain") share
  that box: left unchecked, neither is the patient's diagnosis (DX_MISSING when no other reason
  is written), checked, both are.
"""

from __future__ import annotations

import pytest

from assertions import blocking

_NOTE = (
    "URGENT CARE NURSE VISIT - INJECTION ONLY\nDate: 03/12/2026\n"
    "Medication: methylprednisolone acetate (Depo-Medrol)\nDose: 80 mg\nRoute: IM\n"
    "Site: L upper outer gluteal\nTime: 11:05\n"
    "Reason for injection: {boxes}\n"
    "Tolerated well, observed 10 min."
)


@pytest.mark.parametrize(
    "boxes",
    [
        "[ ] Allergic reaction [ ] Asthma/COPD [ ] Arthritis/joint pain [ ] Other: ____",
        "( ) Poison ivy dermatitis ( ) Asthma / COPD ( ) Gout / joint pain",
    ],
)
def test_names_sharing_an_unchecked_box_are_no_diagnosis(reviewer, boxes):
    review = reviewer.review(_NOTE.format(boxes=boxes))
    assert review.claim_ready is False
    assert "DX_MISSING" in blocking(review)


def test_names_sharing_a_checked_box_are_the_diagnosis(reviewer):
    review = reviewer.review(
        _NOTE.format(boxes="[ ] Allergic reaction [x] Asthma/COPD exacerbation [ ] Other: ____")
    )
    assert "DX_MISSING" not in blocking(review)


@pytest.mark.parametrize(
    "item",
    [
        "Prolia 60 mg subcutaneous every 6 months given in our office",
        "testosterone cypionate 200 mg IM every 2 weeks, given by the nurse here",
    ],
)
def test_a_medication_lists_regimen_given_here_is_no_dose_today(reviewer, item):
    review = reviewer.review(
        "VIDEO VISIT 09/20/2026\nCurrent medications:\nmetformin 500 mg twice a day\n"
        f"{item}\nlisinopril 10 mg daily\n\n"
        "Assessment and plan: osteoporosis (M81.0), hypogonadism (E29.1). Labs reviewed, "
        "follow up in 3 months."
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)
