"""Turn coded administrations and diagnoses into documentation gaps (the 96372 rules).

Each gap code has one small named check. :data:`INJECTION_CHECKS` run once per given 96372
injection; :data:`NOTE_CHECKS` once per note. A check returns the gaps it finds, worded from the
gap table by :meth:`GapFinder.gap`; adding a rule is adding a function to one of the lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from .. import resources as res
from ..pipeline.dictation import UNCERTAIN_HOWS
from ..pipeline.extensions import doc_ents, doc_text, ext, span_group
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
    #: The date of service the codes and payer rules are valid on (None: today).
    day: date | None = None


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

    def __init__(
        self, templates: res.GapTable, vocab: RuleVocabulary, payer: res.PayerTable | None = None
    ) -> None:
        """Keep the message templates, the vocabularies and the payer rules."""
        self.templates = templates.gaps
        self.vocab = vocab
        self.payer = payer if payer is not None else res.payer()
        self._staff = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in self.payer.clinical_staff) + r")(?!\w)"
            if self.payer.clinical_staff
            else r"(?!)"
        )
        self._billed = re.compile(self.payer.billed_96372_pattern or r"(?!)")

    def payer_row(self, rows: Iterable[res.Dated], key: str, value: object, day: date | None):
        """The first payer-table row whose ``key`` is ``value`` and that is valid on ``day``."""
        today = day or date.today()
        return next(
            (r for r in rows if getattr(r, key) == value and r.valid_on(today)),
            None,
        )

    def single_dose(self, adm: CodedAdministration, day: date | None) -> bool:
        """Whether the drug came from a single-dose container (the note says, or the payer table
        lists the drug's products as single-dose only).
        """
        if adm.draft.drug_id and self.payer_row(
            self.payer.single_dose_drugs, "drug", adm.draft.drug_id, day
        ):
            return True
        if not adm.draft.drug_mentions:
            return False
        # The container is named in the drug's sentence, or later with no other drug named in
        # between ("Medroxyprogesterone 150 mg IM given. ... Single-dose syringe, none wasted.").
        doc = adm.draft.drug_mentions[0].span.doc
        sents = {m.sent for m in adm.draft.drug_mentions}
        starts = {m.span.start for m in adm.draft.drug_mentions}
        drugs = [e for e in doc_ents(doc) if e.label_ == "DRUG"]
        for said in self.advisory(doc, "SINGLE_DOSE"):
            if said.sent.start in sents:
                return True
            before = [e for e in drugs if e.end <= said.start]
            if before and before[-1].start in starts:
                return True
        return False

    def current(self, doc: Doc, label: str) -> list[Span]:
        """Advisory wording of ``label`` that is about this encounter (not negated, historical,
        hypothetical or a relative's).
        """
        return [
            s
            for s in self.advisory(doc, label)
            if not (
                ext(s, "is_negated")
                or ext(s, "is_historical")
                or ext(s, "is_hypothetical")
                or ext(s, "is_family")
            )
        ]

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
        day: date | None = None,
    ) -> list[Gap]:
        """All gaps for a note, blocking first, then advisory, in note order."""
        note = self.note(doc, linked, coded, dxs, day)
        gaps: list[Gap] = []
        if note.injections:
            for index, adm in note.injections:
                facts = self._injection(note, index, adm)
                for check in INJECTION_CHECKS:
                    gaps.extend(check(self, facts))
        for check in NOTE_CHECKS:
            gaps.extend(check(self, note))
        return sorted(gaps, key=lambda g: (g.severity != "blocking", g.administration or 0))

    def note(
        self,
        doc: Doc,
        linked: Linked,
        coded: list[CodedAdministration],
        dxs: list[PatientDiagnosis],
        day: date | None = None,
    ) -> NoteFacts:
        """What every check may read about the note."""
        note = NoteFacts(doc, linked, coded, dxs, day=day)
        note.injections = [
            (i, c) for i, c in enumerate(coded) if c.counts_as_96372 and c.draft.drug_id is not None
        ]
        if note.injections:
            note.co_therapies = _co_therapies(linked)
        return note

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
            Evidence(s, e, doc_text(doc)[s:e])
            for lab, s, e in doc._.cc_blank_fields
            if lab == label
        ]

    def advisory(self, doc: Doc, label: str) -> list[Span]:
        """The advisory wording of ``label`` in ``doc``, less what ConText negated (when the
        advisory table says that label can be negated).
        """
        group = span_group(doc, ADVISORY_GROUP)
        negatable = label in self.vocab.negatable
        return [s for s in group if s.label_ == label and not (negatable and ext(s, "is_negated"))]

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
                    per = 7 if unit.startswith("w") else 30 if unit.startswith("mo") else 1
                    return value * per
        return None


# Per-injection checks -------------------------------------------------------------------------


def dose_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """DOSE_MISSING: a named drug with no dose or amount; only a per-weight rate ("1 mg/kg SC",
    no amount); or, when the template's dose field is blank ("Dose: ***"), only the product's
    strength ("dexamethasone 4 mg/mL injection").
    """
    if i.adm.dose_is_rate:
        ev = i.drug_ev + [_ev(m) for m in i.draft.doses]
        return [f.gap("DOSE_MISSING", ev, ["gap.dose_missing", "gap.dose_rate_only"], **i.values)]
    if i.draft.doses and not i.adm.dose_is_strength:
        return []
    blank = f.blank(i.note.doc, "DOSE")
    if i.draft.doses and not blank:
        return []
    ev = i.drug_ev + blank
    return [f.gap("DOSE_MISSING", ev, ["gap.dose_missing"], **i.values)]


def route_missing(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """ROUTE_MISSING: no route (a site alone is not a route; a blank field is not one)."""
    if i.draft.route_codes:
        return []
    ev = i.drug_ev + [_ev(m) for m in i.draft.sites] + f.blank(i.note.doc, "ROUTE")
    return [f.gap("ROUTE_MISSING", ev, ["gap.route_missing"], **i.values)]


def route_conflict(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """ROUTE_CONFLICT: two different routes for one administration."""
    codes = list(i.draft.route_codes)
    routes = list(i.draft.routes)
    loose = _loose_record(i.note)
    if loose is not None and len(i.note.injections) == 1:
        # "Testosterone cypionate 200 mg SQ today" then "Injection: given IM R vastus lateralis":
        # the record that names no drug is the one injection's, and its route is another
        codes = list(dict.fromkeys(codes + list(loose.route_codes)))
        routes += loose.routes
    if len(codes) <= 1:
        return []
    rules = [m.rule or "" for m in routes] + ["gap.route_conflict"]
    ev = [_ev(m) for m in routes]
    return [
        f.gap(
            "ROUTE_CONFLICT",
            ev,
            rules,
            routes=" and ".join(codes),
            routes_options="; ".join(c.replace("_", " ").lower() for c in codes),
            **i.values,
        )
    ]


def route_corrected(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """ROUTE_CORRECTED (advisory): an addendum's route replaced an earlier one (not a conflict)."""
    replaced = i.draft.replaced_routes
    if not replaced or not i.draft.route_codes:
        return []
    old = ", ".join(dict.fromkeys(m.norm or m.span.text for m in replaced))
    ev = [_ev(m) for m in i.draft.routes + replaced]
    return [
        f.gap(
            "ROUTE_CORRECTED",
            ev,
            ["setting.latest_route", "gap.route_corrected"],
            route=i.draft.route_codes[0],
            replaced=old,
            **i.values,
        )
    ]


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
    if _adjunct(i) or not dxs or any(supports(d.code, drug, i.adm.family) for d in dxs):
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
    """FREQUENCY (advisory): given sooner (or later) than the payer table's interval for the drug,
    when the note states the last dose (B12 monthly after loading, medroxyprogesterone every 11 to
    15 weeks, Prolia every 6 months); the drug's ``min_interval_days`` when the table has no row.
    """
    drug = i.adm.drug
    if drug is None:
        return []
    row = f.payer_row(f.payer.frequency, "drug", drug.id, i.note.day)
    low = row.min_days if row else drug.min_interval_days
    high = row.max_days if row else None
    if not low:
        return []
    days = f.days_since_last(i.draft)
    if days is None or (low <= days and (high is None or days <= high)):
        return []
    if row is not None and row.loading_exempt and days < low and f.current(i.note.doc, "LOADING"):
        return []
    label = row.label if row else f"no more often than every {low} days"
    return [
        f.gap(
            "FREQUENCY",
            i.drug_ev,
            ["gap.frequency"],
            days=days,
            min_days=low,
            interval=label,
            **i.values,
        )
    ]


def wastage_undocumented(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """WASTAGE_UNDOCUMENTED (advisory): a single-dose container, and the note does not say how
    much was discarded or that none was (JW/JZ).
    """
    if not f.payer.payer.require_jw_jz or i.draft.patient_supplied or not i.adm.hcpcs:
        return []
    if not f.single_dose(i.adm, i.note.day):
        return []
    doc = i.note.doc
    if f.advisory(doc, "WASTAGE") or f.advisory(doc, "NO_WASTAGE"):
        return []
    return [f.gap("WASTAGE_UNDOCUMENTED", i.drug_ev, ["gap.wastage"], **i.values)]


def sad_drug(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """SAD_DRUG (advisory): the drug is on the self-administered drug exclusion lists."""
    row = f.payer_row(f.payer.sad_drugs, "drug", i.draft.drug_id, i.note.day)
    if row is None:
        return []
    return [f.gap("SAD_DRUG", i.drug_ev, ["gap.sad_drug"], source=row.source, **i.values)]


def units_exceed(f: GapFinder, i: InjectionFacts) -> list[Gap]:
    """UNITS_EXCEED (advisory): more units of the drug's code than its MUE allows per day."""
    if not (i.adm.hcpcs and i.adm.units):
        return []
    row = f.payer_row(f.payer.mue, "hcpcs", i.adm.hcpcs, i.note.day)
    if row is None or i.adm.units <= row.max_units:
        return []
    ev = [_ev(m) for m in i.draft.doses] or i.drug_ev
    return [
        f.gap(
            "UNITS_EXCEED",
            ev,
            ["gap.units_exceed"],
            hcpcs_code=i.adm.hcpcs,
            units=i.adm.units,
            limit=row.max_units,
            source=row.source,
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
        if mentions and all(ext(m.span, "cc_how") in UNCERTAIN_HOWS for m in mentions):
            guessed.extend(mentions)
            what.append(label)
    mentions = draft.drug_mentions + draft.doses + draft.routes + draft.sites
    sents = {m.span.sent.start_char: m.span.sent.end_char for m in mentions}
    doc = i.note.doc
    markers = [
        Evidence(a, b, doc_text(doc)[a:b])
        for a, b in doc._.cc_markers
        if any(s <= a < e for s, e in sents.items())
    ]
    if not guessed and not markers:
        return []
    read = (
        ", ".join(f'"{m.span.text}" as {ext(m.span, "cc_read")}' for m in guessed) or "a gap marker"
    )
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
    route_corrected,
    dx_missing,
    dx_not_supported,
    site_missing,
    patient_supplied,
    unclassified_drug,
    units_undetermined,
    frequency,
    administered_by_missing,
    wastage_undocumented,
    sad_drug,
    units_exceed,
    dictation_unclear,
)


# Note-level checks ----------------------------------------------------------------------------


def _unnamed(note: NoteFacts) -> DraftAdministration | None:
    """A given injection whose drug is not named."""
    return next(
        (c.draft for c in note.coded if c.counts_as_96372 and c.draft.drug_id is None), None
    )


def _loose_record(note: NoteFacts) -> DraftAdministration | None:
    """A given injection that names no drug and is told as no other injection (see
    :func:`drug_missing`): its dose, route and site are the named injection's.
    """
    unnamed = _unnamed(note)
    if unnamed is None or unnamed.unheard or unnamed.told_apart or _classed(unnamed):
        return None
    return unnamed


def _classed(unnamed: DraftAdministration) -> bool:
    """An injection named by a drug class that records its own dose or route."""
    return "setting.class_word_dosed" in unnamed.given_rules


def drug_missing(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """DRUG_MISSING (and DX_MISSING with it): an injection was given, the substance is not named."""
    unnamed = _unnamed(note)
    if unnamed is None or (note.injections and _loose_record(note) is not None):
        # beside a named injection, only a dose whose drug was not heard ("haloperidol 5 mg IM
        # and [inaudible] 2 mg IM"), one told as another injection ("we also gave a shot of ...,
        # 25 mg IM") or one named by its class with its own dose or route ("her first antibiotic
        # dose IM, 1 gram") is a drug missing; other loose attributes are its own
        return []
    ev = [_ev(m) for m in unnamed.doses + unnamed.routes + unnamed.sites]
    shown = ", ".join(dict.fromkeys(e.text for e in ev)) or "an injection"
    out = [f.gap("DRUG_MISSING", ev, unnamed.given_rules + ["gap.drug_missing"], indicators=shown)]
    if not unnamed.sites and not any(
        m.label == "SITE" and m.active and not m.listed for m in note.linked.mentions
    ):
        # "Injection given IM per telephone order": no site anywhere either
        routes = [_ev(m) for m in unnamed.routes]
        out.append(f.gap("SITE_MISSING", routes, ["gap.site_missing"], drug="the injection"))
    if not unnamed.route_codes and (blank_route := f.blank(note.doc, "ROUTE")):
        # "Medication: [unintelligible]", "Route:" left blank: the route is missing as well
        out.append(
            f.gap("ROUTE_MISSING", ev + blank_route, ["gap.route_missing"], drug="the injection")
        )
    if not note.dxs and not note.injections:  # a named injection's own check reports it
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
    rules = [r for m in mentions for r in ext(m.span, "cc_modifier_rules")] + [
        "gap.not_administered"
    ]
    ev = [_ev(m) for m in mentions]
    names = list(dict.fromkeys(c.name for c in not_given if c.name))
    return [
        f.gap(
            "NOT_ADMINISTERED",
            ev,
            rules,
            reason=f" ({reason})" if reason else "",
            drug_list=", ".join(names[:3]) or "an injection",
        )
    ]


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


def _span_ev(span: Span) -> Evidence:
    return Evidence(span.start_char, span.end_char, span.text)


def facility_setting(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """FACILITY_SETTING (advisory): the injection was given in a hospital outpatient department,
    ED or other facility: the facility bills 96372, not the physician.
    """
    if not note.injections:
        return []
    spans = f.current(note.doc, "FACILITY")
    if not spans:
        return []
    return [
        f.gap("FACILITY_SETTING", [_span_ev(spans[0])], ["gap.facility"], setting=spans[0].text)
    ]


def em_codes(f: GapFinder, doc: Doc) -> list[Span]:
    """The E/M codes (99211-99215) written in the note for this encounter."""
    return [s for s in f.advisory(doc, "EM_VISIT") if re.fullmatch(r"9921[1-5]", s.text)]


def em_not_separate(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """EM_NOT_SEPARATE (advisory): an E/M is billed with the injection but nothing in the note is
    evaluated apart from the injection's own reason (no modifier 25), or 99211 for Medicare.
    """
    if not note.injections:
        return []
    codes = em_codes(f, note.doc)
    if not codes:
        return []
    if f.payer.payer.deny_99211_with_injection and any(s.text == "99211" for s in codes):
        span = next(s for s in codes if s.text == "99211")
        return [f.gap("EM_NOT_SEPARATE", [_span_ev(span)], ["gap.em_99211"], em=span.text)]
    if separate_problem(note):
        return []
    return [
        f.gap("EM_NOT_SEPARATE", [_span_ev(codes[0])], ["gap.em_not_separate"], em=codes[0].text)
    ]


def separate_problem(note: NoteFacts) -> bool:
    """Whether the note documents a current problem other than the injections' own reasons."""
    return any(
        not d.mention.historical
        and not any(supports(d.code, c.drug, c.family) for _, c in note.injections)
        for d in note.dxs
    )


def pair_edit(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """PAIR_EDIT (advisory): 96372 with an IV push or infusion, or a vaccine administration, on
    the same day.
    """
    if not note.injections:
        return []
    iv = f.vocab.family("iv")
    others = [
        c for c in note.coded if c.draft.given and (c.kind == "vaccine" or (c.route_code in iv))
    ]
    if not others:
        return []
    other = others[0]
    return [
        f.gap(
            "PAIR_EDIT",
            _adm_evidence(other) + _adm_evidence(note.injections[0][1]),
            ["gap.pair_edit"],
            other=other.name or "another drug",
            service_code=other.service_code or "another code",
        )
    ]


def billed_96372_units(f: GapFinder, doc: Doc) -> tuple[int, Evidence] | None:
    """Units of 96372 the note says are billed ("96372 x2"), with where it says so."""
    m = f._billed.search(doc_text(doc))
    if m is None:
        return None
    value = next((g for g in m.groups() if g), None)
    return (int(value), Evidence(m.start(), m.end(), m.group(0))) if value else None


def injection_units_exceed(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """UNITS_EXCEED (advisory): more 96372 units billed in the note than injections documented."""
    if not note.injections:
        return []
    billed = billed_96372_units(f, note.doc)
    if billed is None or billed[0] <= len(note.injections):
        return []
    return [
        f.gap(
            "UNITS_EXCEED",
            [billed[1]],
            ["gap.units_exceed_96372"],
            hcpcs_code="96372",
            units=billed[0],
            limit=len(note.injections),
            source="injections documented in the note",
            drug="the injections",
        )
    ]


def order_missing(f: GapFinder, note: NoteFacts) -> list[Gap]:
    """ORDER_MISSING (advisory): clinical staff (RN, LPN, MA) gave the drug and the note names no
    order or standing protocol.
    """
    if not note.injections:
        return []
    staff = [s for s in f.advisory(note.doc, "STAFF") if f._staff.search(s.text)]
    if not staff or f.advisory(note.doc, "ORDER"):
        return []
    adm = note.injections[0][1]
    return [
        f.gap(
            "ORDER_MISSING",
            [_span_ev(staff[0])],
            ["gap.order_missing"],
            staff=staff[0].text,
            drug=adm.name or "the drug",
        )
    ]


#: Checks run once per note, after the per-injection checks.
NOTE_CHECKS: tuple[NoteCheck, ...] = (
    drug_missing,
    other_service,
    not_administered,
    lot_missing,
    em_same_day,
    facility_setting,
    em_not_separate,
    pair_edit,
    injection_units_exceed,
    order_missing,
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
