"""Target rules for DRUG, DOSE, ROUTE, SITE and DIAGNOSIS, built from the packaged tables.

medspaCy's :class:`TargetMatcher` does the matching; this component turns the data tables into
``TargetRule`` objects, filters matches the tables exclude ("stage IV" is not a route), adds
drugs from the broad drug dictionary and written ICD-10-CM codes, and serializes its tables so
``nlp.to_disk`` and ``spacy.load`` round-trip.
"""


import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import simple_icd_10_cm as icd
from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import _extensions  # noqa: F401  (registers the extensions)
from .. import resources as res
from ..druglex import DrugLexicon

TABLES: dict[str, tuple[type, str]] = {
    "drugs": (res.DrugTable, "drugs.json"),
    "diagnoses": (res.DiagnosisTable, "diagnoses.json"),
    "routes": (res.RouteTable, "routes.json"),
    "sites": (res.SiteTable, "sites.json"),
    "doses": (res.DoseTable, "doses.json"),
}

_ICD_RE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}$")
_PRIORITY = {"DRUG": 0, "DIAGNOSIS": 1, "DOSE": 2, "ROUTE": 3, "SITE": 4}


@Language.factory(
    "cleanclaim_targets",
    default_config={"use_drug_dictionary": True, "icd_codes": True},
)
def make_targets(nlp: Language, name: str, use_drug_dictionary: bool, icd_codes: bool) -> "TargetComponent":
    """Build the target component from the packaged tables."""
    return TargetComponent(nlp, name=name, use_drug_dictionary=use_drug_dictionary, icd_codes=icd_codes)


