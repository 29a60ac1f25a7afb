"""Issue 11 templates: checkbox fields, given/not-given boxes and charge lines."""

from __future__ import annotations

import pytest

HEAD = "Pernicious anemia (D51.0).\nMedication: cyanocobalamin 1000 mcg\n"
TAIL = "\nSite: L deltoid\nGiven by: K. Roe, RN at 10:05"


def _blocking(review) -> set[str]:
    return {g.code for g in review.gaps if g.blocking}


@pytest.mark.parametrize(
    ("field", "route"),
    [
        ("Route: [x] IM [ ] SC [ ] ID", "IM"),
        ("Route: [ ] IM [X] SC", "SC"),
        ("Route: ( ) IM (•) SC", "SC"),
        ("Route: ☒ IM ☐ SC", "IM"),
        ("Route: ☐ IM ☑ SC", "SC"),
        ("IM: Yes  SC: No", "IM"),
        ("IM: No   SC: Yes", "SC"),
        ("Route: IM [x]  SC [ ]", "IM"),
    ],
)
def test_only_the_checked_route_is_documented(reviewer, field, route):
    review = reviewer.review(HEAD + field + TAIL)
    assert "ROUTE_CONFLICT" not in review.gap_codes
    assert review.claim_ready is True, _blocking(review)
    assert review.administrations[0].route == route


@pytest.mark.parametrize(
    "field", ["Route: [ ] IM [ ] SC", "Route: ( ) IM ( ) SC", "IM: No  SC: No"]
)
def test_a_route_field_with_no_box_checked_is_route_missing(reviewer, field):
    review = reviewer.review(HEAD + field + TAIL)
    assert "ROUTE_MISSING" in _blocking(review)
    assert review.claim_ready is False


def test_only_the_checked_site_is_documented(reviewer):
    note = HEAD + "Route: IM\nSite: [ ] R deltoid [x] L deltoid\nGiven by: K. Roe, RN at 10:05"
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.administrations[0].site == "L deltoid"


@pytest.mark.parametrize(
    "box",
    [
        "Given: [ ] Yes [x] No - patient declined",
        "[ ] Administered  [x] Refused",
        "Injection given: ( ) yes (•) no, vial expired",
    ],
)
def test_a_checked_not_given_box_means_not_given(reviewer, box):
    review = reviewer.review(HEAD + "Route: IM" + TAIL + "\n" + box)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in review.gap_codes


def test_a_checked_given_box_stays_given(reviewer):
    review = reviewer.review(HEAD + "Route: IM" + TAIL + "\n[x] Given  [ ] Not given")
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "charges",
    [
        "Charges:\n96372 THER/PROPH/DIAG INJ SC/IM\nJ3420 VITAMIN B12 INJECTION",
        "CPT 96372 THER/PROPH/DIAG INJECTION SC/IM x1",
    ],
)
def test_charge_lines_are_not_documentation(reviewer, charges):
    ready = reviewer.review(HEAD + "Route: IM" + TAIL + "\n\n" + charges)
    assert ready.claim_ready is True
    assert "ROUTE_CONFLICT" not in ready.gap_codes
    # a charge line alone does not document an administration
    only = reviewer.review("Pernicious anemia (D51.0).\n" + charges)
    assert only.claim_ready is False
    assert only.injections == 0


