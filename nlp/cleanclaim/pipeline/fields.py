"""Template fields left blank ("Route: ___", "Dose: N/A", "Site:" and nothing after it)."""

import regex as re
from spacy.language import Language
from spacy.tokens import Doc

from .. import resources as res
from . import extensions  # noqa: F401
from ._tables import TableBacked
from .extensions import doc_text
from .screen import PatternSet


@Language.factory("cleanclaim_fields", default_config={})
def make_fields(nlp: Language, name: str) -> "BlankFieldDetector":
    """Build the blank-field detector from the packaged table."""
    return BlankFieldDetector(name=name)


class BlankFieldDetector(TableBacked):
    """Record template fields whose value is blank as ``doc._.cc_blank_fields``."""

    TABLES = {"fields": (res.TemplateFieldTable, "template_fields.json")}

    def __init__(
        self, name: str = "cleanclaim_fields", table: res.TemplateFieldTable | None = None
    ) -> None:
        """Create the detector; ``table`` overrides the packaged field names."""
        self.name = name
        self._build({"fields": table or res.template_fields()})

    def _build(self, tables: dict) -> None:
        self.tables = tables
        table = self.table = tables["fields"]
        self._label_of: dict[str, str] = {}
        names = []
        for label, words in table.fields.items():
            for word in words:
                self._label_of[word.lower()] = label
                names.append(re.escape(word))
        names.sort(key=len, reverse=True)
        self._blanks = [
            None if value == "" else re.compile(value, re.IGNORECASE)
            for value in table.blank_values
        ]
        # "Dose: ______ mg": a placeholder, then the unit the form prints after it
        units = "|".join(re.escape(u) for u in sorted(table.printed_units, key=len, reverse=True))
        self._printed_unit = (
            re.compile(rf"[ \t]*(?:{units})(?![\w/])", re.IGNORECASE) if units else None
        )
        # A field label and its colon; what comes before the label and after the colon is read in
        # code (see __call__): as one regular expression (`(?:^|[|;\t]|\s{2,})[ \t]*` before,
        # `[ \t]*(?:blanks)[ \t]*(?=$|[|;\t]|\s{2,}\S+\s*:)` after) it backtracks
        # quadratically over a long run of white space.
        self._label = re.compile(rf"(?P<name>{'|'.join(names)})[ \t]*+[:=]", re.IGNORECASE)
        # the same labels screened by RE2 (half the notes hold none: no search at all)
        self._label_screen = PatternSet(
            [re.compile(rf"(?:{'|'.join(names)})[ \t]*[=:]", re.IGNORECASE)], "field-labels"
        )
        # the same field dictated blank: "route colon next line", opening the note or after a
        # said line break
        self._spoken = None
        if table.spoken_colon and table.spoken_breaks:
            colon = "|".join(re.escape(w) for w in table.spoken_colon)
            breaks = "|".join(re.escape(w) for w in sorted(table.spoken_breaks, key=len)[::-1])
            said = "|".join(re.escape(w) for w in sorted(table.spoken_blanks, key=len)[::-1])
            blank = rf"(?:\s+(?:{said}))?" if said else ""
            self._spoken = re.compile(
                rf"(?:^|\b(?:{breaks})\s+)(?P<name>{'|'.join(names)})\s+(?:{colon})"
                rf"{blank}(?P<end>)\s+(?:{breaks})\b",
                re.IGNORECASE,
            )

    def __call__(self, doc: Doc) -> Doc:
        """Find the blank fields of ``doc``."""
        text = doc_text(doc)
        found = self.find(text)
        if self._spoken is not None:
            found += self.find_spoken(text)
        doc._.cc_blank_fields = tuple(sorted(found, key=lambda f: f[1]))
        return doc

    def find_spoken(self, text: str) -> list[tuple[str, int, int]]:
        """``(label, start, end)`` of each field dictated blank ("route colon next line")."""
        out = []
        pos = 0
        while (m := self._spoken.search(text, pos)) is not None:
            label = self._label_of.get(m.group("name").lower())
            if label:
                out.append((label, m.start("name"), m.end("end")))
            pos = m.end("end")
        return out

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """``(label, start, end)`` of each blank field of ``text``, in linear time.

        A field is a label at the start of a line or after ``|``, ``;``, a tab or two spaces; a colon
        (or ``=``); a blank value (each tried at its longest); then the end of the line, a
        separator or two spaces and the next ``Label:``.
        """
        found: list[tuple[str, int, int]] = []
        if not self._label_screen.indexed(text):
            return found
        lo = pos = 0
        look = _Lookahead(text)
        while (m := self._label.search(text, pos)) is not None:
            start = m.start("name")
            end = _after_prefix(text, start, lo) and self._value_end(text, m.end(), look)
            if end is None or end is False:
                pos = start + 1
                continue
            label = self._label_of.get(m.group("name").lower())
            if label:
                found.append((label, start, end))
            lo = pos = end
            if end == start:  # never: a field has a label and a colon
                pos += 1
        return found

    def _value_end(self, text: str, colon_end: int, look: "_Lookahead") -> int | None:
        """Where a blank value after the colon ends (its trailing spaces taken), or None."""
        run_end = _run_end(text, colon_end)
        empty = False
        for blank in self._blanks:
            if blank is None:
                empty = True
                if look(run_end):
                    return run_end
                continue
            m = blank.match(text, run_end)
            if m is not None:
                after = m.end()
                unit = self._printed_unit.match(text, after) if self._printed_unit else None
                if unit is not None and after > run_end:
                    after = unit.end()
                end = look.last_before(after, _run_end(text, after))
                if end is not None:
                    return end
        if empty:  # no value, and the spaces after the colon cut short before a separator
            return look.last_before(colon_end, run_end - 1)
        return None


