"""Turn coded administrations and diagnoses into documentation gaps (the 96372 rules)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

from . import resources as res
from .coding import CodedAdministration, is_cancer, supports
from .linking import Linked, Mention
from .result import Evidence, Gap

#: Diagnosis categories that are never the reason for an injection: a relative's condition
#: ("family history of pernicious anemia", Z83.2) or a test result ("urine hCG negative").
_NOT_A_REASON = frozenset({"family_history", "pregnancy_test"})

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


@dataclass(frozen=True)
class PatientDiagnosis:
    """An affirmed diagnosis of the patient (not negated, family, rule-out or planned)."""

    mention: Mention
    code: str | None
    category: str | None


def patient_diagnoses(linked: Linked, categories: dict[str, str]) -> list[PatientDiagnosis]:
    """The diagnoses that count as the patient's for medical necessity."""
    out = []
    for m in linked.mentions:
        if m.label != "DIAGNOSIS":
            continue
        if m.negated or m.family or m.uncertain or m.hypothetical:
            continue
        category = categories.get(m.rule or "")
        if category in _NOT_A_REASON:
            continue
        out.append(PatientDiagnosis(m, m.norm, category))
    return out


def has_cancer(dxs: Iterable[PatientDiagnosis]) -> bool:
    """Whether any affirmed diagnosis is a malignancy."""
    return any(is_cancer(d.code) for d in dxs)


