"""The fast implementations give what the reference implementations give, on notes written here.

- target matching: :class:`TargetMatcher` (token patterns only where they can start) against
  medspaCy's ``MedspacyMatcher`` over the same rules: the same matches in the same order;
- the broad drug dictionary: the hash pre-check and word-joined keys against a plain scan of
  every token window;
- the classifier: ``decide_many`` against ``decide`` note by note;
- the batch worker (facts per note, classifier per chunk) against ``Reviewer.review``;
- the rules' direct reads of span extensions (``ext``) against spaCy's ``span._``;
- patterns anchored on their last word, screened setting cues and bundling patterns, the date
  hint, the line splitter's possible starts and the screened field labels against the plain
  searches and loops they replace;
- the tokenizer warmed chunk by chunk (:func:`~cleanclaim.pipeline.tokenizer.guarded`) against a
  fresh tokenizer of the same rules.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import regex
from medspacy.common.medspacy_matcher import MedspacyMatcher

from cleanclaim.pipeline.druglex import MAX_TOKENS, DrugLexicon, _variants
from cleanclaim.pipeline.matching import WindowedMatcher
from cleanclaim.pipeline.targets import TargetMatcher, target_rules

NOTES = [
    "Cyanocobalamin 1000 mcg IM given L deltoid by RN Ames for pernicious anemia (D51.0). Lot 7781, exp 03/2027.",
    "Ketorolac 60 mg/2 mL I.M. right gluteal, pt tolerated well. Per protocol. No waste, JZ. 99211.",
    "Pt declined the B12 injection today; B12 level of 150 last month. Return in four weeks.",
    "b 12 one thousand micrograms eye em in the left del toyed given by nurse period",
    "Lidocaine 1% with epi 2 mL infiltrated; ceftriaxone two point four million units i m.",
    "Depo-Provera 150 mg IM q12 weeks, given in the hospital infusion center, drug wasted 0 mg.",
    "Medications: insulin glargine 20 units SQ qhs, co-trimoxazole DS, apixaban 5 mg PO bid, "
    "sodium bicarbonate tablets, haloperidol decanoate monthly, St. John's wort.",
    "ΑΣ Σ İstanbul insulin aspart ΣΑ sodium chloride 0.9% 1000 mL IV; vitamin b12 level 180.",
    "Testosterone cypionate 200 mg/mL, 1 mL intramuscular, 25g 1.5 in needle, Dr. Roy MD.",
    "",
    "one two three four five six seven eight nine ten mg",
]


def test_target_matcher_finds_what_medspacy_finds_in_the_same_order(nlp):
    tables = nlp.get_pipe("cleanclaim_targets").tables
    reference = MedspacyMatcher(nlp, phrase_matcher_attr="LOWER", prune=False)
    reference.add(list(target_rules(nlp, tables)))
    fast = TargetMatcher(nlp, list(target_rules(nlp, tables)))
    assert fast.rule_map.keys() == reference.rule_map.keys()
    found = 0
    for text in NOTES:
        doc = nlp.make_doc(text)
        assert fast(doc) == reference(doc), text
        found += len(fast(doc))
    assert found > 40


def test_windowed_matcher_equals_the_matcher_on_optional_repeated_and_negated_steps(nlp):
    from spacy.matcher import Matcher

    patterns = [
        ("a", [{"LOWER": "no"}, {"LOWER": {"IN": ["more", "further"]}, "OP": "?"}]),
        ("b", [{"LIKE_NUM": True, "OP": "+"}, {"LOWER": {"REGEX": "^(mg|mcg)$"}}]),
        ("c", [{"LOWER": "given", "OP": "?"}, {"TEXT": "IM"}, {"IS_PUNCT": True, "OP": "*"}]),
        ("d", [{"LOWER": "not"}, {"LOWER": "given", "OP": "!"}, {"LOWER": "today"}]),
        ("e", [{"LOWER": "x"}, {"LOWER": "y", "OP": "{1,3}"}]),
        ("f", [{"LOWER": "per"}, {"IS_TITLE": True, "OP": "{,2}"}, {"LOWER": "order"}]),
        ("g", [{"LOWER": {"IN": ["z", "y"]}, "OP": "{2,}"}, {"LOWER": "end"}]),
        ("h", [{"LOWER": "q", "OP": "{2}"}, {"LOWER": "w", "OP": "{0,1}"}]),
        ("j", [{"ORTH": ":"}, {"IS_SPACE": True, "OP": "*"}, {"IS_UPPER": True}]),
    ]
    texts = [
        "no more one two three mg given IM ... not yet today x y y y y",
        "IM IM, given IM; 5 5 5 mg no further not given today no",
        "per Dr Hale order; per order; per A B C order; y z y z end q q q w k k",
        "Allergies:  NKDA. Plan: none. Dx:\n\n  PA",
    ]
    for subset in (patterns[:4], patterns):
        reference = Matcher(nlp.vocab)
        for key, pattern in subset:
            reference.add(key, [pattern])
        fast = WindowedMatcher(nlp.vocab, subset)
        for text in texts:
            doc = nlp.make_doc(text)
            assert fast(doc) == reference(doc), text
        assert any(fast(nlp.make_doc(text)) for text in texts)
    assert not WindowedMatcher(nlp.vocab, patterns)._whole_doc  # every operator spaCy has


def test_matcher_anchored_on_the_last_word_equals_the_matcher(nlp):
    """Patterns that all end with one required word ("... colon") run only before that word."""
    from spacy.matcher import Matcher

    colon = {"LOWER": {"IN": ["colon", "semicolon"]}}
    patterns = [
        ("plan", [{"LOWER": "plan"}, colon]),
        ("pmh", [{"LOWER": "past"}, {"LOWER": "medical"}, {"LOWER": "history"}, colon]),
        (
            "num",
            [{"LOWER": "plan"}, {"LOWER": {"IN": ["number", "no"]}}, {"LIKE_NUM": True}, colon],
        ),
        ("opt", [{"LOWER": "assessment", "OP": "?"}, {"LOWER": "and"}, {"LOWER": "plan"}, colon]),
    ]
    texts = [
        "colon plan colon past medical history colon plan number two colon",
        "assessment and plan colon plan colon colon cancer screening with colonoscopy",
        "plan no 3 semicolon and plan colon the sigmoid colon was normal",
        "no anchors in this one at all",
        "colon",
    ]
    reference = Matcher(nlp.vocab)
    for key, pattern in patterns:
        reference.add(key, [pattern])
    fast = WindowedMatcher(nlp.vocab, patterns)
    assert fast._anchor is not None
    for text in texts:
        doc = nlp.make_doc(text)
        assert fast(doc) == reference(doc), text
    assert len(fast(nlp.make_doc(texts[0]))) == 3
    # a pattern of unbounded length, or one ending in an optional step, keeps the start windows
    for extra in (
        [{"LOWER": "plan"}, {"IS_ALPHA": True, "OP": "+"}, colon],
        [{"LOWER": "plan"}, {**colon, "OP": "?"}],
    ):
        assert WindowedMatcher(nlp.vocab, [*patterns, ("x", extra)])._anchor is None


def test_shipped_target_rules_stay_windowed(nlp):
    """One pattern the windowing cannot bound sends every note through the whole-doc Matcher."""
    assert not nlp.get_pipe("cleanclaim_targets")._matcher._tokens._whole_doc


def _plain_scan(lexicon: DrugLexicon, doc) -> list[tuple[int, int, str]]:  # noqa: ANN001
    """The drug dictionary as first written: every token, every window, its lowered text."""
    spans, i, n = [], 0, len(doc)
    while i < n:
        tok = doc[i]
        if not tok.is_alpha or len(tok) < 3:
            i += 1
            continue
        found = None
        for width in range(min(MAX_TOKENS + 2, n - i), 0, -1):
            key = doc[i : i + width].text.lower()
            if lexicon.variants.get(key) is not None and key not in lexicon.skip:
                found = (width, lexicon.variants[key])
                break
        if found is None:
            i += 1
            continue
        width, canonical = found
        spans.append((i, i + width, canonical.lower().replace(" ", "_").replace(",", "")))
        i += width
    return spans


def test_drug_dictionary_finds_what_a_plain_scan_finds(nlp):
    lexicon = nlp.get_pipe("cleanclaim_targets")._lexicon
    assert lexicon is not None
    plain = DrugLexicon(_variants(), lexicon.skip, first_words=None)
    found = 0
    for text in NOTES:
        doc = nlp.make_doc(text)
        assert lexicon.find(doc) == _plain_scan(plain, doc), text
        found += len(lexicon.find(doc))
    assert found >= 5


@pytest.fixture(scope="module")
def model_reviewer():
    from cleanclaim.reviewer import Reviewer

    reviewer = Reviewer(model="default")
    if reviewer.model is None:
        pytest.skip("no shipped model installed")
    return reviewer


def test_classifier_once_per_batch_equals_note_by_note(model_reviewer):
    r = model_reviewer
    facts = [r.facts(r.nlp(t), f"n{i}", "2026-06-01") for i, t in enumerate(NOTES) if t]
    one_by_one = [r.model.decide(f) for f in facts]
    assert r.model.decide_many(facts) == one_by_one
    reviews = list(
        r.review_many([(f"n{i}", t) for i, t in enumerate(NOTES)], date_of_service="2026-06-01")
    )
    assert [x.error for x in reviews].count("note is empty") == 1
    assert [x for x in reviews if x.error is None] == one_by_one


def test_batch_worker_records_equal_single_reviews(model_reviewer):
    from cleanclaim.batch import runner

    runner.init_worker(False, False, None, "2026-06-01")
    try:
        chunk = [(f"n{i}", t, None) for i, t in enumerate(NOTES)]
        records = runner.review_chunk(chunk)
    finally:
        runner._WORKER.clear()
    for (note_id, text, _), record in zip(chunk, records, strict=True):
        if not text:
            assert record["error"] == "note is empty"
            continue
        want = model_reviewer.review(text, note_id, date_of_service="2026-06-01").to_dict()
        assert record == want


SECTIONED = [
    "CHIEF COMPLAINT: back pain\nHISTORY OF PRESENT ILLNESS: lifting injury.\nMEDICATIONS:\n"
    "ibuprofen\n\nASSESSMENT/PLAN: Ketorolac 60 mg IM given right gluteal.",
    "plan colon ketorolac sixty milligrams I M period assessment number two colon strain",
    "S: here for B12. O: afebrile. A: pernicious anemia. P: cyanocobalamin 1000 mcg IM.",
    "no headers at all in this note, just cyanocobalamin 1000 mcg IM given",
    "Past Medical History: asthma. Family History: mother with pernicious anemia. Plan: none",
    "Medication list (reconciled today): sertraline. Allergies reviewed with patient: none.\n"
    "Assessment (per MD): B12 deficiency. Plan: cyanocobalamin 1000 mcg IM",
]


def test_sections_are_those_of_medspacys_sectionizer(nlp):
    """The section component's matcher against medspaCy's ``Sectionizer`` with the same rules."""
    from medspacy.section_detection import Sectionizer

    component = nlp.get_pipe("cleanclaim_sections")
    reference = Sectionizer(
        nlp, name="reference", rules=None, input_span_type=None, span_attrs=None
    )
    reference.add([*component._matcher.rule_map.values(), *component._qualified.rule_map.values()])
    found = 0
    for text in SECTIONED:
        doc = nlp.make_doc(text)
        reference(doc)
        expected = [(s.category, s.title_span, s.body_span) for s in doc._.sections]
        got = [(s.category, s.title_span, s.body_span) for s in component.sections(doc)]
        assert got == expected, text
        found += sum(1 for s in got if s[0] is not None)
    assert found >= 12


def test_word_tests_as_lexeme_flags_match_as_written():
    """Word-set and regex tests run as lexeme flags or as one pattern per word: same matches,
    flags shared, later steps leave bits for the next matcher's starts, and once the free bits
    are taken the remaining tests run as written."""
    import spacy
    from spacy.matcher import Matcher

    fresh = spacy.blank("en")
    patterns = [
        (f"p{n}", [{"LOWER": {"IN": [f"w{n}", "shared"]}}, {"TEXT": {"REGEX": rf"^{n}\d*$"}}])
        for n in range(30)
    ]
    patterns.append(("neg", [{"LOWER": "not"}, {"LOWER": {"NOT_IN": ["given", "done"]}}]))
    starts = [
        (
            f"s{n}",
            [
                {"TEXT": {"REGEX": rf"^{n}7$"}, "OP": "?"},
                {"LOWER": {"IN": ["not"]}},
                {"LOWER": "today", "OP": "?"},
            ],
        )
        for n in range(20)
    ]
    text = " ".join(f"W{n} {n}7 shared {n} not today not given" for n in range(30))
    reference = Matcher(fresh.vocab)
    for key, pattern in patterns + starts:
        reference.add(key, [pattern])
    bits = range(19, 64)
    first = WindowedMatcher(fresh.vocab, patterns)
    taken = {b for b in fresh.vocab.lex_attr_getters if b in bits}
    # 31 tests of later steps (the first steps' word sets are one pattern per word), 45 bits:
    # 16 stay free for the start steps of the next matcher
    assert len(taken) == 45 - 16
    again = WindowedMatcher(fresh.vocab, patterns[:10])
    assert {b for b in fresh.vocab.lex_attr_getters if b in bits} == taken
    later = WindowedMatcher(fresh.vocab, starts)  # 20 start tests take the 16 left, 4 as written
    assert len({b for b in fresh.vocab.lex_attr_getters if b in bits}) == 45
    doc = fresh.make_doc(text)
    expected = reference(doc)
    assert len(expected) > 60
    keys = {m[0] for m in expected}
    assert first(doc) == [m for m in expected if fresh.vocab.strings[m[0]][0] in "pn"]
    assert again(doc) == [
        m
        for m in expected
        if fresh.vocab.strings[m[0]] in {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"}
    ]
    assert later(doc) == [m for m in expected if fresh.vocab.strings[m[0]][0] == "s"]
    assert {fresh.vocab.strings[k][0] for k in keys} == {"p", "n", "s"}


def test_context_modifiers_are_those_of_medspacys_matcher(nlp):
    """ConText's modifiers through the TargetMatcher against medspaCy's own ConText matcher."""
    from medspacy.common.util import prune_overlapping_matches

    component = nlp.get_pipe("cleanclaim_context")
    reference = component._context._ConText__matcher
    texts = [
        *NOTES,
        *SECTIONED,
        "Allergies:  no  NKDA. Rash on the right arm at 10:45, no fever; denies chest pain.",
        "Family history: mother with pernicious anemia. Possible B12 deficiency; rule out anemia.",
    ]
    found = 0
    for text in texts:
        doc = nlp.make_doc(text)
        fast = prune_overlapping_matches(component._matcher(doc))
        assert fast == reference(doc), text
        found += len(fast)
    assert found > 15


NOTE_KINDS = [
    "OPERATIVE REPORT\nPreoperative diagnosis: torn meniscus. Lidocaine 1% 5 mL local.",
    "Discharge Summary\nHospital course: ceftriaxone 1 g IV daily. Discharge medications: none.",
    "Telehealth visit (video). Patient reports B12 shots at home.",
    "Progress note\nPROCEDURE NOTE: trigger point injection.\nHOSPITAL COURSE: uneventful.",
    "Nurse visit 11/02/2026. Cyanocobalamin 1000 mcg IM L deltoid.",
    "ED course: ketorolac 30 mg IM given. Emergency Department Note follows.",
    "",
]


def test_note_type_search_as_one_alternation_equals_pattern_by_pattern(nlp):
    """The earliest title or section of any note type, as the loop over every pattern found it."""
    from cleanclaim.rules.decide import RuleSet

    reader = RuleSet.from_pipeline(nlp).settings

    def loop(text: str, which: int):  # noqa: ANN202
        best = None
        for entry in reader.types:
            for pattern in entry[which]:
                m = pattern.search(text)
                if m and (best is None or m.start() < best[1].start()):
                    best = (entry[0], m.span())
        return best

    found = 0
    for text in NOTE_KINDS:
        for which in (1, 2):
            got = reader._earliest(text, which)
            got = None if got is None else (got[0], got[1].span())
            assert got == loop(text, which), text
            found += got is not None
    assert found >= 6


OPERATIVE = [
    "OPERATIVE REPORT\nPROCEDURE: right knee arthroscopy.\nESTIMATED BLOOD LOSS: minimal.",
    "Procedure note\nThe patient was brought to the operating room and general endotracheal "
    "anesthesia was induced. Cefazolin 2 g IV before incision.",
    "Procedure note\n" + "Exam unremarkable.\n" * 80 + "Operation",
    "Procedure note\nOperation",
    "Procedure note\nBupivacaine 0.25% 10 mL injected into the knee joint, no anesthesia.",
]


def test_bundling_patterns_screened_equal_every_pattern_searched(nlp):
    """A bundling pattern found in the header, or at any line start of the note, as the plain
    search of every pattern found it (the header cut may end a pattern's line)."""
    from cleanclaim.rules.decide import RuleSet

    reader = RuleSet.from_pipeline(nlp).settings
    cut = reader.header_chars
    texts = [*OPERATIVE, "Procedure note\n" + "x" * (cut - 24) + "\nOperation room booked"]
    seen = set()
    for text in texts:
        for type_id, _, _, bundle in reader.types:
            plain = any(
                p.search(text[:cut]) or (p.pattern.startswith("^") and p.search(text))
                for p in bundle
            )
            assert reader._bundles(type_id, text) == plain, (type_id, text[:40])
            seen.add(plain)
    assert seen == {True, False}


CLAUSES = [
    "received ceftriaxone 1 g IM at the referring hospital",
    "cefazolin 2 g IV given after induction",
    "Rx: methylprednisolone dose pack, to pharmacy",
    "ketorolac 60 mg IM given today in clinic",
    "during her hospital stay she received enoxaparin 40 mg SC daily",
    "Depo-Provera 150 mg IM given at Riverbend Urgent Care on Sunday",
    "",
]


def test_cues_screened_pattern_by_pattern_equal_one_alternation_per_setting(nlp):
    """The setting a clause's wording gives, as one alternation per setting searched in table
    order found it."""
    from cleanclaim.rules.decide import RuleSet
    from cleanclaim.rules.setting import _DONE

    reader = RuleSet.from_pipeline(nlp).settings
    table = reader.table
    settings = [
        (c.setting, regex.compile("|".join(f"(?:{p})" for p in c.patterns), regex.I | regex.M))
        for c in table.cues
        if c.patterns
    ]

    def alternations(clause: str) -> str | None:
        done = table.order_only_unless_done and _DONE.search(clause)
        for setting, pattern in settings:
            if setting == "order_only" and done:
                continue
            if pattern.search(clause):
                return setting
        return None

    found = set()
    for clause in CLAUSES:
        assert reader._clause_cue(clause) == alternations(clause), clause
        found.add(alternations(clause))
    assert len(found) >= 4


def test_date_hint_skips_only_notes_without_a_date(nlp):
    """The date of service read with the quick date hint, as the patterns alone read it."""
    from cleanclaim import resources as res
    from cleanclaim.rules.dates import DateReader

    reader = DateReader(res.payer())
    assert reader._hint is not None  # the shipped patterns read their dates with one group
    plain = DateReader(res.payer())
    plain._hint = None
    texts = [
        "Date of service: 03/11/2026\nB12 1000 mcg IM.",
        "Nurse visit 2026-03-11 for B12.",
        "BP 120/80, murmur 2/6, no date here.",
        "DOS 3-11-26 ketorolac given",
        "",
    ]
    assert [reader.read(t) for t in texts] == [plain.read(t) for t in texts]
    assert sum(reader.read(t) is not None for t in texts) == 3


def test_fast_extension_reads_equal_spacys(reviewer):
    from cleanclaim.pipeline.extensions import SPAN_EXTENSIONS, ext

    doc = reviewer.nlp(
        "Nurse visit. Dx: B12 deficiency (E53.8). Cyanocobalamin 1000 mcg IM given in the left "
        "deltoid by RN Kim. No history of anaphylaxis. Mother with pernicious anemia. "
        "Plan: repeat next month; Toradol was not given."
    )
    names = [*SPAN_EXTENSIONS, "is_negated", "is_historical", "is_family", "modifiers"]
    spans = [*doc.ents, *doc.spans.get("cc_advisory", [])]
    assert any(ext(s, "is_negated") for s in spans) and any(ext(s, "cc_given") for s in spans)
    for span in spans:
        for name in names:
            assert ext(span, name) == getattr(span._, name), (span.text, name)


SPLIT = [
    "Tdap 0.5 mL. Given by RN\nSite: L deltoid\n\nPlan: return in 4 weeks. Dr. Lee signed.",
    "chlorhexidine prep. 1 mL lidocaine! Then? ketorolac 60 mg IM\nwas given in the\nright glute",
    "mg/mL. Next line U. 5 units L. Two\n\n\n  indented line ends here.",
    "Café visit — naïve patient. B12 1000 mcg IM.\r\nNext: none",
    "",
    "one",
]


def test_line_sentencizer_reads_only_possible_starts_as_the_token_loop_did(nlp):
    """Sentence starts read at the tokens after a break, an end or a kept period only, as the
    loop over every token set them."""
    import numpy
    from spacy.attrs import SENT_START

    from cleanclaim.pipeline import lines

    def token_loop(doc):  # noqa: ANN001, ANN202 - the splitter as first written
        texts = [t.text for t in doc]
        spaces = [t.whitespace_ for t in doc]
        out = [1] + [-1] * (len(doc) - 1)
        for i in range(1, len(doc)):
            prev, cur = texts[i - 1], texts[i]
            if prev.isspace() and "\n" in prev:
                start = not lines._wrapped(texts, spaces, i)
            elif cur.isspace() and "\n" in cur:
                start = False
            elif prev in lines._END_PUNCT and not lines._is_punct(cur):
                start = True
            elif (
                prev in lines._UNIT_PERIOD
                and i > 1
                and (texts[i - 2] == "/" or lines._is_number(texts[i - 2]))
                and (cur.istitle() or cur[0].isdigit())
            ):
                start = True
            elif lines._lower_abbreviation_end(prev) and (cur.istitle() or cur[0].isdigit()):
                start = True
            else:
                continue
            out[i] = 1 if start else -1
        return out

    splitter = lines.LineSentencizer()
    starts = 0
    for text in SPLIT:
        doc = nlp.make_doc(text)
        if not len(doc):
            continue
        splitter(doc)
        got = [1 if v == 1 else -1 for v in doc.to_array([SENT_START]).reshape(-1).tolist()]
        want = token_loop(doc)
        assert got == want, text
        starts += int(numpy.sum(numpy.array(got) == 1))
    assert starts >= 12


def test_field_labels_screened_find_what_the_search_finds(nlp):
    component = nlp.get_pipe("cleanclaim_fields")
    texts = [
        "Route: ___\nSite: L deltoid\nDose:",
        "Route:   Dose: 1 mL  Site: N/A",
        "no labels in this note at all",
        "Médication: ketorolac  Route:\nSite: R glute",
        "",
    ]
    found = 0
    for text in texts:
        got = component.find(text)
        unscreened = SimpleNamespace(indexed=lambda _text: [(0, None)])
        screen, component._label_screen = component._label_screen, unscreened
        try:
            assert got == component.find(text), text
        finally:
            component._label_screen = screen
        found += len(got)
    assert found >= 4


def test_a_warmed_tokenizer_gives_the_tokens_of_a_fresh_one():
    """Chunks tokenized alone first (so spaCy caches them past a note's first special case,
    "Dr." or "e.g.") give the same tokens, spaces and offsets, note after note."""
    import spacy

    from cleanclaim.pipeline.tokenizer import add_unit_infixes, guarded, warmed_chunks

    def pipeline():
        nlp = spacy.blank("en")
        add_unit_infixes(nlp)
        return nlp

    warmed, fresh = pipeline(), pipeline()
    notes = [
        *NOTES,
        "Dr. Roy saw pt at 3 p.m. (e.g. L deltoid) and gave B12 1000mcg IM; Pt's Hgb 9.8, can't walk.",
        "Seen by Dr. Ames. Ketorolac 60mg/2mL IM R glute (e.g. for renal colic) -- RN Cho, 10:05am.",
    ]
    for _ in range(2):  # the second pass reads every chunk from the cache
        for text in notes:
            got = guarded(warmed, text)
            want = fresh.make_doc(text)
            assert [(t.text, t.idx, t.whitespace_) for t in got] == [
                (t.text, t.idx, t.whitespace_) for t in want
            ]
    assert warmed_chunks(warmed) >= {"Dr.", "1000mcg", "60mg/2mL"}


def test_the_warmed_chunks_are_bounded(monkeypatch):
    import spacy

    from cleanclaim.pipeline import tokenizer

    nlp = spacy.blank("en")
    monkeypatch.setattr(tokenizer, "WARMED_CHUNKS", 5)
    tokenizer.guarded(nlp, "one two three four five six seven")
    seen = tokenizer.warmed_chunks(nlp)
    assert len(seen) == 7  # one note's chunks are taken whole
    tokenizer.guarded(nlp, "eight nine ten")
    assert "eight" not in seen  # then nothing more is remembered
    assert [t.text for t in tokenizer.guarded(nlp, "eight nine ten")] == ["eight", "nine", "ten"]
