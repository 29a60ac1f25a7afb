"""What kind of note this is, and where and when each drug was given.

Only an SC/IM injection given at this encounter, outside a procedure it is part of, is a 96372.
After linking, this step reads the note type from its title or sections (the ``settings`` table)
and places each administration: ``this_encounter``, ``within_procedure`` (bundled into the
surgery, anesthesia or endoscopy), ``inpatient``, ``elsewhere_or_earlier`` or ``order_only``.
The nearest wording decides: a cue in the drug's clause (by the table's priority), else the
section block the drug sits in ("Hospital course:", "Discharge medications:"), else the note
type's default (a discharge summary's doses are inpatient; an operative report's drugs are part
of the operation). A given administration placed anywhere but this encounter is not given here:
its ``not_given_reason`` says why, and NOT_ADMINISTERED stays in the gaps as the contract says.
A sentence that names no drug and says nothing was given ("No injection administered today.",
"Patient left before the injection.") makes every administration of the note not given.
"""

from __future__ import annotations

import bisect
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import regex as re
from spacy.tokens import Doc, Span
from text_to_num import alpha2digit

from .. import resources as res
from ..pipeline.extensions import doc_ents, doc_text, ext, reading_cache, span_text
from ..pipeline.screen import PatternSet
from ..result import Evidence
from .dates import parse_date
from .doses import DoseReader
from .linking import (
    NO_ACT_REASON,
    DraftAdministration,
    Linked,
    Mention,
    another_dose,
    collect_attributes,
    decide_given,
    oral_form,
    sentences,
)

_FLAGS = re.I | re.M
#: An option answered yes or no: "IM: Yes", "Route IM? Yes", or at the end of its line across an
#: aligned column ("Route SC?          No", "IM          Yes"); searched apart, each fast by the
#: literal it starts with.
_YES_NO_ANY = (
    re.compile(r":\s*(?:yes|no|y|n)\b", re.I),
    re.compile(r"\?[ \t]*(?:yes|no|y|n)\b", re.I),
    re.compile(r"(?:  |\t)[ \t]*(?:yes|no)[ \t]*(?:\r?\n|$)", re.I),
)
_BLANK = re.compile(r"\n[ \t]*\n")
#: A template label at the start of a line ("Plan:", "Discharge meds:") ends a section block.
_LABEL = re.compile(r"^[ \t]*[A-Za-z][A-Za-z /&()-]{1,40}:", re.M)
_CLAUSE = re.compile(r"[;|]")
#: A section block that places its drugs: (start, end, setting, whether it is the list of
#: items under a lead-in, :func:`_items_end`).
Block = tuple[int, int, str, bool]
#: A line's indentation and, after it, any list marker ("-", "•", "*", "a)", "(b)", "2.", "3)").
_ITEM = re.compile(r"[ \t]*((?:[-\u2022*\u25aa\u25e6]|\(?[a-z]\)|\(?\d{1,2}[.)])(?=[ \t]))?", re.I)
#: Between one drug's run and the next drug of a list: "...R VG; dexamethasone", "... and".
_LIST_NEXT = re.compile(r"[\s;,]*(?:(?:and|then|plus)\s+)?")
#: Between a drug and a plan for the injection in its sentence: a clause break or a spaced dash.
_FUTURE_BREAK = re.compile(r"[;|]| [-\u2013\u2014]+ ")
#: Administration and not-done wording of a class-word sentence ("steroid shot given" /
#: "will give a steroid shot next visit", "declined the pain injection").
_DONE = re.compile(
    r"\b(?:given|gave|administered|injected|received|tolerated|done|performed)\b", re.I
)
_NOT_DONE = re.compile(
    r"\b(?:no|not|declined|declines|refused|refuses|deferred|held|will|plan(?:s|ned)?|next|"
    r"consider|discussed|if)\b",
    re.I,
)
#: Order and request wording that reads as not done only when nothing says it was done
#: ("PRN antipsychotic injection ordered and given IM" was given).
_ASKED = re.compile(r"\b(?:prn|due|wants?|requests?|requested|asking|asks)\b", re.I)
#: How far after a class word its sentence is read for not-done wording, and the asides
#: "(no rash, no SOB)" that say nothing of the injection.
_NOT_DONE_AFTER = 30
_ASIDE = re.compile(r"\([^()\n]*\)")
#: A header cell of an administration-record table, and the columns that chart the giving.
_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z /&#.?()-]*")
_CHARTING = frozenset({"given", "time", "charted_by"})
#: How far after an admission wording a past time makes it an earlier stay.
_PAST_AFTER = 40

#: Where a clause ends: a semicolon, a line break, or a full stop not inside a number.
_CLAUSE_END = re.compile(r"[;\n]|\.(?!\d)")


