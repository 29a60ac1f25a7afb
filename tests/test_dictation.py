"""Raw speech-recognition dictation: what the reader reads, and what it must not invent.

Every note here is written for these tests. Mangled names are ones the dictation table has no
entry for (the reading comes from number parsing, letters, phonetic and edit-distance matching).
"""

from __future__ import annotations

import pytest
import spacy

from assertions import blocking, entity, ents
from cleanclaim import Reviewer
from cleanclaim.pipeline.dictation import parse_number

# Number words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("one thousand", 1000),
        ("a thousand", 1000),
        ("two point four million", 2_400_000),
        ("point five", 0.5),
        ("zero point seven five", 0.75),
        ("one twenty five", 125),
        ("forty", 40),
        ("one and a half", 1.5),
        ("two and a half", 2.5),
        ("a half", 0.5),
        ("one half", 0.5),
    ],
)
def test_number_words_parse(words, value):
    assert parse_number(words.split()) == pytest.approx(value)


def test_number_word_doses_and_units_heard_as_letters(reviewer):
    note = (
        "Nurse visit for low testosterone period testosterone cypionate two hundred milligrams "
        "I M right gluteal comma then ketorolac thirty milligrams one m l I M left deltoid "
        "period given by LPN Ortiz period"
    )
    r = reviewer.review(note)
    dose = entity(r, "one m l", "DOSE")
    assert dose.normalized == "1 mL" and dose.how == "number_words"
    assert note[dose.start : dose.end] == "one m l"  # offsets on the dictated characters


def test_vitamin_letter_and_number_never_merge_with_dose(reviewer):
    note = (
        "pernicious anemia period we gave bee twelve one thousand micrograms I M in the left "
        "deltoid period tolerated well period given by Dana RN period"
    )
    r = reviewer.review(note)
    drug = entity(r, "bee twelve", "DRUG")
    assert drug.norm == "cyanocobalamin" and drug.how == "letters"
    (adm,) = [a for a in r.administrations if a.given]
    assert adm.dose == "1,000 mcg" and adm.units == 1
    assert r.claim_ready


def test_a_thousand_mics_and_point_five(reviewer):
    note = (
        "b 12 deficiency period cyanocobalamin a thousand mics sub cue left deltoid comma "
        "flu shot point five m l given also period given by MA Reyes period"
    )
    r = reviewer.review(note)
    assert entity(r, "a thousand mics", "DOSE").normalized == "1000 mcg"
    assert entity(r, "point five m l", "DOSE").normalized == "0.5 mL"


def test_number_words_alone_are_not_doses(reviewer):
    r = reviewer.review("She has two children and walks four miles period No injections today.")
    assert not ents(r, "DOSE")


# Routes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "code"),
    [("eye em", "IM"), ("ess cue", "SC"), ("sub queue", "SC"), ("sub-cute", "SC"), ("I. V.", "IV")],
)
def test_spoken_routes(reviewer, said, code):
    note = (
        f"ceftriaxone two hundred fifty milligrams {said} right ventrogluteal for gonorrhea period"
    )
    r = reviewer.review(note)
    routes = ents(r, "ROUTE")
    assert [e.norm for e in routes] == [code], [(e.text, e.norm) for e in routes]
    assert note[routes[0].start : routes[0].end].lower().startswith(said.split()[0].lower()[:2])


def test_i_am_is_a_route_next_to_a_dose(reviewer):
    note = "Toradol sixty milligrams I am right gluteus for back pain period given by RN Kim period"
    r = reviewer.review(note)
    route = entity(r, "I am", "ROUTE")
    assert route.norm == "IM" and route.how == "spoken_route"


def test_i_am_pronoun_is_not_a_route(reviewer):
    note = "I am concerned about her knee pain period I am going to order an x-ray period"
    r = reviewer.review(note)
    assert not ents(r, "ROUTE")


# Drugs and sites as heard ---------------------------------------------------------------------


def test_drug_names_split_into_pieces(reviewer):
    # none of these spellings is in a table: read by joining pieces, phonetic code and distance
    note = (
        "acute migraine period gave eye ma tricks six milligrams sub Q in the left thigh period "
        "also zoh fran four milligrams I M right deltoid for nausea period given by RN Patel period"
    )
    r = reviewer.review(note)
    assert entity(r, "eye ma tricks", "DRUG").norm == "sumatriptan"
    zof = entity(r, "zoh fran", "DRUG")
    assert zof.norm == "ondansetron" and zof.how in ("phonetic", "fuzzy", "joined")


def test_sites_heard_as_words(reviewer):
    note = (
        "Depo Provera one fifty milligrams I M write dell toid period contraception period "
        "given by Sam LPN period"
    )
    r = reviewer.review(note)
    site = entity(r, "write dell toid", "SITE")
    assert site.norm == "deltoid" and site.normalized == "right deltoid"
    assert "SITE_MISSING" not in r.gap_codes


def test_ordinary_words_are_not_read_as_drugs(reviewer):
    note = (
        "He had a shot of whiskey last night period Sterile technique discussed period "
        "Proceed with physical therapy for the medial knee period"
    )
    r = reviewer.review(note)
    assert not ents(r, "DRUG") and not ents(r, "DOSE") and not ents(r, "ROUTE")
    assert r.injections == 0


# Spoken punctuation ---------------------------------------------------------------------------


def test_spoken_period_ends_a_sentence(nlp):
    doc = nlp("patient tolerated it well period ketorolac given next line plan follow up")
    starts = [t.text for t in doc if t.is_sent_start]
    assert "ketorolac" in starts and "plan" in starts


def test_menstrual_period_and_colon_cancer_are_words(nlp):
    doc = nlp("her last menstrual period was regular and a history of colon cancer in her father")
    assert [t.text for t in doc if t.is_sent_start] == ["her"]


