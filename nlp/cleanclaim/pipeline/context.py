"""ConText for injection visits: medspaCy's algorithm with cleanclaim's rule table.

Modifiers set flags on the mentions and never remove them; each mention also records the ids of
the rules that modified it (``span._.cc_modifier_rules``).
"""

from bisect import bisect_left
from collections import defaultdict

import numpy
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import resources as res
from . import extensions  # noqa: F401
from ._tables import TableBacked
from .extensions import doc_text
from .lines import Sentences
from .targets import ADVISORY_GROUP, TargetMatcher

#: How a mention read from dictated pieces was read (``DictationComponent``): its words are
#: syllables of the name.
_PIECES = frozenset({"phonetic", "joined", "fuzzy"})
#: Tokens per bucket of the position index that finds the modifiers near a span.
_BLOCK = 32

#: ConText category → the span attribute it sets.
CATEGORY_ATTRIBUTES: dict[str, dict[str, bool]] = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "ADMINISTERED": {"cc_given": True},
    "THIS_ENCOUNTER": {"cc_this_encounter": True},
    "DILUENT": {"cc_diluent": True},
    "PATIENT_SUPPLIED": {"cc_patient_supplied": True},
    "REGIMEN": {"cc_regimen": True},
    "SCHEDULE": {"cc_schedule": True},
}


@Language.factory("cleanclaim_context", default_config={"max_scope": None, "scope_window": 64})
def make_context(
    nlp: Language, name: str, max_scope: int | None, scope_window: int | None
) -> "ContextComponent":
    """Build the ConText component from the packaged rule table."""
    return ContextComponent(nlp, name=name, max_scope=max_scope, scope_window=scope_window)


