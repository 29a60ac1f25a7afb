"""Round 20: notes written for these tests, from the untuned probe notes of ``charts_x`` and
``dictation_x`` that went wrong (now in ``annotations/raw/probe_tuned.jsonl``), each category
with other wordings, and each with a note where it must not fire.

- a template line holding several fields ("Medication: ... Dose: 60 mg Route: [x] IM [ ] SQ")
  reads each field's boxes on their own: the box right before an option is its box;
- "Triage ESI 4" is the Emergency Severity Index, not an epidural;
- "Current med list (reconciled today by phone with ...):" is a medication list, and "No clinical
  services provided at this contact" says nothing was given;
- a later sentence about "the subcutaneous injection" tells the injection given again: with
  another route it is a ROUTE_CONFLICT, not a second, unnamed injection;
- a misheard name of a curated drug read through the broad dictionary is that drug, so the
  dictated narrative and the injection record are one administration;
- sites in the plural ("upper arms", "thighs"), with both sides named ("R and L"), and with the
  side inside the phrase ("back of the right arm").
"""

from __future__ import annotations

import pytest

from assertions import blocking

FIELDS_NOTE = (
    "WORK INJURY VISIT   DOS: 03/14/2025\n"
    "Dx: [x] Lumbar strain, initial encounter (S39.012A)  [ ] Contusion\n"
    "Medication: Toradol (ketorolac) {dose}    {route}\n"
    "Site: L gluteus medius    Time: 10:05    Given by: T. Oyelaran, LPN\n"
    "Return to work with modified duty.\n"
)


@pytest.mark.parametrize(
    ("route", "code"),
    [
        ("Route: [x] IM  [ ] SQ  [ ] PO", "IM"),
        ("Route: [ ] SQ [X] IM", "IM"),
        ("Route: ☐ IM ☒ SQ", "SC"),
        ("Route: IM [x]  SQ [ ]", "IM"),
        ("Route: IM [ ]  SC [x]", "SC"),
    ],
)
def test_boxes_of_a_field_after_other_fields_on_its_line(reviewer, route, code):
    review = reviewer.review(FIELDS_NOTE.format(dose="Dose: 60 mg", route=route))
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.drug_id == "ketorolac"
    assert adm.route == code
    assert review.claim_ready, review.gap_codes


def test_a_field_with_no_box_checked_is_still_route_missing(reviewer):
    review = reviewer.review(
        FIELDS_NOTE.format(dose="Dose: 60 mg", route="Route: [ ] IM  [ ] SQ  [ ] PO")
    )
    assert "ROUTE_MISSING" in blocking(review)


@pytest.mark.parametrize("triage", ["Triage ESI 4", "ESI level 3", "Acuity: ESI 2"])
def test_the_emergency_severity_index_is_no_route(reviewer, triage):
    note = (
        f"ED NOTE. Arrival 18:40. {triage}.\n"
        "CC: right flank pain. Dx: renal colic (N23).\n"
        "ED course: ketorolac 30 mg IM L deltoid at 19:05 by RN Baptiste.\n"
    )
    review = reviewer.review(note)
    assert not any(e.label == "ROUTE" and e.norm == "EPIDURAL" for e in review.entities)
    assert review.claim_ready, review.gap_codes


def test_an_epidural_steroid_injection_is_still_read():
    """The same words as a procedure keep their route (over-firing check)."""
    from cleanclaim import Reviewer

    review = Reviewer().review(
        "Procedure: lumbar ESI at L4-5 for radiculopathy (M54.16). Triamcinolone 80 mg injected."
    )
    assert any(e.label == "ROUTE" and e.norm == "EPIDURAL" for e in review.entities)


CARE_NOTE = (
    "CARE COORDINATION NOTE   Date: 09/02/2025\n"
    "Purpose: follow-up after hospital discharge on 08/28.\n"
    "{list_label} Invega Sustenna 156 mg IM monthly; sertraline 100 mg PO daily.\n"
    "Next injection booked 09/24 with the clinic nurse.\n"
    "{closing}\n"
)


@pytest.mark.parametrize(
    "list_label",
    [
        "Current med list (reconciled today by phone with member and group home):",
        "Med list:",
        "Medication reconciliation (phone, with daughter):",
    ],
)
def test_a_reconciled_medication_list_records_no_dose(reviewer, list_label):
    review = reviewer.review(CARE_NOTE.format(list_label=list_label, closing="Outreach in 1 week."))
    assert not review.claim_ready
    assert "NOT_ADMINISTERED" in blocking(review)


@pytest.mark.parametrize(
    "closing",
    [
        "No clinical services provided at this contact.",
        "No direct care was rendered today.",
        "No services were provided.",
    ],
)
def test_a_contact_that_says_no_services_were_provided_gives_nothing(reviewer, closing):
    note = (
        "Telephone contact 09/02/2025. Member reports he got his Invega Sustenna 156 mg IM "
        f"in the left deltoid. Schizophrenia (F20.9). {closing}"
    )
    review = reviewer.review(note)
    assert not review.claim_ready
    assert "NOT_ADMINISTERED" in blocking(review)


def test_services_provided_today_is_no_statement_of_nothing(reviewer):
    note = (
        "Nurse visit. Vitamin B12 deficiency (E53.8). Cyanocobalamin 1000 mcg IM R deltoid given "
        "by RN Okafor. Services provided: injection and teaching."
    )
    assert reviewer.review(note).claim_ready


