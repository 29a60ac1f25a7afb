"""Issue 11 finer service codes: each applies when its note shows what the code needs."""

from __future__ import annotations

import pytest

from cleanclaim import resources as res


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "R knee OA (M17.11). Under ultrasound guidance, intra-articular injection of "
            "triamcinolone 40 mg into the R knee. Tolerated.",
            "20611",
        ),
        ("R knee OA (M17.11). Intra-articular triamcinolone 40 mg into the R knee.", "20610"),
        ("L wrist OA. Intra-articular triamcinolone 10 mg into the L wrist given.", "20605"),
        (
            "Myofascial pain (M79.18). Trigger point injections of triamcinolone 10 mg with "
            "lidocaine into 4 muscles: bilateral trapezius and levator scapulae.",
            "20553",
        ),
        (
            "Myofascial pain (M79.18). Trigger point injection of triamcinolone 10 mg with "
            "lidocaine into the L trapezius.",
            "20552",
        ),
        (
            "Keloids on chest (L91.0). Intralesional triamcinolone 10 mg/mL injected into nine "
            "lesions, 0.1 mL each.",
            "11901",
        ),
        (
            "Lumbar radiculopathy (M54.16). Under fluoroscopy, L5-S1 transforaminal epidural "
            "steroid injection, dexamethasone 10 mg.",
            "64483",
        ),
        (
            "Occipital neuralgia (M54.81). Greater occipital nerve block with 1% lidocaine 2 mL "
            "and triamcinolone 20 mg.",
            "64405",
        ),
        (
            "72 yo F, Medicare. Influenza vaccine high-dose 0.5 mL IM L deltoid given, lot 9X. "
            "Z23. RN",
            "G0008",
        ),
        (
            "72 yo F, Medicare. Pneumococcal conjugate vaccine (Prevnar 20) 0.5 mL IM L deltoid "
            "given, lot 9X. Z23. RN",
            "G0009",
        ),
        (
            "4 yo M, well-child visit. I counseled the parent on the risks and benefits of each "
            "vaccine. Influenza vaccine 0.5 mL IM L thigh given, lot AB12. RN",
            "90460",
        ),
        (
            "11 yo F, nurse visit. VIS reviewed with mother by the RN. Tdap 0.5 mL IM L deltoid "
            "given, lot AD4410.",
            "90471",
        ),
        (
            "45 yo M. Influenza vaccine 0.5 mL IM R deltoid given, lot 77. Z23. RN",
            "90471",
        ),
    ],
)
def test_finer_service_codes(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code
    assert review.claim_ready is False


def test_every_refinement_names_what_the_note_must_show_and_its_source():
    table = res.services()
    for rule in table.refinements:
        assert rule.must_show and rule.source and rule.description
    assert {"20611", "20553", "11901", "64483", "90460", "G0008"} <= {
        r.code for r in table.refinements
    }


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Chronic migraine (G43.709). OnabotulinumtoxinA 155 units IM to 31 sites per "
            "protocol, tolerated.",
            "64615",
        ),
        (
            "Cervical dystonia (G24.3). Botox 200 units IM into the R sternocleidomastoid and "
            "L splenius capitis under EMG guidance.",
            "64616",
        ),
        (
            "Blepharospasm (G24.5). Botox 25 units to each orbicularis oculi, tolerated.",
            "64612",
        ),
        ("Axillary hyperhidrosis (L74.510). Botox 50 units intradermal each axilla.", "64650"),
    ],
)
def test_botulinum_toxin_is_a_chemodenervation_code_not_96372(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code
    assert review.claim_ready is False


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Myofascial pain (M79.18). Trigger point injections given with 1% lidocaine 1 mL into "
            "each of 3 muscles: L trapezius, levator scapulae and rhomboid.",
            "20553",
        ),
        (
            "Myofascial pain (M79.18). Trigger point injection done, bupivacaine 0.25% 2 mL into "
            "the R trapezius.",
            "20552",
        ),
        (
            "Occipital neuralgia (M54.81). Greater occipital nerve block performed with "
            "bupivacaine 0.5% 2 mL on the right.",
            "64405",
        ),
    ],
)
def test_a_local_anesthetic_alone_is_the_drug_of_its_injection_procedure(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code
    assert review.claim_ready is False


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Knee OA (M17.11). R knee intra-articular injection given: triamcinolone 40 mg with 1% "
            "lidocaine 3 mL.",
            "20610",
        ),
        (
            "Gonorrhea (A54.00). Ceftriaxone 500 mg IM R ventrogluteal given, reconstituted with "
            "1% lidocaine. RN",
            "96372",
        ),
        (
            "PROCEDURE NOTE: L5-S1 interlaminar epidural steroid injection\nLumbar radiculopathy "
            "(M54.16). Skin anesthetized with 1% lidocaine 2 mL. Injected methylprednisolone 80 mg "
            "into the epidural space under fluoroscopy.",
            "62323",
        ),
    ],
)
def test_a_local_anesthetic_with_another_drug_stays_a_diluent(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Trigger finger (M65.331). Kenalog 10 mg injected into the flexor tendon sheath of the "
            "R middle finger.",
            "20550",
        ),
        (
            "Plantar fasciitis (M72.2). Dexamethasone 4 mg injected at the plantar fascia origin, "
            "L heel.",
            "20550",
        ),
        (
            "Lateral epicondylitis (M77.11). Triamcinolone 20 mg injected at the common extensor "
            "origin, R elbow.",
            "20551",
        ),
        ("R 1st MCP OA (M19.041). Kenalog 10 mg intra-articular injection given.", "20600"),
        (
            "Medicare pt, 70 yo. Z23. Fluzone High-Dose 0.5 mL IM L deltoid given by RN, lot A1.",
            "G0008",
        ),
        (
            "4 yo. Z23. Dr. Lee counseled parent on risks and benefits. DTaP 0.5 mL IM R thigh "
            "given, lot D1.",
            "90460",
        ),
    ],
)
def test_tendon_small_joint_and_vaccine_administration_codes(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (
            "Allergic rhinitis (J30.2). Allergen immunotherapy: 2 injections, tree mix 0.3 mL SC L "
            "arm and mold mix 0.2 mL SC R arm.",
            "95117",
        ),
        ("Allergic rhinitis (J30.2). Allergy extract 0.4 mL SC L arm, build-up vial 2.", "95115"),
    ],
)
def test_allergen_immunotherapy_by_number_of_injections(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Wet AMD (H35.3211). Aflibercept 2 mg intravitreal injection OD, time-out done.", "67028"),
        ("Ganglion cyst of L wrist (M67.432). Aspirated and injected Kenalog 10 mg.", "20612"),
        ("Wrist OA (M19.031). Triamcinolone 20 mg injected into the L wrist joint.", "20605"),
    ],
)
def test_intravitreal_and_ganglion_cyst_codes(reviewer, note, code):
    review = reviewer.review(note)
    assert review.service_code == code
