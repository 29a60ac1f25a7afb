"""Link mentions into administrations and decide which were given at this encounter.

A DOSE, ROUTE or SITE belongs to the nearest drug in its sentence; failing that, to the nearest
drug in its paragraph or template block; failing that, when the note has a single candidate
drug, to that drug. Mentions of one drug merge into one administration. An administration was
given when one of its mentions carries administration wording, sits in an administration
section, or is written as a done act (dose and injectable route, or a site) outside a plan.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from spacy.tokens import Doc, Span

from .. import resources as res
from ..pipeline.extensions import doc_ents, doc_text, ext, span_text
from ..pipeline.lines import Sentences
from .vocabulary import RuleVocabulary

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NOT_SERVICE_KINDS = frozenset({"list", "history", "family"})
#: Sections that never record an administration, whatever their wording ("tolerated amoxicillin").
_ALLERGY_SECTIONS = frozenset({"allergies"})
#: The routes that, with a dose and a site, make a list item an administration record.
_ITEM_ROUTES = frozenset({"IM", "SC"})


@dataclass(eq=False)
class Mention:
    """A mention with what linking needs to know about it (equal only to itself).

    Its ConText flags are read once (ConText runs before any rule) and kept.
    """

    span: Span
    label: str
    start: int
    end: int
    sent: int
    para: int
    section: str | None
    section_kind: str | None
    norm: str | None
    rule: str | None
    drug: Mention | None = None
    attrs: list[Mention] = field(default_factory=list)
    #: Where the run of attributes this one closes begins ("6 mg SC left thigh"): a preceding
    #: drug is as near to the site as to the dose that opens the run.
    chain_start: int = -1
    #: A route or site checked in a template field ("Site: ☒ L deltoid").
    boxed: bool = False
    #: In an earlier encounter exported with the one reviewed (a dose of that date).
    earlier: bool = False

    @cached_property
    def negated(self) -> bool:
        """ConText found negation, a decline, a hold or a deferral."""
        return bool(ext(self.span, "is_negated"))

    @cached_property
    def historical(self) -> bool:
        """ConText found history wording, or the mention is in an earlier encounter's part."""
        return self.earlier or bool(ext(self.span, "is_historical"))

    @cached_property
    def hypothetical(self) -> bool:
        """ConText found plan, order or future wording."""
        return bool(ext(self.span, "is_hypothetical"))

    @cached_property
    def family(self) -> bool:
        """The mention is about a relative (flag or family-history section)."""
        return bool(ext(self.span, "is_family")) or self.section_kind == "family"

    @cached_property
    def uncertain(self) -> bool:
        """ConText found rule-out, possible or pending wording."""
        return bool(ext(self.span, "is_uncertain"))

    @property
    def listed(self) -> bool:
        """The mention sits in a medication, allergy or history list."""
        return self.section_kind in _NOT_SERVICE_KINDS

    @property
    def recorded_as_given(self) -> bool:
        """Administration wording or a clock time on the mention or its own dose, route or site
        ("ketorolac 60 mg IM R ventrogluteal 16:07"); never in an allergy list ("Allergies: none;
        tolerated amoxicillin as a child").
        """
        if self.section in _ALLERGY_SECTIONS:
            return False
        return (
            any(
                ext(s, "cc_given") or ext(s, "cc_this_encounter")
                for s in [self.span, *(a.span for a in self.attrs)]
            )
            or self._item_with_its_site
        )

    @property
    def _item_with_its_site(self) -> bool:
        """A list item that names the dose, an intramuscular or subcutaneous route and the site
        on its own line ("Meds: promethazine 25 mg IM R ventrogluteal"): a medication list never
        names where a dose went.
        """
        drug = self if self.label == "DRUG" else self.drug
        if drug is None:
            return False
        own = {
            a.label
            for a in drug.attrs
            if a.sent == drug.sent and (a.label != "ROUTE" or a.norm in _ITEM_ROUTES)
        }
        return {"DOSE", "ROUTE", "SITE"} <= own

    @property
    def active(self) -> bool:
        """The mention can describe something done for this patient at this visit.

        A list section is usually a medication list, but an ED "Meds:" list with times or
        "given" records administrations, so a listed mention with such wording stays active.
        """
        listed = self.listed and not (self.section_kind == "list" and self.recorded_as_given)
        return not (
            self.negated or self.family or listed or self.historical or ext(self.span, "cc_diluent")
        )


@dataclass
class DraftAdministration:
    """An administration being assembled: one drug (or none) and its linked mentions."""

    drug_id: str | None
    drug_mentions: list[Mention] = field(default_factory=list)
    doses: list[Mention] = field(default_factory=list)
    routes: list[Mention] = field(default_factory=list)
    sites: list[Mention] = field(default_factory=list)
    given: bool = False
    not_given_reason: str | None = None
    given_rules: list[str] = field(default_factory=list)
    supplied_by_patient: bool = False  # "patient brought own pens" in another sentence
    #: Where and when it was given (rules/setting.py): this_encounter, within_procedure, ...
    setting: str | None = None
    #: Given as part of a procedure (bundled into it): not a 96372, not "nothing given".
    bundled: bool = False
    #: Route mentions an addendum or correction replaced (the latest statement wins).
    replaced_routes: list[Mention] = field(default_factory=list)
    #: Where a correcting addendum that re-states this drug begins (-1: none): what the note
    #: said of it before, given or not given, is replaced (the latest statement wins).
    corrected_at: int = -1
    #: An unnamed administration read from attributes right after an "[inaudible]" marker: a
    #: drug was given but not heard, whatever other drugs the note names.
    unheard: bool = False
    #: An unnamed administration told in a sentence of its own ("we also gave a shot of ..., 25
    #: mg IM"): another injection whose drug is not named, whatever other drugs the note names.
    told_apart: bool = False
    #: Route code → family (from the route table), for :attr:`route_codes`.
    families: dict[str, str] = field(default_factory=dict, repr=False)
    #: The mentions of doses, routes and sites (a set, so collecting many stays linear).
    collected: set[Mention] = field(default_factory=set, repr=False, compare=False)

    @property
    def first(self) -> Mention | None:
        """The first mention of the drug: the name shown to users."""
        return self.drug_mentions[0] if self.drug_mentions else None

    @property
    def route_codes(self) -> list[str]:
        """Distinct route codes, most specific IV code kept, in order of appearance."""
        codes = list(dict.fromkeys(m.norm for m in self.routes if m.norm))
        iv = [c for c in codes if self.families.get(c) == "iv"]
        if len(iv) > 1 and "IV" in codes:
            codes.remove("IV")
        injectable = [c for c in codes if self.families.get(c) != "non_injection"]
        return injectable or codes

    @property
    def patient_supplied(self) -> bool:
        """Any mention (or, for a note's only drug, any sentence) says the patient supplied it."""
        return self.supplied_by_patient or any(
            ext(m.span, "cc_patient_supplied") for m in self.drug_mentions
        )


@dataclass
class Linked:
    """All mentions of a note and the administrations assembled from them."""

    mentions: list[Mention]
    administrations: list[DraftAdministration]
    unnamed: DraftAdministration | None
    standalone_given: list[str]
    #: Ids of drug mentions that say they are no injection here (a tablet, a cream, an Rx line).
    not_injected: frozenset[int] = frozenset()
    #: The first token of each sentence that records an administration naming no drug
    #: ("1st injection given today in clinic").
    standalone_sentences: tuple[int, ...] = ()


def mentions_of(doc: Doc) -> list[Mention]:
    """Wrap ``doc.ents`` with sentence, paragraph and section information."""
    breaks = [m.start() for m in _BLANK_LINE.finditer(doc_text(doc))]
    sections = sorted(doc._.cc_section_spans, key=lambda s: s[2])
    Sentences(doc).install()
    out = []
    # The section of a mention is the latest-starting one that holds it: a sweep over the
    # mentions in order with a heap of the sections begun so far (latest start on top).
    begun: list[tuple[int, int]] = []
    nxt = 0
    for ent in doc_ents(doc):
        start = ent.start_char
        while nxt < len(sections) and sections[nxt][2] <= start:
            heapq.heappush(begun, (-sections[nxt][2], -nxt))
            nxt += 1
        while begun and sections[-begun[0][1]][3] <= start:
            heapq.heappop(begun)  # ended before this mention, so before every later one
        section = kind = None
        if begun:
            section, kind = sections[-begun[0][1]][:2]
        out.append(
            Mention(
                span=ent,
                label=ent.label_,
                start=start,
                end=ent.end_char,
                sent=ent.sent.start,
                para=bisect.bisect_right(breaks, start),
                section=section,
                section_kind=kind,
                norm=ext(ent, "cc_norm"),
                rule=ext(ent, "cc_rule"),
            )
        )
    return out


#: The reason a drug named with no administration wording, dose, route or site was not given;
#: the later steps that may find it given after all look for it.
NO_ACT_REASON = "no administration documented"
#: How far before a drug a laboratory word is read ("bioavailable testosterone").
_LAB_WORD = 16