def test_scratch_that_retracts_the_mention(reviewer):
    note = (
        "Kenalog forty milligrams I V scratch that I M left gluteal for allergic rhinitis period "
        "given by RN Lee period"
    )
    r = reviewer.review(note)
    assert [e.norm for e in ents(r, "ROUTE")] == ["IM"]
    assert "ROUTE_CONFLICT" not in r.gap_codes


# DICTATION_UNCLEAR ----------------------------------------------------------------------------


def test_dictation_unclear_for_a_phonetic_drug(reviewer):
    note = (
        "migraine period gave eye ma tricks six milligrams sub Q left thigh period "
        "given by RN Patel period"
    )
    r = reviewer.review(note)
    gap = next(g for g in r.gaps if g.code == "DICTATION_UNCLEAR")
    assert gap.severity == "advisory"
    assert any(e.text == "eye ma tricks" for e in gap.evidence)
    assert "confirm" in gap.query.lower()


def test_dictation_unclear_for_an_inaudible_marker(reviewer):
    note = "Migraine. Sumatriptan 6 mg subcutaneous [inaudible] left thigh. Given by RN Patel."
    r = reviewer.review(note)
    assert "DICTATION_UNCLEAR" in r.gap_codes


def test_clean_notes_raise_nothing_new(reviewer):
    typed = "Migraine. Sumatriptan 6 mg subcutaneous left thigh. Given by RN Patel."
    spoken = (
        "migraine period sumatriptan six milligrams sub Q left thigh period given by RN Patel "
        "period"
    )
    for note in (typed, spoken):
        assert "DICTATION_UNCLEAR" not in reviewer.review(note).gap_codes


def test_dictated_and_typed_versions_agree(reviewer):
    typed = (
        "Nurse visit. Pernicious anemia. Cyanocobalamin 1000 mcg IM left deltoid. "
        "Tolerated well. Given by Jo Park, RN."
    )
    dictated = (
        "nurse visit period pernicious anemia period cyanocobalamin one thousand micrograms "
        "eye em lift deltoid period tolerated well period given by Jo Park comma RN period"
    )
    a, b = reviewer.review(typed), reviewer.review(dictated)
    assert (a.claim_ready, a.gap_codes) == (b.claim_ready, b.gap_codes)
    assert b.claim_ready


# Record, render and persistence ---------------------------------------------------------------


def test_entity_record_and_render(reviewer):
    from cleanclaim.render import read_as, to_html

    note = "migraine period gave eye ma tricks six milligrams sub Q left thigh period"
    r = reviewer.review(note)
    rec = next(e for e in r.to_dict()["entities"] if e["text"] == "eye ma tricks")
    assert rec["normalized"] == "sumatriptan" and rec["how"] == "phonetic"
    assert note[rec["start"] : rec["end"]] == "eye ma tricks"
    assert ("DRUG", "eye ma tricks", "sumatriptan", "phonetic") in read_as(r)
    page = to_html(note, r)
    assert 'class="read"' in page and "Read as" in page


def test_saved_pipeline_keeps_dictation_tables(nlp, tmp_path):
    pipe = nlp.get_pipe("cleanclaim_dictation")
    path = tmp_path / "pipeline"
    nlp.to_disk(path)
    assert (path / "cleanclaim_dictation" / "dictation.json").exists()
    loaded = spacy.load(path)
    again = loaded.get_pipe("cleanclaim_dictation")
    assert again.tables["dictation"] == pipe.tables["dictation"]
    r = Reviewer(nlp=loaded, model=None).review(
        "Toradol sixty milligrams eye em right gluteus period"
    )
    assert [e.norm for e in ents(r, "ROUTE")] == ["IM"]


# Names heard with a glue word, said again, and sites after a side ------------------------------


def test_first_syllable_heard_as_a_glue_word(reviewer):
    # "in" of Invega and the final "in" of Rocephin-like names are heard as words
    note = (
        "schizophrenia stable period procedure colon in vega sue stena one fifty six milligrams "
        "I M left deltoid given by nurse Pham period"
    )
    drug = entity(reviewer.review(note), "in vega sue stena", "DRUG")
    assert drug.normalized and "paliperidone" in drug.normalized


@pytest.mark.parametrize(
    "note",
    [
        "blood pressure is one thirty over eighty period ketorolac sixty milligrams I M given",
        "we had to separate the dressing comma ketorolac sixty milligrams I M given left deltoid",
        "as part of the visit ketorolac sixty milligrams I M given left deltoid",
    ],
)
def test_ordinary_phrases_with_glue_words_are_not_names(reviewer, note):
    drugs = {e.text.lower() for e in ents(reviewer.review(note), "DRUG")}
    assert drugs == {"ketorolac"}


def test_a_name_read_near_a_dose_is_read_again_elsewhere(reviewer):
    note = (
        "endometriosis with pelvic pain period she is doing well on loop ron comma fewer hot "
        "flashes than on the first dose period next line procedure colon we gave loop ron "
        "eleven point two five milligrams I M right glute by RN Okafor period"
    )
    r = reviewer.review(note)
    reads = [e for e in ents(r, "DRUG") if e.text == "loop ron"]
    assert len(reads) == 2
    assert reads[0].normalized == reads[1].normalized == "leuprolide"


@pytest.mark.parametrize(
    ("said", "dose"),
    [
        ("eleven point two five milligrams", "11.25 mg"),
        ("three point seven five milligrams", "3.75 mg"),
        ("one fifty milligrams", "150 mg"),
        ("zero point five m l", "0.5 mL"),
    ],
)
def test_decimal_number_word_doses_read_whole(reviewer, said, dose):
    note = f"given medroxyprogesterone {said} I M left deltoid by RN Okafor period"
    assert entity(reviewer.review(note), said, "DOSE").normalized == dose


