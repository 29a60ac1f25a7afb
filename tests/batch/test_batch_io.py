"""Batch input formats, passthrough columns, flat outputs and per-row errors."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from batch_notes import NOTES, note_rows

from cleanclaim.batch.io import GAP_COLUMNS, read_rows
from cleanclaim.batch.runner import run_batch
from cleanclaim.resources import blocking_codes
from cleanclaim.reviewer import MAX_CHARS


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_when_jsonl_input_then_one_full_record_per_row_in_order(jsonl_input, tmp_path, reviewer):
    out = tmp_path / "out.jsonl"
    summary = run_batch(jsonl_input, out, rules_only=True, workers=1, chunk_size=5)
    records = _jsonl(out)
    assert [r["id"] for r in records] == list(NOTES)
    assert summary.total == len(NOTES) and summary.errors == 0
    for r in records:
        expected = reviewer.review(NOTES[r["id"]], r["id"]).to_dict()
        assert {k: r[k] for k in expected} == expected
        assert r["provider"] in {"Dr. Ames", "Dr. Boyd", "Dr. Chen"}


def test_when_two_workers_then_output_order_matches_input(tmp_path):
    src = tmp_path / "many.jsonl"
    rows = note_rows(60)
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(src, out, rules_only=True, workers=2, chunk_size=7)
    assert [r["id"] for r in _jsonl(out)] == [r["id"] for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "parquet", "jsonl.gz", "txt"])
def test_when_input_format_then_same_decisions_as_jsonl(fmt, jsonl_input, tmp_path):
    rows = note_rows()
    if fmt == "txt":
        src = tmp_path / "folder"
        src.mkdir()
        for r in rows:
            (src / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    elif fmt.startswith("csv"):
        src = tmp_path / f"in.{fmt}"
        opener = gzip.open if fmt.endswith(".gz") else open
        with opener(src, "wt", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, ["id", "text", "provider", "clinic"])
            w.writeheader()
            w.writerows(rows)
    elif fmt == "parquet":
        src = tmp_path / "in.parquet"
        pq.write_table(pa.Table.from_pylist(rows), src)
    else:
        src = tmp_path / "in.jsonl.gz"
        with gzip.open(src, "wt", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(r) + "\n" for r in rows))
    out, ref = tmp_path / "out.csv", tmp_path / "ref.csv"
    run_batch(src, out, rules_only=True, workers=1)
    run_batch(jsonl_input, ref, rules_only=True, workers=1)
    got = (
        pd.read_csv(out, dtype=str, keep_default_na=False).sort_values("id").reset_index(drop=True)
    )
    want = (
        pd.read_csv(ref, dtype=str, keep_default_na=False).sort_values("id").reset_index(drop=True)
    )
    cols = [
        "id",
        "claim_ready",
        "service_code",
        "injections",
        "gaps",
        "icd10",
        "error",
        *GAP_COLUMNS,
    ]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    if fmt != "txt":
        assert list(got["provider"]) == list(want["provider"])


def test_when_flat_output_then_one_boolean_column_per_gap_code(jsonl_input, tmp_path):
    out = tmp_path / "out.parquet"
    run_batch(jsonl_input, out, rules_only=True, workers=1)
    table = pq.read_table(out)
    for code in (*blocking_codes(), "SITE_MISSING"):
        assert table.schema.field(code).type == pa.bool_()
    df = table.to_pandas().set_index("id")
    assert bool(df.loc["n04", "NOT_ADMINISTERED"]) and not df.loc["n04", "claim_ready"]
    assert "DOSE_MISSING" in df.loc["n05", "gaps"].split(";") and bool(
        df.loc["n05", "DOSE_MISSING"]
    )
    assert list(df.columns[-2:]) == ["provider", "clinic"]


def test_when_custom_field_names_then_they_are_used(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"note_id": "x1", "body": NOTES["n01"], "payer": "Medicare"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    run_batch(src, out, id_field="note_id", text_field="body", rules_only=True, workers=1)
    (record,) = _jsonl(out)
    assert record["id"] == "x1" and record["claim_ready"] is True and record["payer"] == "Medicare"


def test_when_rows_are_bad_then_each_gets_an_error_record_without_note_text(tmp_path):
    src = tmp_path / "bad.jsonl"
    secret = "Cyanocobalamin 1000 mcg IM left deltoid pernicious anemia " * 10
    lines = [
        json.dumps({"id": "ok", "text": NOTES["n01"]}).encode(),
        json.dumps({"id": "empty", "text": "   "}).encode(),
        json.dumps({"text": NOTES["n02"]}).encode(),
        json.dumps({"id": "notext"}).encode(),
        json.dumps({"id": "big", "text": secret * (MAX_CHARS // len(secret) + 1)}).encode(),
        b'{"id": "latin1", "text": "caf\xe9 B12 given"}',
        b"{this is not json",
        json.dumps(["a", "list"]).encode(),
        json.dumps({"id": "nul", "text": "B12\x00given"}).encode(),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    summary = run_batch(src, out, rules_only=True, workers=1)
    records = _jsonl(out)
    assert len(records) == len(lines) and summary.errors == len(lines) - 1
    assert records[0]["error"] is None and records[0]["claim_ready"] is True
    for r in records[1:]:
        assert r["error"] and r["claim_ready"] is None
        assert "Cyanocobalamin" not in r["error"] and "caf" not in r["error"]
    assert records[2]["error"] == "line 3: missing 'id'"
    assert records[3]["error"] == "line 4: missing 'text'"


def test_when_csv_row_is_not_utf8_then_only_that_row_errors(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"id,text\nr1,B12 1000 mcg IM given left deltoid for pernicious anemia\nr2,caf\xe9 note\n"
    )
    rows = list(read_rows(src))
    assert [r.id for r in rows] == ["r1", "r2"]
    out = tmp_path / "out.csv"
    run_batch(src, out, rules_only=True, workers=1)
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert df.loc[1, "error"].startswith("line 3: note is not valid UTF-8")
    assert df.loc[0, "error"] == ""


def test_when_txt_note_is_oversized_then_error_row(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTES["n03"], encoding="utf-8")
    (folder / "b.txt").write_text("x" * (MAX_CHARS * 4 + 10), encoding="utf-8")
    (folder / "c.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    run_batch(folder, out, rules_only=True, workers=1)
    records = {r["id"]: r for r in _jsonl(out)}
    assert records["a"]["error"] is None
    assert "longer than" in records["b"]["error"] and records["c"]["error"] == "note is empty"