def link(
    doc: Doc,
    drugs: res.DrugTable,
    vocab: RuleVocabulary,
    ignored: frozenset[int] = frozenset(),
    checked: frozenset[int] = frozenset(),
    earlier: tuple[tuple[int, int], ...] = (),
) -> Linked:
    """Link the mentions of ``doc`` into administrations.

    ``ignored``: start offsets of mentions that document nothing (an unchecked template box, a
    charge line): they stay in the mentions but are linked to nothing. ``checked``: start
    offsets of the routes and sites checked in a template field. ``earlier``: character ranges
    of encounters dated before the one reviewed, exported with it: their drugs, doses, routes
    and sites are history (their diagnoses stay the patient's).
    """
    mentions = mentions_of(doc)
    for lo, hi in earlier:
        for m in mentions:
            if lo <= m.start < hi and m.label != "DIAGNOSIS":
                m.earlier = True
    if checked:
        for m in mentions:
            m.boxed = m.start in checked
    classes = {d.id: d.drug_class for d in drugs.drugs}
    text = doc_text(doc)
    anchors = [m for m in mentions if m.label == "DRUG" and m.start not in ignored]
    # "Xylocaine 1% without epinephrine": the product's description, not a drug of its own
    local = {d.id for d in drugs.drugs if d.local_anesthetic}
    anchors = [
        m
        for i, m in enumerate(anchors)
        if not (i and _WITHOUT.fullmatch(text, anchors[i - 1].end, m.start))
    ]
    # "1% lidocaine with 1:100,000 epinephrine": the anesthetic's own vasoconstrictor anchors
    # its sentence's dose and route like the anesthetic, but is no administration of its own
    mixed = {
        id(m): anchors[i - 1]
        for i, m in enumerate(anchors)
        if i
        and m.norm == "epinephrine"
        and anchors[i - 1].norm in local
        and _WITH_RATIO.fullmatch(text, anchors[i - 1].end, m.start)
    }
    # Diluents (lidocaine, saline) anchor the doses and routes of their own sentence when no
    # other drug is there ("Normal saline 1 L IV bolus"), but are never administrations; nor is
    # a drug named as a laboratory value ("B12 level drawn today").
    drug_mentions = [
        m
        for m in anchors
        if classes.get(m.norm or "") != "diluent"
        and not ext(m.span, "cc_diluent")
        and id(m) not in mixed
        and not vocab.lab_after.match(text, m.end)
        and not vocab.lab_before.search(text, max(0, m.start - _LAB_WORD), m.start)
    ]
    attributes = [
        m for m in mentions if m.label in ("DOSE", "ROUTE", "SITE") and m.start not in ignored
    ]
    index = _Drugs(drug_mentions, anchors)
    _chain(doc, mentions)
    unheard = _after_marker(doc, attributes, anchors)
    dose_starts = sorted(a.start for a in attributes if a.label == "DOSE") if unheard else None
    fields = _said_fields(doc, attributes, vocab) if doc._.cc_spoken_marks else frozenset()
    if "RX" in text:
        # "RXR|SC^Subcutaneous^HL70162|LA^Left Arm^HL70163": an interface message's record
        fields = frozenset(fields) | {
            id(a) for a in attributes if vocab.record_segment.match(text, _line_of(a))
        }
    # a template field line ("Route: IM   Site: R gluteal (upper outer)   Time: 13:40   Lot:
    # ...") describes the drug of the line above however long it runs
    fields |= {id(a) for a in attributes if _field_line(doc, text, a, vocab)}
    # "We also gave a shot of the [inaudible] for the itching, 25 mg IM": a sentence that tells
    # an injection of its own lends its dose and route to no drug of another sentence
    told_apart: dict[int, bool] = {}  # by sentence: each is searched once
    for a in attributes:
        if a.sent not in told_apart:
            sent = a.span.sent
            found = vocab.another_injection.search(text, sent.start_char, sent.end_char)
            told_apart[a.sent] = found is not None
    apart = {id(a) for a in attributes if told_apart[a.sent]}
    named = {id(m) for m in drug_mentions}
    diluting = [m for m in anchors if m.norm in local or id(m) not in named]
    for attr in attributes:
        attr.drug = _nearest_drug(
            attr, drug_mentions, anchors, index, unheard, dose_starts, fields, apart
        )
        if attr.drug is not None and id(attr.drug) in mixed:
            attr.drug = mixed[id(attr.drug)]  # the epinephrine's anesthetic holds its attributes
        if (
            attr.label == "ROUTE"
            and attr.norm == _HYDRATION_ROUTE
            and attr.drug is not None
            and attr.drug.start > attr.start
        ):
            # "a one liter normal saline bolus, and Toradol 30 mg IM": the fluid's own words,
            # never the route of a drug named after them
            attr.drug = None
        if attr.label == "DOSE" and diluting and _PERCENT.search(attr.span.text):
            # "Rocephin ... reconstituted with one percent lidocaine": the strength of the
            # diluent or anesthetic right after it, never the drug's dose
            after = [m for m in diluting if 0 <= m.start - attr.end <= _PERCENT_GAP]
            if after:
                attr.drug = after[0]
        if attr.label == "DOSE" and diluting and attr.drug is not None:
            # "(diluted in 1% lidocaine 2.1 mL)", "reconstituted with lidocaine one percent":
            # the amount or strength written right after the diluent is the diluent's
            own = [m for m in diluting if _AFTER_DILUENT.fullmatch(text, m.end, attr.start)]
            if own and attr.drug not in own:
                attr.drug = own[-1]
    _respectively(doc, drug_mentions, attributes)
    closed = _not_injected(doc, drug_mentions, attributes, vocab)
    for attr in attributes:
        label = closed.get(id(attr.drug)) if attr.drug is not None else None
        if label == _OUTSIDE_TABLE and id(attr) in fields:
            # "Cabenuva 600 mg/900 mg" then "Route: IM" (or "route colon I M", dictated): the
            # template's fields
            label = None
        if label is not None and (
            attr.drug.sent != attr.sent
            or attr.end <= label
            or _sentence_between(text, attr)
            # "vomited oral amoxicillin x3 -> injection given 710 mg IM L thigh": what follows
            # the injection word is the injection's, not the oral drug's
            or (
                label == _ORAL_FORM
                and attr.start > attr.drug.end
                and vocab.injection_nouns.search(text, attr.drug.end, attr.start) is not None
            )
        ):
            # "Given IM L deltoid. Meds: sertraline 50 mg tab": not the tablet's route and site
            attr.drug = None
        if attr.drug is not None:
            attr.drug.attrs.append(attr)

    drafts: dict[str, DraftAdministration] = {}
    for m in drug_mentions:
        key = m.norm or m.span.text.lower()
        draft = drafts.setdefault(key, DraftAdministration(drug_id=m.norm, families=vocab.families))
        draft.drug_mentions.append(m)

    _stems_into_forms(drafts)
    _local_anesthetic_procedures(drafts, anchors, local, vocab)
    drafts = _split_by_route_family(
        drafts, frozenset(k for k, v in closed.items() if v == _ORAL_FORM)
    )
    # a drug named only as an allergen ("Penicillin allergy: none") is no candidate either
    candidates = [
        d
        for d in drafts.values()
        if any(m.active and not vocab.allergen_after.match(text, m.end) for m in d.drug_mentions)
    ]
    # a drug that says it is no injection (a tablet, a cream, a medication-list line) is never
    # the drug of another sentence's injection
    open_candidates = [
        d for d in candidates if not all(id(m) in closed for m in d.drug_mentions if m.active)
    ]
    # "Injection per standing order: 1 mL IM R deltoid": a sentence opening with an injection
    # word, with an SC/IM route and a dose or site and no plan wording, records one
    injection_records = _injection_records(attributes, vocab)
    # An unattached "PO" ("unable to take PO") says nothing about an injection.
    orphans = [
        a
        for a in attributes
        if a.drug is None
        and _attr_active(a)
        and (
            id(a) in unheard
            or id(a) in fields
            or id(a) in apart
            or _lends_across_sentences(a, vocab.act_routes, vocab.act_title_line)
            or id(a) in injection_records
            or (a.label != "DOSE" and _acts_on_a_pronoun(a, vocab.pronoun_act))
        )
        and not (a.label == "ROUTE" and a.norm in vocab.non_injection)
    ]
    standalone_at = _standalone_sentences(doc, mentions, vocab.exam_injected)
    standalone = [rule for rule, _ in standalone_at]

    for draft in drafts.values():
        for m in draft.drug_mentions:
            if m.active:
                _collect(draft, m.attrs)
        decide_given(draft)
    _given_after_plan_line(doc, list(drafts.values()), standalone_at, vocab)
    lines = _line_starts(text)
    _given_under_lead_in(doc, list(drafts.values()), vocab, lines)
    _given_on_form(doc, list(drafts.values()), vocab, lines)
    _planned_under_lead_in(doc, list(drafts.values()), vocab, lines)
    for draft in drafts.values():
        _drop_plan_routes(draft)
        _drop_prescribed_doses(draft)

    # a dose after "[inaudible]" is not the only named drug's: its drug was not heard
    unheard_orphans = [a for a in orphans if id(a) in unheard]
    orphans = [a for a in orphans if id(a) not in unheard]
    # the dose and route of a sentence telling an injection of its own are an unnamed drug's,
    # never the only named drug's (a route alone, "a second injection ... of the first dorsal
    # compartment can be considered", tells none)
    own_injection = [a for a in orphans if id(a) in apart]
    if {"ROUTE", "DOSE"} <= {a.label for a in own_injection}:
        orphans = [a for a in orphans if id(a) not in apart]
    else:
        own_injection = []
    if not own_injection and len(open_candidates) == 1:
        # "- Cyanocobalamin 1000 mcg IM, L deltoid" then "- For back pain: 60 mg IM given
        # 16:07": a list item recording another dose of its own names no drug
        own_injection = _second_item(text, open_candidates[0], orphans, vocab)
        orphans = [a for a in orphans if a not in own_injection]
    unnamed = None
    told = _told_injection(text, candidates, orphans, vocab)
    if told is not None:
        # "Given Rogaine 300 mcg IM left deltoid. She tolerated the sub cute injection well.":
        # the injection told again is the one given, not another (ROUTE_CONFLICT when the
        # routes differ)
        draft, routes = told
        _collect(draft, routes)
        orphans = [a for a in orphans if a not in routes]
    if (len(candidates) == 1 and _oral_only(candidates[0], orphans, vocab)) or (
        candidates and not open_candidates and _injection_orphans(orphans, vocab)
    ):
        # "Injection for pain given IM R glute. Naproxen 500 mg PO BID.": the injection is not
        # the tablet's; its drug is unnamed (DRUG_MISSING)
        candidates = []
        unnamed = _unnamed(orphans + unheard_orphans, standalone, vocab)
        unheard_orphans = []
    elif (
        len(candidates) == 1
        and orphans
        and all(m.hypothetical or m.uncertain for m in candidates[0].drug_mentions if m.active)
        and (unplanned := _unnamed(orphans + unheard_orphans, standalone, vocab)) is not None
        and unplanned.given
    ):
        # "Injection per standing order: 1 mL IM R deltoid. ... Asked about influenza vaccine -
        # out of stock": the only drug named was asked about, not given; the injection given
        # names no drug (DRUG_MISSING)
        candidates = []
        unnamed = unplanned
        unheard_orphans = []
    elif len(candidates) == 1:
        only = candidates[0]
        _collect(only, orphans)
        only.supplied_by_patient = _note_says_patient_supplied(doc)
        planned_only = all(m.hypothetical or m.uncertain for m in only.drug_mentions if m.active)
        if not only.given and not planned_only and not any(m.negated for m in only.drug_mentions):
            evidence = [r for a in orphans for r in _given_rules(a.span)] + standalone
            if any(a.section_kind == "administration" for a in orphans):
                evidence.append("section.administration")
            if evidence:
                only.given = True
                only.not_given_reason = None
                only.given_rules.extend(evidence)
    elif (
        len(candidates) > 1
        and len(real := _not_planned_only(candidates)) == 1
        and real[0].given
        and not any(a.label == "ROUTE" and a.norm in vocab.act_routes for a in orphans)
    ):
        # "testosterone cypionate 200 mg sub Q today ... injection colon given I M right vastus
        # lateralis ... he asked about clomid": the one drug given holds the loose record of an
        # injection (its SC/IM route and site), not the drug only asked about
        _collect(
            real[0],
            [
                a
                for a in orphans
                if a.label == "SITE"
                or (a.label == "ROUTE" and vocab.families.get(a.norm or "") == "sc_im")
            ],
        )
    elif len(candidates) > 1:
        # "GREATER OCCIPITAL NERVE BLOCK" heading a procedure note, then "bupivacaine and
        # methylprednisolone ... injected": the procedure is how its injected drugs were given
        acts = [
            a
            for a in orphans
            if a.label == "ROUTE"
            and a.norm in vocab.act_routes
            and _on_title_line(a, vocab.act_title_line)
        ]
        for draft in candidates if acts else ():
            if draft.given and not draft.routes:
                _collect(draft, acts)
    elif not candidates and orphans + unheard_orphans:
        unnamed = _unnamed(orphans + unheard_orphans, standalone, vocab)
    elif (
        not candidates
        and not anchors
        and standalone
        and vocab.injection_words.search(doc_text(doc))
    ):
        # "Injection given, tolerated well." with no drug at all (a local anesthetic or a
        # diluent explains its own injection words)
        unnamed = DraftAdministration(
            drug_id=None, given=True, given_rules=standalone, families=vocab.families
        )
    if unnamed is None and unheard_orphans:
        unnamed = _unnamed(unheard_orphans, standalone, vocab)
        if unnamed is not None:
            unnamed.unheard = True
    if unnamed is None and own_injection:
        unnamed = _unnamed(own_injection, standalone, vocab, told=True)
        if unnamed is not None:
            unnamed.told_apart = True
    fluids = _hydration(doc, drugs, anchors, attributes, list(drafts.values()), vocab)
    return Linked(
        mentions,
        [*drafts.values(), *fluids],
        unnamed,
        standalone,
        frozenset(closed),
        tuple(start for _, start in standalone_at),
    )


