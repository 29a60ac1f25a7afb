"""Read raw speech-recognition dictation: spoken punctuation, number words, spoken routes, names
as heard.

The component runs right after ``cleanclaim_targets``. It never rewrites the text: it proposes
extra DRUG, DOSE, ROUTE and SITE mentions over the ORIGINAL tokens, so every entity, evidence
span and highlight points at the dictated characters, and puts the canonical reading on the span
(``._.cc_read``, e.g. ``1000 mcg``) with how it was read (``._.cc_how``: ``number_words``,
``usual_unit``, ``spoken_route``, ``letters``, ``joined``, ``phonetic``, ``fuzzy``, ``spoken_side``,
``ocr``).

Mechanisms (vocabulary and thresholds come from ``dictation.json``):

- spoken punctuation and commands ("period", "new paragraph", "scratch that") start a sentence,
  unless their neighbours make them ordinary words ("menstrual period", "colon cancer");
- number words are parsed by ``text2num`` (decimals "point five", "one twenty five" as 125) and
  joined with a unit heard as words ("m l", "c c", "mics");
- routes spelled as letters ("eye em", "S Q", "I. M."), "sub" + a heard "Q", spoken phrases, and
  "I am" only next to a drug, dose, site or administration word;
- drug, site and route names split or misheard ("im a trex", "del toyed") are read by joining
  1-4 tokens and comparing against the whole lexicon (curated drugs, the broad drug dictionary,
  sites, routes): the same letters, the same Metaphone code (with a normalized Levenshtein floor),
  or a rapidfuzz ratio against the curated names; only near a dose, route, site or administration
  word;
- a one-word diagnosis heard in pieces ("hypo gonad ism") is read when the words run together
  spell one of the diagnosis table's names exactly;
- a scanned page's text recognition misreads ("Kena1og 4O mg", "l50 rng", "de1toid", "lM") are
  read through the table's character confusions, only when the word then spells a curated name,
  a unit after a number, a number before a unit or an injection route (``ocr``);
- "[inaudible]"-type markers are kept in ``doc._.cc_markers`` for the DICTATION_UNCLEAR gap.
"""

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jellyfish
import numpy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from spacy.attrs import IS_ALPHA, LENGTH, LIKE_NUM, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from text_to_num import alpha2digit
from wordfreq import zipf_frequency

from .. import resources as res
from . import extensions  # noqa: F401  (registers the extensions)
from ._tables import TableBacked
from .druglex import DrugLexicon
from .extensions import by_word, distinct_words, doc_text

#: How a mention was read that is a guess at what was said (the DICTATION_UNCLEAR gap).
UNCERTAIN_HOWS = frozenset({"phonetic", "fuzzy"})
#: An abbreviation's dots said aloud between its letters ("I period M period").
_SAID_DOTS = frozenset({"period", "dot"})
_MAX_WORDS = 8
#: The most letters of a name spelled out ("C E F T R I A X O N E"); only a whole name of the
#: lexicon spelled exactly is read.
_MAX_SPELLED = 16
#: Words that never open a name read before a dose (articles, pronouns, the dose's own words).
_NEVER_OPENS = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "i", "me", "my", "her", "his", "she", "he"}
    | {"given", "gave", "give", "dose", "shot", "with", "for", "by", "then", "also", "was"}
)
# What a word may begin, found once per distinct word (``DictationComponent._kinds``).
_SPELLED, _NUMBER, _LETTER, _ROUTE = 1, 2, 4, 8
#: How a name read from split words may be found again elsewhere in the same note.
_REPEATABLE = frozenset({"phonetic", "joined", "fuzzy"})
_DIGITS = re.compile(r"^\d[\d,]*(?:\.\d+)?$|^\.\d+$")
#: Units said after "a" as one of them ("a gram of Rocephin"; not "a unit of blood"), only
#: after a mention or before "of" (not "a Gram stain").
_ONE_OF = frozenset({"gram", "milligram"})
#: A zero said as the letter between digit words ("one oh four").
_OH = frozenset({"oh", "o"})
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
#: A fraction said after a number ("one and a half") or alone ("a half").
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
#: Letters of a curated name spelled exactly by ordinary words run together that make it a
#: name even with a glue syllable ("on dan set ron"); shorter spellings happen by chance.
_LONG_JOINED = 8
_VOWELS = frozenset("aeiou")
#: Word frequency (Zipf) from which a word is ordinary English, not a heard syllable.
_ORDINARY_ZIPF = 3.0
#: The routes a misread word may be read as ("lM" is IM).
_OCR_ROUTES = frozenset({"IM", "IV", "SC"})
_OCR_ROUTE_LETTERS = frozenset({"im", "iv"})
#: The shortest one-word diagnosis read from words heard in pieces ("hypo gonad ism").
_JOINED_DX_LETTERS = 9
#: The "'m" of "I'm", a syllable when a name is heard in pieces ("I'm a trex").
_CONTRACTED_M = frozenset({"'m", "’m"})
_ALNUM = re.compile(r"[^a-z0-9]")
_DIGIT_CHARS = re.compile(r"[^0-9]")
#: Short function words that never begin or end a name heard in pieces.
#: Articles: before an English word they spell no name of the broad dictionary.
_ARTICLES = frozenset({"a", "an", "the"})
#: How many words a speaker may say between a mention and its retraction ("sub Q, no,
#: correction, intramuscular"), when all are ``DictationTable.retraction_fillers``.
_RETRACT_REACH = 5
#: A comma, written or said.
_COMMA = frozenset({",", "comma"})
_GLUE = frozenset(
    {
        "the",
        "to",
        "of",
        "in",
        "is",
        "at",
        "on",
        "or",
        "as",
        "an",
        "and",
        "was",
        "no",
        "so",
        "we",
        "he",
        "it",
        "if",
    }
)


#: Characters of a name that letters said aloud do not carry.
_SIGNS = frozenset("+")


@lru_cache(maxsize=65536)
def _number_word(word: str) -> bool:
    """Whether ``word`` is an English number word (text2num turns it into digits)."""
    if not word.isalpha():
        return False
    return alpha2digit(word, "en", threshold=0) != word


@lru_cache(maxsize=8192)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def _key(text: str) -> str:
    return _ALNUM.sub("", text.lower())


@lru_cache(maxsize=65536)
def _code(text: str) -> str:
    """Metaphone code without Y/W/H and with one leading vowel ("sef try axone" = ceftriaxone)."""
    code = jellyfish.metaphone(text).translate(str.maketrans("", "", "YWH"))
    # a leading vowel is any vowel ("eye ma tricks" / Imitrex)
    return "A" + code[1:] if code[:1] in "AEIOU" and code else code


def parse_number(words: list[str]) -> float | None:
    """The value of a run of number words or digits ("one thousand", "point five", "one twenty five").

    Number words are parsed with ``text2num``; a spoken decimal ("two point four million") and a
    number said in pairs ("one twenty five" = 125) are assembled here.
    """
    words = [w.lower() for w in words if w.lower() not in ("and", "-")]
    # "one and a half", "a half", "one half": the fraction is added to what comes before it
    if words and words[-1] in _FRACTIONS:
        frac = _FRACTIONS[words.pop()]
        if words and words[-1] == "a":
            words.pop()
        elif words == ["one"]:
            return frac  # "one half"
        if not words:
            return frac
        whole = parse_number(words)
        return None if whole is None else whole + frac
    if words in (["half", "a"], ["half", "an"]):  # "half a c c"
        return 0.5
    if words == ["a"]:  # "a gram": ``_number_run`` takes it only before a unit it allows
        return 1.0
    if words and words[0] == "a" and len(words) > 1 and words[1] in _MULTIPLIERS:
        words = ["one", *words[1:]]
    mult = 1
    while words and words[-1] in _MULTIPLIERS and "point" in words:
        mult *= _MULTIPLIERS[words.pop()]
    if "point" in words:
        i = words.index("point")
        whole, frac = words[:i], words[i + 1 :]
        left = _integer(whole) if whole else 0.0
        digits = "".join(_digit(w) or "x" for w in frac)
        if left is None or not digits or "x" in digits:
            return None
        return (left + float("0." + digits)) * mult
    value = _integer(words)
    return None if value is None else value * mult


def _digit(word: str) -> str | None:
    if word.isdigit():
        return word
    out = alpha2digit(word, "en", threshold=0)
    return out if out.isdigit() and len(out) == 1 else None


def _integer(words: list[str]) -> float | None:
    if not words:
        return None
    words = [w if w not in _OH else "zero" for w in words]
    parts = alpha2digit(" ".join(words), "en", threshold=0).replace(",", "").split()
    if not parts or not all(_DIGITS.match(p) for p in parts):
        return None
    nums = [float(p) for p in parts]
    if len(nums) == 1:
        return nums[0]
    if (
        len("".join(parts)) > 2  # "one two" may be 1-2; "one five zero" is 150
        and len(parts[0]) == 1
        and parts[0] != "0"
        and all(p.isdigit() for p in parts)
    ):
        if all(len(p) == 1 for p in parts[1:-1]) and (len(parts[-1]) == 1 or parts[-1][0] == "0"):
            return float("".join(parts))  # digit by digit: "one five zero", "one oh four"

    if len(nums) == 2 and nums[0] < 10 and 10 <= nums[1] < 100:  # "one twenty five"
        return nums[0] * 100 + nums[1]
    return None


def _next_at(starts: list[int], i: int, n: int) -> int:
    """The first index of ``starts`` (sorted) at or after ``i``, or ``n``: the loops below skip
    the words that cannot begin what they read.
    """
    k = bisect_left(starts, i)
    return starts[k] if k < len(starts) else n


def _fmt(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value:g}"


@Language.factory("cleanclaim_dictation", default_config={})
def make_dictation(nlp: Language, name: str) -> "DictationComponent":
    """Build the dictation reader from the packaged dictation table."""
    return DictationComponent(nlp, name=name)