@pytest.mark.parametrize(("said", "side"), [("right", "right"), ("lift", "left")])
def test_a_misheard_site_keeps_its_side(reviewer, said, side):
    note = f"tore a doll thirty milligrams I M {said} del toyed given by RN Vasquez period"
    site = ents(reviewer.review(note), "SITE")[0]
    assert site.text == f"{said} del toyed"
    assert site.normalized.startswith(side)


# A run of attributes belongs to the drug before it ------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        # dictated, no punctuation: the site after the route is the first drug's
        "given im a trex six milligrams sub cut left thigh and tore a doll thirty milligrams I M "
        "right del toyed at ten fifteen",
        # typed
        "Given: sumatriptan 6 mg SC, left thigh and ketorolac 30 mg IM right deltoid at 10:15.",
    ],
)
def test_site_after_a_route_belongs_to_the_drug_before(reviewer, note):
    by_drug = {a.drug: a for a in reviewer.review(note).administrations}
    assert by_drug["sumatriptan"].site and "thigh" in by_drug["sumatriptan"].site
    assert by_drug["ketorolac"].site and "deltoid" in by_drug["ketorolac"].site


def test_a_route_after_other_words_goes_to_the_next_drug(reviewer):
    note = "In the ED: ondansetron 4 mg IV, then IM ceftriaxone 500 mg left gluteal at 14:20."
    by_drug = {a.drug: a for a in reviewer.review(note).administrations}
    assert by_drug["ondansetron"].route == "IV"
    assert by_drug["ceftriaxone"].route == "IM"


@pytest.mark.parametrize("said", ["right thy", "left thai"])
def test_a_site_heard_as_a_homophone_after_a_side(reviewer, said):
    note = f"epinephrine point three milligrams I M {said} given at ten forty period"
    r = reviewer.review(note)
    assert r.administrations[0].site.endswith("thigh")


def test_a_homophone_away_from_an_administration_is_a_word(reviewer):
    note = "she read the line about thy kingdom and laughed comma left thy book at home period"
    assert not ents(reviewer.review(note), "SITE")


def test_a_dose_after_inaudible_has_no_drug(reviewer):
    # the only drug named is one the patient cannot take, in another sentence
    note = (
        "gout flare left first toe period he cannot take N S A I D s or colchicine because of "
        "his kidneys period plan colon [inaudible] eighty milligrams I M right gluteus given at "
        "fifteen ten by RN Diaz period"
    )
    r = reviewer.review(note)
    assert r.claim_ready is False
    assert "DRUG_MISSING" in {g.code for g in r.gaps}
    assert all(a.drug != "colchicine" for a in r.administrations)


# Spoken punctuation in sentence length, corrections, markers (issue 10, round 3) --------------


def test_spoken_commas_do_not_lengthen_the_administration_sentence(reviewer):
    # the drug is named in one sentence, the dose, route and site in the next; with its spoken
    # commas counted as words that sentence looked too long to describe another sentence's drug
    note = (
        "nurse visit colon depo provera for contraception period one fifty milligrams I M right "
        "deltoid comma tolerated comma no issues period"
    )
    r = reviewer.review(note)
    assert "NOT_ADMINISTERED" not in r.gap_codes
    adm = r.administrations[0]
    assert adm.given and adm.route_code == "IM" and adm.site


def test_spoken_marks_are_recorded_only_when_spoken_punctuation(nlp):
    doc = nlp("her last menstrual period was regular comma no cramps period")
    marked = sorted(doc[i].text for i in doc._.cc_spoken_marks)
    assert marked == ["comma", "period"]  # not the "period" of "menstrual period"


def test_scratch_that_keeps_the_correction_with_its_drug(reviewer):
    note = (
        "asthma flare period given methylprednisolone one twenty five milligrams I V scratch "
        "that I M left gluteal in clinic by RN Ito period"
    )
    r = reviewer.review(note)
    adm = next(a for a in r.administrations if a.drug_id.startswith("methylprednisolone"))
    assert adm.route_code == "IM" and adm.site
    assert "ROUTE_MISSING" not in r.gap_codes and "ROUTE_CONFLICT" not in r.gap_codes


def test_i_am_before_a_verb_or_adjective_is_the_pronoun(reviewer):
    note = (
        "level is high so we are holding the shot period she says I am okay with that and I am "
        "taking the oral one thousand micrograms daily period no injection today period"
    )
    r = reviewer.review(note)
    assert not [e for e in ents(r, "ROUTE") if e.text == "I am"]


def test_i_am_before_a_preposition_and_site_is_the_route(reviewer):
    note = (
        "pernicious anemia period cyanocobalamin one thousand micrograms I am in the left "
        "deltoid given by RN Ito period"
    )
    r = reviewer.review(note)
    assert entity(r, "I am", "ROUTE").norm == "IM"


def test_dose_after_an_inaudible_drug_is_not_the_next_drugs(reviewer):
    note = (
        "vomiting period given [inaudible] twenty five milligrams I M right gluteal and then "
        "ondansetron four milligrams by mouth period"
    )
    r = reviewer.review(note)
    assert not [a for a in r.administrations if a.drug_id == "ondansetron" and a.route_code]
    assert "DRUG_MISSING" in r.gap_codes and "ROUTE_CONFLICT" not in r.gap_codes


def test_dose_after_a_marker_still_belongs_to_the_drug_before_it(reviewer):
    note = (
        "back pain period ketorolac [inaudible] sixty milligrams I M right gluteal given by RN Ito "
        "period"
    )
    r = reviewer.review(note)
    adm = next(a for a in r.administrations if a.drug_id == "ketorolac")
    assert adm.route_code == "IM" and adm.dose


# The drug slot: the words right before a dose -------------------------------------------------