#: A list item's opening: a bullet or a number ("- ", "2. ", "(b) ").
_ITEM = re.compile(r"[ \t]*(?:[-*•]|\(?\w\)|\d{1,2}[.)])[ \t]")
#: A numbered row of an aligned table (" 2  10:14  <drug not mapped>  2 mL  IM ..."): one
#: administration per row, whatever its dose is written in.
_ROW = re.compile(r"[ \t]*(?:\d{1,3}|\d{1,2}:?\d{2})[ \t]{2,}\S")
#: A dose's amount and unit ("60 mg", "1,000 mcg", "1.2 million units").
_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million\s+)?(mcg|mg|g|units?)\b", re.I)


def _second_item(
    text: str, only: DraftAdministration, orphans: list[Mention], vocab: RuleVocabulary
) -> list[Mention]:
    """The dose, route and site of a list item that records a dose given (administration
    wording or a clock time) and names no drug, when the only drug of the note was given with
    its own route (and dose, for a bulleted item) on its own item and this dose is not a share
    of it: another injection, whose drug is missing ("- Cyanocobalamin 1000 mcg IM, L deltoid"
    then "- For back pain: 60 mg IM given 16:07"; a MAR's rows "0612 Toradol IM L gluteal" and
    "0615 antiemetic 1 mL IM R deltoid"). They are taken from the drug's administration. Else
    [].
    """
    if not only.given or not only.doses or not only.routes:
        return []
    named = {_line_of(m) for m in only.drug_mentions}
    theirs = [q for d in only.doses if _line_of(d) in named and (q := _amount(d)) is not None]
    if not any(_line_of(r) in named for r in only.routes):
        return []
    items: dict[int, list[Mention]] = defaultdict(list)
    for a in [*orphans, *only.doses, *only.routes, *only.sites]:
        if _line_of(a) not in named:
            items[_line_of(a)].append(a)
    for start, group in items.items():
        row = _ROW.match(text, start) is not None
        if not row and (not theirs or not _ITEM.match(text, start)):
            continue  # a bulleted item against the drug's own dose; a table row on its own
        doses = [q for a in group if a.label == "DOSE" and (q := _amount(a)) is not None]
        if row and not doses and any(a.label == "DOSE" for a in group):
            doses = [(0.0, "volume")]  # a row's volume: another row's administration
        routes = [a for a in group if a.label == "ROUTE" and vocab.families.get(a.norm) == "sc_im"]
        recorded = any(
            ext(a.span, "cc_given")
            or ext(a.span, "cc_this_encounter")
            or a.section_kind == "administration"
            for a in group
        )
        if not doses or not routes or not recorded:
            continue
        if any(_share(q, t) for q in doses for t in theirs):
            continue  # "1.2 million units IM each buttock": a split dose of the drug's
        for bucket in (only.doses, only.routes, only.sites):
            bucket[:] = [a for a in bucket if a not in group]
        only.collected.difference_update(group)
        return group
    return []


def _amount(dose: Mention) -> tuple[float, str] | None:
    """(amount, unit) of a dose in mass or units; None for a volume or a dose not read."""
    m = _AMOUNT.search(ext(dose.span, "cc_read") or dose.span.text)
    if m is None:
        return None
    value = float(m.group(1).replace(",", "")) * (1_000_000 if m.group(2) else 1)
    return value, m.group(3).lower().rstrip("s")


def _share(part: tuple[float, str], whole: tuple[float, str]) -> bool:
    """The same dose, or a half, third or quarter of it, in the same unit."""
    if part[1] != whole[1] or part[0] <= 0:
        return False
    return any(abs(part[0] * k - whole[0]) < 1e-6 for k in (1, 2, 3, 4))


#: Words right before a drug that make it another dose than the one recorded ("Second
#: epinephrine dose not needed", "no repeat Toradol").
_ANOTHER_DOSE = re.compile(
    r"\b(?:second|2nd|third|3rd|another|additional|repeat|repeated|further|extra|more)[ \t]+(?:dose[ \t]+of[ \t]+)?$",
    re.I,
)


def another_dose(m: Mention) -> bool:
    """Whether drug mention ``m`` is named as another dose than the one recorded."""
    text = doc_text(m.span.doc)
    return _ANOTHER_DOSE.search(text, max(0, m.start - 30), m.start) is not None


