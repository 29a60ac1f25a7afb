"""Token-pattern matching that runs spaCy's ``Matcher`` only where a pattern can start.

spaCy's ``Matcher`` tries every pattern at every token, and each ``IN`` or ``REGEX`` predicate is
a Python call per token: on real notes the target rules' few dozen token patterns cost more
than all the other pipes together. Most tokens cannot begin any of them. :class:`WindowedMatcher`
decides, once per distinct word (cached), whether the word can begin a pattern, then runs the
same ``Matcher`` over the short stretches that hold a possible start, long enough for any match
from there, or over the whole doc when the stretches would cost more calls than words. The
matches, their order included, are those of the ``Matcher`` over the whole doc
(``tests/test_speed_equivalence.py`` compares them).
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy
from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: What one call of the ``Matcher`` on a stretch costs, in words it matches over (measured on
#: MTSamples notes: 7-14 µs a call against 0.75-1.9 µs a word, by the number of patterns).
_WORDS_PER_CALL = 8
_REPEAT = 1  # the word can be matched by a repeating step ("+", "*" or "{n,}")
# code >> 1: the most words of the non-repeating steps of a pattern that can begin with the word
_OPS = {None: (1, 1), "?": (0, 1), "+": (1, None), "*": (0, None), "!": (1, 1)}
_RANGE = re.compile(r"^\{(\d*)(,?)(\d*)\}$")


def _counts(op: str | None) -> tuple[int, int | None] | None:
    """The fewest and most words a step with operator ``op`` takes (None: unbounded; None: unknown).

    Besides the single-character operators, spaCy's ``{n}``, ``{n,m}``, ``{n,}`` and ``{,m}``.
    """
    if op in _OPS:
        return _OPS[op]
    found = _RANGE.match(op) if isinstance(op, str) else None
    if found is None:
        return None
    low, comma, high = found.groups()
    if not comma:
        return (int(low), int(low)) if low else None
    return (int(low or 0), int(high) if high else None)


#: Lexeme flag bits spaCy lets patterns name ("FLAG19" ... "FLAG63"); lower bits are its own.
_FLAG_BITS = range(19, 64)
#: Token attributes that are the lexeme's own (a flag computed on the lexeme holds for the token).
_LEXEME_FORMS = ("LOWER", "TEXT", "ORTH")
_FLAG_OPS = frozenset({"IN", "NOT_IN", "REGEX"})


class _WordTest:
    """A word-set or regex test of one attribute as a lexeme flag getter (picklable)."""

    def __init__(self, form: str, tests: dict[str, Any]) -> None:
        self.key = self.key_of(form, tests)
        self.lower = form == "LOWER"
        self.sets = [(op == "IN", frozenset(arg)) for op, arg in tests.items() if op != "REGEX"]
        self.regex = re.compile(tests["REGEX"]) if "REGEX" in tests else None

    @staticmethod
    def key_of(form: str, tests: dict[str, Any]) -> tuple[str, str]:
        """What makes two tests the same."""
        return (form, json.dumps(tests, sort_keys=True))

    def __call__(self, text: str) -> bool:
        return self.check(text, text.lower())

    def check(self, text: str, lower: str) -> bool:
        """The test on a word given as written and lowered."""
        value = lower if self.lower else text
        if any((value in words) is not inside for inside, words in self.sets):
            return False
        return self.regex is None or self.regex.search(value) is not None


def _flag_tests(step: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The ``IN``/``NOT_IN``/``REGEX`` tests of LOWER or TEXT in ``step``, by attribute."""
    out = []
    for form in _LEXEME_FORMS:
        tests = step.get(form)
        if isinstance(tests, dict) and tests and not set(tests) - _FLAG_OPS:
            out.append((form, tests))
    return out


#: Flag bits a matcher leaves free for the start steps of the matchers made after it.
_KEPT_FOR_STARTS = 16


def _first_required(pattern: list[dict[str, Any]]) -> int:
    """The index of the first step a match must take a word for (the last one tried at a start)."""
    for i, step in enumerate(pattern):
        counts = _counts(step.get("OP"))
        if counts is None or counts[0] > 0:
            return i
    return len(pattern)


