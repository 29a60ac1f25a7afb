"""Dictation coverage: injection sites, numbers said without a unit, injected supplements.

Every note here is written for these tests. The dictated site forms are mangled ways of saying
names the site table holds; the table has no entry for the mangled form itself.
"""

from __future__ import annotations

import pytest

from assertions import entity, ents

# Sites ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "norm"),
    [
        ("right trapezius", "trapezius"),
        ("left trapezius muscle", "trapezius"),
        ("left subacromial", "shoulder"),
        ("right antecubital", "antecubital"),
        ("abd", "abdomen"),
        ("LLQ abd", "abdomen"),
        ("right triceps", "upper_arm"),
        ("back of the arm", "upper_arm"),
        ("left ventral gluteal", "ventrogluteal"),
        ("right ventro glute", "ventrogluteal"),
        ("left upper outer quad", "dorsogluteal"),
        ("left lumbar paraspinal", "back_muscle"),
    ],
)
def test_typed_injection_sites_are_read(reviewer, site, norm):
    r = reviewer.review(f"Ketorolac 30 mg given IM into the {site} for acute low back pain.")
    sites = [e for e in ents(r, "SITE") if e.norm == norm]
    assert sites, [(e.text, e.norm) for e in ents(r, "SITE")]
    assert not any(g.code == "SITE_MISSING" for g in r.gaps)


@pytest.mark.parametrize(
    ("said", "norm"),
    [
        ("right trap easy us", "trapezius"),
        ("left trapeze ius", "trapezius"),
        ("right anti cubital", "antecubital"),
        ("left ab dough men", "abdomen"),
        ("peri um bill a cal", "abdomen"),
        ("right tri sep", "upper_arm"),
    ],
)
def test_dictated_sites_said_in_pieces(reviewer, said, norm):
    note = f"toradol sixty milligrams I M {said} period diagnosis acute low back pain period"
    r = reviewer.review(note)
    site = entity(r, said, "SITE")
    assert site.norm == norm and site.how in ("phonetic", "joined", "fuzzy")


def test_site_words_away_from_an_administration_are_not_sites(reviewer):
    note = "period she says the trap easy us to set up at home period no injections today period"
    r = reviewer.review(note)
    assert not ents(r, "SITE")


# Numbers said or written without a unit ------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "dose", "read"),
    [
        ("B12 1000 IM left deltoid for pernicious anemia.", "1000", "1000 mcg"),
        ("Toradol 60 IM right glute for acute back pain.", "60", "60 mg"),
        ("insulin 10 sub Q abd for type 2 diabetes", "10", "10 units"),
        (
            "B twelve one thousand I M left deltoid period pernicious anemia",
            "one thousand",
            "1000 mcg",
        ),
        ("rocephin five hundred I M left glute period gonorrhea", "five hundred", "500 mg"),
    ],
)
def test_a_bare_number_is_read_in_the_drugs_usual_unit(reviewer, note, dose, read):
    r = reviewer.review(note)
    d = entity(r, dose, "DOSE")
    assert d.normalized == read and d.how == "usual_unit"
    assert not any(g.code == "DOSE_MISSING" for g in r.gaps)


@pytest.mark.parametrize(
    "note",
    [
        "Takes B12 1000 daily by mouth. Toradol 60 mg IM right glute given for back pain.",
        "Kenalog 40 1 mL IM left deltoid for allergic rhinitis.",
        "Digoxin 250 p.o. daily. Toradol 60 mg IM right glute given for back pain.",
        "Kenalog-40 injected into the left knee.",
        "Toradol 60 tablets dispensed.",
    ],
)
def test_a_bare_number_that_is_a_strength_or_count_is_not_a_dose(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "DOSE") if e.how == "usual_unit"]


def test_a_number_before_the_dose_is_not_part_of_it(reviewer):
    note = "bee six one hundred migs I M left delt period given by LPN Cole period"
    r = reviewer.review(note)
    assert entity(r, "bee six", "DRUG").norm == "pyridoxine"
    assert entity(r, "one hundred migs", "DOSE").normalized == "100 mg"


def test_a_vitamin_letter_and_number_before_a_dose_in_number_words(reviewer):
    note = "vitamin D three fifty thousand units I M left deltoid period"
    r = reviewer.review(note)
    assert entity(r, "fifty thousand units", "DOSE").normalized == "50000 units"


# Supplements without a code of their own -----------------------------------------------------


@pytest.mark.parametrize(
    ("note", "drug"),
    [
        ("Vitamin D3 50,000 units IM given right deltoid.", "cholecalciferol"),
        ("Lipo-B injection 1 mL IM given left deltoid.", "lipotropic"),
        ("Glutathione 200 mg IM given left glute.", "glutathione"),
        ("B complex 1 mL IM given left deltoid.", "vitamin_b_complex"),
    ],
)
def test_injected_supplements_are_billed_unclassified(reviewer, note, drug):
    r = reviewer.review(note)
    assert any(e.norm == drug for e in ents(r, "DRUG"))
    assert any(g.code == "UNCLASSIFIED_DRUG" for g in r.gaps)
    assert not any(g.code == "DRUG_MISSING" for g in r.gaps)


def test_a_coded_vitamin_is_not_unclassified(reviewer):
    r = reviewer.review("B6 100 mg IM given left deltoid.")
    assert any(e.norm == "pyridoxine" for e in ents(r, "DRUG"))
    assert not any(g.code == "UNCLASSIFIED_DRUG" for g in r.gaps)


# Diagnoses that a drug's indications name --------------------------------------------------


@pytest.mark.parametrize(
    ("note", "icd"),
    [
        (
            "endocrine visit period acromegaly on monthly shots period lanreotide one twenty "
            "milligrams deep sub Q right upper outer quadrant period given by RN Paz period",
            "E22.0",
        ),
        (
            "known Addison's disease with vomiting since morning period solu cortef one hundred "
            "milligrams I M left deltoid period given by RN Kim period",
            "E27.1",
        ),
        (
            "ex-preemie with chronic lung disease of prematurity here for RSV prophylaxis "
            "period nirsevimab fifty milligrams I M left thigh period given by RN Ito period",
            "P27.1",
        ),
    ],
)
def test_indication_diagnoses_are_read(reviewer, note, icd):
    r = reviewer.review(note)
    assert icd in {e.norm for e in ents(r, "DIAGNOSIS")}
    assert not any(g.code in ("DX_MISSING", "DX_NOT_SUPPORTED") for g in r.gaps)


def test_range_of_motion_abbreviations_are_not_diagnoses(reviewer):
    r = reviewer.review("Shoulder PROM full, CPP not measured. Toradol 60 mg IM right glute given.")
    assert not {e.norm for e in ents(r, "DIAGNOSIS")} & {"O42.90", "E22.8"}


def test_a_short_site_word_after_a_misheard_side(reviewer):
    note = "pro lia sixty milligrams given in the back of the lift arm by the nurse period"
    site = entity(reviewer.review(note), "lift arm", "SITE")
    assert site.norm == "upper_arm" and site.normalized == "left upper arm"


@pytest.mark.parametrize(
    "note",
    [
        "Exam: trapezius tender, the tissue appeared normal.",
        "Abd: soft, nontender. The lower body exam is normal.",
    ],
)
def test_a_bare_site_word_does_not_open_a_dictation_window(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in r.entities if e.how in ("phonetic", "fuzzy")]


def test_letters_said_as_words_read_as_a_vitamin(reviewer):
    note = "vitamin D three fifty thousand units I M left deltoid period"
    r = reviewer.review(note)
    assert entity(r, "vitamin D three", "DRUG").norm == "cholecalciferol"
