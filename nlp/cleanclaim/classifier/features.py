"""Readable features of a note for the classifier: what the rules found, named so coefficients read.

Names follow ``DictVectorizer`` conventions: ``gap=DOSE_MISSING``, ``service_code=96372``,
``n.DRUG.negated`` (mention counts by label and flag), ``section.DRUG=plan``, ``adm.has_dose``
(linking completeness of given administrations), ``rules.ready``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..pipeline.extensions import doc_text
from ..result import Entity, Evidence
from .corpus import FLAGS

if TYPE_CHECKING:
    from ..rules.decide import Facts

#: Prefix of text (n-gram) feature names in explanations.
TEXT_PREFIX = "text:"


class _Features:
    """Feature values and, for each feature, the note text it stands for."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()
        self.evidence: dict[str, list[Evidence]] = {}

    def add(self, name: str, value: float = 1.0, evidence: Iterable[Evidence] = ()) -> None:
        self.values[name] += value
        self.evidence.setdefault(name, []).extend(evidence)

    def set(self, name: str, value: float, evidence: Iterable[Evidence] = ()) -> None:
        self.values[name] = value
        self.evidence[name] = list(evidence)


def _ent_ev(ent: Entity) -> list[Evidence]:
    return [Evidence(ent.start, ent.end, ent.text)]


def build_features(facts: Facts) -> tuple[dict[str, float], dict[str, tuple[Evidence, ...]]]:
    """The readable feature dict of one reviewed note and the evidence behind each feature."""
    review = facts.review
    f = _Features()
    given_ev = [e for a in review.administrations if a.given for e in a.evidence]
    dx_ev = [Evidence(d.start, d.end, d.text) for d in review.diagnoses]
    f.set("rules.ready", float(bool(review.claim_ready)), given_ev)
    f.set(f"service_code={review.service_code}", 1.0, given_ev)
    f.set("injections", float(min(review.injections or 0, 4)), given_ev)
    for gap in review.gaps:
        f.add(f"gap={gap.code}", 1.0, gap.evidence)
        f.add("gap.blocking" if gap.blocking else "gap.advisory", 1.0, gap.evidence)
    for ent in review.entities:
        f.add(f"n.{ent.label}", 1.0, _ent_ev(ent))
        flags = [flag for flag in FLAGS if getattr(ent, flag)]
        for flag in flags:
            f.add(f"n.{ent.label}.{flag}", 1.0, _ent_ev(ent))
        if not flags:
            f.add(f"n.{ent.label}.affirmed", 1.0, _ent_ev(ent))
        if ent.label == "DRUG":
            f.add(f"section.DRUG={ent.section or 'none'}", 1.0, _ent_ev(ent))
        for mod in ent.modifiers:
            f.add(f"context={mod}", 1.0)
        for mod in dict.fromkeys(ent.modifiers):
            f.add(f"context={mod}", 0.0, _ent_ev(ent))
    f.set("adm.n", float(len(facts.coded)), given_ev)
    for c in facts.coded:
        d = c.draft
        if not d.given:
            f.add("adm.not_given", 1.0)
            if d.not_given_reason:
                f.add(f"adm.not_given_reason={d.not_given_reason}", 1.0)
            continue
        f.add("adm.given", 1.0)
        f.add(f"adm.kind={c.kind}", 1.0)
        f.add(f"adm.route={c.route_code or 'none'}", 1.0)
        if c.drug is not None:
            f.add(f"adm.class={c.drug.drug_class}", 1.0)
        has = {
            "drug": bool(d.drug_mentions),
            "dose": c.dose is not None or bool(d.doses),
            "route": bool(d.routes),
            "site": bool(d.sites),
        }
        for key, present in has.items():
            f.add(f"adm.has_{key}" if present else f"adm.no_{key}", 1.0)
        if all(has.values()):
            f.add("adm.complete", 1.0)
        if len(d.route_codes) > 1:
            f.add("adm.routes>1", 1.0)
        if d.patient_supplied:
            f.add("adm.patient_supplied", 1.0)
        if c.units_undetermined:
            f.add("adm.units_undetermined", 1.0)
    for name in f.values:
        if name.startswith("adm."):
            f.evidence[name] = given_ev
    f.set("dx.n", float(len(review.diagnoses)), dx_ev)
    f.set("dx.supporting", float(sum(d.supports for d in review.diagnoses)), dx_ev)
    f.set("dx.historical", float(sum(d.historical for d in review.diagnoses)), dx_ev)
    f.set("icd10.n", float(len(review.icd10)))
    values = {k: v for k, v in f.values.items()}
    return values, {k: tuple(v) for k, v in f.evidence.items() if v}


def facts_features(facts: Facts) -> dict[str, float]:
    """Return the readable feature dict of one reviewed note."""
    return build_features(facts)[0]


def row(facts: Facts) -> dict[str, object]:
    """One model input row: the feature dict and the note text (and, for explanations only,
    the evidence behind each feature).
    """
    features, evidence = build_features(facts)
    return {"features": features, "text": doc_text(facts.doc), "evidence": evidence}
