"""Sections: medspaCy's section rules and ``Section`` objects with cleanclaim's headers, clipped
where lists end.

medspaCy runs a section to the next header, so a medication list with no header after it would
swallow the visit's own documentation. Categories marked ``ends_at_blank_line`` stop at the
first blank line. The result is ``doc._.cc_section_spans``: (category, kind, start, end) in
characters; ``doc._.sections`` holds medspaCy's ``Section`` objects as its ``Sectionizer`` makes
them.

The headers are matched as medspaCy's ``Sectionizer`` matches them (its ``MedspacyMatcher``, the
longest of overlapping headers kept), through :class:`~.targets.TargetMatcher`, which finds the
same matches with the token patterns run only where one can start: the dictated-header patterns
made the whole-doc ``Matcher`` the costliest part of sectioning. medspaCy's per-token
``token._.section`` is not set (nothing here reads it, and writing it costs a Python call per
token); ``doc._.sections`` gives each token's section by its span.
"""

import re
from collections.abc import Iterator

from medspacy.common.util import prune_overlapping_matches
from medspacy.section_detection import Section, SectionRule
from spacy.language import Language
from spacy.tokens import Doc

from .. import resources as res
from . import extensions  # noqa: F401
from ._tables import TableBacked
from .extensions import doc_text
from .targets import TargetMatcher

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@Language.factory("cleanclaim_sections", default_config={})
def make_sections(nlp: Language, name: str) -> "SectionComponent":
    """Build the section component from the packaged header table."""
    return SectionComponent(nlp, name=name)


