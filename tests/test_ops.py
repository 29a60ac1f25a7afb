"""Analysts and operators: retrained models in use (--model), train's comparison and install
guard, note status, flat columns, formula injection, the report on a default install, the
terminal view, and one-line errors."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleanclaim import Reviewer
from cleanclaim.batch import io as bio
from cleanclaim.classifier.corpus import load as load_corpus
from cleanclaim.classifier.model import load as load_model
from cleanclaim.classifier.model import save
from cleanclaim.classifier.training import featurize, fit, worse_than_rules
from cleanclaim.cli import app

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "annotations" / "corpus.jsonl"
runner = CliRunner()

B12 = "Nurse visit. Dx: pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM given in the left deltoid by RN Lee per standing order."
KETOROLAC = "Toradol given IM R gluteal today for renal colic, tolerated well. RN"
NOTHING = "Follow-up visit after knee sprain. Walking better. Return in 4 weeks."
DECLINED = "Patient declined the B12 injection today. Will revisit next month."
VACCINE = "Influenza vaccine 0.5 mL IM given in the left deltoid. Lot 7781, exp 03/2027."
TWO = (
    "MEDICATION ADMINISTRATION RECORD - Urgent Care\n"
    "Dx: acute gonococcal cervicitis; nausea and vomiting\n"
    "11/03/2026 14:32  ceftriaxone 500 mg IM  L ventrogluteal  RN\n"
    "11/03/2026 14:40  promethazine IM  R ventrogluteal  RN\n"
)


@pytest.fixture(scope="module")
def small_notes():
    notes = load_corpus(CORPUS)
    out = []
    for split, n in (("train", 40), ("dev", 16), ("test", 16)):
        for ready in (True, False):
            out += [m for m in notes if m["split"] == split and m["claim_ready"] == ready][: n // 2]
    return out


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, small_notes, reviewer):
    """A model trained here (not the shipped one), saved to a user folder."""
    model = fit("lr_facts", featurize([n for n in small_notes if n["split"] != "test"], reviewer))
    model.metadata.update(
        {
            "rules_version": reviewer.rules_version,
            "model_version": "lr_facts-retrained-here",
            "versions": {},
        }
    )
    folder = tmp_path_factory.mktemp("my-model")
    save(model, folder)
    return folder


# --model everywhere ------------------------------------------------------------------------


def test_reviewer_takes_a_model_folder_and_the_record_names_it(nlp, model_dir):
    review = Reviewer(nlp=nlp, model=model_dir).review(B12, "n1")
    assert review.model_version == "lr_facts-retrained-here"
    assert review.rules_version and review.probability is not None
    assert Reviewer(nlp=nlp, model=str(model_dir)).model.version == "lr_facts-retrained-here"


def test_review_cli_with_model_names_it_in_the_record(tmp_path, model_dir):
    note = tmp_path / "n.txt"
    note.write_text(B12)
    result = runner.invoke(
        app, ["review", str(note), "--format", "json", "--model", str(model_dir)]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["model_version"] == "lr_facts-retrained-here" and record["rules_version"]


def test_model_that_is_not_a_model_folder_is_a_one_line_error(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text(B12)
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (
        ["review", str(note), "--model", str(empty)],
        ["batch", str(tmp_path), "--output", str(tmp_path / "o.jsonl"), "--model", str(empty)],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1 and "model.skops" in result.stderr


def test_batch_with_model_and_report_name_model_and_rules(tmp_path, model_dir):
    src = tmp_path / "in.jsonl"
    rows = [("a", B12), ("b", KETOROLAC), ("c", NOTHING), ("d", DECLINED), ("e", VACCINE)]
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        [
            "batch",
            str(src),
            "-o",
            str(out),
            "--workers",
            "1",
            "--model",
            str(model_dir),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    flat = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["model_version"] for r in flat} == {"lr_facts-retrained-here"}
    assert all(r["rules_version"] for r in flat)
    page = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(out), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert "lr_facts-retrained-here" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert "lr_facts-retrained-here" in html and flat[0]["rules_version"] in html


# train: user folder, comparison, install guard ---------------------------------------------


def _corpus(tmp_path, small_notes) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(n) + "\n" for n in small_notes), encoding="utf-8")
    return path


def _train(tmp_path, notes, *args):  # type: ignore[no-untyped-def]
    """``cleanclaim train`` on ``notes`` (written to a corpus file) with ``args``."""
    return runner.invoke(app, ["train", "--annotations", str(_corpus(tmp_path, notes)), *args])


def test_train_refuses_the_shipped_model_folder_without_install(tmp_path, small_notes):
    before = (ROOT / "models" / "model.skops").read_bytes()
    result = _train(tmp_path, small_notes, "--output", str(ROOT / "models"))
    assert result.exit_code == 1 and "holds the shipped model" in result.stderr
    assert (ROOT / "models" / "model.skops").read_bytes() == before


def test_train_writes_the_named_folder_and_prints_the_comparison(tmp_path, small_notes):
    out = tmp_path / "mine"
    result = _train(tmp_path, small_notes, "--output", str(out), "--candidate", "lr_facts")
    assert result.exit_code == 0, result.output
    for row in ("rules alone", "shipped model", "new model"):
        assert row in result.stdout
    for metric in ("accuracy", "roc_auc", "brier"):
        assert metric in result.stdout
    assert "per-code F1" in result.stdout and "NOT_ADMINISTERED" in result.stdout
    assert (out / "model.skops").is_file() and (out / "MODEL_CARD.md").is_file()
    heldout = json.loads((out / "metrics.json").read_text())["heldout"]
    assert set(heldout["rows"]) == {"rules alone", "shipped model", "new model"}
    assert f"--model {out}" in result.stdout  # tells the analyst how to use it
    assert load_model(out).version


def test_install_refuses_a_model_worse_than_the_rules_without_force(
    tmp_path, small_notes, monkeypatch
):
    import cleanclaim.classifier.model as model_module
    import cleanclaim.classifier.training as training

    monkeypatch.setattr(training, "worse_than_rules", lambda new, rules: ["Brier 0.3 > rules 0.1"])
    installed = []
    monkeypatch.setattr(model_module, "install", lambda folder: installed.append(folder))
    args = ("--candidate", "lr_facts")
    result = _train(tmp_path, small_notes, *args, "--output", str(tmp_path / "a"), "--install")
    assert result.exit_code == 1 and not installed
    assert "worse than the rules alone" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "a" / "model.skops").is_file()  # kept in the user's folder, not installed
    result = _train(
        tmp_path, small_notes, *args, "--output", str(tmp_path / "b"), "--install", "--force"
    )
    assert result.exit_code == 0, result.output
    assert installed == [tmp_path / "b"]


def test_worse_than_rules_definition():
    rules = {"brier": 0.12, "accuracy": 0.88}
    assert worse_than_rules({"brier": 0.10, "accuracy": 0.88}, rules) == []
    assert worse_than_rules({"brier": 0.13, "accuracy": 0.90}, rules)  # calibrates worse
    assert worse_than_rules({"brier": 0.05, "accuracy": 0.85}, rules)  # decides worse


# note status, flat columns, formula injection -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (B12, "ready"),
        (KETOROLAC, "gaps"),
        (NOTHING, "no_injection"),
        (DECLINED, "no_injection"),
        (VACCINE, "other_service"),
    ],
)
def test_note_status_is_derived_from_the_record(reviewer, text, status):
    record = reviewer.review(text, "x").to_dict()
    record.pop("status", None)  # derived when the record has none
    assert bio.note_status(record) == status
    assert bio.note_status(bio.flat_row(record)) == status  # and from a flat row
    assert bio.note_status({**record, "status": "gaps"}) == "gaps"  # the record's own wins
    assert bio.note_status({"id": "e", "error": "note is empty"}) == "error"


def test_flat_row_has_advisory_gaps_and_administration_codes_and_units(reviewer):
    row = bio.flat_row(reviewer.review(TWO, "mar", "2026-03-11").to_dict())
    assert row["drugs"] == "ceftriaxone;promethazine"
    assert row["hcpcs"] == "J0696;J2550" and row["units"] == "2;"
    assert row["ORDER_MISSING"] is True and row["DOSE_MISSING"] is True
    assert set(bio.ADVISORY_COLUMNS) <= set(row) and "CODE_UNDETERMINED" in row
    assert row["queries"].startswith("DOSE_MISSING: ") and "promethazine" in row["queries"]
    assert row["status"] == "gaps"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Dr. Ames", "Dr. Ames"),
        (3.5, 3.5),
        (True, True),
    ],
)
def test_neutralize_formula_cells(value, written):
    assert bio.neutralize(value) == written


def test_csv_output_neutralizes_formula_injection(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "=1+1", "text": B12, "provider": "@SUM(A1:A9)", "=evil": "-3"}) + "\n"
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["batch", str(src), "-o", str(out), "--workers", "1", "--rules-only", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    for cell in [c for row in rows for c in row]:
        assert not cell.startswith(bio.FORMULA_START), cell
    data = dict(zip(rows[0], rows[1], strict=True))
    assert data["id"] == "'=1+1" and data["provider"] == "'@SUM(A1:A9)" and data["'=evil"] == "'-3"


# report on a default install -----------------------------------------------------------------


def test_report_html_needs_no_plotting_library(tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    rows = [("a", B12), ("b", KETOROLAC), ("c", NOTHING), ("d", DECLINED), ("e", VACCINE)]
    src.write_text(
        "".join(json.dumps({"id": i, "text": t, "provider": "P"}) + "\n" for i, t in rows)
    )
    out = tmp_path / "out.jsonl"
    assert (
        runner.invoke(
            app, ["batch", str(src), "-o", str(out), "-w", "1", "--rules-only", "--no-progress"]
        ).exit_code
        == 0
    )
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as on a default install
    page = tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "report",
            str(out),
            "--html",
            str(page),
            "--by",
            "provider",
            "--notes",
            str(src),
            "--rules-only",
        ],
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "no_injection" in html and "Notes by status" in html
    # the worklist: drug, gap, provider query, and a link to the note's review page
    assert "ketorolac" in html and "DOSE_MISSING" in html and "Please document the dose" in html
    link = next(p for p in (tmp_path / "r_notes").iterdir())
    assert f"href='r_notes/{link.name}'" in html
    assert "renal colic" in link.read_text(encoding="utf-8")  # the review page shows the note
    assert "renal colic" not in html  # the report itself quotes no note text


# terminal view ---------------------------------------------------------------------------------


def test_terminal_view_fits_80_columns_and_shows_line_column(tmp_path):
    note = tmp_path / "mar.txt"
    note.write_text(TWO)
    out = tmp_path / "view.txt"
    result = runner.invoke(
        app,
        ["review", str(note), "--rules-only", "--date-of-service", "2026-03-11", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 80
    rows = text[text.index("administrations") :].splitlines()
    assert any("│ promethazine " in row for row in rows)  # names whole, never folded mid-word
    assert "'promethazine' 4:19" in text  # line 4, column 19 (not a character offset)
    assert TWO.splitlines()[3].index("promethazine") + 1 == 19


def test_serve_with_a_bad_model_folder_is_a_one_line_error(tmp_path):
    pytest.importorskip("uvicorn")
    result = runner.invoke(app, ["serve", "--model", str(tmp_path)])
    assert result.exit_code == 1 and "model.skops" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["serve", "batch"])
def test_a_bad_payer_rules_file_is_a_clear_error_before_any_work(tmp_path, command):
    if command == "serve":
        pytest.importorskip("uvicorn")
    bad = tmp_path / "payer.json"
    bad.write_text('{"version": "x", "payer": {"second_injection_modifier": 59}}')
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "a", "text": "Ketorolac 60 mg IM left gluteal given."}\n')
    args = {"serve": ["serve"], "batch": ["batch", str(notes), "-o", str(tmp_path / "o.jsonl")]}
    result = runner.invoke(app, [*args[command], "--payer-rules", str(bad)])
    assert result.exit_code == 1 and "payer.json" in result.stderr, result.output
    assert "second_injection_modifier" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


# the progress bar --------------------------------------------------------------------------------


def test_progress_rate_and_eta_count_from_the_first_note_not_worker_start_up():
    import io
    import time

    from rich.console import Console

    from cleanclaim.batch.progress import BatchProgress

    bar = BatchProgress(Console(file=io.StringIO()), enabled=False)
    bar.on_start(1000, 100)  # resumed: 100 rows written before
    assert bar.rate() is None and bar.eta() is None  # nothing reviewed yet: no made-up 0 rate
    first = time.monotonic() - 2.0  # workers took their time to start; the first note 2 s ago
    bar.on_poll(running=20, first_started=first)  # 20 notes done inside chunks still running
    rate = bar.rate()
    assert rate is not None and 5 < rate <= 10.5  # about 20 notes in 2 s
    assert bar.eta() == pytest.approx((1000 - 100 - 20) / rate, rel=0.01)
    bar.on_written(24)  # a chunk written: counted once, not twice
    assert bar.written + bar.running == 24


def test_service_with_a_model_folder_names_it(model_dir):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from cleanclaim.service import Limits, create_app

    app = create_app(limits=Limits(workers=1, queue_size=2), mode="thread", model=str(model_dir))
    with TestClient(app) as client:
        assert client.get("/v1/info").json()["model_version"] == "lr_facts-retrained-here"
        answer = client.post("/v1/review", json={"id": "n1", "text": B12})
        assert answer.status_code == 200
        assert answer.json()["model_version"] == "lr_facts-retrained-here"


def test_a_worker_warm_up_freezes_what_it_loaded():
    # a batch or service worker only reviews notes: after its warm-up the pipeline, tables and
    # lexicons are out of the collector's reach, and a note reviews the same afterwards
    import subprocess

    code = (
        "import gc, sys\n"
        "from cleanclaim import Reviewer\n"
        "r = Reviewer(model=None)\n"
        "note = sys.argv[1]\n"
        "before = r.review(note).to_dict()\n"
        "assert gc.get_freeze_count() == 0\n"
        "r.warm_up(freeze=True)\n"
        "print(gc.get_freeze_count() > 100000, r.review(note).to_dict() == before)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, B12], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True"]
