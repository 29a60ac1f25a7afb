"""Keep an unused heavy import out of start-up.

medspaCy imports QuickUMLS (and with it NLTK and SciPy's statistics, about 1.4 s of every cold
start) only to register its ``medspacy_quickumls`` factory, which cleanclaim never uses. While
the pipeline modules import medspaCy, an empty placeholder stands in for ``quickumls``; it is
taken out of ``sys.modules`` right after (:func:`restore_quickumls`), so a later
``import quickumls`` loads the real package. ``CLEANCLAIM_REAL_QUICKUMLS=1`` turns this off.
"""

from __future__ import annotations

import os
import sys
import types

_NAMES = ("quickumls", "quickumls.spacy_component")


class _Placeholder(types.ModuleType):
    """An empty module: every attribute other than the submodule is missing."""


def skip_quickumls() -> None:
    """Install the placeholder unless QuickUMLS is imported already or the user opted out."""
    if "quickumls" in sys.modules or os.environ.get("CLEANCLAIM_REAL_QUICKUMLS"):
        return
    package = _Placeholder("quickumls")
    package.__path__ = []  # a package, so "from quickumls import spacy_component" finds it
    component = _Placeholder("quickumls.spacy_component")
    package.spacy_component = component  # type: ignore[attr-defined]
    sys.modules["quickumls"] = package
    sys.modules["quickumls.spacy_component"] = component


def restore_quickumls() -> None:
    """Take the placeholder out once medspaCy is imported."""
    for name in _NAMES:
        if isinstance(sys.modules.get(name), _Placeholder):
            del sys.modules[name]
