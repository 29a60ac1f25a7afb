"""Charts round 32: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a standing-order protocol pasted into a nursing note offers options ("RN may give ONE of the
  following:" then lettered items): its drugs were neither ordered nor given, and the record
  that follows ("Injection given IM R deltoid") names no drug (DRUG_MISSING);
- a list of orders under a lead-in at the end of its line ("2. Pain: Orders placed:") is orders,
  even when an item reads "x1" or "once"; an order "not yet administered" was not given, and an
  administration record with "no entries" says nothing was;
- a drug said not to have helped ("Triamcinolone IM in March ... was not helpful", "methadone
  did not work") is a past treatment, and a "Prior:" line lists past treatments: neither lends
  its route to today's joint injection;
- "w/o complications;" or "without aura," in a problem list is part of the diagnosis's name and
  negates nothing after it; "without agitation" or "w/o retinopathy" still negate.
"""

from __future__ import annotations

import pytest

from assertions import blocking

# A protocol's options are no orders and no doses ------------------------------------------------


@pytest.mark.parametrize(
    ("lead_in", "marks"),
    [
        (
            "Per protocol the nurse may administer ONE of the following when criteria are met:",
            "a) b) c)",
        ),
        ("RN can give any one of the following per standing order:", "1. 2. 3."),
        ("Standing order NSO-4: LPN may use either of the following, notify MD:", "- - -"),
    ],
)
def test_a_protocol_menu_offers_options_and_the_record_names_no_drug(reviewer, lead_in, marks):
    a, b, c = marks.split()
    note = (
        "WESTFIELD JAIL CLINIC (FICTITIOUS) - NURSE SICK CALL 04/02/2026\n"
        f"{lead_in}\n"
        f"  {a} Vomiting, unable to keep fluids: prochlorperazine 10 mg IM x1\n"
        f"  {b} Back or joint pain: ketorolac 60 mg IM x1\n"
        f"  {c} Agitation with no other cause: haloperidol 5 mg IM x1\n"
        "  Call the provider for chest pain or head injury.\n"
        "Inmate seen 21:10, afebrile, ambulatory.\n"
        "Protocol followed. Injection given IM L deltoid at 21:15, tolerated. Provider paged."
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)
    # the options stay mentions, linked to no administration
    assert {e.text for e in review.entities if e.label == "DRUG"} >= {"ketorolac", "haloperidol"}
    assert not any(a.given and a.drug for a in review.administrations)


def test_a_protocol_menu_does_not_hide_the_dose_given_after_it(reviewer):
    review = reviewer.review(
        "NURSE VISIT 04/03/2026\n"
        "Protocol: RN may give one of the following for migraine:\n"
        "  - ketorolac 30 mg IM\n"
        "  - prochlorperazine 10 mg IM\n"
        "Chose ketorolac. Ketorolac 30 mg given IM R ventrogluteal at 10:05 by RN T. Vale.\n"
        "Dx: Migraine without aura, not intractable (G43.009)."
    )
    assert review.claim_ready is True
    (given,) = [a for a in review.administrations if a.given]
    assert given.drug == "ketorolac"


# Orders under a lead-in; not yet administered; an empty administration record ------------------


