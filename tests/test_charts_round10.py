"""Charts round 10: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a statement, in an addendum or anywhere, that the drugs were "ordered but not administered",
  or that the patient left the department "before nursing could give them", means nothing was
  given: never ready, whatever the treatment line above it says; said of one named drug, it
  takes back that drug only;
- a yes/no template answered after a question mark or across an aligned column ("Route IM?
  Yes", "Route SC?          No") documents only the option answered yes: no route conflict;
- a drug that is only injected, said given here with neither dose nor route ("Rocephin given in
  clinic, pt tolerated"), is an injection whose dose and route are missing, not "no injection";
  the same words in a hospital course stay no injection of this visit;
- a site checked in a filled-in template ("Site: ☒ L deltoid ☐ R deltoid") records the dose even
  when a plan's header line above names the drug first; a site left unchecked records nothing;
- on a plan line, a drug with its route and site and administration wording later in the same
  sentence, beyond the reach of the drug's own modifiers ("P: Vivitrol 380 mg IM right gluteal
  (alternating from left last month), 1.5-inch kit needle, given by T. Engstrom, RN"), was
  given; an order with a site and no such wording stays an order;
- a MAR row whose status says it was charted in error ("IN ERROR", "Entered in error", "Wrong
  patient") records no dose; a row marked "Given" still does;
- a drug named without its salt ("PROCEDURE: Testosterone injection") in a note that names one
  form of it ("Drug: testosterone enanthate 200 mg/mL") is that form's administration, not a
  second drug missing its dose, route and site; with its own dose it stays its own;
- "Hypogonadism, rule out - repeat level pending" is a possible diagnosis, like "rule out
  hypogonadism"; "Cough, rule out pneumonia" leaves the cough affirmed.
"""

from __future__ import annotations

import pytest

from assertions import blocking

ED_TREATED = (
    "ED NOTE\nCC: low back pain radiating down the right leg.\n"
    "Dx: Lumbar radiculopathy, right (M54.16)\n"
    "Tx: Ketorolac 60 mg IM R gluteal. Dexamethasone 10 mg IM L gluteal.\n"
)


@pytest.mark.parametrize(
    "retraction",
    [
        "ADDENDUM 21:10: the medications in the Tx line were ordered but NOT administered; the "
        "patient eloped before nursing could give them.",
        "Late entry: meds were prepared but never given - pt walked out of the department "
        "before the injection.",
        "Addendum (RN): patient left the ED before staff could administer the medications.",
        "Correction: the above were ordered but not given, patient declined after discussion.",
    ],
)
def test_a_retraction_that_names_no_drug_takes_back_every_dose(reviewer, retraction):
    review = reviewer.review(ED_TREATED + "\n" + retraction)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)
    assert not any(a.given for a in review.administrations)


def test_a_retraction_of_one_named_drug_leaves_the_other_given(reviewer):
    review = reviewer.review(
        "OFFICE VISIT\nDx: Pernicious anemia (D51.0); acute gout flare of the right knee "
        "(M10.061).\nCyanocobalamin 1000 mcg IM given L deltoid by RN, tolerated.\n"
        "Ketorolac 60 mg IM was ordered but not given (pt requested oral meds instead)."
    )
    given = {a.drug_id for a in review.administrations if a.given}
    assert given == {"cyanocobalamin"}
    assert review.claim_ready is True


def test_an_order_for_later_is_no_retraction(reviewer):
    review = reviewer.review(
        "NURSE VISIT\nDx: Vitamin B12 deficiency due to pernicious anemia (D51.0).\n"
        "Cyanocobalamin 1000 mcg IM L deltoid given at 10:05, tolerated well.\n"
        "Next dose ordered for 4 weeks."
    )
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "answers",
    [
        "Route IM?                   Yes\nRoute SC?                   No\n",
        "Route IM? Yes\nRoute SC? No\n",
        "IM            Yes\nSC            No\n",
    ],
)
def test_a_route_answered_after_a_question_mark_or_a_column_is_the_only_route(reviewer, answers):
    review = reviewer.review(
        "INJECTION VISIT\nAssessment: Hypogonadism, male (E29.1), on replacement.\n"
        "Injection given?            Yes\n"
        "Medication                  testosterone cypionate 200 mg/mL\n"
        "Amount                      1 mL (200 mg)\n"
        + answers
        + "Site                        L ventrogluteal\n"
    )
    assert "ROUTE_CONFLICT" not in blocking(review)
    (given,) = [a for a in review.administrations if a.given]
    assert given.route_code == "IM"
    assert review.claim_ready is True


