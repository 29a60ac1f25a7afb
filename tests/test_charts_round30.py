"""Round 30: notes written for these tests, from the untuned probe notes of ``charts_aj``
(interface feeds: HL7 v2 RXA/RXR segments, flattened C-CDA, fixed-width reports, pharmacy and
charge lines next to the note) and ``charts_ak`` (ED and urgent-care notes at scale) that went
wrong (now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings, and
each with a note where it must not fire.

- the components of an HL7 field are words ("SC^Subcutaneous^HL70162"); an RXR segment's
  route and site describe the drug of the RXA segment above; a completion status of refused or
  not administered ("...|RE|A") is a statement that it was not given; a segment's name
  ("PID|1||...") is never a mention (not pelvic inflammatory disease);
- a numbered row of an aligned MAR with its own volume, route and time and no drug is another
  injection whose drug is missing;
- a negation reaches every finding of its list ("No rash, hives, itching or throat
  tightness");
- a drug given by mouth and ordered by injection is two administrations (the cancelled IM
  order of olanzapine is not the ODT tablet given);
- "Nothing injected today".
"""

from __future__ import annotations

import pytest

from assertions import blocking
from assertions import given_drugs as given

RXA = (
    "RXA|0|1|20250303113000|20250303113000|J3420^CYANOCOBALAMIN 1000MCG/ML^HCPCS|1000|"
    "ug^^UCUM|||||||||||||{status}|A\n"
)


@pytest.mark.parametrize(
    ("rxr", "conflict"),
    [
        ("RXR|SC^Subcutaneous^HL70162|RA^Right Arm^HL70163", True),
        ("RXR|IM^Intramuscular^HL70162|RD^Right Deltoid^HL70163", False),
    ],
)
def test_an_hl7_route_segment_describes_the_administered_drug(reviewer, rxr, conflict):
    note = (
        "--- Interface message received 2025-03-03 ---\n"
        "PID|1||X1^^^H^MR||DOE^JUNE (FICTITIOUS)||19500101|F\n"
        + RXA.format(status="CP")
        + f"{rxr}\n"
        "DG1|1||D51.0^Pernicious anemia^I10|||F\n\n"
        "Nurse note: cyanocobalamin 1000 mcg given IM right deltoid, tolerated. Pernicious "
        "anemia (D51.0)."
    )
    review = reviewer.review(note)
    assert ("ROUTE_CONFLICT" in blocking(review)) is conflict
    assert not any(d.icd10.startswith("N73") for d in review.diagnoses)


@pytest.mark.parametrize("status", ["RE", "NA"])
def test_an_hl7_refused_or_not_administered_status_gives_nothing(reviewer, status):
    note = (
        RXA.format(status=status)
        + "RXR|IM^Intramuscular^HL70162|LD^Left Deltoid^HL70163\n"
        + "DG1|1||D51.0^Pernicious anemia^I10|||F"
    )
    review = reviewer.review(note)
    assert given(review) == []


def test_a_pipe_table_whose_first_cell_is_the_drug_is_still_read(reviewer):
    note = (
        "MEDICATION ADMINISTRATION RECORD - nurse visit\n"
        "Med            | Dose | Route | Site      | Time | By\n"
        "cyanocobalamin | 1 mL | IM    | L deltoid | 0915 | R. Vance RN\n"
        "Indication: pernicious anemia (D51.0)."
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]


def test_a_numbered_mar_row_without_its_drug_is_another_injection(reviewer):
    note = (
        "ACUTE CARE MAR - 2025-05-02\n"
        " #  Time   Medication                    Dose    Route  Site             Status\n"
        " 1  10:12  ondansetron                   4 mg    IM     R deltoid        GIVEN\n"
        " 2  10:14  <not mapped from order>       2 mL    IM     L deltoid        GIVEN\n"
        "Dx viral gastroenteritis (A08.4) with vomiting."
    )
    review = reviewer.review(note)
    assert "DRUG_MISSING" in blocking(review)


def test_a_continued_row_of_the_same_drug_is_no_other_injection(reviewer):
    note = (
        "ACUTE CARE MAR - 2025-05-02\n"
        " #  Time   Medication       Dose    Route  Site        Status\n"
        " 1  10:12  ondansetron      4 mg    IM     R deltoid   GIVEN\n"
        "Dx viral gastroenteritis (A08.4) with vomiting."
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    "findings",
    [
        "No rash, hives, itching, lip swelling or throat tightness.",
        "Denies rash, hives, itching or wheezing.",
    ],
)
def test_a_negation_reaches_every_finding_of_its_list(reviewer, findings):
    note = (
        f"ED fast track. Migraine without aura (G43.009) with nausea. {findings}\n"
        "Prochlorperazine 10 mg IM R ventrogluteal and diphenhydramine 25 mg IM L "
        "ventrogluteal given 16:20."
    )
    review = reviewer.review(note)
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_a_finding_after_the_list_is_not_negated(reviewer):
    note = (
        "ED. No fever or chills. Diffuse hives and itching after a bee sting today.\n"
        "Diphenhydramine 50 mg IM L deltoid given 14:02, tolerated."
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    "oral",
    [
        "17:24 Agreed to oral: olanzapine ODT 10 mg PO given, mouth check done.",
        "Took olanzapine 10 mg by mouth at 17:24 instead.",
    ],
)
def test_a_tablet_given_is_not_the_injection_ordered(reviewer, oral):
    note = (
        "ED behavioral health. Schizoaffective disorder (F25.0) with agitation.\n"
        "17:20 Order entered: olanzapine 10 mg IM once PRN if refuses oral.\n"
        f"{oral}\n"
        "17:30 IM order cancelled by Dr. Ames."
    )
    review = reviewer.review(note)
    assert not review.claim_ready
    assert "96372" != review.service_code


