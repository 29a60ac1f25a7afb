"""Target rules for DRUG, DOSE, ROUTE, SITE and DIAGNOSIS, built from the packaged tables.

medspaCy's :class:`TargetMatcher` does the matching; this component turns the data tables into
``TargetRule`` objects, filters matches the tables exclude ("stage IV" is not a route), adds
drugs from the broad drug dictionary and written ICD-10-CM codes, and serializes its tables so
``nlp.to_disk`` and ``spacy.load`` round-trip.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, get_args

import numpy
from medspacy.common.regex_matcher import RegexMatcher
from medspacy.target_matcher import TargetRule
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .. import resources as res
from ..resources import icd10 as icd
from . import extensions  # noqa: F401  (registers the extensions)
from ._tables import TableBacked
from .druglex import DrugLexicon
from .matching import WindowedMatcher

_TARGET_TABLES: dict[str, tuple[type, str]] = {
    "drugs": (res.DrugTable, "drugs.json"),
    "diagnoses": (res.DiagnosisTable, "diagnoses.json"),
    "routes": (res.RouteTable, "routes.json"),
    "sites": (res.SiteTable, "sites.json"),
    "doses": (res.DoseTable, "doses.json"),
    "advisory": (res.AdvisoryTable, "advisory.json"),
}
#: Span group of the advisory wording (who gave it, lot, E/M, interval); not entities.
ADVISORY_GROUP = "cc_advisory"
ADVISORY_LABELS = frozenset(get_args(res.AdvisoryLabel))

_ICD_RE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}$")
_PRIORITY = {"DRUG": 0, "DIAGNOSIS": 1, "DOSE": 2, "ROUTE": 3, "SITE": 4}


@dataclass(frozen=True)
class Candidate:
    """A mention before overlap resolution: token offsets, label and the rule's attributes."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any]

    def span(self, doc: Doc) -> Span:
        """Make the span and set the rule's attributes on it."""
        span = Span(doc, self.start, self.end, label=self.label)
        for key, value in self.attrs.items():
            setattr(span._, key, value)
        return span


@Language.factory(
    "cleanclaim_targets",
    default_config={"use_drug_dictionary": True, "icd_codes": True},
)
def make_targets(
    nlp: Language, name: str, use_drug_dictionary: bool, icd_codes: bool
) -> "TargetComponent":
    """Build the target component from the packaged tables."""
    return TargetComponent(
        nlp, name=name, use_drug_dictionary=use_drug_dictionary, icd_codes=icd_codes
    )


