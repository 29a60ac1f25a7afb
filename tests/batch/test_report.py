"""``cleanclaim report``: terminal summary, HTML report, breakdowns and the worklist."""

from __future__ import annotations

from pathlib import Path

from batch_notes import NOTES
from typer.testing import CliRunner

from cleanclaim.batch import report as rep
from cleanclaim.batch.runner import run_batch
from cleanclaim.cli import app


def test_when_report_on_batch_output_then_rates_breakdowns_and_worklist(
    jsonl_input, tmp_path: Path
):
    out = tmp_path / "out.parquet"
    run_batch(jsonl_input, out, rules_only=True, workers=1)
    report = rep.build(rep.load(out), by=["provider", "clinic"])
    assert report.total == len(NOTES) and report.errors == 0
    assert 0 < report.ready < report.total
    assert report.statuses["no_injection"] >= 2  # n04 nothing given, n06 declined
    assert report.gap_counts.get("NOT_ADMINISTERED", 0) == 0  # counted apart, not as a gap
    assert set(report.breakdowns["provider"].index) == {"Dr. Ames", "Dr. Boyd", "Dr. Chen"}
    ids = list(report.worklist["id"])
    assert "n05" in ids  # testosterone IM without a dose: one query fixes it
    assert not {"n04", "n06", "n09"} & set(ids)  # nothing given, declined, vaccine: no query helps
    assert list(report.worklist["queries"]) == sorted(report.worklist["queries"])
    n05 = report.worklist.set_index("id").loc["n05"]
    assert n05["drug"] == "testosterone cypionate" and n05["gap"] == "DOSE_MISSING"
    assert "dose" in n05["query"]


def test_when_report_command_with_html_then_self_contained_page(jsonl_input, tmp_path: Path):
    out = tmp_path / "out.jsonl"
    run_batch(jsonl_input, out, rules_only=True, workers=1)
    page = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(out), "--html", str(page), "--by", "provider"])
    assert result.exit_code == 0, result.output
    assert "claim-ready" in result.output
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "Worklist" in html and "Dr. Boyd" in html
    assert 'src="http' not in html and "<script src" not in html
    assert NOTES["n01"][:30] not in html  # ids and codes only, never note text


def test_when_report_by_unknown_column_then_one_line_error(jsonl_input, tmp_path: Path):
    out = tmp_path / "out.csv"
    run_batch(jsonl_input, out, rules_only=True, workers=1)
    result = CliRunner().invoke(app, ["report", str(out), "--by", "payer"])
    assert result.exit_code == 1
