"""Dictation round 16: raw dictations written for these tests, from the untuned probes of
``dictation_t`` that went wrong (now in ``annotations/raw/probe_tuned.jsonl``), each category
with other wordings, and each with a note where it must not fire.
"""

from __future__ import annotations

import pytest

from assertions import blocking


@pytest.mark.parametrize(
    "rate",
    ["per meter squared", "per square meter", "per m squared", "per kilogram"],
)
def test_a_dose_said_per_area_or_weight_is_a_rate_not_the_dose_given(reviewer, rate):
    note = (
        "oncology clinic note period sixty two year old with multiple myeloma period new "
        f"paragraph bortezomib one point three milligrams {rate} comma dose two point four "
        "milligrams given sub Q right lower abdomen at ten twenty period tolerated period"
    )
    review = reviewer.review(note)
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.dose == "2.4 mg"
    assert review.service_code == "96401"


@pytest.mark.parametrize(
    "home",
    [
        "dexamethasone twenty milligrams by mouth taken at home this morning",
        "she took her dexamethasone twenty milligrams at home this morning",
    ],
)
def test_a_dose_taken_at_home_this_morning_is_not_this_visits(reviewer, home):
    note = (
        "infusion clinic period multiple myeloma period bortezomib two point four milligrams "
        f"given sub Q left abdomen at ten oh five period {home} period"
    )
    review = reviewer.review(note)
    dex = [a for a in review.administrations if a.drug_id and "dexamethasone" in a.drug_id]
    assert all(not a.given for a in dex)
    assert "DOSE_MISSING" not in blocking(review)


@pytest.mark.parametrize(
    "asked",
    [
        "he asked whether he could also get a cortisone shot in his hip today comma I said "
        "not today",
        "she asked about a Toradol shot for the drive home comma we will see",
        "patient inquired about getting a B twelve injection too period",
    ],
)
def test_a_drug_the_patient_asked_about_was_not_given(reviewer, asked):
    note = (
        "orthopedic clinic procedure note colon right knee injection period right knee "
        "osteoarthritis period Kenalog forty milligrams with four c c of one percent lidocaine "
        "was injected into the right knee joint without resistance period tolerated period "
        f"new paragraph {asked} period"
    )
    review = reviewer.review(note)
    assert review.service_code == "20610"
    assert all(a.drug_id == "triamcinolone_acetonide" for a in review.administrations if a.given)