@pytest.mark.parametrize(
    "told",
    [
        "She tolerated the subcutaneous injection well.",
        "Pt tolerated her SC shot without incident.",
        "No bleeding at the site of the subcut injection.",
    ],
)
def test_the_injection_told_again_with_another_route_is_a_conflict(reviewer, told):
    note = (
        "Prenatal visit at 28 weeks. Rh negative, antibody screen negative. Rh incompatibility "
        "in pregnancy (O36.0930). RhoGAM 300 mcg IM left deltoid given by the nurse for Rh "
        f"prophylaxis. {told} Return in two weeks."
    )
    review = reviewer.review(note)
    given = [a for a in review.administrations if a.given]
    assert len(given) == 1
    assert "ROUTE_CONFLICT" in blocking(review)


def test_the_injection_told_again_with_its_own_route_is_no_conflict(reviewer):
    note = (
        "Hypogonadism (E29.1). Testosterone cypionate 100 mg IM R ventrogluteal given at 09:40. "
        "He tolerated the IM injection well."
    )
    review = reviewer.review(note)
    assert review.claim_ready, review.gap_codes


def test_another_unnamed_injection_is_still_its_own(reviewer):
    """An injection told with no article is another act (DRUG_MISSING), not the first one's."""
    note = (
        "Low back strain (S39.012A). Ketorolac 60 mg IM R gluteal given by MA. "
        "Also an injection for nausea given SC L arm."
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in blocking(review)


def test_a_misheard_curated_drug_is_the_drug_of_its_injection_record(reviewer):
    note = (
        "endocrine clinic period forty eight year old with primary hypogonadism comma testosterone "
        "levels under two hundred period today we gave his dose in clinic period tess toss "
        "tear own sip ee oh nate one hundred milligrams sub Q right lower abdomen period new "
        "paragraph injection record colon testosterone cypionate one hundred milligrams I M "
        "right lower abdomen at oh nine fifty period"
    )
    review = reviewer.review(note)
    given = [a for a in review.administrations if a.given]
    assert [a.drug_id for a in given] == ["testosterone_cypionate"]
    assert "ROUTE_CONFLICT" in blocking(review)


@pytest.mark.parametrize(
    ("site", "shown"),
    [
        ("in the right and left upper arms", "right and left upper arms"),
        ("R and L posterior upper arms", "R and L posterior upper arms"),
        ("posterior upper arms", "posterior upper arms"),
        ("both thighs", "both thighs"),
    ],
)
def test_a_dose_split_between_both_sides_has_its_site(reviewer, site, shown):
    note = (
        "Allergy clinic. Severe persistent allergic asthma (J45.50). Omalizumab 300 mg SC, "
        f"150 mg {site}, given by RN Tallis at 10:10. Observed 30 min."
    )
    review = reviewer.review(note)
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.site == shown
    assert "SITE_MISSING" not in review.gap_codes


def test_a_side_inside_a_site_phrase_keeps_the_phrase(reviewer):
    note = (
        "Osteoporosis (M81.0). Prolia 60 mg SC back of the right arm, then cyanocobalamin 1000 mcg "
        "IM left deltoid for B12 deficiency (E53.8). Both by RN Adeyemi."
    )
    review = reviewer.review(note)
    sites = {a.drug_id: a.site for a in review.administrations if a.given}
    assert sites == {"denosumab": "back of the right arm", "cyanocobalamin": "left deltoid"}


def test_plural_joints_on_exam_are_no_injection_sites(reviewer):
    """Only muscle and subcutaneous sites take the plural: "knees" stays an exam finding."""
    note = "Exam: knees without effusion, hips with full range. Plan: ibuprofen 400 mg PO prn."
    review = reviewer.review(note)
    assert not [e for e in review.entities if e.label == "SITE"]


@pytest.mark.parametrize("heading", ["Procedure 1 --", "Procedure #1:", "PROCEDURE 1 -"])
def test_a_numbered_procedure_heading_names_its_joint_injection(reviewer, heading):
    note = (
        "Sports medicine clinic. DOS 02/11/2025.\n"
        "Indication: left knee osteoarthritis (M17.12), flare after a hike.\n"
        f"{heading} L knee intra-articular injection, lateral approach.\n"
        "  Betadine prep. Injected methylprednisolone acetate 80 mg with 3 mL 1% lidocaine.\n"
        "Procedure 2 -- for acute pain, separate from the joint: ketorolac 60 mg IM R deltoid "
        "by MA Ferris.\n"
    )
    review = reviewer.review(note)
    routes = {a.drug_id: a.route for a in review.administrations if a.given}
    assert routes["methylprednisolone_acetate"] == "INTRA_ARTICULAR"
    assert routes["ketorolac"] == "IM"
    assert review.claim_ready, review.gap_codes


def test_an_intra_articular_dose_of_an_operation_stays_bundled(reviewer):
    note = (
        "OPERATIVE REPORT\n"
        "PROCEDURE: Right knee arthroscopy with partial medial meniscectomy.\n"
        "ANESTHESIA: General endotracheal.\n"
        "DESCRIPTION: The patient was brought to the operating room, prepped and draped. The torn "
        "medial meniscus was debrided. At the end of the case 20 mL of 0.25% bupivacaine was "
        "injected intra-articular. Sterile dressing applied.\n"
    )
    review = reviewer.review(note)
    assert not review.claim_ready
    assert review.service_code is None
