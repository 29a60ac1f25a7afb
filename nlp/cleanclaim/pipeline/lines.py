"""A line-aware sentence splitter for clinical notes.

Template fields ("Route: IM"), list items, MAR rows and SOAP headers each sit on their own line,
so a line break ends a sentence unless the line plainly runs on (dictation wrapped mid-sentence).
Inside a line, sentence punctuation followed by a capital, digit or bullet ends a sentence.
"""

import bisect
import weakref

import numpy
from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import by_word, distinct_words, reading_cache

_END_PUNCT = frozenset({".", "!", "?"})
#: Dose units the tokenizer keeps with a sentence's period ("0.5 mL. Given by RN"): after a
#: number (or "mg/mL.") they end the sentence like any period.
_UNIT_PERIOD = frozenset({"mL.", "U.", "L."})


@Language.factory("cleanclaim_lines", default_config={"join_wrapped_lines": True})
def make_line_sentencizer(nlp: Language, name: str, join_wrapped_lines: bool) -> "LineSentencizer":
    """Build the line-aware sentence splitter."""
    return LineSentencizer(name=name, join_wrapped_lines=join_wrapped_lines)


class LineSentencizer:
    """Set ``Token.is_sent_start`` from line breaks and sentence punctuation."""

    def __init__(self, name: str = "cleanclaim_lines", join_wrapped_lines: bool = True) -> None:
        """Create the splitter; ``join_wrapped_lines`` keeps a line ending mid-sentence joined."""
        self.name = name
        self.join_wrapped_lines = join_wrapped_lines

    def __call__(self, doc: Doc) -> Doc:
        """Mark sentence starts on ``doc``."""
        n = len(doc)
        if n == 0:
            return doc
        # each distinct word read once; a token can start a sentence only after a line break,
        # a sentence's end or a period kept on a word, or as a line break itself
        words, inverse = distinct_words(doc, ORTH)
        texts = [words[k] for k in inverse.tolist()]
        spaces = [" " if s else "" for s in doc.to_array(SPACY).tolist()]
        breaks = by_word(words, inverse, _line_break)
        ends = by_word(words, inverse, _may_end)
        maybe = numpy.flatnonzero((breaks | ends)[:-1] | breaks[1:]) + 1
        starts = numpy.full((n, 1), -1, dtype="int64")
        starts[0, 0] = 1
        join = self.join_wrapped_lines
        for i in maybe.tolist():
            prev, cur = texts[i - 1], texts[i]
            prev_space = prev.isspace()
            if prev_space and "\n" in prev:
                start = not (join and _wrapped(texts, spaces, i))
            elif cur.isspace() and "\n" in cur:
                start = False
            elif prev == "?" and not spaces[i - 1] and cur[0].isalpha():
                # "Reason for consult: ?low testosterone": a query mark on the word, no end
                start = False
            elif prev in _END_PUNCT and not _is_punct(cur):
                start = True
            elif (
                prev in _UNIT_PERIOD
                and i > 1
                and (texts[i - 2] == "/" or _is_number(texts[i - 2]))
                and (cur.istitle() or cur[0].isdigit())
            ):
                # "Tdap 0.5 mL. Given by RN": the tokenizer kept the period on the unit
                start = True
            elif _lower_abbreviation_end(prev) and (cur.istitle() or cur[0].isdigit()):
                # "chlorhexidine prep. 1 mL ..." : the tokenizer kept the period on "prep."
                start = True
            else:
                continue
            starts[i, 0] = 1 if start else -1
        doc.from_array([SENT_START], starts.astype("uint64"))
        return doc


def _line_break(text: str) -> bool:
    return text.isspace() and "\n" in text


def _may_end(text: str) -> bool:
    """A sentence's end, or a word that may carry one ("mL.", "prep.")."""
    return text in _END_PUNCT or text in _UNIT_PERIOD or _lower_abbreviation_end(text)


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).replace(",", "").isdigit()


