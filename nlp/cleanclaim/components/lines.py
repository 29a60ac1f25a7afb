"""A line-aware sentence splitter for clinical notes.

Template fields ("Route: IM"), list items, MAR rows and SOAP headers each sit on their own line,
so a line break ends a sentence unless the line plainly runs on (dictation wrapped mid-sentence).
Inside a line, sentence punctuation followed by a capital, digit or bullet ends a sentence.
"""


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
        if len(doc) == 0:
            return doc
        for token in doc:
            token.is_sent_start = False
        doc[0].is_sent_start = True
        prev = None
        for token in doc:
            if prev is None:
                prev = token
                continue
            if prev.is_space and "\n" in prev.text:
                token.is_sent_start = not (self.join_wrapped_lines and _wrapped(prev, token))
            elif "\n" in prev.whitespace_ and not prev.is_space:
                token.is_sent_start = not (self.join_wrapped_lines and _wrapped(prev, token))
            elif prev.text in _END_PUNCT and not token.is_punct:
                token.is_sent_start = True
            elif _lower_abbreviation_end(prev) and (token.is_title or token.like_num):
                # "chlorhexidine prep. 1 mL ..." : the tokenizer kept the period on "prep."
                token.is_sent_start = True
            elif token.is_space and "\n" in token.text:
                token.is_sent_start = False
            prev = token
        return doc


def _wrapped(prev, token) -> bool:  # type: ignore[no-untyped-def]
    """A single line break between a lower-case word and a lower-case word is a wrapped line."""
    if prev.is_space:
        if prev.text.count("\n") > 1:
            return False
        prev = prev.nbor(-1) if prev.i > 0 else prev
    if "\n\n" in prev.whitespace_:
        return False
    return bool(prev.is_alpha and prev.is_lower and token.is_alpha and token.is_lower and token.text not in {"-", "*"})


def _lower_abbreviation_end(token) -> bool:  # type: ignore[no-untyped-def]
    text = token.text
    return len(text) > 3 and text.endswith(".") and text[:-1].isalpha() and text[:-1].islower() and text.count(".") == 1
