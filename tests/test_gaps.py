"""Each gap code fires on a note written for it, and does not over-fire on its look-alikes."""

from __future__ import annotations

import pytest

from assertions import assert_gaps, blocking

COMPLETE = (
    "B12 1000 mcg given IM in L deltoid today for pernicious anemia. Tolerated well. J. Doe, RN"
)


def test_when_everything_documented_then_claim_ready(reviewer):
    review = reviewer.review(COMPLETE)
    assert review.claim_ready is True
    assert blocking(review) == set()
    assert review.service_code == "96372"
    assert review.injections == 1


@pytest.mark.parametrize(
    "note",
    [
        "Patient declined B12 injection today. Dx pernicious anemia.",
        "B12 injection declined by patient. Pernicious anemia. RN",
        "Toradol not given, pt left before administration. Low back pain.",
        "Will give Depo-Provera next visit for contraception.",
        "Plan: order B12 1000 mcg IM monthly for pernicious anemia.",
        "Medications: cyanocobalamin 1000 mcg IM monthly\n\nAssessment: pernicious anemia, stable.",
        "Allergies: penicillin, ceftriaxone (hives).\n\nStrep throat, treated with oral amoxicillin.",
        "Last B12 shot 4 weeks ago at another clinic. Pernicious anemia. Return in 1 week.",
        "Annual physical. Hypertension, controlled. No injections today.",
    ],
)
def test_when_no_injection_given_then_not_administered(reviewer, note):
    review = reviewer.review(note)
    assert_gaps(review, "NOT_ADMINISTERED")
    assert review.claim_ready is False
    assert review.injections == 0
    assert review.service_code is None


def test_when_substance_not_named_then_drug_missing(reviewer):
    review = reviewer.review(
        "Injection given IM in right deltoid, tolerated well. Dx: pernicious anemia. LPN"
    )
    assert_gaps(review, "DRUG_MISSING", absent=("NOT_ADMINISTERED",))
    assert review.service_code == "96372"


def test_when_dose_absent_then_dose_missing(reviewer):
    review = reviewer.review("Toradol given IM R gluteal today for renal colic, tolerated well. RN")
    assert_gaps(review, "DOSE_MISSING", absent=("ROUTE_MISSING", "DX_MISSING"))


def test_when_only_site_documented_then_route_missing(reviewer):
    review = reviewer.review(
        "Cyanocobalamin 1000 mcg given in the left deltoid today. Pernicious anemia. RN"
    )
    assert_gaps(review, "ROUTE_MISSING", absent=("SITE_MISSING",))


def test_when_route_field_blank_then_route_missing_with_field_as_evidence(reviewer):
    note = "Medication: B12\nDose: 1000 mcg\nRoute: ___\nSite: L deltoid\nDx: pernicious anemia\nGiven by: RN"
    review = reviewer.review(note)
    assert_gaps(review, "ROUTE_MISSING")
    gap = next(g for g in review.gaps if g.code == "ROUTE_MISSING")
    assert any(ev.text.startswith("Route") for ev in gap.evidence)


@pytest.mark.parametrize(
    ("note", "service"),
    [
        ("Ondansetron 4 mg IV push given today for nausea and vomiting. RN", "96374"),
        (
            "Procedure: Kenalog 40 mg injected into the right knee for osteoarthritis. Tolerated well. MD",
            "20610",
        ),
        ("PPD 0.1 mL intradermal left volar forearm placed today, screening. RN", "86580"),
    ],
)
def test_when_route_not_sc_or_im_then_route_not_sc_im(reviewer, note, service):
    review = reviewer.review(note)
    assert_gaps(review, "ROUTE_NOT_SC_IM", absent=("NOT_ADMINISTERED",))
    assert review.service_code == service
    assert review.injections == 0


def test_when_narrative_and_record_disagree_then_route_conflict(reviewer):
    note = (
        "Depo-Provera 150 mg given SQ today for contraception.\n\n"
        "MAR: medroxyprogesterone 150 mg IM L deltoid 10:32 given by LPN"
    )
    assert_gaps(reviewer.review(note), "ROUTE_CONFLICT")


def test_when_same_route_written_two_ways_then_no_conflict(reviewer):
    note = "Ceftriaxone 500 mg IM given in L gluteal, intramuscular injection tolerated well. Gonorrhea exposure. RN"
    assert_gaps(reviewer.review(note), absent=("ROUTE_CONFLICT",))


def test_when_no_diagnosis_then_dx_missing(reviewer):
    assert_gaps(
        reviewer.review("Ketorolac 60 mg IM given in R ventrogluteal today. Tolerated well. RN"),
        "DX_MISSING",
    )


@pytest.mark.parametrize(
    "note",
    [
        "B12 1000 mcg IM R deltoid given today for fatigue. Tolerated well. RN",
        "Testosterone cypionate 200 mg IM L gluteal given today for low energy and fatigue. MA",
        "Vitamin B12 1000 mcg IM L deltoid given for iron deficiency anemia. RN",
    ],
)
def test_when_diagnosis_does_not_support_drug_then_dx_not_supported(reviewer, note):
    assert_gaps(reviewer.review(note), "DX_NOT_SUPPORTED", absent=("DX_MISSING",))


