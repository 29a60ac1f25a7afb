"""Turn coded administrations and diagnoses into documentation gaps (the 96372 rules).

Each gap code has one small named check. :data:`INJECTION_CHECKS` run once per given 96372
injection; :data:`NOTE_CHECKS` once per note. A check returns the gaps it finds, worded from the
gap table by :meth:`GapFinder.gap`; adding a rule is adding a function to one of the lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .. import resources as res
from ..pipeline.dictation import UNCERTAIN_HOWS
from ..pipeline.targets import ADVISORY_GROUP
from ..result import Evidence, Gap
from .coding import CodedAdministration
from .diagnoses import PatientDiagnosis, supports
from .linking import DraftAdministration, Linked, Mention
from .vocabulary import RuleVocabulary


@dataclass
class NoteFacts:
    """What every check may read about a note."""

    doc: Doc
    linked: Linked
    coded: list[CodedAdministration]
    dxs: list[PatientDiagnosis]
    #: (index, administration) of each given 96372 injection of a named drug.
    injections: list[tuple[int, CodedAdministration]] = field(default_factory=list)
    #: Drugs the patient is on or about to start (any mention not negated or a relative's).
    co_therapies: frozenset[str] = frozenset()


@dataclass
class InjectionFacts:
    """What a per-injection check may read: the note, one injection and its message values."""

    note: NoteFacts
    index: int
    adm: CodedAdministration
    values: dict[str, object]
    drug_ev: list[Evidence]

    @property
    def draft(self) -> DraftAdministration:
        """The linked mentions of the injection."""
        return self.adm.draft


InjectionCheck = Callable[["GapFinder", InjectionFacts], Iterable[Gap]]
NoteCheck = Callable[["GapFinder", NoteFacts], Iterable[Gap]]


class GapFinder:
    """Apply the documentation rules and word each gap from the gap table."""

    def __init__(self, templates: res.GapTable, vocab: RuleVocabulary) -> None:
        """Keep the message templates and the vocabularies."""
        self.templates = templates.gaps
        self.vocab = vocab

    def gap(
        self,
        code: str,
        evidence: Iterable[Evidence],
        rules: Iterable[str] = (),
        administration: int | None = None,
        **values: object,
    ) -> Gap:
        """Build a gap from its template."""
        template = self.templates[code]
        fields = _Fields(values)
        return Gap(
            code=code,
            severity=template.severity,
            message=template.message.format_map(fields),
            evidence=tuple(evidence),
            query=template.query.format_map(fields),
            rules=tuple(dict.fromkeys(rules)),
            carc=tuple(template.carc),
            administration=administration,
        )

    def find(
        self,
        doc: Doc,
        linked: Linked,
        coded: list[CodedAdministration],
        dxs: list[PatientDiagnosis],
    ) -> list[Gap]:
        """All gaps for a note, blocking first, then advisory, in note order."""
        note = NoteFacts(doc, linked, coded, dxs)
        note.injections = [
            (i, c) for i, c in enumerate(coded) if c.counts_as_96372 and c.draft.drug_id is not None
        ]
        gaps: list[Gap] = []
        if note.injections:
            note.co_therapies = _co_therapies(linked)
            for index, adm in note.injections:
                facts = self._injection(note, index, adm)
                for check in INJECTION_CHECKS:
                    gaps.extend(check(self, facts))
        for check in NOTE_CHECKS:
            gaps.extend(check(self, note))
        return sorted(gaps, key=lambda g: (g.severity != "blocking", g.administration or 0))

    def _injection(self, note: NoteFacts, index: int, adm: CodedAdministration) -> InjectionFacts:
        values = {
            "drug": adm.name or "the drug",
            "dose_part": f" {adm.dose_text}" if adm.dose_text else "",
            "dose": adm.dose_text or "",
            "administration": index,
        }
        return InjectionFacts(note, index, adm, values, _adm_evidence(adm))

    def blank(self, doc: Doc, label: str) -> list[Evidence]:
        """Template fields of ``label`` left blank ("Route: ___"), as evidence."""
        return [
            Evidence(s, e, doc.text[s:e]) for lab, s, e in doc._.cc_blank_fields if lab == label
        ]

    def advisory(self, doc: Doc, label: str) -> list[Span]:
        """The advisory wording of ``label`` in ``doc``, less what ConText negated (when the
        advisory table says that label can be negated).
        """
        group = doc.spans[ADVISORY_GROUP] if ADVISORY_GROUP in doc.spans else ()
        negatable = label in self.vocab.negatable
        return [s for s in group if s.label_ == label and not (negatable and s._.is_negated)]

    def staff_named(self, doc: Doc) -> bool:
        """Whether the note names who gave the injection (a credential, "given by", a signature)."""
        return bool(self.advisory(doc, "STAFF"))

    def lot_recorded(self, doc: Doc) -> bool:
        """Whether the note records a lot number or expiry ("no lot number recorded" does not)."""
        return bool(self.advisory(doc, "LOT"))

    def em_visit(self, doc: Doc) -> Evidence | None:
        """The first E/M visit wording of the note (99211-99215, "nurse visit only")."""
        spans = self.advisory(doc, "EM_VISIT")
        return Evidence(spans[0].start_char, spans[0].end_char, spans[0].text) if spans else None

    def days_since_last(self, draft: DraftAdministration) -> int | None:
        """Days since the previous dose, when a historical mention says ("last dose 2 weeks ago")."""
        intervals = (
            self.advisory(draft.drug_mentions[0].span.doc, "INTERVAL")
            if draft.drug_mentions
            else []
        )
        for m in draft.drug_mentions:
            if not m.historical:
                continue
            for span in intervals:
                if span.sent.start == m.sent:
                    n, unit = span[0].lower_, span[1].lower_
                    value = int(n) if n.isdigit() else int(self.vocab.number_words.get(n, 0))
                    return value * (7 if unit.startswith("w") else 1)
        return None


# Per-injection checks -------------------------------------------------------------------------


def dose_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """DOSE_MISSING: a named drug with no dose or amount."""
    if i.draft.doses:
        return []
    ev = i.drug_ev + f.blank(i.note.doc, "DOSE")
    return [f.gap("DOSE_MISSING", ev, ["gap.dose_missing"], **i.values)]


def route_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """ROUTE_MISSING: no route (a site alone is not a route; a blank field is not one)."""
    if i.draft.route_codes:
        return []
    ev = i.drug_ev + [_ev(m) for m in i.draft.sites] + f.blank(i.note.doc, "ROUTE")
    return [f.gap("ROUTE_MISSING", ev, ["gap.route_missing"], **i.values)]


def route_conflict(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """ROUTE_CONFLICT: two different routes for one administration."""
    codes = i.draft.route_codes
    if len(codes) <= 1:
        return []
    routes = i.draft.routes
    rules = [m.rule or "" for m in routes] + ["gap.route_conflict"]
    ev = [_ev(m) for m in routes]
    return [f.gap("ROUTE_CONFLICT", ev, rules, routes=" and ".join(codes), **i.values)]


def _adjunct(i: InjectionFacts) -> bool:
    """B12 as an adjunct to pemetrexed: the other drug establishes the need on its own."""
    drug = i.adm.drug
    return bool(drug and i.note.co_therapies & set(drug.supporting_drugs))


def dx_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """DX_MISSING: no diagnosis or indication at all."""
    if _adjunct(i) or i.note.dxs:
        return []
    ev = i.drug_ev + f.blank(i.note.doc, "DIAGNOSIS")
    return [f.gap("DX_MISSING", ev, ["gap.dx_missing"], **i.values)]


def dx_not_supported(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """DX_NOT_SUPPORTED: diagnoses are documented, none establishes necessity for the drug."""
    dxs, drug = i.note.dxs, i.adm.drug
    if _adjunct(i) or not dxs or any(supports(d.code, drug) for d in dxs):
        return []
    shown = list(dict.fromkeys(d.mention.span.text for d in dxs))
    return [
        f.gap(
            "DX_NOT_SUPPORTED",
            [_ev(d.mention) for d in dxs],
            [d.mention.rule or "" for d in dxs] + ["gap.dx_not_supported"],
            dx=", ".join(shown[:3]),
            indication=drug.indication_note if drug and drug.indication_note else "",
            **i.values,
        )
    ]


def site_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """SITE_MISSING (advisory): no injection site."""
    if i.draft.sites:
        return []
    return [f.gap("SITE_MISSING", i.drug_ev, ["gap.site_missing"], **i.values)]


def patient_supplied(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """PATIENT_SUPPLIED (advisory): the patient brought the drug, so no J-code line."""
    if not i.draft.patient_supplied:
        return []
    return [f.gap("PATIENT_SUPPLIED", i.drug_ev, ["gap.patient_supplied"], **i.values)]


def unclassified_drug(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """UNCLASSIFIED_DRUG (advisory): J3490 needs an NDC and a description."""
    if i.draft.patient_supplied or i.adm.hcpcs != "J3490":
        return []
    return [f.gap("UNCLASSIFIED_DRUG", i.drug_ev, ["gap.unclassified"], **i.values)]


def units_undetermined(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """UNITS_UNDETERMINED (advisory): the dose cannot be turned into billing units."""
    drug = i.adm.drug
    if not (i.adm.units_undetermined and drug and drug.billing_unit):
        return []
    return [
        f.gap(
            "UNITS_UNDETERMINED",
            [_ev(m) for m in i.draft.doses],
            ["gap.units"],
            hcpcs=i.adm.hcpcs,
            billing_unit=drug.billing_unit.unit,
            **i.values,
        )
    ]


def frequency(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """FREQUENCY (advisory): given sooner than the drug's minimum interval."""
    drug = i.adm.drug
    if not (drug and drug.min_interval_days):
        return []
    days = f.days_since_last(i.draft)
    if days is None or days >= drug.min_interval_days:
        return []
    return [
        f.gap(
            "FREQUENCY",
            i.drug_ev,
            ["gap.frequency"],
            days=days,
            min_days=drug.min_interval_days,
            **i.values,
        )
    ]