class DictationComponent(TableBacked):
    """Add mentions read from raw dictation to ``doc.ents`` and mark spoken sentence ends."""

    TABLES = {"dictation": (res.DictationTable, "dictation.json")}

    def __init__(
        self,
        nlp: Language,
        name: str = "cleanclaim_dictation",
        tables: dict[str, Any] | None = None,
    ) -> None:
        """Create the component; ``tables`` overrides the packaged dictation table."""
        self.nlp = nlp
        self.name = name
        self._build(tables or self.packaged_tables())

    def _build(self, tables: dict[str, Any]) -> None:
        self.tables = tables
        t: res.DictationTable = tables["dictation"]
        self.t = t
        self._letter = {w.lower(): letter for letter, ws in t.letters.items() for w in ws}
        # the longest letter said as a word, with its full stop ("aitch.")
        self._longest_letter = max((len(w) + 1 for w in self._letter), default=2)
        self._route_letters = {s.lower(): r.code for r in t.routes for s in r.letters}
        self._route_phrases = {
            tuple(p.lower().split()): r.code for r in t.routes for p in r.phrases
        }
        self._ambiguous = {tuple(k.lower().split()): v for k, v in t.ambiguous_routes.items()}
        self._sub = {w.lower() for w in t.sub_prefixes}
        self._sub_tail = {w.lower() for w in t.sub_suffixes}
        self._neighbours = {w.lower() for w in t.route_neighbours}
        self._units = {tuple(p.lower().split()): unit for unit, ps in t.units.items() for p in ps}
        # A side as said or as misheard ("right", "lift", "write") → the side.
        self._sides = {side.lower(): side for side in t.sides} | {
            w.lower(): side for side, ws in t.sides.items() for w in ws
        }
        self._homophones = {w.lower(): site for site, ws in t.site_homophones.items() for w in ws}
        self._heard_numbers = {
            w.lower(): number.lower() for number, ws in t.number_homophones.items() for w in ws
        }
        self._unit_firsts = frozenset(p[0] for p in self._units)  # a unit's first word
        self._boundaries = {tuple(b.lower().split()) for b in t.boundaries}
        self._not_after = {k: {w.lower() for w in v} for k, v in t.not_after.items()}
        self._not_before = {k: {w.lower() for w in v} for k, v in t.not_before.items()}
        self._retractions = [tuple(r.lower().split()) for r in t.retractions]
        self._retraction_firsts = frozenset(r[0] for r in self._retractions)
        self._retraction_fillers = frozenset(w.lower() for w in t.retraction_fillers)
        self._person_after = frozenset(w.lower() for w in t.person_after)
        self._markers = re.compile("|".join(f"(?:{m})" for m in t.markers)) if t.markers else None
        self._admin = {w.lower() for w in t.administration_words}
        self._stop = {w.lower() for w in t.stop_words}
        self._silent = tuple(w.lower() for w in t.silent_initials)
        self._said = {k.lower(): v.lower() for k, v in t.heard_words.items()}
        self._says = False  # whether the note holds a word of ``_said`` (set per note)
        self._field_labels = frozenset(w.lower() for w in t.spoken_field_labels)
        self._field_colon = frozenset(w.lower() for w in t.spoken_field_colon)
        self._slot_words = {w.lower() for w in t.name_slot_words}
        self._index: _Lexicon | None = None
        self._typed: frozenset[str] | None = None  # the target rules' unit words, when asked
        self._ocr_unit_map: dict[str, str] | None = None
        self._ocr_misread_units: frozenset[str] | None = None
        self._ocr_side_map: dict[str, str] | None = None
        firsts = {letter[0] for letter in self._route_letters}
        self._route_first = (
            {p[0] for p in self._route_phrases}
            | {p[0] for p in self._ambiguous}
            | self._sub
            | {w for w, letter in self._letter.items() if letter in firsts}
            | {f"{w}." for w, letter in self._letter.items() if letter in firsts}
        )
        self._marks = {tuple(m.lower().split()) for m in t.spoken_marks}
        self._pronoun_after = {w.lower() for w in t.pronoun_after}
        self._pronoun_before = {w.lower() for w in t.pronoun_before}
        self._kind_of: dict[str, int] = {}
        self._suspect_of: dict[str, bool] = {}
        self._boundary_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._boundaries | self._marks:
            self._boundary_first.setdefault(phrase[0], []).append(phrase)

    def _kind(self, word: str) -> int:
        """What ``word`` may begin: a spelled diagnosis (``_SPELLED``: a letter, a letter said as
        a word, "vitamin"), a number (``_NUMBER``), a letter drug (``_LETTER``) or a spoken
        route (``_ROUTE``).
        """
        kind = 0
        bare = word.rstrip(".")
        if word == "vitamin" or bare in self._letter or (len(word) <= 2 and _single_letter(word)):
            kind |= _SPELLED
        if (
            word in ("point", "a", "half")
            or (word[:1].isdigit() or word[:1] == ".")
            and _DIGITS.match(word)
            or _number_word(word)
        ):
            kind |= _NUMBER
        if bare in self._letter:
            kind |= _LETTER
        if word in self._route_first:
            kind |= _ROUTE
        if len(self._kind_of) >= 200_000:
            self._kind_of.clear()
        self._kind_of[word] = kind
        return kind

    def _numbers_heard(self, lower: list[str]) -> list[str]:
        """``lower`` with each number word written as heard ("tree") read as the number, where
        a number word, digits or a unit stands next to it ("tree hundred micro gram", "zero
        point tree milligram", "one five tree zero"; not "tree pollen").
        """
        out = list(lower)
        heard = self._heard_numbers
        units = self._unit_firsts

        def numeric(w: str) -> bool:
            return w in heard or w == "point" or _DIGITS.match(w) is not None or _number_word(w)

        for i, w in enumerate(lower):
            if w not in heard:
                continue
            before = lower[i - 1] if i else ""
            after = lower[i + 1] if i + 1 < len(lower) else ""
            if numeric(before) or numeric(after) or after in units:
                out[i] = heard[w]
        return out

    def _starts(self, words: list[str], inverse: numpy.ndarray) -> dict[int, list[int]]:
        """Per kind, the indices of the words that may begin it (``words``: the note's distinct
        lowered words; ``inverse``: each token's index among them).
        """
        get = self._kind_of.get
        kinds = numpy.fromiter(
            (v if (v := get(w)) is not None else self._kind(w) for w in words),
            dtype=numpy.int32,
            count=len(words),
        )[inverse]
        return {
            k: numpy.flatnonzero(kinds & k).tolist() for k in (_SPELLED, _NUMBER, _LETTER, _ROUTE)
        }

    def _by_word(self, test: Any) -> numpy.ndarray:
        """``test`` of each token's lowered word, made once per distinct word of the note."""
        return by_word(self._words, self._inverse, test)

    def _typed_units(self) -> frozenset[str]:
        """The unit words the target rules read after digits (the targets' dose table)."""
        if self._typed is None:
            self._typed = frozenset(self._ocr_units())
        return self._typed

    def _lexicon(self) -> "_Lexicon":
        if self._index is None:
            targets, tables = self._target_tables()
            use_dictionary = getattr(targets, "use_drug_dictionary", True)
            self._index = _Lexicon(tables, use_dictionary)
        return self._index

    def _target_tables(self) -> tuple[Any, dict[str, Any]]:
        """The targets component of the same pipeline and its (possibly edited) tables."""
        targets = dict(self.nlp.pipeline).get("cleanclaim_targets")
        return targets, getattr(targets, "tables", None) or res.packaged_tables()

    def __call__(self, doc: Doc) -> Doc:
        """Read the dictated forms of ``doc``: sentence ends, markers and extra mentions."""
        n = len(doc)
        if n == 0:
            return doc
        # each distinct word is looked up once (notes repeat most of theirs)
        words, inverse = distinct_words(doc, LOWER)
        lower = [words[k] for k in inverse.tolist()]
        if self._heard_numbers and not self._heard_numbers.keys().isdisjoint(words):
            lower = self._numbers_heard(lower)
            words = sorted(set(lower))
            index = {w: k for k, w in enumerate(words)}
            inverse = numpy.fromiter((index[w] for w in lower), dtype=numpy.intp, count=n)
        self._words, self._inverse = words, inverse
        # per-token flags read once per note (a Token object per lookup is the slow part)
        flags = doc.to_array([IS_ALPHA, LENGTH, LIKE_NUM])
        self._is_alpha = flags[:, 0].astype(bool)
        self._alpha: list[bool] = self._is_alpha.tolist()
        self._length: list[int] = flags[:, 1].tolist()
        self._like_num: list[bool] = flags[:, 2].astype(bool).tolist()
        self._lower = lower
        self._edges: tuple[list[bool], list[bool]] | None = None  # (edge, glue), when asked
        self._says = bool(self._said) and not self._said.keys().isdisjoint(words)
        self._start_at = self._starts(words, inverse)
        self._sentence_ends(doc, lower)
        if self._markers is not None:
            doc._.cc_markers = tuple(
                (m.start(), m.end()) for m in self._markers.finditer(doc_text(doc))
            )
        ents = self._split_letter_doses(doc, lower, list(doc.ents))
        if doc._.cc_spoken_marks:
            ents = self._names_with_marks(doc, lower, ents)
        ents = self._joined_over_pieces(doc, lower, ents)
        ents = self._longer_names_heard(doc, lower, ents)
        taken = numpy.zeros(n + 1, dtype=bool)
        for e in ents:
            taken[e.start : e.end] = True
        new: list[Span] = []
        # a diagnosis spelled as letters ("C O P D exacerbation", "H I V") before any letter
        # route, so "I V" of "H I V" stays part of it; it may hold a drug the target rules saw
        # in its words ("vitamin B" of "vitamin B twelve deficiency")
        drugs = numpy.zeros(n + 1, dtype=bool)
        for e in ents:
            if e.label_ == "DRUG":
                drugs[e.start : e.end] = True
        spelled = self._letter_diagnoses(doc, lower, taken & ~drugs)
        if spelled:
            ents = [e for e in ents if not any(d.start <= e.start < d.end for d in spelled)]
            for d in spelled:
                taken[d.start : d.end] = True
        new += spelled
        new += self._joined_diagnoses(doc, lower, taken)
        new += self._ocr_reads(doc, lower, taken)
        new += self._letter_routes(doc, lower, taken, ents)
        # The target rules see "seven five milligrams" of "three point seven five milligrams":
        # number-word doses are read whole here, and replace the part the rules saw.
        worded = numpy.zeros(n + 1, dtype=bool)
        for e in ents:
            if e.label_ == "DOSE" and any(_number_word(w) for w in lower[e.start : e.end]):
                worded[e.start : e.end] = True
            # "1 point 5 milligrams": the rules saw "5 milligrams"
            elif e.label_ == "DOSE" and e.start >= 2 and lower[e.start - 1] == "point":
                worded[e.start : e.end] = True
            elif e.label_ == "DOSE" and lower[e.start] in _FRACTIONS:  # "two and a half mg"
                worded[e.start : e.end] = True
        doses = self._doses(doc, lower, taken & ~worded)
        if doses:
            kept = [e for e in ents if not any(d.start < e.end and e.start < d.end for d in doses)]
            if len(kept) < len(ents):
                # a word of a replaced mention outside the new dose is free again ("D" "three"
                # of "vitamin D three fifty thousand units")
                ents = kept
                taken[:] = False
                for e in ents + new + doses:
                    taken[e.start : e.end] = True
            for d in doses:  # no later reading takes a word of a dose ("point 1 M L intra dermal")
                taken[d.start : d.end] = True
        new += doses
        new += self._letter_drugs(doc, lower, taken)
        near = self._administration_window(doc, lower, ents + new)
        if near.any():
            # one- or two-letter mentions ("im" of "im a trex") may be absorbed by a longer name
            weak = numpy.zeros(n + 1, dtype=bool)
            # a one-word site the rules saw may be a piece of a longer site said in pieces
            # ("ventro gluteal"); only a site reading may take it in
            pieces = numpy.zeros(n + 1, dtype=bool)
            for e in ents:
                if len(e.text) <= 2 and e.label_ != "DOSE" and e._.cc_how is None:
                    weak[e.start : e.end] = True
                elif (
                    e.label_ in ("SITE", "DIAGNOSIS")
                    and e.end - e.start == 1
                    and e._.cc_how is None
                ):
                    # and a one-word diagnosis may be the first syllable of a drug heard in
                    # pieces right before its dose ("flu fen a zeen" is fluphenazine)
                    weak[e.start : e.end] = True
                    pieces[e.start : e.end] = True
            # the words right before a dose are where a drug is named ("gave the we go vee
            # point two five milligrams"): there a name may begin or end with a short word
            slots = {e.start for e in ents + new if e.label_ == "DOSE"}
            # a comma may stand between the name and its dose ("we start low vox, forty
            # milligram"), written or said ("a wrist ahda comma four forty one milligrams"),
            # but not after an "[inaudible]" marker, where the words before the dose are the
            # heard rest of a name not heard ("[inaudible] sus ten a comma two hundred ...")
            unheard_to = self._marker_tokens(doc)
            slots |= {
                x - 1
                for x in slots
                if x > 1
                and (
                    lower[x - 1] == ","
                    or (
                        lower[x - 1] == "comma"
                        and not any(0 < x - 1 - t <= _MAX_WORDS for t in unheard_to)
                    )
                )
            }
            # or right before a route when no dose is said ("row seff in I M left glute"), there
            # only from words not all ordinary English ("hold all IV" is no Haldol)
            routes = {e.start for e in ents + new if e.label_ == "ROUTE"} - slots
            # and the words right before "injection" or "shot" ("his Kenneth log injection")
            slots |= set(
                numpy.flatnonzero(
                    self._by_word(self._slot_words.__contains__) & ~taken[:n]
                ).tolist()
            )
            tails = self._heard_tails(lower, ents, slots, taken)
            if tails:
                for x in tails:
                    taken[x.start : x.end] = True
                new += tails
            names = self._names(doc, lower, taken & ~weak, near, slots | routes, pieces, routes)
            new += names
            ents = [e for e in ents if not any(x.start <= e.start < x.end for x in new)]
            for e in names:
                taken[e.start : e.end] = True
            new += self._repeated(doc, lower, taken, names)
            # the same drug heard again elsewhere in the note, split another way ("loo pron
            # depot ... I M" then "next loop ron in twelve weeks"): read the whole note, keeping
            # only drugs already read near an administration
            heard = {e._.cc_norm for e in names if e.label_ == "DRUG" and e._.cc_how in _REPEATABLE}
            if heard:
                everywhere = numpy.ones(n, dtype=bool)
                again = [
                    e
                    for e in self._names(doc, lower, taken.copy(), everywhere)
                    if e.label_ == "DRUG" and e._.cc_norm in heard
                ]
                for e in again:
                    taken[e.start : e.end] = True
                new += again
        taken[:] = False
        for e in ents + new:
            taken[e.start : e.end] = True
        misspelt = self._misspelt(doc, taken)
        for e in misspelt:
            taken[e.start : e.end] = True
        new += misspelt
        new += self._letter_and_syllable(doc, lower, taken)
        new += self._bare_doses(doc, lower, taken, ents + new)
        new += self._heard_sites(doc, lower, taken, near)
        # "I am" is a route by its neighbours, and a drug or site said in pieces is read only
        # now ("tora doll I am right glue teal"): the ambiguous routes still free, looked at again
        new += self._ambiguous_routes(doc, lower, taken, ents + new)
        ents = self._sided(doc, lower, ents + new, taken)
        ents = self._retracted(doc, lower, ents)
        # one reading per word: should two readings still overlap, the longer (then the first)
        # is kept rather than the note failing
        doc.ents = sorted(filter_spans(ents), key=lambda s: s.start)
        return doc

    @staticmethod
    def _marker_tokens(doc: Doc) -> list[int]:
        """Token indices where each "[inaudible]"-type marker of ``doc`` ends."""
        out = []
        for _, end in doc._.cc_markers:
            span = doc.char_span(end - 1, end, alignment_mode="expand")
            if span is not None:
                out.append(span.end)
        return out

    def _split_letter_doses(self, doc: Doc, lower: list[str], ents: list[Span]) -> list[Span]:
        """Split a letter drug off a dose ("B twelve one thousand micrograms" is B12 and 1000 mcg)."""
        lex = self._lexicon()
        out = []
        for e in ents:
            i = e.start
            if e.label_ == "DOSE" and i > 0 and e.end - i > 2 and _number_word(lower[i]):
                letter = self._letter.get(lower[i - 1].rstrip("."))
                num = parse_number([lower[i]])
                if letter and num is not None and lex.exact(letter + _fmt(num)) is not None:
                    rest = Span(doc, i + 1, e.end, label="DOSE")
                    words = rest.text.lower().split()
                    value = parse_number(words[:-1])
                    unit = self._units.get((words[-1],))
                    if value and unit:
                        out.append(
                            _span(
                                doc,
                                i + 1,
                                e.end,
                                "DOSE",
                                e._.cc_rule,
                                None,
                                f"{_fmt(value)} {unit}",
                                "number_words",
                            )
                        )
                        continue
            out.append(e)
        return out

    def _letter_diagnoses(self, doc: Doc, lower: list[str], taken: numpy.ndarray) -> list[Span]:
        """A diagnosis whose abbreviation is spelled as letters, with a number said as a word
        ("H I V", "C. O. P. D. exacerbation", "B twelve deficiency", "vitamin bee twelve
        deficiency"), read against the diagnosis table's names.
        """
        keys = self._lexicon().diagnoses
        out: list[Span] = []
        n = len(doc)
        i = 0
        letter = self._letter
        longest = self._longest_letter
        starts = self._start_at[_SPELLED]
        while (i := _next_at(starts, i, n)) < n:
            word = lower[i]
            # only a letter, a letter said as a word or "vitamin" may start one
            if (
                taken[i]
                or word != "vitamin"
                and (len(word) > longest or word.rstrip(".") not in letter)
                and not (len(word) <= 2 and _single_letter(word))
            ):
                i += 1
                continue
            j = i + 1 if word == "vitamin" else i
            letters = ""
            while j < n and not taken[j] and _single_letter(lower[j]):
                letters += lower[j].rstrip(".")
                j += 1
            number = ""
            if j < n and not taken[j] and (letters or self._letter.get(lower[j].rstrip("."))):
                # a letter said as a word counts only before a number ("bee twelve")
                k = j if letters else j + 1
                value = parse_number([lower[k]]) if k < n and not taken[k] else None
                if value is not None and float(value).is_integer():
                    letters = letters or self._letter[lower[j].rstrip(".")]
                    number = _fmt(value)
                    j = k + 1
            if len(letters) + len(number) < 2 or (j - i < 2):
                i += 1
                continue
            head = ("vitamin" if j > i and lower[i] == "vitamin" else "") + letters + number
            best = None
            for extra in range(0, 4):
                stop = j + extra
                if stop > n or taken[j:stop].any():
                    break
                key = head + "".join(_key(w) for w in lower[j:stop])
                if key in keys:
                    best = (stop, keys[key])
            if best is None:
                i += 1
                continue
            stop, (dx_id, icd, name) = best
            out.append(_span(doc, i, stop, "DIAGNOSIS", f"dx.{dx_id}", icd, name, "letters"))
            taken[i:stop] = True
            i = stop
        return out

    def _ocr_reads(self, doc: Doc, lower: list[str], taken: numpy.ndarray) -> list[Span]:
        """Names, doses and routes a scanned page's text recognition misread by a character or
        two ("Kena1og 4O mg", "l50 rng IM", "de1toid", "Route: lM"): a word is read through the
        table's confusions only when it then spells a curated name, a unit after a number, a
        number before a unit, or an injection route, and as written it is no English word.
        """
        t = self.t
        if not (t.ocr_letters or t.ocr_pairs):
            return []
        n = len(doc)
        suspect = numpy.flatnonzero(self._by_word(self._ocr_suspect)[:n] & ~taken[:n]).tolist()
        if not suspect:
            return []
        lex = self._lexicon()
        units = self._ocr_units()
        out: list[Span] = []
        for i in suspect:
            if taken[i]:
                continue
            word = lower[i]
            number = self._ocr_number(word)
            if number is not None:
                unit = self._ocr_unit(lower[i + 1], units) if i + 1 < n else None
                if unit is not None and not taken[i + 1]:
                    out.append(self._ocr_dose(doc, lower, i, i + 2, number, unit, units, taken))
                continue
            fixed = self._ocr_fixed(word, units)
            if fixed is None:
                continue
            if fixed in units:
                # "150 rng", "1 rnL": a number the rules read, then the unit misread
                j = i - 1
                if j >= 0 and not taken[j] and _DIGITS.match(lower[j]):
                    value = parse_number([lower[j]])
                    if value is not None and value > 0:
                        out.append(
                            self._ocr_dose(doc, lower, j, i + 1, value, units[fixed], units, taken)
                        )
                continue
            value = lex.exact(fixed)
            if value is None and fixed in self._route_letters:
                code = self._route_letters[fixed]
                value = ("ROUTE", code, f"route.{code.lower()}", code)
            if value is None:
                continue
            label, norm, rule, name = value
            text = doc[i].text
            if label == "ROUTE" and (
                norm not in _OCR_ROUTES or not (text[0] == "l" and text[1:].isupper())
            ):
                continue  # "lM" is IM; "lm" or "LV" (left ventricle) may be anything
            start = i
            if label == "SITE" and i > 0 and not taken[i - 1]:
                side = self._ocr_sides().get(doc[i - 1].text)
                if side is not None:  # "L de1toid"
                    start, name = i - 1, f"{side} {name}"
            out.append(_span(doc, start, i + 1, label, rule, norm, name, "ocr"))
            taken[start : i + 1] = True
        return out

    def _ocr_sides(self) -> dict[str, str]:
        """A side word as typed ("L", "Rt", "left") → the side, from the targets' site table."""
        if self._ocr_side_map is None:
            table = self._target_tables()[1]["sites"].laterality
            self._ocr_side_map = {w: side for side, ws in table.items() for w in ws}
        return self._ocr_side_map

    def _ocr_dose(
        self,
        doc: Doc,
        lower: list[str],
        i: int,
        end: int,
        value: float,
        unit: str,
        units: dict[str, str],
        taken: numpy.ndarray,
    ) -> Span:
        """The dose of ``i:end`` read as ``value`` ``unit``, with a concentration's "/mL"."""
        read = f"{_fmt(value)} {unit}"
        if end + 1 < len(doc) and lower[end] == "/":
            if self._ocr_unit(lower[end + 1], units) == "mL":
                read += "/mL"
                end += 2
        taken[i:end] = True
        return _span(doc, i, end, "DOSE", "dose.ocr", None, read, "ocr")

    def _ocr_unit(self, word: str, units: dict[str, str]) -> str | None:
        """The canonical unit ``word`` names as written or as misread ("mg", "rng"), or None."""
        return units.get(word) or units.get(self._ocr_fixed(word, units) or "")

    def _ocr_suspect(self, word: str) -> bool:
        """A word text recognition may have misread: letters and digits mixed ("de1toid",
        "l50"), or no English word and holding a confused pair or opening with "l" ("rncg",
        "lnvega"); remembered per word (notes share most of theirs).
        """
        known = self._suspect_of.get(word)
        if known is None:
            if len(self._suspect_of) >= 200_000:
                self._suspect_of.clear()
            known = self._suspect_of[word] = self._misread_word(word)
        return known

    def _misread_word(self, word: str) -> bool:
        if len(word) < 2:
            return False
        digits = any(c.isdigit() for c in word)
        letters = any(c.isalpha() for c in word)
        if digits and letters or "|" in word:
            return True
        if not letters:
            return False
        if word[0] == "l" and "i" + word[1:] in _OCR_ROUTE_LETTERS:
            return True  # "lM": its case decides (:meth:`_ocr_reads`)
        pairs = any(p in word for p in self.t.ocr_pairs)
        return (pairs or word[0] == "l") and (
            _zipf(word) < self.t.single_word_max_zipf or word in self._ocr_unit_misreads()
        )

    def _ocr_number(self, word: str) -> float | None:
        """A number with letters read for digits ("l50", "4o", "l,000"), or None."""
        if not any(c.isdigit() for c in word) or not any(c.isalpha() or c == "|" for c in word):
            return None
        digits = "".join(self.t.ocr_digits.get(c, c) for c in word)
        if not _DIGITS.match(digits):
            return None
        return parse_number([digits])

    def _ocr_fixed(self, word: str, units: dict[str, str]) -> str | None:
        """``word`` with the table's confusions undone, when it then spells a curated name of
        five letters or more, a unit or an injection route ("lm" of "lM"), else None.
        """
        t = self.t
        letters = "".join(t.ocr_letters.get(c, c) for c in word)
        paired = letters
        for wrong, right in t.ocr_pairs.items():
            paired = paired.replace(wrong, right)
        lex = self._lexicon()
        for v in dict.fromkeys((letters, paired, "i" + letters[1:], "i" + paired[1:])):
            if v == word or not v.isalpha():
                continue
            if v in units or v in _OCR_ROUTE_LETTERS:
                return v
            hit = lex.exact(v)
            if hit is not None and (len(v) >= 5 or hit[0] == "ROUTE"):
                return v
        return None

    def _ocr_units(self) -> dict[str, str]:
        """Unit word (lowered) → canonical unit, from the targets' dose table."""
        if self._ocr_unit_map is None:
            table = self._target_tables()[1]["doses"].units
            self._ocr_unit_map = {w.lower(): canon for canon, ws in table.items() for w in ws}
        return self._ocr_unit_map

    def _ocr_unit_misreads(self) -> frozenset[str]:
        """The units as text recognition misreads them through the table's pairs ("rng")."""
        if self._ocr_misread_units is None:
            out = set()
            for w in self._ocr_units():
                for wrong, right in self.t.ocr_pairs.items():
                    if right in w:
                        out.add(w.replace(right, wrong))
            self._ocr_misread_units = frozenset(out)
        return self._ocr_misread_units

    def _joined_diagnoses(self, doc: Doc, lower: list[str], taken: numpy.ndarray) -> list[Span]:
        """A one-word diagnosis heard as two to four words that run together spell it exactly
        ("primary hypo gonad ism", "osteo porosis"): read against the diagnosis table's names.
        """
        lex = self._lexicon()
        first = numpy.flatnonzero(self._by_word(lex.joined_prefixes.__contains__)).tolist()
        out: list[Span] = []
        n = len(doc)
        last = 0
        for i in first:
            if i < last or taken[i] or not self._alpha[i]:
                continue
            joined = lower[i]
            for end in range(i + 2, min(n, i + 4) + 1):
                if taken[end - 1] or not self._alpha[end - 1]:
                    break
                joined += lower[end - 1]
                hit = lex.joined_diagnoses.get(joined)
                if hit is not None:
                    dx_id, icd, name = hit
                    out.append(_span(doc, i, end, "DIAGNOSIS", f"dx.{dx_id}", icd, name, "joined"))
                    taken[i:end] = True
                    last = end
                    break
                if joined not in lex.joined_prefixes:
                    break
        return out

    def _joined_over_pieces(self, doc: Doc, lower: list[str], ents: list[Span]) -> list[Span]:
        """A curated drug name heard as two or three words of which the rules read a piece as a
        drug ("methyl prednisolone" is not prednisolone, "medroxy progesterone" not two drugs):
        the words run together spell the name exactly.
        """
        drug_at = {}
        other = set()  # tokens inside a mention that is not a drug
        for e in ents:
            for k in range(e.start, e.end):
                if e.label_ == "DRUG":
                    drug_at[k] = e
                else:
                    other.add(k)
        if not drug_at:
            return ents
        lex = self._lexicon()
        alpha = self._alpha
        n = len(doc)
        found: list[Span] = []
        # only two or three words holding a drug token may be one
        starts = sorted({s for x in drug_at for s in range(max(0, x - 2), x + 1)})
        last = 0
        for i in starts:
            if i < last:
                continue
            hit = None
            for k in (3, 2):
                end = i + k
                if end > n or not all(alpha[i:end]):
                    continue
                inside = {drug_at[x] for x in range(i, end) if x in drug_at}
                if not inside or any(e.start < i or e.end > end for e in inside):
                    continue
                if any(x in other for x in range(i, end)):
                    continue
                joined = "".join(lower[i:end])
                value, how = lex.exact(joined), "joined"
                if value is None and (
                    # one letter off only as a whole name: what follows is no more of it
                    # ("haloperidol deck a no ate" is read whole later)
                    end >= n or not alpha[end] or _number_word(lower[end])
                ):
                    value, how = lex.one_letter_off(joined), "fuzzy"
                # only when a piece was read as another drug ("prednisolone")
                if (
                    value
                    and value[0] == "DRUG"
                    and value[2] != "drug.dictionary"
                    and any(e._.cc_norm != value[1] for e in inside)
                ):
                    hit = (end, value, how)
                    break
            if hit is None:
                continue
            end, (label, norm, rule, name), how = hit
            found.append(_span(doc, i, end, label, rule, norm, name, how))
            last = end
        if not found:
            return ents
        end_of = {x: f.end for f in found for x in range(f.start, f.end)}  # found: disjoint
        kept = [e for e in ents if not (e.start in end_of and e.end <= end_of[e.start])]
        return sorted(kept + found, key=lambda s: s.start)

    def _longer_names_heard(self, doc: Doc, lower: list[str], ents: list[Span]) -> list[Span]:
        """A drug the rules read followed by one to four words heard as the rest of a longer
        curated name that begins with it ("testosterone in and thate" is testosterone
        enanthate): the drug and those words are that name.
        """
        drugs = [e for e in ents if e.label_ == "DRUG"]
        if not drugs:
            return ents
        lex = self._lexicon()
        t = self.t
        n = len(doc)
        held = set()
        for e in ents:
            held.update(range(e.start, e.end))
        replaced: dict[int, Span] = {}
        for e in drugs:
            head = _key("".join(lower[e.start : e.end]))
            if len(head) < 4:
                continue
            best = None
            for k in (4, 3, 2, 1):
                end = e.end + k
                if end > n or not all(self._alpha[e.end : end]):
                    continue
                if any(x in held or _number_word(lower[x]) for x in range(e.end, end)):
                    continue
                if all(_zipf(w) >= _ORDINARY_ZIPF for w in lower[e.end : end]):
                    continue  # "hyaluronic acid injections": ordinary words, not a name heard
                tail = _key("".join(lower[e.end : end]))
                code = _code(head + tail)
                for key, _, value in lex.near(code):
                    rest = key[len(head) :]
                    if not key.startswith(head) or len(rest) < 4 or value[1] == e._.cc_norm:
                        continue
                    sim = Levenshtein.normalized_similarity(tail, rest)
                    if sim >= t.longer_name_min_similarity and (best is None or sim > best[0]):
                        best = (sim, end, value)
                if best is not None:
                    break
            begin = e.start
            if best is None:
                best = self._heard_before(lower, e, head, held)
                if best is not None:
                    begin, end = best[1], e.end
            if best is None:
                continue
            _, end_or_begin, (label, norm, rule, name) = best
            end = e.end if begin < e.start else end_or_begin
            replaced[e.start] = _span(doc, begin, end, label, rule, norm, name, "phonetic")
            held.update(range(begin, end))
        if not replaced:
            return ents
        return sorted(
            (replaced.get(e.start, e) if e.label_ == "DRUG" else e for e in ents),
            key=lambda s: s.start,
        )

    def _heard_before(
        self, lower: list[str], e: Span, head: str, held: set[int]
    ) -> tuple[float, int, tuple[str, str, str, str]] | None:
        """One to three words right before a drug the rules read, heard as the beginning of a
        longer curated name that ends with it ("sign no cobalamin" is cyanocobalamin, and its
        "no" negates nothing): (similarity, first word, the name's value), or None.

        The words must sound like the missing beginning, not be a shorter word before it: at
        most one letter shorter, with the same first sound ("no cobalamin" stays negated).
        """
        lex = self._lexicon()
        best = None
        for k in (3, 2, 1):
            begin = e.start - k
            if begin < 0 or not all(self._alpha[begin : e.start]):
                continue
            if any(x in held or _number_word(lower[x]) for x in range(begin, e.start)):
                continue
            front = _key("".join(lower[begin : e.start]))
            for key, _, value in lex.near(_code(front + head)):
                rest = key[: len(key) - len(head)]
                if not key.endswith(head) or len(rest) < 3 or len(front) < len(rest) - 1:
                    continue
                if _code(front)[:1] != _code(rest)[:1]:
                    continue
                sim = Levenshtein.normalized_similarity(front + head, key)
                if sim >= self.t.longer_name_min_similarity and (best is None or sim > best[0]):
                    best = (sim, begin, value)
            if best is not None:
                return best
        return None

    def _names_with_marks(self, doc: Doc, lower: list[str], ents: list[Span]) -> list[Span]:
        """A name said with spoken commas inside ("tetanus comma diphtheria and pertussis
        vaccine"): the exact lexicon name without them, replacing the mentions inside it.
        """
        marks = doc._.cc_spoken_marks
        lex = self._lexicon()
        n = len(doc)
        found: list[Span] = []
        for m in sorted(marks):
            if m in (0, n - 1) or (found and found[-1].end > m):
                continue
            best = None
            for i in range(max(0, m - 5), m):
                for end in range(m + 2, min(n, i + 9) + 1):
                    inside = range(i, end)
                    if i in marks or end - 1 in marks or not all(doc[x].is_alpha for x in inside):
                        continue
                    clean = "".join(lower[x] for x in inside if x not in marks)
                    hit = lex.exact(clean) if len(clean) >= 8 else None
                    if hit is not None and (best is None or end - i > best[1] - best[0]):
                        best = (i, end, hit)
            if best is None:
                continue
            i, end, (label, norm, rule, name) = best
            if any(e.start < i < e.end or e.start < end < e.end for e in ents):
                continue  # a mention crossing its edges
            found.append(_span(doc, i, end, label, rule, norm, name, "joined"))
        if not found:
            return ents
        end_of = {x: f.end for f in found for x in range(f.start, f.end)}  # found: disjoint
        kept = [e for e in ents if not (e.start in end_of and e.end <= end_of[e.start])]
        return sorted(kept + found, key=lambda s: s.start)

    def _inside_abbreviation(self, doc: Doc, start: int, end: int) -> bool:
        """Route letters that end a longer spelled abbreviation ("H I V screen"): the letters
        before them and theirs spell an abbreviation of the diagnosis table.
        """
        if not all(_single_letter(doc[k].text) for k in range(start, end)):
            return False
        k = start
        while k > 0 and _single_letter(doc[k - 1].text):
            k -= 1
        if k == start:
            return False
        spelled = "".join(doc[x].text.rstrip(".").upper() for x in range(k, end))
        return spelled in self._lexicon().abbreviations

    # Sentences -------------------------------------------------------------------------------

    def _sentence_ends(self, doc: Doc, lower: list[str]) -> None:
        """Start a sentence after a spoken sentence end ("period", "new paragraph") and record
        the tokens of spoken punctuation (``doc._.cc_spoken_marks``). "scratch that" corrects the
        words before it, so the correction stays in their sentence.
        """
        n = len(doc)
        first = self._boundary_first
        marks: set[int] = set()
        for i, word in enumerate(lower):
            if word not in first:
                continue
            for phrase in first[word]:
                k = len(phrase)
                if tuple(lower[i : i + k]) != phrase:
                    continue
                name = " ".join(phrase)
                before = lower[i - 1] if i > 0 else ""
                after = lower[i + k] if i + k < n else ""
                if before in self._not_after.get(name, ()) or after in self._not_before.get(
                    name, ()
                ):
                    continue
                if name == "scratch that":
                    continue
                marks.update(range(i, i + k))
                if phrase not in self._boundaries:
                    continue
                j = i + k
                while j < n and (doc[j].is_punct or doc[j].is_space):
                    j += 1
                if j < n:
                    doc[j].is_sent_start = True
        if marks:
            doc._.cc_spoken_marks = frozenset(marks)

    # Routes ----------------------------------------------------------------------------------

    def _letter_routes(
        self, doc: Doc, lower: list[str], taken: numpy.ndarray, ents: list[Span]
    ) -> list[Span]:
        out = []
        n = len(doc)
        i = 0
        starts = self._start_at[_ROUTE]
        while (i := _next_at(starts, i, n)) < n:
            if taken[i] or lower[i] not in self._route_first:
                i += 1
                continue
            found = self._route_at(doc, lower, i, ents)
            if found is None:
                i += 1
                continue
            end, code, how = found
            if how == "spoken_route" and self._inside_abbreviation(doc, i, end):
                i = end
                continue
            if taken[i:end].any():
                i += 1
                continue
            out.append(_route_span(doc, i, end, code, how))
            taken[i:end] = True
            i = end
        return out

    def _ambiguous_routes(
        self, doc: Doc, lower: list[str], taken: numpy.ndarray, ents: list[Span]
    ) -> list[Span]:
        """The ambiguous routes ("I am") still free whose neighbours now make them a route."""
        out = []
        for i in self._start_at[_ROUTE]:
            found = self._ambiguous_at(doc, lower, i, ents)
            if found is not None and not taken[i : found[0]].any():
                out.append(_route_span(doc, i, *found, "spoken_route"))
                taken[i : found[0]] = True
        return out

    def _ambiguous_at(
        self, doc: Doc, lower: list[str], i: int, ents: list[Span]
    ) -> tuple[int, str] | None:
        """(end, code) of an ambiguous route ("I am") at ``i`` that its neighbours make a route."""
        for words, code in self._ambiguous.items():
            k = len(words)
            if tuple(lower[i : i + k]) == words and self._route_context(doc, lower, i, i + k, ents):
                return i + k, code
        return None

    def _route_at(
        self, doc: Doc, lower: list[str], i: int, ents: list[Span]
    ) -> tuple[int, str, str] | None:
        n = len(doc)
        if lower[i] not in self._route_first:
            return None
        for k in range(_MAX_WORDS, 0, -1):
            words = tuple(lower[i : i + k])
            if len(words) == k and words in self._route_phrases:
                return i + k, self._route_phrases[words], "spoken_route"
        word = lower[i]
        if word in self._sub:
            j = i + 1
            if j < n and lower[j] in ("-", "."):
                j += 1
            if j < n and lower[j] in self._sub_tail:
                return j + 1, "SC", "spoken_route"
        ambiguous = self._ambiguous_at(doc, lower, i, ents)
        if ambiguous is not None:
            return *ambiguous, "spoken_route"
        letters = ""
        j = i
        last = i
        while j < n and len(letters) < 3:
            w = lower[j].rstrip(".")
            if w in self._letter:
                letters += self._letter[w]
                j += 1
                last = j
                if letters in self._route_letters and j - i > 1:
                    return last, self._route_letters[letters], "spoken_route"
            elif j > i and (
                lower[j] == "."
                # "I period M period": the letters' own dots said aloud
                or (
                    lower[j] in _SAID_DOTS
                    and j + 1 < n
                    and lower[j + 1].rstrip(".") in self._letter
                )
            ):
                j += 1
            else:
                break
        return None

    def _route_context(
        self, doc: Doc, lower: list[str], start: int, end: int, ents: list[Span]
    ) -> bool:
        """Whether "I am" is a route: right after a drug, dose or administration word, or right before a
        site ("given I am left deltoid"); a pronoun everywhere else.
        """
        before = lower[start - 1] if start > 0 else ""
        after = lower[end] if end < len(doc) else ""
        # "I am taking ...", "I am not ...", "I am fine": the pronoun, whatever follows
        if after in self._pronoun_after or (len(after) > 4 and after.endswith("ing")):
            return False
        if before in self._neighbours and before not in ("to", "in", "into", "at", "via"):
            return True
        if after in ("given", "injected", "injection", "push", "shot"):
            return True
        for e in ents:
            if e.label_ in ("DRUG", "DOSE") and 0 <= start - e.end <= 1:
                # "sixty milligrams deep I am", not "sixty milligrams and I am sure"
                if start == e.end or lower[e.end] not in self._pronoun_before:
                    return True
            # a site, dose or drug right after it, with at most a side or a preposition
            # between ("I am left deltoid", "I am in the right gluteal")
            if e.label_ in ("SITE", "DOSE", "DRUG") and 0 <= e.start - end <= 3:
                between = lower[end : e.start]
                if all(w in self._sides or w in ("in", "into", "to", "the", "at") for w in between):
                    return True
        return False

    # Doses -----------------------------------------------------------------------------------

    def _number_run(self, lower: list[str], i: int) -> int:
        """End of a run of number words or digits starting at ``i`` (``i`` when none)."""
        j = i
        n = len(lower)
        while j < n:
            w = lower[j]
            if _number_word(w) or _DIGITS.match(w) or w in _MULTIPLIERS:
                j += 1
            elif w in _OH and j > i and j + 1 < n and _number_word(lower[j + 1]):
                j += 1  # "one oh four": a zero said as a letter between digits
            elif (
                w == "point"
                and j + 1 < n
                and (_number_word(lower[j + 1]) or lower[j + 1].isdigit())
            ):
                j += 1
            elif w == "a" and j == i and j + 1 < n and lower[j + 1] in _MULTIPLIERS:
                j += 1
            elif w == "a" and j == i and j + 1 < n and lower[j + 1] in _ONE_OF:
                j += 1  # "a gram", "a milligram"
                break
            elif w == "half" and j == i and j + 1 < n and lower[j + 1] in ("a", "an"):
                j += 2  # "half a c c"
                break
            elif w == "a" and j + 1 < n and lower[j + 1] in _FRACTIONS:
                j += 2  # "a half", "one and a half"
                break
            elif w in _FRACTIONS and j > i:
                j += 1  # "one half"
                break
            elif (
                w == "and"
                and j > i
                and j + 2 < n
                and lower[j + 1] == "a"
                and lower[j + 2] in _FRACTIONS
            ):
                j += 1
            elif w == "and" and j > i and j + 1 < n and _number_word(lower[j + 1]):
                j += 1
            else:
                break
        return j

    def _unit_at(self, lower: list[str], i: int) -> tuple[int, str] | None:
        for k in range(3, 0, -1):
            words = tuple(lower[i : i + k])
            if len(words) == k and words in self._units:
                return i + k, self._units[words]
        return None

    def _doses(self, doc: Doc, lower: list[str], taken: numpy.ndarray) -> list[Span]:
        out = []
        n = len(doc)
        i = 0
        starts = self._start_at[_NUMBER]
        while (i := _next_at(starts, i, n)) < n:
            word = lower[i]
            if taken[i] or not (
                word in ("point", "a", "half")
                or (word[:1].isdigit() or word[:1] == ".")
                and _DIGITS.match(word)
                or _number_word(word)
            ):
                i += 1
                continue
            end = self._number_run(lower, i)
            words = lower[i:end]
            unit = self._unit_at(lower, end)
            # digits alone are the target rules' business, unless the unit is said in pieces
            # or as a word the rules do not know ("0.5 m l", "2 c c", "1,000 mics")
            spoken_unit = unit is not None and (
                unit[0] - end > 1 or (unit[1] != "%" and lower[end] not in self._typed_units())
            )
            if end == i or (all(_DIGITS.match(w) for w in words) and not spoken_unit):
                i = max(end, i + 1)
                continue
            value = parse_number(words)
            if (
                unit is not None
                and value is None
                and end - i > 1
                and i > 0
                and lower[i - 1].rstrip(".") in self._letter
                and _number_word(lower[i])
                and lower[i + 1] not in _MULTIPLIERS
            ):
                # the first number word ends a vitamin said as letters ("B twelve one thousand
                # mics", "D three fifty thousand units"): the dose is read from the next word
                i += 1
                continue
            if (
                unit is not None
                and end - i > 1
                and lower[i + 1] not in _MULTIPLIERS  # "two hundred" is one number
                and not taken[i : unit[0]].any()
            ):
                # the first number word ends a name heard in pieces ("lay six forty milligrams"
                # is Lasix 40 mg, never 640 mg)
                name = self._name_ending_in_number(doc, lower, i, taken)
                if name is not None and (rest := parse_number(words[1:])) is not None:
                    out.append(name)
                    taken[name.start : name.end] = True
                    value = rest
                    i += 1
            if unit is None or value is None or value <= 0 or taken[i : unit[0]].any():
                i = max(end, i + 1)
                continue
            stop, canon = unit
            if (
                words == ["a"]
                and not (taken[i - 1] if i else False)
                and lower[stop : stop + 1] != ["of"]
            ):
                i = stop
                continue
            read = f"{_fmt(value)} {canon}" if canon != "%" else f"{_fmt(value)}%"
            # "two hundred milligrams per m l": a concentration
            if stop + 1 < n and lower[stop] == "per":
                per = self._unit_at(lower, stop + 1)
                if per is not None and per[1] == "mL":
                    stop = per[0]
                    read += "/mL"
            out.append(_span(doc, i, stop, "DOSE", "dose.spoken", None, read, "number_words"))
            taken[i:stop] = True
            i = stop
        return out

    def _name_ending_in_number(
        self, doc: Doc, lower: list[str], i: int, taken: numpy.ndarray
    ) -> Span | None:
        """A curated drug name heard as the one to three words before ``i`` and the number
        word at ``i`` ("lay six" for Lasix), read over the same checks as a name before a dose.
        """
        if not _number_word(lower[i]):
            return None
        lex = self._lexicon()
        # up to a long name heard in many pieces ("hollow pair a doll deck a no eight")
        for k in range(_MAX_WORDS + 2, 0, -1):
            s = i - k
            if s < 0 or taken[s:i].any():
                continue
            words = lower[s : i + 1]
            if not all(
                self._alpha[x]
                and not _number_word(lower[x])
                and (self._length[x] > 1 or lower[x] in _VOWELS)
                for x in range(s, i)
            ):
                continue  # a letter is said, not heard alike ("vitamin D one thousand units")
            if not self._edge(doc, s) or lower[s] in _NEVER_OPENS:
                continue
            joined = "".join(words)
            before = lex.read("".join(words[:-1]), k, self.t, False) if k > 1 else None
            hit = lex.read(joined, k + 1, self.t, False)
            if (
                before is not None
                and before[0] == "DRUG"
                and (hit is None or hit[1] != before[1] or hit[4] < before[4])
            ):
                # the words before are a name without the number ("vena fur two hundred"),
                # unless the number belongs to the same name ("sin visk one")
                return None
            if (
                hit is None
                or hit[0] != "DRUG"
                or hit[2] == "drug.dictionary"
                or not self._strong(hit, joined, words, slot=True)
            ):
                continue
            label, norm, rule, name, _score, how = hit
            return _span(doc, s, i + 1, label, rule, norm, name, how)
        return None

    def _bare_doses(
        self, doc: Doc, lower: list[str], taken: numpy.ndarray, ents: list[Span]
    ) -> list[Span]:
        """A number said or written with no unit right next to a drug ("forty of Kenalog",
        "Toradol sixty", "B12 1000 IM"), read in the drug's usual unit (its billing unit: mcg
        for B12, mg for ketorolac; mg for a drug the table gives none). Digits count only for a
        curated drug with a usual unit and right before its route or site ("B12 1000 IM"), as
        a bare number elsewhere is a strength or a count.
        """
        lex = self._lexicon()
        # the route or site right after digits: an injection's ("B12 1000 IM"), not "250 p.o."
        starts = {
            e.start
            for e in ents
            if e.label_ == "SITE" or (e.label_ == "ROUTE" and e._.cc_norm not in lex.not_injected)
        }
        # a number cut off by an "[inaudible]" marker is not the amount ("four [inaudible]
        # milligrams": forty, four hundred?)
        cut = {start for start, _ in doc._.cc_markers}
        out = []
        for e in ents:
            if e.label_ != "DRUG":
                continue
            usual = lex.usual_units.get(e._.cc_norm or "")
            unit = usual or "mg"
            # after the drug
            i = e.end
            end = self._number_run(lower, i)
            digits = [w for w in lower[i:end] if _DIGITS.match(w)]
            if digits and not (
                usual is not None
                and end == i + 1
                and end in starts
                and doc[i].is_digit
                and doc[i].whitespace_
            ):
                end = i
            if cut and _cut_off(doc, lower, end, cut):
                end = i
            if end > i and not taken[i:end].any():
                nxt = lower[end] if end < len(doc) else ""
                value = parse_number(lower[i:end])
                if value and nxt not in (
                    "year",
                    "years",
                    "day",
                    "days",
                    "week",
                    "weeks",
                    "percent",
                ):
                    out.append(
                        _span(
                            doc,
                            i,
                            end,
                            "DOSE",
                            "dose.spoken",
                            None,
                            f"{_fmt(value)} {unit}",
                            "usual_unit",
                        )
                    )
                    taken[i:end] = True
                    continue
            # before the drug: "forty of Kenalog"
            j = e.start - 1
            if j >= 1 and lower[j] == "of":
                k = j
                while k > 0 and (_number_word(lower[k - 1]) or lower[k - 1] == "point"):
                    k -= 1
                if k < j and not taken[k:j].any():
                    value = parse_number(lower[k:j])
                    if value:
                        out.append(
                            _span(
                                doc,
                                k,
                                j,
                                "DOSE",
                                "dose.spoken",
                                None,
                                f"{_fmt(value)} {unit}",
                                "usual_unit",
                            )
                        )
                        taken[k:j] = True
        return out

    # Names -----------------------------------------------------------------------------------

    def _letter_drugs(self, doc: Doc, lower: list[str], taken: numpy.ndarray) -> list[Span]:
        """Drugs spelled as letters and a number ("B twelve", "D three", "H R I G", "C E F T R I A
        X O N E").
        """
        lex = self._lexicon()
        out = []
        n = len(doc)
        i = 0
        starts = self._start_at[_LETTER]
        while (i := _next_at(starts, i, n)) < n:
            if taken[i] or lower[i].rstrip(".") not in self._letter:
                i += 1
                continue
            letters = ""
            j = i
            while (
                j < n
                and not taken[j]
                and lower[j].rstrip(".") in self._letter
                and j - i < _MAX_SPELLED
            ):
                letters += self._letter[lower[j].rstrip(".")]
                j += 1
            best = None
            vitamin = i > 0 and lower[i - 1] == "vitamin" and not taken[i - 1]
            for stop in range(j, i, -1):
                key = "".join(self._letter[w.rstrip(".")] for w in lower[i:stop])
                # a number after the letters ("B twelve"): one word only, so the dose stays apart
                if (
                    stop < n
                    and not taken[stop]
                    and (_number_word(lower[stop]) or lower[stop].isdigit())
                ):
                    num = parse_number([lower[stop]])
                    spelled = key + _fmt(num) if num is not None else ""
                    hit = lex.exact(spelled) if spelled else None
                    if hit is None and spelled and vitamin:  # "vitamin D three" (vitamin D3)
                        hit = lex.exact("vitamin" + spelled)
                    if hit is not None:
                        best = (stop + 1, hit)
                        break
                if stop - i > 1 and (hit := lex.exact(key)) is not None:
                    best = (stop, hit)
                    break
            if best is None:
                i += 1
                continue
            end, (label, norm, rule, name) = best
            if self._inside_abbreviation(doc, i, end):
                i = end
                continue
            start = i - 1 if i > 0 and lower[i - 1] == "vitamin" and not taken[i - 1] else i
            out.append(_span(doc, start, end, label, rule, norm, name, "letters"))
            taken[start:end] = True
            i = end
        return out

    def _letter_and_syllable(self, doc: Doc, lower: list[str], taken: numpy.ndarray) -> list[Span]:
        """A capital letter written alone and the syllable after it that spell a curated name
        ("T dap", "D tap"), four letters or more, where no other reading took them; not "a
        lesion" or "be complex".
        """
        out = []
        n = len(doc)
        for i in self._start_at[_LETTER]:
            if i + 1 >= n or taken[i] or taken[i + 1]:
                continue
            letter = doc[i].text.rstrip(".")
            after = lower[i + 1]
            if len(letter) != 1 or not letter.isupper() or not after.isalpha() or len(after) < 3:
                continue
            hit = self._lexicon().exact(letter.lower() + after)
            if hit is None or hit[2] == "drug.dictionary":
                continue
            label, norm, rule, name = hit
            out.append(_span(doc, i, i + 2, label, rule, norm, name, "letters"))
            taken[i : i + 2] = True
        return out

    def _run_together(self, lower: list[str], i: int, end: int, said: bool = True) -> str:
        """Words ``i`` to ``end`` run together as they are heard: a silent first letter of a
        later word ("love a knocks": "loveanocks") is dropped, and a word the engine wrote for a
        sound a name spells otherwise is spelled so ("depot med roll": "depomedroll"; with
        ``said`` False, as written: "lou ron depot" is Lupron Depot).
        """
        words = lower[i:end]
        if len(words) < 2:
            return "".join(words)
        if self._says and said:
            words = [self._said.get(w, w) for w in words]
        if not self._silent:
            return "".join(words)
        return words[0] + "".join(
            w[1:] if w.startswith(self._silent) and len(w) > 2 else w for w in words[1:]
        )

    def _administration_window(self, doc: Doc, lower: list[str], ents: list[Span]) -> numpy.ndarray:
        n = len(doc)
        marks = numpy.zeros(n + 1, dtype=numpy.int32)
        w = self.t.window
        # a site anchors an administration when it has a side or was read from dictated words
        # ("right del toyed"); a bare site word is as often an exam finding ("abd soft")
        anchors = [
            e.start
            for e in ents
            if e.label_ in ("DOSE", "ROUTE")
            or (
                e.label_ == "SITE"
                and (
                    e._.cc_how is not None
                    or lower[e.start] in self._sides
                    or (e.start > 0 and lower[e.start - 1] in self._sides)
                )
            )
        ]
        # administration words, and the value of a dictated template field ("site colon right
        # glue teal"), found by distinct word
        admin = self._by_word(self._admin.__contains__)
        colon = self._by_word(self._field_colon.__contains__)
        for i in numpy.flatnonzero(admin | colon).tolist():
            word = lower[i]
            if word in self._admin:
                anchors.append(i)
            if word in self._field_colon and i > 0 and lower[i - 1] in self._field_labels:
                anchors.append(i + 1)
        for a in anchors:
            marks[max(0, a - w)] += 1
            marks[min(n, a + w + 1)] -= 1
        return numpy.cumsum(marks[:n]) > 0

    def _names(
        self,
        doc: Doc,
        lower: list[str],
        taken: numpy.ndarray,
        near: numpy.ndarray,
        slots: set[int] = frozenset(),  # type: ignore[assignment]
        pieces: numpy.ndarray | None = None,
        route_slots: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> list[Span]:
        """Names read from split or misheard words near an administration. ``slots``: token
        indices where a dose (or route) starts; ``pieces``: one-word sites of the rules that only
        a longer site reading may take in; ``route_slots``: the slots of a route, a slot only for
        words not all ordinary English.
        """
        lex = self._lexicon()
        t = self.t
        out: list[Span] = []
        n = len(doc)
        alpha = self._alpha
        starts = numpy.flatnonzero(near[:n]).tolist()
        if not starts:
            return out
        # Names begin only near an administration and hold at most _MAX_WORDS words: the word
        # tests below are made from two words before the first such place to a few words past
        # the last (one more each side for the syllable test's neighbours), not over the note.
        lo, hi = max(0, starts[0] - 2), min(n, starts[-1] + _MAX_WORDS + 3)
        numbers = self._by_word(_number_word) & self._is_alpha
        numeric = numbers.tolist()
        plainword = (self._is_alpha & ~numbers).tolist()
        for x in range(max(1, lo), min(n - 1, hi)):
            # a number word heard between two syllables of a name ("in vega sus ten a"): a
            # syllable too, never the first or last word of a name, nor next to another number
            if numeric[x] and plainword[x - 1] and plainword[x + 1]:
                plainword[x] = (lower[x + 1],) not in self._units
            elif numeric[x] and plainword[x - 1] and x + 1 in slots and lower[x + 1] in _COMMA:
                # or the last syllable of a name, a comma between it and its dose ("hal dole
                # deck a no eight, one hundred milligrams": "-oate" heard as "eight")
                plainword[x] = True
        # "I'm a trex": the engine wrote the syllable "I'm" as the contraction; inside a name its
        # "'m" is the letter heard
        if any(w in _CONTRACTED_M for w in lower):
            lower = list(lower)
            for x in range(1, n):
                if lower[x] in _CONTRACTED_M and lower[x - 1] == "i":
                    lower[x] = "m"
                    plainword[x] = True
        marks = doc._.cc_spoken_marks
        # before a dose a name may also begin with a short stop word ("are is ta da", "new
        # last a"); it is then a glued read, held to the stricter checks
        before_slot = numpy.zeros(n + 1, dtype=bool)
        for s in slots:
            before_slot[max(0, s - _MAX_WORDS) : s] = True
        # plain lists: a slice of a list is much cheaper than a numpy slice of a few items
        slot_at = before_slot.tolist()
        held = taken.tolist()
        piece = pieces.tolist() if pieces is not None else None
        # free[x]: how many words from x on are plain and not held; a name read at i ends
        # within them (a span read below holds only words before the next i)
        # (counted up to ``hi`` only: no name read from a place before it reaches that far)
        free = [0] * (n + 1)
        for x in range(hi - 1, lo - 1, -1):
            free[x] = free[x + 1] + 1 if plainword[x] and not held[x] else 0
        done = 0  # words before this are part of a name read
        edge, glue = self._edge_glue()
        person = self._person_after
        for i in starts:
            if i < done or held[i]:
                continue
            if person and not person.isdisjoint(lower[max(0, i - 3) : i]):
                continue  # "given by M A Petra": the person who gave it
            opens = edge[i] or glue[i]
            if not opens and slot_at[i] and alpha[i] and self._length[i] <= 4:
                opens = lower[i] not in _NEVER_OPENS
            if not opens:
                continue
            best = None
            for k in range(min(_MAX_WORDS, free[i]), 0, -1):
                end = i + k
                # A short glue word may be a heard syllable of a name ("in vega sue stena",
                # "row sef in"), but then only a long phonetic code heard the same counts.
                glued = not (edge[i] and edge[end - 1])
                # right before a dose two words may be a name with a glue syllable ("so fran")
                in_slot = end in slots and (
                    end not in route_slots
                    or not all(_zipf(w) >= _ORDINARY_ZIPF for w in lower[i:end] if w not in _GLUE)
                )
                least = 2 if in_slot else 3
                if glued and (k < least or not glue[end - 1] and not edge[end - 1]):
                    continue
                if k == 1 and not self._wordy(doc, i):
                    continue
                if marks and any(x in marks for x in range(i, end)):
                    continue
                joined = self._run_together(lower, i, end)
                side = i > 0 and lower[i - 1] in self._sides
                slot = in_slot and k > 1
                # the broad dictionary's looser floor only for words not all ordinary English
                # ("to be taken one tablet" is not levobunolol)
                broad = slot and not all(
                    _zipf(w) >= _ORDINARY_ZIPF for w in lower[i:end] if w not in _GLUE
                )
                fuzzy = lower[i:end] if k <= 3 else None
                hit = lex.read(joined, k, t, side, fuzzy=fuzzy, slot=broad)
                if hit is not None and side and k == 1 and hit[0] == "DRUG":
                    # a side word reads the one word after it as a site ("right del toyed"),
                    # never as a drug ("at each tender point" is no debrisoquin)
                    hit = None
                if (
                    hit is not None
                    and hit[2] == "drug.dictionary"
                    and lower[i] in _ARTICLES
                    and all(_zipf(w) >= _ORDINARY_ZIPF for w in lower[i + 1 : end])
                ):
                    hit = None  # an article and an English word ("a lesion", "a zone")
                if (
                    glued
                    and k < 3
                    and (
                        hit is None
                        or hit[2] == "drug.dictionary"
                        or len(_code(joined)) < t.near_code_letters
                    )
                ):
                    continue  # two words with a glue syllable: a curated name heard the same
                if hit is None and slot and (not glued or k >= 3 and edge[i]):
                    # a curated drug one code letter away, only from words that may begin and
                    # end a name, none a letter ("Kenneth log"; not "vitamin d", "an extra"),
                    # but letters that end a name spelled the same ("bicycle in L A")
                    body = end
                    while body > i + 1 and len(lower[body - 1]) == 1:
                        body -= 1
                    tail = "".join(lower[body:end]) if end - body >= 2 else ""
                    if all(
                        len(w) > 1 or w in _VOWELS for w in lower[i : end if not tail else body]
                    ):
                        hit = lex.read(
                            joined, k, t, side, fuzzy=fuzzy, slot=broad, near=tail or True
                        )
                        written = self._run_together(lower, i, end, said=False)
                        if hit is None and written != joined:
                            # the word as written ("depot" of Lupron Depot, not Depo-)
                            hit = lex.read(
                                written, k, t, side, fuzzy=fuzzy, slot=broad, near=tail or True
                            )
                if hit is not None and glued and not self._strong(hit, joined, lower[i:end], slot):
                    continue
                if (
                    hit is not None
                    and any(numeric[i:end])
                    and not self._strong(
                        hit,
                        joined,
                        [w for w, x in zip(lower[i:end], numeric[i:end], strict=True) if not x],
                        slot,
                    )
                ):
                    # a number word taken in as a syllable ("in vega sus ten a"): only for a
                    # strong read, not from ordinary words ("gave off two early diagonal")
                    continue
                if piece is not None and any(piece[i:end]):
                    # a site (or diagnosis) word the rules saw: only a longer site reading takes
                    # it in, or a drug of three words or more right before its dose, the word
                    # without a side ("given colon thigh a mean one hundred milligrams" is
                    # thiamine)
                    if (
                        hit is not None
                        and hit[0] == "DRUG"
                        and slot
                        and k >= 3
                        and not side
                        and end not in route_slots
                    ):
                        pass
                    elif (
                        hit is None
                        or hit[0] != "SITE"
                        or hit[5] not in ("joined", "phonetic")
                        or k < 2
                        or any(len(w) < 3 or w in self._stop for w in lower[i:end])
                    ):
                        continue
                # a shorter read of the same name does not replace a longer one that adds a
                # syllable or more ("in vega" of "in vega sue stena"), nor does a read of the
                # drug a longer read names the form of ("hal dole" of "hal dole deck a no eight")
                if hit is not None and (
                    best is None
                    or (
                        hit[4] > best[1][4]
                        and (hit[1] != best[1][1] or best[2] < len(joined) + 3)
                        and not best[1][1].startswith(f"{hit[1]}_")
                    )
                ):
                    best = (end, hit, len(joined))
            if best is None:
                continue
            end, (label, norm, rule, name, _score, how), _ = best
            if end - i > 2 and lower[i] in ("a", "an"):
                # an article before the name is not its syllable when the rest reads the same
                # ("a tore a doll shot")
                rest = lex.read("".join(lower[i + 1 : end]), end - i - 1, t, False)
                if rest is not None and rest[1] == norm:
                    i += 1
            out.append(_span(doc, i, end, label, rule, norm, name, how))
            taken[i:end] = True
            held[i:end] = [True] * (end - i)
            done = end
        return out

    def _misspelt(self, doc: Doc, taken: numpy.ndarray) -> list[Span]:
        """One word typed with a letter wrong, left out or added in a curated drug's name
        ("Monthly cyanocobolamin due per MAR"), read anywhere in the note: the word is long, not
        English, and begins with the name's letter.
        """
        lex = self._lexicon()
        t = self.t
        hits = [lex.misspelt(w, t) if len(w) >= t.misspelt_min_chars else None for w in self._words]
        if not any(hits):
            return []
        out = []
        for i, k in enumerate(self._inverse.tolist()):
            hit = hits[k]
            if hit is not None and not taken[i]:
                out.append(_span(doc, i, i + 1, hit[0], hit[2], hit[1], hit[3], hit[5]))
        return out

    def _heard_tails(
        self, lower: list[str], ents: list[Span], slots: set[int], taken: numpy.ndarray
    ) -> list[Span]:
        """A drug the rules read, followed right up to its dose by words heard in pieces that
        complete a longer curated name ("haloperidol deck a no ate fifty milligrams" is
        haloperidol decanoate, not haloperidol with four stray words before its dose), or right
        before its dose with its first syllables heard as words before it ("sigh no cobalamin").
        """
        out: list[Span] = []
        lex = self._lexicon()
        alpha = self._alpha
        for e in ents:
            if e.label_ != "DRUG" or e._.cc_how is not None:
                continue
            if e.end in slots:
                # the name's first syllables heard as words before the part the rules read
                # ("sigh no cobalamin one thousand micrograms": "no" is a syllable, no negation)
                for start in range(max(0, e.start - 3), e.start):
                    if taken[start : e.start].any() or not all(alpha[start : e.start]):
                        continue
                    k = e.end - start
                    hit = lex.read("".join(lower[start : e.end]), k, self.t, False)
                    if hit and hit[0] == "DRUG" and hit[2] != "drug.dictionary":
                        out.append(
                            _span(e.doc, start, e.end, hit[0], hit[2], hit[1], hit[3], hit[5])
                        )
                        break
                continue
            for end in range(e.end + 1, min(len(lower), e.end + 4) + 1):
                if taken[end - 1] or not alpha[end - 1]:
                    break
                if end not in slots:
                    continue
                k = end - e.start
                hit = lex.read("".join(lower[e.start : end]), k, self.t, False, slot=True)
                if hit and hit[0] == "DRUG" and hit[2] != "drug.dictionary":
                    out.append(_span(e.doc, e.start, end, hit[0], hit[2], hit[1], hit[3], hit[5]))
                break
        return out

    def _glue(self, doc: Doc, i: int) -> bool:
        """A short glue word ("in", "we", "of") that may be a syllable heard as a word."""
        return self._edge_glue()[1][i]

    def _strong(self, hit: tuple, joined: str, words: list[str], slot: bool = False) -> bool:
        """A read good enough to take a glue word into a name: a curated name spelled the same or
        heard the same over a long phonetic code, from words that are not all ordinary English
        ("pressure is" is not Perseris, "to separate" not Dysport).
        """
        how = hit[5]
        if (
            slot
            and how == "phonetic"
            and hit[2] != "drug.dictionary"
            and hit[4] >= self.t.phonetic_min_similarity
        ):
            # right before a dose, a curated name heard the same, even as ordinary words
            return True
        if how == "joined" and hit[2] != "drug.dictionary" and len(joined) >= _LONG_JOINED:
            # ordinary words that spell a long curated name exactly ("on dan set ron")
            return True
        if all(_zipf(w) >= _ORDINARY_ZIPF for w in words if w not in _GLUE):
            return False
        if how == "joined":
            return True
        if slot and how == "phonetic" and hit[4] >= self.t.phonetic_min_similarity:
            # right before a dose, a name heard the same whatever its code length
            return True
        return (
            how == "phonetic"
            and hit[2] != "drug.dictionary"
            and len(_code(joined)) >= self.t.min_code_letters
        )

    def _repeated(
        self, doc: Doc, lower: list[str], taken: numpy.ndarray, names: list[Span]
    ) -> list[Span]:
        """The same split words elsewhere in the note, read as the name they were read as near
        an administration ("his monthly in vega sue stena" once "in vega sue stena 234 mg I M"
        was read as Invega Sustenna), with the same reading. Only names of two or more words: one
        word is read on its own merits.
        """
        by_first: dict[str, list[tuple[tuple[str, ...], Span]]] = {}
        for e in names:
            words = tuple(lower[e.start : e.end])
            if len(words) >= 2 and e._.cc_how in _REPEATABLE:
                by_first.setdefault(words[0], []).append((words, e))
        out: list[Span] = []
        if not by_first:
            return out
        i, n = 0, len(doc)
        while i < n:
            seen = by_first.get(lower[i]) if not taken[i] else None
            for words, e in seen or ():
                end = i + len(words)
                if end <= n and tuple(lower[i:end]) == words and not taken[i:end].any():
                    out.append(
                        _span(
                            doc, i, end, e.label_, e._.cc_rule, e._.cc_norm, e._.cc_read, e._.cc_how
                        )
                    )
                    taken[i:end] = True
                    i = end - 1
                    break
            i += 1
        return out

    def _edge(self, doc: Doc, i: int) -> bool:
        """A word that may begin or end a name read from split words: not a stop word, except a
        short syllable or letter ("by cillin L A").
        """
        return self._edge_glue()[0][i]

    def _edge_glue(self) -> tuple[list[bool], list[bool]]:
        """Per token of the note, :meth:`_edge` and :meth:`_glue` (made once per note, by word)."""
        if self._edges is None:
            stop = self._by_word(self._stop.__contains__)
            glue = self._by_word(_GLUE.__contains__)
            short = numpy.asarray(self._length) <= 2
            alpha = self._is_alpha
            self._edges = (
                (alpha & (~stop | (short & ~glue))).tolist(),
                (alpha & short & glue).tolist(),
            )
        return self._edges

    def _wordy(self, doc: Doc, i: int) -> bool:
        return self._alpha[i] and self._lower[i] not in self._stop and not self._like_num[i]

    def _sided(
        self, doc: Doc, lower: list[str], ents: list[Span], taken: numpy.ndarray
    ) -> list[Span]:
        """A site after its side, said or heard as another word ("right del toyed", "lift del
        toyed", "write deltoid").
        """
        out = []
        for e in ents:
            j = e.start - 1
            if e.label_ == "SITE" and j >= 0 and lower[j] in self._sides and not _overlaps(j, ents):
                side = self._sides[lower[j]]
                read = f"{side} {e._.cc_read or e.text.lower()}"
                e = _span(
                    doc,
                    j,
                    e.end,
                    "SITE",
                    e._.cc_rule,
                    e._.cc_norm,
                    read,
                    e._.cc_how or "spoken_side",
                )
            out.append(e)
        return out

    def _heard_sites(
        self, doc: Doc, lower: list[str], taken: numpy.ndarray, near: numpy.ndarray
    ) -> list[Span]:
        """A site heard as a word that sounds the same, right after a side and near a dose, route
        or administration word ("I M, right thy"); the side is joined to it afterwards.
        """
        out: list[Span] = []
        if not self._homophones:
            return out
        for j in range(1, len(doc)):
            site = self._homophones.get(lower[j])
            if site is None or taken[j] or not near[j] or lower[j - 1] not in self._sides:
                continue
            after = lower[j + 1] if j + 1 < len(doc) else ""
            if (
                self._alpha[j + 1 : j + 2] == [True]
                and after not in self._admin
                and after not in self._stop
                and after not in self._boundary_first
                and after not in self._sides
            ):
                continue  # a word that names something else ("right bottom molar")
            hit = self._lexicon().exact(_key(site))
            if hit is None or hit[0] != "SITE":
                continue
            label, norm, rule, name = hit
            out.append(_span(doc, j, j + 1, label, rule, norm, site, "heard_as"))
            taken[j] = True
        return out

    def _retracted(self, doc: Doc, lower: list[str], ents: list[Span]) -> list[Span]:
        """Drop a retracted mention ("left del toyed scratch that left upper arm", "sixty,
        correction, thirty milligrams"): one right before a retraction word, when a mention of
        the same kind follows it.
        """
        drop = set()
        for i in numpy.flatnonzero(self._by_word(self._retraction_firsts.__contains__)).tolist():
            size = next((len(r) for r in self._retractions if tuple(lower[i : i + len(r)]) == r), 0)
            if not size or lower[i + size : i + size + 1] == [":"]:
                continue  # "Correction: ..." heads a typed correction, read as one
            before = [
                e
                for e in ents
                if e.end <= i
                and (
                    i - e.end <= 2
                    or (
                        i - e.end <= _RETRACT_REACH
                        and set(lower[e.end : i]) <= self._retraction_fillers
                    )
                )
            ]
            after = [e for e in ents if e.start >= i + size and e.start - (i + size) <= 3]
            for b in before:
                if any(a.label_ == b.label_ for a in after):
                    drop.add(b.start)
        return [e for e in ents if e.start not in drop]


def _route_span(doc: Doc, start: int, end: int, code: str, how: str) -> Span:
    """A ROUTE mention of route ``code`` read from the words ``start:end``."""
    return _span(doc, start, end, "ROUTE", f"route.{code.lower()}", code, code, how)


def _single_letter(text: str) -> bool:
    """A letter said on its own ("H", "I.", "V")."""
    t = text[:-1] if len(text) == 2 and text.endswith(".") else text
    return len(t) == 1 and t.isalpha()


@lru_cache(maxsize=65536)
def _deletions(code: str) -> tuple[str, ...]:
    """``code`` with each one of its letters left out."""
    return tuple(code[:x] + code[x + 1 :] for x in range(len(code)))


#: Words that carry a spoken number on to its next word ("two point five").
_NUMBER_GLUE = frozenset({"point", "and", "dot"})


def _cut_off(doc: Doc, lower: list[str], end: int, cut: set[int]) -> bool:
    """Whether the number ending before token ``end`` runs into an "[inaudible]"-type marker,
    right away or after the word that carries it on ("two point [inaudible] milligrams").
    """
    if end < len(doc) and doc[end].idx in cut:
        return True
    return end + 1 < len(doc) and lower[end] in _NUMBER_GLUE and doc[end + 1].idx in cut


def _overlaps(i: int, ents: list[Span]) -> bool:
    return any(e.start <= i < e.end for e in ents)


def _span(
    doc: Doc,
    start: int,
    end: int,
    label: str,
    rule: str | None,
    norm: str | None,
    read: str,
    how: str,
) -> Span:
    span = Span(doc, start, end, label=label)
    span._.cc_rule = rule
    span._.cc_norm = norm
    span._.cc_read = read
    span._.cc_how = how
    return span


class _Lexicon:
    """Every name a mention may be read as: curated drugs, the broad drug dictionary, sites and
    route phrases, indexed by letters and by phonetic code.
    """

    def __init__(self, tables: dict[str, Any], use_dictionary: bool) -> None:
        # key → (label, norm, rule, shown name); curated names win over the broad dictionary
        self.by_key: dict[str, tuple[str, str, str, str]] = {}
        curated: list[tuple[str, tuple[str, str, str, str]]] = []
        for drug in tables["drugs"].drugs:
            for s in {drug.name, *drug.synonyms}:
                curated.append((s, ("DRUG", drug.id, f"drug.{drug.id}", drug.id)))
        for site in tables["sites"].sites:
            for s in [*site.phrases, *site.lateral_phrases]:
                curated.append((s, ("SITE", site.id, f"site.{site.id}", site.label)))
        for route in tables["routes"].routes:
            for s in route.phrases:
                curated.append(
                    (s, ("ROUTE", route.code, f"route.{route.code.lower()}", route.code))
                )
        broad: list[tuple[str, tuple[str, str, str, str]]] = []
        if use_dictionary:
            # a dictionary name that is a curated drug's name is that drug ("testosterone" is
            # testosterone cypionate's, as the target rules read it typed), still read under the
            # dictionary's stricter checks
            named = {_key(text): value for text, value in curated if value[0] == "DRUG"}
            for variant, canonical in DrugLexicon.load().variants.items():
                same = named.get(_key(canonical))
                if same is not None:
                    broad.append((variant, ("DRUG", same[1], "drug.dictionary", same[3])))
                    continue
                norm = canonical.lower().replace(" ", "_").replace(",", "")
                broad.append((variant, ("DRUG", norm, "drug.dictionary", canonical.lower())))
        self.by_code: dict[str, list[tuple[str, tuple[str, str, str, str]]]] = {}
        for text, value in [*curated, *broad]:
            key = _key(text)
            self.by_key.setdefault(key, value)
            if len(key) > 3:  # an abbreviation ("abd", "ppd") is spelled, not heard alike
                self.by_code.setdefault(_code(key), []).append((key, value))
        # diagnoses named by an abbreviation ("HIV", "COPD exacerbation"), for spelled letters
        self.diagnoses: dict[str, tuple[str, str, str]] = {}
        self.joined_diagnoses: dict[str, tuple[str, str, str]] = {}
        self.abbreviations: set[str] = set()
        for dx in tables["diagnoses"].diagnoses:
            for s in dx.synonyms:
                head = s.split()[0] if s.split() else ""
                # an abbreviation is said letter by letter: capitals, or a capital and no vowel
                # ("Rh negative" said "R H negative")
                spelled = head.isupper() or (
                    head[:1].isupper() and head.isalpha() and not _VOWELS & set(head.lower())
                )
                if 2 <= len(head) <= 5 and head.isalnum() and head.isupper():
                    self.abbreviations.add(head)
                # a sign is part of the name ("ER+"): the letters alone say something else
                # ("the E R", the emergency room)
                if (spelled or head.lower() == "vitamin") and not _SIGNS & set(s):
                    self.diagnoses.setdefault(_key(s), (dx.id, dx.icd10, s))
                # one long word, for a name heard in pieces ("hypo gonad ism")
                if " " not in s and len(s) >= _JOINED_DX_LETTERS and s.replace("-", "").isalpha():
                    self.joined_diagnoses.setdefault(_key(s), (dx.id, dx.icd10, s))
        self.joined_prefixes = frozenset(
            k[:i] for k in self.joined_diagnoses for i in range(2, len(k) - 1)
        )
        self.not_injected = {r.code for r in tables["routes"].routes if r.family == "non_injection"}
        # a drug's usual unit, for a number said without one: its billing unit
        self.usual_units: dict[str, str] = {}
        for drug in tables["drugs"].drugs:
            for q in (drug.billing_unit, drug.standard_concentration):
                if q is not None and q.unit in ("mg", "mcg", "g", "units"):
                    self.usual_units[drug.id] = q.unit
                    break
        # curated names by each phonetic code with one letter left out: a code one edit away
        # shares one of these ("KN0LK" and "KNLK" both give "KNLK")
        self.by_near: dict[str, list[tuple[str, str, tuple[str, str, str, str]]]] = {}
        for text, value in curated:
            key = _key(text)
            if value[0] != "DRUG" or len(key) <= 3:
                continue
            code = _code(key)
            for variant in {code, *_deletions(code)}:
                self.by_near.setdefault(variant, []).append((key, code, value))
        self.fuzzy_keys = list(dict.fromkeys(_key(t) for t, _ in curated if len(_key(t)) >= 5))
        self.fuzzy_values = [self.by_key[k] for k in self.fuzzy_keys]

    def exact(self, key: str) -> tuple[str, str, str, str] | None:
        """The entry spelled exactly ``key`` (letters and digits only)."""
        return self.by_key.get(key)

    def near(
        self, code: str, edits: bool = True
    ) -> Iterator[tuple[str, str, tuple[str, str, str, str]]]:
        """The curated drugs ``(key, code, value)`` whose phonetic code is ``code`` or one letter
        from it (a letter left out of either); only ``code`` itself when ``edits`` is false.
        """
        for variant in {code, *_deletions(code)} if edits else (code,):
            yield from self.by_near.get(variant, ())

    def one_letter_off(self, joined: str) -> tuple[str, str, str, str] | None:
        """The curated drug spelled one letter off the words run together, for a name of eight
        letters or more ("depot medrol" is Depo-Medrol), or None.
        """
        key = _key(joined)
        if len(key) < 8:
            return None
        # every name one letter off, the same one whatever the order they are stored in ("bicillin
        # c": "bicillin" and "bicillincr" both; the first in spelling order)
        found = sorted(
            (other, value)
            for other, _, value in self.near(_code(key))
            if abs(len(other) - len(key)) <= 1
            and Levenshtein.distance(key, other) <= 1
            # a plural is the name written, not heard ("hyaluronic acid injections")
            and key.rstrip("s") != other.rstrip("s")
        )
        return found[0][1] if found else None

    #: Readings remembered (the same words recur note after note); cleared when full.
    MEMO_SIZE = 200_000

    def read(
        self,
        joined: str,
        words: int,
        t: res.DictationTable,
        after_side: bool,
        fuzzy: list[str] | None = None,
        slot: bool = False,
        near: bool | str = False,
    ) -> tuple[str, str, str, str, float, str] | None:
        """Read ``joined`` (1-6 dictated words run together) as a lexicon name, or None.

        ``slot``: the words stand right before a dose, where a drug is named; a name of the broad
        dictionary then needs only the phonetic floor of a curated one. ``near``: the words are
        two or more right before a dose; a curated drug one code letter away may be read (a
        string: the letters said at the end, which its name must end with).
        """
        key = (joined, words, id(t), after_side, tuple(fuzzy) if fuzzy else None, slot, near)
        return self._remembered(
            "_memo", key, self._read_or_near, joined, words, t, after_side, fuzzy, slot, near
        )

    def _read_or_near(
        self,
        joined: str,
        words: int,
        t: res.DictationTable,
        after_side: bool,
        fuzzy: list[str] | None,
        slot: bool,
        near: bool | str,
    ) -> tuple | None:
        hit = self._read(joined, words, t, after_side, fuzzy, slot)
        if hit is None and near:
            hit = self._near(joined, t, near if isinstance(near, str) else "")
        return hit

    def _remembered(self, name: str, key: Any, compute: Any, *args: Any) -> Any:
        """``compute(*args)``, remembered under ``key`` in the memo ``name`` (cleared when full;
        the arguments, not a closure, so a hit builds nothing).
        """
        memo = self.__dict__.setdefault(name, {})
        if key in memo:
            return memo[key]
        if len(memo) >= self.MEMO_SIZE:
            memo.clear()
        value = memo[key] = compute(*args)
        return value

    def misspelt(self, word: str, t: res.DictationTable) -> tuple | None:
        """The curated drug ``word`` is a typed misspelling of (see
        :meth:`DictationComponent._misspelt`), or None; remembered per word.
        """
        return self._remembered("_misspelt_memo", word, self._misspelling, word, t)

    def _misspelling(self, word: str, t: res.DictationTable) -> tuple | None:
        hit = None
        if word.isalpha() and word not in self.by_key and _zipf(word) < t.single_word_max_zipf:
            edits = t.misspelt_max_edits + (len(word) >= t.misspelt_long_chars)
            best = None
            for key, _, value in self.near(_code(word)):
                if key[0] != word[0] or abs(len(key) - len(word)) > edits:
                    continue
                d = Levenshtein.distance(word, key, score_cutoff=edits)
                if d <= edits and (best is None or d < best[0] or (d == best[0] and key < best[1])):
                    best = (d, key, value)
            if best is not None:
                sim = Levenshtein.normalized_similarity(word, best[1])
                hit = (*best[2], sim, "fuzzy")
        return hit

    def _similarity(self, joined: str, key: str, t: res.DictationTable, words: int) -> float:
        """Spelling similarity of heard words and a name, as written or with the engine's
        spellings of a sound in the heard words rewritten as a name spells it
        (``sound_spellings``: "fam o tee deen" is "famotidin" to famotidine), for a name heard
        in three or more pieces (two ordinary words, "tree mix", are read as written).
        """
        sim = Levenshtein.normalized_similarity(joined, key)
        if not t.sound_spellings or words < 3:
            return sim
        pattern = self.__dict__.get("_sounds")
        if pattern is None:
            keys = sorted(t.sound_spellings, key=len, reverse=True)
            pattern = self._sounds = re.compile("|".join(re.escape(k) for k in keys))
        spell = t.sound_spellings

        def said(text: str) -> str:
            return pattern.sub(lambda m: spell[m.group(0)], text)

        return max(sim, Levenshtein.normalized_similarity(said(joined), key))

    def _near(self, joined: str, t: res.DictationTable, tail: str = "") -> tuple | None:
        """A curated drug whose phonetic code is one edit from that of ``joined`` ("Kenneth
        log" / Kenalog, "at event" / Ativan), with spelling at least
        ``near_code_min_similarity`` alike: read only right before a dose.
        """
        code = _code(joined)
        # the same code from one letter shorter ("new bane" / Nubain: NBN), one edit away from
        # ``near_code_letters``
        if len(code) < t.near_code_letters - 1 or len(joined) < t.min_chars.get("DRUG", 6):
            return None
        edits = 1 if len(code) >= t.near_code_letters else 0
        digits = _DIGIT_CHARS.sub("", joined)
        best = None
        for key, other, value in self.near(code, edits=bool(edits)):
            if digits != _DIGIT_CHARS.sub("", key) or not key.endswith(tail):
                continue
            if Levenshtein.distance(code, other) > edits:
                continue
            sim = Levenshtein.normalized_similarity(joined, key)
            if sim >= t.near_code_min_similarity and (best is None or sim > best[4]):
                best = (*value, sim, "phonetic")
        if best is None:
            return None
        return (*best[:4], max(best[4], t.phonetic_min_similarity), "phonetic")

    def _read(
        self,
        joined: str,
        words: int,
        t: res.DictationTable,
        after_side: bool,
        fuzzy: list[str] | None = None,
        slot: bool = False,
    ) -> tuple[str, str, str, str, float, str] | None:
        if words > 1 and (hit := self.by_key.get(joined)) is not None:
            if len(joined) >= 5 or hit[0] == "SITE":
                return (*hit, 1.0 + words / 10, "joined")
        if words == 1 and not after_side:
            # the target rules already saw this word whole; an English word is itself
            if joined in self.by_key or _zipf(joined) >= t.single_word_max_zipf:
                return None
        if words == 1 and after_side and len(joined) <= 3:
            # a short site word after a misheard side ("lift arm"): the word itself
            hit = self.by_key.get(joined)
            return (*hit, 1.0, "phonetic") if hit is not None and hit[0] == "SITE" else None
        best = None
        code = _code(joined)
        digits = _DIGIT_CHARS.sub("", joined)
        for key, value in self.by_code.get(code, ()):
            label = value[0]
            if digits != _DIGIT_CHARS.sub("", key):
                continue  # a number in a name is said, not heard alike ("vitamin D" ≠ D3)
            least = t.min_chars.get(label, 6) if not (after_side and label == "SITE") else 3
            if len(joined) < least:
                continue
            sim = self._similarity(joined, key, t, words)
            if value[2] != "drug.dictionary" and len(code) >= t.min_code_letters:
                # a long code heard the same ("eye ma tricks" / imitrex) despite other spelling
                sim = max(sim, t.phonetic_min_similarity)
            floor = (
                t.broad_min_similarity
                if value[2] == "drug.dictionary" and not slot
                else t.phonetic_min_similarity
            )
            if sim >= floor and (best is None or sim > best[4]):
                best = (*value, sim, "phonetic")
        if best is not None:
            return best
        # fuzzy only for up to 3 words, not all of them ordinary English ("iv anesthetics")
        if len(joined) < 6 or not fuzzy or all(_zipf(w) >= _ORDINARY_ZIPF for w in fuzzy):
            return None
        hit = process.extractOne(
            joined, self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=t.fuzzy_min_score
        )
        if hit is None:
            return None
        _, score, idx = hit
        value = self.fuzzy_values[idx]
        if len(joined) < t.min_chars.get(value[0], 6):
            return None
        return (*value, score / 100, "fuzzy")