class SectionComponent(TableBacked):
    """Find section headers and the character extent of each section."""

    TABLES = {"sections": (res.SectionTable, "sections.json")}

    def __init__(
        self,
        nlp: Language,
        name: str = "cleanclaim_sections",
        table: res.SectionTable | None = None,
    ) -> None:
        """Create the component; ``table`` overrides the packaged headers."""
        self.nlp = nlp
        self.name = name
        self._build({"sections": table or res.sections()})

    def _build(self, tables: dict) -> None:
        self.tables = tables
        table = self.table = tables["sections"]
        rules = [SectionRule(r.literal, r.category, pattern=r.pattern) for r in table.rules]
        self._matcher = TargetMatcher(self.nlp, rules + self._spoken_rules(table))
        # Headers with an aside are rare and their patterns start at every header word: they
        # run only on a note with a closing parenthesis or a qualifier before a colon.
        self._qualified = TargetMatcher(self.nlp, self._qualified_rules(table), flags=False)
        hints = [r"\)\s*:"] if table.header_aside_words else []
        if table.banner_marks:
            hints.append(r"(?:^|\n)[ \t]*(?:-{2,}|={2,}|#{2,}|_{2,}|~{2,})[ \t]*[A-Za-z]")
        if table.header_qualifiers:
            said = "|".join(re.escape(w) for w in table.header_qualifiers)
            hints.append(rf"\b(?:{said})\b[^\n:]{{0,40}}:")
        self._qualified_hint = re.compile("|".join(hints), re.IGNORECASE) if hints else None
        # "HOME MEDICATIONS" alone on its line, in capitals, without its colon: read off the
        # lines in capitals, each looked up whole among the headers' words
        self._capitals = (
            {
                " ".join(w["LOWER"] for w in head): SectionRule(
                    f"{r.literal} (capitals)", r.category
                )
                for r, head in self._heads(table)
            }
            if table.capital_headers
            else {}
        )
        self._line_start_only = {
            name for name, category in table.categories.items() if category.at_line_start
        }
        self._spoken_colon = {w.lower() for w in table.spoken_colon}
        self._colon_not_before = {w.lower() for w in table.spoken_colon_not_before}
        self._continuation = re.compile(table.continuation_line)
        ends = sorted(table.spoken_list_ends, key=len, reverse=True)
        self._list_end = (
            re.compile(
                "|".join(
                    r"\b" + re.escape(e) + r"\b" if e[0].isalnum() else re.escape(e) for e in ends
                ),
                re.IGNORECASE,
            )
            if ends
            else None
        )

    @staticmethod
    def _spoken_rules(table: "res.SectionTable") -> list[SectionRule]:
        """A written header ("plan:") as dictated: its words, then the colon said as a word,
        maybe after a number ("plan colon", "plan number two colon"). One-letter headers ("P:")
        are left out: "P colon" is not said.
        """
        if not table.spoken_colon:
            return []
        colon = {"LOWER": {"IN": [w.lower() for w in table.spoken_colon]}}
        numbering = [
            {"LOWER": {"IN": [w.lower() for w in table.spoken_numbering]}},
            {"LIKE_NUM": True},
        ]
        out = []
        for r, head in SectionComponent._heads(table):
            out.append(SectionRule(f"{r.literal} (spoken)", r.category, pattern=[*head, colon]))
            if table.spoken_numbering:
                out.append(
                    SectionRule(
                        f"{r.literal} (spoken, numbered)",
                        r.category,
                        pattern=[*head, *numbering, colon],
                    )
                )
        return out

    @staticmethod
    def _heads(table: "res.SectionTable") -> Iterator[tuple["res.SectionRuleEntry", list]]:
        """Each written "words:" header rule with its words as a token pattern (no colon);
        patterns, one-letter headers and headers with digits or signs are left out.
        """
        for rule in table.rules:
            if rule.pattern is not None or not rule.literal.endswith(":"):
                continue
            words = rule.literal[:-1].lower().split()
            if not words or sum(len(w) for w in words) < 3 or not all(w.isalpha() for w in words):
                continue
            yield rule, [{"LOWER": w} for w in words]

    @classmethod
    def _qualified_rules(cls, table: "res.SectionTable") -> list[SectionRule]:
        """A written header with an aside before its colon, as EHR exports write them:
        "Medication list (reconciled today):", "Allergies (reviewed):", "Meds reviewed with
        patient:". The aside belongs to the header, so the section starts after the colon.
        """
        aside = table.header_aside_words
        qualifiers = [w.lower() for w in table.header_qualifiers]
        if not aside and not qualifiers and not table.banner_marks:
            return []
        not_closing = {"ORTH": {"NOT_IN": [")", "(", ":", "\n"]}}
        out = []
        colon = {"ORTH": ":"}
        for r, head in cls._heads(table):
            category = table.qualified_categories.get(r.category, r.category)
            if aside:
                paren = [{"ORTH": "("}, {**not_closing, "OP": f"{{1,{aside}}}"}, {"ORTH": ")"}]
                out.append(
                    SectionRule(f"{r.literal} (aside)", category, pattern=[*head, *paren, colon])
                )
            if qualifiers:
                said = [
                    {"LOWER": {"IN": qualifiers}},
                    {**not_closing, "IS_ALPHA": True, "OP": "{0,2}"},
                ]
                out.append(
                    SectionRule(f"{r.literal} (qualified)", category, pattern=[*head, *said, colon])
                )
            if table.banner_marks:
                marks = {"TEXT": {"REGEX": table.banner_marks}, "OP": "+"}
                out.append(
                    SectionRule(f"{r.literal} (banner)", r.category, pattern=[marks, *head, marks])
                )
        return out

    def _capital_headers(self, doc: Doc, text: str) -> list[tuple[SectionRule, int, int]]:
        """(rule, start, end) of each header alone on its line in capitals."""
        out = []
        for m in _CAPITAL_LINE.finditer(text):
            words = m.group(1).lower().split()
            rule = self._capitals.get(" ".join(words))
            start = m.start(1)
            if rule is None and len(words) > 2:
                # "NURSING INJECTION RECORD": a printed form's title, a qualifier before the
                # header's own words (two or more of them)
                rule = self._capitals.get(" ".join(words[1:]))
                start = m.start(1) + re.match(r"\S+\s+", m.group(1)).end()
            span = doc.char_span(start, m.end(1)) if rule is not None else None
            if span is not None:
                out.append((rule, span.start, span.end))
        return out

    def sections(self, doc: Doc) -> list[Section]:
        """The sections of ``doc`` as medspaCy makes them: each header's section runs to the next header."""
        strings = self.nlp.vocab.strings
        found = [(self._matcher.rule_map[strings[i]], s, e) for i, s, e in self._matcher(doc)]
        text = doc_text(doc)
        if self._qualified_hint is not None and self._qualified_hint.search(text):
            rule_map = self._qualified.rule_map
            found += [(rule_map[strings[i]], s, e) for i, s, e in self._qualified(doc)]
        if self._capitals:
            found += self._capital_headers(doc, text)
        matches = [
            m
            for m in prune_overlapping_matches(found)
            if m[0].category not in self._line_start_only or _opens_line(doc, m[1])
        ]
        if not matches:
            return [Section(None, 0, 0, 0, len(doc))]
        out = [Section(None, 0, 0, 0, matches[0][1])] if matches[0][1] != 0 else []
        ends = [start for _, start, _ in matches[1:]] + [len(doc)]
        for (rule, start, end), body_end in zip(matches, ends, strict=True):
            out.append(Section(rule.category, start, end, end, body_end, None, rule))
        return out

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.sections`` and ``doc._.cc_section_spans``."""
        doc._.sections = self.sections(doc)
        text = doc_text(doc)
        out = []
        for section in doc._.sections:
            category = section.category
            if category is None:
                continue
            title_start, title_end = section.title_span
            if (
                title_end < len(doc)
                and doc[title_end - 1].lower_ in self._spoken_colon
                and doc[title_end].lower_ in self._colon_not_before
            ):
                continue  # "family history colon cancer": the organ, not a header
            info = self.table.categories[category]
            start = doc[title_start].idx if title_start < len(doc) else len(text)
            body_start, body_end = section.body_span
            end = doc[body_end - 1].idx + len(doc[body_end - 1]) if body_end > body_start else start
            spoken = title_end > title_start and doc[title_end - 1].lower_ in self._spoken_colon
            if spoken and info.ends_at_blank_line and self._list_end is not None:
                # a dictated list or history header ends with its sentence
                head_end = doc[title_end - 1].idx + len(doc[title_end - 1])
                m = self._list_end.search(text, head_end, end)
                if m:
                    end = m.start()
            if info.ends_at_blank_line:
                # skip blank lines directly after the header ("Medications:\n\n- ...")
                head_end = (
                    doc[title_end - 1].idx + len(doc[title_end - 1])
                    if title_end > title_start
                    else start
                )
                m = _BLANK_LINE.search(text, _first_content(text, head_end), end)
                if m:
                    end = m.start()
                end = _list_end(text, head_end, end)
            if info.inline_ends_at_line_end:
                end = self._inline_end(text, doc, title_start, title_end, start, end)
            if info.ends_at_line_end:
                # An inline header ("Dx: pernicious anemia") covers its own line only; the
                # section it interrupted resumes after it.
                newline = text.find("\n", _first_content(text, start + 1), end)
                if newline != -1:
                    if out and out[-1][3] == start:
                        prev_cat, prev_kind, _, _ = out[-1]
                        out.append((category, info.kind, start, newline))
                        out.append((prev_cat, prev_kind, newline, end))
                        continue
                    end = newline
            out.append((category, info.kind, start, end))
        doc._.cc_section_spans = tuple(out)
        return doc

    def _inline_end(
        self, text: str, doc: Doc, title_start: int, title_end: int, start: int, end: int
    ) -> int:
        """Where an inline history header's section ends: after its own line and the lines
        that continue it ("PSH: appendectomy 2015" then the visit's documentation).
        """
        head_end = (
            doc[title_end - 1].idx + len(doc[title_end - 1]) if title_end > title_start else start
        )
        newline = text.find("\n", head_end, end)
        if newline == -1 or not text[head_end:newline].strip():
            return end  # a header alone on its line heads a list below it
        while newline != -1 and self._continuation.match(text, newline + 1, end):
            newline = text.find("\n", newline + 1, end)
        return end if newline == -1 else newline


#: A line holding only words in capitals (a header without its colon, "HOME MEDICATIONS"), maybe
#: with an aside ("CURRENT MEDICATIONS (reconciled today)").
_CAPITAL_LINE = re.compile(
    r"(?m)^[ \t]*([A-Z]+(?:[ \t]+[A-Z]+)*)[ \t]*(?:\([^()\n]{0,60}\)[ \t]*)?(?:[ \t]{2,}[^\n]*)?$"
)


def _opens_line(doc: Doc, start: int) -> bool:
    """Token ``start`` begins a line or a sentence: nothing but white space, a bullet, a number
    or a sentence's end before it on its line.
    """
    i = start - 1
    while i >= 0 and not doc[i].is_space and (doc[i].is_punct or doc[i].like_num):
        i -= 1
    return i < 0 or doc[i].is_space or doc[i + 1 : start].text.rstrip().endswith((".", ";"))


#: A numbered list item's opening ("1. ", "2) ").
_NUMBERED = re.compile(r"[ \t]*\d{1,2}[.)][ \t]")


def _list_end(text: str, head_end: int, end: int) -> int:
    """Where a header's numbered list ends: a header alone on its line whose first line below
    is a numbered item ("Problem list:" then "1. Pernicious anemia") covers its items only; the
    first line after them that is not another item, nor a line continuing one (indented or in
    lower case), ends it ("Cyanocobalamin 1000 mcg IM L deltoid @ 0915").
    """
    newline = text.find("\n", head_end, end)
    if newline == -1 or text[head_end:newline].strip():
        return end  # an inline header, or a header with no line below
    pos = newline + 1
    if not _NUMBERED.match(text, pos):
        return end
    while pos < end:
        nxt = text.find("\n", pos, end)
        line_end = end if nxt == -1 else nxt
        line = text[pos:line_end]
        if line.strip() and not (
            _NUMBERED.match(line) or line[:1] in " \t" or line.lstrip()[:1].islower()
        ):
            return pos
        if nxt == -1:
            break
        pos = nxt + 1
    return end


def _first_content(text: str, pos: int) -> int:
    """Skip whitespace after a header so a blank line right under it does not end the section."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos
