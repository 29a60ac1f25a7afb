"""Payer rules (issue 12): dated codes, fixed drug codes, claim lines, payer checks, queries.

Every note here was written for these tests.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from cleanclaim import resources as res
from cleanclaim.reviewer import Reviewer


@pytest.fixture(scope="module")
def rules(nlp):
    """A rules-only reviewer on the packaged tables (the shipped model is not used)."""
    return Reviewer(nlp, model=None)


def _adm(review, drug_id):
    return next(a for a in review.administrations if a.drug_id == drug_id)


def _lines(review):
    return [line.label for line in review.claim_lines]


# Drug table fixes -------------------------------------------------------------------------------

SUBLOCADE = (
    "Dx: opioid use disorder, severe.\n"
    "Sublocade {dose} subcutaneous injection given in the abdomen by Dr. Lane. No waste."
)


@pytest.mark.parametrize(("dose", "code"), [("100 mg", "Q9991"), ("300 mg", "Q9992")])
def test_sublocade_code_depends_on_dose_and_is_one_unit(rules, dose, code):
    adm = _adm(rules.review(SUBLOCADE.format(dose=dose)), "buprenorphine_extended_release")
    assert (adm.hcpcs, adm.units) == (code, 1)


def test_sublocade_without_dose_has_no_code_line(rules):
    review = rules.review(SUBLOCADE.format(dose="").replace("  ", " "))
    assert "DOSE_MISSING" in review.gap_codes
    assert not any(line.code.startswith("Q999") for line in review.claim_lines)


def test_leuprolide_without_cancer_is_j1950_per_3_75_mg(rules):
    note = (
        "Endometriosis with pelvic pain. Lupron Depot 11.25 mg IM given in the right gluteal "
        "by Dr. Park. Entire syringe used."
    )
    review = rules.review(note)
    adm = _adm(review, "leuprolide")
    assert (adm.hcpcs, adm.units, adm.service_code) == ("J1950", 3, "96372")


def test_leuprolide_for_prostate_cancer_stays_j9217(rules):
    note = "Prostate cancer. Leuprolide 22.5 mg IM given in the left gluteal by Dr. Park."
    adm = _adm(rules.review(note), "leuprolide")
    assert (adm.hcpcs, adm.units, adm.service_code) == ("J9217", 3, "96402")


def test_fensolvi_is_j1951_per_0_25_mg(rules):
    note = (
        "Central precocious puberty. Fensolvi 45 mg subcutaneous injection given in the "
        "abdomen by Dr. Ruiz."
    )
    adm = _adm(rules.review(note), "leuprolide")
    assert (adm.hcpcs, adm.units) == ("J1951", 180)


def test_triptodur_is_j3316_and_trelstar_j3315(rules):
    tri = "Central precocious puberty. Triptodur 22.5 mg IM given in the right gluteal by Dr. Ruiz."
    trel = "Prostate cancer. Trelstar 22.5 mg IM given in the right gluteal by Dr. Ruiz."
    assert (
        _adm(rules.review(tri), "triptorelin").hcpcs,
        _adm(rules.review(tri), "triptorelin").units,
    ) == ("J3316", 6)
    assert _adm(rules.review(trel), "triptorelin").hcpcs == "J3315"


@pytest.mark.parametrize(
    ("product", "dose", "code", "units"),
    [
        ("Rhophylac", "1500 IU", "J2791", 15),
        ("WinRho", "1500 IU", "J2792", 15),
        ("Rhophylac", "300 mcg", "J2791", 15),
        ("RhoGAM", "300 mcg", "J2790", 1),
    ],
)
def test_rho_d_products_and_units(rules, product, dose, code, units):
    note = f"Rh-negative pregnancy at 28 weeks. {product} {dose} IM given in the left deltoid by Dr. Okafor."
    adm = _adm(rules.review(note), "rho_d_immune_globulin")
    assert (adm.hcpcs, adm.units) == (code, units)


@pytest.mark.parametrize(
    ("text", "drug_id", "code", "units"),
    [
        ("Udenyca 6 mg SC given in the left arm", "pegfilgrastim", "Q5111", 12),
        ("Neulasta 6 mg SC given in the left arm", "pegfilgrastim", "J2506", 12),
        ("Zarxio 480 mcg SC given in the abdomen", "filgrastim", "Q5101", 480),
        ("Wyost 120 mg SC given in the abdomen", "denosumab", "Q5136", 120),
        ("Prolia 60 mg SC given in the abdomen", "denosumab", "J0897", 60),
        ("Retacrit 10,000 units SC given in the left arm", "epoetin_alfa", "Q5106", 10),
    ],
)
def test_biosimilars_carry_their_own_codes(rules, text, drug_id, code, units):
    adm = _adm(rules.review(f"Breast cancer on chemotherapy. {text} by Dr. Stone."), drug_id)
    assert (adm.hcpcs, adm.units) == (code, units)


@pytest.mark.parametrize(
    ("note", "drug_id", "code", "units"),
    [
        (
            "Acute agitation. Olanzapine 10 mg IM given in the right deltoid by Dr. Ng.",
            "olanzapine",
            "J2359",
            20,
        ),
        (
            "Opioid use disorder. Brixadi weekly 24 mg SC given in the abdomen by Dr. Ng.",
            "buprenorphine_brixadi",
            "J0577",
            1,
        ),
        (
            "Opioid use disorder. Brixadi 96 mg SC given in the abdomen by Dr. Ng.",
            "buprenorphine_brixadi",
            "J0578",
            1,
        ),
        (
            "Muscle spasm of the back. Methocarbamol 1000 mg IM given in the left gluteal by Dr. Ng.",
            "methocarbamol",
            "J2800",
            1,
        ),
        (
            "Irritable bowel syndrome with cramping. Dicyclomine 20 mg IM given in the left deltoid by Dr. Ng.",
            "dicyclomine",
            "J0500",
            1,
        ),
    ],
)
def test_codes_that_were_missing(rules, note, drug_id, code, units):
    adm = _adm(rules.review(note), drug_id)
    assert (adm.hcpcs, adm.units) == (code, units)


def test_every_coded_drug_row_names_its_source_and_valid_dates():
    for drug in res.drugs().drugs:
        for rule in drug.code_rules:
            assert rule.source, drug.id
            assert rule.effective is None or rule.end is None or rule.effective <= rule.end


# Dated codes ------------------------------------------------------------------------------------

METHYLPRED = (
    "{header}Acute gout flare of the right knee.\n"
    "Methylprednisolone acetate {dose} IM given in the right gluteal by Sam Lee, MD."
)


@pytest.mark.parametrize(
    ("header", "dose", "code", "units"),
    [
        ("Date of service: 03/11/2024\n", "80 mg", "J1040", 1),
        ("DOS: 03/29/2024\n", "40 mg", "J1030", 1),
        ("Visit date: 2024-03-31\n", "20 mg", "J1020", 1),
        ("Date of service: 04/01/2024\n", "80 mg", "J1010", 80),
        ("DOS: 06/15/2025\n", "40 mg", "J1010", 40),
    ],
)
def test_methylprednisolone_acetate_code_follows_the_date_of_service(
    rules, header, dose, code, units
):
    review = rules.review(METHYLPRED.format(header=header, dose=dose))
    assert (
        _adm(review, "methylprednisolone_acetate").hcpcs,
        _adm(review, "methylprednisolone_acetate").units,
    ) == (code, units)


def test_date_of_service_argument_is_used_when_the_note_has_none(rules):
    note = METHYLPRED.format(header="", dose="80 mg")
    before = rules.review(note, date_of_service=date(2024, 3, 1))
    after = rules.review(note, date_of_service="2024-04-02")
    default = rules.review(note)
    assert _adm(before, "methylprednisolone_acetate").hcpcs == "J1040"
    assert _adm(after, "methylprednisolone_acetate").hcpcs == "J1010"
    assert default.date_of_service == date.today().isoformat()
    # the note's own date wins over the argument
    dated = rules.review(
        METHYLPRED.format(header="DOS: 03/11/2024\n", dose="80 mg"), date_of_service="2025-01-01"
    )
    assert dated.date_of_service == "2024-03-11"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Urgent care note. DOS 10/14/2026\n", "2026-10-14"),
        ("Nurse visit 11/02/2026\n", "2026-11-02"),
        ("Clinic visit 09/30/2026. 24 yo F here for her shot.\n", "2026-09-30"),
        ("INJECTION VISIT - 2026-07-08\n", "2026-07-08"),
        ("\n\n11/18/2026 nurse note: patient seen for injection.\n", "2026-11-18"),
        ("Family Medicine\nFollow-up visit on 3/4/25\n", "2025-03-04"),
        ("Seen by Dr. Ames. Service date 06/02/2026\n", "2026-06-02"),
        # a labelled date wins over the header line's date
        ("Office visit 11/20/2026\nDate of service: 11/19/2026\n", "2026-11-19"),
    ],
)
def test_date_of_service_is_read_from_header_wordings(rules, header, expected):
    review = rules.review(
        METHYLPRED.format(header=header, dose="80 mg"), date_of_service="2020-01-01"
    )
    assert review.date_of_service == expected


@pytest.mark.parametrize(
    "header",
    [
        "Patient: A. Moss  DOB 01/02/1980\n",  # a birth date is not the visit
        "Office visit\nHistory: last Depo-Medrol 09/08/2026 in the knee.\n",  # a past dose
        "Line one.\nLine two.\nLine three.\nInjection visit 05/05/2026\n",  # not the header
        "Lab note: B12 level 03/11/2024 was low.\n",  # a date in prose after other words
    ],
)
def test_dates_that_are_not_the_visit_are_not_read_as_its_date(rules, header):
    review = rules.review(
        METHYLPRED.format(header=header, dose="80 mg"), date_of_service="2020-01-01"
    )
    assert review.date_of_service == "2020-01-01"


# Claim lines --------------------------------------------------------------------------------------


def test_b12_visit_claim_lines(rules):
    note = (
        "Nurse visit. Dx: pernicious anemia (D51.0).\n"
        "Cyanocobalamin 1000 mcg IM given in the left deltoid by J. Diaz, RN per standing order."
    )
    review = rules.review(note)
    assert _lines(review) == ["96372x1", "J3420x1"]
    assert all(line.evidence for line in review.claim_lines)
    assert review.to_dict()["claim_lines"][1]["code"] == "J3420"


DEPO = (
    "Nurse visit. Contraception management (Z30.42).\n"
    "Medroxyprogesterone acetate 150 mg IM given in the left deltoid by Ana Ruiz, RN per order.\n"
    "{after}"
)


@pytest.mark.parametrize(
    "after",
    [
        "Lot 7731A. Single-dose prefilled syringe, none wasted.",
        "Tolerated well.\nSDV used; no waste.",
        "Next due in 12 weeks.\nSingle use vial, entire dose given.",
    ],
)
def test_container_named_after_the_drug_sentence_gets_jz(rules, after):
    assert _lines(rules.review(DEPO.format(after=after))) == ["96372x1", "J1050-JZx150"]


@pytest.mark.parametrize(
    "after",
    [
        "Social history: single, lives alone. No waste of time at check-in.",
        "Flu vaccine declined. A single episode of dizziness last year.",
    ],
)
def test_single_in_other_senses_is_not_a_container(rules, after):
    review = rules.review(DEPO.format(after=after))
    assert _lines(review) == ["96372x1", "J1050x150"]
    assert "WASTAGE_UNDOCUMENTED" not in {g.code for g in review.gaps}


def test_container_statement_belongs_to_the_drug_named_before_it(rules):
    note = (
        "Renal colic (N23). Ketorolac 60 mg IM given in the right gluteal by Dr. Hale.\n"
        "Nausea (R11.0). Ondansetron 4 mg IM given in the left deltoid by Dr. Hale.\n"
        "Single-dose vial, none wasted."
    )
    assert _lines(rules.review(note)) == ["96372x1", "J1885x4", "96372x1", "J2405-JZx4"]


def test_ketorolac_visit_with_no_waste_gets_jz(rules):
    note = (
        "Acute low back pain. Ketorolac 60 mg IM given in the right gluteal from a single-dose "
        "vial, no waste, by Dr. Hale."
    )
    assert _lines(rules.review(note)) == ["96372x1", "J1885-JZx4"]


def test_ceftriaxone_with_discarded_amount_gets_a_jw_line(rules):
    note = (
        "Gonorrhea exposure. Ceftriaxone 500 mg IM given in the left gluteal from a 1 g "
        "single-dose vial, 500 mg discarded. Given by M. Fox, RN per protocol."
    )
    assert _lines(rules.review(note)) == ["96372x1", "J0696x2", "J0696-JWx2"]


@pytest.mark.parametrize("zero", ["0 mg discarded", "wasted: 0 mL", "0.0 mg wasted"])
def test_a_zero_discarded_amount_is_jz_not_a_jw_line(rules, zero):
    note = (
        "Community-acquired pneumonia (J18.9). Rocephin 1 gm IM given in the right ventrogluteal "
        f"by M. Dean, LPN per Dr. Ross.\nVial: 1 g single-dose vial; {zero}."
    )
    assert _lines(rules.review(note)) == ["96372x1", "J0696-JZx4"]


def test_depo_provera_visit(rules):
    note = (
        "Contraception management. Medroxyprogesterone 150 mg IM given in the right deltoid by "
        "K. Moss, MD. Last Depo-Provera 12 weeks ago."
    )
    review = rules.review(note)
    assert "96372x1" in _lines(review) and any(
        c.startswith("J1050") and c.endswith("x150") for c in _lines(review)
    )
    assert "FREQUENCY" not in review.gap_codes


def test_two_injections_are_two_96372_lines_and_payer_modifier_on_the_second(rules, nlp, tmp_path):
    note = (
        "Acute migraine with vomiting. Ketorolac 30 mg IM given in the right gluteal and "
        "promethazine 25 mg IM given in the left gluteal by Dr. Hale. No waste."
    )
    assert [line for line in _lines(rules.review(note)) if line.startswith("96372")] == [
        "96372x1",
        "96372x1",
    ]
    path = tmp_path / "payer.json"
    path.write_text(
        json.dumps(
            {"version": "acme.1", "payer": {"name": "Acme", "second_injection_modifier": "XU"}}
        )
    )
    acme = Reviewer(nlp, model=None, payer_rules=path)
    assert [line for line in _lines(acme.review(note)) if line.startswith("96372")] == [
        "96372x1",
        "96372-XUx1",
    ]


def test_dose_missing_means_no_drug_line_and_the_gap_says_why(rules):
    note = (
        "Pernicious anemia. Cyanocobalamin IM given in the left deltoid by J. Diaz, RN per order."
    )
    review = rules.review(note)
    assert "DOSE_MISSING" in review.gap_codes
    assert not any(line.code == "J3420" for line in review.claim_lines)


def test_em_with_separate_problem_gets_modifier_25(rules):
    note = (
        "99213. Hypertension reviewed, lisinopril continued. Also pernicious anemia: "
        "cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale."
    )
    review = rules.review(note)
    assert "99213-25x1" in _lines(review)
    assert "EM_NOT_SEPARATE" not in review.gap_codes


# New advisory checks --------------------------------------------------------------------------


def test_em_not_separate_fires_for_injection_only_visit_and_99211(rules):
    only = "99213. Pernicious anemia: cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale."
    nurse = "99211. Pernicious anemia: cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale."
    for note in (only, nurse):
        review = rules.review(note)
        assert "EM_NOT_SEPARATE" in review.gap_codes
        assert not any(line.code.startswith("992") for line in review.claim_lines)
        assert review.claim_ready  # advisory only


def test_wastage_undocumented_fires_and_does_not_over_fire(rules):
    base = "Osteoporosis. Prolia 60 mg SC given in the left upper arm by Dr. Hale."
    assert "WASTAGE_UNDOCUMENTED" in rules.review(base).gap_codes
    assert "WASTAGE_UNDOCUMENTED" not in rules.review(base + " Entire syringe given.").gap_codes
    b12 = "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale."
    assert "WASTAGE_UNDOCUMENTED" not in rules.review(b12).gap_codes  # multi-dose vial


def test_sad_drug(rules):
    review = rules.review(
        "Rheumatoid arthritis. Adalimumab 40 mg SC given in the abdomen by Dr. Hale."
    )
    assert "SAD_DRUG" in review.gap_codes
    assert (
        "SAD_DRUG"
        not in rules.review(
            "Osteoporosis. Prolia 60 mg SC given in the left upper arm by Dr. Hale."
        ).gap_codes
    )


def test_facility_setting(rules):
    note = "ED course: renal colic. Ketorolac 30 mg IM given in the right deltoid by Dr. Hale."
    assert "FACILITY_SETTING" in rules.review(note).gap_codes
    office = "Renal colic; seen in the office. Ketorolac 30 mg IM given in the right deltoid by Dr. Hale."
    assert "FACILITY_SETTING" not in rules.review(office).gap_codes


@pytest.mark.parametrize(
    "where",
    [
        "Patient evaluated in the ED for flank pain.",
        "Seen at the emergency department, bed 4.",
        "Given by the ED nurse at triage.",
    ],
)
def test_facility_setting_from_narrative_wording(rules, where):
    note = f"Renal colic (N23). {where} Ketorolac 30 mg IM given in the right deltoid by Dr. Hale."
    assert "FACILITY_SETTING" in rules.review(note).gap_codes


@pytest.mark.parametrize(
    "where",
    [
        "Return to the ED if fever or vomiting.",  # an instruction, not where it was given
        "Go to the emergency room if pain worsens.",
        "Was seen in the ER 2 days ago; here today in clinic.",  # an earlier visit
    ],
)
def test_facility_setting_not_from_instructions_or_earlier_visits(rules, where):
    note = f"Renal colic (N23). Ketorolac 30 mg IM given in the right deltoid by Dr. Hale. {where}"
    assert "FACILITY_SETTING" not in rules.review(note).gap_codes


def test_pair_edit(rules):
    note = (
        "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid. Influenza "
        "vaccine 0.5 mL IM given in the right deltoid, lot AB12. By Dr. Hale."
    )
    assert "PAIR_EDIT" in rules.review(note).gap_codes
    single = "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale."
    assert "PAIR_EDIT" not in rules.review(single).gap_codes


def test_units_exceed_for_96372_units_and_payer_mue(rules, nlp, tmp_path):
    note = "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale. Billed 96372 x2."
    assert "UNITS_EXCEED" in rules.review(note).gap_codes
    assert "UNITS_EXCEED" not in rules.review(note.replace("x2", "x1")).gap_codes
    ket = "Acute back pain. Ketorolac 60 mg IM given in the right gluteal by Dr. Hale."
    assert "UNITS_EXCEED" not in rules.review(ket).gap_codes
    path = tmp_path / "payer.json"
    path.write_text(
        json.dumps(
            {
                "version": "acme.2",
                "mue": [{"hcpcs": "J1885", "max_units": 2, "source": "Acme policy 7"}],
            }
        )
    )
    review = Reviewer(nlp, model=None, payer_rules=path).review(ket)
    gap = next(g for g in review.gaps if g.code == "UNITS_EXCEED")
    assert "Acme policy 7" in gap.message and review.claim_ready


@pytest.mark.parametrize(
    ("note", "fires"),
    [
        (
            "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale. Last B12 shot 10 days ago.",
            True,
        ),
        (
            "Pernicious anemia, loading phase. Cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale. Last B12 shot 7 days ago.",
            False,
        ),
        (
            "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid by Dr. Hale. Last B12 shot 30 days ago.",
            False,
        ),
        (
            "Contraception. Medroxyprogesterone 150 mg IM given in the right deltoid by Dr. Hale. Last Depo-Provera 8 weeks ago.",
            True,
        ),
        (
            "Contraception. Medroxyprogesterone 150 mg IM given in the right deltoid by Dr. Hale. Last Depo-Provera 17 weeks ago.",
            True,
        ),
        (
            "Contraception. Medroxyprogesterone 150 mg IM given in the right deltoid by Dr. Hale. Last Depo-Provera 13 weeks ago.",
            False,
        ),
        (
            "Osteoporosis. Prolia 60 mg SC given in the left arm by Dr. Hale. Last Prolia 4 months ago.",
            True,
        ),
        (
            "Osteoporosis. Prolia 60 mg SC given in the left arm by Dr. Hale. Last Prolia 6 months ago.",
            False,
        ),
    ],
)
def test_frequency(rules, note, fires):
    assert ("FREQUENCY" in rules.review(note).gap_codes) is fires


def test_order_missing(rules):
    note = "Pernicious anemia. Cyanocobalamin 1000 mcg IM given in the left deltoid by J. Diaz, RN."
    assert "ORDER_MISSING" in rules.review(note).gap_codes
    assert (
        "ORDER_MISSING" not in rules.review(note.replace("RN.", "RN per standing order.")).gap_codes
    )
    provider = note.replace("J. Diaz, RN", "Dr. Hale")
    assert "ORDER_MISSING" not in rules.review(provider).gap_codes
    for named in (
        "RN per Dr. Hale's orders.",
        "RN, order from Dr. Hale on file.",
        "RN under Dr Hale order.",
    ):
        assert "ORDER_MISSING" not in rules.review(note.replace("RN.", named)).gap_codes
    # a later order for something else is not the order for the injection
    later = note + " Order placed for CBC next month."
    assert "ORDER_MISSING" in rules.review(later).gap_codes


def test_payer_rules_file_is_validated(nlp, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"version": "x", "mue": [{"hcpcs": "J1885", "max_units": 0, "source": "x"}]})
    )
    with pytest.raises(res.ResourceError, match="max_units"):
        Reviewer(nlp, model=None, payer_rules=path)


def test_payer_table_rows_name_known_drugs_and_sources():
    ids = {d.id for d in res.drugs().drugs}
    table = res.payer()
    for row in [*table.sad_drugs, *table.single_dose_drugs, *table.frequency]:
        assert row.drug in ids and row.source


# Compliant queries ------------------------------------------------------------------------------

PAYMENT = re.compile(
    r"\b(?:payment|paid|pay|reimburse\w*|billing|bill|billed|revenue|denial|denied|claim)\b", re.I
)


def test_no_query_mentions_payment():
    for code, template in res.gap_templates().gaps.items():
        assert not PAYMENT.search(template.query), code


def test_queries_that_offer_a_diagnosis_offer_alternatives():
    for code, template in res.gap_templates().gaps.items():
        q = template.query.lower()
        if "{dx}" in q or "condition" in q and "options" in q:
            assert "other" in q and "unable to determine" in q, code


def test_testosterone_query_does_not_suggest_the_answer(rules):
    note = "Fatigue. Testosterone cypionate 200 mg IM given in the right gluteal by Dr. Hale."
    gap = next(g for g in rules.review(note).gaps if g.code == "DX_NOT_SUPPORTED")
    assert "hypogonadism" not in gap.query.lower()
    assert "Fatigue" in gap.query and "unable to determine" in gap.query


def test_batch_uses_the_date_of_service_column_and_writes_claim_lines(tmp_path):
    import csv

    from cleanclaim.batch.runner import run_batch

    note = (
        "Gout flare of the right knee. Methylprednisolone acetate 80 mg IM given in the right "
        "gluteal by Sam Lee, MD."
    )
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "a", "text": note, "date_of_service": "2024-03-01"},
                {"id": "b", "text": note},
            ]
        )
        + "\n"
    )
    out = tmp_path / "out.csv"
    run_batch(src, out, rules_only=True, workers=1, date_of_service="2024-05-01")
    rows = {r["id"]: r for r in csv.DictReader(out.open())}
    assert rows["a"]["claim_lines"] == "96372x1;J1040x1"
    assert rows["b"]["claim_lines"] == "96372x1;J1010x80"


# CMS MUE tables -> payer rules --------------------------------------------------------------

#: A table shaped like CMS's quarterly Practitioner Services MUE file (values made up for tests).
MUE_TABLE = (
    "CPT codes, descriptions and other data only are copyright American Medical Association.\n"
    "Notice text of the quarterly release, line two.\n"
    "\n"
    "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n"
    "J1885,2,3 Date of Service Edit: Clinical,Clinical: Data\n"
    "J3420,1,3 Date of Service Edit: Clinical,Prescribing Information\n"
    "99213,1,2 Date of Service Edit: Policy,Nature of Service/Procedure\n"
    "J0696,n/a,3 Date of Service Edit: Clinical,Clinical: Data\n"
)


@pytest.mark.parametrize("packed", [False, True])
def test_cms_mue_table_becomes_payer_rules_that_units_exceed_reads(nlp, tmp_path, packed):
    import zipfile

    from typer.testing import CliRunner

    from cleanclaim.cli import app

    table = tmp_path / "MCR_MUE_PractitionerServices.csv"
    table.write_text(MUE_TABLE, encoding="utf-8")
    if packed:
        with zipfile.ZipFile(tmp_path / "mue.zip", "w") as archive:
            archive.write(table, table.name)
        table = tmp_path / "mue.zip"
    out = tmp_path / "mue.json"
    args = ["payer", "mue", str(table), "--effective", "2026-10-01", "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 MUE rows" in result.stdout and "1 malformed" in result.stdout  # 99213: not billed
    rows = json.loads(out.read_text())["mue"]
    assert {(r["hcpcs"], r["max_units"], r["effective"]) for r in rows} == {
        ("J1885", 2, "2026-10-01"),
        ("J3420", 1, "2026-10-01"),
    }
    acme = Reviewer(nlp, model=None, payer_rules=out)
    ket = "Acute back pain. Ketorolac 60 mg IM given in the right gluteal by Dr. Hale."
    gap = next(g for g in acme.review(ket, None, "2026-11-02").gaps if g.code == "UNITS_EXCEED")
    assert "MCR_MUE_PractitionerServices" in gap.message or "mue.zip" in gap.message
    # before the table's quarter, and within its limit, nothing fires
    assert "UNITS_EXCEED" not in acme.review(ket, None, "2026-09-30").gap_codes
    assert (
        "UNITS_EXCEED"
        not in acme.review(ket.replace("60 mg", "30 mg"), None, "2026-11-02").gap_codes
    )


def test_a_file_that_is_not_an_mue_table_is_a_clear_error(tmp_path):
    from typer.testing import CliRunner

    from cleanclaim.cli import app

    table = tmp_path / "notes.csv"
    table.write_text("id,text\nn1,Ketorolac 60 mg IM given.\n", encoding="utf-8")
    out = tmp_path / "mue.json"
    args = ["payer", "mue", str(table), "--effective", "2026-10-01", "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "MUE value" in result.stderr and not out.exists()
    assert "Ketorolac" not in result.stderr


@pytest.mark.parametrize(
    ("note", "code", "fires"),
    [
        (
            "Renal colic (N23). Ketorolac 150 mg IM given in the right gluteal by Dr. Hale.",
            "J1885",
            True,
        ),
        (
            "Renal colic (N23). Ketorolac 60 mg IM given in the right gluteal by Dr. Hale.",
            "J1885",
            False,
        ),
        (
            "Pyelonephritis (N10). Ceftriaxone 5 g IM given in the left gluteal by Dr. Hale.",
            "J0696",
            True,
        ),
        (
            "Pyelonephritis (N10). Ceftriaxone 1 g IM given in the left gluteal by Dr. Hale.",
            "J0696",
            False,
        ),
        (
            "Syphilis, primary (A51.0). Bicillin L-A 4.8 million units IM given in the right "
            "ventrogluteal by Dr. Hale.",
            "J0561",
            True,
        ),
        (
            "Syphilis, primary (A51.0). Bicillin L-A 2.4 million units IM given in the right "
            "ventrogluteal by Dr. Hale.",
            "J0561",
            False,
        ),
    ],
)
def test_units_exceed_from_packaged_label_maximums(rules, note, code, fires):
    """The packaged limits are label maximum daily doses, each naming its label."""
    review = rules.review(note)
    gaps = [g for g in review.gaps if g.code == "UNITS_EXCEED"]
    assert bool(gaps) is fires
    assert any(line.code == code for line in review.claim_lines)
    if fires:
        assert "FDA label" in gaps[0].message
        assert review.claim_ready  # advisory: never changes the decision


def test_payer_sources_lists_every_row_with_its_source(tmp_path):
    """`cleanclaim payer sources`: each drug code and payer rule with its source, a practice's
    own rows included."""
    from typer.testing import CliRunner

    from cleanclaim.cli import app

    rules = tmp_path / "acme.json"
    rules.write_text(
        json.dumps(
            {"version": "acme", "mue": [{"hcpcs": "J3420", "max_units": 1, "source": "Acme 12"}]}
        )
    )
    result = CliRunner().invoke(app, ["payer", "sources", "--payer-rules", str(rules)])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert rows[0] == ["table", "row", "code", "effective", "end", "source"]
    assert all(len(r) == 6 and len(r[5]) >= 3 for r in rows[1:])
    by_code = {(r[0], r[2], r[3]): r for r in rows[1:]}
    assert ("drugs", "J1010", "2024-04-01") in by_code  # methylprednisolone acetate from April 2024
    assert ("mue", "J3420", "") not in by_code and ["mue", "J3420", "1", "", "", "Acme 12"] in rows
    assert len({r[1] for r in rows if r[0] == "drugs"}) == len(res.drugs().drugs)
