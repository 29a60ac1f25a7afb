"""A line-aware sentence splitter for clinical notes.

Template fields ("Route: IM"), list items, MAR rows and SOAP headers each sit on their own line,
so a line break ends a sentence unless the line plainly runs on (dictation wrapped mid-sentence).
Inside a line, sentence punctuation followed by a capital, digit or bullet ends a sentence.
"""

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_END_PUNCT = frozenset({".", "!", "?"})


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
        texts = [t.text for t in doc]
        spaces = [t.whitespace_ for t in doc]
        starts = numpy.full((n, 1), -1, dtype="int64")
        starts[0, 0] = 1
        join = self.join_wrapped_lines
        for i in range(1, n):
            prev, cur = texts[i - 1], texts[i]
            prev_space = prev.isspace()
            if prev_space and "\n" in prev:
                start = not (join and _wrapped(texts, spaces, i))
            elif cur.isspace() and "\n" in cur:
                start = False
            elif prev in _END_PUNCT and not _is_punct(cur):
                start = True
            elif _lower_abbreviation_end(prev) and (cur.istitle() or cur[0].isdigit()):
                # "chlorhexidine prep. 1 mL ..." : the tokenizer kept the period on "prep."
                start = True
            else:
                continue
            starts[i, 0] = 1 if start else -1
        doc.from_array([SENT_START], starts.astype("uint64"))
        return doc


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