class ContextComponent(TableBacked):
    """Run ConText over ``doc.ents`` and record the rule ids behind each flag.

    medspaCy's algorithm, in time linear in the note: a modifier reaches at most
    ``scope_window`` tokens either way inside its sentence (``None``: the whole sentence, as in
    medspaCy), and only modifiers and targets whose scopes can meet are compared (medspaCy compares
    every pair of modifiers and every modifier with every target: quadratic in a long note). The
    comparisons that are made run in medspaCy's order with its own methods, so the flags are
    medspaCy's whenever no scope is longer than the window, but for one deliberate difference:
    a forward negation ends before a drug said with its dose after a finding in a run of words
    without punctuation (``_end_at_administration``).
    """

    TABLES = {"context": (res.ContextTable, "context_rules.json")}

    def __init__(
        self,
        nlp: Language,
        name: str = "cleanclaim_context",
        max_scope: int | None = None,
        table: res.ContextTable | None = None,
        scope_window: int | None = 64,
    ) -> None:
        """Create the component; ``table`` overrides the packaged rules."""
        self.nlp = nlp
        self.name = name
        self.max_scope = max_scope
        self.scope_window = scope_window
        self._build({"context": table or res.context_rules()})

    def _build(self, tables: dict) -> None:
        self.tables = tables
        table = self.table = tables["context"]
        self._carriers = frozenset(w.lower() for w in table.negation_carriers)
        self._break_hashes = numpy.array(
            sorted({self.nlp.vocab.strings.add(w.lower()) for w in table.clause_breaks}),
            dtype=numpy.uint64,
        )
        self._reach = table.clause_break_reach
        self._break_rules = frozenset(table.clause_break_rules)
        for attrs in CATEGORY_ATTRIBUTES.values():
            for attr in attrs:
                if not Span.has_extension(attr):
                    Span.set_extension(attr, default=False)
        self._context = ConText(
            self.nlp,
            name=f"{self.name}_medspacy",
            rules=None,
            max_scope=self.max_scope,
            span_attrs=CATEGORY_ATTRIBUTES,
        )
        breaking = frozenset(table.clause_break_categories)
        self._context.add([self._rule(entry, entry.category in breaking) for entry in table.rules])
        # medspaCy's matcher, faster: the same matches (same rule ids, same order), literal rules
        # through a PhraseMatcher and the token patterns' word tests as lexeme flags; over the
        # whole doc, as these patterns start at common words ("and", "was", a comma)
        self._matcher = TargetMatcher(self.nlp, self._context.rules, windowed=False)

    @staticmethod
    def _rule(entry: res.ContextRuleEntry, breaks: bool = False) -> ConTextRule:
        return ConTextRule(
            entry.literal,
            entry.category,
            pattern=entry.pattern,
            direction=entry.direction,
            max_scope=entry.max_scope,
            allowed_types=set(entry.allowed_types) if entry.allowed_types else None,
            excluded_types=set(entry.excluded_types) if entry.excluded_types else None,
            terminated_by=set(entry.terminated_by) if entry.terminated_by else None,
            metadata={
                "id": entry.id,
                "standalone": entry.standalone,
                "count_only": entry.count_only,
                "breaks": breaks,  # a clause break ends its reach (ContextTable.clause_breaks)
                "max_scope_backward": entry.max_scope_backward,
            },
        )

    def __call__(self, doc: Doc) -> Doc:
        """Apply ConText to the mentions of ``doc``."""
        advisory = list(doc.spans[ADVISORY_GROUP]) if ADVISORY_GROUP in doc.spans else []
        ents = doc.ents  # spaCy builds a new Span per entity on each access: read it once
        if not ents and not advisory:
            return doc
        # One pass over the mentions and the advisory wording: one graph of modifiers per note.
        targets = [*ents, *advisory]
        if self.max_scope is not None or self._context.prune_on_target_overlap:
            doc._.cc_context_targets = targets  # medspaCy's own windows: its own code
            self._context(doc, targets="cc_context_targets")
            doc._.cc_context_targets = ()
        else:
            self._apply(doc, targets)
        for ent in targets:
            mods = ent._.modifiers
            if mods:
                ent._.cc_modifier_rules = tuple(
                    m.rule.metadata["id"] for m in mods if m.category in CATEGORY_ATTRIBUTES
                )
        return doc

    def _apply(self, doc: Doc, targets: list[Span]) -> None:
        """The ``ConText.__call__`` of medspaCy with the comparisons restricted to what can meet."""
        sentences = Sentences(doc).install()  # the rules ask spans their sentences
        context = self._context
        graph = ConTextGraph(prune_on_modifier_overlap=context.prune_on_target_overlap)
        graph.targets = targets
        strings = self.nlp.vocab.strings
        rule_map = self._matcher.rule_map
        matches = self._matcher(doc)
        if context.prune_on_modifier_overlap:  # as medspaCy's matcher prunes
            matches = prune_overlapping_matches(matches)
        mods = []
        # the words of a name read from dictated pieces are syllables, not words of the
        # sentence: "no" of "hal doll deck a no ate" negates nothing
        heard = {i for e in targets if e._.cc_how in _PIECES for i in range(e.start, e.end)}
        # nor is a word of a drug's own name ("lidocaine without epinephrine, intra-articular":
        # the product, not a negated route), nor a negative word of a diagnosis's own name
        # ("migraine without aura, intractable": the diagnosis, not a negated one; "personal
        # history of breast cancer" stays history)
        inner: dict[str, set[int]] = {"DRUG": set(), "DIAGNOSIS": set()}
        for e in targets:
            words = inner.get(e.label_) if len(e) > 2 else None
            if words is not None:
                words.update(range(e.start + 1, e.end - 1))
        named, named_dx = inner["DRUG"], inner["DIAGNOSIS"]
        asides = _asides(doc, sentences) if "(" in doc_text(doc) else None
        target_starts = sorted(e.start for e in targets) if asides else []
        runs = _Runs.of(targets)
        holes: dict[int, list[tuple[int, int]]] = {}
        for match_id, start, end in matches:
            if heard and all(i in heard for i in range(start, end)):
                continue
            if named and all(i in named for i in range(start, end)):
                continue
            rule = rule_map[strings[match_id]]
            if (
                named_dx
                and rule.category == "NEGATED_EXISTENCE"
                and all(i in named_dx for i in range(start, end))
            ):
                continue
            # the scope ConTextModifier sets from the sentence of its first word, given here
            # from the sentence index (no Token, Span or sentence walk per modifier)
            i = sentences.index(start)
            s0, s1 = sentences.starts[i], sentences.ends[i]
            scope_start, scope_end = _scope(rule, start, end, s0, s1)
            if rule.category == "NEGATED_EXISTENCE" and scope_start < start and runs is not None:
                scope_start = runs.back_to(doc, scope_start, start)
            if asides and rule.max_scope is not None and rule.category == "ADMINISTERED":
                scope_start, scope_end, passed = _past_asides(
                    asides, start, end, scope_start, scope_end, s0, s1
                )
                if passed:
                    holes[len(mods)] = passed
            elif asides and rule.category == "NEGATED_EXISTENCE":
                scope_start, scope_end = _within_aside(
                    asides, target_starts, start, end, scope_start, scope_end
                )
            mods.append(
                ConTextModifier(
                    rule, start, end, doc, scope_start, scope_end, max_scope=context.max_scope
                )
            )
        graph.modifiers = mods
        window = self.scope_window
        if window is not None:
            for m in mods:
                m._scope_start = max(m._scope_start, m._start - window)
                m._scope_end = min(m._scope_end, m._end + window)
        _end_at_administration(doc, mods, targets, self._carriers)
        _update_scopes(mods)
        _apply_modifiers(mods, targets, self._clause_breaks(doc, mods), self._reach, holes)
        _negate_lists(doc, mods, targets, sentences)
        edges = []
        for m in mods:
            m.reduce_targets()
            edges.extend((target, m) for target in m._targets)
        graph.edges = edges
        for target, m in edges:
            target._.modifiers += (m,)
        if context.context_attributes_mapping:
            context.set_context_attributes(edges)
        doc._.context_graph = graph

    def _clause_breaks(self, doc: Doc, mods: list[ConTextModifier]) -> list[int] | None:
        """Token indices of the clause-break words and of the matches of the rules that break a
        clause, when a cue they end is in ``doc`` (else None).
        """
        if not any(m.rule.metadata["breaks"] for m in mods):
            return None
        words = numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), self._break_hashes)).tolist()
        acts = [m._start for m in mods if m.rule.metadata["id"] in self._break_rules]
        return sorted(words + acts)


