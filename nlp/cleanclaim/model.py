"""The clean-claim classifier (placeholder until trained: no shipped model means rules only)."""

from __future__ import annotations


def load_default():  # type: ignore[no-untyped-def]
    """Return the shipped model, or None when none is installed."""
    return None
