"""Round 38: short notes written for these tests, from untuned probe notes that went wrong (now in
``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- speech caught between two "[crosstalk]" markers documents nothing; "was going to give"
  plans; "E M S gave", "in the rig", "per run sheet" are doses given before arrival;
- a diluent's own amount or strength written after it ("diluted in 1% lidocaine 2.1 mL") and a
  discharge prescription's dose are not the given drug's dose; an HL7 record's amount and unit in
  two fields ("|500|mg^") are a dose;
- "A-fib no, she says" denies; a side word before one ordinary word ("each tender point") reads
  no drug; "IV not possible" and "never s/c" deny the route;
- "Rx:" over a record of giving (clock times, "given by") is treatment, not a prescription;
  "alternative would have been ..." was not given; "Previous steroid elsewhere:" is history;
  "partner gave ... from the home kit" was given elsewhere; "(Mum consented and held)" holds
  the child, not the dose; "Second epinephrine dose not needed" does not undo the first.
"""

from __future__ import annotations

import pytest

from assertions import blocking


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("the Benadryl's out in the cabinet, order more", "diphenhydramine"),
        ("we're out of Phenergan again, tell pharmacy", "promethazine"),
    ],
)
def test_speech_between_crosstalk_markers_names_no_drug(reviewer, said, drug):
    review = reviewer.review(
        "walk-in clinic, hives after shellfish, assessment urticaria. gave the [inaudible] "
        f"antihistamine shot fifty milligrams I M left deltoid, tolerated [crosstalk] {said} "
        "[crosstalk] observe thirty minutes"
    )
    assert review.claim_ready is False
    assert set(blocking(review)) == {"DRUG_MISSING"}
    assert not any(a.drug_id == drug for a in review.administrations)


@pytest.mark.parametrize(
    "plan",
    [
        "I was going to give dexamethasone ten milligrams I M but she got Depo-Medrol "
        "yesterday so we held it",
        "We were planning to give Toradol 60 mg IM, but her creatinine came back high, so "
        "no injection",
    ],
)
def test_a_dose_that_was_going_to_be_given_was_not(reviewer, plan):
    review = reviewer.review(
        f"ED note. Asthma flare, wheezy tonight. {plan}. Assessment: mild asthma exacerbation."
    )
    assert review.claim_ready is False
    assert not any(a.given for a in review.administrations)


@pytest.mark.parametrize(
    "ems",
    [
        "E M S gave Haldol five milligrams I M in the rig about oh two ten per run sheet",
        "haloperidol 5 mg IM was given in the ambulance per the run sheet",
    ],
)
def test_a_dose_given_before_arrival_is_not_this_encounters(reviewer, ems):
    review = reviewer.review(
        f"ED hallway note. Brought in for agitation. {ems}. On arrival calm, ate and slept. "
        "Olanzapine 10 mg IM ordered as needed, not given. Assessment: bipolar disorder, "
        "agitation resolved."
    )
    assert review.claim_ready is False
    assert not any(a.given and a.route == "IM" for a in review.administrations)