def _scope(rule: ConTextRule, start: int, end: int, s0: int, s1: int) -> tuple[int, int]:
    """The scope medspaCy's ``ConTextModifier`` gives a modifier at ``start:end`` of the
    sentence ``s0:s1`` (its direction, then its rule's ``max_scope``).
    """
    direction = rule.direction.lower()
    most = rule.max_scope
    if direction == "forward":
        lo, hi = end, s1
        if most is not None and hi - lo > most:
            hi = end + most
    elif direction == "backward":
        lo, hi = s0, start
        if most is not None and hi - lo > most:
            lo = start - most
    else:
        lo, hi = s0, s1
        back = rule.metadata.get("max_scope_backward")
        back = most if back is None else back
        if back is not None and start - lo > back:
            lo = start - back
        if most is not None and hi - end > most:
            hi = end + most
    return lo, hi


#: The most words a parenthetical aside holds (a longer stretch is not an aside).
_ASIDE_WORDS = 12


def _asides(doc: Doc, sentences: Sentences) -> list[tuple[int, int]]:
    """The short parenthetical asides of ``doc``: (first, last) token of each, brackets
    included, within one sentence.
    """
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH)
    opens = numpy.flatnonzero(orths == strings["("]).tolist()
    if not opens:
        return []
    closes = numpy.flatnonzero(orths == strings[")"]).tolist()
    out = []
    for k, i in enumerate(opens):
        c = bisect_left(closes, i)
        if c == len(closes):
            break
        j = closes[c]
        nested = k + 1 < len(opens) and opens[k + 1] < j
        if not nested and j - i - 1 <= _ASIDE_WORDS and j < sentences.ends[sentences.index(i)]:
            out.append((i, j))
    return out


