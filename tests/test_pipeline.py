"""Pipeline components: tokenizer, sentences, mentions, ConText flags, sections, blank fields."""

from __future__ import annotations

import pytest
import spacy

from cleanclaim.pipeline import PIPES
from cleanclaim.rules.doses import parse


def ents(doc, label=None):
    return [(e.text, e.label_) for e in doc.ents if label is None or e.label_ == label]


def test_pipe_order_is_the_declared_one(nlp):
    assert tuple(nlp.pipe_names) == PIPES


@pytest.mark.parametrize(
    ("text", "dose"),
    [
        ("B12 1000mcg IM", "1000mcg"),
        ("B12 1,000 micrograms IM", "1,000 micrograms"),
        ("cyanocobalamin one thousand mcg", "one thousand mcg"),
        ("Bicillin L-A 2.4 million units IM", "2.4 million units"),
        ("Bicillin L-A 2,400,000 units IM", "2,400,000 units"),
        ("Depo-Provera 1 mL IM", "1 mL"),
        ("B12 1cc IM", "1cc"),
        # a unit letter ending the sentence is not an abbreviation ("g." as in "e.g.")
        ("Given ceftriaxone 1 g. Started on cephalexin.", "1 g"),
        ("Heparin 5000 u. SC", "5000 u"),
    ],
)
def test_doses_in_common_forms_are_found(nlp, text, dose):
    assert (dose, "DOSE") in ents(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "Superolateral approach, 18g. Aspirated 30 mL of clear fluid.",
        "Prepped with chlorhexidine, 22 G spinal introduced under ultrasound.",
        "Lateral approach with a 21g; no resistance felt.",
    ],
)
def test_a_needle_gauge_written_like_grams_is_not_a_dose(nlp, text):
    assert not [e for e in ents(nlp(text)) if e[1] == "DOSE" and e[0].lower().endswith("g")]


def test_concentration_is_one_dose_mention(nlp):
    assert ("1000 mcg/mL", "DOSE") in ents(nlp("B12 1000 mcg/mL, 1 mL IM"))


def test_glucose_per_decilitre_is_not_a_dose(nlp):
    assert ents(nlp("fasting glucose 100 mg/dL today"), "DOSE") == []


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,000 micrograms", "1,000 mcg"),
        ("2.4 million units", "2,400,000 units"),
        ("one thousand mcg", "1,000 mcg"),
        ("60mg", "60 mg"),
        ("0.5 cc", "0.5 mL"),
        ("1000 mcg/mL", "1,000 mcg/mL"),
    ],
)
def test_dose_parser_normalizes_amounts(text, amount):
    assert str(parse(text)) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("given IM", "IM"),
        ("given i.m. today", "IM"),
        ("injected intramuscularly", "IM"),
        ("deep IM", "IM"),
        ("given SQ", "SC"),
        ("given subq", "SC"),
        ("given sub-Q", "SC"),
        ("given subcutaneously", "SC"),
        ("4 mg IV push", "IV_PUSH"),
        ("intra-articular injection", "INTRA_ARTICULAR"),
    ],
)
def test_routes_are_normalized(nlp, text, code):
    doc = nlp(text)
    assert [e._.cc_norm for e in doc.ents if e.label_ == "ROUTE"] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "stage IV breast cancer",
        "type IV hypersensitivity",
        "subcutaneous tissue was closed with sutures",
        "I'm fine",
    ],
)
def test_route_look_alikes_are_not_routes(nlp, text):
    assert ents(nlp(text), "ROUTE") == []


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("B12", "cyanocobalamin"),
        ("B-12", "cyanocobalamin"),
        ("vit B12", "cyanocobalamin"),
        ("cyanocobalamine", "cyanocobalamin"),
        ("Rocephin", "ceftriaxone"),
        ("Toradol", "ketorolac"),
        ("Depo-Provera", "medroxyprogesterone"),
        ("Kenalog", "triamcinolone"),
        ("Bicillin L-A", "penicillin"),
        ("Invega Sustenna", "paliperidone"),
        ("Prolia", "denosumab"),
    ],
)
def test_drug_names_normalize_to_generic(nlp, text, drug):
    doc = nlp(f"{text} given today")
    drugs = [e._.cc_norm for e in doc.ents if e.label_ == "DRUG"]
    assert drugs and drugs[0].startswith(drug)


def test_drugs_outside_the_curated_table_come_from_the_dictionary(nlp):
    doc = nlp("Haloperidol lactate given")
    assert any(e.label_ == "DRUG" for e in doc.ents)
    doc = nlp("Patient takes apixaban daily")
    assert [(e.text, e._.cc_rule) for e in doc.ents if e.label_ == "DRUG"] == [
        ("apixaban", "drug.dictionary")
    ]


def test_sites_keep_laterality(nlp):
    assert ("L deltoid", "SITE") in ents(nlp("given in L deltoid"))
    assert ("right ventrogluteal", "SITE") in ents(nlp("given in right ventrogluteal"))


