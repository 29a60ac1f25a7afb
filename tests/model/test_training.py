import csv
import json

from typer.testing import CliRunner

from cleanclaim.classifier.corpus import write_jsonl
from cleanclaim.classifier.training import read_outcomes, train
from cleanclaim.cli import app

runner = CliRunner()


def _outcomes(path, notes):
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "paid", "carc"])
        for n in notes:
            w.writerow(
                [
                    n["id"],
                    n["text"],
                    1 if n["claim_ready"] else 0,
                    "" if n["claim_ready"] else "CO-16",
                ]
            )


def test_outcomes_become_labels(sample_notes, tmp_path):
    path = tmp_path / "claims.csv"
    _outcomes(path, sample_notes)
    notes = read_outcomes(path)
    assert [n["claim_ready"] for n in notes] == [n["claim_ready"] for n in sample_notes]
    assert notes[-1]["carc"] == "CO-16" and {n["split"] for n in notes} <= {"train", "dev", "test"}


def test_train_from_outcomes_fits_a_model(sample_notes, tmp_path, reviewer):
    path = tmp_path / "claims.csv"
    _outcomes(path, sample_notes)
    model, metrics = train(outcomes=path, candidate="lr_facts", reviewer=reviewer)
    assert (
        metrics["chosen"] == "lr_facts" and model.metadata["training_data"][0]["kind"] == "outcomes"
    )


def test_train_and_evaluate_cli(sample_notes, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(sample_notes, corpus)
    out = tmp_path / "model"
    result = runner.invoke(
        app,
        ["train", "--annotations", str(corpus), "--output", str(out), "--candidate", "lr_facts"],
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {
        "model.skops",
        "metadata.json",
        "metrics.json",
        "MODEL_CARD.md",
    }
    js, html = tmp_path / "eval.json", tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "evaluate",
            str(corpus),
            "--split",
            "all",
            "--model",
            str(out),
            "--json",
            str(js),
            "--html",
            str(html),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text())
    assert {"claim_ready", "mentions", "gaps", "by_style", "by_specialty", "worst_errors"} <= set(
        data
    )
    assert (
        data["claim_ready"]["model"]["brier"] <= 1 and data["mentions"]["strict"]["DRUG"]["f1"] > 0
    )
    assert not any(n["text"][:40] in js.read_text() for n in sample_notes)  # no note text in JSON
    page = html.read_text()
    assert "data:image/png;base64," in page and "http" not in page.replace("http-equiv", "")


def test_train_without_data_fails_cleanly():
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 1