#: Words that end one clause of a run of administrations ("... I M today comma doxy held").
_CLAUSE_ENDS = frozenset({",", ";", "comma", "semicolon"})


class _Runs:
    """The drugs and the doses and routes of a note, for a negation said after a drug: "held"
    in "ceftriaxone 500 mg IM today, doxy held" holds the doxycycline, not the ceftriaxone's
    dose and route said in a clause before it.
    """

    def __init__(self, drugs: list[int], attrs: list[tuple[int, int]]) -> None:
        self.drugs = drugs
        self.attrs = attrs  # (start, end) of doses and routes
        self.attr_starts = [a for a, _ in attrs]

    @classmethod
    def of(cls, targets: list[Span]) -> "_Runs | None":
        drugs = sorted(t.start for t in targets if t.label_ == "DRUG")
        if len(drugs) < 2:
            return None
        attrs = sorted((t.start, t.end) for t in targets if t.label_ in ("DOSE", "ROUTE"))
        return cls(drugs, attrs)

    def back_to(self, doc: Doc, lo: int, cue: int) -> int:
        """Where a negation's backward reach ``lo:cue`` begins: at the last drug before the cue
        when a dose or route of an earlier drug ends a clause before that drug.
        """
        k = bisect_left(self.drugs, cue) - 1
        if k < 0 or self.drugs[k] < lo:
            return lo
        drug = self.drugs[k]
        j = bisect_left(self.attr_starts, drug) - 1
        if j < 0 or self.attrs[j][0] < lo or k == 0 or self.drugs[k - 1] > self.attrs[j][0]:
            return lo  # no dose or route of an earlier drug in reach
        if any(t.lower_ in _CLAUSE_ENDS for t in doc[self.attrs[j][1] : drug]):
            return drug
        return lo


def _past_asides(
    asides: list[tuple[int, int]], start: int, end: int, lo: int, hi: int, s0: int, s1: int
) -> tuple[int, int, list[tuple[int, int]]]:
    """A scope cut at its rule's ``max_scope`` widened by the words of the asides it passes
    over, within its sentence ``s0:s1``, and those asides (a cue outside an aside does not
    modify a mention inside it): "ceftriaxone 500 mg IM (diluted w/ 1% lidocaine), given by
    me" is eight words from its drug to "given", not thirteen.
    """
    passed = []
    for i, j in asides:
        if end <= i < hi and j < s1:
            hi = min(s1, hi + j - i + 1)
            passed.append((i, j))
    for i, j in reversed(asides):
        if lo <= j < start and i >= s0:
            lo = max(s0, lo - (j - i + 1))
            passed.append((i, j))
    return lo, hi, passed


def _within_aside(
    asides: list[tuple[int, int]],
    target_starts: list[int],
    start: int,
    end: int,
    lo: int,
    hi: int,
) -> tuple[int, int]:
    """A negation inside a parenthetical aside that names its own mention keeps to the aside:
    "Promethazine 25 mg deep IM L gluteal (not given IV per pharmacy policy)" negates the IV,
    not the dose given before it; an aside naming nothing ("150 mg IM (declined)") still says
    it of what comes before.
    """
    for i, j in asides:
        if i < start and end <= j:
            k = bisect_left(target_starts, i)
            if (
                k < len(target_starts)
                and target_starts[k] < j
                and not start <= target_starts[k] < end
            ):
                return max(lo, i), min(hi, j)
            break
    return lo, hi


