"""ICD-10-CM lookups (is a code valid, what does it mean) without parsing the release at start-up.

``simple-icd-10-cm`` parses its whole XML release (about 98,000 items) when it is imported, which
took 2 s of every cold start. Here the codes and descriptions are read once from it into the
user cache (:mod:`.cache`, keyed by the package's version) and loaded from there afterwards;
answers are the package's own (``tests/test_cli.py`` checks them against it).
"""

from __future__ import annotations

from functools import lru_cache

from .cache import cached_json, key_of, version_of


def _build() -> dict[str, str]:
    import simple_icd_10_cm as icd

    return {code: icd.get_description(code) for code in icd.get_all_codes(with_dots=True)}


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    return cached_json("icd10cm", key_of("icd10cm", version_of("simple-icd-10-cm")), _build)


def _dotted(code: str) -> str:
    """``D510`` → ``D51.0``: the package accepts codes with or without the dot."""
    if "." in code or len(code) <= 3 or "-" in code:
        return code
    return f"{code[:3]}.{code[3:]}"


def is_valid_item(code: str) -> bool:
    """Whether ``code`` is an ICD-10-CM chapter, block, category or code (dot optional)."""
    codes = _codes()
    return code in codes or _dotted(code) in codes


def get_description(code: str) -> str:
    """The description of a valid ``code``; raises ``ValueError`` otherwise (as the package)."""
    codes = _codes()
    found = codes.get(code)
    if found is None:
        found = codes.get(_dotted(code))
    if found is None:
        raise ValueError(f'"{code}" is not a valid ICD-10-CM code.')
    return found
