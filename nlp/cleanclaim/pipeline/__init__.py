"""Note → Doc: cleanclaim's spaCy pipeline (tokenizer, components, extensions) and its pipe order.

Importing this package registers the component factories (``cleanclaim_lines``,
``cleanclaim_sections``, ``cleanclaim_fields``, ``cleanclaim_targets``, ``cleanclaim_dictation``,
``cleanclaim_context``)
and the ``._`` extensions, so ``spacy.load`` of a saved pipeline works after ``import cleanclaim``.
"""

from __future__ import annotations

import spacy
from loguru import logger
from spacy.language import Language

from .._startup import restore_quickumls
from .context import ContextComponent
from .dictation import DictationComponent
from .fields import BlankFieldDetector
from .holder import RuleTables
from .lines import LineSentencizer
from .sections import SectionComponent
from .targets import TargetComponent
from .tokenizer import add_unit_infixes

restore_quickumls()  # medspaCy is imported: a later "import quickumls" gets the real package

__all__ = [
    "PIPES",
    "BlankFieldDetector",
    "ContextComponent",
    "DictationComponent",
    "LineSentencizer",
    "RuleTables",
    "SectionComponent",
    "TargetComponent",
    "build",
]

#: Pipe names in order: sentences and lines, sections, blank template fields, mentions, mentions
#: read from raw dictation, ConText, and the holder of the rules stage's tables.
PIPES = (
    "cleanclaim_lines",
    "cleanclaim_sections",
    "cleanclaim_fields",
    "cleanclaim_targets",
    "cleanclaim_dictation",
    "cleanclaim_context",
    "cleanclaim_rules",
)

# PyRuSH (pulled in by medspaCy) logs every token at DEBUG: about 18 KB of note text per note.
logger.disable("PyRuSH")


def build(sentencizer: str = "cleanclaim_lines") -> Language:
    """Build a fresh pipeline on a blank English tokenizer (no model download).

    Args:
        sentencizer: ``cleanclaim_lines`` (default), ``sentencizer`` (spaCy's) or
            ``medspacy_pyrush``; the alternatives exist for benchmarks.

    """
    nlp = spacy.blank("en")
    add_unit_infixes(nlp)
    if sentencizer == "medspacy_pyrush":
        import medspacy  # noqa: F401  (registers medspacy_pyrush)
    nlp.add_pipe(sentencizer)
    for name in PIPES[1:]:
        nlp.add_pipe(name)
    return nlp
