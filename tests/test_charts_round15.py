"""Charts round 15: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a printed template's dose field left blank before the unit it prints ("Dose: ______ mg") is a
  blank field: a concentration on another line ("Strength: 40 mg/mL") is no dose given;
- a route or site checked on a template line of many options ("Site: ☑ R glut ☐ L glut ☐ R
  delt ☐ L delt") records the dose's site however long the line is;
- "held 5 sec", "pressure held 2 min", "held pressure" describe the technique: nothing was held
  back, and the route and site of that sentence are not negated, so a narrative route that
  disagrees with the flowsheet row is a ROUTE_CONFLICT.
"""

from __future__ import annotations

import pytest

from assertions import blocking

PRINTED_FORM = (
    "IM/SC Injection Record - Elm Street Family Practice\n"
    "Reason for visit: acute gout flare, left first MTP joint (M10.072)\n"
    "Drug:          {drug}\n"
    "{strength}\n"
    "Dose:          {dose}\n"
    "Route:         ☑ IM   ☐ SC   ☐ ID\n"
    "Site:          ☐ L deltoid   ☐ R deltoid   ☑ R ventrogluteal   ☐ L ventrogluteal\n"
    "Reaction:      ☑ none   ☐ local   ☐ systemic\n"
    "Administered by: Q. Marchetti, LPN 14:40    Ordered by: Dr. H. Oyelaran\n"
)


@pytest.mark.parametrize(
    ("drug", "strength", "dose"),
    [
        ("ketorolac (Toradol)", "Strength:      30 mg/mL", "______ mg      Volume: ______ mL"),
        ("Toradol", "Concentration: 60 mg/2 mL", "_____ mg"),
        ("ketorolac tromethamine", "Vial strength: 30 mg/mL", "________ mg   Lot: K4471"),
    ],
)
def test_a_blank_dose_field_before_its_printed_unit_leaves_the_dose_missing(
    reviewer, drug, strength, dose
):
    review = reviewer.review(PRINTED_FORM.format(drug=drug, strength=strength, dose=dose))
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)
    assert review.service_code == "96372"


def test_the_same_form_with_its_dose_written_in_is_ready(reviewer):
    note = PRINTED_FORM.format(
        drug="ketorolac (Toradol)", strength="Strength:      30 mg/mL", dose="60 mg"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    (adm,) = review.administrations
    assert adm.route == "IM"
    assert adm.site is not None and "ventrogluteal" in adm.site.lower()


@pytest.mark.parametrize(
    "site_line",
    [
        "Site:  ☐ L deltoid   ☐ R deltoid   ☑ R ventrogluteal   ☐ L ventrogluteal   ☐ abdomen",
        "Site: [ ] L deltoid [ ] R deltoid [ ] L vastus lateralis [x] R ventrogluteal [ ] abdomen",
        "Injection site: ( ) left deltoid ( ) right deltoid ( ) left thigh (•) R ventrogluteal",
    ],
)
def test_a_site_checked_among_many_options_is_the_doses_site(reviewer, site_line):
    note = (
        "Nurse visit - injection\n"
        "Dx: vitamin B12 deficiency due to pernicious anemia (D51.0)\n"
        "Medication: cyanocobalamin 1000 mcg/mL, 1 mL given\n"
        "Route: [x] IM [ ] SC\n"
        f"{site_line}\n"
        "Given 09:12 by R. Ngata, RN per standing order. No reaction.\n"
    )
    review = reviewer.review(note)
    (adm,) = review.administrations
    assert adm.site is not None and "ventrogluteal" in adm.site.lower()
    assert "SITE_MISSING" not in {g.code for g in review.gaps}
    assert review.claim_ready is True


HOME_VISIT = (
    "Home health skilled nursing visit 03/11/2025\n"
    "Dx: age-related osteoporosis with current pathological fracture, vertebra (M80.08XA)\n"
    "Narrative: {narrative}\n"
    "Medication administration record\n"
    "  Drug: teriparatide 20 mcg | Route: {row_route} | Site: R thigh | Time: 0935 | By: KM RN\n"
)


@pytest.mark.parametrize(
    "narrative",
    [
        "Pen primed, 20 mcg dialed, injected SQ into R anterior thigh and held 5 sec. No bleeding.",
        "Injected sub-q to the right thigh, needle held for 10 seconds, pressure held 1 min.",
        "Given subcutaneously R thigh, held firm pressure after, site clean.",
    ],
)
def test_a_held_needle_or_pressure_negates_nothing_and_routes_that_differ_conflict(
    reviewer, narrative
):
    conflicting = reviewer.review(HOME_VISIT.format(narrative=narrative, row_route="IM"))
    assert conflicting.claim_ready is False
    assert "ROUTE_CONFLICT" in blocking(conflicting)
    agreeing = reviewer.review(HOME_VISIT.format(narrative=narrative, row_route="SC"))
    assert "ROUTE_CONFLICT" not in blocking(agreeing)
    assert [a.route for a in agreeing.administrations] == ["SC"]


def test_a_dose_held_for_a_lab_is_still_held(reviewer):
    note = (
        "Nurse visit\n"
        "Dx: pernicious anemia (D51.0)\n"
        "Cyanocobalamin 1000 mcg IM held today, B12 level 1840 pending review with Dr. Amadi.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


@pytest.mark.parametrize(
    "reason",
    [
        "He wants relief prior to the team bus trip tomorrow;",
        "Needs to sleep prior to her night shift;",
        "Asked for treatment prior to boarding a flight this evening;",
    ],
)
def test_prior_to_a_coming_event_makes_nothing_after_it_history(reviewer, reason):
    note = (
        "Urgent care note\n"
        "A/P: acute gout flare, right knee (M10.061). "
        f"{reason} Toradol 60 mg given SQ today.\n"
        "Medication administration record\n"
        "Drug: ketorolac 60 mg/2 mL  Dose: 60 mg  Route: IM  Site: L ventrogluteal  Time: 16:20\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "ROUTE_CONFLICT" in blocking(review)


def test_a_dose_given_prior_to_arrival_is_still_not_this_visits(reviewer):
    note = (
        "ED note\n"
        "Prior to arrival she received ketorolac 30 mg IM from EMS.\n"
        "ED course: ondansetron 4 mg IV push.\n"
        "Dx: renal colic (N23).\n"
    )
    review = reviewer.review(note)
    assert review.service_code != "96372"
    assert review.claim_ready is False
