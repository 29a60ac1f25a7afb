"""Screen a note with many regular expressions at once, so each is searched only where it can match.

The rules search whole notes with lists of patterns from the data tables ("nothing was given",
"return for the injection", drug-class words, section headers, ...). Almost every note matches
none of a list, yet each pattern costs a full scan of the text. :class:`PatternSet` compiles a list
into one `Hyperscan <https://www.hyperscan.io>`_ database in prefilter mode, which scans the text
once for all of them and reports which patterns *may* match (a superset: Hyperscan's prefilter
mode approximates constructs it does not support, such as look-arounds, by something broader).
The rules then run only those patterns with the ``regex`` module, in table order, so every match
and every record is the same as searching with all of them.

The screen is skipped, and every pattern searched, whenever it could disagree with ``regex``:
Hyperscan is not installed or cannot compile a pattern, a pattern has a flag other than
IGNORECASE, MULTILINE and DOTALL or syntax the standard ``re`` module does not share (``regex``'s
own constructs and fuzzy matching), or the text is not plain ASCII (Unicode case folding and
whitespace classes differ between the engines). Compiled databases are cached on disk, keyed by
the patterns, their flags and the Hyperscan version (see :mod:`cleanclaim.resources.cache`).
"""

from __future__ import annotations

import re as std_re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import regex

from ..resources import cache

try:  # pragma: no cover - exercised by the import itself
    import hyperscan
except ImportError:  # pragma: no cover - the screen is an optimisation only
    hyperscan = None

#: The ``regex`` module's fuzzy-match constraints ("{e<=1}"), which other engines read as text.
_FUZZY = regex.compile(r"\{\s*[eids]\s*[<=]")
#: Characters Python's ``\s`` counts as whitespace in ASCII text and Hyperscan's does not.
_ODD_SPACE = regex.compile(r"[\x1c-\x1f]")
#: Bump when the choice of screened patterns changes (names new cache entries).
_SCREEN_VERSION = 2
_SCREENED_FLAGS = regex.I | regex.M | regex.S
#: Flags every ``regex`` pattern carries by default (Unicode strings, version 0 behaviour).
_DEFAULT_FLAGS = regex.U | regex.V0


def _hs_flags(flags: int) -> int:
    out = (
        hyperscan.HS_FLAG_PREFILTER
        | hyperscan.HS_FLAG_SINGLEMATCH
        | hyperscan.HS_FLAG_ALLOWEMPTY
        | hyperscan.HS_FLAG_UTF8
        | hyperscan.HS_FLAG_UCP
    )
    if flags & regex.I:
        out |= hyperscan.HS_FLAG_CASELESS
    if flags & regex.M:
        out |= hyperscan.HS_FLAG_MULTILINE
    if flags & regex.S:
        out |= hyperscan.HS_FLAG_DOTALL
    return out


def _portable(pattern: Any) -> bool:
    r"""Whether ``pattern`` means the same to Hyperscan as to ``regex``: plain flags, syntax the
    standard library's ``re`` reads too (no ``regex``-only constructs such as ``\m``, ``(?|``,
    ``\p{..}`` or variable-length look-behind), and no fuzzy constraint.
    """
    if pattern.flags & ~(_SCREENED_FLAGS | _DEFAULT_FLAGS) or _FUZZY.search(pattern.pattern):
        return False
    try:
        std_re.compile(pattern.pattern, int(pattern.flags & _SCREENED_FLAGS))
    except (std_re.error, ValueError):
        return False
    return True


def screenable_text(text: str) -> bool:
    """Whether the screen's answer for ``text`` is exact (plain ASCII, no odd separators)."""
    return text.isascii() and _ODD_SPACE.search(text) is None