def _end_at_administration(
    doc: Doc, mods: list[ConTextModifier], targets: list[Span], carriers: frozenset[str]
) -> None:
    """A forward negation stops before a drug said with its dose when a finding stands between
    them ("no side effects Abilify Maintena 400 mg", "denies voices in vega sue stena 156 mg" in
    a run without punctuation): it negates the finding, not the administration that follows.
    Right after the cue ("no Toradol 60 mg") or over words that carry it on (``carriers``: "no
    more Toradol 60 mg", "not given today B12") it still negates the drug.
    """
    doses = {t.start for t in targets if t.label_ == "DOSE"}
    drugs = sorted(t.start for t in targets if t.label_ == "DRUG" and t.end in doses)
    if not drugs:
        return
    kinds = {t.start: t.label_ for t in targets}
    for m in mods:
        if m.category != "NEGATED_EXISTENCE" or m.direction != "FORWARD":
            continue
        k = bisect_left(drugs, m._end)
        if k == len(drugs) or drugs[k] >= m._scope_end:
            continue
        words = doc[m._end : drugs[k]]
        if not all(t.is_alpha for t in words):
            continue  # "Not given: ondansetron 4 mg": a label or list, not a run of speech
        between = [kinds.get(x) for x in range(m._end, drugs[k])]
        if "DRUG" in between:
            continue
        if "DIAGNOSIS" in between or any(t.lower_ not in carriers for t in words):
            m._scope_end = drugs[k]