class TargetComponent(TableBacked):
    """Find DRUG, DOSE, ROUTE, SITE and DIAGNOSIS mentions and put them in ``doc.ents``.

    The advisory wording of the advisory table (STAFF, LOT, EM_VISIT, INTERVAL) is matched in the
    same pass and put in ``doc.spans["cc_advisory"]``, where ConText flags it too.
    """

    TABLES = _TARGET_TABLES

    def __init__(
        self,
        nlp: Language,
        name: str = "cleanclaim_targets",
        use_drug_dictionary: bool = True,
        icd_codes: bool = True,
        tables: dict[str, Any] | None = None,
    ) -> None:
        """Create the component; ``tables`` overrides the packaged tables (validated models)."""
        self.nlp = nlp
        self.name = name
        self.use_drug_dictionary = use_drug_dictionary
        self.icd_codes = icd_codes
        self._build(tables or self.packaged_tables())

    def _build(self, tables: dict[str, Any]) -> None:
        self.tables = tables
        # medspaCy's matcher over TargetRules; spans and their attributes are made only for the
        # mentions that survive overlap resolution, so two rules matching the same words (a site
        # and a route both "subacromial space") never overwrite each other's attributes.
        self._matcher = TargetMatcher(self.nlp, list(target_rules(self.nlp, tables)))
        routes = tables["routes"].routes
        self._route_not_after = {r.code: {w.lower() for w in r.not_after} for r in routes}
        self._route_not_before = {r.code: {w.lower() for w in r.not_before} for r in routes}
        self._not_per = {w.lower() for w in tables["doses"].not_per}
        self._needle_words = {w.lower() for w in tables["doses"].needle_words}
        self._needle_gauges = tables["doses"].needle_gauges
        site_table = tables["sites"]
        self._sides = {w.lower() for words in site_table.laterality.values() for w in words}
        self._side_fillers = {w.lower() for w in site_table.side_fillers}
        self._side_joiners = {w.lower() for w in site_table.side_joiners}
        self._lateral_only = {p.lower() for site in site_table.sites for p in site.lateral_phrases}
        self._site_phrases = {
            p.lower() for site in site_table.sites for p in site_table.phrases(site)
        }
        self._lexicon: DrugLexicon | None = None
        if self.use_drug_dictionary:
            curated = {s.lower() for d in tables["drugs"].drugs for s in d.synonyms}
            self._lexicon = DrugLexicon.load(skip=curated)

    def __call__(self, doc: Doc) -> Doc:
        """Find the mentions in ``doc`` and set ``doc.ents``."""
        strings = self.nlp.vocab.strings
        rule_map = self._matcher.rule_map
        found: list[Candidate] = []
        advisory: list[Candidate] = []
        for match_id, start, end in self._matcher(doc):
            rule = rule_map[strings[match_id]]
            cand = Candidate(start, end, rule.category, rule.attributes or {})
            if cand.label in ADVISORY_LABELS:
                advisory.append(cand)
                continue
            if cand.label == "SITE":
                cand = self._with_side(doc, cand)
            if cand is not None and self._keep(doc, cand):
                found.append(cand)
        chosen = _resolve_overlaps(found)
        extra: list[Candidate] = []
        if self.icd_codes:
            extra.extend(_icd_candidates(doc))
        if self._lexicon is not None:
            extra.extend(
                Candidate(start, end, "DRUG", {"cc_rule": "drug.dictionary", "cc_norm": norm})
                for start, end, norm in self._lexicon.find(doc)
            )
        taken = {i for c in chosen for i in range(c.start, c.end)}
        for cand in extra:
            if not any(i in taken for i in range(cand.start, cand.end)):
                chosen.append(cand)
                taken.update(range(cand.start, cand.end))
        doc.ents = [c.span(doc) for c in sorted(chosen, key=lambda c: c.start)]
        doc.spans[ADVISORY_GROUP] = [
            c.span(doc) for c in sorted(advisory, key=lambda c: (c.start, c.end))
        ]
        return doc

    def _keep(self, doc: Doc, cand: Candidate) -> bool:
        if (
            cand.end == cand.start + 1
            and cand.end < len(doc)
            and doc[cand.end].text == "|"
            and not doc[cand.start].whitespace_
            and _SEGMENT.fullmatch(doc[cand.start].text)
            and _opens_line(doc, cand.start)
        ):
            return False  # an HL7 segment's name ("PID|1||...", "RXR|SC^..."), not a mention
        if cand.label == "ROUTE":
            code = cand.attrs.get("cc_norm")
            before = doc[cand.start - 1].lower_ if cand.start > 0 else ""
            after = doc[cand.end].lower_ if cand.end < len(doc) else ""
            if before in self._route_not_after.get(code, ()):
                return False
            if after in self._route_not_before.get(code, ()):
                return False
            if _edition_suffix(doc, cand.start):
                return False
        elif cand.label == "DOSE":
            # "30g needle", "25g 1.5 in needle", "18g.": a needle gauge, not grams
            if doc[cand.end - 1].lower_ in ("g", "ga") and (
                any(t.lower_ in self._needle_words for t in doc[cand.end : cand.end + 4])
                or self._is_gauge(doc[cand.end - 2].text if cand.end - 2 >= cand.start else "")
            ):
                return False
            if (
                cand.end + 1 < len(doc)
                and doc[cand.end].text == "/"
                and doc[cand.end + 1].lower_ in self._not_per
            ):
                return False
        return True

    def _is_gauge(self, number: str) -> bool:
        """A whole number in the table's needle-gauge range ("18" of "18g")."""
        if self._needle_gauges is None or not number.isdigit():
            return False
        low, high = self._needle_gauges
        return low <= int(number) <= high

    def _with_side(self, doc: Doc, cand: Candidate) -> Candidate | None:
        """Extend a site to its side ("L deltoid", "right upper outer quadrant", "L post arm").

        A phrase that is a site only with its side ("arm") is dropped without one.
        """
        j = cand.start - 1
        skipped = 0
        while j >= 0 and skipped < 2 and doc[j].lower_ in self._side_fillers:
            j -= 1
            skipped += 1
        if j >= 0 and doc[j].lower_ in self._sides:
            # both sides named together ("right and left upper arms")
            if (
                j >= 2
                and doc[j - 1].lower_ in self._side_joiners
                and doc[j - 2].lower_ in self._sides
            ):
                j -= 2
            # the side inside a longer phrase ("back of the right arm": "back of the arm")
            site = doc[cand.start : cand.end].text.lower()
            for k in range(min(3, j), 0, -1):
                if f"{doc[j - k : j].text.lower()} {site}" in self._site_phrases:
                    j -= k
                    break
            return Candidate(j, cand.end, cand.label, cand.attrs)
        if doc[cand.start : cand.end].text.lower() in self._lateral_only:
            return None
        return cand