@pytest.mark.parametrize(
    "diluent",
    ["(diluted in 1% lidocaine 2.1 mL)", "reconstituted with lidocaine one percent"],
)
def test_a_diluents_own_amount_is_not_the_drugs_dose(reviewer, diluent):
    review = reviewer.review(
        "Urgent care 01/09/2026. A: community-acquired pneumonia (J18.9).\n"
        f"P: Rocephin IM given R glute {diluent}. Doxycycline 100 mg PO BID."
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


def test_an_hl7_records_amount_and_unit_fields_are_its_dose(reviewer):
    review = reviewer.review(
        "MSH|^~\\&|UC_EHR|CLINIC|RCM|RCM|20260314111502||RAS^O17^RAS_O17|UC1|P|2.5.1\n"
        "RXA|0|1|20260314104700|20260314104700|J0696^CEFTRIAXONE SODIUM INJ^HCPCS|500|"
        "mg^milligram^UCUM|||8812^LEE^ANA^^^^RN||||||||||CP|A\n"
        "RXR|IM^Intramuscular^HL70162|LG^Left Gluteus Medius^HL70163\n"
        "OBX|1|CWE|ADMIN_INDICATION^Indication^L||Z20.2^Contact with and (suspected) exposure "
        "to STI^I10||||||F\n"
        "NTE|1||Partner positive for gonorrhea. Ceftriaxone reconstituted w/ 1% lidocaine "
        "1 mL. Observed 15 min, no reaction."
    )
    assert "DOSE_MISSING" not in blocking(review)
    (given,) = [a for a in review.administrations if a.given]
    assert given.dose is not None and given.dose.startswith("500")


def test_a_prescription_for_later_lends_no_dose(reviewer):
    review = reviewer.review(
        "ED 03/01/2026. Imp: anaphylaxis to bee sting.\n"
        "14:35 Adrenaline 1:1000 IM R anterolateral thigh stat.\n"
        "14:40 diphenhydramine 50 mg IV.\n"
        "D/c with EpiPen 0.3 mg x 2, allergy referral."
    )
    assert review.claim_ready is False
    assert "DOSE_MISSING" in blocking(review)


def test_a_spoken_no_after_a_diagnosis_denies_it(reviewer):
    review = reviewer.review(
        "home health visit period vitals stable period Lovenox forty milligrams sub cue given "
        "left lower abdomen at ten oh five comma per agency orders period history knee "
        "replacement twenty nineteen comma A-fib no she says no A-fib period"
    )
    assert review.claim_ready is False
    assert "DX_MISSING" in blocking(review)


def test_a_side_word_before_an_ordinary_word_reads_no_drug(reviewer):
    review = reviewer.review(
        "Procedure colon trigger point injections comma two muscles period a needle was "
        "advanced into the muscle at each tender point in the left trapezius comma and two "
        "milliliters of one percent lidocaine was injected at each point period"
    )
    assert not any(e.label == "DRUG" and e.text == "tender" for e in review.entities)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "denied",
    ["IM Phenergan chosen as IV not possible.", "Promethazine never s/c."],
)
def test_a_route_said_impossible_or_never_is_no_route(reviewer, denied):
    review = reviewer.review(
        "ED course: 03:25 ondansetron 4 mg ODT given, vomited. Unable to obtain IV access.\n"
        "04:05 promethazine 25 mg IM R gluteal (deep IM) given by RN.\n"
        f"MDM: viral gastroenteritis (A08.4), nausea and vomiting (R11.2). {denied}"
    )
    assert "ROUTE_CONFLICT" not in blocking(review)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "given",
    [
        "Rx: 02:00 pethidine (meperidine) 50 mg IMI R upper outer gluteal. 02:40 pain 3/10.",
        "Rx:\n19:44 adrenaline 0,5 mg IMI L anterolateral thigh stat, given by me.",
    ],
)
def test_rx_over_a_record_of_giving_is_treatment(reviewer, given):
    review = reviewer.review(
        "Date: 03/07/2026\nc/o: acute symptoms.\n"
        "Imp: L renal colic (N23); anaphylaxis to peanut (T78.01XA).\n" + given
    )
    assert review.claim_ready is True


def test_rx_of_a_prescription_is_still_a_prescription(reviewer):
    review = reviewer.review(
        "Date: 03/07/2026\nImp: L renal colic (N23).\n"
        "Rx: ketorolac 60 mg IM to be given at the pharmacy clinic tomorrow."
    )
    assert review.claim_ready is False


def test_an_alternative_that_would_have_been_given_was_not(reviewer):
    review = reviewer.review(
        "ID clinic walk-in. Partner GC+. Asymptomatic. Dx: exposure to gonorrhea.\n"
        "Rx: ceftriaxone 500 mg IM R ventrogluteal (diluted w/ 1% lidocaine), given by me. "
        "No cephalosporin allergy (alternative would have been gentamicin 240 mg IM + "
        "azithromycin PO)."
    )
    assert review.claim_ready is True
    assert [a.drug_id for a in review.administrations if a.given] == ["ceftriaxone"]


def test_a_previous_dose_under_its_label_is_history(reviewer):
    review = reviewer.review(
        "PROCEDURE NOTE 10/03/2026\nIndication: OA R knee (M17.11). Previous steroid "
        "elsewhere: Kenalog 80 mg IM buttock 12/2025, no benefit.\nProcedure: Depo-Medrol "
        "40 mg + lidocaine 1% 4 mL injected intra-articular R knee. No complications."
    )
    assert review.claim_ready is False
    assert review.service_code == "20610"


def test_a_dose_a_partner_gave_at_home_is_not_this_encounters(reviewer):
    review = reviewer.review(
        "Diabetes clinic 09/03/2026. Severe hypoglycaemia this morning: partner gave glucagon "
        "1 mg IM R thigh at 06:40 from the home kit. Recovered. Imp: hypoglycaemia in T1DM "
        "(E10.649), resolved. Nil given in clinic."
    )
    assert review.claim_ready is False
    assert not any(a.given and a.drug_id == "glucagon" for a in review.administrations)


@pytest.mark.parametrize("held", ["(Mum consented and held)", "(dad held him still)"])
def test_a_parent_holding_the_child_holds_no_dose_back(reviewer, held):
    review = reviewer.review(
        "Paediatric urgent care. Imp: moderate croup (J05.0).\n"
        "03:15 prednisolone 1 mg/kg PO - vomited.\n"
        f"03:30 dexamethasone 8 mg IM L anterolateral thigh {held}, tol well."
    )
    assert review.claim_ready is True


def test_a_second_dose_not_needed_does_not_undo_the_first(reviewer):
    review = reviewer.review(
        "SCHOOL HEALTH OFFICE 05/02/2026. Lip swelling and wheeze after peanut; anaphylaxis.\n"
        "11:52 Epinephrine auto-injector 0.3 mg IM, right anterolateral thigh, per emergency "
        "action plan.\n11:53 911 called.\nDiphenhydramine 25 mg PO held. Second epinephrine dose "
        "not needed."
    )
    assert review.claim_ready is True