def _add_flags(vocab: Vocab, patterns: list[list[dict[str, Any]]]) -> dict[tuple[str, str], int]:
    """Lexeme flags for the word tests of ``patterns``: {test key: flag bit}.

    spaCy's ``Matcher`` checks such a test by a Python call per word and pattern state; a flag is
    computed once per word of the vocab and checked in compiled code. The flags live in the vocab
    (``Vocab.add_flag``) and a test already there is reused. There are 45 free bits for all the
    vocab's matchers. The steps up to a pattern's first required one are tried at every word:
    their tests get bits first. The tests of later steps, tried only after a start, take bits
    while more than ``_KEPT_FOR_STARTS`` stay free for the next matcher's start steps. The rest
    stay as written.
    """
    getters = vocab.lex_attr_getters
    bits = {g.key: b for b, g in getters.items() if isinstance(g, _WordTest)}
    wanted = sorted(
        (i > _first_required(pattern), i, n, form, tests)
        for n, pattern in enumerate(patterns)
        for i, step in enumerate(pattern)
        for form, tests in _flag_tests(step)
    )
    added: list[tuple[int, _WordTest]] = []
    for later, _, _, form, tests in wanted:
        test = _WordTest(form, tests)
        if test.key in bits:
            continue
        free = [b for b in _FLAG_BITS if b not in getters]
        if not free or (later and len(free) <= _KEPT_FOR_STARTS):
            break
        bit = free[0]
        getters[bit] = test  # new words get the flag as they are made (as Vocab.add_flag does)
        bits[test.key] = bit
        added.append((bit, test))
    # the words already in the vocab, all new flags in one pass (Vocab.add_flag's own loop,
    # once per flag, lowers every word again for each)
    if added:
        for lex in vocab:
            text = lex.orth_
            lower = text.lower()
            for bit, test in added:
                lex.set_flag(bit, test.check(text, lower))
    return bits


#: A required first step whose only test is that the word is one of at most this many words is
#: added as one pattern per word: an equality the ``Matcher`` checks in compiled code at every
#: word, with no flag bit spent on it.
_EXPAND_AT_MOST = 64


