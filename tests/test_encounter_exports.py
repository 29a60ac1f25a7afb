"""Several encounters exported as one note: the date of service it names, and the doses of the
encounters dated before it.

A chart export often prints a patient's visits one after another under dated headers ("[03/02/2026
Nurse Visit  RN]"), with a line saying which one is being billed ("DOS under review =
03/16/2026"). The earlier encounters' doses were given on their own dates: their routes and sites
must not complete the reviewed encounter's record (untuned probe pr-s-004, now in
``annotations/raw/probe_tuned.jsonl``; the notes below are written for these tests).
"""

from __future__ import annotations

import pytest

from assertions import blocking

EXPORT = (
    "CHART PRINT - Birchwood Internal Medicine   printed 03/30/2026 07:45\n"
    "Patient: Example, Test (FICTITIOUS)\n"
    "Visits in this print: 03/02/2026, 03/09/2026, 03/16/2026  ({review_line} = 03/16/2026)\n"
    "\n"
    "{first} 03/02/2026 Office Visit - Dr. N. Achterberg{close}\n"
    "Pernicious anemia (D51.0), B12 148 pg/mL. Begin cyanocobalamin loading.\n"
    "Cyanocobalamin 1000 mcg given IM R deltoid by MA. Tolerated.\n"
    "\n"
    "{first} 03/09/2026 Nurse Visit - T. Okonkwo, LPN{close}\n"
    "Loading dose 2: cyanocobalamin 1000 mcg intramuscular L deltoid. No reaction.\n"
    "\n"
    "{first} 03/16/2026 Nurse Visit - T. Okonkwo, LPN{close}\n"
    "Loading dose 3. Cyanocobalamin 1000 mcg drawn up and given {today}, 09:40. Tolerated well.\n"
    "Dx: pernicious anemia (D51.0).\n"
)


@pytest.mark.parametrize(
    ("review_line", "first", "close"),
    [
        ("DOS under review", "[", "]"),
        ("Date of service being billed", "===", " ==="),
        ("DOS billed", "--", " --"),
    ],
)
def test_an_earlier_encounters_route_does_not_complete_the_reviewed_one(
    reviewer, review_line, first, close
):
    note = EXPORT.format(
        review_line=review_line, first=first, close=close, today="in the left deltoid"
    )
    review = reviewer.review(note, date_of_service="2026-06-01")
    assert review.date_of_service == "2026-03-16"
    assert review.claim_ready is False
    assert "ROUTE_MISSING" in blocking(review)
    (adm,) = review.administrations
    assert adm.route is None
    assert "left deltoid" in (adm.site or "")
    # the earlier encounters' mentions are shown as history, their diagnosis stays the patient's
    routes = [e for e in review.entities if e.label == "ROUTE"]
    assert routes and all(e.historical for e in routes)
    assert "D51.0" in review.icd10


def test_the_reviewed_encounter_with_its_own_route_is_ready(reviewer):
    note = EXPORT.format(
        review_line="DOS under review", first="[", close="]", today="IM in the left deltoid"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    (adm,) = review.administrations
    assert (adm.route, adm.dose) == ("IM", "1,000 mcg")


def test_encounters_printed_newest_first_split_the_same_way(reviewer):
    note = (
        "Date of service under review: 11/20/2025\n"
        "Encounter 11/20/2025 - injection visit\n"
        "Depo-Provera 150 mg given, right upper outer gluteal, 14:10. Contraception "
        "management (Z30.42).\n"
        "Encounter 08/21/2025 - injection visit\n"
        "Depo-Provera 150 mg IM left gluteal, tolerated. Z30.42.\n"
    )
    review = reviewer.review(note)
    assert "ROUTE_MISSING" in blocking(review)
    assert review.administrations[0].route is None


@pytest.mark.parametrize(
    "earlier_line",
    [
        "Last visit 03/02/2026: cyanocobalamin 1000 mcg IM R deltoid, tolerated.",
        "Previous injection 03/02/2026 went well.",
        "Follow-up visit 04/16/2026 for the next dose.",
    ],
)
def test_a_dated_line_that_is_no_encounter_header_splits_nothing(reviewer, earlier_line):
    # one visit that mentions an earlier or a later date: today's dose stays today's
    note = (
        "Nurse visit 03/16/2026\n"
        "Pernicious anemia (D51.0).\n"
        f"{earlier_line}\n"
        "Today cyanocobalamin 1000 mcg IM L deltoid at 09:40, tolerated.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)
    assert review.administrations[-1].route == "IM"


def test_headers_without_the_date_of_service_split_nothing(reviewer):
    # two dated visits but none of them is the date being reviewed: no part can be called earlier
    note = EXPORT.format(
        review_line="DOS under review", first="[", close="]", today="in the left deltoid"
    ).replace("= 03/16/2026", "= 03/23/2026")
    review = reviewer.review(note)
    assert review.date_of_service == "2026-03-23"
    assert "ROUTE_MISSING" not in blocking(review)
