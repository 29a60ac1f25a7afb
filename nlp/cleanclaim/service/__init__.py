"""The review service: an HTTP API and a review page over one loaded :class:`~cleanclaim.Reviewer`.

Needs the ``serve`` extra (``pip install 'cleanclaim[serve]'``).
"""

from __future__ import annotations

from .app import create_app
from .limits import Limits

__all__ = ["Limits", "create_app"]
