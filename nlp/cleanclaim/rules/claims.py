"""Suggested claim lines: what a coder would enter for the note, each with its evidence.

Built after the gaps, from the coded administrations: one 96372 line per distinct given SC/IM
injection (the payer's 59/XU advice on the second and later), each drug's HCPCS code and units
(JZ when the note says nothing of a single-dose container was discarded; a separate JW line for
a documented discarded amount), and an E/M code written in the note with modifier 25 when the
note documents a separately identifiable problem. A line the note cannot support is left out;
the gap that says why is already in the review (DOSE_MISSING, UNITS_UNDETERMINED,
EM_NOT_SEPARATE, ...) or is added here (CODE_UNDETERMINED).
"""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Doc, Span

from ..pipeline.extensions import doc_ents
from ..result import ClaimLine, Evidence, Gap
from . import doses as dose_parser
from .coding import CodedAdministration, rule_units
from .gaps import GapFinder, NoteFacts, _adm_evidence, em_codes, separate_problem

#: Blocking gaps that take the administration's 96372 and drug lines off the claim.
_LINE_BLOCKERS = frozenset(
    {"DOSE_MISSING", "ROUTE_MISSING", "ROUTE_CONFLICT", "DX_MISSING", "DX_NOT_SUPPORTED"}
)


def claim_lines(
    doc: Doc,
    coded: list[CodedAdministration],
    note: NoteFacts,
    gaps: list[Gap],
    finder: GapFinder,
    reader: dose_parser.DoseReader,
) -> tuple[list[ClaimLine], list[Gap]]:
    """The claim lines the note supports, and the gaps that explain lines left out."""
    blocked = {g.administration for g in gaps if g.blocking and g.code in _LINE_BLOCKERS}
    note_blocked = any(g.blocking and g.code not in _LINE_BLOCKERS for g in gaps)
    lines: list[ClaimLine] = []
    extra: list[Gap] = []
    if note_blocked:
        return lines, extra
    modifier = finder.payer.payer.second_injection_modifier
    injections = [(i, c) for i, c in enumerate(coded) if c.counts_as_96372 and c.draft.drug_id]
    count = 0
    for index, adm in injections:
        if index in blocked:
            continue
        ev = tuple(_adm_evidence(adm))
        mods = (modifier,) if modifier and count >= 1 else ()
        lines.append(
            ClaimLine(
                "96372",
                1,
                mods,
                ev,
                "Therapeutic, prophylactic or diagnostic injection; subcutaneous or intramuscular",
                index,
            )
        )
        count += 1
        lines.extend(_drug_lines(doc, index, adm, note, finder, reader, extra))
    lines.extend(_em_line(finder, note))
    return lines, extra


def _drug_lines(
    doc: Doc,
    index: int,
    adm: CodedAdministration,
    note: NoteFacts,
    finder: GapFinder,
    reader: dose_parser.DoseReader,
    extra: list[Gap],
) -> list[ClaimLine]:
    ev = tuple(_adm_evidence(adm)) + tuple(
        Evidence(m.start, m.end, m.span.text) for m in adm.draft.doses[:1]
    )
    if adm.draft.patient_supplied:
        return []  # PATIENT_SUPPLIED says why
    rule = adm.code_rule
    if rule is None:
        if adm.hcpcs == "J3490" or (adm.drug is not None and adm.drug.code_rules and adm.dose):
            if adm.hcpcs != "J3490":
                extra.append(
                    finder.gap(
                        "CODE_UNDETERMINED",
                        list(ev),
                        ["gap.code_undetermined"],
                        administration=index,
                        drug=adm.name or "the drug",
                        day=(note.day or date.today()).isoformat(),
                    )
                )
        return []
    if adm.units is None:
        return []  # DOSE_MISSING or UNITS_UNDETERMINED says why
    wasted, wasted_ev = _wastage(doc, adm, note, finder, reader)
    single = finder.payer.payer.require_jw_jz and finder.single_dose(adm, note.day)
    mods: tuple[str, ...] = ()
    lines = []
    if single and wasted == 0:
        mods = ("JZ",)
    line = ClaimLine(rule.hcpcs, adm.units, mods, ev, rule.descriptor, index)
    lines.append(line)
    if wasted and wasted > 0:
        lines.append(ClaimLine(rule.hcpcs, wasted, ("JW",), wasted_ev, rule.descriptor, index))
    return lines


def _wastage(
    doc: Doc,
    adm: CodedAdministration,
    note: NoteFacts,
    finder: GapFinder,
    reader: dose_parser.DoseReader,
) -> tuple[int | None, tuple[Evidence, ...]]:
    """Billing units discarded (0: none discarded; None: not documented or not measurable)."""
    if finder.advisory(doc, "NO_WASTAGE"):
        spans = finder.advisory(doc, "NO_WASTAGE")
        return 0, (Evidence(spans[0].start_char, spans[0].end_char, spans[0].text),)
    rule = adm.code_rule
    for span in finder.advisory(doc, "WASTAGE"):
        amount, dose_span = _amount_near(doc, span, reader)
        if amount is None or rule is None:
            continue
        if amount.value == 0:
            return 0, (Evidence(span.start_char, span.end_char, span.text),)
        conc = adm.drug.standard_concentration if adm.drug else None
        units = rule_units(rule, amount, conc)
        if units is None:
            continue
        ev = (
            Evidence(span.start_char, span.end_char, span.text),
            Evidence(dose_span.start_char, dose_span.end_char, dose_span.text),
        )
        return units, ev
    return None, ()


_ZERO = re.compile(r"0+(?:\.0+)?\s*[^\W\d_]+\.?$")


def _amount_near(
    doc: Doc, span: Span, reader: dose_parser.DoseReader
) -> tuple[dose_parser.Amount | None, Span]:
    """The amount written closest to a wastage word in its sentence ("20 mg wasted")."""
    sent = span.sent
    best: tuple[int, dose_parser.Amount, Span] | None = None
    for ent in doc_ents(doc):
        if ent.label_ != "DOSE" or ent.start < sent.start or ent.end > sent.end:
            continue
        parsed = reader.parse(ent.text)
        if parsed is None and _ZERO.match(ent.text):
            parsed = dose_parser.Amount(0, "")  # "0 mg discarded": none was
        if parsed is None or parsed.is_concentration:
            continue
        distance = min(abs(ent.start - span.end), abs(span.start - ent.end))
        if best is None or distance < best[0]:
            best = (distance, parsed, ent)
    return (best[1], best[2]) if best else (None, span)


def _em_line(finder: GapFinder, note: NoteFacts) -> list[ClaimLine]:
    """The E/M code written in the note, with modifier 25, when a separate problem is documented."""
    codes = em_codes(finder, note.doc)
    if not codes or not note.injections:
        return []
    span = codes[0]
    if span.text == "99211" and finder.payer.payer.deny_99211_with_injection:
        return []  # EM_NOT_SEPARATE says why
    if not separate_problem(note):
        return []  # EM_NOT_SEPARATE says why
    ev = (Evidence(span.start_char, span.end_char, span.text),)
    return [ClaimLine(span.text, 1, ("25",), ev, "Office or other outpatient E/M visit")]
