"""Assertion helpers shared by the tests."""

from __future__ import annotations

from cleanclaim import Review


def gap_codes(review: Review) -> set[str]:
    """The set of gap codes of a review."""
    return {g.code for g in review.gaps}


def assert_gaps(review: Review, *expected: str, absent: tuple[str, ...] = ()) -> None:
    """Every expected code is reported and no code in ``absent`` is."""
    codes = gap_codes(review)
    missing = set(expected) - codes
    assert not missing, f"missing gaps {sorted(missing)}; got {sorted(codes)}"
    unexpected = set(absent) & codes
    assert not unexpected, f"unexpected gaps {sorted(unexpected)}; got {sorted(codes)}"


def blocking(review: Review) -> set[str]:
    """The blocking gap codes of a review."""
    return {g.code for g in review.gaps if g.blocking}


def entity(review: Review, text: str, label: str | None = None):
    """The first entity with this text (and label)."""
    for ent in review.entities:
        if ent.text == text and (label is None or ent.label == label):
            return ent
    raise AssertionError(
        f"no entity {text!r} ({label}); got {[(e.text, e.label) for e in review.entities]}"
    )


def ents(review: Review, label: str) -> list:
    """The entities of a review with this label."""
    return [e for e in review.entities if e.label == label]


def assert_outcome(
    review: Review, *, ready: bool, code: str | None = ..., status: str | None = None
) -> None:
    """The decision, and the service code and note status when given."""
    got = (review.claim_ready, review.service_code, review.status)
    assert review.claim_ready is ready, f"claim_ready, service code, status: {got}"
    if code is not ...:
        assert review.service_code == code, f"claim_ready, service code, status: {got}"
    if status is not None:
        assert review.status == status, f"claim_ready, service code, status: {got}"


def given_drugs(review: Review) -> list[str | None]:
    """The drug ids of the administrations given at this encounter, in the record's order."""
    return [a.drug_id for a in review.administrations if a.given]


def given(review: Review, drug_id: str) -> list:
    """The administrations of ``drug_id`` given at this encounter."""
    return [a for a in review.administrations if a.drug_id == drug_id and a.given]