# Route conflicts and corrections ---------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg given IM L deltoid today, tolerated. "
        "RN\n\nMAR: 10:05 cyanocobalamin 1000 mcg SC L deltoid KR",
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg given SC in the L deltoid today.\n"
        "Route: IM\nRN K. Roe",
        "Pernicious anemia (D51.0). Order: cyanocobalamin 1000 mcg SC once.\n"
        "MAR: 10:05 cyanocobalamin 1000 mcg IM L deltoid given KR RN",
    ],
)
def test_routes_that_disagree_across_sentences_or_records_conflict(reviewer, note):
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" in _blocking(review)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "addendum",
    [
        "Addendum 04/22/2026 13:05 by K. Roe, RN: route documented in error; cyanocobalamin was "
        "given IM, not SC.",
        "Late entry: cyanocobalamin was given IM (the SC above was entered in error).",
        "CORRECTION 04/23/2026: cyanocobalamin 1000 mcg given IM L deltoid.",
    ],
)
def test_the_latest_addendum_wins_and_the_record_says_so(reviewer, addendum):
    note = (
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg given SC L deltoid today. RN K. Roe\n\n"
        + addendum
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in review.gap_codes
    assert review.claim_ready is True
    assert review.administrations[0].route == "IM"
    corrected = [g for g in review.gaps if g.code == "ROUTE_CORRECTED"]
    assert corrected and not corrected[0].blocking
    assert "SC" in corrected[0].message


def test_an_addendum_about_something_else_does_not_hide_a_conflict(reviewer):
    note = (
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg given IM L deltoid today. RN\n"
        "MAR: 10:05 cyanocobalamin 1000 mcg SC L deltoid KR\n\n"
        "Addendum: patient called, no reaction at the site."
    )
    assert "ROUTE_CONFLICT" in _blocking(reviewer.review(note))


def test_an_addendum_that_adds_a_nursing_record_with_another_route_is_a_conflict(reviewer):
    note = (
        "Contraception (Z30.42). Depo-Provera 150 mg given subq left arm today, tolerated.\n"
        "ADDENDUM nursing documentation: medroxyprogesterone 150 mg/1 mL IM L deltoid 09:20"
    )
    assert "ROUTE_CONFLICT" in _blocking(reviewer.review(note))


def test_a_corrected_note_that_quotes_the_replaced_route_is_not_a_conflict(reviewer):
    note = (
        "*** CORRECTED NOTE - supersedes the version signed 12/03 ***\n"
        "Reason for correction: route of promethazine documented incorrectly.\n"
        "Nausea without vomiting (R11.0).\n"
        "Treatment: promethazine 12.5 mg deep IM L ventrogluteal at 17:35 (original version "
        "read 'IV' - no IV was placed).\nK. Nwachukwu, FNP"
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in review.gap_codes
    assert review.administrations[0].route == "IM"


@pytest.mark.parametrize(
    ("note", "dose", "site"),
    [
        (
            "Migraine (G43.909). Ketorolac 0.5 mg/kg = 30 mg IM R ventrogluteal given today. RN",
            "30 mg",
            "R ventrogluteal",
        ),
        (
            "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg given intramusclar in the L "
            "deltiod today. RN",
            "1,000 mcg",
            "L deltiod",
        ),
    ],
)
def test_weight_based_doses_and_misspelt_sites(reviewer, note, dose, site):
    review = reviewer.review(note)
    adm = review.administrations[0]
    assert (adm.dose, adm.route, adm.site) == (dose, "IM", site)
    assert review.claim_ready is True


def test_a_refused_row_of_a_mar_table_is_not_given(reviewer):
    note = (
        "SNF MEDICATION ADMINISTRATION RECORD (PRN)\nDx: dementia with agitation (F03.911)\n"
        "Date   Time   Medication              Dose     Route  Site        Result      Init\n"
        "03/02  20:10  haloperidol 5 mg/mL inj 2 mg     IM     L deltoid   calm 21:00  KT\n"
        "03/02  20:15  diphenhydramine 25 mg cap 25 mg  PO     -           REFUSED     KT\n"
        "Order for haloperidol 2 mg IM x1 PRN agitation confirmed with Dr. Park at 20:00."
    )
    review = reviewer.review(note)
    given = {a.drug_id: a.given for a in review.administrations}
    assert given.get("diphenhydramine") is False
    assert "ROUTE_MISSING" not in review.gap_codes


def test_a_row_with_one_negated_route_among_others_is_still_given(reviewer):
    note = (
        "Hypogonadism (E29.1). Testosterone cypionate 200 mg IM R ventrogluteal, not SC, given "
        "today by RN, tolerated."
    )
    review = reviewer.review(note)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "note",
    [
        "Pernicious anemia (D51.0).\nCHARGES: 96372 x1; J3420 x1 (cyanocobalamin up to 1000 mcg)\n"
        "No nursing note attached.",
        "MAR\nDx: pernicious anemia (D51.0)\n10:00 cyanocobalamin 1000 mcg IM - DUE\n",
        "MAR\nDx: hypogonadism (E29.1)\n08:00 testosterone cypionate 200 mg IM R glute "
        "(not charted)\n",
    ],
)
def test_charge_lines_and_due_or_uncharted_rows_are_not_administrations(reviewer, note):
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert review.service_code is None


def test_a_charge_line_under_a_documented_injection_keeps_it_ready(reviewer):
    note = (
        "Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given today by RN, "
        "tolerated.\nCharges: 96372 x1; J3420 x1 (cyanocobalamin up to 1000 mcg)"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
