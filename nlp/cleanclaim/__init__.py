"""cleanclaim: does a visit note support a clean CPT 96372 injection claim, and what is missing.

>>> import cleanclaim
>>> review = cleanclaim.review("B12 1000 mcg IM L deltoid for pernicious anemia, given by RN.")
>>> review.claim_ready
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._startup import skip_quickumls
from ._version import __version__
from .result import Administration, Diagnosis, Entity, Evidence, Gap, Review

skip_quickumls()

if TYPE_CHECKING:
    from .reviewer import MAX_CHARS, NoteError, Reviewer

#: Imported on first use: the reviewer brings in spaCy and medspaCy, which ``cleanclaim --help``
#: and the service's start-up checks do not need.
_LAZY = {"MAX_CHARS", "NoteError", "Reviewer"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import reviewer

        return getattr(reviewer, name)
    raise AttributeError(f"module 'cleanclaim' has no attribute {name!r}")


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
    from .reviewer import Reviewer

    return Reviewer(model="default")


def review(text: str, note_id: str | None = None) -> Review:
    """Review one note with the shared default reviewer."""
    return load().review(text, note_id)