def administered_by_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """ADMINISTERED_BY_MISSING (advisory): nobody is named as giving the injection."""
    if f.staff_named(i.note.doc):
        return []
    return [f.gap("ADMINISTERED_BY_MISSING", i.drug_ev, ["gap.administered_by"], **i.values)]


def dictation_unclear(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """DICTATION_UNCLEAR (advisory): the drug, dose or route was read only by a phonetic or fuzzy
    match of dictated words, or an "[inaudible]"-type marker sits inside the administration.
    """
    draft = i.draft
    guessed = []
    what = []
    for label, mentions in (
        ("drug", [m for m in draft.drug_mentions if m.active]),
        ("dose", draft.doses),
        ("route", draft.routes),
    ):
        if mentions and all(m.span._.cc_how in UNCERTAIN_HOWS for m in mentions):
            guessed.extend(mentions)
            what.append(label)
    mentions = draft.drug_mentions + draft.doses + draft.routes + draft.sites
    sents = {m.span.sent.start_char: m.span.sent.end_char for m in mentions}
    doc = i.note.doc
    markers = [
        Evidence(a, b, doc.text[a:b])
        for a, b in doc._.cc_markers
        if any(s <= a < e for s, e in sents.items())
    ]
    if not guessed and not markers:
        return []
    read = ", ".join(f'"{m.span.text}" as {m.span._.cc_read}' for m in guessed) or "a gap marker"
    if markers and not what:
        what = ["wording"]
    return [
        f.gap(
            "DICTATION_UNCLEAR",
            [_ev(m) for m in guessed] + markers,
            [m.rule or "" for m in guessed] + ["gap.dictation_unclear"],
            what=" and ".join(what),
            read=read,
            **i.values,
        )
    ]


#: Checks run for each given 96372 injection, in the order their gaps are listed.
INJECTION_CHECKS: tuple[InjectionCheck, ...] = (
    dose_missing,
    route_missing,
    route_conflict,
    dx_missing,
    dx_not_supported,
    site_missing,
    patient_supplied,
    unclassified_drug,
    units_undetermined,
    frequency,
    administered_by_missing,
    dictation_unclear,
)


# Note-level checks ----------------------------------------------------------------------------


def _unnamed(note: NoteFacts) -> DraftAdministration | None:
    """A given injection whose drug is not named."""
    return next(
        (c.draft for c in note.coded if c.counts_as_96372 and c.draft.drug_id is None), None
    )


def drug_missing(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """DRUG_MISSING (and DX_MISSING with it): an injection was given, the substance is not named."""
    unnamed = _unnamed(note)
    if note.injections or unnamed is None:
        return []
    ev = [_ev(m) for m in unnamed.doses + unnamed.routes + unnamed.sites]
    out = [f.gap("DRUG_MISSING", ev, unnamed.given_rules + ["gap.drug_missing"])]
    if not note.dxs:
        blank = f.blank(note.doc, "DIAGNOSIS")
        out.append(f.gap("DX_MISSING", blank, ["gap.dx_missing"], drug="the injection"))
    return out


def other_service(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """VACCINE, ANTINEOPLASTIC, OTHER_SERVICE or ROUTE_NOT_SC_IM: only other services were given.

    The gap of each service kind comes from the gap table's ``kind_gaps``.
    """
    if note.injections or _unnamed(note) is not None:
        return []
    out = []
    for index, adm in enumerate(note.coded):
        if not adm.draft.given or adm.kind in ("not_injection", "injection"):
            continue
        code = f.vocab.kind_gaps.get(adm.kind, "ROUTE_NOT_SC_IM")
        out.append(
            f.gap(
                code,
                _adm_evidence(adm),
                adm.draft.given_rules + [f"gap.{code.lower()}"],
                administration=index,
                drug=adm.name or "the drug",
                route=_route_label(adm),
                service_code=adm.service_code or "another code",
            )
        )
    return out


def not_administered(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """NOT_ADMINISTERED: nothing was given at this encounter (declined, planned, listed, ...)."""
    if note.injections or _unnamed(note) is not None:
        return []
    if any(c.draft.given and c.kind not in ("not_injection", "injection") for c in note.coded):
        return []
    not_given = [c for c in note.coded if not c.draft.given and c.kind != "not_injection"]
    reason = not_given[0].draft.not_given_reason if not_given else None
    mentions = [m for c in not_given for m in c.draft.drug_mentions]
    rules = [r for m in mentions for r in m.span._.cc_modifier_rules] + ["gap.not_administered"]
    ev = [_ev(m) for m in mentions]
    return [f.gap("NOT_ADMINISTERED", ev, rules, reason=f" ({reason})" if reason else "")]


def lot_missing(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """LOT_MISSING (advisory): a vaccine was given and no lot number is recorded."""
    out = []
    for index, adm in enumerate(note.coded):
        if adm.kind == "vaccine" and adm.draft.given and not f.lot_recorded(note.doc):
            ev = _adm_evidence(adm)
            out.append(
                f.gap("LOT_MISSING", ev, ["gap.lot_missing"], administration=index, drug=adm.name)
            )
    return out


def em_same_day(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """EM_SAME_DAY (advisory): an E/M visit is documented with the injection."""
    if not note.injections:
        return []
    ev = f.em_visit(note.doc)
    return [f.gap("EM_SAME_DAY", [ev], ["gap.em_same_day"])] if ev is not None else []


#: Checks run once per note, after the per-injection checks.
NOTE_CHECKS: tuple[NoteCheck, ...] = (
    drug_missing,
    other_service,
    not_administered,
    lot_missing,
    em_same_day,
)


def _co_therapies(linked: Linked) -> frozenset[str]:
    """Drugs the patient is on or about to start (any mention that is not negated or a relative's)."""
    return frozenset(
        m.norm
        for m in linked.mentions
        if m.label == "DRUG" and m.norm and not (m.negated or m.family)
    )


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _ev(m: Mention) -> Evidence:
    return Evidence(m.start, m.end, m.span.text)


def _adm_evidence(adm: CodedAdministration) -> list[Evidence]:
    first = adm.draft.first
    if first is not None:
        given = [m for m in adm.draft.drug_mentions if m.active] or [first]
        return [_ev(given[0])]
    return [_ev(m) for m in adm.draft.doses + adm.draft.routes + adm.draft.sites][:1]


def _route_label(adm: CodedAdministration) -> str:
    if adm.draft.routes:
        return adm.draft.routes[0].span.text
    return (adm.route_code or "another").replace("_", "-").lower()