#: An HL7 v2 segment's name ("PID", "RXA", "DG1").
_SEGMENT = re.compile(r"[A-Z][A-Z0-9]{2}")


def _opens_line(doc: Doc, i: int) -> bool:
    """Token ``i`` begins the text or follows a line break."""
    return i == 0 or "\n" in doc[i - 1].text or doc[i - 1].whitespace_ == "\n"


class TargetMatcher:
    """medspaCy's ``MedspacyMatcher`` (``phrase_matcher_attr="LOWER"``, ``prune=False``), faster.

    The same rule ids and the same matches in the same order: literal rules go to spaCy's
    ``PhraseMatcher`` on ``LOWER``, token patterns to a :class:`WindowedMatcher` (spaCy's
    ``Matcher`` run only where a pattern can start), regular expressions to medspaCy's
    ``RegexMatcher``.
    """

    def __init__(
        self, nlp: Language, rules: list[TargetRule], *, flags: bool = True, windowed: bool = True
    ) -> None:
        """Index ``rules`` (ids ``LABEL_<n>`` in order, as medspaCy numbers them); ``flags`` and
        ``windowed``: as :class:`WindowedMatcher`'s.
        """
        self.rule_map: dict[str, TargetRule] = {}
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._regex = RegexMatcher(nlp.vocab)
        patterns: list[tuple[str, list[dict[str, Any]]]] = []
        for count, rule in enumerate(rules):
            rule_id = f"{rule.category}_{count}"
            rule._rule_id = rule_id
            self.rule_map[rule_id] = rule
            if isinstance(rule.pattern, str):
                self._regex.add(rule_id, [rule.pattern], rule.on_match)
            elif isinstance(rule.pattern, list):
                if rule.on_match is not None:
                    raise ValueError(
                        f"token-pattern rule {rule.literal!r}: on_match is not supported"
                    )
                patterns.append((rule_id, rule.pattern))
            else:
                self._phrases.add(
                    rule_id, [nlp.tokenizer(rule.literal.lower())], on_match=rule.on_match
                )
        self._tokens = WindowedMatcher(nlp.vocab, patterns, flags=flags, windowed=windowed)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(match_id, start, end)`` of every rule: token patterns, then phrases, then regexes."""
        matches = self._tokens(doc)
        matches += self._phrases(doc)
        matches += self._regex(doc)
        return matches


#: The rule of a diagnosis written as its ICD-10-CM code ("D51.0").
WRITTEN_CODE_RULE = "dx.icd10_code"


#: Word (orth id) -> the valid ICD-10-CM code it is written as, else None (read once per word;
#: an orth id names the same text in every Doc of a vocabulary).
_ICD_OF_WORD: dict[int, str | None] = {}
_UNREAD = object()


def _icd_candidates(doc: Doc) -> Iterable[Candidate]:
    """Written ICD-10-CM codes ("D51.0") that are valid codes (each distinct word read once)."""
    orths = doc.to_array(ORTH)
    if not len(orths):
        return
    uniq, inverse = numpy.unique(orths, return_inverse=True)
    strings = doc.vocab.strings
    known = _ICD_OF_WORD
    if len(known) > 200_000:  # a stream of ever-new words must not grow it without end
        known.clear()
    codes = []
    for orth in uniq.tolist():
        code = known.get(orth, _UNREAD)
        if code is _UNREAD:
            text = strings[orth].upper()
            code = known[orth] = text if _ICD_RE.match(text) and icd.is_valid_item(text) else None
        codes.append(code)
    if not any(codes):
        return
    for i, k in enumerate(inverse.reshape(-1).tolist()):
        code = codes[k]
        if code is not None:
            yield Candidate(i, i + 1, "DIAGNOSIS", {"cc_rule": WRITTEN_CODE_RULE, "cc_norm": code})


def _resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Keep the longest of overlapping mentions; on a tie a DRUG beats a DIAGNOSIS ("flu vaccine")."""
    ordered = sorted(cands, key=lambda c: (-(c.end - c.start), _PRIORITY.get(c.label, 9), c.start))
    taken: set[int] = set()
    out = []
    for cand in ordered:
        if any(i in taken for i in range(cand.start, cand.end)):
            continue
        out.append(cand)
        taken.update(range(cand.start, cand.end))
    return out