class PatternSet(Sequence[Any]):
    """Compiled ``regex`` patterns searched over whole texts, screened together.

    A sequence of the patterns in their given order; :meth:`candidates` gives those that may
    match a text, in the same order.
    """

    def __init__(self, patterns: Sequence[Any], name: str) -> None:
        """``patterns`` are compiled ``regex`` patterns; ``name`` names the cache entry."""
        self.patterns = list(patterns)
        self.name = name
        self._db: Any = None
        self._always: tuple[int, ...] = ()
        self._ready = False
        self._lock = threading.Lock()
        self._local = threading.local()

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol
        return self.patterns[i]

    def __len__(self) -> int:
        return len(self.patterns)

    def candidates(self, text: str) -> list[Any]:
        """The patterns that may match somewhere in ``text`` (all of them when in doubt)."""
        return [p for _, p in self.indexed(text)]

    def indexed(self, text: str) -> list[tuple[int, Any]]:
        """(index, pattern) of the patterns that may match somewhere in ``text``, in order."""
        if not self.patterns:
            return []
        db = self._database()
        if db is None or not screenable_text(text):
            return list(enumerate(self.patterns))
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(db)
        hits: set[int] = set(self._always)
        db.scan(text.encode("ascii"), match_event_handler=_collect, context=hits, scratch=scratch)
        if not hits:
            return []
        return [(i, p) for i, p in enumerate(self.patterns) if i in hits]

    def finditer(self, text: str) -> Iterator[Any]:
        """Every match of every pattern in ``text``: pattern by pattern, each in text order."""
        for pattern in self.candidates(text):
            yield from pattern.finditer(text)

    def search_any(self, text: str) -> bool:
        """Whether any pattern matches ``text``."""
        return any(p.search(text) for p in self.candidates(text))

    # Building -----------------------------------------------------------------------------

    def _database(self) -> Any:
        if self._ready:
            return self._db
        with self._lock:
            if not self._ready:
                self._db, self._always = self._build()
                self._ready = True
        return self._db

    def _build(self) -> tuple[Any, tuple[int, ...]]:
        if hyperscan is None:
            return None, ()
        screened = [i for i, p in enumerate(self.patterns) if _portable(p)]
        always = tuple(i for i in range(len(self.patterns)) if i not in screened)
        key = cache.key_of(
            "hyperscan-prefilter",
            _SCREEN_VERSION,
            hyperscan.__version__,
            [(p.pattern, int(p.flags)) for p in self.patterns],
        )
        blob = cache.cached_bytes(f"screen-{self.name}", key, lambda: self._compile(screened))
        if not blob:
            return None, ()
        meta_len = int.from_bytes(blob[:4], "little")
        failed = tuple(int(x) for x in blob[4 : 4 + meta_len].decode("ascii").split(",") if x)
        try:
            db = hyperscan.loadb(blob[4 + meta_len :], hyperscan.HS_MODE_BLOCK)
        except hyperscan.error:  # pragma: no cover - a damaged cache entry: search everything
            return None, ()
        return db, tuple(sorted(set(always) | set(failed)))

    def _compile(self, screened: list[int]) -> bytes:
        """The serialized database, preceded by the indexes Hyperscan could not compile."""
        if not screened:
            return b""
        try:
            db, failed = _database_of(self.patterns, screened), []
        except hyperscan.error:
            good, failed = _compilable(self.patterns, screened)
            db = _database_of(self.patterns, good) if good else None
        if db is None:
            return b""
        meta = ",".join(str(i) for i in failed).encode("ascii")
        return len(meta).to_bytes(4, "little") + meta + hyperscan.dumpb(db)


def _collect(pattern_id: int, start: int, end: int, flags: int, hits: set[int]) -> None:
    hits.add(pattern_id)


def _database_of(patterns: list[Any], indexes: list[int]) -> Any:
    db = hyperscan.Database()
    db.compile(
        expressions=[patterns[i].pattern.encode("utf-8") for i in indexes],
        ids=indexes,
        elements=len(indexes),
        flags=[_hs_flags(patterns[i].flags) for i in indexes],
    )
    return db


def _compilable(patterns: list[Any], indexes: list[int]) -> tuple[list[int], list[int]]:
    """Split ``indexes`` into those Hyperscan compiles and those it rejects (by halves)."""
    if not indexes:
        return [], []
    try:
        _database_of(patterns, indexes)
        return list(indexes), []
    except hyperscan.error:
        if len(indexes) == 1:
            return [], list(indexes)
    half = len(indexes) // 2
    good_a, bad_a = _compilable(patterns, indexes[:half])
    good_b, bad_b = _compilable(patterns, indexes[half:])
    return good_a + good_b, bad_a + bad_b
