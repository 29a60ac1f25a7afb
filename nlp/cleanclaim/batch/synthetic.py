"""Synthetic clinic notes for benchmarks and tests (no patient data).

A deterministic mix of short injection visits (complete, missing dose, route, diagnosis; vaccines,
declined injections) and visits with no injection at all.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

_DRUGS = [
    ("cyanocobalamin", "1000 mcg", "pernicious anemia"),
    ("B12", "1000 mcg", "vitamin B12 deficiency"),
    ("ceftriaxone", "500 mg", "acute gonococcal urethritis"),
    ("Depo-Provera", "150 mg", "encounter for contraception"),
    ("testosterone cypionate", "200 mg", "hypogonadism"),
    ("ketorolac", "60 mg", "acute low back pain"),
    ("methylprednisolone acetate", "80 mg", "acute gout flare"),
    ("promethazine", "25 mg", "nausea with vomiting"),
]
_SITES = [
    "left deltoid",
    "right deltoid",
    "right gluteal",
    "left upper outer quadrant of the buttock",
    "abdomen",
]
_ROUTES = ["IM", "intramuscularly", "SQ", "subcutaneously"]
_STAFF = ["RN J. Park", "MA Lopez", "LPN Carter"]
_PLAIN = [
    "Patient seen for follow-up. Feels better since last week. Plan: return as needed.",
    "Telephone encounter. Patient asks about appointment times. Scheduled for next Tuesday.",
    "Annual paperwork reviewed with the family. Forms completed and signed.",
    "Patient called to reschedule. Message left with front desk.",
    "Reviewed home exercise handout. Questions answered. Follow up in two months.",
    "Chart reviewed for records request. Copies sent to the requesting office.",
]


def note(rng: random.Random) -> str:
    """One note drawn from the mix."""
    kind = rng.random()
    drug, dose, dx = rng.choice(_DRUGS)
    site, route, staff = rng.choice(_SITES), rng.choice(_ROUTES), rng.choice(_STAFF)
    if kind < 0.25:
        return rng.choice(_PLAIN)
    if kind < 0.45:
        return f"Assessment: {dx}.\nPlan: {drug} {dose} {route} given in the {site} today by {staff}. Tolerated well."
    if kind < 0.55:
        return f"Dx: {dx}. {drug} given {route} in the {site}. Patient tolerated well."
    if kind < 0.65:
        return f"Indication: {dx}. {drug} {dose} administered in the {site} by {staff}."
    if kind < 0.72:
        return f"{drug} {dose} {route} given in the {site} today. No reaction."
    if kind < 0.80:
        return f"Patient declined {drug} injection today. Will discuss at next visit. Dx: {dx}."
    if kind < 0.88:
        return f"Influenza vaccine 0.5 mL IM given in the {site}. Lot 12AB3, exp 2027-01. VIS provided."
    if kind < 0.94:
        return f"Medications: lisinopril 10 mg daily, {drug} monthly. Visit for blood pressure check; {dx} stable."
    return (
        f"S: here for scheduled injection.\nA: {dx}.\nP: {drug} {dose}\nRoute: ___\nSite: {site}\n"
        f"Administered by {staff}."
    )


def notes(n: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """``n`` (id, text) pairs, deterministic for a seed."""
    rng = random.Random(seed)
    for i in range(n):
        yield f"syn-{i:07d}", note(rng)