@pytest.mark.parametrize(
    "status",
    [
        "ORDER STATUS: ketorolac 30 mg IM once - ordered, not yet administered",
        "Medication administration record: no entries for this visit.",
        "MAR: none charted today.",
    ],
)
def test_orders_under_a_lead_in_with_no_record_are_not_given(reviewer, status):
    review = reviewer.review(
        "HOSPITAL OUTPATIENT CLINIC (FICTITIOUS) 05/12/2026\n"
        "CC: right flank pain since this morning.\n"
        "A/P:\n"
        "1. Renal colic, right (N23) - CT ordered.\n"
        "2. Pain: Orders placed:\n"
        "   - ketorolac (TORADOL) injection 30 mg, IM, once, STAT\n"
        "   - ondansetron 4 mg ODT once\n"
        "3. Strain urine, return precautions.\n"
        f"{status}"
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_orders_under_a_lead_in_then_the_nurse_record_are_given(reviewer):
    review = reviewer.review(
        "HOSPITAL OUTPATIENT CLINIC (FICTITIOUS) 05/12/2026\n"
        "A/P: Renal colic, right (N23).\n"
        "Orders placed:\n"
        "   - ketorolac 30 mg IM once\n"
        "Nursing: ketorolac 30 mg IM given R ventrogluteal at 11:40 by RN P. Osei, tolerated."
    )
    assert review.claim_ready is True
    (given,) = [a for a in review.administrations if a.given]
    assert given.drug == "ketorolac" and given.route_code == "IM"


# A past treatment is not today's route ---------------------------------------------------------


@pytest.mark.parametrize(
    "past",
    [
        "(Triamcinolone IM in March for a wrist flare was not helpful.)",
        "Kenalog IM last winter did not help her shoulder.",
        "Prior: left knee injection in May, 3 months of relief; IM Kenalog in January without "
        "benefit.",
    ],
)
def test_a_past_treatment_lends_no_route_to_todays_joint_injection(reviewer, past):
    review = reviewer.review(
        "PROCEDURE NOTE 06/20/2026 - left knee injection\n"
        f"Indication: primary osteoarthritis of the left knee (M17.12). {past}\n"
        "Procedure: chlorhexidine prep; lateral approach. Intra-articular injection of "
        "triamcinolone acetonide (Kenalog-40) 40 mg with lidocaine 1% 4 mL into the left knee. "
        "Tolerated well."
    )
    assert review.claim_ready is False
    assert review.service_code == "20610"
    assert "ROUTE_CONFLICT" not in blocking(review)
    assert not any(a.route_code == "IM" and a.given for a in review.administrations)


def test_a_drug_that_did_not_work_is_history(reviewer):
    review = reviewer.review(
        "PAIN CLINIC 06/21/2026\nShe says the tramadol did not work at all. Exam unchanged.\n"
        "A: chronic low back pain (M54.50).\nP: PT referral."
    )
    (drug,) = [e for e in review.entities if e.label == "DRUG"]
    assert drug.historical is True


# Diagnosis names with "without" ------------------------------------------------------------------


@pytest.mark.parametrize(
    "problems",
    [
        "Diagnoses (active): E11.9 Type 2 diabetes mellitus w/o complications; D51.0 Vitamin B12 "
        "deficiency anemia",
        "Problem list: migraine without aura, not intractable; pernicious anemia (D51.0)",
    ],
)
def test_a_diagnosis_named_with_without_negates_nothing_after_it(reviewer, problems):
    review = reviewer.review(
        f"NURSE VISIT 03/09/2026\n{problems}\n"
        "Cyanocobalamin 1000 mcg IM given L deltoid at 09:10 by RN M. Ito; tolerated."
    )
    anemia = [e for e in review.entities if e.label == "DIAGNOSIS" and e.norm == "D51.0"]
    assert anemia and not any(e.negated for e in anemia)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    ("line", "finding"),
    [
        ("Calm, without agitation or tremor.", "agitation"),
        ("Chest pain w/o dyspnea since Sunday.", "dyspnea"),
    ],
)
def test_without_still_negates_a_finding(reviewer, line, finding):
    review = reviewer.review(f"OFFICE VISIT 03/10/2026\n{line}\nNo injections today.")
    found = [e for e in review.entities if e.label == "DIAGNOSIS" and e.text.lower() == finding]
    assert found and all(e.negated for e in found)


# A "not given" heading, an on-site nurse at a video visit, "start ... today", Td ---------------


def test_a_not_given_heading_speaks_for_its_list_not_the_note(reviewer):
    review = reviewer.review(
        "TRAVEL CLINIC (FICTITIOUS) 07/14/2026\n"
        "Given today\n"
        "  Hepatitis A vaccine (Vaqta)   1 mL   IM   R deltoid   lot VQ118\n"
        "  Ceftriaxone 500 mg            IM     L ventrogluteal (exposure, Z20.2)\n"
        "Not given today\n"
        "  Japanese encephalitis vaccine - offered, declined.\n"
        "Observed 15 min, no reaction."
    )
    given = {a.drug for a in review.administrations if a.given}
    assert "ceftriaxone" in given
    assert review.status != "no_injection"


@pytest.mark.parametrize(
    "who",
    [
        "Video visit with onsite RN presenting.",
        "Telehealth visit. RN: K. Obi (FICTITIOUS), on site with the patient.",
    ],
)
def test_a_video_visit_with_a_nurse_on_site_gives_its_dose_here(reviewer, who):
    review = reviewer.review(
        f"RHEUMATOLOGY FOLLOW-UP 05/05/2026\n{who}\n"
        "A: Rheumatoid arthritis (M05.79), active.\n"
        "P: Today: methotrexate 20 mg SC L abdomen given by RN at 10:25, tolerated."
    )
    (mtx,) = [a for a in review.administrations if a.drug == "methotrexate"]
    assert mtx.given and mtx.setting == "this_encounter"


def test_starting_the_injections_today_is_no_plan_for_later(reviewer):
    review = reviewer.review(
        "ENDOCRINOLOGY 02/02/2026\nClinician: your level is low after the bypass. So I'd like to "
        "start the injections today, then monthly. Okay?\nPatient: sure.\n"
        "Assessment: vitamin B12 deficiency (E53.8) after gastric bypass (Z98.84).\n"
        "Medical assistant: cyanocobalamin one thousand mcg, one mL, IM in the right deltoid, "
        "little pinch, all done."
    )
    assert review.claim_ready is True


def test_start_the_injections_next_month_is_still_a_plan(reviewer):
    review = reviewer.review(
        "ENDOCRINOLOGY 02/02/2026\nVitamin B12 deficiency (E53.8). Plan to start the injections "
        "next month: cyanocobalamin 1000 mcg IM monthly."
    )
    assert review.claim_ready is False
    assert review.status == "no_injection"


def test_td_written_as_such_is_the_tetanus_diphtheria_vaccine(reviewer):
    review = reviewer.review(
        "URGENT CARE 06/06/2026\nPuncture wound right sole (S91.331A); last tetanus over 10 "
        "years ago. Td 0.5 mL IM L deltoid given by MA, lot recorded, VIS given."
    )
    assert review.service_code == "90471"
    assert "VACCINE" in blocking(review)
