"""cleanclaim: does a visit note support a clean CPT 96372 injection claim, and what is missing.

>>> import cleanclaim
>>> review = cleanclaim.review("B12 1000 mcg IM L deltoid for pernicious anemia, given by RN.")
>>> review.claim_ready
True
"""

from __future__ import annotations

from functools import lru_cache

from ._version import __version__
from .result import Administration, Diagnosis, Entity, Evidence, Gap, Review
from .reviewer import MAX_CHARS, NoteError, Reviewer

__all__ = [
    "Administration",
    "Diagnosis",
    "Entity",
    "Evidence",
    "Gap",
    "MAX_CHARS",
    "NoteError",
    "Review",
    "Reviewer",
    "load",
    "review",
    "__version__",
]


@lru_cache(maxsize=1)
def load() -> Reviewer:
    """The shared default reviewer (pipeline and shipped model loaded once per process)."""
    return Reviewer(model="default")


def review(text: str, note_id: str | None = None) -> Review:
    """Review one note with the shared default reviewer."""
    return load().review(text, note_id)
