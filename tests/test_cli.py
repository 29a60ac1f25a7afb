"""The command line through Typer's CliRunner: review formats, bad input, batch basics."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cleanclaim.cli import app
from cleanclaim.result import CONTRACT_FIELDS

runner = CliRunner()
NOTE = "Toradol given IM R gluteal today for renal colic, tolerated well. RN"


@pytest.fixture
def note_file(tmp_path):
    path = tmp_path / "visit-17.txt"
    path.write_text(NOTE)
    return path


def test_review_json_is_the_contract(note_file):
    result = runner.invoke(app, ["review", str(note_file), "--format", "json", "--rules-only"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    for key in CONTRACT_FIELDS:
        assert key in record
    assert record["id"] == "visit-17"
    assert [g["code"] for g in record["gaps"] if g["severity"] == "blocking"] == ["DOSE_MISSING"]
    gap = record["gaps"][0]
    assert gap["evidence"][0]["text"] == "Toradol" and "Please document the dose" in gap["query"]


def test_review_date_of_service_and_payer_rules(tmp_path):
    note = tmp_path / "mp.txt"
    note.write_text(
        "Gout flare of the right knee. Methylprednisolone acetate 80 mg IM given in the right "
        "gluteal by Sam Lee, MD."
    )
    args = ["review", str(note), "--format", "json", "--rules-only"]
    old = json.loads(runner.invoke(app, [*args, "--date-of-service", "2024-03-01"]).stdout)
    new = json.loads(runner.invoke(app, [*args, "--date-of-service", "2024-04-01"]).stdout)
    assert old["administrations"][0]["hcpcs"] == "J1040"
    assert new["administrations"][0]["hcpcs"] == "J1010"
    assert [c["code"] for c in new["claim_lines"]] == ["96372", "J1010"]
    bad = runner.invoke(app, [*args, "--date-of-service", "yesterday"])
    assert bad.exit_code != 0
    rules = tmp_path / "acme.json"
    rules.write_text(
        json.dumps(
            {"version": "acme", "mue": [{"hcpcs": "J1010", "max_units": 40, "source": "Acme 3"}]}
        )
    )
    acme = json.loads(runner.invoke(app, [*args, "--payer-rules", str(rules)]).stdout)
    assert "UNITS_EXCEED" in [g["code"] for g in acme["gaps"]]


def test_review_text_shows_decision_and_gaps(note_file):
    result = runner.invoke(app, ["review", str(note_file), "--rules-only"])
    assert result.exit_code == 0
    assert (
        "NOT READY" in result.stdout
        and "DOSE_MISSING" in result.stdout
        and "J1885" in result.stdout
    )


def test_review_html_is_self_contained(note_file, tmp_path):
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["review", str(note_file), "-f", "html", "-o", str(out), "--rules-only"]
    )
    assert result.exit_code == 0
    page = out.read_text()
    assert '<mark data-label="DRUG"' in page and "DOSE_MISSING" in page
    assert "http://" not in page and "https://" not in page


def test_review_reads_stdin():
    result = runner.invoke(app, ["review", "-", "-f", "json", "--rules-only"], input=NOTE)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["service_code"] == "96372"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\xff\xfe\x00B12 given", "UTF-8"),
        (b"B12\x00\x01 given IM", "binary"),
    ],
)
def test_bad_note_gives_one_line_error_without_note_text(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["review", str(path), "--rules-only"])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and "given" not in result.output


def test_oversized_note_is_refused(tmp_path):
    from cleanclaim import MAX_CHARS

    path = tmp_path / "big.txt"
    path.write_text("B12 given IM. " * (MAX_CHARS // 10))
    result = runner.invoke(app, ["review", str(path), "--rules-only"])
    assert result.exit_code == 1 and "limit" in result.output


def test_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["review", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "no such file" in result.output


def test_python_api_returns_frozen_review():
    import dataclasses

    import cleanclaim

    review = cleanclaim.review("B12 1000 mcg IM L deltoid given for pernicious anemia. RN", "n1")
    assert review.id == "n1" and review.claim_ready is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        review.claim_ready = False  # type: ignore[misc]
    assert json.loads(json.dumps(review.to_dict()))["administrations"][0]["hcpcs"] == "J3420"


def test_review_text_to_a_file_is_plain_text(note_file, tmp_path):
    out = tmp_path / "review.txt"
    result = runner.invoke(app, ["review", str(note_file), "-o", str(out), "--rules-only"])
    assert result.exit_code == 0
    page = out.read_text()
    assert "NOT READY" in page and "DOSE_MISSING" in page and "\x1b[" not in page