@pytest.mark.parametrize(
    ("note", "heard", "drug"),
    [
        (
            "pyelonephritis period gave the roe seff in one gram I M left gluteal period",
            "roe seff in",
            "ceftriaxone",
        ),
        (
            "obesity period we gave the wee go vee point five milligrams sub Q left thigh period",
            "wee go vee",
            "semaglutide",
        ),
        (
            "type two diabetes period oh zem pick one milligram sub Q left thigh period",
            "oh zem pick",
            "semaglutide",
        ),
    ],
)
def test_drug_heard_as_ordinary_or_glue_words_right_before_a_dose(reviewer, note, heard, drug):
    r = reviewer.review(note)
    e = entity(r, heard, "DRUG")
    assert e.norm == drug and e.how == "phonetic"


def test_drug_slot_invents_no_drug_from_ordinary_words(reviewer):
    note = (
        "we will see if we go over two hundred milligrams per day period we gave the patient two "
        "milligrams period tablets to be taken one at night period"
    )
    r = reviewer.review(note)
    assert not ents(r, "DRUG")


# Letters, component names ---------------------------------------------------------------------


def test_diagnosis_abbreviation_spelled_as_letters(reviewer):
    note = (
        "C O P D exacerbation period methylprednisolone one twenty five milligrams I M right "
        "deltoid given by RN Ito period"
    )
    r = reviewer.review(note)
    dx = entity(r, "C O P D exacerbation", "DIAGNOSIS")
    assert dx.how == "letters"
    assert not [e for e in ents(r, "ROUTE") if e.norm != "IM"]


def test_spelled_abbreviation_holding_route_letters_is_not_a_route(reviewer):
    note = "H I V screen negative period gonorrhea period ceftriaxone five hundred milligrams I M"
    r = reviewer.review(note)
    assert [e.norm for e in ents(r, "ROUTE")] == ["IM"]
    assert not [e for e in ents(r, "DIAGNOSIS") if e.text in ("I", "V")]


def test_single_letters_that_spell_nothing_are_left_alone(reviewer):
    note = "plan A B C for the sling period option B period"
    r = reviewer.review(note)
    assert not ents(r, "DIAGNOSIS") and not ents(r, "ROUTE")


def test_vaccine_said_as_its_components(reviewer):
    note = (
        "laceration period tetanus comma diphtheria and pertussis vaccine point five m l I M left "
        "deltoid given by RN Ito period"
    )
    r = reviewer.review(note)
    assert any(e.norm == "tdap_vaccine" for e in ents(r, "DRUG"))


def test_letter_and_number_diagnosis_is_not_a_drug(reviewer):
    # "B twelve deficiency" is the diagnosis (as "B12 deficiency" typed), not a B12 mention
    note = (
        "long term metformin comma now with vitamin bee twelve deficiency comma tingling feet "
        "period cyanocobalamin one thousand micrograms I M left deltoid given by RN Ito period"
    )
    r = reviewer.review(note)
    dx = entity(r, "vitamin bee twelve deficiency", "DIAGNOSIS")
    assert dx.how == "letters"
    assert "DX_NOT_SUPPORTED" not in r.gap_codes


def test_letters_and_a_number_that_spell_no_diagnosis_stay_words(reviewer):
    note = "room B twelve is free period exam table A two period"
    r = reviewer.review(note)
    assert not ents(r, "DIAGNOSIS")


def test_drug_heard_again_split_another_way_is_read_elsewhere(reviewer):
    note = (
        "back pain period tore a doll sixty milligrams I M right gluteal given by RN Ito period "
        "if the tora dole helps we can repeat next week period"
    )
    r = reviewer.review(note)
    assert (
        entity(r, "tora dole", "DRUG").norm == entity(r, "tore a doll", "DRUG").norm == "ketorolac"
    )


def test_split_drug_far_from_any_administration_is_not_read_alone(reviewer):
    note = "back pain period if the tora dole helps we can repeat next week period"
    r = reviewer.review(note)
    assert not ents(r, "DRUG")


def test_contracted_i_am_is_read_like_i_am(reviewer):
    note = "back pain period ketorolac sixty milligrams I'm right gluteal given by RN Ito period"
    r = reviewer.review(note)
    assert entity(r, "I'm", "ROUTE").norm == "IM"


@pytest.mark.parametrize(
    "note",
    [
        "I'm worried about her knee period I'm going to order an x-ray period",
        "she had ketorolac sixty milligrams and I'm glad it helped period",
        "she had ketorolac sixty milligrams and I am told it helped period",
    ],
)
def test_contracted_or_clause_i_am_stays_the_pronoun(reviewer, note):
    r = reviewer.review(note)
    assert not ents(r, "ROUTE")


@pytest.mark.parametrize(
    ("heard", "drug"),
    [("new poe gen", "filgrastim"), ("are an esp", "darbepoetin_alfa")],
)
def test_name_opening_with_a_short_stop_word_before_a_dose(reviewer, heard, drug):
    note = (
        f"chemo follow up period {heard} sixty micrograms sub Q left thigh given by RN Ito period"
    )
    r = reviewer.review(note)
    assert entity(r, heard, "DRUG").norm == drug


@pytest.mark.parametrize(
    "words",
    ["we tried the new pen forty milligrams", "her sugars are high so are we two milligrams"],
)
def test_stop_words_before_a_dose_stay_words(reviewer, words):
    r = reviewer.review(f"follow up period {words} sub Q left thigh period")
    assert not ents(r, "DRUG")


def test_site_said_in_pieces_takes_in_the_piece_the_rules_saw(reviewer):
    note = "back pain period ketorolac sixty milligrams I M left ventro gluteal given by RN Ito"
    r = reviewer.review(note)
    assert entity(r, "left ventro gluteal", "SITE").norm == "ventrogluteal"


def test_site_word_is_not_taken_into_a_drug_or_a_short_word(reviewer):
    note = "sixty milligrams I M in a gluteal site period the gluteal area is sore period"
    r = reviewer.review(note)
    assert all(e.text == "gluteal" for e in ents(r, "SITE"))
    assert not ents(r, "DRUG")


