"""The decision: from a processed Doc to the rules' review record.

:class:`RuleSet` runs the rules stage in order (link → diagnoses → code → gaps) with the tables
of the pipeline it was built from, then decides what the note supports: ``claim_ready`` (an
SC/IM injection given and no blocking gap), the service code family, and the ICD-10-CM codes
given for the injection. The classifier (:mod:`cleanclaim.classifier`) may refine the decision
afterwards; it never sees anything but the :class:`Facts` made here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .. import resources as res
from ..pipeline.extensions import doc_text, ext, read_only, span_text
from ..pipeline.targets import WRITTEN_CODE_RULE
from ..result import Administration, Diagnosis, Entity, Evidence, Review
from .claims import claim_lines
from .coding import CodedAdministration, Coder, ServiceRefiner
from .dates import DateReader, read_date_of_service
from .diagnoses import (
    NotCurrent,
    PatientDiagnosis,
    has_cancer,
    icd_description,
    patient_diagnoses,
    supports,
)
from .gaps import GapFinder
from .linking import Mention, link
from .setting import SettingReader
from .vocabulary import RuleVocabulary


@dataclass(frozen=True)
class Facts:
    """Everything the rules derived from one note, before the classifier's decision."""

    doc: Doc
    coded: list[CodedAdministration]
    review: Review


class RuleSet:
    """The rules stage, built from one set of rule tables.

    Args:
        tables: the validated tables by name (see :func:`cleanclaim.resources.packaged_tables`);
            :meth:`from_pipeline` takes them from a loaded pipeline, so a pipeline saved with
            ``to_disk``, edited and loaded with ``spacy.load`` is coded with its own tables.

    """

    def __init__(self, tables: dict[str, Any], payer_rules: res.PayerTable | None = None) -> None:
        """Index the tables for linking, coding and gap finding.

        ``payer_rules``: a practice's payer rules (see :func:`cleanclaim.resources.load_payer_rules`),
        applied on top of the packaged payer table.
        """
        if payer_rules is not None:
            tables = {**tables, "payer": res.merge_payer_rules(tables["payer"], payer_rules)}
        self.tables = tables
        self.payer: res.PayerTable = tables["payer"]
        self.dates = DateReader(self.payer)
        self.drugs: res.DrugTable = tables["drugs"]
        self.vocab = RuleVocabulary(tables)
        self.coder = Coder(
            self.drugs, tables["routes"], tables["sites"], tables["doses"], self.vocab
        )
        self.gap_finder = GapFinder(tables["gaps"], self.vocab, self.payer)
        self.settings = SettingReader(
            tables["settings"],
            {s.id: s.implies_route for s in tables["sites"].sites if s.implies_route},
            tables["advisory"].injection_words,
            tables["sites"].joint_drugs,
        )
        self.services = ServiceRefiner(tables["services"])
        dx_table: res.DiagnosisTable = tables["diagnoses"]
        self._dx_categories = {f"dx.{d.id}": d.category for d in dx_table.diagnoses}
        self._never_a_reason = frozenset(dx_table.never_a_reason)
        self._comorbidity = frozenset(dx_table.comorbidity_categories)
        self._not_current = NotCurrent(dx_table)
        self.version = res.rules_version(tables)

    @classmethod
    def from_pipeline(cls, nlp: Language, payer_rules: res.PayerTable | None = None) -> RuleSet:
        """The rules of a loaded pipeline: every table its components hold."""
        return cls(res.pipeline_tables(nlp), payer_rules)

    @classmethod
    def packaged(cls) -> RuleSet:
        """The rules of the packaged tables."""
        return cls(res.packaged_tables())

    def facts(
        self, doc: Doc, note_id: str | None = None, date_of_service: date | str | None = None
    ) -> Facts:
        """Apply the rules to a processed ``doc``: the rules-only review and its parts.

        ``date_of_service`` is used when the note does not state its own (else today).
        """
        with read_only(doc):
            return self._facts(doc, note_id, date_of_service)

    def _facts(self, doc: Doc, note_id: str | None, date_of_service: date | str | None) -> Facts:
        day, stated = read_date_of_service(self.dates, doc_text(doc), date_of_service)
        earlier = self.settings.earlier_encounters(doc_text(doc), day, stated is not None)
        linked = link(
            doc,
            self.drugs,
            self.vocab,
            self.settings.ignored(doc),
            self.settings.checked_options(doc),
            earlier,
        )
        text = doc_text(doc)
        # the kind of the encounter reviewed, not of the earlier ones exported with it
        for lo, hi in earlier:
            text = text[:lo] + " " * (hi - lo) + text[hi:]
        kind = self.settings.note_kind(text)
        if stated is None:
            self.settings.place(doc, linked, kind)
        else:
            self.settings.place(doc, linked, kind, day, earlier)
        dxs = patient_diagnoses(
            linked,
            self._dx_categories,
            self._never_a_reason,
            self._not_current,
            self.settings.unchecked_diagnoses(doc) | self.settings.other_patient_diagnoses(doc),
        )
        cancer = has_cancer(dxs)
        drafts = linked.administrations + ([linked.unnamed] if linked.unnamed is not None else [])
        coded = [self.coder.code(d, cancer, day) for d in drafts]
        given = "\n".join(
            span_text(m.span) + " " + (c.draft.drug_id or "")
            for c in coded
            if c.draft.given
            for m in c.draft.drug_mentions
        )
        # each service code as finely as the note shows it (11901 for eight lesions, 20553 for
        # three muscles), before any gap names it
        text = doc_text(doc)
        coded = [
            replace(c, service_code=self.services.refine(c.service_code, text, given))
            for c in coded
        ]
        gaps = self.gap_finder.find(doc, linked, coded, dxs, day)
        note = self.gap_finder.note(doc, linked, coded, dxs, day)
        lines, line_gaps = claim_lines(
            doc, coded, note, gaps, self.gap_finder, self.coder.dose_units
        )
        gaps = sorted(
            [*gaps, *line_gaps], key=lambda g: (g.severity != "blocking", g.administration or 0)
        )
        injections = [c for c in coded if c.counts_as_96372]
        blocking = any(g.blocking for g in gaps)
        supporting = supporting_diagnoses(dxs, injections)
        ready = bool(injections) and not blocking
        review = Review(
            id=note_id,
            claim_ready=ready,
            probability=None,
            # the administrations' codes are refined already: the note's is one of theirs
            service_code=service_code(
                coded, self.vocab.service_order, self.vocab.service_hierarchy
            ),
            injections=len(injections),
            gaps=tuple(gaps),
            entities=tuple(entity(m) for m in linked.mentions),
            administrations=tuple(administration(c) for c in coded if reportable(c)),
            diagnoses=tuple(diagnosis(d, d.mention.start in supporting) for d in dxs),
            icd10=icd10_codes(dxs, supporting, self._comorbidity),
            decision="rules",
            rules_version=self.version,
            claim_lines=tuple(lines),
            date_of_service=day.isoformat(),
            note_type=kind.note_type,
            note_type_evidence=kind.evidence,
            status=note_status(ready, coded),
        )
        return Facts(doc, coded, review)