def test_a_tablet_and_an_injection_both_given_are_two_administrations(reviewer):
    note = (
        "ED. Gastroenteritis with vomiting (A08.4, R11.2). Ondansetron 4 mg ODT PO given 09:10, "
        "vomited. Ondansetron 4 mg IM L deltoid given 09:40, tolerated."
    )
    review = reviewer.review(note)
    assert review.claim_ready
    assert review.injections == 1


def test_nothing_injected_today(reviewer):
    note = (
        "Office visit for diabetes. Pernicious anemia (D51.0): B12 1000 mcg IM at the nurse "
        "visit Friday. Nothing injected today."
    )
    review = reviewer.review(note)
    assert given(review) == []


# Round 31's own notes (charts_al: a year of a health system's charts; charts_am:
# pediatrics, women's health and geriatrics; dictation_am: scribes and phone dictation).


def test_a_time_stamped_mar_row_without_its_drug_is_another_injection(reviewer):
    note = (
        "ED NOTE. Renal colic, right (N20.1), with vomiting (R11.2).\n"
        "Meds given:\n"
        "  0530  Toradol IM R gluteal - RN\n"
        "  0534  antiemetic 1 mL IM L deltoid - RN\n"
        "Dispo: home with tamsulosin."
    )
    review = reviewer.review(note)
    assert {"DRUG_MISSING", "DOSE_MISSING"} <= blocking(review)


def test_one_time_stamped_row_is_its_own_drugs(reviewer):
    note = (
        "ED NOTE. Renal colic, right (N20.1).\n"
        "Meds given:\n"
        "  0530  Toradol 30 mg IM R gluteal - RN\n"
        "Dispo: home with tamsulosin."
    )
    review = reviewer.review(note)
    assert review.claim_ready


@pytest.mark.parametrize(
    "item",
    [
        " - cyanocobalamin 1000 mcg IM monthly - given by Brightwater Home Health RN",
        " - cyanocobalamin 1000 mcg IM monthly, administered by Oak Valley Hospice nurse",
    ],
)
def test_a_dose_given_by_a_named_home_health_agency_is_elsewhere(reviewer, item):
    note = (
        "Geriatric clinic. 88 M with pernicious anemia (D51.0).\n"
        "Medication list (reconciled):\n"
        f"{item}\n"
        " - metoprolol 25 mg daily\n"
        "Plan: no change."
    )
    review = reviewer.review(note)
    assert given(review) == []


@pytest.mark.parametrize(
    "later",
    [
        "start cyanocobalamin 1000 mcg IM at the nurse visit Thursday, weekly x4",
        "cyanocobalamin 1000 mcg IM next Monday, then weekly",
    ],
)
def test_a_dose_for_a_named_weekday_is_a_plan(reviewer, later):
    note = (
        "B12 deficiency (E53.8), new: level 168. Her ride was waiting, so "
        f"{later}. Fluad 0.5 mL IM R deltoid given today, VIS given."
    )
    review = reviewer.review(note)
    assert "cyanocobalamin" not in given(review)


@pytest.mark.parametrize(
    "left",
    [
        "Patient left with her daughter before the medication was drawn up.",
        "Pt left AMA before the injection could be given.",
    ],
)
def test_a_patient_who_left_before_the_dose_got_nothing(reviewer, left):
    note = (
        "Urgent care. BPPV with nausea (H81.11).\n"
        "Order: promethazine 25 mg IM once.\n"
        f"Nursing addendum 15:52: {left}"
    )
    review = reviewer.review(note)
    assert given(review) == []


@pytest.mark.parametrize("header", ["Problem list:", "Past medical history:", "Medications:"])
def test_a_numbered_list_ends_at_the_first_line_that_is_no_item(reviewer, header):
    note = (
        "Nurse visit, 82 y/o F, monthly shot.\n"
        f"{header}\n"
        "1. Pernicious anemia - dx 2019, intrinsic factor antibody positive\n"
        "2. Hypothyroidism\n"
        "   on levothyroxine\n"
        "Cyanocobalamin 1000 mcg IM R deltoid @ 0930. Tolerated. Next due in 4 weeks."
    )
    review = reviewer.review(note)
    assert given(review) == ["cyanocobalamin"]


def test_an_item_of_the_numbered_list_stays_in_it(reviewer):
    note = (
        "Office visit.\n"
        "Medications:\n"
        "1. Cyanocobalamin 1000 mcg IM monthly\n"
        "2. Levothyroxine 75 mcg daily\n"
        "Assessment: stable. Return in 3 months."
    )
    review = reviewer.review(note)
    assert given(review) == []