def _run_end(text: str, i: int) -> int:
    """The end of the run of spaces and tabs starting at ``i``."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    return i


def _after_prefix(text: str, start: int, lo: int) -> bool:
    """The label at ``start`` follows a line start, ``|``, ``;``, a tab or two white-space
    characters, then spaces or tabs, all at or after ``lo`` (the end of the previous field).
    """
    q = start
    while q > lo and text[q - 1] in " \t":
        q -= 1
    if q == 0 or text[q - 1] == "\n" or "\t" in text[q:start]:
        return True
    if q - 1 >= lo and text[q - 1] in "|;":
        return True
    return start - 2 >= lo and text[start - 1].isspace() and text[start - 2].isspace()


class _Lookahead:
    r"""``(?=$|[|;\t]|\s{2,}\S+\s*:)`` at a position, with the ``\S+\s*:`` part cached per
    white-space run so that many positions in one run cost one match.
    """

    _NEXT_LABEL = re.compile(r"\S+\s*+:")

    def __init__(self, text: str) -> None:
        self.text = text
        self._next_label: dict[int, bool] = {}
        self._ws_end: dict[int, int] = {}

    def ws_end(self, i: int) -> int:
        """The first non-white-space position at or after ``i``."""
        end = self._ws_end.get(i)
        if end is None:
            text, n, end = self.text, len(self.text), i
            while end < n and text[end].isspace():
                end += 1
            self._ws_end[i] = end
        return end

    def next_label(self, w: int) -> bool:
        r"""``\S+\s*:`` matches at ``w``."""
        ok = self._next_label.get(w)
        if ok is None:
            ok = self._next_label[w] = self._NEXT_LABEL.match(self.text, w) is not None
        return ok

    def __call__(self, e: int) -> bool:
        text = self.text
        if e == len(text) or text[e] == "\n" or text[e] in "|;\t":
            return True
        w = self.ws_end(e)
        return w - e >= 2 and self.next_label(w)

    def last_before(self, lo: int, hi: int) -> int | None:
        r"""The last position ``e`` in ``[lo, hi]`` (all spaces or tabs before ``hi``, which
        ends the run) where the lookahead holds: ``[ \t]*(?=...)`` taken greedily.
        """
        if hi < lo:
            return None
        if self(hi):
            return hi
        best = None
        tab = self.text.rfind("\t", lo, hi)
        if tab >= 0:
            best = tab
        w = self.ws_end(hi)
        if self.next_label(w) and w - 2 >= lo:
            best = max(best if best is not None else -1, min(w - 2, hi - 1))
        return best