@pytest.mark.parametrize(
    ("said", "read"),
    [("1 point 5 milligrams", "1.5 mg"), ("0.5 m l", "0.5 mL"), ("2 c c", "2 mL")],
)
def test_digits_with_a_spoken_decimal_point_or_unit(reviewer, said, read):
    note = f"back pain period ketorolac {said} I M left deltoid given by RN Ito period"
    r = reviewer.review(note)
    assert entity(r, said, "DOSE").normalized == read


# Dictated section headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "low back pain period new line plan colon ketorolac sixty milligrams I M if pain persists",
        "assessment colon low back pain period plan number two colon ketorolac sixty milligrams I M",
    ],
)
def test_dictated_plan_header_is_a_plan_as_typed(reviewer, note):
    r = reviewer.review(note)
    assert "NOT_ADMINISTERED" in r.gap_codes


def test_colon_the_organ_after_a_header_word_is_no_header(reviewer):
    note = (
        "family history colon cancer in her father period ketorolac sixty milligrams I M right "
        "gluteal given by RN Ito for back pain period"
    )
    r = reviewer.review(note)
    assert entity(r, "colon cancer", "DIAGNOSIS")
    assert "NOT_ADMINISTERED" not in r.gap_codes


def test_dictated_history_header_ends_with_its_sentence(reviewer):
    note = (
        "knee osteoarthritis period social history colon retired comma walks daily period today "
        "ketorolac sixty milligrams I M right gluteal given by RN Ito for knee pain period"
    )
    r = reviewer.review(note)
    assert "NOT_ADMINISTERED" not in r.gap_codes


def test_per_kilogram_dose_is_not_the_dose_given(reviewer):
    note = (
        "bronchiolitis season period palivizumab fifteen milligrams per kilogram equals seventy "
        "five milligrams I M right thigh given by RN Ito period"
    )
    r = reviewer.review(note)
    adm = next(a for a in r.administrations if a.drug_id == "palivizumab")
    assert adm.dose == "75 mg"


def test_per_kilogram_words_elsewhere_do_not_touch_a_plain_dose(reviewer):
    note = "ketorolac sixty milligrams I M right gluteal given by RN Ito period weight eighty kilos"
    r = reviewer.review(note)
    assert next(a for a in r.administrations if a.drug_id == "ketorolac").dose == "60 mg"


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("one and a half m l", "1.5 mL"),
        ("two and a half milligrams", "2.5 mg"),
        ("a half c c", "0.5 mL"),
    ],
)
def test_dose_with_a_spoken_half(reviewer, said, read):
    note = f"knee pain period Kenalog {said} I M left deltoid given by RN Ito period"
    r = reviewer.review(note)
    assert entity(r, said, "DOSE").normalized == read


def test_half_in_ordinary_words_is_no_dose(reviewer):
    note = "ketorolac sixty milligrams I M right gluteal period pain better in a half hour period"
    r = reviewer.review(note)
    assert [e.text for e in ents(r, "DOSE")] == ["sixty milligrams"]


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("methyl prednisolone", "methylprednisolone_acetate"),
        ("medroxy progesterone", "medroxyprogesterone"),
    ],
)
def test_generic_heard_as_two_words_is_not_its_piece(reviewer, said, drug):
    note = f"follow up period {said} forty milligrams I M right gluteal given by RN Ito period"
    r = reviewer.review(note)
    assert [e.norm for e in ents(r, "DRUG")] == [drug]


def test_two_drug_names_side_by_side_stay_two(reviewer):
    note = "allergic reaction period diphenhydramine famotidine given I V period"
    r = reviewer.review(note)
    assert [e.norm for e in ents(r, "DRUG")] == ["diphenhydramine", "famotidine"]


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("love a knocks forty milligrams sub Q left lower abdomen", "enoxaparin"),
        ("her love a knocks injection forty milligrams S Q given", "enoxaparin"),
    ],
)
def test_a_silent_first_letter_of_a_later_word_is_not_heard(reviewer, said, drug):
    review = reviewer.review(f"nurse visit period {said} period")
    assert [e.norm for e in ents(review, "DRUG")] == [drug]


def test_a_silent_letter_word_alone_is_no_drug(reviewer):
    review = reviewer.review(
        "nurse visit period she knows the plan and will knock on wood period B twelve one "
        "thousand micrograms I M left deltoid given period"
    )
    assert [e.norm for e in ents(review, "DRUG")] == ["cyanocobalamin"]


@pytest.mark.parametrize(
    "dictated",
    [
        "urgent care procedure note next line medication colon key tore lack next line dose "
        "colon sixty milligrams next line route colon next line site colon right glue teal next "
        "line time colon thirteen fifty next line given by colon M A Lopez period indication "
        "colon left ureteral stone period",
        "nurse note new paragraph drug colon ceftriaxone next line dose colon five hundred "
        "milligrams next line route colon new line site colon left glue tee al next line given by "
        "colon R N Ames period indication colon gonorrhea exposure period",
    ],
)
def test_a_dictated_template_with_a_blank_route_is_route_missing(reviewer, dictated):
    review = reviewer.review(dictated)
    assert blocking(review) >= {"ROUTE_MISSING"}
    assert "NOT_ADMINISTERED" not in blocking(review)
    (admin,) = [a for a in review.administrations if a.given]
    assert admin.site is not None


def test_a_field_label_said_without_its_colon_is_no_anchor(reviewer):
    """ "site" and "route" alone are no administration context (on MTSamples they made "right
    angle" a site and "having urine" promethazine); only "site colon" is."""
    review = reviewer.review(
        "operative note period the site was prepped period the right angle clamp was used "
        "period having urine output adequate period"
    )
    assert not ents(review, "SITE") and not ents(review, "DRUG")