class GapFinder:
    """Apply the documentation rules and word each gap from the gap table."""

    def __init__(self, templates: res.GapTable, advisory: res.AdvisoryTable) -> None:
        """Keep the message templates and compile the advisory vocabularies."""
        self.templates = templates.gaps
        self._staff = [
            re.compile(p) for p in advisory.staff_patterns
        ]  # credentials are case-sensitive
        self._em = [re.compile(p, re.I) for p in advisory.em_patterns]
        self._lot = [re.compile(p, re.I) for p in advisory.lot_patterns]
        self._interval = [re.compile(p, re.I) for p in advisory.interval_patterns]

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
        gaps: list[Gap] = []
        given = [c for c in coded if c.draft.given]
        injections = [
            (i, c) for i, c in enumerate(coded) if c.counts_as_96372 and c.draft.drug_id is not None
        ]
        unnamed = next(
            (c.draft for c in coded if c.counts_as_96372 and c.draft.drug_id is None), None
        )
        if injections:
            co_therapies = _co_therapies(linked)
            for index, adm in injections:
                gaps.extend(self._injection_gaps(doc, index, adm, dxs, co_therapies))
        elif unnamed is not None:
            ev = [_ev(m) for m in unnamed.doses + unnamed.routes + unnamed.sites]
            gaps.append(self.gap("DRUG_MISSING", ev, unnamed.given_rules + ["gap.drug_missing"]))
            if not dxs:
                gaps.append(
                    self.gap(
                        "DX_MISSING",
                        self._blank(doc, "DIAGNOSIS"),
                        ["gap.dx_missing"],
                        drug="the injection",
                    )
                )
        elif given:
            for index, adm in enumerate(coded):
                if not adm.draft.given or adm.kind in ("not_injection", "injection"):
                    continue
                code = {
                    "vaccine": "VACCINE",
                    "antineoplastic": "ANTINEOPLASTIC",
                    "immunotherapy": "OTHER_SERVICE",
                }.get(adm.kind, "ROUTE_NOT_SC_IM")
                route = _route_label(adm)
                gaps.append(
                    self.gap(
                        code,
                        _adm_evidence(adm),
                        adm.draft.given_rules + [f"gap.{code.lower()}"],
                        administration=index,
                        drug=adm.name or "the drug",
                        route=route,
                        service_code=adm.service_code or "another code",
                    )
                )
        if not injections and not any(
            g.code
            in ("DRUG_MISSING", "VACCINE", "ANTINEOPLASTIC", "ROUTE_NOT_SC_IM", "OTHER_SERVICE")
            for g in gaps
        ):
            not_given = [c for c in coded if not c.draft.given and c.kind != "not_injection"]
            reason = not_given[0].draft.not_given_reason if not_given else None
            ev = [_ev(m) for c in not_given for m in c.draft.drug_mentions]
            gaps.append(
                self.gap(
                    "NOT_ADMINISTERED",
                    ev,
                    [
                        r
                        for m in (m for c in not_given for m in c.draft.drug_mentions)
                        for r in m.span._.cc_modifier_rules
                    ]
                    + ["gap.not_administered"],
                    reason=f" ({reason})" if reason else "",
                )
            )
        gaps.extend(self._note_advisories(doc, linked, coded, injections))
        return sorted(gaps, key=lambda g: (g.severity != "blocking", g.administration or 0))

    def _injection_gaps(
        self,
        doc: Doc,
        index: int,
        adm: CodedAdministration,
        dxs: list[PatientDiagnosis],
        co_therapies: frozenset[str] = frozenset(),
    ) -> list[Gap]:
        draft = adm.draft
        name = adm.name or "the drug"
        dose_part = f" {adm.dose_text}" if adm.dose_text else ""
        drug_ev = _adm_evidence(adm)
        out: list[Gap] = []
        values = {
            "drug": name,
            "dose_part": dose_part,
            "dose": adm.dose_text or "",
            "administration": index,
        }
        if not draft.doses:
            out.append(
                self.gap(
                    "DOSE_MISSING",
                    drug_ev + self._blank(doc, "DOSE"),
                    ["gap.dose_missing"],
                    **values,
                )
            )
        codes = draft.route_codes
        if not codes:
            site_ev = [_ev(m) for m in draft.sites]
            out.append(
                self.gap(
                    "ROUTE_MISSING",
                    drug_ev + site_ev + self._blank(doc, "ROUTE"),
                    ["gap.route_missing"],
                    **values,
                )
            )
        elif len(codes) > 1:
            out.append(
                self.gap(
                    "ROUTE_CONFLICT",
                    [_ev(m) for m in draft.routes],
                    [m.rule or "" for m in draft.routes] + ["gap.route_conflict"],
                    routes=" and ".join(codes),
                    **values,
                )
            )
        # B12 as an adjunct to pemetrexed: the other drug establishes the need on its own.
        adjunct = bool(adm.drug and co_therapies & set(adm.drug.supporting_drugs))
        if adjunct:
            pass
        elif not dxs:
            out.append(
                self.gap(
                    "DX_MISSING",
                    drug_ev + self._blank(doc, "DIAGNOSIS"),
                    ["gap.dx_missing"],
                    **values,
                )
            )
        elif not any(supports(d.code, adm.drug) for d in dxs):
            shown = list(dict.fromkeys(d.mention.span.text for d in dxs))
            out.append(
                self.gap(
                    "DX_NOT_SUPPORTED",
                    [_ev(d.mention) for d in dxs],
                    [d.mention.rule or "" for d in dxs] + ["gap.dx_not_supported"],
                    dx=", ".join(shown[:3]),
                    indication=(
                        adm.drug.indication_note if adm.drug and adm.drug.indication_note else ""
                    ),
                    **values,
                )
            )
        if not draft.sites:
            out.append(self.gap("SITE_MISSING", drug_ev, ["gap.site_missing"], **values))
        if draft.patient_supplied:
            out.append(self.gap("PATIENT_SUPPLIED", drug_ev, ["gap.patient_supplied"], **values))
        elif adm.hcpcs == "J3490":
            out.append(self.gap("UNCLASSIFIED_DRUG", drug_ev, ["gap.unclassified"], **values))
        if adm.units_undetermined and adm.drug and adm.drug.billing_unit:
            unit = adm.drug.billing_unit
            out.append(
                self.gap(
                    "UNITS_UNDETERMINED",
                    [_ev(m) for m in draft.doses],
                    ["gap.units"],
                    hcpcs=adm.hcpcs,
                    billing_unit=unit.unit,
                    **values,
                )
            )
        if adm.drug and adm.drug.min_interval_days:
            days = self._days_since_last(doc, draft)
            if days is not None and days < adm.drug.min_interval_days:
                out.append(
                    self.gap(
                        "FREQUENCY",
                        drug_ev,
                        ["gap.frequency"],
                        days=days,
                        min_days=adm.drug.min_interval_days,
                        **values,
                    )
                )
        if not any(p.search(doc.text) for p in self._staff):
            out.append(
                self.gap("ADMINISTERED_BY_MISSING", drug_ev, ["gap.administered_by"], **values)
            )
        return out

    def _note_advisories(
        self, doc: Doc, linked: Linked, coded: list[CodedAdministration], injections: list
    ) -> list[Gap]:
        out: list[Gap] = []
        for index, adm in enumerate(coded):
            if (
                adm.kind == "vaccine"
                and adm.draft.given
                and not any(p.search(doc.text) for p in self._lot)
            ):
                out.append(
                    self.gap(
                        "LOT_MISSING",
                        _adm_evidence(adm),
                        ["gap.lot_missing"],
                        administration=index,
                        drug=adm.name,
                    )
                )
        if injections:
            for p in self._em:
                m = p.search(doc.text)
                if m:
                    out.append(
                        self.gap(
                            "EM_SAME_DAY",
                            [Evidence(m.start(), m.end(), m.group())],
                            ["gap.em_same_day"],
                        )
                    )
                    break
        return out

    def _blank(self, doc: Doc, label: str) -> list[Evidence]:
        return [
            Evidence(s, e, doc.text[s:e]) for lab, s, e in doc._.cc_blank_fields if lab == label
        ]

    def _days_since_last(self, doc: Doc, draft) -> int | None:  # type: ignore[no-untyped-def]
        for m in draft.drug_mentions:
            if not m.historical:
                continue
            sent = m.span.sent
            for p in self._interval:
                hit = p.search(sent.text)
                if hit:
                    n = hit.group("n").lower()
                    value = int(n) if n.isdigit() else _WORD_NUMBERS.get(n, 0)
                    return value * (7 if hit.group("unit").lower().startswith("w") else 1)
        return None


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
