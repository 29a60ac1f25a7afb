"""Shared fixtures: one pipeline and one reviewer per test session (no downloads)."""

from __future__ import annotations

import pytest

from cleanclaim import Reviewer
from cleanclaim.pipeline import build


@pytest.fixture(scope="session")
def nlp():
    """The cleanclaim pipeline, built once."""
    return build()


@pytest.fixture(scope="session")
def reviewer(nlp):
    """A rules-only reviewer (no classifier), so rule tests test the rules."""
    return Reviewer(nlp=nlp, model=None)