def note_status(ready: bool, coded: list[CodedAdministration]) -> str:
    """The worklist status: ready, gaps (a 96372 injection here with blocking gaps),
    other_service (something else was given, or a drug was part of a procedure), no_injection.
    """
    if ready:
        return "ready"
    if any(c.counts_as_96372 for c in coded):
        return "gaps"
    if any(
        (c.draft.given and c.kind not in ("not_injection", "injection")) or c.draft.bundled
        for c in coded
    ):
        return "other_service"
    return "no_injection"


def supporting_diagnoses(
    dxs: list[PatientDiagnosis], injections: list[CodedAdministration]
) -> set[int]:
    """Start offsets of the diagnoses that support at least one given injection."""
    if not injections:
        return set()
    return {
        d.mention.start for d in dxs if any(supports(d.code, c.drug, c.family) for c in injections)
    }


def icd10_codes(
    dxs: list[PatientDiagnosis], supporting: set[int], comorbidity: frozenset[str]
) -> tuple[str, ...]:
    """The diagnoses given for the injection: the supporting ones, else every non-comorbidity.

    A name followed by its written code ("Acute otitis media, left (H66.92)") is given by the
    written code alone: the name's own, less specific code of the same category is left out.
    """
    relevant = [d for d in dxs if d.mention.start in supporting] or [
        d for d in dxs if d.category not in comorbidity
    ]
    coded_by_writing = _named_by_written_code(dxs)
    return tuple(
        dict.fromkeys(d.code for d in relevant if d.code and id(d) not in coded_by_writing)
    )


