"""The fast path: notes with no injection vocabulary skip the spaCy pipeline.

A note can only be claim-ready, or have any mention at all, when some rule of the target
component can match it. :class:`VocabularyGate` holds the words every such rule needs, built from
the packaged tables (drug synonyms, diagnosis synonyms and patterns, route phrases and patterns,
site phrases, dose units) plus the broad drug dictionary and the shape of written ICD-10-CM codes.
A note containing none of them has no mention, so its record is fixed: no entities, no
administrations, ``NOT_ADMINISTERED``. The gate is conservative: it looks at the letter runs of
the text ("vitamin b12" -> ``vitamin``, ``b``), so a rule passes the gate whenever its words are
present in any form, and the pipeline then decides.

The fast path is used only by a rules-only reviewer: a classifier may read the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ..result import Review
from ..reviewer import Reviewer

_RUN = re.compile(r"[^\W\d_]+")
# The written ICD-10-CM code shape the target component recognizes, screened case-insensitively.
_ICD_SHAPE = re.compile(r"[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]", re.IGNORECASE)

#: A requirement: alternatives, each a tuple of letter runs that must all be present.
Requirement = frozenset[tuple[str, ...]]


def _runs(text: str) -> tuple[str, ...]:
    return tuple(_RUN.findall(text.lower()))


class VocabularyGate:
    """Decide cheaply whether any target rule could match a note."""

    def __init__(self, rules: Iterable[list[Requirement]], exceptions: dict[str, set[str]]) -> None:
        """Index ``rules`` (each a list of requirements) by one selective letter run."""
        self.index: dict[str, list[list[Requirement]]] = {}
        self.always = False  # a rule with no word requirement at all disables the gate
        self.exceptions = exceptions
        for reqs in rules:
            if not reqs:
                self.always = True
                continue
            # Index under the requirement whose shortest key is longest: the most selective.
            best = max(reqs, key=lambda r: min(len(max(alt, key=len)) for alt in r))
            for alt in best:
                self.index.setdefault(max(alt, key=len), []).append(reqs)

    @classmethod
    @lru_cache(maxsize=1)
    def packaged(cls) -> VocabularyGate:
        """The gate for the packaged tables and drug dictionary (cached per process)."""
        import spacy
        from spacy.attrs import ORTH

        from ..pipeline.druglex import DrugLexicon
        from ..pipeline.tokenizer import add_unit_infixes

        nlp = spacy.blank("en")
        add_unit_infixes(nlp)
        rules = list(_table_rules(nlp))
        rules.extend(_requirement_all(_runs(v)) for v in DrugLexicon.load().variants if _runs(v))
        exceptions: dict[str, set[str]] = {}
        for key, pieces in nlp.tokenizer.rules.items():
            whole = set(_runs(key))
            parts = {
                r for p in pieces for r in _runs(str(p.get(ORTH) or p.get("ORTH") or ""))
            } - whole
            for run in whole:
                if parts:
                    exceptions.setdefault(run, set()).update(parts)
        return cls(rules, exceptions)

    def words(self, text: str) -> set[str]:
        """The letter runs of ``text`` (lower case), plus the pieces tokenizer exceptions split off."""
        words = set(_RUN.findall(text.lower()))
        for word in list(words):
            extra = self.exceptions.get(word)
            if extra:
                words |= extra
        return words

    def may_match(self, text: str) -> bool:
        """Whether some target rule could match ``text`` (``False`` means: certainly no mention)."""
        if self.always or _ICD_SHAPE.search(text):
            return True
        words = self.words(text)
        for word in words:
            for reqs in self.index.get(word, ()):
                if all(any(all(r in words for r in alt) for alt in req) for req in reqs):
                    return True
        return False


def _requirement_all(runs: tuple[str, ...]) -> list[Requirement]:
    return [frozenset({(r,)}) for r in dict.fromkeys(runs)]


def _token_alternatives(spec: dict[str, Any]) -> Requirement | None:
    """The letter-run alternatives one token spec demands, or None when it demands no word."""
    if spec.get("OP") in ("?", "*"):
        return None
    for attr in ("LOWER", "TEXT", "ORTH", "NORM"):
        value = spec.get(attr)
        values: list[str] = []
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, dict) and isinstance(value.get("IN"), list):
            values = [v for v in value["IN"] if isinstance(v, str)]
        if values:
            alts = [_runs(v) for v in values]
            if any(not a for a in alts):  # some value has no letters ("=", "12"): no word demanded
                return None
            return frozenset(alts)
    return None


def _pattern_requirements(pattern: list[dict[str, Any]]) -> list[Requirement]:
    return [alt for alt in (_token_alternatives(spec) for spec in pattern) if alt is not None]


def _phrase_requirements(nlp: Any, phrase: str) -> list[Requirement]:
    # Phrases match token by token on LOWER, so each token's letter runs must all be present.
    reqs: list[Requirement] = []
    for token in nlp.make_doc(phrase):
        runs = _runs(token.text)
        if runs:
            reqs.append(frozenset({runs}))
    return reqs


def _table_rules(nlp: Any) -> Iterable[list[Requirement]]:
    """The word requirements of every rule the target component runs (the same rules, so the
    gate cannot drift from the matcher when a table gains a field). Advisory wording (staff, lot,
    E/M) is left out: without a mention it cannot change a record.
    """
    from ..pipeline.targets import ADVISORY_LABELS, TargetComponent, target_rules

    for rule in target_rules(nlp, TargetComponent.packaged_tables()):
        if rule.category in ADVISORY_LABELS:
            continue
        if rule.pattern is None:
            yield _phrase_requirements(nlp, rule.literal)
        else:
            yield _pattern_requirements(rule.pattern)


class FastPath:
    """Return the record of a note with no injection vocabulary without running the pipeline."""

    def __init__(self, reviewer: Reviewer, gate: VocabularyGate | None = None) -> None:
        """Prepare the fixed record from ``reviewer``; disabled when it has a classifier."""
        self.gate = gate or VocabularyGate.packaged()
        self.enabled = reviewer.model is None
        # The pipeline's own record for a note without any mention, so the two cannot drift apart.
        self._template = reviewer.review("-", None)
        # The note type is read from the text (regexes only), as the full review does.
        self._note_kind = reviewer.rules.settings.note_kind
        if self._template.entities or self._template.administrations:
            self.enabled = False

    def review(self, text: str, note_id: str | None) -> Review | None:
        """The record for a checked note, or None when the note needs the full pipeline."""
        if not self.enabled or self.gate.may_match(text):
            return None
        kind = self._note_kind(text)
        return replace(
            self._template,
            id=note_id,
            note_type=kind.note_type,
            note_type_evidence=kind.evidence,
        )
