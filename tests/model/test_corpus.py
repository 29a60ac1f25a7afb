import json

from typer.testing import CliRunner

from cleanclaim.classifier.corpus import build, resolve_span, split_of, validate
from cleanclaim.cli import app

runner = CliRunner()


def _note(**kw):
    note = {
        "id": "t-1",
        "group": "g-1",
        "style": "soap",
        "specialty": "primary_care",
        "split": "train",
        "text": "B12 1000 mcg IM L deltoid for pernicious anemia.",
        "spans": [{"label": "DRUG", "start": 0, "end": 3, "text": "B12"}],
        "claim_ready": True,
        "gaps": [],
        "service_code": "96372",
        "injections": 1,
        "icd10": ["D51.0"],
    }
    note.update(kw)
    return note


def test_shipped_corpus_validates_without_errors(corpus_path):
    result = runner.invoke(app, ["annotations", "validate", str(corpus_path)])
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.output


def test_shipped_corpus_has_all_splits_and_groups_do_not_straddle(corpus_notes):
    assert len(corpus_notes) >= 400
    splits = {}
    for n in corpus_notes:
        if "heldout" in n:  # written with an annotator-chosen held-out set
            assert (n["split"] == "test") == n["heldout"], n["id"]
        else:
            assert n["split"] == split_of(n["group"])
        splits.setdefault(n["group"], set()).add(n["split"])
    assert all(len(s) == 1 for s in splits.values())
    counts = {s: sum(n["split"] == s for n in corpus_notes) for s in ("train", "dev", "test")}
    assert 0.5 < counts["train"] / len(corpus_notes) < 0.8
    assert counts["dev"] > 30 and counts["test"] > 30


def test_split_is_a_pure_function_of_the_group():
    assert split_of("pc-b12-pa-nurse") == split_of("pc-b12-pa-nurse")
    assert {split_of(f"g{i}") for i in range(200)} == {"train", "dev", "test"}


def test_when_occurrence_is_two_then_second_match_is_used():
    assert resolve_span("IM then IM", {"text": "IM", "occurrence": 2}) == (8, 10)
    assert isinstance(resolve_span("IM", {"text": "IM", "occurrence": 2}), str)
    assert isinstance(resolve_span("IM", {"text": "im", "occurrence": 1}), str)


def test_when_span_not_found_then_build_drops_span_keeps_note_and_reports(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    note = {
        "id": "x-1",
        "group": "x",
        "style": "soap",
        "specialty": "primary_care",
        "text": "B12 given IM.",
        "spans": [
            {"label": "DRUG", "text": "B12", "occurrence": 1},
            {"label": "ROUTE", "text": "SQ", "occurrence": 1},
        ],
        "claim_ready": False,
        "gaps": ["DOSE_MISSING"],
        "service_code": "96372",
        "injections": 1,
        "icd10": [],
    }
    (raw / "a.jsonl").write_text(json.dumps(note) + "\n")
    out = tmp_path / "corpus.jsonl"
    result = runner.invoke(app, ["annotations", "build", "--raw", str(raw), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "dropped span: x-1 ROUTE 'SQ'" in result.output
    assert "1 notes from 1 files, 1 spans kept, 1 dropped" in result.output
    built = [json.loads(line) for line in out.read_text().splitlines()]
    assert built[0]["spans"] == [
        {
            "label": "DRUG",
            "start": 0,
            "end": 3,
            "text": "B12",
            "negated": False,
            "historical": False,
            "hypothetical": False,
            "family": False,
            "uncertain": False,
        }
    ]


def test_build_is_stable_under_reruns(tmp_path, repo_root):
    files = sorted((repo_root / "annotations" / "raw").glob("*.jsonl"))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    build(files, a)
    build(files, b)
    assert a.read_bytes() == b.read_bytes()


def test_when_claim_ready_with_blocking_gap_then_error():
    problems = validate([_note(gaps=["DOSE_MISSING"])])
    assert any("blocking gaps" in p.message for p in problems)


def test_when_ids_repeat_or_labels_unknown_then_errors():
    bad = _note(spans=[{"label": "FREQ", "start": 0, "end": 3, "text": "B12"}])
    messages = [p.message for p in validate([_note(), bad]) if p.severity == "error"]
    assert any("duplicate id" in m for m in messages)
    assert any("unknown label" in m for m in messages)


def test_when_span_outside_text_or_text_mismatch_then_errors():
    out = _note(spans=[{"label": "DRUG", "start": 40, "end": 400, "text": "x"}])
    wrong = _note(id="t-2", spans=[{"label": "DRUG", "start": 0, "end": 3, "text": "B13"}])
    messages = [p.message for p in validate([out, wrong])]
    assert any("outside the text" in m for m in messages)
    assert any("does not match" in m for m in messages)


def test_when_types_wrong_then_errors():
    messages = [
        p.message for p in validate([_note(service_code=96372, injections="1", gaps=["NOPE"])])
    ]
    assert any("service_code" in m for m in messages)
    assert any("injections" in m for m in messages)
    assert any("unknown gap code" in m for m in messages)


def test_valid_note_has_no_problems():
    assert validate([_note()]) == []


def test_a_file_with_held_out_notes_puts_exactly_those_in_test_and_keeps_span_extras(tmp_path):
    from cleanclaim.classifier.corpus import build, load, validate

    def raw(i, heldout=None):
        note = {
            "id": f"d-{i}",
            "group": f"grp-{i}",
            "style": "dictated",
            "specialty": "primary_care",
            "text": "gave b twelve one thousand micrograms I M left del toyed for pernicious anemia",
            "spans": [
                {"label": "DRUG", "text": "b twelve", "normalized": "cyanocobalamin"},
                {"label": "ROUTE", "text": "I M", "normalized": "IM"},
            ],
            "claim_ready": False,
            "gaps": ["DOSE_MISSING"],
            "service_code": "96372",
            "injections": 1,
            "icd10": ["D51.0"],
            "version": "raw_dictation",
        }
        if heldout is not None:
            note["heldout"] = heldout
        return note

    path = tmp_path / "dictation.jsonl"
    rows = [raw(i, True if i < 3 else None) for i in range(40)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    build([path], tmp_path / "corpus.jsonl")
    notes = load(tmp_path / "corpus.jsonl")
    assert sorted(n["id"] for n in notes if n["split"] == "test") == ["d-0", "d-1", "d-2"]
    assert notes[0]["spans"][0]["normalized"] == "cyanocobalamin"
    assert [p for p in validate(notes) if p.severity == "error"] == []


def test_a_hcpcs_service_code_is_valid_and_a_short_one_is_not():
    """Medicare's vaccine administration codes are HCPCS ("G0008"), not 5-digit CPT codes."""
    vaccine = {"claim_ready": False, "gaps": ["VACCINE"], "injections": 0}
    assert validate([_note(service_code="G0008", **vaccine)]) == []
    messages = [p.message for p in validate([_note(service_code="9637", **vaccine)])]
    assert any("service_code" in m for m in messages)