@pytest.mark.parametrize(
    ("field", "drug"),
    [
        ("medication colon methylnaltrexone", "methylnaltrexone"),
        ("drug colon semaglutide", "semaglutide"),
    ],
)
def test_a_dictated_medication_field_names_the_drug_of_the_template(reviewer, field, drug):
    review = reviewer.review(
        "clinic injection template next line indication colon opioid induced constipation and "
        f"type two diabetes next line {field} next line dose colon twelve milligrams next line "
        "route colon subcutaneous next line time colon thirteen fifty five next line given by "
        "colon nurse Lee period end template"
    )
    given = [a for a in review.administrations if a.given]
    assert [a.drug_id for a in given] == [drug]
    assert "DRUG_MISSING" not in blocking(review)


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("in vega sus ten a one hundred fifty six milligrams", "paliperidone_palmitate"),
        ("ab ill if eye main ten a four hundred milligrams", "aripiprazole"),
    ],
)
def test_a_number_word_heard_inside_a_name_is_a_syllable(reviewer, said, drug):
    """ "ten" between two syllables of a name is part of it, not a number: only a number word
    at the end of a name, next to the dose, stays a number ("B twelve one thousand")."""
    review = reviewer.review(
        f"psychiatry L A I clinic period diagnosis schizophrenia period administered {said} "
        "I M in the left del toyed period tolerated well period"
    )
    given = [a for a in review.administrations if a.given]
    assert given and given[0].drug_id is not None and given[0].drug_id.startswith(drug)
    assert "DRUG_MISSING" not in blocking(review)


def test_ten_between_ordinary_words_is_still_a_number(reviewer):
    review = reviewer.review(
        "she walks ten a day comma ketorolac sixty milligrams I M right glute given for low "
        "back strain period"
    )
    assert [e.text for e in ents(review, "DRUG")] == ["ketorolac"]


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("zone for an four milligrams", "ondansetron"),
        ("pro met the zine twenty five milligrams", "promethazine"),
    ],
)
def test_a_name_heard_with_a_glue_syllable_before_its_dose_is_read(reviewer, said, drug):
    review = reviewer.review(
        "urgent care period assessment colon intractable vomiting period plan colon also "
        f"{said} given in the left del toyed period"
    )
    assert [a.drug_id for a in review.administrations if a.given] == [drug]
    assert "ROUTE_MISSING" in blocking(review)


def test_ordinary_words_with_a_glue_word_before_a_dose_are_no_drug(reviewer):
    review = reviewer.review(
        "plan colon she has done it for a two week course period ketorolac thirty milligrams "
        "I M given for a gout flare period"
    )
    assert [e.text for e in ents(review, "DRUG")] == ["ketorolac"]


def test_a_number_word_among_ordinary_words_is_no_syllable(reviewer):
    """ "off two early" codes like a fertility drug's name once "two" may be a syllable; from
    ordinary English words near an administration it stays three words."""
    review = reviewer.review(
        "The left main gave off two early septal branches and the nurse gave ondansetron 4 mg."
    )
    assert [e.text for e in ents(review, "DRUG")] == ["ondansetron"]


def test_a_dose_after_inaudible_beside_a_named_dose_is_another_drug(reviewer):
    """ "haloperidol five milligrams I M and [inaudible] two milligrams I M": a second injection
    whose drug was not heard (DRUG_MISSING), not more of the haloperidol."""
    review = reviewer.review(
        "E D note period agitation with psychosis period haloperidol five milligrams I M and "
        "[inaudible] two milligrams I M were given at twenty two oh five period calm after "
        "twenty minutes period"
    )
    assert "DRUG_MISSING" in blocking(review)
    assert review.claim_ready is False


def test_a_marker_inside_one_administration_leaves_it_whole(reviewer):
    review = reviewer.review(
        "urgent care period nausea and vomiting R eleven point two period promethazine twenty "
        "five milligrams [inaudible] I M left glute given by nurse period"
    )
    assert "DRUG_MISSING" not in blocking(review)
    (admin,) = [a for a in review.administrations if a.given]
    assert admin.route_code == "IM" and admin.site is not None


@pytest.mark.parametrize(
    ("said", "dose"),
    [
        ("hal oh pair a doll deck a no eight fifty milligrams", "50 mg"),
        ("hal oh pear a dole deck a no eight one hundred milligrams", "100 mg"),
    ],
)
def test_a_long_name_heard_in_pieces_ending_in_a_number_word_keeps_its_dose(reviewer, said, dose):
    """ "deck a no eight" ends haloperidol decanoate: "eight" is its last syllable, and the
    dose is the number after it (never 850 or 8,100)."""
    review = reviewer.review(
        f"psych clinic period schizophrenia period today we give {said} I M left del toyed "
        "period tolerated period"
    )
    (admin,) = [a for a in review.administrations if a.given]
    assert admin.drug_id == "haloperidol_decanoate" and admin.dose == dose


def test_a_number_run_after_ordinary_words_stays_one_number(reviewer):
    review = reviewer.review(
        "he says he ate eight fifty milligram tablets of something period no injection today period"
    )
    assert [e.text for e in ents(review, "DOSE")] == ["eight fifty milligram"]
    assert not ents(review, "DRUG")


@pytest.mark.parametrize(
    ("said", "drug", "dose"),
    [
        ("tore a doll, sixty milligrams, I M right glute", "ketorolac", "60 mg"),
        ("loving ox, forty milligrams, sub Q in the belly", "enoxaparin", "40 mg"),
    ],
)
def test_a_comma_between_a_heard_name_and_its_dose(reviewer, said, drug, dose):
    review = reviewer.review(
        "urgent care period left calf D V T I eighty two point four zero two period we gave "
        f"{said} period"
    )
    (admin,) = [a for a in review.administrations if a.given]
    assert admin.drug_id == drug and admin.dose == dose