def _is_punct(text: str) -> bool:
    return not any(ch.isalnum() for ch in text)


def _wrapped(texts: list[str], spaces: list[str], i: int) -> bool:
    """A single line break between two lower-case words is a line wrapped mid-sentence."""
    brk = texts[i - 1]
    if brk.count("\n") > 1 or i < 2 or "\n" in spaces[i - 2]:
        return False
    before, after = texts[i - 2], texts[i]
    return before.isalpha() and before.islower() and after.isalpha() and after.islower()


def _lower_abbreviation_end(text: str) -> bool:
    return (
        len(text) > 3
        and text.endswith(".")
        and text[:-1].isalpha()
        and text[:-1].islower()
        and text.count(".") == 1
    )


class Sentences:
    """The sentences of a Doc, found in one pass: a token's sentence by binary search.

    Installing it as the Doc's ``sent`` span hook makes ``Span.sent`` and ``Token.sent`` a binary
    search instead of spaCy's walk to the sentence boundaries (linear in the sentence's length,
    so quadratic over a long sentence of many mentions). The answer is spaCy's: the sentence that
    holds the span's first token. The rules stage never changes sentence boundaries.
    """

    def __init__(self, doc: Doc) -> None:
        """Index the sentence starts of ``doc`` (``Token.is_sent_start``)."""
        self._doc = weakref.ref(doc)  # the Doc holds the hook: no reference cycle
        # Token.is_sent_start is True where SENT_START is 1 (the first token always starts one)
        starts = [0]
        if len(doc) > 1:
            starts += (numpy.flatnonzero(doc.to_array(SENT_START)[1:] == 1) + 1).tolist()
        self.starts = starts
        self.ends = [*starts[1:], len(doc)]
        self._word_counts: list[int] | None = None  # words before each token
        self._records: set[int] | None = None

    @property
    def doc(self) -> "Doc | None":
        """The indexed Doc (None once it is gone)."""
        return self._doc()

    def install(self) -> "Sentences":
        """Make this index answer ``Span.sent`` and ``Token.sent`` on the Doc."""
        self.doc.user_span_hooks["sent"] = self.sent
        return self

    def index(self, token: int) -> int:
        """The number of the sentence holding token ``token``."""
        return max(bisect.bisect_right(self.starts, token) - 1, 0)

    def sent(self, span: Span) -> Span:
        """The sentence holding the first token of ``span`` (one Span per sentence while the rules
        read the Doc).
        """
        i = self.index(span.start)
        doc = self.doc
        cache = reading_cache(doc)
        if cache is None:
            return doc[self.starts[i] : self.ends[i]]
        key = ("sent", i)
        made = cache.get(key)
        if made is None:
            made = cache[key] = doc[self.starts[i] : self.ends[i]]
        return made

    def words(self, start: int) -> int:
        """Words (not space, not punctuation) of the sentence starting at token ``start``."""
        if self._word_counts is None:
            doc = self.doc
            flags = doc.to_array([IS_SPACE, IS_PUNCT])
            word = (flags[:, 0] == 0) & (flags[:, 1] == 0)
            # spoken punctuation ("comma", "period") of a dictated note is punctuation too
            spoken = [i for i in doc._.cc_spoken_marks if 0 <= i < len(doc)]
            word[spoken] = False
            self._word_counts = numpy.concatenate(([0], numpy.cumsum(word))).tolist()
        end = self.ends[self.index(start)]
        return self._word_counts[end] - self._word_counts[start]

    def records(self, start: int) -> bool:
        """A mention lying wholly in the sentence starting at ``start`` has administration or
        this-visit wording (what ``any(... for e in sent.ents)`` asked, in one pass).
        """
        if self._records is None:
            self._records = set()
            for ent in self.doc.ents:
                i = self.index(ent.start)
                if ent.end <= self.ends[i] and (ent._.cc_given or ent._.cc_this_encounter):
                    self._records.add(self.starts[i])
        return start in self._records
