"""The broad drug dictionary: names the curated table does not list, from a maintained source.

The ``drug-named-entity-recognition`` package ships about 107k drug name variants mapped to a
canonical name. Only its dictionary is used (its matcher looks at two-word windows and its
fuzzy mode is not robust on real notes). Short variants and ordinary words are skipped.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc

from ..resources import drug_lexicon_exclusions

MIN_CHARS = 5
MAX_TOKENS = 3


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """The usable variants, from the user cache when built before (the package takes ~2 s to load)."""
    from ..resources.cache import cached_json, key_of, version_of

    skip = drug_lexicon_exclusions()
    key = key_of(
        "druglex", version_of("drug-named-entity-recognition"), sorted(skip), MIN_CHARS, MAX_TOKENS
    )
    return cached_json("druglex", key, lambda: _build_variants(skip))


def _build_variants(skip: frozenset[str]) -> dict[str, str]:
    from drug_named_entity_recognition.drugs_finder import drug_variant_to_canonical

    out: dict[str, str] = {}
    for variant, canonicals in drug_variant_to_canonical.items():
        if len(variant) < MIN_CHARS or variant in skip or not canonicals:
            continue
        if any(ch.isdigit() for ch in variant) or variant.count(" ") >= MAX_TOKENS:
            continue
        out[variant] = canonicals[0]
    return out


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first word of every variant ("insulin glargine" → "insulin"), for a cheap pre-check."""
    return frozenset(v.split(" ", 1)[0].split("-", 1)[0] for v in _variants())


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

    @classmethod
    def load(cls, skip: set[str] | frozenset[str] = frozenset()) -> DrugLexicon:
        """Load the packaged dictionary (cached per process)."""
        return cls(_variants(), frozenset(skip), _first_words())

    def find(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Return ``(start, end, canonical id)`` token offsets of dictionary names, longest first."""
        spans: list[tuple[int, int, str]] = []
        i = 0
        n = len(doc)
        while i < n:
            tok = doc[i]
            if (
                not tok.is_alpha
                or len(tok) < 3
                or (self.first_words is not None and tok.lower_ not in self.first_words)
            ):
                i += 1
                continue
            found = None
            for width in range(min(MAX_TOKENS + 2, n - i), 0, -1):
                key = doc[i : i + width].text.lower()
                canonical = self.variants.get(key)
                if canonical is not None and key not in self.skip:
                    found = (width, canonical)
                    break
            if found is None:
                i += 1
                continue
            width, canonical = found
            spans.append((i, i + width, canonical.lower().replace(" ", "_").replace(",", "")))
            i += width
        return spans