def test_a_comma_after_ordinary_words_before_a_dose_reads_no_drug(reviewer):
    review = reviewer.review(
        "she walks every day, forty minutes, and we gave ketorolac sixty milligrams I M period"
    )
    assert [e.text for e in ents(review, "DRUG")] == ["ketorolac"]


def test_the_heard_rest_of_a_name_after_inaudible_leaves_the_drug_unheard(reviewer):
    """ "[inaudible] sus ten a comma two hundred thirty four milligrams": the words between the
    marker and the dose are the rest of an unheard name; the dose is no earlier drug's."""
    review = reviewer.review(
        "L A I clinic period schizophrenia period number one comma he stopped risperidone "
        "tablets last year period number two comma today she got her monthly [inaudible] sus "
        "ten a comma two hundred thirty four milligrams I M comma left del toyed period"
    )
    assert "DRUG_MISSING" in blocking(review)
    assert review.claim_ready is False


@pytest.mark.parametrize(("record", "conflict"), [("route sub Q", True), ("route I M", False)])
def test_a_dictated_record_field_route_is_compared_with_the_narrative(reviewer, record, conflict):
    """ "administration record colon route sub Q comma site right glute" is a field line said
    aloud: its route describes the drug of the sentence before, like "Route: SC"."""
    review = reviewer.review(
        "nurse visit dictation period number one gonorrhea exposure period number two "
        "ceftriaxone five hundred milligrams was given I M in the right glute at nine ten A M "
        f"period number three administration record colon {record} comma site right glute "
        "comma L O T number B as in boy four four one comma expiration oh nine twenty seven "
        "period end of dictation"
    )
    assert ("ROUTE_CONFLICT" in blocking(review)) is conflict


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("fam o tee deen twenty milligrams I V push", "famotidine"),
        ("ran ee tee deen fifty milligrams I V", "ranitidine"),
        ("sim et ee deen three hundred milligrams I M", "cimetidine"),
    ],
)
def test_a_sound_written_ee_reads_as_the_names_i(reviewer, said, drug):
    """Engines write a heard "i" sound as "ee" ("tee", "deen"): spelling similarity is also
    measured with the heard "ee" as the name's "i", for names of the broad dictionary too."""
    review = reviewer.review(
        f"urgent care period hives and vomiting after shrimp period we gave {said} period"
    )
    assert [e.norm for e in ents(review, "DRUG")] == [drug]


@pytest.mark.parametrize(
    "words",
    ["a stool sample twenty milligrams", "see the deen ten milligrams I M", "tree mix 0.3 mL SC"],
)
def test_ordinary_words_with_ee_or_oo_read_no_drug(reviewer, words):
    review = reviewer.review(f"clinic visit period hives and vomiting period we took {words}")
    assert ents(review, "DRUG") == []


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("keto row lack I am left glue teal", "ketorolac"),
        ("fenner gan I am right del toyed", "promethazine"),
    ],
)
def test_i_am_between_a_drug_and_a_site_heard_in_pieces_is_a_route(reviewer, said, drug):
    """ "I am" is a route by its neighbours; a drug or a site said in pieces is read only after
    the first look at the routes, so the ambiguous routes left free are looked at again."""
    review = reviewer.review(
        f"walk in clinic period renal colic period given in clinic colon {said} at ten fifty "
        "period pain better period"
    )
    assert [e.norm for e in ents(review, "DRUG")] == [drug]
    assert [e.text for e in ents(review, "ROUTE")] == ["I am"]
    assert "ROUTE_MISSING" not in blocking(review)


def test_i_am_before_a_verb_stays_a_pronoun_after_the_second_look(reviewer):
    review = reviewer.review(
        "walk in clinic period renal colic period I am sending him to the E R if the pain "
        "returns period keto row lack thirty milligrams I M left glue teal given period"
    )
    assert [e.text for e in ents(review, "ROUTE")] == ["I M"]


@pytest.mark.parametrize("said", ["to the E R", "in the E. R.", "back to the E R tonight"])
def test_the_er_spelled_out_is_no_diagnosis(reviewer, said):
    """ "ER+" (estrogen receptor positive) loses its sign when said as letters: "E R" alone is
    the emergency room (and "H I V" alone is no "HIV+", as typed "HIV" is no diagnosis)."""
    review = reviewer.review(f"clinic dictation period chest pain period sending him {said} period")
    assert not [e for e in ents(review, "DIAGNOSIS") if e.norm == "Z17.0"]


def test_letters_of_a_signed_diagnosis_are_not_read_without_the_sign(reviewer):
    review = reviewer.review("we discussed the window period for H I V period")
    assert ents(review, "DIAGNOSIS") == []
    review = reviewer.review("E R positive breast cancer period")
    assert [e.norm for e in ents(review, "DIAGNOSIS")][:1] == ["Z17.0"]


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("hallo pair a doll deck a no ate", "haloperidol_decanoate"),
        ("flu fen a zeen deck a no ate", "fluphenazine_decanoate"),
    ],
)
def test_a_name_and_its_salt_heard_in_eight_pieces(reviewer, said, drug):
    review = reviewer.review(
        f"psych clinic dictation period schizophrenia period {said} fifty milligrams given I M "
        "left del toyed period"
    )
    assert [e.norm for e in ents(review, "DRUG")] == [drug]


@pytest.mark.parametrize("side", ["each", "both"])
def test_each_or_both_before_a_site_heard_as_words(reviewer, side):
    review = reviewer.review(
        "urgent care period gonorrhea exposure period sef try axone five hundred milligrams I M "
        f"comma half in {side} glue teal period"
    )
    assert [e.text for e in ents(review, "SITE")] == [f"{side} glue teal"]
    assert "SITE_MISSING" not in {g.code for g in review.gaps}


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("depot pro vera one fifty milligrams", "medroxyprogesterone"),
        ("depot med roll eighty milligrams", "methylprednisolone_acetate"),
        ("depot testosterone two hundred milligrams", "testosterone_cypionate"),
    ],
)
def test_depo_heard_as_depot_is_the_depo_brand(reviewer, said, drug):
    """An engine writes the "Depo-" of a brand as the word "depot"; run together into a name it
    is spelled as the brand spells it."""
    review = reviewer.review(
        f"clinic dictation period {said} I M right glue teal given today period tolerated period"
    )
    assert [a.drug_id for a in review.administrations if a.given] == [drug]
    assert "ROUTE_MISSING" not in blocking(review)