#: What may stand between a diagnosis name and the code written for it: at most three words
#: ("Acute otitis media, left (H66.92)", "Migraine without aura, intractable - G43.011").
_NAME_TO_CODE = re.compile(r"[^\w\n]*(?:[A-Za-z]+[^\w\n]+){0,3}")


def _named_by_written_code(dxs: list[PatientDiagnosis]) -> set[int]:
    """Ids of the diagnosis names whose next diagnosis, in the same sentence and close after,
    is a written code of the same category but another code.
    """
    ordered = sorted(dxs, key=lambda d: d.mention.start)
    out: set[int] = set()
    for d, w in zip(ordered, ordered[1:], strict=False):
        m, wm = d.mention, w.mention
        if (
            m.rule == WRITTEN_CODE_RULE
            or wm.rule != WRITTEN_CODE_RULE
            or not (d.code and w.code)
            or wm.sent != m.sent
            or wm.start < m.end
            or w.code[:3] != d.code[:3]
            or w.code == d.code
        ):
            continue
        gap = _NAME_TO_CODE.match(doc_text(m.span.doc), m.end, wm.start)
        if gap is not None and gap.end() == wm.start:
            out.add(id(d))
    return out


def service_code(
    coded: list[CodedAdministration], order: tuple[str, ...], hierarchy: tuple[str, ...] = ()
) -> str | None:
    """96372 when an SC/IM drug injection was given, else the first given service by kind order;
    within a kind, an IV infusion before a push before hydration (``hierarchy``), else the first
    written.
    """
    if any(c.counts_as_96372 for c in coded):
        return "96372"
    for kind in order:
        codes = [
            c.service_code for c in coded if c.draft.given and c.kind == kind and c.service_code
        ]
        if codes:
            ranked = [x for x in hierarchy if x in codes]
            return ranked[0] if ranked and codes[0] in hierarchy else codes[0]
    return None


def reportable(c: CodedAdministration) -> bool:
    """Given injections, and curated injectables that were mentioned but not given."""
    if c.kind == "not_injection":
        return False
    return c.draft.given or c.drug is not None or bool(c.draft.routes)


def diagnosis(d: PatientDiagnosis, supports_injection: bool) -> Diagnosis:
    """The record of one patient diagnosis."""
    return Diagnosis(
        text=d.mention.span.text,
        start=d.mention.start,
        end=d.mention.end,
        icd10=d.code,
        supports=supports_injection,
        description=icd_description(d.code) if d.code else None,
        historical=d.mention.historical,
    )


def entity(m: Mention) -> Entity:
    """The record of one mention with its ConText flags."""
    span = m.span
    return Entity(
        label=m.label,
        text=span.text,
        start=m.start,
        end=m.end,
        negated=m.negated,
        historical=m.historical,
        hypothetical=m.hypothetical,
        family=m.family,
        uncertain=m.uncertain,
        section=m.section,
        rule=m.rule,
        norm=m.norm,
        modifiers=tuple(ext(span, "cc_modifier_rules")),
        normalized=ext(span, "cc_read"),
        how=ext(span, "cc_how"),
    )


def administration(c: CodedAdministration) -> Administration:
    """The record of one coded administration."""
    d = c.draft
    return Administration(
        drug=c.name,
        dose=str(c.dose) if c.dose else c.dose_text,
        route=c.route_code,
        # the site as read ("right deltoid" for a dictated "right del toyed")
        site=(ext(d.sites[0].span, "cc_read") or d.sites[0].span.text) if d.sites else None,
        given=d.given,
        hcpcs=c.hcpcs,
        units=c.units,
        drug_id=d.drug_id,
        drug_class=c.drug.drug_class if c.drug else None,
        route_code=c.route_code,
        service_code=c.service_code,
        counts_as_96372=c.counts_as_96372,
        patient_supplied=d.patient_supplied,
        not_given_reason=d.not_given_reason,
        setting=d.setting,
        evidence=tuple(
            Evidence(m.start, m.end, m.span.text)
            for m in d.drug_mentions + d.doses + d.routes + d.sites
        ),
    )
