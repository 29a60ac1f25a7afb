"""Readable features of a note for the classifier: what the rules found, named so coefficients read.

Names follow ``DictVectorizer`` conventions: ``gap=DOSE_MISSING``, ``service_code=96372``,
``n.DRUG.negated`` (mention counts by label and flag), ``section.DRUG=plan``, ``adm.has_dose``
(linking completeness of given administrations), ``rules.ready``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .corpus import FLAGS

if TYPE_CHECKING:
    from ..rules.decide import Facts

#: Prefix of text (n-gram) feature names in explanations.
TEXT_PREFIX = "text:"


def facts_features(facts: Facts) -> dict[str, float]:
    """Return the readable feature dict of one reviewed note."""
    review = facts.review
    f: Counter[str] = Counter()
    f["rules.ready"] = float(bool(review.claim_ready))
    f[f"service_code={review.service_code}"] = 1.0
    f["injections"] = float(min(review.injections or 0, 4))
    for gap in review.gaps:
        f[f"gap={gap.code}"] += 1.0
        f["gap.blocking" if gap.blocking else "gap.advisory"] += 1.0
    for ent in review.entities:
        f[f"n.{ent.label}"] += 1.0
        flags = [flag for flag in FLAGS if getattr(ent, flag)]
        for flag in flags:
            f[f"n.{ent.label}.{flag}"] += 1.0
        if not flags:
            f[f"n.{ent.label}.affirmed"] += 1.0
        if ent.label == "DRUG":
            f[f"section.DRUG={ent.section or 'none'}"] += 1.0
        for mod in ent.modifiers:
            f[f"context={mod}"] += 1.0
    f["adm.n"] = float(len(facts.coded))
    for c in facts.coded:
        d = c.draft
        if not d.given:
            f["adm.not_given"] += 1.0
            if d.not_given_reason:
                f[f"adm.not_given_reason={d.not_given_reason}"] += 1.0
            continue
        f["adm.given"] += 1.0
        f[f"adm.kind={c.kind}"] += 1.0
        f[f"adm.route={c.route_code or 'none'}"] += 1.0
        if c.drug is not None:
            f[f"adm.class={c.drug.drug_class}"] += 1.0
        has = {
            "drug": bool(d.drug_mentions),
            "dose": c.dose is not None or bool(d.doses),
            "route": bool(d.routes),
            "site": bool(d.sites),
        }
        for key, present in has.items():
            f[f"adm.has_{key}" if present else f"adm.no_{key}"] += 1.0
        if all(has.values()):
            f["adm.complete"] += 1.0
        if len(d.route_codes) > 1:
            f["adm.routes>1"] += 1.0
        if d.patient_supplied:
            f["adm.patient_supplied"] += 1.0
        if c.units_undetermined:
            f["adm.units_undetermined"] += 1.0
    f["dx.n"] = float(len(review.diagnoses))
    f["dx.supporting"] = float(sum(d.supports for d in review.diagnoses))
    f["dx.historical"] = float(sum(d.historical for d in review.diagnoses))
    f["icd10.n"] = float(len(review.icd10))
    return dict(f)


def row(facts: Facts) -> dict[str, object]:
    """One model input row: the feature dict and the note text."""
    return {"features": facts_features(facts), "text": facts.doc.text}