def test_depot_as_an_ordinary_word_is_no_drug(reviewer):
    review = reviewer.review(
        "phone note period she picked up her supplies at the depot pharmacy period no injection "
        "given today period"
    )
    assert ents(review, "DRUG") == []


@pytest.mark.parametrize("anesthetic", ["lid o cane", "lie doe cane", "lidocaine"])
def test_plain_lidocaine_said_without_epinephrine_is_not_refused(reviewer, anesthetic):
    """ "without epinephrine one M L per site" leaves out the epinephrine: it does not refuse the
    anesthetic's dose (a table row's "REFUSED" does)."""
    review = reviewer.review(
        "pain clinic procedure note period procedure colon trigger point injections times four "
        f"muscles comma one percent {anesthetic} without epinephrine one M L per site comma total "
        "four M L period diagnosis colon myofascial pain syndrome period"
    )
    assert review.service_code == "20553"
    assert "NOT_ADMINISTERED" not in blocking(review)


@pytest.mark.parametrize(
    "before",
    [
        "would not take anything by mouth refused oral so we gave",
        "oral offered and refused verbal de escalation failed so we gave",
        "declined the tablets therefore we gave",
    ],
)
def test_so_we_gave_ends_the_refusal_before_it(reviewer, before):
    """A refusal or a failed attempt said before "so we gave" in one run-on sentence does not
    reach the drug given after it (medspaCy's overlap test never let a terminating word cut a
    scope inside its sentence; the ConText step applies it to negation, history and plans)."""
    review = reviewer.review(
        f"psych E R dictation agitation schizophrenia {before} oh lanza peen ten milligrams I M "
        "right deltoid he tolerated it diagnosis acute agitation in schizophrenia F twenty point "
        "nine"
    )
    given = [a for a in review.administrations if a.given]
    assert [a.drug_id for a in given] == ["olanzapine"]
    assert "NOT_ADMINISTERED" not in blocking(review)


def test_a_refusal_after_the_drug_still_refuses_it(reviewer):
    review = reviewer.review(
        "E R dictation agitation olanzapine ten milligrams I M was offered but he refused so we "
        "used verbal de escalation diagnosis agitation"
    )
    assert not [a for a in review.administrations if a.given]


def test_impression_said_in_a_run_on_dictation_ends_a_negation(reviewer):
    review = reviewer.review(
        "urgent care dictation stung by a bee no prior reactions no meds no allergies impression "
        "anaphylaxis from bee sting we gave epinephrine point three milligrams I M right thigh at "
        "fifteen oh two"
    )
    anaphylaxis = [e for e in review.entities if e.text == "anaphylaxis"]
    assert anaphylaxis and not anaphylaxis[0].negated
    assert "DX_MISSING" not in blocking(review)


def test_an_unheard_drug_after_one_whose_dose_came_first_is_its_own(reviewer):
    review = reviewer.review(
        "E D dictation renal colic with vomiting we gave sixty of tora doll right glute and "
        "[inaudible] twenty five milligrams I M left glute for the vomiting pain better"
    )
    ketorolac = [a for a in review.administrations if a.drug_id == "ketorolac"]
    assert ketorolac and ketorolac[0].route is None
    assert {"DRUG_MISSING", "ROUTE_MISSING"} <= blocking(review)
    assert review.claim_ready is False


@pytest.mark.parametrize(("unit", "dose"), [("megs", "8 mg"), ("em gee", "8 mg"), ("mgs", "8 mg")])
def test_milligrams_said_as_slang(reviewer, unit, dose):
    review = reviewer.review(
        f"peds E D dictation croup period we gave dex a meth a zone eight {unit} into the muscle "
        "right thigh period diagnosis croup period"
    )
    given = [a for a in review.administrations if a.given]
    assert [a.dose for a in given] == [dose]


def test_gave_is_never_a_syllable_of_the_name(reviewer):
    review = reviewer.review(
        "so we gave dexa methasone point six per kilo that is eight point four megs into the "
        "muscle right thigh period croup period"
    )
    drugs = [e for e in review.entities if e.label == "DRUG"]
    assert [e.text for e in drugs] == ["dexa methasone"]
    assert [a.dose for a in review.administrations if a.given] == ["8.4 mg"]


def test_plain_lidocaine_with_its_strength_said_before_without(reviewer):
    review = reviewer.review(
        "pain procedure note trigger points in the right upper trapezius and right levator "
        "scapulae we injected trigger points with four m l of lie doe cane one percent without "
        "epinephrine two m l into each muscle tolerated well diagnosis myofascial pain syndrome"
    )
    assert review.service_code == "20552"
    assert "NOT_ADMINISTERED" not in blocking(review)


def test_each_site_said_after_in_the_goes_to_the_drug_before_it(reviewer):
    """ "... I M in the right glute and <next drug> ...": the site is the end of the run that
    follows the first drug, not the start of the next drug's."""
    review = reviewer.review(
        "urgent care dictation migraine with vomiting period we gave key toe row lack sixty "
        "milligrams I M in the right glute and pro meth a zine twelve point five milligrams I M "
        "into the left deltoid and diphenhydramine twenty five milligrams I M to the left thigh "
        "period diagnosis migraine with nausea period"
    )
    sites = {a.drug_id: a.site for a in review.administrations if a.given}
    assert sites == {
        "ketorolac": "right glute",
        "promethazine": "left deltoid",
        "diphenhydramine": "left thigh",
    }
