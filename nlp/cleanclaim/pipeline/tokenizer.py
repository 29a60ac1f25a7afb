"""The tokenizer: spaCy's English rules, plus splitting of glued dose units ("1000mcg"), and a
guard that keeps long runs of punctuation linear (:func:`make_doc`).
"""

from __future__ import annotations

import re
import weakref
from typing import Any

import spacy
from spacy.lang.tokenizer_exceptions import emoticons
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from .extensions import keep_text

# A number glued to its unit ("1000mcg", "0.5mL", "60mg/2mL") is two tokens, so dose rules
# can stay token patterns. The lookahead keeps ICD codes ("T78.2XXA") and "B12" whole.
_UNIT_INFIXES = [
    r"(?<=[0-9])(?=(?:mcg|mg|ml|mL|ML|cc|g|gm|gms|grams?|units?|u|U|iu|IU|MU|ug)\b)",
    r"(?<=[a-zA-Z])/(?=[0-9])",
    # a flattened export's field and value ("MED1.DOSE=60 mg", "MED1.ROUTE=IM"), and the pipe
    # between its fields ("dose=60 mg|route=IM|site=")
    r"(?<=[A-Za-z0-9])=(?=[A-Za-z0-9])",
    # (infixes are searched inside one chunk without white space: a pipe after a character
    # and not before another pipe)
    r"(?<=[^\s|])\|(?!\|)",
    # a comma between the cells of a comma-separated export row ("10:02,cyanocobalamin,1000,mcg"):
    # after or before a letter, never between two digits ("1,000 mcg" stays one number)
    r"(?<=[A-Za-z]),(?=[0-9A-Za-z])",
    r"(?<=[0-9]),(?=[A-Za-z])",
    # the quotes, commas, colons and brackets between the cells of a quoted export row or a
    # JSON fragment ('"16:22","cefTRIAXone 1 g vial","1 g","IM"', '"dose":"60 mg"'): a closing
    # quote before its delimiter, the delimiter, an opening bracket, an opening quote
    r'(?<=[A-Za-z0-9.)%])"(?=[,:}\]])',
    r'(?<=")[,:](?=["\[{])',
    r'(?<=[,:\[{])[\[{](?=["\[{])',
    r'(?<=[,:\[{])"(?=[A-Za-z0-9])',
    # the components of an HL7 field ("SC^Subcutaneous^HL70162", "ug^^UCUM")
    r"(?<=[A-Za-z0-9^])\^(?=[A-Za-z0-9^])",
]


@spacy.registry.callbacks("cleanclaim.tokenizer_infixes.v1")
def make_infix_customizer():  # type: ignore[no-untyped-def]
    """Return a callback that adds the dose-unit infixes to a pipeline's tokenizer."""

    def customize(nlp: Language) -> Language:
        add_unit_infixes(nlp)
        return nlp

    return customize


#: spaCy splits these as contractions ("im" → "i" + "m", for "I'm"); in notes they are routes.
#: It also keeps a lone letter and its period as one abbreviation token ("g."), which hid the
#: unit of a dose ending a sentence ("Given ceftriaxone 1 g.").
_NOT_EXCEPTIONS = ("im", "Im", "g.", "u.")
#: spaCy's emoticons are kept whole as well; notes write none, but glue the same characters
#: to structure: "Medication list (reconciled today):" ended in the one token "):", which hid
#: the header's colon, and "8)" in a numbered list is no number.
_EMOTICONS = frozenset(emoticons)


def add_unit_infixes(nlp: Language) -> None:
    """Add the dose-unit infix rules to ``nlp``'s tokenizer, keep "im" whole and split a unit
    letter from a sentence's period ("1 g."), in place.
    """
    infixes = list(nlp.Defaults.infixes) + _UNIT_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    rules = dict(nlp.tokenizer.rules or {})
    for word in (*_NOT_EXCEPTIONS, *_EMOTICONS):
        rules.pop(word, None)
    nlp.tokenizer.rules = rules


#: A run of this many characters without white space ("((((", "[{<(", "Route:Dose:Site:...") is
#: tokenized in pieces: spaCy's prefix, suffix and infix splitting is quadratic in its length.
LONG_RUN = 512
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
_PIECE = 256


def guarded(nlp: Language, text: str) -> Doc:
    """The Doc of ``text`` for the pipeline: ``nlp.make_doc`` when it has no long run without
    white space, else :func:`make_doc`. The Doc keeps ``text`` (see
    :func:`~cleanclaim.pipeline.extensions.doc_text`), so no component joins its tokens again.
    """
    _warm(nlp, text)
    doc = make_doc(nlp, text) if _LONG_RUN.search(text) else nlp.make_doc(text)
    return keep_text(doc, text)


#: The most distinct chunks of text (runs without white space) :func:`_warm` remembers per
#: pipeline: a bound on its memory (about 30 MB with spaCy's cache of the same chunks).
WARMED_CHUNKS = 300_000
#: pipeline → (id of its tokenizer, the chunks that tokenizer has tokenized alone); the
#: pipeline holds its tokenizer, so the id names no other while the entry lives.
_WARMED: weakref.WeakKeyDictionary[Any, tuple[int, set[str]]] = weakref.WeakKeyDictionary()


def warmed_chunks(nlp: Any) -> set[str]:
    """The chunks :func:`_warm` has tokenized alone for ``nlp``'s tokenizer (a new, empty set
    for a pipeline not seen or whose tokenizer was replaced).
    """
    tokenizer = id(nlp.tokenizer)
    entry = _WARMED.get(nlp)
    if entry is None or entry[0] != tokenizer:
        entry = _WARMED[nlp] = (tokenizer, set())
    return entry[1]


def _warm(nlp: Any, text: str) -> None:
    """Tokenize each chunk of ``text`` not seen before on its own, so spaCy caches it.

    spaCy's tokenizer keeps a chunk's tokens in its cache only while no special case (an
    exception such as "Dr." or "e.g.") has been met earlier in the same text: after the first
    one, every later chunk of the note is split into prefixes, suffixes and infixes again, in
    every note (about two thirds of the tokenizer's time on real notes). Tokenized alone once,
    a chunk is cached unless it holds a special case itself. The tokens are the same. A
    pipeline-like wrapper with no tokenizer is left alone.
    """
    tokenizer = getattr(nlp, "tokenizer", None)
    if tokenizer is None:
        return
    seen = warmed_chunks(nlp)
    if len(seen) >= WARMED_CHUNKS:
        return
    new = set(text.split()).difference(seen)
    for chunk in new:
        if len(chunk) < LONG_RUN:
            tokenizer(chunk)
    seen.update(new)


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, in time linear in the note's length.

    Each run of at least :data:`LONG_RUN` characters without white space (no real word is that
    long) is tokenized in pieces of at most 256 characters, each cut after a punctuation
    character when there is one in its second half; the Doc's text is the note's, character for
    character, so offsets hold.
    """
    runs = list(_LONG_RUN.finditer(text))
    if not runs:
        return nlp.make_doc(text)
    pieces, pos = [], 0
    for m in runs:
        if m.start() > pos:
            pieces.append(text[pos : m.start()])
        i = m.start()
        while i < m.end():
            j = min(i + _PIECE, m.end())
            if j < m.end():
                k = j - 1
                while k > i + _PIECE // 2 and text[k].isalnum():
                    k -= 1
                if not text[k].isalnum():
                    j = k + 1
            pieces.append(text[i:j])
            i = j
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
    doc = Doc.from_docs([nlp.make_doc(p) for p in pieces], ensure_whitespace=False)
    return doc if doc.text == text else nlp.make_doc(text)