def test_both_routes_answered_yes_still_conflict(reviewer):
    review = reviewer.review(
        "INJECTION VISIT\nAssessment: Hypogonadism, male (E29.1).\n"
        "Medication                  testosterone cypionate 200 mg (1 mL)\n"
        "Route IM?                   Yes\nRoute SC?                   Yes\n"
        "Site                        L ventrogluteal\nGiven by RN at 09:40.\n"
    )
    assert "ROUTE_CONFLICT" in blocking(review)


@pytest.mark.parametrize(
    "line",
    [
        "Rocephin given in clinic, pt tolerated.",
        "Toradol given here today, tolerated well.",
        "Ceftriaxone administered in the office this morning without reaction.",
    ],
)
def test_an_injected_only_drug_given_here_without_dose_or_route_is_an_incomplete_injection(
    reviewer, line
):
    review = reviewer.review(
        "URGENT CLINIC VISIT\nRedness and warmth of the right shin for three days.\n"
        "Dx: Cellulitis of right lower limb (L03.115)\n" + line
    )
    assert review.service_code == "96372"
    assert {"DOSE_MISSING", "ROUTE_MISSING"} <= blocking(review)
    assert review.claim_ready is False


def test_an_injected_only_drug_in_a_hospital_course_stays_no_injection(reviewer):
    review = reviewer.review(
        "DISCHARGE SUMMARY\nHospital course: pneumonia; in the ED he was given Rocephin and "
        "azithromycin and was admitted to the medicine service.\nDischarge medications: "
        "cefpodoxime 200 mg PO BID."
    )
    assert review.service_code != "96372"
    assert review.claim_ready is False


PLAN_THEN_BOXES = (
    "B12 CLINIC\nDx: Pernicious anemia (D51.0)\n"
    "Plan per protocol: start cyanocobalamin injections monthly.\n"
    "Medication: ☒ cyanocobalamin 1000 mcg/mL   ☐ other\n"
    "Route: ☒ IM  ☐ SC\n"
    "Site: {left} L deltoid  ☐ R deltoid\n"
    "Lot AB7731   Given by K. Osei, RN, 09:05"
)


def test_a_checked_site_under_a_plan_header_records_the_dose(reviewer):
    review = reviewer.review(PLAN_THEN_BOXES.format(left="☒"))
    assert review.claim_ready is True
    (given,) = [a for a in review.administrations if a.given]
    assert given.drug_id == "cyanocobalamin" and given.site == "L deltoid"


def test_a_checked_vaccine_record_under_a_plan_line_is_a_vaccine_given(reviewer):
    review = reviewer.review(
        "EMPLOYEE HEALTH\nPlan per protocol: revaccinate with 2-dose Heplisav-B series.\n"
        "Vaccine: [x] Heplisav-B 20 mcg/0.5 mL   [ ] Engerix-B\nRoute: [x] IM  [ ] SC\n"
        "Site: [x] L deltoid  [ ] R deltoid\nGiven by K. Osei, RN, 09:05\n"
        "Dx: Z23 Encounter for immunization"
    )
    assert review.service_code == "90471" and review.status == "other_service"


