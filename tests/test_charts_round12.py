"""Charts round 12: short notes written for these tests, from untuned probe notes that went wrong
(now in ``annotations/raw/probe_tuned.jsonl``), each category with other wordings.

- a dose given at an urgent care written "UC" or "UCC" before the patient came here was given
  elsewhere: an ED note whose own doses are IV pushes is no 96372, never ready;
- a drug named on one line ("Treatment: Bicillin L-A") and "1st injection given today" on the
  next is an injection given here whose dose and route the note leaves out, not a drug merely
  named; "tolerated amoxicillin as a child" in an allergy list records no administration;
- "per surgeon order", "per standing order" authorise what was done: no plan for later;
- "w/o" negates what follows it ("tolerated fluids w/o emesis" is no diagnosis of emesis);
- a long word one letter off a curated drug ("cyanocobolamin") is that drug anywhere in the note,
  read as a fuzzy match (DICTATION_UNCLEAR advises the coder to confirm it);
- a joint or bursa site names the route only for drugs injected there (steroids, local
  anesthetics, hyaluronates): "ceftriaxone 500 mg given in the R hip" is an intramuscular dose
  whose route is missing, not a hip joint injection;
- "lidocaine without epinephrine 1 mL per site" does not refuse the lidocaine, and "x4 muscles"
  counts the muscles of trigger-point injections.
"""

from __future__ import annotations

import pytest

from assertions import blocking

ED_AFTER_UC = (
    "EMERGENCY DEPARTMENT NOTE\n"
    "Referred from: Lakeside Urgent Care\n"
    "HPI: 34F with dysuria and right flank pain since Sunday. {told} Sent here for vomiting.\n"
    "ED meds: ondansetron 4 mg IV push 15:05; ketorolac 15 mg IV push 15:05.\n"
    "Assessment: acute pyelonephritis, right (N10).\n"
    "Plan: home on cephalexin 500 mg PO QID x 10 days.\n"
)


@pytest.mark.parametrize(
    "told",
    [
        "She got ceftriaxone 1 g IM at the UC this morning.",
        "Ceftriaxone 1 g IM was given at Lakeside UCC around noon.",
        "Received Rocephin 1 gram IM from the UC prior to transfer.",
    ],
)
def test_a_dose_given_at_an_urgent_care_written_uc_is_not_this_visits(reviewer, told):
    review = reviewer.review(ED_AFTER_UC.format(told=told))
    assert review.claim_ready is False
    assert review.service_code != "96372"
    ceftriaxone = [a for a in review.administrations if a.drug_id == "ceftriaxone"]
    assert ceftriaxone and not ceftriaxone[0].given


def test_a_dose_given_in_the_ed_after_an_urgent_care_visit_is_still_this_visits(reviewer):
    note = ED_AFTER_UC.format(told="Seen at the UC yesterday, no treatment given.").replace(
        "ketorolac 15 mg IV push", "ketorolac 30 mg IM R ventrogluteal"
    )
    review = reviewer.review(note)
    assert review.service_code == "96372"
    assert review.claim_ready is True


SERIES_START = (
    "ID clinic visit\n"
    "Allergies: none known ({allergy}).\n"
    "Assessment: early latent syphilis (A51.5).\n"
    "Plan:\n"
    "- Treatment: {drug}.\n"
    "- {given}\n"
    "- Return 7 days for the next dose.\n"
)


@pytest.mark.parametrize(
    ("drug", "given"),
    [
        ("Bicillin L-A weekly x 3", "1st injection given today in clinic, observed 15 min."),
        ("benzathine penicillin G", "First injection given today by the LPN, no reaction."),
        ("penicillin G benzathine, three weekly doses", "Dose 1 injected today, tolerated."),
    ],
)
def test_a_series_drug_then_an_injection_given_today_is_an_injection_with_gaps(
    reviewer, drug, given
):
    note = SERIES_START.format(allergy="tolerated amoxicillin as a child", drug=drug, given=given)
    review = reviewer.review(note)
    assert review.service_code == "96372"
    assert {"DOSE_MISSING", "ROUTE_MISSING"} <= blocking(review)
    assert "NOT_ADMINISTERED" not in blocking(review)


def test_a_drug_tolerated_in_an_allergy_list_is_no_administration(reviewer):
    note = (
        "Allergies: sulfa (rash); tolerated cefdinir last year without issue.\n"
        "Assessment: acute otitis media, left (H66.92).\n"
        "Plan: amoxicillin 875 mg PO BID x 10 days.\n"
    )
    review = reviewer.review(note)
    assert review.injections == 0
    assert not any(a.given for a in review.administrations)


