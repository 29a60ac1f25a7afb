"""The tokenizer: spaCy's English rules, plus splitting of glued dose units ("1000mcg")."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

# A number glued to its unit ("1000mcg", "0.5mL", "60mg/2mL") is two tokens, so dose rules
# can stay token patterns. The lookahead keeps ICD codes ("T78.2XXA") and "B12" whole.
_UNIT_INFIXES = [
    r"(?<=[0-9])(?=(?:mcg|mg|ml|mL|ML|cc|g|gm|gms|grams?|units?|u|U|iu|IU|MU|ug)\b)",
    r"(?<=[a-zA-Z])/(?=[0-9])",
]


@spacy.registry.callbacks("cleanclaim.tokenizer_infixes.v1")
def make_infix_customizer():  # type: ignore[no-untyped-def]
    """Return a callback that adds the dose-unit infixes to a pipeline's tokenizer."""

    def customize(nlp: Language) -> Language:
        add_unit_infixes(nlp)
        return nlp

    return customize


#: spaCy splits these as contractions ("im" → "i" + "m", for "I'm"); in notes they are routes.
_NOT_CONTRACTIONS = ("im", "Im")


def add_unit_infixes(nlp: Language) -> None:
    """Add the dose-unit infix rules to ``nlp``'s tokenizer and keep "im" whole, in place."""
    infixes = list(nlp.Defaults.infixes) + _UNIT_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    rules = dict(nlp.tokenizer.rules or {})
    for word in _NOT_CONTRACTIONS:
        rules.pop(word, None)
    nlp.tokenizer.rules = rules