def test_an_unchecked_site_under_a_plan_header_records_nothing(reviewer):
    review = reviewer.review(
        "B12 CLINIC\nDx: Pernicious anemia (D51.0)\n"
        "Plan: start cyanocobalamin 1000 mcg IM monthly from next visit.\n"
        "Site: ☐ L deltoid  ☐ R deltoid"
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


@pytest.mark.parametrize(
    "plan",
    [
        "P: Vivitrol (naltrexone extended-release injectable suspension) 380 mg IM right gluteal "
        "(alternating from left last month), 1.5-inch kit needle, given by T. Engstrom, RN. Lot "
        "VT2207.",
        "Plan: Depo-Provera 150 mg IM in the left deltoid with the usual 1-inch needle and the "
        "site cleaned with alcohol, administered by our MA at 10:40.",
    ],
)
def test_a_plan_line_with_route_site_and_later_administration_wording_was_given(reviewer, plan):
    review = reviewer.review(
        "CLINIC VISIT\nA: Opioid use disorder in early remission (F11.21); contraception "
        "management (Z30.42).\n" + plan + "\nContinue monthly."
    )
    assert any(a.given and a.route_code == "IM" for a in review.administrations)
    assert review.claim_ready is True


def test_a_plan_line_with_a_site_but_no_administration_wording_stays_an_order(reviewer):
    review = reviewer.review(
        "CLINIC VISIT\nA: Opioid use disorder in early remission (F11.21).\n"
        "P: Vivitrol 380 mg IM right gluteal at the next visit, alternating sides monthly."
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


MAR_ROW = (
    "Clinic Medication Administration Summary\n"
    "Visit diagnosis: Gonococcal infection of the cervix (A54.03)\n\n"
    "Medication       | Dose   | Route | Site            | Date/Time        | Status   | By\n"
    "---------------- | ------ | ----- | --------------- | ---------------- | -------- | ----\n"
    "ceftriaxone inj  | 500 mg | IM    | R ventrogluteal | 08/06/2026 11:05 | {status} | TV RN\n"
)


@pytest.mark.parametrize("status", ["IN ERROR", "Entered in error", "Wrong patient"])
def test_a_mar_row_charted_in_error_records_no_dose(reviewer, status):
    review = reviewer.review(MAR_ROW.format(status=status))
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


def test_a_mar_row_marked_given_still_records_the_dose(reviewer):
    review = reviewer.review(MAR_ROW.format(status="Given"))
    assert review.claim_ready is True


PROCEDURE_RECORD = (
    "PROCEDURE NOTE\nAssessment: {dx}\nPROCEDURE: Testosterone injection\n"
    "  Drug: testosterone enanthate 200 mg/mL\n  Dose: 100 mg (0.5 mL)\n"
    "  Route: IM     Site: R vastus lateralis\n  Performed by: W. Obi, MA    Time: 16:05"
)


def test_a_drug_named_without_its_salt_is_the_form_the_note_names(reviewer):
    review = reviewer.review(PROCEDURE_RECORD.format(dx="Male hypogonadism (E29.1)"))
    assert [a.drug_id for a in review.administrations] == ["testosterone_enanthate"]
    assert review.claim_ready is True


def test_a_drug_without_its_salt_with_its_own_dose_stays_its_own(reviewer):
    review = reviewer.review(
        "Dx: Male hypogonadism (E29.1)\nTestosterone 100 mg IM given L glute by RN.\n"
        "He also asked about testosterone enanthate autoinjectors for home."
    )
    given = [a.drug_id for a in review.administrations if a.given]
    assert given == ["testosterone_cypionate"]


@pytest.mark.parametrize(
    "dx",
    [
        "Hypogonadism, rule out - repeat 8 AM total T pending",
        "Hypogonadism (rule out)",
        "Hypogonadism, rule out.",
    ],
)
def test_a_rule_out_written_after_the_diagnosis_makes_it_possible(reviewer, dx):
    review = reviewer.review(PROCEDURE_RECORD.format(dx=dx))
    assert review.claim_ready is False
    assert not any(d.supports for d in review.diagnoses)


def test_a_rule_out_before_another_diagnosis_leaves_the_first_affirmed(reviewer):
    review = reviewer.review(
        PROCEDURE_RECORD.format(dx="Male hypogonadism (E29.1), rule out sleep apnea.")
    )
    assert review.claim_ready is True