@pytest.mark.parametrize(
    "order",
    ["per surgeon order", "per standing order", "per MD order", "by verbal order"],
)
def test_a_dose_given_per_an_order_was_given(reviewer, order):
    note = (
        "Home health skilled nursing visit\n"
        "Dx: recovering from bowel resection; DVT prophylaxis.\n"
        f"Intervention: {order}, injection 40 mg given R lower abdomen 2 in. from umbilicus.\n"
    )
    review = reviewer.review(note)
    assert "NOT_ADMINISTERED" not in blocking(review)
    assert "DRUG_MISSING" in blocking(review)


def test_an_order_for_later_is_still_a_plan(reviewer):
    note = (
        "Dx: pernicious anemia (D51.0).\n"
        "Plan: order placed for cyanocobalamin 1000 mcg IM at next nurse visit.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


MAR_NO_DX = (
    "URGENT CARE MED ADMIN FLOWSHEET\n"
    "TIME   MEDICATION                 DOSE    ROUTE  SITE       BY   STATUS\n"
    "18:02  promethazine 25 mg/mL inj  25 mg   IM     R thigh    AKL  Given\n"
    "NURSING COMMENTS\n"
    "18:40  Pt resting, {comment}. Discharge instructions reviewed. AKL\n"
)


@pytest.mark.parametrize(
    "comment",
    ["tolerated fluids w/o emesis", "ambulating w/o dizziness", "PO challenge passed w/o nausea"],
)
def test_w_o_negates_the_finding_after_it(reviewer, comment):
    review = reviewer.review(MAR_NO_DX.format(comment=comment))
    assert "DX_MISSING" in blocking(review)
    assert review.claim_ready is False


@pytest.mark.parametrize(
    ("typed", "drug_id"),
    [
        ("cyanocobolamin", "cyanocobalamin"),
        ("ondansetrone", "ondansetron"),
        ("fluphenazene", "fluphenazine_decanoate"),
    ],
)
def test_a_drug_typed_one_letter_off_is_read_far_from_its_dose(reviewer, typed, drug_id):
    note = (
        f"Nursing progress note\nMonthly {typed} due today per MAR; order on chart, indication "
        "reviewed with the resident and her daughter at the bedside.\n"
        "1 mL drawn up and given IM to L deltoid at 09:40, tolerated.\n"
    )
    review = reviewer.review(note)
    read = [e for e in review.entities if e.label == "DRUG" and e.text == typed]
    assert read and read[0].how == "fuzzy"
    assert read[0].normalized is not None
    assert [a.drug_id for a in review.administrations if a.given] == [drug_id]
    assert "DICTATION_UNCLEAR" in {g.code for g in review.gaps}


@pytest.mark.parametrize(
    "word", ["contractions", "carbonation", "cellulitis", "pessimistic", "certification"]
)
def test_an_ordinary_long_word_is_never_read_as_a_drug(reviewer, word):
    note = f"Note: {word} discussed at length today. No injection given."
    review = reviewer.review(note)
    assert not [e for e in review.entities if e.label == "DRUG"]


@pytest.mark.parametrize(
    ("drug", "dx"),
    [
        ("Ceftriaxone 500 mg", "Gonorrhea (A54.9)"),
        ("B12 1000 mcg", "Pernicious anemia (D51.0)"),
        ("Depo-Provera 150 mg", "Encounter for contraceptive management (Z30.42)"),
    ],
)
def test_a_hip_or_shoulder_site_is_no_joint_injection_for_a_drug_not_given_there(
    reviewer, drug, dx
):
    for site in ("R hip", "left shoulder"):
        review = reviewer.review(f"{dx}. {drug} given in the {site}, tolerated.")
        assert review.service_code == "96372", site
        assert "ROUTE_MISSING" in blocking(review), site


def test_a_steroid_into_the_hip_is_still_a_joint_injection(reviewer):
    review = reviewer.review(
        "Right hip osteoarthritis (M16.11). Kenalog 40 mg injected in the R hip under "
        "fluoroscopy, tolerated."
    )
    assert review.service_code == "20610"
    assert "ROUTE_NOT_SC_IM" in blocking(review)


@pytest.mark.parametrize(
    "procedure",
    [
        "trigger point injections x4 muscles, 1% lidocaine without epinephrine 1 mL per site, "
        "total 4 mL",
        "TPI to 3 muscles (bilateral upper trapezius, R levator scapulae) with lidocaine 1% "
        "w/o epi 1 mL each",
    ],
)
def test_trigger_points_with_plain_lidocaine_in_three_or_more_muscles(reviewer, procedure):
    note = (
        "Pain clinic procedure note\n"
        f"Procedure: after consent, {procedure}. Twitch response at each site.\n"
        "Diagnosis: myofascial pain syndrome (M79.18).\n"
    )
    review = reviewer.review(note)
    assert review.service_code == "20553"
    assert "NOT_ADMINISTERED" not in blocking(review)


@pytest.mark.parametrize(
    "told",
    [
        "According to the transfer report from the referring hospital, because her fever rose "
        "and cultures were pending, she was given a dose of IM ceftriaxone.",
        "Per the outside ED records from Sunday, she received ceftriaxone 1 g IM before "
        "discharge home.",
        "While at the walk-in clinic, after a urine dip, she got ceftriaxone 1 g IM.",
    ],
)
def test_an_opening_phrase_naming_another_place_frames_the_sentence(reviewer, told):
    note = (
        "PEDIATRIC EMERGENCY DEPARTMENT NOTE\n"
        f"HPI: 3-year-old with fever and dysuria. {told} Drinking well since.\n"
        "Assessment: acute cystitis (N30.00).\n"
        "Plan: cephalexin suspension PO, recheck in 48 h.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


def test_an_opening_phrase_naming_nobody_else_frames_nothing(reviewer):
    note = (
        "Per patient, symptoms are better. Pernicious anemia (D51.0).\n"
        "Cyanocobalamin 1000 mcg IM L deltoid given today by M. Ortiz, MA; lot A12, exp 2027.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True


OPERATION = (
    "{title}\n\n"
    "Lids marked; she was prepped and draped with povidone and towels. The excess upper lid skin "
    "was excised and the wounds were closed with 6-0 sutures. She tolerated it well and left the "
    "OR in good condition.\n\n{after}\n"
)


@pytest.mark.parametrize(
    "after",
    [
        "Meperidine 50 mg IM and promethazine 25 mg were given for pain and nausea.",
        "Ketorolac 30 mg IM was given for pain before discharge.",
        "She received ondansetron 4 mg IM for nausea in recovery.",
    ],
)
@pytest.mark.parametrize("title", ["UPPER LID BLEPHAROPLASTY", "OPERATIVE REPORT"])
def test_an_im_dose_after_an_operation_is_part_of_its_package(reviewer, title, after):
    review = reviewer.review(OPERATION.format(title=title, after=after))
    assert review.service_code != "96372"
    assert review.claim_ready is False
    assert review.injections == 0


def test_an_office_injection_note_mentioning_a_past_operation_stays_ready(reviewer):
    note = (
        "Office visit. History: laparoscopic cholecystectomy 2019, general anesthesia without "
        "problems.\n"
        "Assessment: vitamin B12 deficiency after gastric bypass (E53.8, Z98.84).\n"
        "Cyanocobalamin 1000 mcg IM given R deltoid today by J. Park, RN; tolerated.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.service_code == "96372"


@pytest.mark.parametrize(
    "second",
    [
        "She also received her first antibiotic dose IM, 1 gram, in the left ventrogluteal.",
        "Then an antibiotic shot IM 1 g was given in the L ventrogluteal at 03:10.",
    ],
)
def test_a_class_word_injection_with_its_own_dose_beside_a_named_one(reviewer, second):
    note = (
        "ED physician note\n"
        "Diagnoses: acute pyelonephritis, right (N10); nausea with vomiting (R11.2).\n"
        "ED course: IV access failed x4. Promethazine 25 mg was given in the right upper outer "
        f"buttock at 03:05 by L. Obi, RN. {second}\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "DRUG_MISSING" in blocking(review)


def test_a_class_word_that_only_names_the_visit_adds_no_injection(reviewer):
    note = (
        "Nurse visit. Pt here for monthly injection for pernicious anemia (D51.0).\n"
        "Cyanocobalamin 1,000 mcg/1 mL given IM into R deltoid by K. Lund, RN. Tolerated.\n"
        "Charges: 96372 THER/PROPH/DIAG INJ SC/IM x1; J3420 x1\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True


@pytest.mark.parametrize(
    "told",
    [
        "She was seen at an urgent care this morning, where a pregnancy test was positive, and "
        "she received promethazine 25 mg IM there for nausea.",
        "He stopped at a walk-in clinic on the way, where they gave promethazine 25 mg IM.",
    ],
)
def test_a_dose_given_there_at_a_place_named_earlier_in_the_sentence(reviewer, told):
    note = (
        "ED physician record\n"
        f"HPI: Nausea and pelvic pain. {told}\n"
        "Assessment: nausea with vomiting (R11.2). Plan: ultrasound, oral ondansetron.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert [a.setting for a in review.administrations] == ["elsewhere_or_earlier"]


INJECTION_PROCEDURE = (
    "SPORTS MEDICINE PROCEDURE NOTE\n"
    "PREOPERATIVE DIAGNOSIS: Primary osteoarthritis, left knee (M17.12).\n"
    "PROCEDURE PERFORMED: Ultrasound-guided intra-articular injection, left knee.\n"
    "DESCRIPTION: Time-out done. Skin prepped with chlorhexidine. Under ultrasound, "
    "triamcinolone acetonide 40 mg with 4 mL of 1% lidocaine was injected into the "
    "suprapatellar recess. Estimated blood loss minimal. No complications.\n"
    "POST-PROCEDURE: {after}\n"
)


@pytest.mark.parametrize(
    "after",
    [
        "For the flare pain, ketorolac 30 mg was given intramuscularly in the right "
        "ventrogluteal site by T. Shah, LPN, at 10:42. Tolerated.",
        "Ketorolac 60 mg IM R gluteal given by the MA at 11:05 for acute pain; observed 15 min.",
    ],
)
def test_an_im_injection_after_an_injection_procedure_is_its_own(reviewer, after):
    review = reviewer.review(INJECTION_PROCEDURE.format(after=after))
    ketorolac = [a for a in review.administrations if a.drug_id == "ketorolac"]
    assert ketorolac and ketorolac[0].given
    assert review.service_code == "96372"


def test_a_pre_procedure_im_dose_for_the_procedure_stays_part_of_it(reviewer):
    note = (
        "GYN OFFICE PROCEDURE: Endometrial biopsy\n"
        "Indication: postmenopausal bleeding (N95.0).\n"
        "Pre-procedure: ketorolac 30 mg IM right deltoid given 30 minutes prior for procedural "
        "pain control.\n"
        "Procedure: paracervical block with 1% lidocaine 10 mL; Pipelle passed, tissue obtained.\n"
    )
    review = reviewer.review(note)
    assert review.service_code != "96372"
    assert review.claim_ready is False


@pytest.mark.parametrize(
    "said",
    [
        "Olanzapine 10 mg IM was offered but he refused.",
        "Haloperidol 5 mg IM was offered, but the patient declined.",
    ],
)
def test_a_dose_offered_and_refused_was_not_given(reviewer, said):
    note = f"ED note. Agitation (R45.1). {said} Verbal de-escalation used successfully.\n"
    review = reviewer.review(note)
    assert not [a for a in review.administrations if a.given]
    assert "NOT_ADMINISTERED" in blocking(review)


def test_a_refused_vaccine_after_a_semicolon_leaves_the_injection_before_it(reviewer):
    review = reviewer.review(
        "Pernicious anemia (D51.0). B12 1000 mcg IM L deltoid given by RN; flu shot offered but "
        "patient declined."
    )
    assert review.claim_ready is True


def test_a_charge_line_in_lower_case_names_no_route(reviewer):
    note = (
        "ASSESSMENT\n1. Allergic rhinitis due to pollen - J30.1\n"
        "PLAN\nKenalog-40 (triamcinolone acetonide) 40 mg / 1 mL IM, given L dorsogluteal by MA "
        "T. Renn under PA supervision, 14:20. Tolerated.\n"
        "PROCEDURES\nTher/proph inj SC/IM (96372); triamcinolone acetonide per 10 mg (J3301) x 4\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is True
    assert review.administrations[0].dose == "40 mg"


@pytest.mark.parametrize(
    "why",
    [
        "(given IM rather than IV per hospital vesicant policy)",
        "(IM instead of IV push per unit protocol)",
    ],
)
def test_a_route_named_as_the_one_not_used_is_no_conflict(reviewer, why):
    note = (
        "ED course:\n- 0.9% NaCl 1,000 mL IV bolus over 60 min, 10:05-11:05.\n"
        f"- Promethazine 25 mg IM, R ventrogluteal, 10:10 {why}, by E. Lind, RN.\n"
        "Impression: viral gastroenteritis (A08.4) with intractable vomiting (R11.2).\n"
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in blocking(review)
    assert review.claim_ready is True


def test_an_addendum_quoting_the_wrong_route_it_corrects_is_no_conflict(reviewer):
    note = (
        "Nursing injection note. Dx: schizoaffective disorder, bipolar type (F25.0).\n"
        "Invega Sustenna 156 mg given SC in right deltoid at 13:10 by C. Dunn, RN.\n\n"
        "ADDENDUM 15:45 - C. Dunn, RN: Correction of documentation error. The route above was "
        'entered incorrectly as "SC". Invega Sustenna 156 mg was administered by intramuscular '
        "injection into the right deltoid.\n"
    )
    review = reviewer.review(note)
    assert "ROUTE_CONFLICT" not in blocking(review)
    assert "ROUTE_CORRECTED" in {g.code for g in review.gaps}
    assert review.claim_ready is True


def test_a_dose_the_patient_self_administered_at_home_is_not_given_here(reviewer):
    note = (
        "TELEHEALTH VISIT (video). Dx: severe persistent asthma (J45.50).\n"
        "During this visit the patient self-administered his scheduled dupilumab 300 mg pen "
        "subcutaneously into his left thigh at home while I observed on video.\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert not [a for a in review.administrations if a.given]


@pytest.mark.parametrize(
    ("count", "code"), [("nine separate patches", "11901"), ("four patches", "11900")]
)
def test_a_steroid_injected_intradermally_into_lesions_is_intralesional(reviewer, count, code):
    note = (
        "DERMATOLOGY PROCEDURE NOTE\n"
        f"PROCEDURE PERFORMED: Intralesional triamcinolone to {count} of alopecia areata.\n"
        "Triamcinolone acetonide diluted to 5 mg/mL; 0.1 mL aliquots injected intradermally "
        "1 cm apart, total 2.6 mL (13 mg).\n"
        "ASSESSMENT: Patchy alopecia areata (L63.9).\n"
    )
    review = reviewer.review(note)
    assert review.service_code == code
    assert [a.route_code for a in review.administrations] == ["INTRALESIONAL"]
    # the gap names the code as finely as the record does
    assert [g.message.endswith(f"(bill as {code}).") for g in review.gaps if g.blocking] == [True]


def test_a_tuberculin_skin_test_stays_intradermal(reviewer):
    review = reviewer.review(
        "Nurse visit for TB screening (Z11.1). Tuberculin PPD 0.1 mL given intradermally L "
        "volar forearm, lot 22A, read in 48-72 h."
    )
    assert review.service_code == "86580"


def test_a_form_saying_not_given_keeps_a_drug_line_elsewhere_from_being_ready(reviewer):
    """The form's own "Given today? No" wins over a drug line above it, even with the form's
    drug field left blank: the note contradicts itself and a coder must ask."""
    note = (
        "Pernicious anemia (D51.0).\nPlan: B12 1000 mcg IM L deltoid today.\n\n"
        "INJECTION\nGiven today? ( ) Yes (•) No\nMedication: ______  Dose: ____  Site: ____\n"
    )
    review = reviewer.review(note)
    assert review.claim_ready is False
    assert "NOT_ADMINISTERED" in blocking(review)


SECOND_DOSE = (
    "GYN clinic follow-up 03/18/2026. Left tubal ectopic pregnancy (O00.102).\n"
    "HISTORY: On day 1 (03/11/2026) she received methotrexate 50 mg/m2 IM here; she is Rh "
    "negative and {rhogam}.\n"
    "PLAN: Methotrexate 85 mg was given IM, split between both ventrogluteal sites, at 10:40 by "
    "the RN.\n"
)


@pytest.mark.parametrize(
    "rhogam",
    [
        "was given Rho(D) immune globulin 50 mcg IM the same day",
        "received RhoGAM 50 mcg IM on that day as well",
    ],
)
def test_a_dose_dated_by_the_same_day_as_an_earlier_clause_was_given_then(reviewer, rhogam):
    review = reviewer.review(SECOND_DOSE.format(rhogam=rhogam))
    rhogam_adm = [a for a in review.administrations if a.drug_id == "rho_d_immune_globulin"]
    assert rhogam_adm and not rhogam_adm[0].given
    # today's second methotrexate dose, recorded on the plan line, is a chemotherapy service
    assert review.service_code == "96401"
    assert review.claim_ready is False


def test_a_class_word_injection_keeps_its_own_site_not_one_from_the_history(reviewer):
    note = (
        "Urgent care. R knee hot and swollen since last night; gout. Colchicine upset his "
        "stomach before.\n"
        "Exam: R knee effusion, warm. Declined arthrocentesis.\n"
        "A: Acute gout flare, right knee (M10.061).\n"
        "P: Steroid shot 40 mg IM L ventrogluteal given 15:10, tolerated. Prednisone taper "
        "declined.\n"
    )
    review = reviewer.review(note)
    assert "DRUG_MISSING" in blocking(review)
    assert [a.site for a in review.administrations if a.given] == ["L ventrogluteal"]
