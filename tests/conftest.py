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


@pytest.fixture(autouse=True)
def _restore_service_loggers():
    """Undo the handlers ``cleanclaim serve`` installs when a test invokes it in-process.

    Its handler writes to the stderr of the moment (a test runner's captured stream, closed
    after the test); left in place, every later test that logs prints "--- Logging error ---".
    """
    import logging

    from cleanclaim.cli.serve import SERVICE_LOGGERS

    loggers = [logging.getLogger(n) for n in SERVICE_LOGGERS]
    saved = [(list(g.handlers), g.level, g.propagate) for g in loggers]
    yield
    for g, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        g.handlers = handlers
        g.setLevel(level)
        g.propagate = propagate