#: What may stand between a diluent's name and its own amount: its strength ("1% lidocaine
#: 2.1 mL", "lidocaine one percent").
_AFTER_DILUENT = re.compile(r"[ \t]*(?:(?:\d+(?:\.\d+)?|one|two|half)[ \t]*(?:%|percent)[ \t]*)?")
#: A strength in percent ("1%", "one percent"), and how far before its diluent it is written.
_PERCENT = re.compile(r"%|\bper ?cent\b", re.I)
_PERCENT_GAP = 3
#: What ends a fluid's clause (a table row's cells are one clause).
#: Between a drug and a drug it is written without ("lidocaine 1% without epinephrine").
_WITHOUT = re.compile(
    r"[ \t]*(?:(?:\d+(?:\.\d+)?|(?:[a-z]+[ \t]+){0,3}[a-z]+)[ \t]*(?:%|per[ \t]?cent)[ \t]*)?"
    r"[(\[,]?[ \t]*(?:without|w/o|wo/)[ \t]+",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[;\n]")
#: The route code of a fluid given for hydration ("NS bolus", "IV fluids").
_HYDRATION_ROUTE = "IV_HYDRATION"
#: Between a local anesthetic and the epinephrine it is mixed with ("lidocaine 1% with 1:100,000
#: epinephrine", "bupivacaine 0.25% w/ epi").
_WITH_RATIO = re.compile(
    r"[ \t]*(?:\d+(?:\.\d+)?[ \t]*%[ \t]*)?(?:with|w/|plus|and|\+)[ \t]*"
    r"(?:1[ \t]*:[ \t]*[\d,]+[ \t]*)?",
    re.I,
)


def _hydration(
    doc: Doc,
    drugs: res.DrugTable,
    anchors: list[Mention],
    attributes: list[Mention],
    drafts: list[DraftAdministration],
    vocab: RuleVocabulary,
) -> list[DraftAdministration]:
    """IV fluids given on their own for volume ("normal saline 1 L IV bolus over 1 h", "IVF: LR
    1000 mL wide open"): a hydration administration each (96360), not a diluent. A fluid that
    carries another drug ("ceftriaxone 1 g in 50 mL NS") or states no volume or hydration
    wording stays a diluent.
    """
    fluids = {d.id for d in drugs.drugs if d.hydration_fluid}
    if not fluids:
        return []
    volume = re.compile(drugs.hydration_volume, re.I)
    words = re.compile(drugs.hydration_words, re.I)
    carrier = re.compile(drugs.fluid_carrier_before, re.I)
    line = re.compile(drugs.fluid_line_after, re.I)
    small = re.compile(drugs.fluid_small_volume, re.I)
    text = doc_text(doc)
    out: list[DraftAdministration] = []
    for i, f in enumerate(anchors):
        if f.norm not in fluids or ext(f.span, "cc_diluent") or not f.active or f.hypothetical:
            continue
        sent = f.span.sent
        prev = anchors[i - 1].end if i and anchors[i - 1].sent == f.sent else sent.start_char
        lo = max([prev, *(m.end() for m in _CLAUSE_BREAK.finditer(text, prev, f.start))])
        if carrier.search(text, max(lo, f.start - 40), f.start):
            continue  # "ceftriaxone 1 g in 50 mL NS": another drug's carrier
        nxt = (
            anchors[i + 1].start if i + 1 < len(anchors) and anchors[i + 1].sent == f.sent else None
        )
        hi_break = _CLAUSE_BREAK.search(text, f.end, sent.end_char)
        ends = (nxt, hi_break.start() if hi_break else None, sent.end_char)
        hi = min(x for x in ends if x is not None)
        # the fluid's own words: a short lead-in ("1 L NS bolus") and the rest of its clause
        clause = text[max(lo, f.start - 12) : hi]
        if line.match(text[f.end : hi]) or not (volume.search(clause) or words.search(clause)):
            continue
        if small.search(clause) and not volume.search(clause):
            continue  # "a 20 cc saline bolus" to test the line, a contrast chaser
        own = [
            a
            for a in attributes
            if _attr_active(a)
            and (f.start <= a.start < hi or (lo <= a.start < f.start and a.drug in (None, f)))
        ]
        if any(a.label == "ROUTE" and vocab.families.get(a.norm) != "iv" for a in own):
            continue  # "NS 3 mL nebulized", "saline flush SC"
        if not any(a.label == "ROUTE" for a in own) and not words.search(clause):
            continue
        draft = DraftAdministration(drug_id=f.norm, drug_mentions=[f], families=vocab.families)
        f.attrs = [*dict.fromkeys([*f.attrs, *own])]
        _collect(draft, own)
        decide_given(draft)
        if (
            not draft.given
            and draft.not_given_reason == NO_ACT_REASON
            and volume.search(clause)
            and not ext(f.span, "cc_regimen")
        ):
            # "NS 1 L IV over 1 h", "IVF: LR 2 L wide open": a volume given, as a dose and route
            draft.given = True
            draft.not_given_reason = None
            draft.given_rules.append("link.done_act")
        if not draft.given:
            continue
        draft.given_rules.append("link.hydration")
        taken = {id(a) for a in own}
        for other in drafts:
            for bucket in (other.doses, other.routes, other.sites):
                bucket[:] = [a for a in bucket if id(a) not in taken]
            other.collected.difference_update(own)
        out.append(draft)
    return out


def _told_injection(
    text: str, candidates: list[DraftAdministration], orphans: list[Mention], vocab: RuleVocabulary
) -> tuple[DraftAdministration, list[Mention]] | None:
    """The one given drug with an SC/IM route of its own and the unclaimed routes that only
    name an injection already told ("the subcutaneous injection", "her IM shot"), when every
    unclaimed injection route does; else None.
    """
    routes = [a for a in orphans if _injection_route(a, vocab)]
    if not routes or not all(
        vocab.told_injection_before.search(text, max(0, a.start - 12), a.start)
        and vocab.told_injection_after.match(text, a.start)
        for a in routes
    ):
        return None
    given = [
        d
        for d in candidates
        if d.given and any(vocab.families.get(code) == "sc_im" for code in d.route_codes)
    ]
    return (given[0], routes) if len(given) == 1 else None


def _oral_only(draft: DraftAdministration, orphans: list[Mention], vocab: RuleVocabulary) -> bool:
    """Whether the only drug states only non-injection routes of its own (PO, topical) while
    unclaimed mentions state an injection route: they are another, unnamed administration.
    """
    own = [
        a
        for m in draft.drug_mentions
        for a in m.attrs
        if a.label == "ROUTE" and not a.negated and a.drug is m
    ]
    if not own or any(vocab.families.get(a.norm) != "non_injection" for a in own):
        return False
    return _injection_orphans(orphans, vocab)


#: The place of a "label" for a drug closed only because the curated table does not hold it.
_OUTSIDE_TABLE = -2
#: The place of a "label" for a drug closed by an oral or topical form named with it.
_ORAL_FORM = -3


def _said_fields(doc: Doc, attributes: list[Mention], vocab: RuleVocabulary) -> frozenset[int]:
    """Attributes a dictated field label stands right before ("route I M", "site colon left
    thigh"): like a "Route: IM" line, they describe the drug of another sentence.
    """
    text = doc_text(doc)
    return frozenset(
        id(a)
        for a in attributes
        if a.label in ("ROUTE", "SITE", "DOSE")
        and vocab.attribute_field_said.search(text, max(0, a.start - 30), a.start)
    )


def _field_line(doc: Doc, text: str, attr: Mention, vocab: RuleVocabulary) -> bool:
    """Whether ``attr`` sits on a template field line ("Route: IM", "Site: L deltoid")."""
    start = sentences(doc).sent(attr.span).start_char
    return bool(vocab.attribute_field_label.match(text, start, attr.start))


#: A sentence end the line splitter kept inside a sentence ("IM R deltoid 1 mL. Continue ...").
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")


def _sentence_between(text: str, attr: Mention) -> bool:
    """Whether a sentence ends between ``attr`` and its drug."""
    drug = attr.drug
    if drug is None:
        return False
    lo, hi = (attr.end, drug.start) if attr.end <= drug.start else (drug.end, attr.start)
    return bool(_SENTENCE_END.search(text, lo, hi))


def _injection_orphans(orphans: list[Mention], vocab: RuleVocabulary) -> bool:
    """Whether unclaimed mentions state an injection route (a site alone may be an exam's)."""
    return any(_injection_route(a, vocab) for a in orphans)


def _injection_route(a: Mention, vocab: RuleVocabulary) -> bool:
    """Whether ``a`` is a route of some injection (not PO, topical, inhaled)."""
    return a.label == "ROUTE" and vocab.families.get(a.norm) not in (None, "non_injection")


#: How far before a drug its form ("the ODT Zofran") or a dictated field label is read.
_BEFORE_CHARS = 40


def oral_form(
    text: str,
    m: Mention,
    sent_start: int,
    after: list[re.Pattern[str]],
    before: list[re.Pattern[str]],
) -> bool:
    """An oral or topical form written right after the drug's name ("Zofran ODT 4 mg", matched
    at its end by ``after``) or right before it within its sentence ("the ODT Zofran", searched
    by ``before``).
    """
    tail = text[m.end : m.end + 80]  # a slice: the patterns are anchored with "^"
    if any(p.match(tail) for p in after):
        return True
    lead = text[max(sent_start, m.start - _BEFORE_CHARS) : m.start]
    return any(p.search(lead) for p in before)


def _not_injected(
    doc: Doc, drugs: list[Mention], attributes: list[Mention], vocab: RuleVocabulary
) -> dict[int, int]:
    """Ids of drug mentions that say they are no injection at this visit: an oral or topical
    form right after the name ("ondansetron 4 mg ODT", "triamcinolone 0.1% cream"), a
    non-injection route of their own sentence ("meclizine 25 mg PO"), a line opening with a
    medication-list or prescription label ("Meds: sertraline 50 mg"), or a name the curated
    table of injectables does not hold ("Pt takes ibuprofen 800 mg": an injection of another
    sentence is not the ibuprofen) unless a template's medication field names it ("Medication:
    Ajovy 225 mg"); each with where its label starts (-1 when no label says so,
    ``_ORAL_FORM`` when a form or route said with the name does).
    """
    text = doc_text(doc)
    out: dict[int, int] = {}
    for a in attributes:
        d = a.drug
        if (
            d is not None
            and a.label == "ROUTE"
            and a.sent == d.sent
            and not a.negated
            and a.norm in vocab.non_injection
        ):
            # the route said with the name ("oral amoxicillin", "ondansetron PO") is its form
            beside = a.span.end == d.span.start or d.span.end == a.span.start
            out[id(d)] = _ORAL_FORM if beside or out.get(id(d)) == _ORAL_FORM else -1
    sents = sentences(doc)
    first_label: dict[int, re.Match[str] | None] = {}
    for m in drugs:
        if id(m) in out:
            continue
        sent = sents.sent(m.span)
        if oral_form(text, m, sent.start_char, vocab.not_injected_forms, vocab.not_injected_before):
            out[id(m)] = _ORAL_FORM
            continue
        if (
            m.rule == "drug.dictionary"
            and not vocab.medication_field_label.match(text, sent.start_char, m.start)
            and not vocab.medication_field_spoken.search(
                text[max(0, m.start - _BEFORE_CHARS) : m.start]
            )
        ):
            out[id(m)] = _OUTSIDE_TABLE
            continue
        # the first list label of the sentence, searched once per sentence (a long sentence of
        # many drugs would otherwise be searched again from its start for each)
        if sent.start_char not in first_label:
            first_label[sent.start_char] = vocab.medication_list_label.search(
                text, sent.start_char, sent.end_char
            )
        label = first_label[sent.start_char]
        if label is not None and label.end() > m.start:  # not wholly before this drug
            label = vocab.medication_list_label.search(text, sent.start_char, m.start)
        if label is not None:
            out[id(m)] = label.start()
    return out


def _titled_injection(orphans: list[Mention], vocab: RuleVocabulary) -> bool:
    """Whether the note's first line names an injection ("INJECTION RECORD", "injection
    template dictation period") and every loose attribute is a template field's value ("Dose:
    40 mg", "site colon right glue teal"): the template records one.
    """
    doc = orphans[0].span.doc
    text = doc_text(doc)
    if not all(
        _field_line(doc, text, a, vocab)
        or vocab.attribute_field_said.search(text, max(0, a.start - 30), a.start)
        for a in orphans
    ):
        return False
    first = _CONTENT.search(text)
    if first is None:
        return False
    end = text.find("\n", first.start())
    line = text[first.start() : end if end != -1 else first.start() + _TITLE_CHARS]
    return vocab.injection_words.search(line[:_TITLE_CHARS]) is not None


def _unnamed(
    orphans: list[Mention], standalone: list[str], vocab: RuleVocabulary, told: bool = False
) -> DraftAdministration | None:
    """An administration of an unnamed drug from doses, routes and sites no drug claims, when
    they record a done act ("IM inj 2 mL R VG"), else None. ``told``: their sentence tells the
    injection given ("we also gave a shot of ...").
    """
    labels = {a.label for a in orphans}
    if (
        "ROUTE" not in labels
        and not any(vocab.injection_words.search(span_text(a.span.sent)) for a in orphans)
        and not (orphans and _titled_injection(orphans, vocab))
        and not _given_at_im_site(orphans, vocab)
    ):
        # a weight ("396 g"), a volume ("7 mL in her band") or a body part alone, with no route
        # and no injection wording in its sentence, is no injection
        return None
    if (
        "ROUTE" in labels
        and "DOSE" not in labels
        and all(vocab.families.get(a.norm or "") == "iv" for a in orphans if a.label == "ROUTE")
    ):
        # "placed on IV antibiotics", "IV access": an intravenous route with no drug and no
        # dose is no administration of its own
        return None
    if (
        "DOSE" not in labels
        and all(a.norm == "EPIDURAL" for a in orphans if a.label == "ROUTE")
        and "ROUTE" in labels
    ):
        # "Anesthesia: epidural", "an epidural was placed by anesthesia": no drug injected
        return None
    unnamed = DraftAdministration(drug_id=None, families=vocab.families)
    _collect(unnamed, orphans)
    evidence = [r for a in orphans for r in _given_rules(a.span)]
    done_act = any(
        a.label == "ROUTE" and any(_together(a, b) for b in orphans if b.label in ("DOSE", "SITE"))
        for a in orphans
    )
    if done_act and not any(a.section_kind == "plan" for a in orphans):
        evidence.append("link.done_act")
    if told:
        evidence.append("link.another_injection")
    if evidence or standalone or any(a.section_kind == "administration" for a in orphans):
        unnamed.given = True
        unnamed.given_rules = evidence or standalone or ["section.administration"]
        return unnamed
    return None


def _given_at_im_site(orphans: list[Mention], vocab: RuleVocabulary) -> bool:
    """A dose given at an intramuscular site in one sentence ("60 mg given R glute"), with no
    drug or route named: an injection there.
    """
    sites = {a.sent for a in orphans if a.label == "SITE" and a.norm in vocab.im_sites}
    return any(
        a.label == "DOSE" and a.sent in sites and _administered_in_sentence(a.span) for a in orphans
    )


#: How far apart an unnamed injection's route and its dose or site may be (a template's lines).
_TOGETHER_CHARS = 160


def _together(a: Mention, b: Mention) -> bool:
    """A route and a dose or site of one unnamed act: the same sentence, or lines of one block
    close together ("Route: IM" / "Site: R deltoid"), not an anesthesia line and a blood loss
    line paragraphs apart.
    """
    if a.sent == b.sent:
        return True
    lo, hi = (a, b) if a.start < b.start else (b, a)
    if hi.start - lo.end > _TOGETHER_CHARS:
        return False
    return not _BLANK_LINE.search(doc_text(a.span.doc), lo.end, hi.start)


def _stems_into_forms(drafts: dict[str, DraftAdministration]) -> None:
    """A drug named without its salt or form ("PROCEDURE: Testosterone injection", read as the
    table's default form) in a note that names one form of it ("Drug: testosterone enanthate
    200 mg/mL") is that form's administration, not another drug given: its mentions join the
    form's when they hold no dose, route or site of their own.

    The same holds for a drug whose table entry is the stem of another's, named on the same line
    ("Drug: octreotide acetate for injectable suspension (Sandostatin LAR Depot)": the depot).
    """
    for key in list(drafts):
        draft = drafts[key]
        stems = {m.span.text.lower().replace(" ", "_") for m in draft.drug_mentions}
        if len(stems) != 1:
            continue
        # with a dose, route or site of its own only as the form's name in brackets ("Sandostatin
        # LAR Depot (octreotide) 20 mg kit": the depot's dose)
        bracketed = any(m.attrs for m in draft.drug_mentions)
        stem = next(iter(stems)) + "_"
        if (draft.drug_id or "").startswith(stem):
            forms = [
                k for k, d in drafts.items() if k != key and (d.drug_id or "").startswith(stem)
            ]
        elif draft.drug_id:  # the name said is the drug's own: a longer form named on its line
            own = draft.drug_id + "_"
            forms = [k for k, d in drafts.items() if (d.drug_id or "").startswith(own)]
            if forms:
                lines = {_line_of(m) for m in draft.drug_mentions}
                forms = [
                    k for k in forms if any(_line_of(m) in lines for m in drafts[k].drug_mentions)
                ]
        else:
            continue
        if len(forms) != 1:
            continue
        form = drafts[forms[0]]
        if bracketed and not all(
            any(
                _BRACKETED_AFTER.fullmatch(doc_text(m.span.doc), f.end, m.start)
                for f in form.drug_mentions
            )
            for m in draft.drug_mentions
        ):
            continue
        form.drug_mentions = sorted(form.drug_mentions + draft.drug_mentions, key=lambda m: m.start)
        del drafts[key]


#: Between a drug's name and another name of it in brackets ("Sandostatin LAR Depot (").
_BRACKETED_AFTER = re.compile(r"[ \t]*[(\[][ \t]*")


def _line_of(m: Mention) -> int:
    """The offset where the line holding mention ``m`` starts."""
    return doc_text(m.span.doc).rfind("\n", 0, m.start) + 1


def _split_by_route_family(
    drafts: dict[str, DraftAdministration], forms: frozenset[int] = frozenset()
) -> dict[str, DraftAdministration]:
    """One drug given two ways (Kenalog into a keloid and Kenalog IM, a tablet and an injection)
    is two administrations.
    """
    out: dict[str, DraftAdministration] = {}
    for key, draft in drafts.items():
        procedure = [
            m
            for m in draft.drug_mentions
            if any(
                a.label == "ROUTE" and draft.families.get(a.norm) == "procedure" for a in m.attrs
            )
        ]
        sc_im = [
            m
            for m in draft.drug_mentions
            if any(a.label == "ROUTE" and draft.families.get(a.norm) == "sc_im" for a in m.attrs)
        ]
        # "olanzapine ODT 10 mg PO given" beside "olanzapine 10 mg IM PRN" (cancelled): the
        # tablet is another administration than the injection
        # (``forms``: ids of mentions named with an oral or topical form, "triamcinolone 0.1%
        # ointment" beside "Kenalog IM")
        oral = [
            m
            for m in draft.drug_mentions
            if m not in sc_im
            and (
                id(m) in forms
                or any(
                    a.label == "ROUTE" and draft.families.get(a.norm) == "non_injection"
                    for a in m.attrs
                )
            )
        ]
        apart = procedure or oral
        if apart and sc_im:
            taken = set(apart)
            rest = [m for m in draft.drug_mentions if m not in taken]
            out[key] = DraftAdministration(
                drug_id=draft.drug_id, drug_mentions=rest, families=draft.families
            )
            kind = "procedure" if procedure else "oral"
            out[f"{key}#{kind}"] = DraftAdministration(
                drug_id=draft.drug_id, drug_mentions=apart, families=draft.families
            )
        else:
            out[key] = draft
    return out


def _respectively(doc: Doc, drugs: list[Mention], attributes: list[Mention]) -> None:
    """Pair drugs with their attributes in order when a sentence says "respectively".

    "haloperidol 5 mg IM, lorazepam 2 mg IM, ... R deltoid, L deltoid and L thigh respectively":
    when the sentence lists as many sites (or doses, routes) as drugs, pair them in order.
    """
    # no token can be "respectively" when the lowered text does not hold it
    if not drugs or "respectively" not in doc_text(doc).lower():
        return
    sents = {m.span.sent for m in drugs}
    by_sent: dict[tuple[int, str], list[Mention]] = defaultdict(list)
    drugs_by_sent: dict[int, list[Mention]] = defaultdict(list)
    for a in attributes:
        by_sent[(a.sent, a.label)].append(a)
    for d in drugs:
        drugs_by_sent[d.sent].append(d)
    for sent in sents:
        if not any(t.lower_ == "respectively" for t in sent):
            continue
        in_sent = drugs_by_sent[sent.start]
        for label in ("DOSE", "ROUTE", "SITE"):
            group = by_sent.get((sent.start, label), [])
            if len(group) == len(in_sent) > 1:
                for drug, attr in zip(in_sent, group, strict=True):
                    attr.drug = drug


def _attr_active(attr: Mention) -> bool:
    listed = attr.listed and not (attr.section_kind == "list" and attr.recorded_as_given)
    return not (attr.negated or attr.family or listed or attr.historical or attr.hypothetical)


def collect_attributes(draft: DraftAdministration, attrs: list[Mention]) -> None:
    """:func:`_collect` for the setting step (a dose it finds given here after all)."""
    _collect(draft, attrs)


def _collect(draft: DraftAdministration, attrs: list[Mention]) -> None:
    """Add a drug mention's own dose, route and site to its administration.

    Plan wording on the attribute does not drop it ("olanzapine 10 mg IM R deltoid PRN
    agitation, given by RN"): whether the drug was given is decided on the drug mention.
    """
    for attr in attrs:
        listed = attr.listed and not (attr.section_kind == "list" and attr.recorded_as_given)
        if (
            attr.negated
            or attr.family
            or listed
            or (attr.historical and not ext(attr.span, "cc_given"))
        ):
            continue
        bucket = {"DOSE": draft.doses, "ROUTE": draft.routes, "SITE": draft.sites}[attr.label]
        if attr not in draft.collected:
            draft.collected.add(attr)
            bucket.append(attr)


#: Routes that, for a local anesthetic, are local infiltration (skin wheal, wound edges), not
#: an injection procedure of their own (86580 is the tuberculin skin test).
_LOCAL_INFILTRATION = frozenset({"INTRADERMAL"})


def _local_anesthetic_procedures(
    drafts: dict[str, DraftAdministration],
    anchors: list[Mention],
    local: set[str],
    vocab: RuleVocabulary,
) -> None:
    """A local anesthetic that holds an injection procedure's route ("Trigger point injections
    with 1% lidocaine into 3 muscles", "Greater occipital nerve block with bupivacaine 0.5%
    2 mL") is that procedure's drug when no other drug holds one: the procedure is coded
    (20552/20553, 64405), never a 96372. Otherwise it stays a diluent.
    """

    def procedure_route(m: Mention) -> bool:
        return any(
            a.label == "ROUTE"
            and vocab.families.get(a.norm) == "procedure"
            and a.norm not in _LOCAL_INFILTRATION
            for a in m.attrs
        )

    if any(procedure_route(m) for d in drafts.values() for m in d.drug_mentions):
        return
    for m in anchors:
        if (m.norm or "") in local and not ext(m.span, "cc_diluent") and procedure_route(m):
            key = m.norm or m.span.text.lower()
            draft = drafts.setdefault(
                key, DraftAdministration(drug_id=m.norm, families=vocab.families)
            )
            draft.drug_mentions.append(m)


def _drop_plan_routes(draft: DraftAdministration) -> None:
    """A given drug's route is not borrowed from its plan or regimen line ("B12 1,000 mcg to L
    deltoid, tolerated. Plan: B12 1000 mcg IM monthly"): the route of a mention that records
    no administration (a maintenance plan, an order) says how it is usually given, not how it
    was given today. When only such lines state an SC/IM route, ROUTE_MISSING; an order's route
    against the administration record's route stays a conflict.
    """
    if not draft.given or not draft.routes:
        return
    given = [m for m in draft.drug_mentions if _records_given(m)]
    if not given:
        return
    given_sents = {m.sent for m in given}

    def planned(route: Mention) -> bool:
        drug = route.drug
        if drug is None or drug in given or route.sent in given_sents:
            return False
        if ext(route.span, "cc_given") or ext(route.span, "cc_this_encounter"):
            return False
        return bool(
            drug.section_kind == "plan"
            or ext(drug.span, "cc_regimen")
            or ext(drug.span, "cc_schedule")
            or drug.hypothetical
        )

    # only when every route is a plan's SC/IM route: an order's route against the
    # administration record's route stays a ROUTE_CONFLICT
    if all(planned(r) and draft.families.get(r.norm or "") == "sc_im" for r in draft.routes):
        draft.routes.clear()


def _drop_prescribed_doses(draft: DraftAdministration) -> None:
    """A given drug's dose is not borrowed from a prescription or plan for later ("Adrenaline
    1:1000 IMI R thigh stat" then "D/c with EpiPen 0,3 mg x 2"): a dose said only of a mention
    of the drug for the future, when another mention of it is not for the future.
    """
    if not draft.given or not draft.doses:
        return
    if not any(m.active and not m.hypothetical for m in draft.drug_mentions):
        return
    draft.doses[:] = [
        d
        for d in draft.doses
        if not (
            d.hypothetical
            and d.drug is not None
            and d.drug.hypothetical
            and not _records_given(d.drug)
        )
    ]


def records_administration(route: Mention) -> bool:
    """Whether a route mention sits in an administration record (a MAR row, an administration
    section) or its own wording records the dose as given, unlike an order line's route.
    """
    if route.hypothetical or route.negated:
        return False
    if route.section_kind == "administration" or ext(route.span, "cc_given"):
        return True
    return route.drug is not None and route.drug.section_kind == "administration"


def _records_given(m: Mention) -> bool:
    """Whether a drug mention itself records today's administration."""
    span = m.span
    if m.negated or m.family or m.historical or ext(span, "cc_diluent"):
        return False
    return bool(
        ext(span, "cc_given")
        or ext(span, "cc_this_encounter")
        or m.section_kind == "administration"
    )


def _after_marker(doc: Doc, attributes: list[Mention], drugs: list[Mention]) -> set[int]:
    """Attributes whose run opens right after an "[inaudible]"-type marker: the drug was not
    heard ("[inaudible] eighty milligrams I M"), so no drug of another sentence stands in for it.
    """
    ends = {b for _, b in doc._.cc_markers}
    if not ends:
        return set()
    text = doc_text(doc)
    named = sorted(m.start for m in drugs)
    doses = {a.start for a in attributes if a.label == "DOSE"}
    return {
        id(a)
        for a in attributes
        if any(
            0 <= a.chain_start - e <= 3
            and not text[e : a.chain_start].strip()
            or (
                # words between: the heard rest of the name, before its dose only ("***
                # route colon subcutaneous" is a blank field and the next one)
                a.chain_start in doses
                and 0 <= a.chain_start - e <= _UNHEARD_CHARS
                and _UNHEARD_REST.fullmatch(text, e, a.chain_start)
                and not _any_between(named, e, a.chain_start)
            )
            for e in ends
        )
    }


def _any_between(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a sorted offset of ``starts`` lies in ``[lo, hi)``."""
    k = bisect.bisect_left(starts, lo)
    return k < len(starts) and starts[k] < hi


#: How far before a drug (characters) its own dose may be said ("sixty of tora doll").
_DOSE_SAID_BEFORE = 12
#: What may stand between an "[inaudible]" marker and the run it leaves without a drug: the
#: heard rest of the name ("[inaudible] deck a no eight, fifty mgs I M"), a few words at most.
_UNHEARD_CHARS = 40
_UNHEARD_REST = re.compile(
    r"\s*(?:[A-Za-z]+(?:-[A-Za-z]+)*\s+){0,4}(?:[A-Za-z]+(?:-[A-Za-z]+)*-?)?[\s,]*"
)


class _Drugs:
    """Drug mentions grouped for :func:`_nearest_drug`: by sentence, and by paragraph and
    section kind, each group in text order.
    """

    def __init__(self, drugs: list[Mention], anchors: list[Mention]) -> None:
        self.by_sent: dict[int, list[Mention]] = defaultdict(list)
        self.anchors_by_sent: dict[int, list[Mention]] = defaultdict(list)
        self.by_para: dict[tuple[int, str | None], list[Mention]] = defaultdict(list)
        self.by_para_any: dict[int, list[Mention]] = defaultdict(list)
        for d in drugs:
            self.by_sent[d.sent].append(d)
            # a drug the patient cannot take or did not get ("cannot take colchicine") is not
            # the drug of a later sentence's dose
            if not d.negated:
                self.by_para[(d.para, d.section_kind)].append(d)
                self.by_para_any[d.para].append(d)
        for d in anchors:
            self.anchors_by_sent[d.sent].append(d)
        self._keys: dict[int, tuple[list[int], list[int]]] = {}

    def closest(self, group: list[Mention], attr: Mention) -> Mention:
        """``min(group, key=lambda d: _gap(d, attr))``, first of equals, by binary search.

        Mentions do not overlap, so the drugs ending before ``attr`` come first, closer as they
        go, and those after it come last, farther as they go: only the last of the first kind
        and the first of the second can be closest.
        """
        keys = self._keys.get(id(group))
        if keys is None:
            keys = self._keys[id(group)] = ([d.end for d in group], [d.start for d in group])
        ends, starts = keys
        i = bisect.bisect_right(ends, attr.start)  # group[:i] end before the attribute
        j = bisect.bisect_left(starts, attr.end, lo=i)
        if j != i:  # a drug overlapping the attribute (never from doc.ents): the long way
            return min(group, key=lambda d: _gap(d, attr))
        near = ([group[i - 1]] if i else []) + ([group[i]] if i < len(group) else [])
        return min(near, key=lambda d: _gap(d, attr))

    def last_before(self, group: list[Mention], start: int) -> Mention | None:
        """The last mention of ``group`` starting before ``start``."""
        keys = self._keys.get(id(group))
        if keys is None:
            keys = self._keys[id(group)] = ([d.end for d in group], [d.start for d in group])
        k = bisect.bisect_left(keys[1], start)
        return group[k - 1] if k else None


def _nearest_drug(
    attr: Mention,
    drugs: list[Mention],
    anchors: list[Mention],
    index: _Drugs | None = None,
    unheard: set[int] | frozenset[int] = frozenset(),
    dose_starts: list[int] | None = None,
    fields: set[int] | frozenset[int] = frozenset(),
    apart: set[int] | frozenset[int] = frozenset(),
) -> Mention | None:
    index = index or _Drugs(drugs, anchors)
    same_sent = index.by_sent.get(attr.sent) or index.anchors_by_sent.get(attr.sent)
    if same_sent and id(attr) in fields and not index.by_sent.get(attr.sent):
        # "Route: IM   Site: R ventrogluteal   Diluent: 1% lidocaine": a template field
        # describes the drug above, not the diluent a later field of its line names
        same_sent = [
            m for m in same_sent if not (m.start > attr.start and ext(m.span, "cc_diluent"))
        ]
    if same_sent and id(attr) in unheard:
        # "given [inaudible] 12.5 mg IM ... and 1 L lactated Ringer's IV": the unheard words
        # hold the drug of the run after them, never a drug named later in the sentence
        before = index.last_before(same_sent, attr.start)
        if before is None or before.end > attr.start:
            return None
        if (
            dose_starts
            and _any_between(dose_starts, attr.chain_start, attr.chain_start + 1)
            and _any_between(dose_starts, before.start - _DOSE_SAID_BEFORE, attr.chain_start)
        ):
            # "haloperidol 5 mg IM and [inaudible] 2 mg IM": a run that opens with a dose after
            # a drug with its own dose holds another drug ("promethazine 25 mg [inaudible] IM
            # gluteal" is still the promethazine's); its dose may be said before it ("sixty of
            # tora doll right glute and [inaudible] twenty five milligrams I M")
            return None
        return before
    if same_sent:
        # Doses and routes mostly follow their drug ("Diphenhydramine 50 mg IV push, famotidine
        # 20 mg IV"): a following drug must be clearly closer than the preceding one.
        return index.closest(same_sent, attr)
    # Across sentences only from a short line ("Route: IM", "Given in R deltoid, tolerated"),
    # one that records an administration (a MAR row with its time) or a box checked on a
    # template's line of options, however many ("Site: ☒ L glut ☐ R glut ☐ L delt ☐ R delt"):
    # a long sentence that names no drug and records nothing is about something else.
    if (
        id(attr) in unheard
        or id(attr) in apart
        or not (id(attr) in fields or attr.boxed or _lends_across_sentences(attr))
    ):
        return None
    same_para = index.by_para.get((attr.para, attr.section_kind))
    found = index.last_before(same_para, attr.start) if same_para else None
    if found is None and attr.section_kind == "administration":
        # "Gave B 12 1000 M C G sub Q left deltoid. Injection record colon route colon I M",
        # "Product: Xolair (omalizumab) 300 mg" then "Administration: 150 mg SC L upper arm":
        # a record, under its own header, of the drug just named in its paragraph
        para = index.by_para_any.get(attr.para)
        found = index.last_before(para, attr.start) if para else None
        if found is not None and attr.span.sent.start_char - found.end > _RECORD_CHARS:
            found = None  # only the drug named right before the record, not an earlier one
    return found


_SHORT_SENTENCE = 10
#: How far before a record's field in its own section the drug it describes may be told.
_RECORD_CHARS = 120


def _injection_records(attributes: list[Mention], vocab: RuleVocabulary) -> set[int]:
    """Ids of the loose attributes of sentences that open with an injection word and hold an
    SC/IM route and a dose or site, with no plan or order wording ("Injection per standing
    order: 1 mL IM R deltoid"; not "Next injection due 4/6: please give 156 mg IM").
    """
    by_sent: dict[int, list[Mention]] = {}
    for a in attributes:
        if a.drug is None and not (a.hypothetical or a.negated or a.historical or a.listed):
            by_sent.setdefault(a.sent, []).append(a)
    out: set[int] = set()
    for group in by_sent.values():
        if not any(
            a.label == "ROUTE" and vocab.families.get(a.norm or "") == "sc_im" for a in group
        ) or not {a.label for a in group} & {"DOSE", "SITE"}:
            continue
        told = span_text(group[0].span.sent)
        opening = vocab.injection_words.match(told.lstrip())
        if opening is not None and vocab.given_lead_in_not.search(told) is None:
            out.update(id(a) for a in group)
    return out


def _lends_across_sentences(
    attr: Mention, acts: frozenset[str] = frozenset(), title: re.Pattern[str] | None = None
) -> bool:
    """A short line, a sentence that records an administration, or a procedure's own name in an
    administration section may describe another sentence's drug ("Route: IM"; "SC injection to
    left abdomen at 14:02"); a long sentence that records nothing ("Prostate was 15 g", "did not
    dissect into the muscle") may not.
    """
    if (
        attr.section_kind == "administration"
        and attr.label == "ROUTE"
        and attr.norm in acts
        and title is not None
        and _on_title_line(attr, title)
    ):
        # "Procedure: trigger point injections, 3 points, one muscle", "PROCEDURE NOTE: GREATER
        # OCCIPITAL NERVE BLOCK": the route names the note's act (not "intercostal nerve blocks
        # were carried out" in an operation's narrative)
        return True
    sents = sentences(attr.span.doc)
    if sents.words(attr.sent) <= _SHORT_SENTENCE:
        return True
    return sents.records(attr.sent)


def _acts_on_a_pronoun(attr: Mention, pattern: re.Pattern[str]) -> bool:
    """The route or site's sentence tells the act on "it" or "this" ("I'm going to give this sub
    Q in the back of your arm", "Maria will inject it subcutaneously"), before the mention.
    """
    sent = attr.span.sent
    return pattern.search(doc_text(attr.span.doc), sent.start_char, attr.start) is not None


_CONTENT = re.compile(r"\S")
#: How far into its line a title names the act (a note exported as one long line has no title).
_TITLE_CHARS = 100


def _on_title_line(attr: Mention, title: re.Pattern[str]) -> bool:
    """Whether ``attr`` stands near the start of the note's first line or of a line ``title``
    opens ("PROCEDURE: ...").
    """
    text = doc_text(attr.span.doc)
    start = _line_of(attr)
    if attr.start - start > _TITLE_CHARS:
        return False
    first = _CONTENT.search(text)
    return first is None or first.start() >= start or title.match(text, start) is not None


def sentences(doc: Doc) -> Sentences:
    """The sentence index of ``doc`` installed by :func:`mentions_of` (made if missing)."""
    hook = doc.user_span_hooks.get("sent")
    index = getattr(hook, "__self__", None)
    if isinstance(index, Sentences) and index.doc is doc:
        return index
    return Sentences(doc).install()


#: What may stand between two attributes of one run: spaces, commas, a parenthesis around a
#: volume ("25 mg (0.5 mL) IM L gluteal"); before a strength also "of (the)" ("0.5 mL of
#: 50 mg/mL"), never before a route or a drug ("175 mcg of IV fentanyl").
_CHAIN_GLUE = re.compile(r"[\s,:/()-]*")
_STRENGTH_GLUE = re.compile(r"[\s,(]*of(?:\s+the)?\s+", re.IGNORECASE)
#: Between a route or dose and its site ("I M in the right glute", "40 mg to the L deltoid").
_SITE_GLUE = re.compile(
    r"[\s,(]*(?:in|into|to|at|on)(?:\s+(?:the|her|his|their))?\s+", re.IGNORECASE
)


def _chain(doc: Doc, mentions: list[Mention]) -> None:
    """Set each attribute's :attr:`Mention.chain_start`: attributes written one after another with
    only spaces, commas (written or said) or a parenthesis between them ("im a trex six
    milligrams sub cut left thigh and tore a doll ...") form one run, which belongs to the drug
    before it rather than the next one.
    """
    text = doc_text(doc)
    spoken = doc._.cc_spoken_marks
    prev: Mention | None = None
    for m in mentions:
        m.chain_start = m.start
        if (
            m.label != "DRUG"
            and prev is not None
            and prev.label != "DRUG"
            and prev.sent == m.sent
            and prev.end <= m.start
            and (
                _CHAIN_GLUE.fullmatch(text, prev.end, m.start)
                or (m.label == "DOSE" and _STRENGTH_GLUE.fullmatch(text, prev.end, m.start))
                or (m.label == "SITE" and _SITE_GLUE.fullmatch(text, prev.end, m.start))
                or (spoken and _spoken_glue(doc, prev, m, spoken))
            )
        ):
            m.chain_start = prev.chain_start
        prev = m


def _spoken_glue(doc: Doc, prev: Mention, m: Mention, spoken: frozenset[int]) -> bool:
    """Only glue and spoken punctuation ("comma", "open paren") between two attributes."""
    between = range(prev.span.end, m.span.start)
    return all(i in spoken or _CHAIN_GLUE.fullmatch(doc[i].text_with_ws) for i in between)


def _gap(drug: Mention, attr: Mention) -> int:
    if drug.end <= attr.start:
        return max(attr.chain_start, drug.end) - drug.end
    return 2 * max(drug.start - attr.end, 0) + 8


def _administered_in_sentence(span: Span) -> bool:
    """Administration wording (not a dose count) after ``span`` in its sentence."""
    graph = getattr(span.doc._, "context_graph", None)
    if graph is None:
        return False
    sent = span.sent
    return any(
        mod.category == "ADMINISTERED"
        and not mod.rule.metadata.get("count_only")
        and span.end <= mod._start < sent.end
        for mod in graph.modifiers
    )


def _administered(span: Span, weak: bool) -> bool:
    """Administration wording on ``span``; on a plan or order line, or beside plan wording, a
    count of doses ("x 1", "once") is not enough ("Plan: Solu-Medrol 125 mg IM x 1" orders it).
    """
    if not ext(span, "cc_given"):
        return False
    return not weak or any(
        mod.category == "ADMINISTERED" and not mod.rule.metadata.get("count_only")
        for mod in ext(span, "modifiers")
    )


def _given_rules(span: Span) -> list[str]:
    return [r for r in ext(span, "cc_modifier_rules") if r.startswith(("adm.", "now."))]


def _row_refused(m: Mention) -> bool:
    """A table row whose dose and route are negated by the row's result ("lorazepam 0.5 mg tab
    0.5 mg  PO  -  REFUSED"): the drug of that line was not given.
    """
    text = doc_text(m.span.doc)
    line = [
        a
        for a in m.attrs
        if a.label in ("DOSE", "ROUTE")
        and "\n" not in text[min(m.end, a.start) : max(m.end, a.start)]
    ]
    return (
        bool(line)
        and any(a.negated and not _only_without(a) for a in line)
        and all(a.negated for a in line if a.start > m.end and a.label == "ROUTE")
    )


#: Negations that leave out a part of a mixture ("lidocaine without epinephrine 1 mL"), never
#: refuse a dose.
_WITHOUT_RULES = frozenset({"neg.fwd.without", "neg.fwd.w_o"})


def _only_without(a: Mention) -> bool:
    """Whether ``a`` is negated only by "without" ("without epinephrine one mL per site")."""
    rules = [r for r in ext(a.span, "cc_modifier_rules") if r.startswith("neg.")]
    return bool(rules) and all(r in _WITHOUT_RULES for r in rules)


def decide_given(draft: DraftAdministration) -> None:
    """Decide whether the drug was given at this encounter, and why not if it was not."""
    reasons: list[str] = []
    collected = {*draft.doses, *draft.routes, *draft.sites}
    done_at = -1  # the last mention given only as a done act
    for m in draft.drug_mentions:
        span = m.span
        linked_flags = [a.span for a in m.attrs if a in collected]
        # a dose count ("x 1") orders a dose on a plan line or beside plan wording
        weak = m.section_kind == "plan" or m.hypothetical
        given_here = _administered(span, weak) or any(_administered(a, weak) for a in linked_flags)
        now = bool(ext(span, "cc_this_encounter")) or any(
            ext(a, "cc_this_encounter") for a in linked_flags
        )
        if m.negated or (not ext(span, "cc_given") and _row_refused(m)):
            reasons.append("declined or not given")
            continue
        if m.family or (m.listed and not m.active) or ext(span, "cc_diluent"):
            reasons.append(
                "listed in " + (m.section or "history").replace("_", " ")
                if m.listed
                else "family history"
            )
            continue
        if m.historical and (not now or m.earlier):
            # an earlier encounter's clock time or "today" is that day's, not this one's
            reasons.append("mentioned only as history")
            continue
        described = bool(linked_flags)
        if (ext(span, "cc_regimen") or ext(span, "cc_schedule")) and not described:
            # "continue Stelara", "on denosumab q6mo": a medication the patient is on
            reasons.append("a continued medication, no administration documented")
            continue
        if (
            ext(span, "cc_regimen")
            and not given_here
            and not any(a.label in ("ROUTE", "SITE") for a in m.attrs if a in collected)
        ):
            # "is now currently taking Abilify 7.5 mg": a medication taken, with only its dose
            reasons.append("a continued medication, no administration documented")
            continue
        if ext(span, "cc_regimen") and not given_here and m.section_kind == "list":
            # "Medications: on IV pantoprazole now": a listed medication the patient is on
            reasons.append("a continued medication, no administration documented")
            continue
        if ext(span, "cc_schedule") and not now:
            # "G-CSF 50 mcg subcutaneously given daily": a daily schedule, not today's dose
            reasons.append("a continued medication, no administration documented")
            continue
        if (
            given_here
            and not now
            and m.section_kind == "list"
            and (ext(span, "cc_regimen") or ext(span, "cc_schedule"))
        ):
            # "Prolia 60 mg subcutaneous every 6 months given in our office" in a medication
            # list: where the regimen is given, not a dose given today
            reasons.append("a continued medication, no administration documented")
            continue
        if given_here:
            draft.given = True
            draft.given_rules.extend(
                _given_rules(span) + [r for a in linked_flags for r in _given_rules(a)]
            )
            continue
        if m.hypothetical or m.uncertain:
            reasons.append("planned or ordered, not given")
            continue
        if now and described:
            # "today" or a clock time alone marks a mention ("asked about B12 today"), not an
            # administration; with a dose, route or site it records one
            draft.given = True
            draft.given_rules.extend(
                _given_rules(span) + [r for a in linked_flags for r in _given_rules(a)]
            )
            continue
        if m.section_kind == "administration":
            draft.given = True
            draft.given_rules.append(f"section.{m.section}")
            continue
        # an amount or route the note plans ("first IM injections (600 mg/900 mg) scheduled
        # 10/23") records no act
        has_dose = any(a.label == "DOSE" and not a.hypothetical for a in m.attrs)
        has_route = any(a.label == "ROUTE" and not a.hypothetical for a in m.attrs)
        has_site = any(a.label == "SITE" and not a.hypothetical for a in m.attrs)
        # a dictionary reading of the curated drug named in its sentence is that drug ("depo"
        # then "pro vera", heard in pieces: Depo-Provera)
        curated = m.rule != "drug.dictionary" or any(
            o.rule != "drug.dictionary" and o.sent == m.sent for o in draft.drug_mentions
        )
        done_act = (has_dose and has_route) or (has_site and curated)
        # a site checked in a filled-in template records the dose, even under a plan's header
        # ("Plan per protocol: start B12 monthly" then "Site: ☒ L deltoid ☐ R deltoid")
        boxed = curated and any(a.label == "SITE" and a.boxed for a in m.attrs if a in collected)
        # or, on a plan line, a site with administration wording later in its sentence beyond
        # the reach of the drug's own modifiers ("P: Vivitrol 380 mg IM right gluteal (...),
        # 1.5-inch needle, given by T. Engstrom, RN")
        told = (
            m.section_kind == "plan"
            and curated
            and has_site
            and has_route
            and _administered_in_sentence(span)
        )
        if (
            (m.section_kind != "plan" or boxed or told)
            and not (ext(span, "cc_regimen") or ext(span, "cc_schedule"))
            and done_act
        ):
            draft.given = True
            draft.given_rules.append("link.done_act")
            done_at = max(done_at, m.start)
            continue
        reasons.append(
            "planned or ordered, not given" if m.section_kind == "plan" else NO_ACT_REASON
        )
    if (
        draft.given
        and set(draft.given_rules) == {"link.done_act"}
        and any(
            m.negated and not m.historical and m.start > done_at and not another_dose(m)
            for m in draft.drug_mentions
        )
    ):
        # "Here day +2 for pegfilgrastim 6 mg SC." then "pegfilgrastim HELD today": a dose
        # written without a word of giving it is undone by a later statement that it was not
        draft.given = False
        draft.given_rules.clear()
        reasons.insert(0, "declined or not given")
    if not draft.given and reasons:
        draft.not_given_reason = reasons[0]


def _not_planned_only(drafts: list[DraftAdministration]) -> list[DraftAdministration]:
    """The drafts with a drug mention that is neither planned nor uncertain."""
    return [
        d
        for d in drafts
        if not all(m.hypothetical or m.uncertain for m in d.drug_mentions if m.active)
    ]


def _note_says_patient_supplied(doc: Doc) -> bool:
    graph = getattr(doc._, "context_graph", None)
    return graph is not None and any(m.category == "PATIENT_SUPPLIED" for m in graph.modifiers)


def _standalone_administration(doc: Doc, mentions: list[Mention]) -> list[str]:
    """Administration wording in a sentence that names no drug ("Injection given, tolerated well")."""
    return [rule for rule, _ in _standalone_sentences(doc, mentions)]


def _standalone_sentences(
    doc: Doc, mentions: list[Mention], exam: re.Pattern[str] | None = None
) -> list[tuple[str, int]]:
    """(rule id, sentence start) of each administration wording in a sentence naming no drug,
    not an exam finding ("Conjunctivae are injected").
    """
    graph = getattr(doc._, "context_graph", None)
    if graph is None:
        return []
    drug_sents = {m.sent for m in mentions if m.label == "DRUG"}
    listed = sorted((s[2], s[3]) for s in doc._.cc_section_spans if s[1] in _NOT_SERVICE_KINDS)
    # Is a character inside a list section? Sections sorted by start, with the latest end so far.
    listed_starts = [a for a, _ in listed]
    reach: list[int] = []
    for _, b in listed:
        reach.append(max(b, reach[-1]) if reach else b)
    sents = sentences(doc)
    # A negation wholly inside a sentence: the earliest end of the "neg." modifiers starting there.
    neg_end: dict[int, int] = {}
    # A sentence that tells of an earlier time ("She received her shot at the pharmacy last
    # week"): the sentences holding a history modifier.
    past: set[int] = set()
    for m in graph.modifiers:
        rule_id = m.rule.metadata.get("id", "")
        if rule_id.startswith("neg."):
            first = sents.starts[sents.index(m.modifier_span[0])]
            neg_end[first] = min(neg_end.get(first, m.modifier_span[1]), m.modifier_span[1])
        elif rule_id.startswith("hist."):
            past.add(sents.starts[sents.index(m.modifier_span[0])])
    out = []
    for mod in graph.modifiers:
        rule_id = mod.rule.metadata.get("id", "")
        if not mod.rule.metadata.get("standalone"):  # "info given", "10:30" are not enough alone
            continue
        start_tok, _ = mod.modifier_span
        token = doc[start_tok]
        sent = token.sent
        if sent.start in drug_sents:
            continue
        k = bisect.bisect_right(listed_starts, token.idx)
        if k and reach[k - 1] > token.idx:
            continue
        negated = neg_end.get(sent.start, sent.end + 1) <= sent.end
        if sent.start in past:
            continue
        if exam is not None and exam.search(span_text(sent)):
            continue
        if not negated:
            out.append((rule_id, sent.start))
    return out


#: How many sentences after a plan line's done act ("P: Rocephin 900 mg IM R thigh") a sentence
#: naming no drug may say it was given ("Tolerated, cried briefly.").
_DONE_AFTER_SENTENCES = 2
#: A list item: a bullet, a number or letter with a point, or an indented line.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•·–]|\d{1,2}[.)]|[a-z][.)])[ \t]+\S|[ \t]+\S")
_LEAD_IN_SENTENCE = re.compile(r"[.;!?]\s+")
#: How many list items above a drug's line its lead-in may stand.
_LEAD_IN_ITEMS = 12


def _planned_only_by_its_line(draft: DraftAdministration) -> bool:
    """Whether the draft is not given only because it stands on a plan line: no mention of it
    is planned, uncertain, negated or a regimen by its own wording.
    """
    return (
        not draft.given
        and draft.not_given_reason == "planned or ordered, not given"
        and not any(
            m.hypothetical or m.uncertain or m.negated or ext(m.span, "cc_regimen")
            for m in draft.drug_mentions
        )
    )


def _given_under_lead_in(
    doc: Doc, drafts: list[DraftAdministration], vocab: RuleVocabulary, lines: list[int]
) -> None:
    """A drug on a list item, with its dose or route, under a line that says the list was given
    ("P: migraine cocktail given in clinic 16:20 by RN:" then "- Toradol 30 mg IM R deltoid"),
    was given, though the list stands in the plan.
    """
    text = doc_text(doc)
    for draft in drafts:
        # a list item planned only by its line, or one telling no act of its own ("- Benadryl
        # IM as part of the migraine cocktail" under "Given in ED at 10:20:")
        untold = not draft.given and draft.not_given_reason == NO_ACT_REASON
        if not (untold or _planned_only_by_its_line(draft)):
            continue
        for m in draft.drug_mentions:
            own = any(a.label in ("DOSE", "ROUTE") and a.sent == m.sent for a in m.attrs)
            if m.active and own and _lead_in_above(text, m.start, vocab, lines):
                draft.given = True
                draft.not_given_reason = None
                draft.given_rules.append("link.given_lead_in")
                break


def _given_on_form(
    doc: Doc, drafts: list[DraftAdministration], vocab: RuleVocabulary, lines: list[int]
) -> None:
    """On a form whose "Administered by:" field is filled in, the drug of its medication field
    line ("Medication: medroxyprogesterone acetate (Depo-Provera CI)"), with an SC/IM route of
    its own, was given, though the form left its dose or site blank.
    """
    text = doc_text(doc)
    if vocab.given_by_field.search(text) is None:
        return
    for draft in drafts:
        if draft.given or draft.not_given_reason != NO_ACT_REASON:
            continue
        if not any(vocab.families.get(r.norm or "") == "sc_im" for r in draft.routes):
            continue
        for m in draft.drug_mentions:
            line = _line_start(lines, m.start)
            if m.active and vocab.medication_field_label.match(text, line, m.start):
                draft.given = True
                draft.not_given_reason = None
                draft.given_rules.append("link.given_by_field")
                break


def _lead_in_above(text: str, pos: int, vocab: RuleVocabulary, lines: list[int]) -> bool:
    """Whether the list item holding ``pos`` stands, with only list items between, under a line
    ending in a colon that says the list was given.
    """
    found = _lead_in_line(text, pos, lines)
    return (
        found is not None
        and vocab.given_lead_in.search(found[1]) is not None
        and vocab.given_lead_in_not.search(found[1]) is None
    )


def _lead_in_line(text: str, pos: int, lines: list[int]) -> tuple[str, str] | None:
    """The line ending in a colon that the list item holding ``pos`` stands under, with only
    list items between ("Given in ED at 10:20:"), and its last sentence; or None. ``lines``:
    the note's line starts (:func:`_line_starts`).
    """
    start = _line_start(lines, pos)
    for _ in range(_LEAD_IN_ITEMS):
        if not _LIST_ITEM.match(text, start) or start == 0:
            return None
        above = _line_start(lines, start - 1)
        line = text[above : start - 1].strip()
        if not line:
            return None  # a blank line ends the list
        if not _LIST_ITEM.match(text, above):
            # only the line's last sentence leads in ("... rash 1-2 weeks later); questions
            # answered. Administered by RN:")
            return (line, _LEAD_IN_SENTENCE.split(line)[-1]) if line.endswith(":") else None
        start = above
    return None


def _line_starts(text: str) -> list[int]:
    """The offset of each line's first character."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def _line_start(lines: list[int], pos: int) -> int:
    """The start of the line holding ``pos``, by bisection in the note's line starts."""
    return lines[bisect.bisect_right(lines, pos) - 1]


_NEWLINE = re.compile(r"\n")


def _planned_under_lead_in(
    doc: Doc, drafts: list[DraftAdministration], vocab: RuleVocabulary, lines: list[int]
) -> None:
    """A drug given only by its own dose, route or site, on list items under a line that plans
    the list ("Will give if no better in 1 h:" then "- diphenhydramine IM R deltoid"), was not
    given.
    """
    text = doc_text(doc)
    for draft in drafts:
        if not draft.given or set(draft.given_rules) != {"link.done_act"}:
            continue
        active = [m for m in draft.drug_mentions if m.active]
        leads = [_lead_in_line(text, m.start, lines) for m in active]
        if active and all(
            lead is not None
            and vocab.given_lead_in_not.search(lead[1]) is not None
            # not "TREATMENT IN CLINIC (given by MA L. Ferreira at 14:35, per my order):"
            and vocab.given_lead_in.search(lead[0]) is None
            for lead in leads
        ):
            draft.given = False
            draft.not_given_reason = "planned or ordered, not given"
            draft.given_rules.append("link.planned_lead_in")


def _given_after_plan_line(
    doc: Doc, drafts: list[DraftAdministration], done: list[tuple[str, int]], vocab: RuleVocabulary
) -> None:
    """A drug written as a done act on a plan line, followed within a sentence or two by a
    sentence naming no drug that says it was given or tolerated, was given.
    """
    if not done:
        return
    sents = sentences(doc)
    latest: dict[int, tuple[Mention, DraftAdministration]] = {}
    for draft in drafts:
        if not _planned_only_by_its_line(draft):
            continue
        for m in draft.drug_mentions:
            labels = {a.label for a in m.attrs if a.sent == m.sent}
            injected = any(
                a.label == "ROUTE" and vocab.families.get(a.norm) == "sc_im" for a in m.attrs
            )
            if m.active and m.section_kind == "plan" and "DOSE" in labels and injected:
                k = sents.index(m.sent)
                if k not in latest or latest[k][0].start < m.start:
                    latest[k] = (m, draft)
    for rule, start in done:
        k = sents.index(start)
        for back in range(1, _DONE_AFTER_SENTENCES + 1):
            hit = latest.get(k - back)
            if hit is not None and not _BLANK_LINE.search(
                doc_text(doc), hit[0].end, doc[start].idx
            ):
                draft = hit[1]
                draft.given = True
                draft.not_given_reason = None
                draft.given_rules.extend([rule, "link.done_then_given"])
                break