def _clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after the last :data:`_CLAUSE_END` before it
    (read backwards from ``pos``, so a long note is not scanned from its start for each drug).
    """
    i = pos - 1
    while i >= 0:
        c = text[i]
        if c in ";\n" or (c == "." and not text[i + 1 : i + 2].isdigit()):
            return i + 1
        i -= 1
    return 0


def _screened(name: str, patterns: list[str]) -> PatternSet:
    """A table's pattern list, compiled with the module's flags and screened together."""
    return PatternSet([re.compile(p, _FLAGS) for p in patterns], f"setting-{name}")


#: How far after a nothing-given statement its "today" may end it ("no injection given today").
_TODAY_AFTER = 12
#: How many sentences after a routeless drug one naming no drug may say it was injected.
_INJECTED_AFTER = 2
#: How many sentences apart a procedure's route and a routeless drug injected with it may be.
_PROCEDURE_SENTENCES = 2
#: How near a drug its site must be to make a routeless dose an injection.
_SITE_NEAR = 80
#: Words of a nothing-given statement about drugs, which says nothing of IV fluids.
_DRUG_WORDS = re.compile(r"\b(?:medications?|meds|medicines?|drugs?|injections?|shots?)\b", re.I)
#: What parts a drug from a not-given statement after it (another clause, another line).
_STATED_BREAK = re.compile(r"[;|\n]|\. ")
#: Settings a drug shares with the drug before it in a list, and what ends such a list.
_SHARED_CUES = frozenset({"elsewhere_or_earlier", "inpatient"})
#: "there" in the words right after a drug ("received promethazine 25 mg IM there"), not "there
#: is"; and "where" before it ("seen at an urgent care, where ... she received").
_THERE_CHARS = 40
_THERE_AFTER = re.compile(
    r"[^.;\n]*?\bthere\b(?! (?:is|are|was|were|has|have|had|will|may|might)\b)", re.I
)
_WHERE = re.compile(r"\bwhere\b", re.I)

_LIST_BREAK = re.compile(
    r"[;|:\n]|\b(?:today|here|now|then|this visit|in (?:the )?(?:clinic|office))\b", re.I
)


@dataclass(frozen=True)
class NoteKind:
    """The note type, the text that says so, whether its drugs are part of a procedure, and
    whether the patient is in hospital (a consult on an admitted patient).
    """

    note_type: str
    evidence: tuple[Evidence, ...]
    bundles: bool
    inpatient: bool = False
    #: The note narrates an operation or sedated procedure ("prepped and draped", "EBL").
    narrative: bool = False
    #: The note tells of a hospital stay or an emergency department course: its IV doses are
    #: not this office's (``iv_hospital_words``).
    hospital: bool = False
    #: The note reports an operation (an incision, an arthroscopy, general anesthesia): a joint
    #: or nerve injection in it is part of the operation, not a procedure of its own.
    operation: bool = False
    #: The note narrates a surgical operation (general anesthesia, an incision, an -ectomy or
    #: -plasty): an injection it records with no wording of its own placing it elsewhere is part
    #: of the surgical package (pre- and post-operative pain and nausea care).
    surgical: bool = False
    #: The note's procedure title names an injection ("PROCEDURE PERFORMED: Ultrasound-guided
    #: intra-articular injection, right knee"): an SC/IM drug it also records is a separate
    #: injection of the visit, not part of another procedure.
    injection_title: bool = False


#: Between a diagnosis name and its code: "Pernicious anemia (D51.0)", "B12 deficiency - E53.8".
_NAME_TO_CODE = re.compile(r"[ \t]*[(\[,:-]?[ \t]*")
#: Between two names that share one template box ("[ ] Asthma/COPD", "[ ] Arthritis / joint pain").
_SAME_BOX = re.compile(r"[ \t]*/[ \t]*")
#: A line break inside a sentence: the next line goes on in lower case or with a number.
_WRAPPED = re.compile(r"[ \t]*\r?\n[ \t]*(?=[a-z0-9])")
#: A line of a status legend ("Status key: G = given, R = refused") and its "CODE = meaning" pairs.
_LEGEND_LINE = re.compile(r"(?m)^[^\n]*\b[A-Z]{1,3}[ \t]*=[ \t]*[A-Za-z][^\n]*$")
_LEGEND_PAIR = re.compile(
    r"\b([A-Z]{1,3})[ \t]*=[ \t]*([A-Za-z][A-Za-z /'-]{0,24}?)[ \t]*(?=[,;|]|$)"
)
#: The fewest commas of a comma-separated export row (four cells), and the shape of its header
#: row (short column names only), the only line that opens such a table.
_CSV_CELLS = 3
_CSV_HEADER = re.compile(
    r"[A-Za-z][A-Za-z _/&#.?()-]{0,30}(?:,[ \t]*[A-Za-z][A-Za-z _/&#.?()-]{0,30}){3,}"
)
#: What may stand between an option and its box, or between two options of one field.
_BOX_GAP = re.compile(r"[ \t,;:/|]*")


class SettingReader:
    """Compiled settings table: note types, setting cues, section blocks, "nothing given"."""

    def __init__(
        self,
        table: res.SettingsTable,
        site_routes: dict[str, str] | None = None,
        injection_words: list[str] | None = None,
        joint_drugs: list[str] | None = None,
    ) -> None:
        """Compile the patterns of ``table``; ``site_routes``: the route a site implies (a joint
        is an intra-articular injection); ``injection_words``: the advisory table's.
        """
        self.table = table
        self.site_routes = dict(site_routes or {})
        #: Drugs a joint site names the route of (``sites.json``): their site is no anatomy.
        self.joint_drugs = frozenset(joint_drugs or ())
        self.procedure_site_before = re.compile(table.procedure_site_before, re.I)
        self.header_chars = table.header_chars
        self.transmittal = re.compile(table.transmittal_cover, re.I)
        self.types = [
            (
                t.id,
                [re.compile(p, _FLAGS) for p in t.header],
                [re.compile(p, _FLAGS) for p in t.body],
                [re.compile(p, _FLAGS) for p in t.bundles],
            )
            for t in table.note_types
        ]
        self._bundle_screens = {
            type_id: PatternSet(bundle, f"setting-bundles-{type_id}")
            for type_id, _, _, bundle in self.types
            if bundle
        }
        # which (1 titles, 2 sections) -> (every type's patterns in table order, their types)
        self._type_search: dict[int, tuple[PatternSet, list[str]]] = {}
        for which in (1, 2):
            branches = [(t[0], p) for t in self.types for p in t[which]]
            self._type_search[which] = (
                PatternSet([p for _, p in branches], f"setting-note-types-{which}"),
                [type_id for type_id, _ in branches],
            )
        #: (setting, pattern) of every cue, settings in table priority; screened together, each
        #: pattern on its own, so only a pattern RE2 cannot read (a look-around) is always
        #: searched (most clauses have no cue: one pass rules them all out).
        self.cues = [(c.setting, re.compile(p, _FLAGS)) for c in table.cues for p in c.patterns]
        self.cue_screen = PatternSet([p for _, p in self.cues], "setting-cues")
        self.reasons = {c.setting: c.reason for c in table.cues if c.reason}
        self.sections = [s.setting for s in table.sections]
        self.section_extents = [s.extent for s in table.sections]
        self.section_headers = _screened("section_headers", [s.header for s in table.sections])
        self.nothing = _screened("nothing_given", table.nothing_given)
        self.nothing_past = re.compile(table.nothing_given_past, re.I)
        self.all_given = _screened("all_given", table.all_given)
        self.inpatient = _screened("inpatient_words", table.inpatient_words)
        self.iv_hospital = re.compile(
            "|".join(f"(?:{p})" for p in table.iv_hospital_words) or "(?!)", _FLAGS
        )
        self.iv_hospital_not_header = re.compile(table.iv_hospital_not_header, _FLAGS)
        self.iv_hospital_past = re.compile(table.iv_hospital_past, re.I)
        self.iv_hospital_history_line = re.compile(table.iv_hospital_history_line, _FLAGS)
        self.narrative = _screened("procedure_narrative", table.procedure_narrative)
        self.operation = _screened("operation_words", table.operation_words)
        self.operation_title = re.compile(table.operation_title)
        self.operation_title_injection = re.compile(table.operation_title_injection, re.I)
        self.outpatient = re.compile(table.not_inpatient_header, _FLAGS)
        self.nothing_sc_im = _screened("nothing_sc_im_given", table.nothing_sc_im_given)
        self.class_words = _screened("class_words", table.class_words)
        #: Injection wording in a routeless drug's sentence: the advisory table's injection words
        #: and the settings table's additions.
        self.injection_words = res.word_pattern(
            [*(injection_words or ()), *table.routeless_injection_words]
        )
        self.future = _screened("future_injection", table.future_injection)
        #: An oral or topical form right after a drug ("Zofran ODT 4 mg", "B12 tablet").
        self.oral_forms = [re.compile(p, re.I) for p in table.not_injected_forms]
        self.oral_before = [re.compile(p, re.I) for p in table.not_injected_before]
        self.addenda = _screened("addendum_headers", table.addendum_headers)
        self.in_error = re.compile(table.error_words, re.I)
        self.quoted_before = re.compile(table.retracted_before, re.I)
        self.correction = re.compile(table.correction_words, re.I)
        self.back_reference = re.compile(table.back_reference, re.I)
        self.framing_opener = re.compile(table.framing_opener, re.I)
        self.clause_date = re.compile(table.clause_date)
        self.clause_date_not_dose = re.compile(table.clause_date_not_dose, re.I)
        self.clause_short_date = re.compile(table.clause_short_date, re.I)
        self.clause_today = re.compile(table.clause_today, re.I)
        self.clause_same_day = re.compile(table.clause_same_day, re.I)
        self.encounter_header = re.compile(table.encounter_header)
        self.encounter_row = re.compile(table.encounter_row)
        # screened: searched only in the few notes RE2 says may hold it
        self.spoken_encounter_header = _screened(
            "spoken_encounter_header", [table.spoken_encounter_header]
        )
        self.short_date_of_service = re.compile(table.short_date_of_service)
        self.on_site = re.compile(table.on_site)
        self.named_product = re.compile(table.named_product)
        self.copied_forward = re.compile(table.copied_forward, re.I)
        self.copied_forward_end = re.compile(table.copied_forward_end, re.I)
        marks = [(m, True) for m in table.checked_marks] + [
            (m, False) for m in table.unchecked_marks
        ]
        marks.sort(key=lambda x: -len(x[0]))
        self.marks = dict(marks)
        self.mark_re = (
            re.compile("|".join(re.escape(m) for m, _ in marks)) if marks else re.compile("(?!)")
        )
        yes = "|".join(re.escape(w) for w in table.yes_no.get("yes", [])) or "(?!)"
        no = "|".join(re.escape(w) for w in table.yes_no.get("no", [])) or "(?!)"
        self.yes_no = re.compile(rf"^\s*[:=-]?\s*(?:(?P<yes>{yes})|(?P<no>{no}))\b", re.I)
        # the answer after a question mark or across an aligned column, on the option's line
        self.yes_no_column = re.compile(
            rf"(?:\?[ \t]*(?:(?P<yes>{yes})|(?P<no>{no}))\b"
            rf"|[ \t]{{2,}}(?:(?P<yes>{yes})|(?P<no>{no}))[ \t]*(?:\r?\n|$))",
            re.I,
        )
        self.not_given_option = re.compile(table.not_given_options, re.I)
        self.given_field = re.compile(table.given_field, re.I)
        self.not_documentation = PatternSet(
            [re.compile(p, re.M) for p in table.not_documentation_lines], "not_documentation"
        )
        self.option_lists = _screened("option_lists", table.option_lists)
        self.not_drug_amount = re.compile(table.not_drug_amount, re.I)
        self.diluent_amount_before = re.compile(table.diluent_amount_before, re.I)
        self.measurement_before = re.compile(table.measurement_before, re.I)
        # screened: searched only in the few notes RE2 says may hold it
        self.other_patient = PatternSet([re.compile(table.other_patient, re.I)], "other_patient")
        self.patient_header = re.compile(table.patient_header)
        self.patient_segments = [re.compile(p) for p in table.patient_segments]
        self.next_patient = re.compile(table.next_patient)
        self.background_speech = re.compile(table.background_speech)
        self.dose_reader = DoseReader(res.doses())
        self.mar_columns = {role: re.compile(p, re.I) for role, p in table.mar_columns.items()}
        self.mar_not_done = re.compile(table.mar_not_done, re.I)

    # Note type --------------------------------------------------------------------------------

    def note_kind(self, text: str) -> NoteKind:
        """The note type: the earliest title in the header, else the earliest section, else the
        default.
        """
        head = text[: self.header_chars]
        found = self._earliest(head, 1) or self._earliest(text, 2)
        if found is not None and found[0] == "letter_other" and self.transmittal.search(head):
            # a fax cover or a reply to a records request over the documents it sends ("RE:
            # Member ... DOS 07/03/2024", "Enclosed: (1) provider visit note, ..."): the type
            # of the documents sent
            found = self._earliest(head, 1, skip="letter_other") or self._earliest(
                text, 2, skip="letter_other"
            )
        if found is None:
            default = self.table.default_note_type
            hospital = default in self.table.iv_hospital_note_types and self._hospital(text)
            return NoteKind(default, (), False, hospital=hospital)
        note_type, match = found
        bundles = self._bundles(note_type, text)
        ev = Evidence(match.start(), match.end(), match.group(0).strip() or match.group(0))
        inpatient = (
            note_type in self.table.inpatient_note_types
            and not self.outpatient.search(head)
            and any(
                # "was admitted to the medicine service last year" is history, not this stay
                not self.nothing_past.search(text, m.end(), m.end() + _PAST_AFTER)
                for p in self.inpatient.candidates(text)
                for m in p.finditer(text)
            )
        )
        narrative = note_type in self.table.unrouted_within_procedure and any(
            p.search(text) for p in self.narrative.candidates(text)
        )
        hospital = note_type in self.table.iv_hospital_note_types and self._hospital(text)
        # the procedure titles and the operation words are read once, for the three flags
        titles = [m.group("line") for m in self.operation_title.finditer(text)]
        named_injection = any(self.operation_title_injection.search(t) for t in titles)
        words = (bundles or narrative) and any(
            p.search(text) for p in self.operation.candidates(text)
        )
        # an operation whose title names no injection ("PROCEDURE PERFORMED: Right knee
        # arthroscopy" under general anesthesia), not an epidural or a nerve block done under
        # anesthesia, whose title names it
        operation = bundles and bool(titles) and not named_injection and words
        operative_words = narrative and words
        # an injection procedure under its own title; an operation that also injects (an
        # excision with local infiltration) is no injection procedure
        injection_title = not operative_words and named_injection
        surgical = operative_words and not named_injection
        return NoteKind(
            note_type,
            (ev,),
            bundles,
            inpatient,
            narrative,
            hospital,
            operation,
            surgical,
            injection_title,
        )

    def _bundles(self, note_type: str, text: str) -> bool:
        """A bundling pattern of the note type matches the header, or, for one written at a line
        start ("^..."), any line: searched only where the screen says it may match (in the whole
        text, or in the header, whose end may end a pattern's line).
        """
        screen = self._bundle_screens.get(note_type)
        if screen is None:
            return False
        head = text[: self.header_chars]
        in_head = {k for k, _ in screen.indexed(head)}
        in_text = {k: sure for k, _, sure in screen.screened(text)}
        return any(
            (k in in_head and p.search(head))
            or (k in in_text and p.pattern.startswith("^") and (in_text[k] or p.search(text)))
            for k, p in enumerate(screen.patterns)
        )

    def _hospital(self, text: str) -> bool:
        """The note tells of a present hospital stay or ED course (``iv_hospital_words``), not
        under an outpatient title, not only as past history.
        """
        if self.iv_hospital_not_header.search(text[: self.header_chars]):
            return False
        for m in self.iv_hospital.finditer(text):
            if self.iv_hospital_past.match(text, m.end()):
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            if self.iv_hospital_history_line.match(text, line_start, line_end):
                continue
            return True
        return False

    def _earliest(
        self, text: str, which: int, skip: str | None = None
    ) -> tuple[str, re.Match[str]] | None:
        """The note type whose title (``which`` 1) or section (2) pattern matches first, and the
        match; on a tie, the first type and pattern in table order.

        The same answer as one search of all the patterns as an alternation in table order (its
        match is the earliest any pattern has, and at that position the first pattern that
        matches there), but only the patterns the screen keeps are searched. ``skip``: a note
        type left out.
        """
        patterns, owners = self._type_search[which]
        best: tuple[int, int, re.Match[str]] | None = None
        for k, pattern in patterns.indexed(text):
            if skip is not None and owners[k] == skip:
                continue
            m = pattern.search(text)
            if m is not None and (best is None or m.start() < best[0]):
                best = (m.start(), k, m)
        if best is None:
            return None
        return owners[best[1]], best[2]

    # Settings ---------------------------------------------------------------------------------

    def blocks(self, text: str) -> list[Block]:
        """Section blocks that place their drugs: from the header to a blank line or next label,
        or over the list under a lead-in (the last item: whether it is such a list).
        """
        out = []
        for k, pattern in self.section_headers.indexed(text):
            setting = self.sections[k]
            for m in pattern.finditer(text):
                if self.section_extents[k] == "list":
                    out.append((m.start(), _items_end(text, m.start()), setting, True))
                    continue
                end = len(text)
                blank = _BLANK.search(text, m.end())
                if blank:
                    end = blank.start()
                label = _LABEL.search(text, m.end())
                if label and label.start() < end:
                    end = label.start()
                out.append((m.start(), end, setting, False))
        return out

    def _copied_forward(self, m: Mention) -> bool:
        """Whether the mention's line says it was copied forward from an earlier note, or it
        lies under a line that does and ends with a colon or a rule ("--- copied from the
        03/02 note ---"), with no blank line between.
        """
        text = doc_text(m.span.doc)
        data = m.span.doc.user_data
        if "cleanclaim_copied" not in data:
            data["cleanclaim_copied"] = self.copied_forward.search(text) is not None
        if not data["cleanclaim_copied"]:
            return False
        start = text.rfind("\n", 0, m.start) + 1
        end = text.find("\n", m.end)
        end = len(text) if end == -1 else end
        if self.copied_forward.search(text, start, end):
            return True
        while start > 0:
            above = text.rfind("\n", 0, start - 1) + 1
            line = text[above : start - 1].strip()
            if not line:
                return False
            if self.copied_forward_end.match(line):
                return False  # "[end copied text]": the copy closed above the mention
            if self.copied_forward.search(line):
                return line.endswith((":", "-", "=", "*", "]"))
            start = above
        return False

    def cue(self, m: Mention) -> str | None:
        """The setting the wording of the mention's clause gives, by table priority."""
        sent = m.span.sent
        text = doc_text(m.span.doc)
        window = self.table.cue_window
        # only the clause within ``window`` characters of the mention is read (linear time)
        s0 = max(sent.start_char, m.start - window)
        s1 = min(sent.end_char, m.end + window)
        lo = max((x.end() for x in _CLAUSE.finditer(text, s0, m.start)), default=s0)
        hi_match = _CLAUSE.search(text, m.end, s1)
        # a line wrapped inside the sentence ("at a men's health\nclinic last fall") is one line
        clause = _WRAPPED.sub(" ", text[lo : hi_match.start() if hi_match else s1])
        # a clause's reading depends on its words alone: read each distinct clause once per note
        # (MAR rows and template lines repeat theirs)
        seen = m.span.doc.user_data.setdefault("cleanclaim_clause_cues", {})
        if clause not in seen:
            seen[clause] = self._clause_cue(clause)
        return seen[clause]

    def frame(self, m: Mention) -> str | None:
        """Another place or an earlier time that frames the mention's whole sentence: its
        opening clause ("At the referring hospital: cultures drawn; received dexamethasone 10 mg
        IM"), or, for a sentence opening "There ..." or "At that visit ...", the sentence before
        it ("Seen at urgent care yesterday. There she received Rocephin 1 g IM").
        """
        sent = m.span.sent
        doc = m.span.doc
        text = doc_text(doc)
        first = _CLAUSE.search(text, sent.start_char, m.start)
        if first is not None and not any(
            e.label_ == "DRUG" and sent.start_char <= e.start_char < first.start()
            for e in doc_ents(doc)
        ):
            # an opening clause naming no drug of its own frames the sentence
            found = self._clause_cue(text[sent.start_char : first.start()])
            if found in _SHARED_CUES:
                return found
        if _THERE_AFTER.match(text, m.end, min(sent.end_char, m.end + _THERE_CHARS)) or (
            _WHERE.search(text, sent.start_char, m.start)
        ):
            # "seen at an urgent care this morning, where ..., and she received promethazine 25
            # mg IM there": the place named earlier in the sentence is where it was given
            found = self._clause_cue(text[sent.start_char : m.start])
            if found == "elsewhere_or_earlier":
                return found
        opener = self.framing_opener.match(text, sent.start_char, m.start)
        if opener is not None:
            # "According to the report from the referring facility, ..., she was given IM
            # ampicillin": the opening phrase frames the sentence
            found = self._clause_cue(opener.group(0))
            if found in _SHARED_CUES:
                return found
        if sent.start == 0 or not self.back_reference.match(text, sent.start_char):
            return None
        before = doc[sent.start - 1].sent
        found = self._clause_cue(
            text[max(before.start_char, before.end_char - 400) : before.end_char]
        )
        return found if found in _SHARED_CUES else None

    def _clause_cue(self, clause: str) -> str | None:
        candidates = self.cue_screen.screened(clause)
        if not candidates:
            return None
        done = self.table.order_only_unless_done and _DONE.search(clause)
        # the first pattern that matches, in table order, is one of the first setting matched
        for k, pattern, sure in candidates:
            setting = self.cues[k][0]
            if setting == "order_only" and done:
                continue
            if sure or pattern.search(clause):
                return setting
        return None

    def mention_setting(self, m: Mention, kind: NoteKind, blocks: list[Block]) -> str:
        """Where the drug of ``m`` was given: its clause, its section block, the note type."""
        if self._copied_forward(m):
            return "elsewhere_or_earlier"
        found = self.cue(m)
        if found is not None:
            return found
        framed = self.frame(m)
        if framed is not None:
            return framed
        before = m.span.doc.user_data.get("cleanclaim_listed_with", {}).get(id(m))
        if before is not None and self.cue(before) in _SHARED_CUES:
            # "where she received ketorolac 30 mg IM and ondansetron 4 mg IM": one cue, both drugs
            return self.cue(before)  # type: ignore[return-value]
        for start, end, setting, listed in blocks:
            if start <= m.start < end:
                if setting == "order_only" and ext(m.span, "cc_given"):
                    # "Rx: ceftriaxone 500 mg IM (diluted w/ 1% lidocaine), given by me": the
                    # label heads a treatment the sentence says was given; an item of a list of
                    # orders or options only by a word of its own line ("x1" is a quantity)
                    if not listed or _DONE.search(span_text(m.span.sent)):
                        break
                return setting
        if kind.bundles:
            return "within_procedure"
        if kind.inpatient:
            return "inpatient"
        if (
            kind.note_type in self.table.on_site_types
            and (ext(m.span, "cc_given") or m.section_kind == "administration")
            and self._on_site(m.span.doc)
        ):
            # a telehealth visit whose patient is on site with staff: "Administered by MA"
            return "this_encounter"
        if kind.note_type in self.table.administration_section_here and (
            m.section_kind == "administration"
            # "Today I administered cyanocobalamin 1000 mcg IM": the visit the letter reports
            or (
                ext(m.span, "cc_given")
                and self.clause_today.search(span_text(m.span.sent)) is not None
            )
        ):
            return "this_encounter"
        return self.table.note_type_settings.get(kind.note_type, "this_encounter")  # type: ignore[arg-type]

    def _on_site(self, doc: Doc) -> bool:
        """The note says the patient is on site with staff (searched once per note)."""
        return _per_doc(doc, "on_site", lambda: self.on_site.search(doc_text(doc)) is not None)

    def nothing_given(self, doc: Doc, linked: Linked) -> list[tuple[Evidence, int | None]]:
        """Statements that nothing was given: (evidence, None) for a sentence naming no drug
        (the whole note), (evidence, sentence start) for one naming its drug ("Testosterone
        injection held today - not given": that drug, whatever an earlier line said).
        """
        if not self.nothing:
            return []
        drug_sents = {m.sent for m in linked.mentions if m.label == "DRUG"}
        out: list[tuple[Evidence, int | None]] = []
        text = doc_text(doc)
        for match in self.nothing.finditer(text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None:
                continue
            if _heads_items(text, match):
                # "Not given today" over a list: said of its items, which say it again
                # ("Rabies vaccine - offered, declined"), not of the note
                continue
            told = span_text(span.sent)
            today = self.clause_today.search(match.group(0)) or self.clause_today.match(
                text, match.end() + 1, match.end() + _TODAY_AFTER
            )
            if not today and (self.nothing_past.search(told) or self._elsewhere(told)):
                # "Seen at the UC yesterday, no treatment given": another place's or day's (but
                # "a dose 2 days ago - no injection given today" says it of this visit)
                continue
            ev = Evidence(match.start(), match.end(), match.group(0))
            sent = span.sent.start
            # "Meningococcal vaccination was discussed ...; not given": that product's only
            specific = sent in drug_sents or self.named_product.search(told) is not None
            out.append((ev, sent if specific else None))
        return out

    def _elsewhere(self, text: str) -> bool:
        """Whether ``text`` holds a cue of a dose given elsewhere or earlier."""
        return any(
            setting == "elsewhere_or_earlier" and pattern.search(text)
            for setting, pattern in self.cues
        )

    def corrections(self, text: str) -> list[int]:
        """Where the addenda that say they correct something begin (only those replace earlier
        statements; an addendum adding a lot number replaces nothing).
        """
        starts = sorted(m.start() for m in self.addenda.finditer(text))
        return [
            s
            for i, s in enumerate(starts)
            if self.correction.search(text, s, starts[i + 1] if i + 1 < len(starts) else len(text))
        ]

    def latest_given(self, linked: Linked, starts: list[int]) -> None:
        """A correcting addendum that re-states a drug decides whether it was given: "B12
        deferred, patient declined" then "ADDENDUM - correction: patient did not decline.
        Cyanocobalamin 1000 mcg IM L deltoid" was given; the reverse was not. Decided again from
        the drug's mentions in the latest such addendum, when they say either.
        """
        for draft in linked.administrations:
            late_start = max(
                (s for s in starts if any(m.start >= s for m in draft.drug_mentions)), default=-1
            )
            if late_start < 0 or all(m.start >= late_start for m in draft.drug_mentions):
                continue
            late = [m for m in draft.drug_mentions if m.start >= late_start]
            trial = DraftAdministration(drug_id=draft.drug_id, families=draft.families)
            trial.drug_mentions = late
            trial.doses, trial.routes, trial.sites = draft.doses, draft.routes, draft.sites
            decide_given(trial)
            if trial.given or trial.not_given_reason == "declined or not given":
                draft.given = trial.given
                draft.not_given_reason = trial.not_given_reason
                draft.given_rules = [*trial.given_rules, "setting.latest_statement"]
                draft.corrected_at = late_start

    def latest_dose(self, linked: Linked, starts: list[int]) -> None:
        """A correcting addendum that cancels an amount ("I agree with intramuscular treatment but
        change the haloperidol dose ... the five milligram order is cancelled") removes that
        amount from the doses written before it.
        """
        first = starts[0]
        cancelled = {
            str(amount)
            for m in linked.mentions
            if m.label == "DOSE" and m.start >= first and m.negated
            if (amount := self.dose_reader.parse(span_text(m.span))) is not None
        }
        if not cancelled:
            return
        for draft in [*linked.administrations, *([linked.unnamed] if linked.unnamed else [])]:
            draft.doses[:] = [
                d
                for d in draft.doses
                if d.start >= first
                or (amount := self.dose_reader.parse(span_text(d.span))) is None
                or str(amount) not in cancelled
            ]

    def latest_route(self, doc: Doc, linked: Linked, starts: list[int]) -> None:
        """An addendum or correction that states the route replaces the earlier statements."""
        for draft in [*linked.administrations, *([linked.unnamed] if linked.unnamed else [])]:
            if len(draft.route_codes) < 2:
                continue
            late = [
                r
                for r in draft.routes
                if r.start >= starts[0] and not r.negated and not self._retracted(doc, r)
            ]
            if not late:
                continue
            last = max(s for s in starts if s <= late[-1].start)
            keep = [r for r in late if r.start >= last]
            draft.replaced_routes = [r for r in draft.routes if r not in keep]
            draft.routes[:] = keep

    def _retracted(self, doc: Doc, route: Mention) -> bool:
        """Error wording after the route ("SC ... entered in error"), before any other route."""
        if self.quoted_before.search(doc_text(doc)[max(0, route.start - 50) : route.start]):
            return True
        found = self.in_error.search(doc_text(doc)[route.end : route.end + 60])
        if found is None:
            return False
        stop = route.end + found.end()
        return not any(
            e.label_ == "ROUTE" and route.end <= e.start_char < stop for e in doc_ents(doc)
        )

    def _no_sc_im(self, doc: Doc, linked: Linked) -> bool:
        """A sentence naming no drug says no SC/IM medication was given ("No IM meds given")."""
        drug_sents = {m.sent for m in linked.mentions if m.label == "DRUG"}
        for match in self.nothing_sc_im.finditer(doc_text(doc)):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and span.sent.start not in drug_sents:
                return True
        return False

    def _future(self, doc: Doc, linked: Linked) -> bool:
        """A sentence naming no drug plans the injection for later."""
        drugs = [m for m in linked.mentions if m.label == "DRUG"]
        text = doc_text(doc)
        for pattern in self.future.candidates(text):
            for match in pattern.finditer(text):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is None:
                    continue
                # a drug of the same sentence keeps it unless a clause break separates them
                near = [m for m in drugs if m.sent == span.sent.start]
                if all(
                    _FUTURE_BREAK.search(text, min(m.end, match.start()), max(m.start, match.end()))
                    for m in near
                ):
                    return True
        return False

    # Template boxes and charge lines ----------------------------------------------------------

    def ignored(self, doc: Doc) -> frozenset[int]:
        """Start offsets of mentions that document nothing: options left unchecked in a template
        field ("Route: [x] IM [ ] SC", "( ) IM (•) SC", "IM: Yes  SC: No"), every mention on
        a charge or order-set line ("96372 THER/PROPH/DIAG INJ SC/IM"), the items of a list of
        options ("RN may give ONE of the following:"), amounts of food or drink ("tolerated 240 mL
        electrolyte solution") and of a diluent ("reconstituted with 1 mL of 1% lidocaine").
        Found once per note while the rules read it (linking and the placing rules both ask).
        """
        return _per_doc(doc, "ignored", lambda: self._ignored(doc))

    def _ignored(self, doc: Doc) -> frozenset[int]:
        text = doc_text(doc)
        ents = [e for e in doc_ents(doc) if e.label_ in ("DRUG", "DOSE", "ROUTE", "SITE")]
        if not ents:
            return frozenset()
        out: set[int] = set()
        starts = [e.start_char for e in ents]  # doc.ents are in text order

        def within(a: int, b: int) -> list:
            return ents[bisect.bisect_left(starts, a) : bisect.bisect_left(starts, b)]

        for m in self.not_documentation.finditer(text):
            out.update(e.start_char for e in within(m.start(), m.end()))
        out.update(start for start, (_, checked) in self._box_options(doc).items() if not checked)
        for m in self.option_lists.finditer(text):
            out.update(e.start_char for e in within(m.end(), _items_end(text, m.start())))
        out.update(
            e.start_char
            for e in ents
            if e.label_ == "DOSE"
            and (
                self.not_drug_amount.match(text, e.end_char)
                or self.diluent_amount_before.search(text, max(0, e.start_char - 40), e.start_char)
                or self.measurement_before.search(text, max(0, e.start_char - 40), e.start_char)
            )
        )
        after = self.table.other_patient_after_chars
        for pattern in self.other_patient.candidates(text):
            other = pattern.search(text, after)
            if other is not None:
                # "Starting new dictation, bed five, different patient": another patient's note
                out.update(e.start_char for e in within(other.start(), len(text)))
        for lo, hi in self.other_patients(doc):
            out.update(e.start_char for e in within(lo, hi))
        if "[" in text:
            for m in self.background_speech.finditer(text):
                # "[crosstalk] she said the Kenalog's out, order more [crosstalk]"
                out.update(e.start_char for e in within(m.start("speech"), m.end("speech")))
        return frozenset(out)

    def other_patients(self, doc: Doc) -> list[tuple[int, int]]:
        """Character ranges of the parts of a file of several patients about another patient
        than the one its header names (see :meth:`_other_patients`), found once per note.
        """
        return _per_doc(doc, "other_patients", lambda: self._other_patients(doc_text(doc)))

    def other_patient_diagnoses(self, doc: Doc) -> frozenset[int]:
        """Start offsets of the diagnoses in another patient's part of the file: not this
        patient's.
        """
        ranges = self.other_patients(doc)
        if not ranges:
            return frozenset()
        return frozenset(
            e.start_char
            for e in doc_ents(doc)
            if e.label_ == "DIAGNOSIS" and any(lo <= e.start_char < hi for lo, hi in ranges)
        )

    def _other_patients(self, text: str) -> list[tuple[int, int]]:
        """The parts of a file of several patients that are not about the patient its header
        names ("[Patient: Desmond Okafor-Lyle | DOS 07/11]" over an injection log of "first
        Jonah Pike ...", "second Desmond Okafor-Lyle ...", "third Wendell Haas ..."; "next
        patient Bernard Ilunga ..." after the note): each from where it starts to where the next
        part starts.
        """
        head = self.patient_header.search(text, 0, self.table.patient_header_chars)
        if head is None:
            return []
        own = _name_words(head.group("name"))
        parts: dict[int, tuple[bool, bool]] = {}  # start -> (the header's patient, told "next")
        for pattern in self.patient_segments:
            for m in pattern.finditer(text, head.end()):
                parts.setdefault(m.start(), (bool(_name_words(m.group("name")) & own), False))
        for m in self.next_patient.finditer(text, head.end()):
            parts[m.start()] = (bool(_name_words(m.group("name")) & own), True)
        mine = [own for own, _ in parts.values()]
        told_other = any(told and not own for own, told in parts.values())
        if not told_other and (all(mine) or not any(mine)):
            return []  # no part names someone else, or none names the header's patient
        heads = sorted((start, own) for start, (own, _) in parts.items())
        return [(lo, hi) for lo, hi, own in _parts(heads, len(text)) if not own]

    def checked_options(self, doc: Doc) -> frozenset[int]:
        """Start offsets of the routes and sites checked in a template field ("Site: ☒ L deltoid
        ☐ R deltoid"): a filled-in record of how and where the dose went.
        """
        return frozenset(
            start
            for start, (label, checked) in self._box_options(doc).items()
            if checked and label in ("ROUTE", "SITE")
        )

    def unchecked_diagnoses(self, doc: Doc) -> frozenset[int]:
        """Start offsets of the diagnoses offered in a template's boxes and left unchecked
        ("[ ] Pernicious anemia (D51.0)" under "[x] Fatigue (R53.83)"): not the patient's. A code
        right after its name ("(D51.0)") and a name after a slash ("[ ] Asthma/COPD") share the
        name's box.
        """
        text = doc_text(doc)
        out = set()
        previous: tuple[Span, bool | None] | None = None
        for i, line_ents, checked in self._boxes(doc, ("DIAGNOSIS",), answers=False):
            e = line_ents[i]
            if (
                checked is None
                and i
                and previous is not None
                and previous[0] is line_ents[i - 1]
                and (
                    _NAME_TO_CODE.fullmatch(text, line_ents[i - 1].end_char, e.start_char)
                    # "[ ] Asthma/COPD": two names of one box
                    or _SAME_BOX.fullmatch(text, line_ents[i - 1].end_char, e.start_char)
                )
            ):
                checked = previous[1]
            if checked is False:
                out.add(e.start_char)
            previous = (e, checked)
        return frozenset(out)

    def _box_options(self, doc: Doc) -> dict[int, tuple[str, bool]]:
        """Start offset → (label, checked) of each drug, route or site with a box or a yes/no
        answer of its own on a template line; read once per note.
        """
        text = doc_text(doc)
        cached = self.__dict__.get("_options_cache")
        if cached is not None and cached[0] is text:
            return cached[1]
        out: dict[int, tuple[str, bool]] = {}
        for i, line_ents, checked in self._boxes(doc, ("DRUG", "ROUTE", "SITE")):
            if checked is not None:
                out[line_ents[i].start_char] = (line_ents[i].label_, checked)
        self._options_cache = (text, out)
        return out

    def _boxes(
        self, doc: Doc, labels: tuple[str, ...], answers: bool = True
    ) -> Iterator[tuple[int, list[Span], bool | None]]:
        """``(i, line_ents, checked)`` for each mention of ``labels`` on a template line with
        boxes or yes/no answers: whether the box of ``line_ents[i]`` is checked (see
        :meth:`_checked`), the mentions of its line in text order.
        """
        text = doc_text(doc)
        lines = self._box_lines(text)
        if not lines:
            return
        ents = [e for e in doc_ents(doc) if e.label_ in labels]
        starts = [e.start_char for e in ents]  # doc.ents are in text order
        for start, end in lines:
            line_ents = ents[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]
            for i in range(len(line_ents)):
                yield i, line_ents, self._checked(text, i, line_ents, answers)

    def _box_lines(self, text: str) -> list[tuple[int, int]]:
        # Read once per note (both the ignored options and the given boxes ask).
        cached = self.__dict__.get("_box_cache")
        if cached is not None and cached[0] is text:
            return cached[1]
        out = self._find_box_lines(text)
        self._box_cache = (text, out)
        return out

    def _find_box_lines(self, text: str) -> list[tuple[int, int]]:
        # Only lines holding a mark or a yes/no candidate of the whole text are read line by
        # line (marks are literals without line breaks; the whole-text yes/no matches include
        # every line's).
        candidates = sorted(
            [m.start() for m in self.mark_re.finditer(text)]
            + [m.start() for pattern in _YES_NO_ANY for m in pattern.finditer(text)]
        )
        if not candidates:
            return []
        out = []
        pos = k = 0
        for line in text.splitlines(keepends=True):
            end = pos + len(line)
            while k < len(candidates) and candidates[k] < pos:
                k += 1
            if k < len(candidates) and candidates[k] < end:
                if self.mark_re.search(line) or self.yes_no_any(line):
                    out.append((pos, end))
            pos = end
        return out

    def yes_no_any(self, line: str) -> bool:
        """Whether a line has an "option: yes/no" field."""
        return any(pattern.search(line) for pattern in _YES_NO_ANY)

    def _checked(self, text: str, i: int, line_ents: list, answers: bool = True) -> bool | None:
        """Whether the box of the option ``line_ents[i]`` is checked (None: no box of its own).

        ``answers``: a yes/no answer after the option counts as its box ("IM: Yes SC: No"); not
        for diagnoses, where "Asthma: no ED visits" is a finding, not an unchecked box.
        """
        ent = line_ents[i]
        after = text[ent.end_char : ent.end_char + 12]
        yn = answers and (
            self.yes_no.match(after)
            or self.yes_no_column.match(text, ent.end_char, ent.end_char + 40)
        )
        if yn:
            return yn.group("yes") is not None
        # The options of one field stand next to each other with only boxes between them
        # ("[x] IM  [ ] SC  [ ] PO"); a line may hold other fields and mentions before and after
        # ("Medication: ketorolac  Dose: 60 mg  Route: [x] IM  [ ] SC"). The boxes of a field
        # come before its options when one stands right before its first option.
        first = i
        while first and self._only_marks(
            text, line_ents[first - 1].end_char, line_ents[first].start_char
        ):
            first -= 1
        gap_start = (
            line_ents[first - 1].end_char if first else text.rfind("\n", 0, ent.start_char) + 1
        )
        lead = list(self.mark_re.finditer(text, gap_start, line_ents[first].start_char))
        if lead and not text[lead[-1].end() : line_ents[first].start_char].strip():
            prev_end = line_ents[i - 1].end_char if i > first else lead[-1].start()
            marks = list(self.mark_re.finditer(text, prev_end, ent.start_char))
            return self.marks[marks[-1].group(0)] if marks else None
        # boxes after their options ("IM [x]  SC [ ]"): the box right after this one
        mark = self.mark_re.search(
            text, ent.end_char, text.find("\n", ent.end_char) % (len(text) + 1) or len(text)
        )
        if mark is None or _BOX_GAP.fullmatch(text, ent.end_char, mark.start()) is None:
            return None
        return self.marks[mark.group(0)]

    def _only_marks(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` holds boxes and separators only (two options of a field)."""
        return _BOX_GAP.fullmatch(self.mark_re.sub("", text[start:end])) is not None

    def box_not_given(self, doc: Doc, linked: Linked) -> list[tuple[Evidence, int | None]]:
        """A "given" field whose checked box says not given ("Given: [ ] Yes [x] No",
        "[ ] Administered [x] Refused"): (evidence, sentence start of its drug or None).
        """
        text = doc_text(doc)
        out: list[tuple[Evidence, int | None]] = []
        drug_sents = {m.sent for m in linked.mentions if m.label == "DRUG"}
        # line start → the sentence of the first drug on that line
        drug_lines: dict[int, int] = {}
        for m in linked.mentions:
            if m.label == "DRUG":
                drug_lines.setdefault(text.rfind("\n", 0, m.start) + 1, m.sent)
        for start, end in self._box_lines(text):
            line = text[start:end]
            if not self.given_field.search(line):
                continue
            marks = list(self.mark_re.finditer(line))
            checked_labels = []
            for k, mark in enumerate(marks):
                if not self.marks[mark.group(0)]:
                    continue
                stop = marks[k + 1].start() if k + 1 < len(marks) else len(line)
                checked_labels.append((mark.start(), line[mark.end() : stop]))
            if marks and not checked_labels and _given_option(line, marks, self.given_field):
                # "[ ] Administered  [ ] Refused  [ ] Held": a form left unanswered records no
                # dose (the first box's label is the "given" option)
                checked_labels = [(marks[0].start(), "not given")]
            for label_start, label in checked_labels:
                if self.not_given_option.search(label):
                    span = doc.char_span(start, end, alignment_mode="expand")
                    sent = span.sent.start if span is not None else None
                    if sent not in drug_sents:
                        # a "given" field on the line under its drug's line ("PCV21 0.5 mL IM"
                        # then "Administered: ( ) Yes (•) No") answers for that drug only
                        sent = _drug_line_above(text, start, drug_lines)
                    ev = Evidence(start + label_start, end, line[label_start:].rstrip())
                    out.append((ev, sent if sent in drug_sents else None))
        return out

    # Administration-record tables --------------------------------------------------------------

    def rows_not_done(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the table rows that say their drug was not given.

        Rows are lines split by pipes or tabs. Under a header row that names the columns
        ("Time | Med | Dose | Route | Site | Given"), a blank or not-done cell in the given
        column, or a not-done value in the time or initials column, says the row was not given;
        a row under no header says so by a not-done cell of its own ("(not charted)").
        """
        if not self.mar_columns or ("|" not in text and "\t" not in text and "," not in text):
            return []
        out = []
        header: list[str | None] | None = None
        sep = None
        edges = (False, False)
        pos = 0
        # a status legend's not-given codes, read once when a header row is found
        not_done_codes: frozenset[str] = frozenset()
        legend_read = False
        for line in text.splitlines(keepends=True):
            start, pos = pos, pos + len(line)
            row_sep = (
                "|"
                if line.count("|") >= 2
                else "\t"
                if line.count("\t") >= 2
                else ","
                if line.count(",") >= _CSV_CELLS
                else None
            )
            if row_sep is None:
                header = None
                continue
            if row_sep == ",":
                # a comma-separated export: its quoted cells may hold commas; a line of prose
                # with commas is a row only under a header row that names the columns
                if (header is None or sep != ",") and not _CSV_HEADER.fullmatch(line.strip()):
                    header = None
                    continue
                cells = [c.strip() for c in next(csv.reader([line.rstrip("\r\n")]))]
            else:
                cells = [c.strip() for c in line.rstrip("\r\n").split(row_sep)]
            bare = line.strip()
            outer = (row_sep == "|" and bare.startswith("|"), row_sep == "|" and bare.endswith("|"))
            if header is None or row_sep != sep:
                edges = outer
            # "| a | b |": the outer pipes of the header row open and close each row
            cells = cells[1:] if edges[0] and cells else cells
            cells = cells[:-1] if edges[1] and cells else cells
            roles = [self._column_role(c) for c in cells]
            if "record" in roles and all(_COLUMN_NAME.fullmatch(c) for c in cells):
                header, sep = roles, row_sep
                if not legend_read:
                    not_done_codes, legend_read = self._legend_not_done(text), True
                continue
            if header is not None and sep == row_sep and len(cells) == len(header):
                bad = any(
                    (role == "given" and (not cell or set(cell) <= set("-\u2013\u2014_?")))
                    or (
                        role in _CHARTING
                        and (self.mar_not_done.match(cell) or cell in not_done_codes)
                    )
                    for role, cell in zip(header, cells, strict=True)
                )
            elif row_sep == ",":
                bad = False
            else:
                bad = any(len(c) > 3 and self.mar_not_done.match(c) for c in cells)
            if bad:
                out.append((start, pos))
        return out

    def _legend_not_done(self, text: str) -> frozenset[str]:
        """The codes a status legend of the export says mean not given ("Status key: G = given,
        R = refused, H = held": R and H): a line holding two or more "CODE = meaning" pairs.
        """
        if "=" not in text:
            return frozenset()
        out = set()
        for line in _LEGEND_LINE.finditer(text):
            pairs = _LEGEND_PAIR.findall(line.group(0))
            if len(pairs) >= 2:
                out.update(code for code, meaning in pairs if self.mar_not_done.match(meaning))
        return frozenset(out)

    def _column_role(self, cell: str) -> str | None:
        for role, pattern in self.mar_columns.items():
            if pattern.match(cell):
                return role
        return None

    def rows_not_given(self, doc: Doc, linked: Linked) -> None:
        """A drug whose administration-record rows all say not given, and that no other
        sentence records as given, was not given.
        """
        rows = self.rows_not_done(doc_text(doc))
        if not rows:
            return
        starts = [r[0] for r in rows]

        def in_bad_row(m: Mention) -> bool:
            i = bisect.bisect_right(starts, m.start) - 1
            return i >= 0 and m.start < rows[i][1]

        for draft in linked.administrations:
            if not draft.given:
                continue
            bad = [m for m in draft.drug_mentions if in_bad_row(m)]
            if not bad:
                continue
            if any(m.active and m.recorded_as_given for m in draft.drug_mentions if m not in bad):
                continue
            draft.given = False
            draft.not_given_reason = self.table.mar_not_done_reason
            draft.given_rules.append("setting.mar_not_done")

    # Drug-class words -------------------------------------------------------------------------

    def class_word_injection(self, doc: Doc, linked: Linked) -> None:
        """An injection named only by a drug class ("steroid shot given IM R glute") is unnamed.

        Its dose, route and site (in its sentence, or lent across sentences to no drug) go to an
        unnamed administration (DRUG_MISSING); a drug of the note that was given only because it
        was the note's single candidate for those mentions (an Rx, a cream) is not given.
        """
        hits = self._class_hits(doc, linked)
        if not hits:
            return
        in_hit = {sent for sent, _ in hits}
        ignored = self.ignored(doc)  # what documents nothing is no class word's either
        moved = [
            a
            for a in linked.mentions
            if a.label in ("DOSE", "ROUTE", "SITE")
            and a.start not in ignored
            and (a.sent in in_hit or a.drug is None)
            and not (a.negated or a.family or a.hypothetical or a.listed)
            # the class word's own sentence holds its dose and route, even where they were lent
            # to a drug of another sentence ("She also received her first antibiotic dose IM")
            and (a.sent in in_hit or not (a.drug is not None and a.drug.sent not in in_hit))
        ]
        given = any(g for _, g in hits) or any(
            ext(a.span, "cc_given") or ext(a.span, "cc_this_encounter") for a in moved
        )
        if not given:
            return
        own = [a for a in moved if a.sent in in_hit]
        if any(a.label == "DOSE" for a in own):
            # the class word's sentence holds its own dose ("an anti-inflammatory injection,
            # 30 mg, in the left deltoid"): loose words elsewhere (a procedure title's route, a
            # site in the history) are not its
            moved = own
        for draft in linked.administrations:
            elsewhere = [m for m in draft.drug_mentions if m.sent not in in_hit]
            for bucket in (draft.doses, draft.routes, draft.sites):
                bucket[:] = [a for a in bucket if a not in moved]
            if draft.given and not any(self._own_evidence(m, moved) for m in elsewhere):
                draft.given = False
                draft.not_given_reason = NO_ACT_REASON
        unnamed = linked.unnamed
        if unnamed is None:
            families = linked.administrations[0].families if linked.administrations else {}
            unnamed = DraftAdministration(drug_id=None, families=families)
            linked.unnamed = unnamed
        elif moved is own:
            # the loose words an unnamed injection was first assembled from give way to the
            # class word's own
            unnamed.doses, unnamed.routes, unnamed.sites = [], [], []
        unnamed.given = True
        unnamed.given_rules.append("setting.class_word")
        if any(a.sent in in_hit and a.label in ("DOSE", "ROUTE") for a in moved):
            # its own dose or route in the class word's sentence ("her first antibiotic dose
            # IM, 1 gram"): an injection of its own beside any named one
            unnamed.given_rules.append("setting.class_word_dosed")
        for a in moved:
            bucket = {"DOSE": unnamed.doses, "ROUTE": unnamed.routes, "SITE": unnamed.sites}
            if a not in bucket[a.label]:
                bucket[a.label].append(a)

    def _class_hits(self, doc: Doc, linked: Linked) -> list[tuple[int, bool]]:
        """(sentence start, administration wording in it) of each class word naming no drug."""
        drugs = [m for m in linked.mentions if m.label == "DRUG"]
        class_drug_sents = set()
        for draft in linked.administrations:
            routes = self.table.class_word_drugs.get(draft.drug_id or "")
            if routes and set(draft.route_codes) & set(routes):
                class_drug_sents.update(m.sent for m in draft.drug_mentions)
                draft.given = False
                draft.not_given_reason = self.table.class_word_reason
        out = []
        seen = set()
        for pattern in self.class_words.candidates(doc_text(doc)):
            for match in pattern.finditer(doc_text(doc)):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is None:
                    continue
                sent = span.sent
                named = [
                    m
                    for m in drugs
                    if m.sent == sent.start
                    # "Given in clinic: DuoNeb x1; steroid 40 mg IM R glute": not another clause's
                    and not _CLAUSE_SEMICOLON.search(
                        doc_text(doc), min(m.end, match.end()), max(m.start, match.start())
                    )
                    and m.active
                    and not ext(m.span, "cc_diluent")
                    and not (m.start < match.end() and match.start() < m.end)
                    and m.sent not in class_drug_sents
                    and id(m) not in linked.not_injected
                ]
                # the table reads the words as a drug ("allergy shot" SC is immunotherapy)
                as_drug = [
                    m
                    for m in drugs
                    if m.start < match.end()
                    and match.start() < m.end
                    and m.sent not in class_drug_sents
                ]
                if named or as_drug or sent.start in seen or _heading(doc, match.start()):
                    continue
                done = bool(_DONE.search(span_text(sent)))
                if _not_done(doc_text(doc), sent.start_char, match.end(), done):
                    continue
                seen.add(sent.start)
                out.append((sent.start, done))
        out.extend((s, True) for s in class_drug_sents if s not in seen)
        return out

    @staticmethod
    def _own_evidence(m: Mention, moved: list[Mention]) -> bool:
        span = m.span
        if (
            ext(span, "cc_given")
            or ext(span, "cc_this_encounter")
            or m.section_kind == "administration"
        ):
            return m.active
        return m.active and any(
            a not in moved and (ext(a.span, "cc_given") or ext(a.span, "cc_this_encounter"))
            for a in m.attrs
        )

    # Placing ----------------------------------------------------------------------------------

    def both_given(self, doc: Doc, linked: Linked) -> None:
        """A sentence naming no drug records each listed dose with a route as given.

        "1) Flu vaccine 0.5 mL IM L deltoid. 2) B12 1000 mcg IM R deltoid, monthly. Both
        tolerated.": the B12 was given too.
        """
        if not self.all_given or len(linked.administrations) < 2:
            return
        drug_sents = {m.sent for m in linked.mentions if m.label == "DRUG"}
        found = False
        for pattern in self.all_given.candidates(doc_text(doc)):
            for match in pattern.finditer(doc_text(doc)):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if (
                    span is not None
                    and span.sent.start not in drug_sents
                    and not self.nothing_past.search(span_text(span.sent))
                ):
                    found = True
                    break
            if found:
                break
        if not found:
            return
        for draft in linked.administrations:
            if draft.given or not (draft.doses and draft.routes):
                continue
            mentions = [m for m in draft.drug_mentions if m.active]
            if not mentions or any(
                m.negated or m.hypothetical or m.uncertain or m.historical or m.family
                for m in draft.drug_mentions
            ):
                continue
            draft.given = True
            draft.not_given_reason = None
            draft.given_rules.append("setting.all_given")

    @staticmethod
    def given_with(doc: Doc, linked: Linked) -> None:
        """A drug written as a done act (an injected route and a site) right after the run of a
        drug that a time or administration wording before it records as given, was given with
        it, on a plan line too: "P: 16:10 orphenadrine 60 mg IM R VG; dexamethasone IM L
        VG" gave both (the second with no dose: DOSE_MISSING, never a plan).
        """
        # where each recorded drug's run (the drug and its own attributes) ends
        recorded: dict[int, int] = {}
        for draft in linked.administrations:
            if not draft.given:
                continue
            for m in draft.drug_mentions:
                if any(
                    mod.category in ("ADMINISTERED", "THIS_ENCOUNTER")
                    and mod.modifier_span[1] <= m.span.start
                    for mod in ext(m.span, "modifiers")
                ):
                    ends = [a.end for a in m.attrs if a.sent == m.sent and a.start >= m.end]
                    recorded[m.end] = max(ends, default=m.end)
        if not recorded:
            return
        text = doc_text(doc)
        for draft in linked.administrations:
            if draft.given or draft.not_given_reason != "planned or ordered, not given":
                continue
            if any(
                m.negated or m.hypothetical or m.uncertain or m.historical or m.family
                for m in draft.drug_mentions
            ):
                continue
            injected = any(draft.families.get(c) == "sc_im" for c in draft.route_codes)
            if not (injected and draft.sites):
                continue
            if any(
                _LIST_NEXT.fullmatch(text, end, m.start)
                for m in draft.drug_mentions
                for end in recorded.values()
                if end <= m.start
            ):
                draft.given = True
                draft.not_given_reason = None
                draft.given_rules.append("setting.given_with")

    def place(
        self,
        doc: Doc,
        linked: Linked,
        kind: NoteKind,
        day: date | None = None,
        earlier: tuple[tuple[int, int], ...] = (),
    ) -> None:
        """Set each administration's ``setting``; a dose not given at this encounter is not given.

        ``day``: the date of service the note states (None when it states none). ``earlier``:
        the encounters exported with the reviewed one and dated before it (see
        :meth:`earlier_encounters`): their "not given" statements say nothing of this one.
        """
        self.both_given(doc, linked)
        self.given_with(doc, linked)
        self.rows_not_given(doc, linked)
        self.class_word_injection(doc, linked)
        corrections = self.corrections(doc_text(doc))
        if corrections:
            self.latest_given(linked, corrections)
            self.latest_route(doc, linked, corrections)
            self.latest_dose(linked, corrections)
        blocks = self.blocks(doc_text(doc))
        doc.user_data["cleanclaim_listed_with"] = _listed_with(doc_text(doc), linked)
        drafts = [*linked.administrations]
        if linked.unnamed is not None:
            drafts.append(linked.unnamed)
        for draft in drafts:
            self._place(draft, kind, blocks)
        self._named_procedure(doc, linked, kind)
        self._routeless(doc, linked)
        boxes = self.box_not_given(doc, linked)
        stated = _on_box_lines(doc_text(doc), self.nothing_given(doc, linked), boxes) + boxes
        if earlier and stated:
            # "--- 07/17/2025 --- No show" in an export of several encounters: that day's
            stated = [
                (ev, sent)
                for ev, sent in stated
                if not any(lo <= ev.start < hi for lo, hi in earlier)
            ]
        whole_note = any(sent is None for _, sent in stated)
        whole_note_fluids = any(
            sent is None and not _DRUG_WORDS.search(ev.text) for ev, sent in stated
        )
        sc_im_only = self._no_sc_im(doc, linked)
        future = self._future(doc, linked)
        drug_sents = {sent for _, sent in stated if sent is not None}
        stated_for = _stated_for(
            doc_text(doc), linked, [ev for ev, sent in stated if sent is not None]
        ) | _answered_by_box(doc_text(doc), linked, boxes)
        for draft in drafts:
            if not draft.given or ("link.hydration" in draft.given_rules and not whole_note_fluids):
                # "No medications given" says nothing of the fluids the note records
                continue
            sc_im = all(draft.families.get(c) == "sc_im" for c in draft.route_codes)
            # a correcting addendum that gives the drug replaces what the note said before it
            cut = draft.corrected_at
            if day is not None and self._dated_before(doc, draft, day):
                # "received Rho(D) immune globulin 300 mcg IM at 28w (02/12/2026)" in a note
                # of 03/09/2026: a dose of that day, not of this encounter
                draft.given = False
                draft.setting = "elsewhere_or_earlier"
                draft.not_given_reason = self.reasons.get(
                    "elsewhere_or_earlier", "not given at this encounter"
                )
                draft.given_rules.append("setting.dated_earlier")
            elif (
                (whole_note and (cut < 0 or any(s is None and e.start >= cut for e, s in stated)))
                or (sc_im_only and sc_im and cut < 0)
                or any(
                    m.sent in drug_sents and (m.negated or id(m) in stated_for)
                    for m in draft.drug_mentions
                    if m.start >= cut
                )
            ):
                draft.given = False
                draft.not_given_reason = self.table.nothing_given_reason
                draft.given_rules.append("setting.nothing_given")
            elif _held_after_purpose(draft):
                # "Came in for Prolia 60 mg SC today" then "Prolia HELD today for low calcium":
                # a visit's purpose and its day record no dose a later sentence says was held
                draft.given = False
                draft.not_given_reason = self.table.held_reason
                draft.given_rules.append("setting.held_after_purpose")
            elif future and all(r == "link.done_act" for r in draft.given_rules):
                # "B12 1000 mcg IM L deltoid. Return Friday for the injection."
                draft.given = False
                draft.setting = "order_only"
                draft.not_given_reason = self.table.future_injection_reason
                draft.given_rules.append("setting.future_injection")

    def earlier_encounters(
        self, text: str, day: date, stated: bool = True
    ) -> tuple[tuple[int, int], ...]:
        """The character ranges of the encounters, exported together with the one reviewed,
        that are dated before ``day`` ("[06/02/2025 OV Dr. P. Lindqvist]" ... "[06/16/2025 Nurse
        Visit]" in a note of 06/16/2025, or rows of an exported table that date their own
        encounter): each runs from its header to the next header.

        Empty unless two or more headers carry different dates and one of them is ``day``: a
        single dated line is a note's own header, not an export of several encounters.
        Visits dictated together and opened by a date said with its month's name ("first visit
        April first colon ...", "second visit April twenty ninth colon ...") are told apart by
        month and day from the date of service (``stated``: read from the note; else from a
        header's date without its year, "DOS 04/29").
        """
        spoken = self._spoken_visits(text, day, stated)
        if spoken:
            return spoken
        headers = sorted(
            (m.start(), when)
            for pattern in (self.encounter_header, self.encounter_row)
            for m in pattern.finditer(text)
            if (when := parse_date(m.group("date"), near=day)) is not None
        )
        if len({when for _, when in headers}) < 2 or all(when != day for _, when in headers):
            return ()
        return tuple((lo, hi) for lo, hi, when in _parts(headers, len(text)) if when < day)

    def _spoken_visits(self, text: str, day: date, stated: bool) -> tuple[tuple[int, int], ...]:
        heads = [
            (m.start(), when)
            for pattern in self.spoken_encounter_header.candidates(text)
            for m in pattern.finditer(text)
            if (when := _month_day(m.group("month"), m.group("day"))) is not None
        ]
        if len({when for _, when in heads}) < 2:
            return ()
        target = (day.month, day.day) if stated else None
        short = self.short_date_of_service.search(text, 0, self.table.patient_header_chars)
        if short is not None:
            target = (int(short.group("month")), int(short.group("day")))
        if target is None or all(when != target for _, when in heads):
            return ()
        return tuple((lo, hi) for lo, hi, when in _parts(heads, len(text)) if when != target)

    def _dated_before(self, doc: Doc, draft: DraftAdministration, day: date) -> bool:
        """Whether every clause naming the drug as done dates it before ``day``."""
        text = doc_text(doc)
        done = [
            m
            for m in draft.drug_mentions
            if m.active
            and not m.hypothetical
            # a plan line records today's dose when its own words say so ("Plan: methotrexate
            # 86 mg was given IM at 13:20")
            and (m.section_kind != "plan" or ext(m.span, "cc_given"))
        ]
        if not done:
            return False
        for m in done:
            lo = _clause_start(text, m.start)
            hi_m = _CLAUSE_END.search(text, m.end)
            hi = hi_m.start() if hi_m else len(text)
            if self.clause_today.search(text, lo, hi):
                return False
            dated = False
            if self.clause_same_day.search(text, lo, hi):
                # "... the same day": the date of an earlier clause of its sentence
                lo = m.span.sent.start_char
            for found in self.clause_date.finditer(text, lo, hi):
                if self.clause_date_not_dose.search(
                    text, max(lo, found.start() - 30), found.start()
                ):
                    continue
                when = parse_date(found.group())
                if when is not None and when < day:
                    dated = True
                    break
            if not dated:
                short = self.clause_short_date.search(text, lo, hi)
                when = parse_date(short.group("date"), near=day) if short else None
                dated = when is not None and when < day
            if not dated:
                return False
        return True

    def _named_procedure(self, doc: Doc, linked: Linked, kind: NoteKind) -> None:
        """An injection procedure the note names without a drug of its own is the service of the
        drug injected with no route of its own: "Procedure: bilateral L4-5 facet joint
        injections" on its own line, or "Xylocaine ... injected into the bursa. ... 1 mL of
        Depo-Medrol 80 was injected" a sentence or two apart. That drug is the procedure's, not
        a 96372 nor a drug bundled into another procedure. Not in a surgical, anesthesia or
        endoscopy report, whose drugs stay part of the operation.
        """
        if kind.bundles:
            return
        drafts = [
            d
            for d in linked.administrations
            if not d.routes
            and d.drug_mentions
            and (d.given or (d.setting == "within_procedure" and d.bundled))
        ]
        if not drafts:
            return
        ignored = self.ignored(doc)
        drafted = {id(m) for d in linked.administrations for m in d.drug_mentions}
        families = drafts[0].families
        # a procedure's own drugs: local anesthetics and diluents, or a drug injected that way only
        procedural = {
            id(m)
            for d in linked.administrations
            if d.routes and all(families.get(c) == "procedure" for c in d.route_codes)
            for m in d.drug_mentions
        }
        text = doc_text(doc)
        named = [
            m
            for m in linked.mentions
            if (m.drug is None or id(m.drug) not in drafted or id(m.drug) in procedural)
            and m.start not in ignored
            and m.norm is not None
            and not (m.negated or m.hypothetical or m.historical or m.family or m.listed)
            and (
                (m.label == "ROUTE" and families.get(m.norm) == "procedure")
                or (
                    m.label == "SITE"
                    and families.get(self.site_routes.get(m.norm, "")) == "procedure"
                    and self.procedure_site_before.search(text, max(0, m.start - 30), m.start)
                )
            )
        ]
        if not named:
            return
        sents = sentences(doc)
        for draft in drafts:
            if draft.bundled:  # a procedure note's routeless drug: the procedure it names
                route = named[0]
            else:  # a drug given a sentence or two from the procedure's route
                first = next((m for m in draft.drug_mentions if m.active), None)
                near = [
                    r
                    for r in named
                    if first is not None
                    and abs(sents.index(r.sent) - sents.index(first.sent)) <= _PROCEDURE_SENTENCES
                    and not _BLANK.search(text, min(r.end, first.end), max(r.start, first.start))
                ]
                if not near:
                    continue
                route = near[0]
            collect_attributes(draft, [route])
            draft.setting = "this_encounter"
            draft.given = True
            draft.bundled = False
            draft.not_given_reason = None
            draft.given_rules.append("setting.named_procedure")
            return

    def _routeless(self, doc: Doc, linked: Linked) -> None:
        """A drug usually given by another route, "given" with no route, no site and no
        injection wording in its sentences ("He was given valium 5 mg and DPH", "was given some
        Zofran"), is not documented as an injection: not a 96372, not given here.
        """
        routeless = set(self.table.routeless_not_injection)
        bare = set(self.table.bare_not_injection)
        if not (routeless or bare):
            return
        words = self.injection_words
        text = doc_text(doc)
        sents = sentences(doc)
        for draft in linked.administrations:
            # an oral or topical form named right after or before the drug ("Zofran ODT 4 mg
            # given to take home", "the ODT ondansetron given at triage") is no injection, even
            # beside one
            if (
                draft.given
                and not draft.routes
                and draft.drug_mentions
                and all(
                    oral_form(text, m, m.span.sent.start_char, self.oral_forms, self.oral_before)
                    for m in draft.drug_mentions
                )
            ):
                draft.given = False
                draft.setting = None
                draft.not_given_reason = self.table.routeless_reason
                draft.given_rules.append("setting.oral_form")
        # beside an SC/IM injection of the note, a routeless dose stays a documentation gap
        if any(
            d.given and any(d.families.get(c) == "sc_im" for c in d.route_codes)
            for d in linked.administrations
        ):
            return
        for draft in linked.administrations:
            if not draft.given or draft.routes or draft.drug_id is None:
                continue
            if any(
                s.sent == m.sent and abs(s.start - m.start) <= _SITE_NEAR
                for s in draft.sites
                for m in draft.drug_mentions
            ):
                # a site next to the drug ("given R gluteal") records an injection; one borrowed
                # from another sentence or a long history ("pain in the abdomen") does not
                continue
            if not (draft.drug_id in routeless or (draft.drug_id in bare and not draft.doses)):
                continue
            if any(words.search(span_text(m.span.sent)) for m in draft.drug_mentions):
                continue
            if any(
                0 < sents.index(start) - sents.index(m.sent) <= _INJECTED_AFTER
                and words.search(span_text(doc[start].sent))
                for start in linked.standalone_sentences
                for m in draft.drug_mentions
            ):
                # "Treatment: Bicillin L-A." then "1st injection given today in clinic": the
                # next sentence, naming no drug, says it was injected
                continue
            if draft.drug_id in bare and any(
                self.cue(m) == "this_encounter" for m in draft.drug_mentions
            ):
                # "Rocephin given in clinic, pt tolerated": a drug only injected, said given
                # here: an injection whose dose and route the note leaves out
                continue
            draft.given = False
            draft.setting = None
            draft.not_given_reason = self.table.routeless_reason
            draft.given_rules.append("setting.routeless")

    def _place(self, draft: DraftAdministration, kind: NoteKind, blocks: list[Block]) -> None:
        mentions = [m for m in draft.drug_mentions if m.active] or draft.drug_mentions
        if not mentions:  # an unnamed injection: its dose, route and site place it
            mentions = draft.doses + draft.routes + draft.sites
        if not mentions:
            if draft.given and draft.drug_id is None and (kind.narrative or kind.bundles):
                # "the wound was injected" in an operation's narrative: part of the procedure
                draft.setting = "within_procedure"
                draft.given = False
                draft.bundled = True
                draft.not_given_reason = self.reasons.get("within_procedure", "part of it")
                draft.given_rules.append("setting.within_procedure")
            return
        if not draft.given and kind.note_type in self.table.here_when_cued:
            here = [
                m
                for m in draft.drug_mentions
                if m.historical
                and not (m.negated or m.family or m.hypothetical)
                and ext(m.span, "cc_given")
                and self.cue(m) == "this_encounter"
            ]
            if here:
                # "ceftriaxone 500 mg IM given in the ED at 19:20" in the ED's own note
                for m in here:
                    collect_attributes(draft, m.attrs)
                draft.given = True
                draft.not_given_reason = None
                draft.given_rules.append("setting.given_here")
        if not draft.given:
            planned = [m for m in mentions if m.hypothetical or m.section_kind == "plan"]
            reason = draft.not_given_reason or ""
            if planned or reason.startswith("planned"):
                draft.setting = "order_only"
            elif any(m.historical for m in draft.drug_mentions):
                draft.setting = "elsewhere_or_earlier"
            else:  # a continued or listed drug: placed only when its wording places it
                placed = self.mention_setting(mentions[0], kind, blocks)
                draft.setting = placed if placed != "this_encounter" else None
            return
        done = [m for m in mentions if not (m.hypothetical or m.uncertain)] or mentions
        settings = [self.mention_setting(m, kind, blocks) for m in done]
        setting = "this_encounter" if "this_encounter" in settings else settings[0]
        copied = [m for m in done if self._copied_forward(m)]
        if (
            setting == "this_encounter"
            and copied
            and all(m.attrs or ext(m.span, "cc_given") for m in copied)
            and not any(
                m.attrs or ext(m.span, "cc_given")
                for m, where in zip(done, settings, strict=True)
                if where == "this_encounter"
            )
        ):
            # "Reason: Depo-Provera due" then a record "[Copied from 03/12/2024 encounter]":
            # the only record of the dose is the copied one, of that day
            setting = "elsewhere_or_earlier"
        if setting == "order_only" and _recorded_elsewhere(draft):
            # "Orders: Toradol 60 mg IM" then "Given R glute at 10:15 by RN": the order's drug
            # was given by the record of another sentence
            setting = "this_encounter"
        if (
            setting == "this_encounter"
            and (kind.narrative or kind.bundles)
            and not draft.routes
            and (
                not draft.sites
                or (kind.narrative or kind.operation)
                and draft.drug_id not in self.joint_drugs
            )
            and not any(self.cue(m) == "this_encounter" for m in done)
        ):
            # a procedure report's drug with no route or site: its sedation, local or heparin
            # (in an operation's narrative, with no route whatever part of the body is named,
            # unless a joint drug names its joint: "1% lidocaine with epinephrine was injected.
            # A shoulder roll was applied.")
            setting = "within_procedure"
        codes = draft.route_codes
        if (
            setting == "within_procedure"
            and kind.injection_title
            and not kind.operation
            and codes
            and all(draft.families.get(c) == "sc_im" for c in codes)
            and not any(self.cue(m) == "within_procedure" for m in done)
        ):
            # "PROCEDURE PERFORMED: intra-articular injection, right knee" then "Ketorolac 30 mg
            # was given intramuscularly in the left ventrogluteal site": a separate injection
            setting = "this_encounter"
        if (
            setting == "this_encounter"
            and kind.surgical
            and codes
            and all(draft.families.get(c) == "sc_im" for c in codes)
            and not any(self.cue(m) == "this_encounter" for m in done)
        ):
            # "Out of the OR and stable; meperidine 50 mg IM and promethazine 25 mg given for
            # pain and nausea": the operation's post-operative care
            setting = "within_procedure"
        if (
            setting == "this_encounter"
            and codes
            and all(draft.families.get(c) == "iv" for c in codes)
            and not any(self.cue(m) == "this_encounter" for m in done)
        ):
            # an IV dose of an operation's report is part of it (heparin in a catheterization);
            # one of a hospital or ED narrative was given there, not at this office visit
            if kind.note_type in self.table.iv_within_procedure:
                setting = "within_procedure"
            elif kind.hospital:
                setting = "inpatient"
        if (
            setting == "within_procedure"
            and codes
            and all(draft.families.get(c) == "procedure" for c in codes)
            and not kind.operation
        ):
            # an epidural, joint or nerve-block injection is the procedure itself, separately
            # coded (62323, 20610, 64483), not a drug bundled into another procedure
            setting = "this_encounter"
        draft.setting = setting
        if setting != "this_encounter":
            draft.given = False
            draft.bundled = setting == "within_procedure"
            draft.not_given_reason = self.reasons.get(setting, "not given at this encounter")
            draft.given_rules.append(f"setting.{setting}")


def _on_box_lines(
    text: str,
    stated: list[tuple[Evidence, int | None]],
    boxes: list[tuple[Evidence, int | None]],
) -> list[tuple[Evidence, int | None]]:
    """Note-level "not given" wording on a "given" field's line that answers for one drug
    ("Administered: ( ) Yes (•) No  Reason: patient declined today") is that drug's.
    """
    lines = {text.rfind("\n", 0, ev.start) + 1: sent for ev, sent in boxes if sent is not None}
    if not lines:
        return stated
    return [
        (ev, lines.get(text.rfind("\n", 0, ev.start) + 1, sent) if sent is None else sent)
        for ev, sent in stated
    ]


#: The "yes" option of a yes/no field.
_YES = re.compile(r"(?i)y(?:es)?\b")


def _given_option(line: str, marks: list[re.Match], given_field: re.Pattern) -> bool:
    """Whether the first box of ``line`` is labelled as the "given" option of a status field
    ("[ ] Administered [ ] Refused"), not a field's value ("Given: [ ] Yes [ ] No").
    """
    stop = marks[1].start() if len(marks) > 1 else len(line)
    label = line[marks[0].end() : stop].strip()
    if given_field.match(label) and len(label.split()) <= 2:
        return True
    # "Administered: [ ] Yes  [ ] No": the field's label before its boxes, answered by neither
    field = line[: marks[0].start()].rstrip(" \t:")
    return bool(field) and given_field.search(field[-20:]) is not None and _YES.match(label)


def _answered_by_box(
    text: str, linked: Linked, boxes: list[tuple[Evidence, int | None]]
) -> set[int]:
    """Ids of the drug mentions a "given" field answers "no" for from the line under theirs."""
    out = set()
    for ev, sent in boxes:
        if sent is None:
            continue
        line = text.rfind("\n", 0, ev.start) + 1
        out.update(
            id(m) for m in linked.mentions if m.label == "DRUG" and m.sent == sent and m.end <= line
        )
    return out


def _drug_line_above(text: str, start: int, drug_lines: dict[int, int]) -> int | None:
    """The sentence of the drug on the line right above the line at ``start`` (a line between
    without a drug, such as a lot number, is passed over; a blank line ends the search).
    """
    for _ in range(2):
        if start == 0:
            return None
        above = text.rfind("\n", 0, start - 1) + 1
        if not text[above : start - 1].strip():
            return None
        if above in drug_lines:
            return drug_lines[above]
        start = above
    return None


#: A semicolon between two clauses of one sentence.
_CLAUSE_SEMICOLON = re.compile(";")
#: Given-rules that say no more than an order would ("x1").
_WEAK_GIVEN = frozenset({"adm.x1"})
#: Negation rules that only say "not", which doubts as often as it holds back.
_BARE_NOT = frozenset({"neg.fwd.not", "neg.bwd.not"})


def _held_after_purpose(draft: DraftAdministration) -> bool:
    """Whether the drug is given only by a day or clock time beside its mention, or a dose count
    ("x1 today"), with no wording of giving, and a later mention of it, not history nor plan, is
    negated ("HELD today", "Our pharmacy has no Bicillin L-A").
    """
    if not draft.given_rules or not all(
        r.startswith("now.") or r in _WEAK_GIVEN for r in draft.given_rules
    ):
        return False
    first = next((m.start for m in draft.drug_mentions if m.active), None)
    return first is not None and any(
        m.negated
        and not (m.historical or m.hypothetical)
        and m.start > first
        and not another_dose(m)
        # a hold, a decline, "not given", "no Prolia today": not a bare "not" ("I am not
        # convinced testosterone is indicated" doubts the drug, it holds no dose back)
        and any(
            r.startswith("neg.") and r not in _BARE_NOT for r in ext(m.span, "cc_modifier_rules")
        )
        for m in draft.drug_mentions
    )


def _recorded_elsewhere(draft: DraftAdministration) -> bool:
    """A dose, route or site of the drug in a sentence naming no drug that records it as given."""
    sents = {m.sent for m in draft.drug_mentions}
    return any(
        a.sent not in sents and (ext(a.span, "cc_given") or ext(a.span, "cc_this_encounter"))
        for a in [*draft.doses, *draft.routes, *draft.sites]
    )


def _stated_for(text: str, linked: Linked, statements: list[Evidence]) -> set[int]:
    """Ids of the drug mentions a not-given statement of their sentence is about: the last drug
    before it in its clause ("cyanocobalamin 1000 mcg IM, but the patient fainted before it
    could be given"), or else inside it when it is an interface segment (an HL7 RXA segment
    whose completion status is "refused").
    """
    if not statements:
        return set()
    drugs = [m for m in linked.mentions if m.label == "DRUG"]
    out = set()
    for ev in statements:
        # ". Not given": the statement begins after the punctuation that opens its match
        start = ev.start + len(ev.text) - len(ev.text.lstrip(".;: \t\n"))
        before = (
            [m for m in drugs if m.end <= start and not _STATED_BREAK.search(text, m.end, start)]
            or [m for m in drugs if m.start >= start and m.end <= ev.end and "|" in ev.text]
            or _record_drug_above(text, drugs, start)
        )
        if before:
            out.add(id(before[-1]))
    return out


def _record_drug_above(text: str, drugs: list[Mention], start: int) -> list[Mention]:
    """A not-given field that opens its line ("Status: ** HELD **") answers for the drug of the
    record's line right above it ("Drug: naltrexone ER   Dose: 380 mg   Route: IM").
    """
    line = text.rfind("\n", 0, start) + 1
    if line == 0 or text[line:start].strip():
        return []
    above = text.rfind("\n", 0, line - 1) + 1
    if not text[above : line - 1].strip():
        return []
    return [m for m in drugs if above <= m.start and m.end <= line - 1]


def _per_doc(doc: Doc, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept for the rest of the rules' reading of ``doc`` (:func:`read_only`)."""
    cache = reading_cache(doc)
    if cache is None:
        return compute()
    key = f"setting.{key}"
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _heading(doc: Doc, pos: int) -> bool:
    """The line holding ``pos`` is a heading: upper-case words only (asides in parentheses
    aside) and no dose, route or site ("WOMEN'S HEALTH - CONTRACEPTION INJECTION (template
    v5)" names the visit, not a dose).
    """
    text = doc_text(doc)
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end == -1 else end
    line = _ASIDE_PAREN.sub(" ", text[start:end])
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) > 2]
    if not words or not all(w.isupper() for w in words):
        return False
    return not any(
        e.label_ in ("DOSE", "ROUTE", "SITE") and start <= e.start_char < end for e in doc_ents(doc)
    )


_ASIDE_PAREN = re.compile(r"\([^()\n]*\)")


#: What may follow a not-given statement on a line that heads a list ("Not given today").
_HEADER_REST = re.compile(r"(?:(?:today|this visit|at this visit|this encounter)\s*:?)?", re.I)


def _heads_items(text: str, match: re.Match) -> bool:
    """Whether ``match`` is the whole of its line ("Not given today", "Declined:") and lines
    of a list stand under it.
    """
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    end = len(text) if end < 0 else end
    rest = text[match.end() : end].strip(" \t:.-")
    if text[start : match.start()].strip(" \t-*") or not _HEADER_REST.fullmatch(rest):
        return False
    return _items_end(text, match.start()) > end


def _parts(heads: list[tuple[int, Any]], end: int) -> list[tuple[int, int, Any]]:
    """(start, end, value) of the parts a text's sorted part heads (start, value) open: each
    runs to the next head, the last to ``end``.
    """
    ends = [start for start, _ in heads[1:]] + [end]
    return [(start, stop, value) for (start, value), stop in zip(heads, ends, strict=True)]


def _month_day(month: str, day: str) -> tuple[int, int] | None:
    """(month, day) of a month's name and a day in digits or words ("April", "twenty ninth");
    None when they name no day of that month.
    """
    try:
        number = datetime.strptime(month[:3].title(), "%b").month
    except ValueError:
        return None
    digits = re.match(r"\d+", alpha2digit(day, "en", threshold=0))
    if digits is None:
        return None
    try:
        when = date(2000, number, int(digits.group()))  # a leap year: 29 February is a day
    except ValueError:
        return None
    return when.month, when.day


#: Words of a written name that tell no one apart.
_NOT_NAME_WORDS = frozenset({"fictitious", "mr", "mrs", "ms", "miss", "dr"})


def _name_words(name: str) -> frozenset[str]:
    """The words of a person's name, lowercased ("Okafor-Lyle, Desmond": okafor, lyle, desmond)."""
    return frozenset(
        w for w in re.split(r"[\s,.'’-]+", name.lower()) if len(w) > 1 and w not in _NOT_NAME_WORDS
    )


def _items_end(text: str, pos: int) -> int:
    """The end of the list under the lead-in line holding ``pos``: the lines after it that are
    indented deeper than it or, when the lead-in is no list item itself, open with a list
    marker; it ends at the first other line (a blank line, the visit's next sentence).
    """
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    if end < 0:
        return len(text)
    head = _ITEM.match(text, start)
    indent = len(head.group(0)) - len(head.group(1) or "")
    while end < len(text):
        nxt = text.find("\n", end + 1)
        line_end = len(text) if nxt < 0 else nxt
        m = _ITEM.match(text, end + 1, line_end)
        deeper = len(m.group(0)) - len(m.group(1) or "") > indent
        if line_end == m.end() or not (deeper or (m.group(1) and not head.group(1))):
            break  # a blank line, or one neither deeper nor an item
        end = line_end
    return end


def _listed_with(text: str, linked: Linked) -> dict[int, Mention]:
    """Each drug mention's previous drug of its sentence when only a list joins them ("received
    ketorolac 30 mg IM and ondansetron 4 mg IM"): no clause break and no wording of today.
    """
    out: dict[int, Mention] = {}
    prev: Mention | None = None
    for m in linked.mentions:
        if m.label != "DRUG":
            continue
        if (
            prev is not None
            and prev.sent == m.sent
            and not _LIST_BREAK.search(text, prev.end, m.start)
        ):
            out[id(m)] = prev
        prev = m
    return out


def _not_done(text: str, sent_start: int, end: int, done: bool) -> bool:
    """Whether the wording of a class word's sentence, up to shortly after the word and without
    its asides, says the injection was not given or only planned or asked for.
    """
    window = _ASIDE.sub(" ", text[sent_start : end + _NOT_DONE_AFTER])
    return bool(_NOT_DONE.search(window)) or (not done and bool(_ASKED.search(window)))
