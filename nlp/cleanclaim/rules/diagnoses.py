"""The patient's diagnoses: which mentions count for medical necessity, their ICD-10-CM codes,
and whether a code supports a drug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .. import resources as res
from ..pipeline.extensions import doc_ents, doc_text, ext
from ..resources import icd10 as icd
from .linking import Linked, Mention


@dataclass(frozen=True)
class PatientDiagnosis:
    """An affirmed diagnosis of the patient (not negated, family, rule-out or planned)."""

    mention: Mention
    code: str | None
    category: str | None


class NotCurrent:
    """Wording around a diagnosis that says the patient does not have it now (diagnoses table)."""

    def __init__(self, table: res.DiagnosisTable) -> None:
        """Compile the table's ``not_current`` patterns."""
        flags = re.I
        self.before = [re.compile(p + r"$", flags) for p in table.not_current_before]
        self.after = [re.compile(r"^" + p, flags) for p in table.not_current_after]
        self.window = table.after_window
        self.strip = [re.compile(p, flags) for p in table.not_negating]
        self.sections = frozenset(table.not_in_sections)

    def __call__(self, m: Mention, text: str | None = None) -> bool:
        """Whether the clause around ``m`` says it is resolved, ruled out or absent, or its
        section holds no conditions of the patient (an allergy's reaction) (``text``: the note's
        text, passed by callers that check many mentions).
        """
        if m.section in self.sections:
            return True
        sent = m.span.sent
        text = doc_text(m.span.doc) if text is None else text
        # the clause is bounded: a long sentence is read only near the mention (linear time)
        before = text[max(sent.start_char, m.start - _CLAUSE_CHARS) : m.start]
        before = _CLAUSE_END.split(before)[-1]
        for pattern in self.strip:
            before = pattern.sub(" ", before)
        after = text[m.end : min(sent.end_char, m.end + self.window)]
        after = _CLAUSE_END.split(after)[0]
        return any(p.search(before) for p in self.before) or any(
            p.search(after) for p in self.after
        )


#: How far back a clause before a diagnosis is read.
_CLAUSE_CHARS = 300
_CLAUSE_END = re.compile(r"[.;:\n]")


def patient_diagnoses(
    linked: Linked,
    categories: dict[str, str],
    never_a_reason: frozenset[str] = frozenset(),
    not_current: NotCurrent | None = None,
    unchecked: frozenset[int] = frozenset(),
) -> list[PatientDiagnosis]:
    """The diagnoses that count as the patient's for medical necessity.

    ``never_a_reason`` lists the categories that never justify an injection: a relative's
    condition ("family history of pernicious anemia", Z83.2) or a test ("urine hCG negative").
    ``not_current`` drops diagnoses written as resolved, ruled out or absent; ``unchecked``
    holds the start offsets of diagnoses offered in a template's boxes and left unchecked.
    """
    out = []
    text = doc_text(linked.mentions[0].span.doc) if linked.mentions else ""
    for m in linked.mentions:
        if m.label != "DIAGNOSIS" or m.start in unchecked:
            continue
        if (m.negated and not _negation_in_a_name(m)) or m.family or m.uncertain:
            continue
        if m.hypothetical and not _order_indication(m):
            continue
        if not_current is not None and not_current(m, text):
            continue
        category = categories.get(m.rule or "")
        if category in never_a_reason:
            continue
        out.append(PatientDiagnosis(m, m.norm, category))
    return out


def _modifier_rules(m: Mention, category: str) -> list[tuple[str, int, int]]:
    return [
        (mod.rule.metadata.get("id", ""), *mod.modifier_span)
        for mod in ext(m.span, "modifiers")
        if mod.category == category
    ]


def _negation_in_a_name(m: Mention) -> bool:
    """The only negation is a word inside a diagnosis name: "Migraine without aura (G43.009)",
    "Nausea without vomiting", "Type 2 diabetes mellitus without complications".
    """
    mods = _modifier_rules(m, "NEGATED_EXISTENCE")
    names = [e for e in doc_ents(m.span.doc) if e.label_ == "DIAGNOSIS" and len(e) > 1]
    return bool(mods) and all(
        any(e.start <= start and end <= e.end for e in names) for _, start, end in mods
    )


def _order_indication(m: Mention) -> bool:
    """The only "hypothetical" wording is an order's: "Dx on order: pernicious anemia (D51.0)",
    "B12 ordered for pernicious anemia": the indication of an order is the patient's diagnosis.
    """
    mods = _modifier_rules(m, "HYPOTHETICAL")
    return bool(mods) and all("order" in rule or ".rx" in rule for rule, _, _ in mods)


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


def supports(
    code: str | None, drug: res.DrugEntry | None, family: tuple[res.DrugEntry, ...] = ()
) -> bool:
    """Whether a diagnosis code establishes medical necessity for the drug.

    ``family``: for a drug named without its salt or form ("testosterone"), the table's
    entries of that name (cypionate, enanthate, ...), whose indications then apply.
    """
    if drug is None and family:
        return any(supports(code, member) for member in family)
    indications = drug.all_indications if drug is not None else ()
    if drug is None or not indications:
        return code is not None
    if code is None:
        return False
    return any(
        code == p or code.startswith(p if len(p) == 1 else p.rstrip(".")) for p in indications
    )


def is_cancer(code: str | None) -> bool:
    """Malignant neoplasm codes (C00-C96) and neoplasm-related status that keep chemo codes."""
    return bool(code) and code[0] == "C"
