"""Round 40 (a random year of outpatient, ED and urgent-care charts and of specialists' and
nurses' dictation): short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings; and the same
record whatever Python's string hashing.

- "[inaudible] twenty-five milligrams IM ... and prednisone 40 mg by mouth": the unheard drug's
  dose and route are no later drug's, with a hyphenated number word too;
- a diagnosis the patient believes he has, or that no record shows ("no labs on file showing low
  testosterone"), does not support the injection;
- "LMWH" is a class of drugs, not a drug; advice after a drug ("no driving after Phenergan")
  is no hold of its dose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assertions import blocking


@pytest.mark.parametrize("said", ["twenty-five milligrams", "fifty-five mg"])
def test_an_unheard_drugs_dose_is_no_later_drugs(reviewer, said):
    review = reviewer.review(
        "Urgent care. Assessment: urticaria, allergic reaction to amoxicillin, no anaphylaxis.\n"
        f"Plan: stop amoxicillin. In clinic we gave [inaudible] {said} I M in the left deltoid "
        "and prednisone forty milligrams by mouth, both tolerated."
    )
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)


@pytest.mark.parametrize(
    "belief",
    [
        "he thinks he has low testosterone, blood level drawn today, results pending",
        "no labs on file showing low testosterone; outside records requested",
    ],
)
def test_a_diagnosis_believed_or_unrecorded_does_not_support(reviewer, belief):
    review = reviewer.review(
        "Nurse visit 10/03/2026. Reason: low energy and low libido; "
        f"{belief}.\ntestosterone cypionate 200 mg IM R ventrogluteal given 11:20 by RN, "
        "tolerated."
    )
    assert review.claim_ready is False
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_a_class_of_heparins_is_no_drug(reviewer):
    review = reviewer.review(
        "Anticoagulation clinic 06/03/2026. Acute DVT L femoral vein (I82.412).\n"
        "13:58 LMWH 80 mg SQ given in R lower abdomen by RN; patient taught self-injection."
    )
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)


_NOTE = (
    "Bicillin L-A 2.4 million units IM given R ventrogluteal at 11:30 for syphilis exposure "
    "(Z20.2) - benzathine-only product, NOT Bicillin C-R. Observed 30 min."
)


def test_the_record_is_the_same_whatever_the_string_hash_seed():
    code = (
        "import json, sys; from cleanclaim import Reviewer; "
        "r = Reviewer(model=None); d = r.review(sys.argv[1]).to_dict(); "
        "print(json.dumps([d['entities'], d['administrations'], d['gaps']], sort_keys=True))"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, _NOTE], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    names = {e["text"] for e in json.loads(outputs.pop())[0] if e["label"] == "DRUG"}
    assert "Bicillin C" not in names


@pytest.mark.parametrize(
    "advice", ["told no driving after Phenergan", "avoid alcohol after the promethazine"]
)
def test_advice_after_a_drug_does_not_undo_its_dose(reviewer, advice):
    review = reviewer.review(
        "Nurse note, same day clinic. Migraine with nausea and vomiting.\n"
        "Per order gave Toradol 60 mg IM left gluteal at 2:10 PM. Then Phenergan 25 mg "
        "[inaudible] right gluteal at 2:12 PM. Rested 30 minutes, headache 3 out of 10. "
        f"Sister driving her home, {advice}."
    )
    assert review.claim_ready is False
    assert "ROUTE_MISSING" in blocking(review)