def test_asking_about_side_effects_leaves_the_dose_given(reviewer):
    note = (
        "nurse visit period pernicious anemia period she asked about side effects and we "
        "reviewed them period cyanocobalamin one thousand micrograms given I M left deltoid "
        "at nine forty period tolerated period"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


@pytest.mark.parametrize("blank", ["blank", "left blank", "none"])
def test_a_dictated_template_with_an_unheard_drug_and_a_blank_route(reviewer, blank):
    note = (
        "injection template dictation period patient colon Test Person (FICTITIOUS) period "
        "medication colon [unintelligible] period dose colon sixty milligrams period route "
        f"colon {blank} period site colon left glue tee al period diagnosis colon blank period "
        "given by colon L P N period patient tolerated comma no reaction period end of template"
    )
    review = reviewer.review(note)
    assert {"DRUG_MISSING", "ROUTE_MISSING", "DX_MISSING"} <= blocking(review)


def test_a_one_line_dictation_titled_injection_clinic_reads_no_joint_from_a_misheard_name(
    reviewer,
):
    # "a wrist ahda" is a misheard drug name, not a wrist joint injection
    note = (
        "behavioral health injection clinic comma nurse dictation comma here for his monthly "
        "a wrist ahda comma four forty one milligrams given in the left dealt oid at one fifteen "
        "P M comma tolerated period next injection in four weeks period"
    )
    review = reviewer.review(note)
    assert review.service_code not in {"20605", "20606"}


# Round 17 (dictation_u): prd-u-005, a testosterone visit.


@pytest.mark.parametrize(
    ("heard", "drug"),
    [
        ("testosterone in and thate", "testosterone_enanthate"),
        ("testosterone enn an tate", "testosterone_enanthate"),
    ],
)
def test_words_heard_after_a_drug_complete_its_longer_name(reviewer, heard, drug):
    note = (
        f"nurse visit period primary hypogonadism and knee pain period {heard} eighty "
        "milligrams I M right vastus lateralis at ten ten period tolerated period"
    )
    review = reviewer.review(note)
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.drug_id == drug


def test_ordinary_words_after_a_drug_complete_no_name(reviewer):
    note = (
        "Knee osteoarthritis (M17.11). Triamcinolone 40 mg injected into the right knee today. "
        "If relief is short we will discuss hyaluronic acid injections next time."
    )
    review = reviewer.review(note)
    names = [e.text for e in review.entities if e.label == "DRUG"]
    assert "hyaluronic acid injections" not in names


@pytest.mark.parametrize(
    "never",
    [
        "Never diagnosed with hypogonadism.",
        "He has not been told he has hypogonadism.",
        "he has never been diagnosed with hypogonadism",
    ],
)
def test_a_diagnosis_never_made_supports_nothing(reviewer, never):
    note = (
        "Endocrinology. 48 M, fatigue and low libido; morning testosterone 382 ng/dL (normal). "
        f"{never}\n"
        "Testosterone enanthate 75 mg IM L ventrogluteal given by RN at 10:20. I am not "
        "convinced testosterone is indicated; labs before the next dose.\n"
    )
    review = reviewer.review(note)
    assert review.administrations and any(a.given for a in review.administrations)
    assert "DX_NOT_SUPPORTED" in blocking(review)


def test_a_diagnosis_made_years_ago_still_supports(reviewer):
    note = (
        "Endocrinology. Diagnosed with primary hypogonadism in 2019, testosterone 180 ng/dL.\n"
        "Testosterone enanthate 75 mg IM L ventrogluteal given by RN at 10:20, tolerated.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True, blocking(review)


@pytest.mark.parametrize("strength", ["one percent", "two percent", "1%"])
def test_the_diluents_strength_in_percent_is_no_dose_of_the_drug(reviewer, strength):
    note = (
        "Urgent care note, exposure to gonorrhea. Rocephin [inaudible] milligrams I M right "
        f"ventro glute, reconstituted with {strength} lidocaine, one C C."
    )
    review = reviewer.review(note)
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.dose is None or "%" not in adm.dose
    assert "DOSE_MISSING" in blocking(review)


@pytest.mark.parametrize(
    ("said", "code"),
    [("I period M period", "IM"), ("S period Q period", "SC"), ("I dot M dot", "IM")],
)
def test_an_abbreviations_dots_said_aloud_still_read_as_its_route(reviewer, said, code):
    note = (
        "psychiatry clinic note period schizophrenia period procedure colon in vega sustenna two "
        f"hundred thirty four milligrams given {said} in the left deltoid period tolerated period"
    )
    review = reviewer.review(note)
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.route == code


def test_a_sentence_ending_in_the_pronoun_i_reads_no_route(reviewer):
    note = (
        "nurse visit period she asked whether her sister could come in and I period M R I of the "
        "knee was normal period cyanocobalamin one thousand micrograms given sub Q left arm period"
    )
    review = reviewer.review(note)
    (adm,) = [a for a in review.administrations if a.given]
    assert adm.route == "SC"


@pytest.mark.parametrize(("heard", "drug"), [("Depot Medrol", "methylprednisolone_acetate")])
def test_a_name_heard_one_letter_off_in_two_words_is_read_whole(reviewer, heard, drug):
    note = (
        "rheumatoid arthritis flare period we will bridge with a steroid injection today period "
        f"{heard} eighty milligrams given sub Q right upper outer buttock comma tolerated period "
        "new line administration record colon methylprednisolone acetate eighty milligrams comma "
        "route I M comma site right gluteal period"
    )
    review = reviewer.review(note)
    given = [a for a in review.administrations if a.given]
    assert {a.drug_id for a in given} == {drug}
    assert "ROUTE_CONFLICT" in blocking(review)
