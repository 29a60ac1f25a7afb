"""Screen a note with many regular expressions at once, so each is searched only where it can match.

The rules search whole notes with lists of patterns from the data tables ("nothing was given",
"return for the injection", drug-class words, section headers, ...). Almost every note matches
none of a list, yet each pattern costs a full scan of the text. :class:`PatternSet` compiles a list
into one `RE2 <https://github.com/google/re2>`_ ``Set``, whose automaton reads the text once for
all of them and says which patterns match it. The rules then search only those patterns with the
``regex`` module, in table order, so every match and every record is the same as searching with
all of them.

A pattern is always searched, unscreened, when RE2 could read it differently from ``regex``: a
flag other than IGNORECASE, MULTILINE and DOTALL, syntax the standard ``re`` module does not share
(``regex``'s own constructs, fuzzy matching, POSIX classes), ``$`` without MULTILINE, or a
construct RE2 lacks (look-arounds, back-references). Every pattern is searched when RE2 is not
installed or the text is not plain ASCII (Unicode case folding and whitespace classes differ
between the engines). ``benchmarks/screen_check.py`` checks on real notes that no match is lost.

(Hyperscan, tried first, lost matches when several caseless multiline patterns were compiled
into one database; RE2's ``Set`` lost none on the same notes and was faster.)
"""

from __future__ import annotations

import re as std_re
import weakref
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import regex

try:  # pragma: no cover - exercised by the import itself
    import re2
except ImportError:  # pragma: no cover - the screen is an optimisation only
    re2 = None

#: The ``regex`` module's fuzzy-match constraints ("{e<=1}"), which other engines read as text.
_FUZZY = regex.compile(r"\{\s*[eids]\s*[<=]")
#: Characters Python's ``\s`` counts as whitespace in ASCII text and RE2's does not.
_ODD_SPACE = regex.compile(r"[\x0b\x1c-\x1f]")
_SCREENED_FLAGS = regex.I | regex.M | regex.S
#: Flags every ``regex`` pattern carries by default (Unicode strings, version 0 behaviour).
_DEFAULT_FLAGS = regex.U | regex.V0
#: RE2's memory budget per set (its DFA cache lives in it; the default 8 MB is small for
#: sets of long alternations read over long notes).
_MAX_MEM = 64 << 20


def screenable_text(text: str) -> bool:
    """Whether the screen's answer for ``text`` is exact (plain ASCII, no odd separators)."""
    return _screen_input(text) is not None


@lru_cache(maxsize=32)
def _screen_input(text: str) -> bytes | None:
    """The bytes RE2 reads for ``text`` when it is screenable, once per text (every set of the
    rules reads the same note).
    """
    if not text.isascii() or _ODD_SPACE.search(text) is not None:
        return None
    return text.encode("ascii")


def _portable(pattern: Any) -> str | None:
    r"""The RE2 form of ``pattern`` when it means the same to RE2 as to ``regex`` on ASCII text:
    plain flags, syntax the standard library's ``re`` reads too (no ``regex``-only constructs
    such as ``\m``, ``(?|`` or ``\p{..}``), no fuzzy constraint or POSIX class, no ``$``
    without MULTILINE (``regex`` also matches it before a final newline); else None.
    """
    text, flags = pattern.pattern, int(pattern.flags)
    if flags & ~(_SCREENED_FLAGS | _DEFAULT_FLAGS) or _FUZZY.search(text) or "[:" in text:
        return None
    if "$" in text and not flags & regex.M:
        return None
    try:
        std_re.compile(text, flags & _SCREENED_FLAGS)
    except (std_re.error, ValueError):
        return None
    inline = "".join(c for f, c in ((regex.I, "i"), (regex.M, "m"), (regex.S, "s")) if flags & f)
    return f"(?{inline}){text}" if inline else text


class PatternSet(Sequence[Any]):
    """Compiled ``regex`` patterns searched over whole texts, screened together.

    A sequence of the patterns in their given order; :meth:`indexed` gives those that may match a
    text, in the same order.
    """

    #: Every set made in this process (for :meth:`missed` checks over many notes).
    instances: weakref.WeakSet[PatternSet] = weakref.WeakSet()

    def __init__(self, patterns: Sequence[Any], name: str) -> None:
        """``patterns`` are compiled ``regex`` patterns; ``name`` says what they are."""
        PatternSet.instances.add(self)
        self.patterns = list(patterns)
        self.name = name
        self._set: Any = None
        self._ids: list[int] = []  # RE2 set index -> pattern index
        self._always: frozenset[int] = frozenset(range(len(self.patterns)))
        if re2 is not None and self.patterns:
            self._build()

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol
        return self.patterns[i]

    def __len__(self) -> int:
        return len(self.patterns)

    def indexed(self, text: str) -> list[tuple[int, Any]]:
        """(index, pattern) of the patterns that may match somewhere in ``text``, in order."""
        return [(i, p) for i, p, _ in self.screened(text)]

    def screened(self, text: str) -> list[tuple[int, Any, bool]]:
        """(index, pattern, sure) of the patterns that may match somewhere in ``text``, in order;
        ``sure``: RE2 read the pattern and found it (a pattern RE2 reads means the same to both
        engines on screened text, so it matches), else only ``regex`` can tell.
        """
        data = _screen_input(text) if self._set is not None else None
        if data is None:
            return [(i, p, False) for i, p in enumerate(self.patterns)]
        found = self._set.Match(data)
        if not found and not self._always:
            return []
        hits = {self._ids[i] for i in found or ()}
        return [
            (i, p, i in hits) for i, p in enumerate(self.patterns) if i in hits or i in self._always
        ]

    def candidates(self, text: str) -> list[Any]:
        """The patterns that may match somewhere in ``text`` (all of them when in doubt)."""
        return [p for _, p in self.indexed(text)]

    def finditer(self, text: str) -> Iterator[Any]:
        """Every match of every pattern in ``text``: pattern by pattern, each in text order."""
        for pattern in self.candidates(text):
            yield from pattern.finditer(text)

    def missed(self, text: str) -> list[int]:
        """Indexes of patterns that match ``text`` but the screen left out (always empty; for
        checks that it is).
        """
        kept = {k for k, _ in self.indexed(text)}
        return [k for k, p in enumerate(self.patterns) if k not in kept and p.search(text)]

    def wrong(self, text: str) -> list[int]:
        """Indexes of patterns RE2 found in ``text`` that ``regex`` does not match there (always
        empty; for checks that :meth:`matches` may trust RE2).
        """
        return [k for k, p, sure in self.screened(text) if sure and not p.search(text)]

    def _build(self) -> None:
        options = re2.Options()
        options.log_errors = False
        options.max_mem = _MAX_MEM
        screen = re2.Set.SearchSet(options)
        always = set()
        for k, pattern in enumerate(self.patterns):
            portable = _portable(pattern)
            try:
                if portable is None:
                    raise re2.error("not portable")
                screen.Add(portable)
            except re2.error:  # a construct RE2 lacks (look-arounds, back-references)
                always.add(k)
                continue
            self._ids.append(k)
        if not self._ids:
            return
        screen.Compile()
        self._set = screen
        self._always = frozenset(always)
