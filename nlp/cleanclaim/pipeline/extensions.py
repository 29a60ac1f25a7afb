"""Every spaCy ``._`` extension cleanclaim uses, registered in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy
from spacy.tokens import Doc, Span
from spacy.tokens.underscore import Underscore

#: Span extensions set by the target rules (plain strings, never Python objects).
SPAN_EXTENSIONS: dict[str, object] = {
    "cc_rule": None,  # stable id of the rule that made the span, e.g. "drug.cyanocobalamin"
    "cc_norm": None,  # normalized value: drug id, route code, site id, ICD-10-CM code, canonical dose
    # Flags set by ConText on top of medspaCy's own (is_negated, is_historical, ...).
    "cc_given": False,  # administration wording ("given", "administered", "tolerated")
    "cc_this_encounter": False,  # anchored to this visit ("today", "this visit")
    "cc_diluent": False,  # "reconstituted with 1% lidocaine"
    "cc_patient_supplied": False,  # "patient brought own"
    "cc_regimen": False,  # maintenance wording ("monthly", "continue", "q4wk")
    "cc_schedule": False,  # a daily dosing schedule ("daily", "b.i.d.", "h.s."): a medication list
    "cc_modifier_rules": (),  # ids of the ConText rules that modified this span
    # Set by the dictation reader on mentions read from dictated words (else None).
    "cc_read": None,  # canonical form read ("1000 mcg", "sumatriptan", "left deltoid")
    "cc_how": None,  # how it was read: number_words, ..., phonetic, fuzzy, spoken_side, ocr
}

#: Doc extensions.
DOC_EXTENSIONS: dict[str, object] = {
    "cc_blank_fields": (),  # ((label, start_char, end_char), ...) of template fields left blank
    "cc_section_spans": (),  # ((category, kind, start_char, end_char), ...) after clipping
    "cc_context_targets": (),  # the spans ConText runs over (set and cleared by the component)
    "cc_markers": (),  # ((start_char, end_char), ...) of "[inaudible]"-type dictation markers
    "cc_spoken_marks": frozenset(),  # token indices of spoken punctuation ("comma", "period")
}


def register() -> None:
    """Register the extensions; safe to call many times."""
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc.

    spaCy joins every token's text on each ``Doc.text`` access (linear in the note); the rules
    read the text many times per note, so it is kept in ``doc.user_data`` after the first join.
    A Doc's text never changes once it is made (retokenizing keeps it).
    """
    text = doc.user_data.get("cleanclaim_text")
    if text is None:
        text = doc.user_data["cleanclaim_text"] = doc.text
    return text


_READING = "cleanclaim_reading"


@contextmanager
def read_only(doc: Doc) -> Iterator[Doc]:
    """While the rules read a finished Doc: :func:`doc_ents`, :func:`span_group` and the
    sentence index build their Span objects once instead of on every access (spaCy makes new
    Spans each time). Nothing may change the Doc's entities, span groups or sentences inside the
    block. The Spans are dropped at its end (they hold the Doc: no reference cycle outlives it).
    """
    doc.user_data[_READING] = {"ents": doc.ents}
    try:
        yield doc
    finally:
        doc.user_data.pop(_READING, None)


def reading_cache(doc: Doc) -> dict | None:
    """The per-Doc cache of :func:`read_only` (None outside it)."""
    return doc.user_data.get(_READING)


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents`` (built once inside :func:`read_only`)."""
    cache = doc.user_data.get(_READING)
    return doc.ents if cache is None else cache["ents"]


def span_group(doc: Doc, name: str) -> tuple[Span, ...]:
    """The spans of group ``name`` of ``doc.spans`` (empty when absent; built once inside
    :func:`read_only`).
    """
    cache = doc.user_data.get(_READING)
    key = ("group", name)
    if cache is not None and key in cache:
        return cache[key]
    spans = tuple(doc.spans[name]) if name in doc.spans else ()
    if cache is not None:
        cache[key] = spans
    return spans


def ext(span: Span, name: str) -> Any:
    """``span._.<name>``, read without building spaCy's ``Underscore`` object each time.

    The rules read span extensions hundreds of times per note; spaCy stores a plain value under
    ``("._.", name, start_char, end_char)`` in ``doc.user_data``, which this reads directly. An
    extension with a getter, a method or a mutable default is read the usual way.
    """
    default, method, getter, _ = Underscore.span_extensions[name]
    if getter is not None or method is not None or isinstance(default, Underscore.mutable_types):
        return getattr(span._, name)
    return span.doc.user_data.get(("._.", name, span.start_char, span.end_char), default)


def distinct_words(doc: Doc, attr: int) -> tuple[list[str], numpy.ndarray]:
    """The distinct strings of token attribute ``attr`` (``ORTH``, ``LOWER``) in ``doc``, and
    each token's index among them: a test of a word is then made once per distinct word (notes
    repeat most of theirs) and spread to the tokens with :func:`by_word`.
    """
    uniq, inverse = numpy.unique(doc.to_array(attr), return_inverse=True)
    strings = doc.vocab.strings
    return [strings[h] for h in uniq.tolist()], inverse.reshape(-1)


def by_word(words: list[str], inverse: numpy.ndarray, test: Any) -> numpy.ndarray:
    """``test`` of each token's word (:func:`distinct_words`), as one bool per token."""
    return numpy.fromiter(map(test, words), dtype=bool, count=len(words))[inverse]


def keep_text(doc: Doc, text: str) -> Doc:
    """Keep ``text``, the text ``doc`` was tokenized from, as its :func:`doc_text` (spaCy's
    tokenizer keeps every character, so it equals ``doc.text``); returns ``doc``.
    """
    doc.user_data["cleanclaim_text"] = text
    return doc


def span_text(span: Span) -> str:
    """``span.text`` as a slice of the Doc's joined text (no join of the span's tokens)."""
    return doc_text(span.doc)[span.start_char : span.end_char]