class TargetComponent:
    """Find DRUG, DOSE, ROUTE, SITE and DIAGNOSIS mentions and put them in ``doc.ents``."""

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
        self._build(tables or {key: res.load_table(model, fname) for key, (model, fname) in TABLES.items()})

    def _build(self, tables: dict[str, Any]) -> None:
        self.tables = tables
        self._matcher = TargetMatcher(self.nlp, name=f"{self.name}_matcher", result_type=None, prune=False)
        self._matcher.add(list(self._rules()))
        routes = tables["routes"].routes
        self._route_not_after = {r.code: {w.lower() for w in r.not_after} for r in routes}
        self._route_not_before = {r.code: {w.lower() for w in r.not_before} for r in routes}
        self._not_per = {w.lower() for w in tables["doses"].not_per}
        self._lexicon: DrugLexicon | None = None
        if self.use_drug_dictionary:
            curated = {s.lower() for d in tables["drugs"].drugs for s in d.synonyms}
            self._lexicon = DrugLexicon.load(skip=curated)

    def _rules(self) -> Iterable[TargetRule]:
        tables = self.tables
        for drug in tables["drugs"].drugs:
            attrs = {"cc_rule": f"drug.{drug.id}", "cc_norm": drug.id}
            for syn in drug.synonyms:
                yield TargetRule(syn, "DRUG", attributes=attrs)
            for pat in drug.patterns:
                yield TargetRule(drug.name, "DRUG", pattern=pat, attributes=attrs)
        for dx in tables["diagnoses"].diagnoses:
            attrs = {"cc_rule": f"dx.{dx.id}", "cc_norm": dx.icd10}
            for syn in dx.synonyms:
                yield TargetRule(syn, "DIAGNOSIS", attributes=attrs)
            for pat in dx.patterns:
                yield TargetRule(dx.id, "DIAGNOSIS", pattern=pat, attributes=attrs)
        for route in tables["routes"].routes:
            attrs = {"cc_rule": f"route.{route.code.lower()}", "cc_norm": route.code}
            for phrase in route.phrases:
                yield TargetRule(phrase, "ROUTE", attributes=attrs)
            for pat in route.patterns:
                yield TargetRule(route.label, "ROUTE", pattern=pat, attributes=attrs)
        site_table = tables["sites"]
        side_words = [w for words in site_table.laterality.values() for w in words]
        side_lower = sorted({w.lower() for w in side_words})
        for site in site_table.sites:
            attrs = {"cc_rule": f"site.{site.id}", "cc_norm": site.id}
            for phrase in site.lateral_phrases:  # "arm" is a site only with its side: "left arm"
                body = [{"LOWER": t.lower_} for t in self.nlp.make_doc(phrase)]
                side = [{"LOWER": {"IN": side_lower}}] + [
                    {"LOWER": {"IN": ["upper", "post", "posterior", "outer", "lateral", "back", "of", "the"]}, "OP": "?"}
                ] * 2
                yield TargetRule(phrase, "SITE", pattern=side + body, attributes=attrs)
            for phrase in site.phrases:
                words = [t.lower_ for t in self.nlp.make_doc(phrase)]
                body = [{"LOWER": w} for w in words]
                yield TargetRule(phrase, "SITE", pattern=body, attributes=attrs)
                yield TargetRule(
                    phrase,
                    "SITE",
                    pattern=[{"LOWER": {"IN": side_lower}}, {"LOWER": "upper", "OP": "?"}] + body,
                    attributes=attrs,
                )
        dose_table = tables["doses"]
        unit_words = sorted({w.lower() for words in dose_table.units.values() for w in words if " " not in w})
        number = {"LIKE_NUM": True, "OP": "+"}
        per_ml = [{"TEXT": "/"}, {"LIKE_NUM": True, "OP": "?"}, {"LOWER": {"IN": ["ml", "cc"]}}]
        unit = {"LOWER": {"IN": unit_words}}
        attrs = {"cc_rule": "dose.amount"}
        yield TargetRule("dose", "DOSE", pattern=[number, unit], attributes=attrs)
        yield TargetRule(
            "dose", "DOSE", pattern=[number, unit] + per_ml, attributes={"cc_rule": "dose.concentration"}
        )

    def __call__(self, doc: Doc) -> Doc:
        """Find the mentions in ``doc`` and set ``doc.ents``."""
        spans = [s for s in self._matcher(doc) if self._keep(doc, s)]
        extra: list[Span] = []
        if self.icd_codes:
            extra.extend(self._icd_spans(doc))
        if self._lexicon is not None:
            extra.extend(self._lexicon.find(doc))
        chosen = _resolve_overlaps(spans)
        taken = {i for s in chosen for i in range(s.start, s.end)}
        for span in extra:
            if not any(i in taken for i in range(span.start, span.end)):
                chosen.append(span)
                taken.update(range(span.start, span.end))
        doc.ents = sorted(chosen, key=lambda s: s.start)
        return doc

    def _keep(self, doc: Doc, span: Span) -> bool:
        if span.label_ == "ROUTE":
            code = span._.cc_norm
            before = doc[span.start - 1].lower_ if span.start > 0 else ""
            after = doc[span.end].lower_ if span.end < len(doc) else ""
            if before in self._route_not_after.get(code, ()):
                return False
            if after in self._route_not_before.get(code, ()):
                return False
        elif span.label_ == "DOSE":
            if span.end + 1 < len(doc) and doc[span.end].text == "/" and doc[span.end + 1].lower_ in self._not_per:
                return False
        return True

    @staticmethod
    def _icd_spans(doc: Doc) -> Iterable[Span]:
        for token in doc:
            text = token.text.upper()
            if _ICD_RE.match(text) and icd.is_valid_item(text):
                span = Span(doc, token.i, token.i + 1, label="DIAGNOSIS")
                span._.cc_rule = "dx.icd10_code"
                span._.cc_norm = text
                yield span

    # Serialization: the tables travel with the pipeline.
    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        """Write the component's tables into ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for key, (_, fname) in TABLES.items():
            data = self.tables[key].model_dump(mode="json", by_alias=True)
            (path / fname).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "TargetComponent":
        """Read the tables written by :meth:`to_disk` and rebuild the matcher."""
        path = Path(path)
        tables = {
            key: res.load_table(model, fname, (path / fname).read_text(encoding="utf-8"))
            for key, (model, fname) in TABLES.items()
        }
        self._build(tables)
        return self


def _resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping mentions; on a tie a DRUG beats a DIAGNOSIS ("flu vaccine")."""
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), _PRIORITY.get(s.label_, 9), s.start))
    taken: set[int] = set()
    out = []
    for span in ordered:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        out.append(span)
        taken.update(range(span.start, span.end))
    return out