def test_explicit_icd_codes_are_diagnoses(nlp):
    doc = nlp("Dx: D51.0, E53.8")
    assert [e._.cc_norm for e in doc.ents if e.label_ == "DIAGNOSIS"] == ["D51.0", "E53.8"]


def test_template_lines_are_sentences(nlp):
    doc = nlp("Medication: B12\nDose: 1000 mcg\nRoute: IM")
    assert [s.text.strip() for s in doc.sents] == ["Medication: B12", "Dose: 1000 mcg", "Route: IM"]


def test_wrapped_dictation_line_stays_one_sentence(nlp):
    doc = nlp("the patient was given toradol 60 mg into the\nright gluteal muscle and tolerated it")
    assert len(list(doc.sents)) == 1


@pytest.mark.parametrize(
    ("text", "target", "flag"),
    [
        ("B12 injection declined by patient.", "B12", "negated"),
        ("Toradol not given.", "Toradol", "negated"),
        ("Will give Depo-Provera next visit.", "Depo-Provera", "hypothetical"),
        ("Last B12 shot 4 weeks ago.", "B12", "historical"),
        ("Received Bicillin yesterday.", "Bicillin", "historical"),
        ("Mother has pernicious anemia.", "pernicious anemia", "family"),
        ("r/o B12 deficiency, labs pending.", "B12 deficiency", "uncertain"),
        ("Denies anemia.", "anemia", "negated"),
    ],
)
def test_context_flags_mentions_and_records_the_rule(reviewer, text, target, flag):
    review = reviewer.review(text)
    ent = next(e for e in review.entities if e.text.startswith(target))
    assert getattr(ent, flag) is True
    assert ent.modifiers, "the rule that set the flag is recorded"


def test_context_never_drops_mentions(reviewer):
    review = reviewer.review("Patient declined B12 1000 mcg IM today.")
    assert {e.label for e in review.entities} >= {"DRUG", "DOSE", "ROUTE"}


def test_medication_list_ends_at_blank_line(reviewer):
    note = "Meds: metformin 500 mg PO BID\n\nB12 1000 mcg IM L deltoid given today for pernicious anemia. RN"
    review = reviewer.review(note)
    b12 = next(e for e in review.entities if e.text == "B12")
    assert b12.section != "medications"
    assert review.claim_ready is True


def test_blank_template_fields_are_recorded(nlp):
    doc = nlp("Route: ___\nDose: N/A\nSite:\nDrug: B12")
    assert sorted(label for label, _, _ in doc._.cc_blank_fields) == ["DOSE", "ROUTE", "SITE"]


def test_pipeline_round_trips_through_disk(nlp, tmp_path):
    note = "Pt declined Toradol. B12 1000 mcg/mL 1 mL IM L deltoid given for pernicious anemia. Route: ___"
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    before, after = nlp(note), loaded(note)

    def summary(doc):
        return [
            (
                e.text,
                e.label_,
                e.start_char,
                e._.cc_rule,
                e._.cc_norm,
                e._.is_negated,
                e._.cc_modifier_rules,
            )
            for e in doc.ents
        ] + [doc._.cc_section_spans, doc._.cc_blank_fields]

    assert summary(after) == summary(before)
    assert loaded.pipe_names == nlp.pipe_names


def test_round_trip_carries_edited_rules(nlp, tmp_path):
    from cleanclaim import resources as res
    from cleanclaim.pipeline.targets import TargetComponent

    table = res.drugs()
    extra = table.model_copy(
        update={
            "drugs": [
                *table.drugs,
                res.DrugEntry.model_validate(
                    {
                        "id": "zz_testdrug",
                        "name": "zztestdrug",
                        "synonyms": ["zztestdrug"],
                        "class": "other",
                        "source": "test row",
                    }
                ),
            ]
        }
    )
    comp = nlp.get_pipe("cleanclaim_targets")
    tables = dict(comp.tables, drugs=extra)
    custom = spacy.blank("en")
    from cleanclaim.pipeline.tokenizer import add_unit_infixes

    add_unit_infixes(custom)
    custom.add_pipe("cleanclaim_lines")
    targets = custom.add_pipe("cleanclaim_targets", config={"use_drug_dictionary": False})
    assert isinstance(targets, TargetComponent)
    targets._build(tables)
    custom.to_disk(tmp_path / "custom")
    loaded = spacy.load(tmp_path / "custom")
    assert [e._.cc_norm for e in loaded("zztestdrug given").ents] == ["zz_testdrug"]


def test_drug_dictionary_first_word_index_finds_what_a_full_scan_finds(nlp):
    from cleanclaim.pipeline.druglex import DrugLexicon, _variants

    fast = DrugLexicon.load()
    full = DrugLexicon(_variants(), fast.skip, first_words=None)
    doc = nlp.make_doc(
        "Home meds: insulin glargine 20 units qhs, co-trimoxazole DS, Depo-Provera q12wk, apixaban, "
        "St. John's wort, sodium bicarbonate tablets, and haloperidol decanoate monthly."
    )
    found = fast.find(doc)
    assert found == full.find(doc)
    assert found
