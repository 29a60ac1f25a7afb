"""The patient's diagnoses: which mentions count for medical necessity, their ICD-10-CM codes,
and whether a code supports a drug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .. import resources as res
from ..resources import icd10 as icd
from .linking import Linked, Mention


@dataclass(frozen=True)
class PatientDiagnosis:
    """An affirmed diagnosis of the patient (not negated, family, rule-out or planned)."""

    mention: Mention
    code: str | None
    category: str | None


def patient_diagnoses(
    linked: Linked, categories: dict[str, str], never_a_reason: frozenset[str] = frozenset()
) -> list[PatientDiagnosis]:
    """The diagnoses that count as the patient's for medical necessity.

    ``never_a_reason`` lists the categories that never justify an injection: a relative's
    condition ("family history of pernicious anemia", Z83.2) or a test ("urine hCG negative").
    """
    out = []
    for m in linked.mentions:
        if m.label != "DIAGNOSIS":
            continue
        if m.negated or m.family or m.uncertain or m.hypothetical:
            continue
        category = categories.get(m.rule or "")
        if category in never_a_reason:
            continue
        out.append(PatientDiagnosis(m, m.norm, category))
    return out


def has_cancer(dxs: Iterable[PatientDiagnosis]) -> bool:
    """Whether any affirmed diagnosis is a malignancy."""
    return any(is_cancer(d.code) for d in dxs)


@lru_cache(maxsize=4096)
def icd_description(code: str) -> str | None:
    """The ICD-10-CM description of ``code``, or None when it is not a valid code."""
    try:
        return icd.get_description(code) if icd.is_valid_item(code) else None
    except ValueError:
        return None


def supports(code: str | None, drug: res.DrugEntry | None) -> bool:
    """Whether a diagnosis code establishes medical necessity for the drug."""
    if drug is None or not drug.indications:
        return code is not None
    if code is None:
        return False
    return any(
        code == p or code.startswith(p if len(p) == 1 else p.rstrip(".")) for p in drug.indications
    )


def is_cancer(code: str | None) -> bool:
    """Malignant neoplasm codes (C00-C96) and neoplasm-related status that keep chemo codes."""
    return bool(code) and code[0] == "C"