def _blocks(lo: int, hi: int) -> range:
    return range(lo // _BLOCK, hi // _BLOCK + 1)


def _update_scopes(mods: list[ConTextModifier]) -> None:
    """``ConTextGraph.update_scopes`` over the pairs that can meet, in its order.

    A modifier's scope only ever shrinks towards its own span, so its bounds stay in its hull
    (its span and first scope together); ``limit_scope`` does nothing to two modifiers whose
    scopes do not touch, so pairs of disjoint hulls are skipped without changing anything.
    """
    hulls = [
        (min(m._start, m._scope_start, m._scope_end), max(m._end, m._scope_start, m._scope_end))
        for m in mods
    ]
    index: dict[int, list[int]] = defaultdict(list)
    for i, (lo, hi) in enumerate(hulls):
        for b in _blocks(lo, hi):
            index[b].append(i)
    terminates = [m.direction.upper() == "TERMINATE" for m in mods]
    for i, m1 in enumerate(mods):
        lo, hi = hulls[i]
        near = {j for b in _blocks(lo, hi) for j in index[b] if j > i}
        for j in sorted(near):
            if hulls[j][0] <= hi and hulls[j][1] >= lo:
                m2 = mods[j]
                # limit_scope's own first test (medspaCy's tuple_overlaps), inlined: most pairs
                # stop there
                a0, a1, b0, b1 = m1._scope_start, m1._scope_end, m2._scope_start, m2._scope_end
                if a0 <= b0 < a1 or a0 < b1 <= a1:
                    m1.limit_scope(m2)
                    a0, a1 = m1._scope_start, m1._scope_end
                if b0 <= a0 < b1 or b0 < a1 <= b1:
                    m2.limit_scope(m1)
                # a terminating word within another modifier's scope ends it there ("refused
                # ... failed so we gave olanzapine"): medspaCy's overlap test misses a scope
                # wholly inside the terminator's (the sentence), so it is applied here
                if terminates[j] and not terminates[i]:
                    _terminate(m1, m2)
                elif terminates[i] and not terminates[j]:
                    _terminate(m2, m1)
                elif m2.category in m1.rule.terminated_by:
                    # the same for a cue of a category the rule is terminated by ("history of
                    # vomiting prednisone, gave methylprednisolone": the act ends the history)
                    _terminate(m1, m2)


#: The categories a terminating word cuts short. A relative's or an uncertain clause is left as
#: medspaCy leaves it ("a grandmother who was diagnosed with breast cancer" stays family, "likely
#: secondary to colitis" uncertain): reading either as the patient's certain diagnosis could
#: support a claim it should not.
_TERMINATED = frozenset({"NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL"})


def _terminate(m: ConTextModifier, term: ConTextModifier) -> None:
    """A terminating word after ``m`` inside its scope ends its forward reach there.

    Its backward reach is left as medspaCy leaves it ("Xgeva recommended but HELD today" is held).
    """
    if m.category.upper() not in _TERMINATED:
        return
    if not (m._scope_start < term._end and term._start < m._scope_end):
        return
    if m.direction.lower() in ("forward", "bidirectional") and term._start > m._start:
        m._scope_end = min(m._scope_end, term._start)


def _apply_modifiers(
    mods: list[ConTextModifier],
    targets: list[Span],
    breaks: list[int] | None = None,
    reach: int | None = None,
    holes: dict[int, list[tuple[int, int]]] | None = None,
) -> None:
    """``ConTextGraph.apply_modifiers`` (without pruning) over the modifiers whose scope reaches
    each target: a target outside a scope is never modified by it. ``breaks``: clause-break
    words (token indices) a cue of ``ContextTable.clause_break_categories`` does not reach over
    to a mention that is not a diagnosis, nor over more than ``reach`` words. ``holes``: by
    modifier index, the asides its scope was widened over (:func:`_past_asides`).
    """
    index: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(mods):
        if m._scope_start < m._scope_end:  # an empty or inverted scope modifies nothing
            for b in _blocks(m._scope_start, m._scope_end):
                index[b].append(i)
    for target in targets:
        t0, t1 = target.start, target.end
        near = {i for b in _blocks(t0, t1) for i in index.get(b, ())}
        for i in sorted(near):
            m = mods[i]
            s0, s1 = m._scope_start, m._scope_end
            # modifies() needs the target in the scope (tuple_overlaps, inlined)
            if (s0 <= t0 < s1 or s0 < t1 <= s1) and m.modifies(target):
                if breaks is not None and _broken(m, target, breaks, reach):
                    continue
                if holes and i in holes and any(a <= t0 and t1 <= b + 1 for a, b in holes[i]):
                    continue  # inside an aside the scope passed over
                m.modify(target)


#: What may stand between two findings of one list ("no rash, hives, itching or throat
#: tightness").
_LIST_SEPARATORS = frozenset({",", "or", "and", "nor", "/"})


def _negate_lists(
    doc: Doc, mods: list[ConTextModifier], targets: list[Span], sentences: Sentences
) -> None:
    """A negation that reaches the first findings of a list reaches the rest of it: "No rash,
    hives, itching, lip swelling or throat tightness" negates "itching" beyond the cue's
    ``max_scope``. Only diagnoses, each separated from the last by list words alone.
    """
    findings = sorted((t for t in targets if t.label_ == "DIAGNOSIS"), key=lambda t: t.start)
    if len(findings) < 2:
        return
    starts = [t.start for t in findings]
    for m in mods:
        if m.category != "NEGATED_EXISTENCE" or m.direction.lower() == "backward":
            continue
        reached = [t for t in m._targets if t.label_ == "DIAGNOSIS" and t.start >= m._end]
        if not reached:
            continue
        last = max(reached, key=lambda t: t.end)
        end = sentences.ends[sentences.index(m._start)]
        k = bisect_left(starts, last.end)
        while k < len(findings) and findings[k].start < end:
            t = findings[k]
            if not all(w.lower_ in _LIST_SEPARATORS for w in doc[last.end : t.start]):
                break
            if t not in m._targets and m.allows(t.label_.upper()):
                m.modify(t)
            last = t
            k += 1


def _broken(m: ConTextModifier, target: Span, breaks: list[int], reach: int | None) -> bool:
    """A clause break, or more than ``reach`` words, stand between a cue they end and a mention
    that is not a diagnosis.
    """
    if target.label_ == "DIAGNOSIS" or not m.rule.metadata["breaks"]:
        return False
    lo, hi = (m._end, target.start) if m._end <= target.start else (target.end, m._start)
    if reach is not None and hi - lo > reach:
        return True
    k = bisect_left(breaks, lo)
    return k < len(breaks) and breaks[k] < hi