def test_family_history_and_rule_out_are_not_the_patients_diagnosis(reviewer):
    note = "B12 1000 mcg IM L deltoid given today. Mother has pernicious anemia. R/o B12 deficiency, labs pending. RN"
    review = reviewer.review(note)
    assert_gaps(review, "DX_MISSING")
    assert review.icd10 == ()


def test_when_vaccine_only_then_vaccine(reviewer):
    review = reviewer.review("Flu vaccine 0.5 mL IM L deltoid given today, lot A123. RN")
    assert_gaps(review, "VACCINE")
    assert review.service_code == "90471"
    assert review.injections == 0


def test_when_vaccine_and_complete_injection_then_ready(reviewer):
    note = "Tdap 0.5 mL IM R deltoid given, lot T44. " + COMPLETE
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.injections == 1
    assert_gaps(review, absent=("VACCINE",))


@pytest.mark.parametrize(
    ("note", "service"),
    [
        ("Methotrexate 85 mg IM R gluteal given today for ectopic pregnancy. RN", "96401"),
        ("Lupron Depot 22.5 mg IM L gluteal given today for prostate cancer. RN", "96402"),
    ],
)
def test_when_chemotherapy_then_antineoplastic(reviewer, note, service):
    review = reviewer.review(note)
    assert_gaps(review, "ANTINEOPLASTIC")
    assert review.service_code == service


def test_leuprolide_for_endometriosis_stays_96372(reviewer):
    review = reviewer.review("Lupron Depot 3.75 mg IM L gluteal given today for endometriosis. RN")
    assert_gaps(review, absent=("ANTINEOPLASTIC",))
    assert review.service_code == "96372"


def test_when_site_absent_then_site_missing_is_advisory(reviewer):
    review = reviewer.review(
        "B12 1000 mcg IM given today for pernicious anemia. Tolerated well. RN"
    )
    assert_gaps(review, "SITE_MISSING")
    assert review.claim_ready is True


def test_two_injections_one_without_dose_is_not_ready(reviewer):
    note = "Ceftriaxone 500 mg IM L gluteal given for gonorrhea. Promethazine IM R gluteal given for nausea. RN"
    review = reviewer.review(note)
    assert review.injections == 2
    assert_gaps(review, "DOSE_MISSING")
    assert review.claim_ready is False


def test_iv_plus_complete_im_is_ready(reviewer):
    note = "Ondansetron 4 mg IV push given. Ketorolac 30 mg IM L gluteal given for migraine. RN"
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.service_code == "96372"
    assert review.injections == 1


def test_lidocaine_diluent_is_not_an_administration(reviewer):
    note = (
        "Ceftriaxone 500 mg reconstituted with 1% lidocaine, given IM R gluteal for gonorrhea. RN"
    )
    review = reviewer.review(note)
    assert [a.drug for a in review.administrations] == ["ceftriaxone"]
    assert review.administrations[0].hcpcs == "J0696"
    assert review.administrations[0].units == 2


def test_patient_supplied_drug_has_no_j_code_line(reviewer):
    note = (
        "Patient brought own testosterone cypionate; 100 mg given IM L gluteal for hypogonadism. MA"
    )
    review = reviewer.review(note)
    assert_gaps(review, "PATIENT_SUPPLIED")
    assert review.administrations[0].hcpcs is None
    assert review.claim_ready is True


def test_b12_repeated_too_soon_is_flagged(reviewer):
    note = (
        "Last B12 shot 2 weeks ago. B12 1000 mcg IM L deltoid given today for pernicious anemia. RN"
    )
    assert_gaps(reviewer.review(note), "FREQUENCY")


def test_claim_ready_is_never_true_with_a_blocking_gap(reviewer):
    for note in (COMPLETE, "Toradol given IM today. RN", "Flu shot given. " + COMPLETE):
        review = reviewer.review(note)
        assert not (review.claim_ready and review.blocking_gaps)


def test_negated_lot_wording_is_no_lot(reviewer):
    """Advisory wording is matched as spans with ConText flags: "no lot number recorded" records
    no lot, so the vaccine gets LOT_MISSING with its evidence."""
    missing = reviewer.review(
        "Tdap 0.5 mL IM L deltoid given by RN for tetanus booster (Z23). No lot number recorded."
    )
    recorded = reviewer.review(
        "Tdap 0.5 mL IM L deltoid given by RN for tetanus booster (Z23). Lot TD4410, exp 03/2028."
    )
    assert "LOT_MISSING" in missing.gap_codes
    lot = next(g for g in missing.gaps if g.code == "LOT_MISSING")
    assert lot.evidence[0].text == "Tdap"
    assert "LOT_MISSING" not in recorded.gap_codes


def test_staff_wording_is_a_span_not_a_substring(reviewer, nlp):
    doc = nlp("Ondansetron 4 mg IM R deltoid for nausea. Administered by K. Ortiz, RN.")
    staff = [s for s in doc.spans["cc_advisory"] if s.label_ == "STAFF"]
    assert {s.text for s in staff} >= {"Administered by", "RN"}
    assert all(s._.cc_rule.startswith("advisory.staff.") for s in staff)
    note = "Ondansetron 4 mg IM R deltoid for nausea, tolerated. TRNSCRPT 44."
    assert "ADMINISTERED_BY_MISSING" in reviewer.review(note).gap_codes
