from spacy.tokens import DocBin
from typer.testing import CliRunner

from cleanclaim.classifier.convert import (
    LABEL_CONFIG,
    from_labelstudio,
    read_labelstudio,
    to_docbin,
    to_labelstudio,
)
from cleanclaim.classifier.corpus import validate
from cleanclaim.cli import app

runner = CliRunner()
KEYS = (
    "id",
    "group",
    "style",
    "specialty",
    "split",
    "text",
    "spans",
    "claim_ready",
    "gaps",
    "service_code",
    "injections",
    "icd10",
)


def test_labelstudio_round_trip_keeps_every_label(sample_notes):
    notes = sample_notes[:8]
    back = from_labelstudio(to_labelstudio(notes))
    assert [{k: n[k] for k in KEYS} for n in back] == [{k: n[k] for k in KEYS} for n in notes]
    assert validate(back) == [p for p in validate(notes)]


def test_labelstudio_cli_round_trip(tmp_path, corpus_path):
    ls, cfg, back = tmp_path / "ls.json", tmp_path / "config.xml", tmp_path / "back.jsonl"
    result = runner.invoke(
        app,
        [
            "annotations",
            "export-labelstudio",
            str(ls),
            "--corpus",
            str(corpus_path),
            "--split",
            "dev",
            "--config",
            str(cfg),
        ],
    )
    assert result.exit_code == 0, result.output
    assert cfg.read_text() == LABEL_CONFIG
    result = runner.invoke(
        app, ["annotations", "import-labelstudio", str(ls), "--output", str(back)]
    )
    assert result.exit_code == 0, result.output
    assert "(0 errors)" in result.output
    assert len(read_labelstudio(ls)) == len(back.read_text().splitlines())


def test_labelstudio_import_takes_flags_from_region_choices():
    task = {
        "id": 7,
        "data": {"text": "B12 declined."},
        "annotations": [
            {
                "result": [
                    {
                        "id": "r1",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": 0, "end": 3, "text": "B12", "labels": ["DRUG"]},
                    },
                    {
                        "id": "r1",
                        "from_name": "flags",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"start": 0, "end": 3, "choices": ["negated"]},
                    },
                    {
                        "from_name": "gaps",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["NOT_ADMINISTERED"]},
                    },
                ]
            }
        ],
    }
    (note,) = from_labelstudio([task])
    assert note["id"] == "ls-7" and note["gaps"] == ["NOT_ADMINISTERED"]
    assert note["spans"][0]["negated"] is True and note["spans"][0]["label"] == "DRUG"


def test_docbin_round_trip(sample_notes, tmp_path):
    import spacy

    notes = sample_notes[:5]
    path = tmp_path / "sample.spacy"
    to_docbin(notes).to_disk(path)
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    assert [d.text for d in docs] == [n["text"] for n in notes]
    for doc, note in zip(docs, notes, strict=True):
        assert len(doc.spans["sc"]) == len(note["spans"])
        assert doc.cats["CLAIM_READY"] == float(note["claim_ready"])
        assert doc.user_data["cleanclaim"]["id"] == note["id"]
        exact = {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]}
        assert {(s["start"], s["end"], s["label"]) for s in note["spans"]} <= exact | {
            (s["start"], s["end"], s["label"])
            for s in note["spans"]
            if doc.char_span(s["start"], s["end"]) is None
        }


def test_export_docbin_cli(tmp_path, corpus_path):
    out = tmp_path / "dev.spacy"
    result = runner.invoke(
        app,
        ["annotations", "export-docbin", str(out), "--corpus", str(corpus_path), "--split", "dev"],
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