def target_rules(nlp: Language, tables: dict[str, Any]) -> Iterable[TargetRule]:
    """The TargetRules the tables define (also the vocabulary of the batch fast path)."""
    for drug in tables["drugs"].drugs:
        attrs = {"cc_rule": f"drug.{drug.id}", "cc_norm": drug.id}
        yield from _rules("DRUG", drug.name, drug.synonyms, drug.patterns, attrs)
    for dx in tables["diagnoses"].diagnoses:
        attrs = {"cc_rule": f"dx.{dx.id}", "cc_norm": dx.icd10}
        yield from _rules("DIAGNOSIS", dx.id, dx.synonyms, dx.patterns, attrs)
    for route in tables["routes"].routes:
        attrs = {"cc_rule": f"route.{route.code.lower()}", "cc_norm": route.code}
        yield from _rules("ROUTE", route.label, route.phrases, route.patterns, attrs)
    # Sites are phrases; their side ("L", "right") is added by _with_side after matching.
    for site in tables["sites"].sites:
        attrs = {"cc_rule": f"site.{site.id}", "cc_norm": site.id}
        for phrase in tables["sites"].phrases(site):
            yield TargetRule(phrase, "SITE", attributes=attrs)
    for rule in tables["advisory"].rules:
        attrs = {"cc_rule": f"advisory.{rule.id}"}
        yield TargetRule(rule.literal, rule.label, pattern=rule.pattern, attributes=attrs)
    dose_table = tables["doses"]
    unit_words = sorted(
        {w.lower() for words in dose_table.units.values() for w in words if " " not in w}
    )
    # "1,000", "2.4 million", "one thousand" (digits and number words are not mixed, so the
    # "12" of "b 12 one thousand micrograms" stays with the drug)
    digits = [
        {"TEXT": {"REGEX": r"^\d[\d,]*(?:\.\d+)?$|^\.\d+$"}},
        {"LOWER": {"IN": ["hundred", "thousand", "million"]}, "OP": "?"},
    ]
    words = sorted(
        {w.lower() for w in [*dose_table.number_words, *dose_table.multiplier_words]} - {"a"}
    )
    spelled = [{"LOWER": {"IN": words}, "OP": "+"}]
    per_ml = [{"TEXT": "/"}, {"LIKE_NUM": True, "OP": "?"}, {"LOWER": {"IN": ["ml", "cc"]}}]
    unit = {"LOWER": {"IN": unit_words}}
    # an HL7 record's amount and unit in two fields ("RXA|...|500|mg^milligram^UCUM|")
    yield TargetRule(
        "dose",
        "DOSE",
        pattern=[digits[0], {"TEXT": "|"}, unit, {"TEXT": "^"}],
        attributes={"cc_rule": "dose.record_fields"},
    )
    for number in (digits, spelled):
        yield TargetRule(
            "dose", "DOSE", pattern=[*number, unit], attributes={"cc_rule": "dose.amount"}
        )
        yield TargetRule(
            "dose",
            "DOSE",
            pattern=[*number, unit, *per_ml],
            attributes={"cc_rule": "dose.concentration"},
        )


def _rules(
    label: str, name: str, phrases: list[str], patterns: list[Any], attrs: dict[str, Any]
) -> Iterable[TargetRule]:
    """A table entry's phrase rules, then its token-pattern rules (named ``name``)."""
    for phrase in phrases:
        yield TargetRule(phrase, label, attributes=attrs)
    for pattern in patterns:
        yield TargetRule(name, label, pattern=pattern, attributes=attrs)


def _edition_suffix(doc: Doc, start: int) -> bool:
    """A route token glued by a hyphen to an acronym before it ("WAIS-IV", "DSM-IV"): the
    roman numeral of an edition or a version, not a route.
    """
    if start < 2:
        return False
    dash, word = doc[start - 1], doc[start - 2]
    return (
        dash.text == "-"
        and not dash.whitespace_
        and not word.whitespace_
        and word.text.isalpha()
        and word.text.isupper()
        and len(word.text) >= 2
    )
