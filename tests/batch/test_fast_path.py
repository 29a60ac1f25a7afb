"""The fast path returns exactly the record the full pipeline returns."""

from __future__ import annotations

import json

from batch_notes import NOTES

from cleanclaim.batch.fastpath import FastPath, VocabularyGate
from cleanclaim.batch.synthetic import notes as synthetic_notes

_EXTRA = [
    "Patient cannot attend Thursday; rescheduled.",
    "Well visit forms reviewed. No concerns today.",
    "Seen for sore throat, rapid strep negative. Fluids and rest.",
    "Hypertension follow-up, BP 132/84. Continue current plan.",
    "Left knee pain after a fall; ice and elevation advised.",
    "Called pharmacy about the refill. Done.",
    "Dx: E53.8. Discussed diet.",
    "Gave 1 mL in the deltoid.",
    "IM",
    "Subq",
    "Patient here for flu shot but it was deferred.",
    "Notes: spoke with mom; she will call back.",
]


def test_when_note_has_no_injection_vocabulary_then_fast_record_equals_full_record(reviewer):
    fast = FastPath(reviewer)
    texts = list(NOTES.values()) + _EXTRA + [t for _, t in synthetic_notes(400, seed=3)]
    used = 0
    for i, text in enumerate(texts):
        quick = fast.review(text, f"id-{i}")
        if quick is None:
            continue
        used += 1
        assert json.dumps(quick.to_dict(), sort_keys=True) == json.dumps(
            reviewer.review(text, f"id-{i}").to_dict(), sort_keys=True
        ), f"fast path differs on note {i}"
    assert used >= 50  # the plain visits of the mix take the fast path


def test_when_note_has_drug_route_or_icd_code_then_gate_sends_it_to_the_pipeline():
    gate = VocabularyGate.packaged()
    for text in (
        "Gave B12 today.",
        "Given IM.",
        "Dx E53.8",
        "Ceftriaxone",
        "i.m. injection",
        "Patient cannot take ibuprofen.",
    ):
        assert gate.may_match(text), text
    assert not gate.may_match("Phone call: patient asked to move the appointment to Friday.")


def test_side_only_site_keeps_a_note_off_the_fast_path(reviewer):
    # "arm" is a site only with its side; the gate once missed such phrases and dropped the
    # SITE mention the full pipeline reports.
    note = "Came in with his left arm in a sling, here to talk about school forms."
    fast = FastPath(reviewer)
    assert [e.label for e in reviewer.review(note).entities] == ["SITE"]
    assert fast.review(note, "n1") is None