def _one_word_each(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``pattern``, or one pattern per word of its first step's word set (the same matches)."""
    first = pattern[0] if pattern else {}
    if len(first) != 1:
        return [pattern]
    ((form, value),) = first.items()
    if form.upper() not in _LEXEME_FORMS or not isinstance(value, dict) or set(value) != {"IN"}:
        return [pattern]
    words = list(dict.fromkeys(value["IN"]))
    if not words or len(words) > _EXPAND_AT_MOST:
        return [pattern]
    return [[{form: word}, *pattern[1:]] for word in words]


def _as_flags(step: dict[str, Any], bits: dict[tuple[str, str], int]) -> dict[str, Any]:
    """``step`` with each word test that has a flag bit replaced by that flag."""
    out = dict(step)
    for form, tests in _flag_tests(step):
        bit = bits.get(_WordTest.key_of(form, tests))
        if bit is not None:
            del out[form]
            out[f"FLAG{bit}"] = True
    return out


class WindowedMatcher:
    """spaCy's token ``Matcher`` over the stretches of a doc where one of its patterns can start.

    Args:
        vocab: the pipeline's vocab.
        patterns: ``(key, token pattern)`` pairs, added in order (as ``Matcher.add(key, [pattern])``).
        flags: give the patterns' word tests lexeme flag bits (see :func:`_add_flags`). The vocab
            has 45 bits for all its matchers, so they go to the matchers that run over every
            word: one run on rare notes passes False, and one whose patterns all end with an
            anchor word (it runs only over the few words before each) takes none.
        windowed: False to run the ``Matcher`` over the whole doc, always: for patterns that can
            start at common words ("and", "was", a comma), where finding the stretches costs
            more than it saves (the ConText rules: 0.14 s against 0.18 s on 400 MTSamples notes).

    Calling it returns the ``(match_id, start, end)`` list ``Matcher(doc)`` returns.

    """

    def __init__(
        self,
        vocab: Vocab,
        patterns: list[tuple[str, list[dict[str, Any]]]],
        *,
        flags: bool = True,
        windowed: bool = True,
    ) -> None:
        """Compile the patterns and index the steps a match can begin with."""
        self.vocab = vocab
        # Patterns are validated as written, then run with their word-set and regex tests as
        # lexeme flags (see _as_flags): checked in compiled code, not by a Python call per word.
        checked = Matcher(vocab, validate=True)
        self.matcher = Matcher(vocab, validate=False)
        self._starts: list[tuple[list[_Test], int]] = []  # (step's tests, steps of its pattern)
        self._repeats: list[list[_Test]] = []
        self._whole_doc = not windowed  # or a pattern this class cannot bound: the whole doc
        for key, pattern in patterns:
            checked.add(key, [pattern])
            self._index(pattern)
        self._anchor = self._end_anchor(patterns)
        each = [(key, _one_word_each(pattern)) for key, pattern in patterns]
        bits = (
            _add_flags(vocab, [one for _, ones in each for one in ones])
            if flags and self._anchor is None
            else {}
        )
        for key, ones in each:
            self.matcher.add(key, [[_as_flags(step, bits) for step in one] for one in ones])
        self._codes: dict[int, int] = {}
        # Starts and repeats whose only test is one word or word set, looked up by the word (most
        # header and target patterns begin so); the rest are tried one by one.
        self._start_words: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._start_rest: list[tuple[list[_Test], int]] = []
        for tests, n in self._starts:
            words = _words_of(tests)
            if words is None:
                self._start_rest.append((tests, n))
                continue
            table = self._start_words[words[0]]
            for word in words[1]:
                table[word] = max(table.get(word, 0), n)
        self._anchor_hashes: tuple[numpy.ndarray, numpy.ndarray] | None = None
        self._repeat_words: tuple[set[str], set[str]] = (set(), set())
        self._repeat_rest: list[list[_Test]] = []
        for tests in self._repeats:
            words = _words_of(tests)
            if words is None:
                self._repeat_rest.append(tests)
            else:
                self._repeat_words[words[0]].update(words[1])

    def __len__(self) -> int:
        """The number of patterns."""
        return len(self.matcher)

    def _end_anchor(
        self, patterns: list[tuple[str, list[dict[str, Any]]]]
    ) -> tuple[frozenset[str], frozenset[str], int] | None:
        """(texts, lowered texts, most words) when every pattern has a bounded length and ends
        with a required step that is one word or word set ("plan number two colon" ends with
        "colon"): then a match ends right after one of those words, and only the few words
        before each need the ``Matcher``. None otherwise.
        """
        if self._whole_doc or not patterns:
            return None
        words: tuple[set[str], set[str]] = (set(), set())
        longest = 0
        for _, pattern in patterns:
            counts = [_counts(step.get("OP")) for step in pattern]
            if any(c is None or c[1] is None for c in counts) or counts[-1] != (1, 1):
                return None
            # the last step tests one word or word set and nothing else this class cannot read
            last = _words_of(_tests(pattern[-1]))
            if last is None or len(set(pattern[-1]) - {"OP"}) != 1:
                return None
            words[last[0]].update(last[1])
            longest = max(longest, sum(most for _, most in counts))  # type: ignore[misc]
        return frozenset(words[0]), frozenset(words[1]), longest

    def _index(self, pattern: list[dict[str, Any]]) -> None:
        counts = [_counts(step.get("OP")) for step in pattern]
        if any(c is None for c in counts):
            self._whole_doc = True
            return
        # the most words the steps that do not repeat can take
        words = sum(most for _, most in counts if most is not None)
        for step, (least, _) in zip(pattern, counts, strict=True):
            self._starts.append((_tests(step), words))
            if least > 0:
                break  # a required step: a match begins here at the latest
        self._repeats.extend(
            _tests(s) for s, (_, most) in zip(pattern, counts, strict=True) if most is None
        )

    def _code(self, orth: int) -> int:
        """What a word can be matched by (a superset: an unknown test counts as a possible match)."""
        lex = self.vocab[orth]
        words = (lex.orth_, lex.lower_, lex)
        by_text, by_lower = self._start_words
        steps = max(
            by_text.get(words[0], 0),
            by_lower.get(words[1], 0),
            max((n for tests, n in self._start_rest if _passes(tests, words)), default=0),
        )
        code = steps << 1
        if (
            words[0] in self._repeat_words[0]
            or words[1] in self._repeat_words[1]
            or any(_passes(tests, words) for tests in self._repeat_rest)
        ):
            code |= _REPEAT
        self._codes[orth] = code
        return code

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The matches of the patterns in ``doc``, as ``Matcher(doc)`` returns them."""
        n = len(doc)
        if n == 0 or len(self.matcher) == 0:
            return []
        if self._whole_doc:
            return self.matcher(doc)
        if self._anchor is not None:
            return self._anchored(doc)
        orths = doc.to_array(ORTH)
        uniq, inverse = numpy.unique(orths, return_inverse=True)
        codes_get = self._codes.get
        table = numpy.fromiter(
            (c if (c := codes_get(o)) is not None else self._code(o) for o in uniq.tolist()),
            dtype=numpy.int32,
            count=len(uniq),
        )
        codes = table[inverse.reshape(-1)]
        starts = numpy.flatnonzero(codes >> 1).tolist()
        if not starts:
            return []
        steps = (codes >> 1).tolist()
        repeat = (codes & _REPEAT).astype(bool).tolist()
        stretches: list[tuple[int, int]] = []
        seg_start, seg_end = -1, -1
        for s in starts:
            # A match from s holds at most as many words no repeating step can take as the
            # longest pattern that can begin there has steps.
            j, budget = s, steps[s]
            while j < n and budget > 0:
                if not repeat[j]:
                    budget -= 1
                j += 1
            while j < n and repeat[j]:
                j += 1
            if s < seg_end:
                seg_end = max(seg_end, j)
                continue
            if seg_end > 0:
                stretches.append((seg_start, seg_end))
            seg_start, seg_end = s, j
        stretches.append((seg_start, seg_end))
        words = sum(e - s for s, e in stretches)
        if words + len(stretches) * _WORDS_PER_CALL >= n:  # one call over the doc costs less
            return self.matcher(doc)
        out: list[tuple[int, int, int]] = []
        for s, e in stretches:
            out.extend(self._segment(doc, s, e))
        return out

    def _anchored(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The matches when every one ends with an anchor word: the ``Matcher`` over the words
        up to each anchor, as far back as the longest pattern reaches.
        """
        texts, lowers, longest = self._anchor  # type: ignore[misc]
        if self._anchor_hashes is None:
            strings = self.vocab.strings
            self._anchor_hashes = tuple(
                numpy.array(sorted(strings.add(w) for w in words), dtype=numpy.uint64)
                for words in (texts, lowers)
            )
        by_text, by_lower = self._anchor_hashes
        found = numpy.isin(doc.to_array(LOWER), by_lower)
        if len(by_text):
            found |= numpy.isin(doc.to_array(ORTH), by_text)
        ends = numpy.flatnonzero(found).tolist()
        out: list[tuple[int, int, int]] = []
        seg_start, seg_end = -1, -1
        for x in ends:
            start = max(0, x + 1 - longest)
            if start < seg_end:
                seg_end = x + 1
                continue
            if seg_end > 0:
                out.extend(self._segment(doc, seg_start, seg_end))
            seg_start, seg_end = start, x + 1
        if seg_end > 0:
            out.extend(self._segment(doc, seg_start, seg_end))
        return out

    def _segment(self, doc: Doc, start: int, end: int) -> list[tuple[int, int, int]]:
        return [(key, s + start, e + start) for key, s, e in self.matcher(doc[start:end])]


#: One test of a step on a word: (which form: 0 text, 1 lower, 2 the lexeme; kind; argument).
_Test = tuple[int, str, Any]
#: Boolean attributes of the lexeme itself (the token's value is the lexeme's).
_LEXEME_FLAGS = frozenset(
    {
        "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
        "IS_SPACE", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY",
        "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL",
    }
)  # fmt: skip


def _tests(step: dict[str, Any]) -> list[_Test]:
    """The tests of a step this class understands; a word that passes them all may match it.

    Anything else (NORM, extensions, other operators) is left out, so it counts as a possible
    match, and a negated step ("!") may match any word.
    """
    if step.get("OP") == "!":
        return []
    out: list[_Test] = []
    for key, value in step.items():
        attr = key.upper()
        if attr in _LEXEME_FLAGS and isinstance(value, bool):
            out.append((2, "attr", (attr.lower(), value)))
            continue
        form = {"TEXT": 0, "ORTH": 0, "LOWER": 1}.get(attr)
        if form is None:
            continue
        if isinstance(value, str):
            out.append((form, "eq", value))
        elif isinstance(value, dict):
            for op, arg in value.items():
                if op == "IN":
                    out.append((form, "in", frozenset(arg)))
                elif op == "NOT_IN":
                    out.append((form, "not_in", frozenset(arg)))
                elif op == "REGEX":
                    out.append((form, "regex", re.compile(arg)))
    return out


def _words_of(tests: list[_Test]) -> tuple[int, frozenset[str]] | None:
    """(form, words) when the only test is that the text or lowered text is one of the words."""
    if len(tests) != 1:
        return None
    form, kind, arg = tests[0]
    if form not in (0, 1):
        return None
    if kind == "eq":
        return form, frozenset([arg])
    if kind == "in":
        return form, arg
    return None


def _passes(tests: list[_Test], words: tuple[str, str, Any]) -> bool:
    for form, kind, arg in tests:
        value = words[form]
        if kind == "attr":
            if bool(getattr(value, arg[0])) != arg[1]:
                return False
        elif kind == "eq":
            if value != arg:
                return False
        elif kind == "in":
            if value not in arg:
                return False
        elif kind == "not_in":
            if value in arg:
                return False
        elif not arg.search(value):
            return False
    return True
