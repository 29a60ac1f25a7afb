"""The broad drug dictionary: names the curated table does not list, from a maintained source.

The ``drug-named-entity-recognition`` package ships about 107k drug name variants mapped to a
canonical name. Only its dictionary is used (its matcher looks at two-word windows and its
fuzzy mode is not robust on real notes). Short variants and ordinary words are skipped.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

import numpy
from spacy.attrs import IS_ALPHA, LENGTH, LOWER, SPACY
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..resources import drug_lexicon_additions, drug_lexicon_exclusions

MIN_CHARS = 5
MAX_TOKENS = 3


def _package_variants() -> dict[str, list[str]]:
    """The package's variant → canonical names mapping.

    Read from the dictionary file the package ships, as the package itself reads it on import;
    importing the package would also build an n-gram index of every name (seconds of start-up
    per worker) that only its fuzzy finder uses.
    """
    import bz2
    import importlib.util
    import pickle
    from pathlib import Path

    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "drug_ner_dictionary.pkl.bz2"
        if path.is_file():
            with bz2.open(path, "rb") as fh:
                data = pickle.load(fh)  # noqa: S301  (the package's own data file)
            variants = data.get("drug_variant_to_canonical") if isinstance(data, dict) else None
            if isinstance(variants, dict):
                return variants
    from drug_named_entity_recognition.drugs_finder import drug_variant_to_canonical

    return drug_variant_to_canonical


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """The usable variants, from the user cache when built before."""
    from ..resources.cache import cached_json, key_of, version_of

    skip = drug_lexicon_exclusions()
    added = drug_lexicon_additions()
    key = key_of(
        "druglex",
        version_of("drug-named-entity-recognition"),
        sorted(skip),
        sorted(added.items()),
        MIN_CHARS,
        MAX_TOKENS,
    )
    return cached_json("druglex", key, lambda: _build_variants(skip, added))


def _build_variants(skip: frozenset[str], added: dict[str, str] | None = None) -> dict[str, str]:
    """The package's usable variants, then the project's own additions (any length)."""
    drug_variant_to_canonical = _package_variants()
    out: dict[str, str] = {}
    for variant, canonicals in drug_variant_to_canonical.items():
        if len(variant) < MIN_CHARS or variant in skip or not canonicals:
            continue
        if any(ch.isdigit() for ch in variant) or variant.count(" ") >= MAX_TOKENS:
            continue
        out[variant] = canonicals[0]
    for variant, drug in (added or {}).items():
        out.setdefault(variant, drug)
    return out


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first word of every variant ("insulin glargine" → "insulin"), for a cheap pre-check."""
    return frozenset(v.split(" ", 1)[0].split("-", 1)[0] for v in _variants())


@lru_cache(maxsize=4)
def _hashes(words: frozenset[str]) -> frozenset[int]:
    return frozenset(hash_string(w) for w in words)


#: How many prefix answers are kept before the cache starts again (bounded memory).
_PREFIXES_KEPT = 200_000


class DrugLexicon:
    """Look drug names up in the broad dictionary, token window by token window."""

    def __init__(
        self,
        variants: dict[str, str],
        skip: frozenset[str] = frozenset(),
        first_words: frozenset[str] | None = None,
    ) -> None:
        """Wrap a variant → canonical mapping, leaving out ``skip`` (the curated synonyms)."""
        self.variants = variants
        self.skip = skip
        self.first_words = first_words
        # The same pre-check on hashes: a doc's words are compared as numbers, not tokens.
        self._first_ids = None if first_words is None else _hashes(first_words)
        self._sorted: list[str] | None = None  # the names in order, for prefix ranges
        self._longest: dict[str, int] = {}  # first word -> its longest name
        self._prefixes: dict[str, bool] = {}  # key -> some name begins with it

    @classmethod
    def load(cls, skip: set[str] | frozenset[str] = frozenset()) -> DrugLexicon:
        """Load the packaged dictionary (cached per process)."""
        return cls(_variants(), frozenset(skip), _first_words())

    def _longest_from(self, word: str) -> int:
        """The length of the longest name that begins with ``word`` (0: none), cached."""
        if self._sorted is None:
            self._sorted = sorted(self.variants)
        names = self._sorted
        i = bisect.bisect_left(names, word)
        longest = 0
        while i < len(names) and names[i].startswith(word):
            longest = max(longest, len(names[i]))
            i += 1
        self._longest[word] = longest
        return longest

    def _begins_a_name(self, key: str) -> bool:
        """Whether some name begins with ``key`` (a binary search of the sorted names; the
        answers are kept, notes repeat their phrases).
        """
        known = self._prefixes.get(key)
        if known is not None:
            return known
        if self._sorted is None:
            self._sorted = sorted(self.variants)
        names = self._sorted
        i = bisect.bisect_left(names, key)
        found = i < len(names) and names[i].startswith(key)
        if len(self._prefixes) >= _PREFIXES_KEPT:
            self._prefixes.clear()
        self._prefixes[key] = found
        return found

    def _candidates(self, doc: Doc, arr: numpy.ndarray) -> list[int]:
        """Positions of the words that can begin a name: alphabetic, 3+ characters, a first word."""
        mask = (arr[:, 1] != 0) & (arr[:, 2] >= 3)
        if self._first_ids is not None:
            lowers = arr[:, 0]
            uniq, inverse = numpy.unique(lowers, return_inverse=True)
            first = self._first_ids
            known = numpy.fromiter((u in first for u in uniq.tolist()), dtype=bool, count=len(uniq))
            mask &= known[inverse.reshape(-1)]
        return numpy.flatnonzero(mask).tolist()

    def find(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Return ``(start, end, canonical id)`` token offsets of dictionary names, longest first."""
        spans: list[tuple[int, int, str]] = []
        n = len(doc)
        if n == 0:
            return spans
        arr = doc.to_array([LOWER, IS_ALPHA, LENGTH, SPACY])
        strings = doc.vocab.strings
        lower_ids = arr[:, 0].tolist()
        spaced = arr[:, 3].tolist()
        covered = 0  # tokens before this are inside a name already found
        for i in self._candidates(doc, arr):
            if i < covered:
                continue
            found = None
            # The lowered text of tokens i..i+width: their lowered words and single spaces
            # (lowering word by word equals lowering the stretch for ASCII words only).
            top = min(MAX_TOKENS + 2, n - i)
            first = strings[lower_ids[i]]
            # no name starting with this word is longer than ``limit``: longer keys are not built
            limit = self._longest.get(first)
            if limit is None:
                limit = self._longest_from(first)
            if first.isascii():
                keys = [first]
                for k in range(1, top):
                    word = strings[lower_ids[i + k]]
                    if not word.isascii():
                        keys = [doc[i : i + w].text.lower() for w in range(1, top + 1)]
                        break
                    key = keys[-1] + (" " if spaced[i + k - 1] else "") + word
                    # a longer key begins with this one: none can be a name if no name does
                    if len(key) > limit or not self._begins_a_name(key):
                        break
                    keys.append(key)
            else:
                keys = [doc[i : i + width].text.lower() for width in range(1, top + 1)]
            for width in range(len(keys), 0, -1):
                key = keys[width - 1]
                canonical = self.variants.get(key)
                if canonical is not None and key not in self.skip:
                    found = (width, canonical)
                    break
            if found is None:
                continue
            width, canonical = found
            spans.append((i, i + width, canonical.lower().replace(" ", "_").replace(",", "")))
            covered = i + width
        return spans
