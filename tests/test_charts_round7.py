"""Charts round 7: short notes written for these tests, from three untuned probe notes that went
wrong (now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a header with an aside before its colon ("Medication list (reconciled today):", "Meds
  reviewed with patient:") is still a header: a medication-list drug is no administration, and a
  class word given in another sentence ("the monthly shot") is DRUG_MISSING, never that drug;
- a correcting addendum decides whether a drug was given: the latest statement wins, both ways,
  and an addendum that corrects nothing replaces nothing;
- an orders header after a word on its line is a template field ("Dose ordered: 150 mg",
  "Dx on order: ..."), not an orders section that makes the administration below a plan.
"""

from __future__ import annotations

import pytest

from assertions import blocking

# A class word given, a drug only on a medication list with an aside in its header ----------


@pytest.mark.parametrize(
    "note",
    [
        "PSYCH NURSING VISIT 03/11/2026\nDx: schizoaffective disorder, bipolar type (F25.0)\n"
        "Current meds (per pharmacy fill history): Abilify Maintena 400 mg IM monthly; lithium "
        "300 mg PO BID.\nPt arrived with mother. Gave the LAI IM in the L deltoid at 09:40, "
        "tolerated well.",
        "WOMEN'S CLINIC 04/02/2026\nDx: contraception management (Z30.42)\nMedications (reviewed "
        "with patient): medroxyprogesterone 150 mg IM q12 weeks, folic acid 1 mg daily.\n"
        "Received her 3-month shot today, R deltoid, no complaints.",
        "FAMILY MEDICINE 05/14/2026\nDx: vitamin B12 deficiency anemia (D51.9)\nHome medications "
        "reconciled: cyanocobalamin 1000 mcg IM monthly, metformin 500 mg PO BID.\nInjection "
        "given IM left deltoid by MA, tolerated.",
        "CMHC NURSING NOTE 10/05/2026\nClient: schizophrenia (F20.9).\nMedication list "
        "(reconciled today): Invega Sustenna 156 mg IM q4 weeks; sertraline 50 mg PO daily.\n"
        "Received the monthly shot IM in the R deltoid at 13:10, tolerated well.",
    ],
)
def test_a_class_word_given_is_never_the_listed_drug(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)
    listed = [a for a in review.administrations if a.drug_id is not None]
    assert listed and not any(a.given for a in listed)


@pytest.mark.parametrize(
    "header",
    ["Allergies (reviewed today):", "Medications (per patient):", "Meds reconciled today:"],
)
def test_a_header_with_an_aside_opens_its_section(nlp, header):
    doc = nlp(f"CLINIC VISIT\n{header} sertraline 50 mg PO daily.\n\nExam: well appearing.")
    kinds = {kind for _, kind, _, _ in doc._.cc_section_spans}
    assert "list" in kinds


def test_an_aside_in_parentheses_elsewhere_opens_no_section(nlp):
    doc = nlp("Pt reports dizziness (mild, improving): no falls.")
    assert doc._.cc_section_spans == ()


# A correcting addendum: the latest statement wins -------------------------------------------


def test_an_addendum_that_corrects_a_refusal_records_the_dose_given(reviewer):
    review = reviewer.review(
        "INTERNAL MEDICINE - NURSE VISIT 06/03/2026\nDx: pernicious anemia (D51.0)\n09:05 "
        "Cyanocobalamin injection not given - patient refused, in a hurry.\n\nADDENDUM "
        "06/03/2026 09:50 - correction of the 09:05 entry, which was charted in error.\nPatient "
        "agreed after discussion. Cyanocobalamin 1000 mcg IM given in the R deltoid at 09:45, "
        "tolerated."
    )
    assert review.claim_ready is True
    (admin,) = review.administrations
    assert admin.given and admin.site == "R deltoid"
    assert "NOT_ADMINISTERED" not in blocking(review)


def test_an_addendum_that_corrects_a_dose_given_records_it_not_given(reviewer):
    review = reviewer.review(
        "UROLOGY CLINIC 07/08/2026\nDx: hypogonadism (E29.1)\nTestosterone cypionate 200 mg IM "
        "given R ventrogluteal at 14:10.\n\nLate entry 07/08/2026 16:30 - correction: the entry "
        "above was documented in error. Testosterone cypionate was not given today; patient "
        "left before the injection."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"
    assert "NOT_ADMINISTERED" in blocking(review)


def test_an_addendum_that_corrects_nothing_leaves_the_refusal(reviewer):
    review = reviewer.review(
        "ENDOCRINE NURSE VISIT 06/03/2026\nDx: pernicious anemia (D51.0)\nCyanocobalamin "
        "injection deferred - patient declined today.\n\nAddendum 06/03/2026 10:15: lot number "
        "for the supply log: 7781A. Cyanocobalamin 1000 mcg vial from stock."
    )
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


# An orders header after a word on its line is a field ----------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Dose ordered: 100 mg      Dose given: 100 mg (0.5 mL)",
        "Dx on order: hypogonadism (E29.1)",
        "Amount ordered: 1 mL",
    ],
)
def test_an_orders_label_after_a_word_is_a_field(nlp, line):
    doc = nlp(f"INJECTION FLOWSHEET\n{line}\nRoute: [x] IM  [ ] SC\nSite: R deltoid")
    assert not any(kind == "plan" for _, kind, _, _ in doc._.cc_section_spans)


@pytest.mark.parametrize("line", ["Orders: ketorolac 60 mg IM", "1. Orders: ketorolac 60 mg IM"])
def test_an_orders_header_opening_a_line_is_still_a_section(nlp, line):
    doc = nlp(f"URGENT CARE\nDx: renal colic (N23)\n{line}\n")
    assert any(kind == "plan" for _, kind, _, _ in doc._.cc_section_spans)


def test_an_order_line_above_a_template_leaves_the_dose_given(reviewer):
    review = reviewer.review(
        "Women's Health - Injection Visit 09/02/2026\nActive order (signed 03/2026, Dr. A. Lind): "
        "medroxyprogesterone acetate 150 mg IM every 11-13 weeks. Dx on order: Z30.42 "
        "contraceptive surveillance.\n--- Administration ---\nProduct: medroxyprogesterone "
        "150 mg/mL vial\nDose: 150 mg\nRoute: (•) IM   ( ) SC\nLocation: R deltoid\nPt tolerated."
    )
    (admin,) = review.administrations
    assert admin.given and admin.route_code == "IM"
    assert review.status != "no_injection"
