"""Spark scoring equals the local batch, row for row."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cleanclaim.batch.io import FLAT_COLUMNS
from cleanclaim.batch.runner import run_batch
from cleanclaim.batch.synthetic import notes as synthetic_notes

pytestmark = pytest.mark.spark


def test_when_scored_with_spark_then_rows_equal_local_batch(tmp_path: Path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not Path("/usr/bin/java").exists():
        pytest.skip("Java is not installed")
    from cleanclaim.batch.spark import score, session

    rows = [
        {"id": i, "text": t, "provider": f"P{n % 4}"}
        for n, (i, t) in enumerate(synthetic_notes(300, seed=11))
    ]
    src = tmp_path / "in.parquet"
    pd.DataFrame(rows).to_parquet(src)
    local_out = tmp_path / "local.parquet"
    run_batch(src, local_out, rules_only=True, workers=1)
    local = pd.read_parquet(local_out)

    # With the model, a practice's payer rules, a default date and a per-note date column.
    payer = tmp_path / "payer.json"
    payer.write_text(
        json.dumps(
            {"version": "acme.1", "payer": {"name": "Acme", "second_injection_modifier": "XU"}}
        )
    )
    settings = {"payer_rules": str(payer), "date_of_service": "2024-03-01", "model": None}
    dated = [
        {**r, "date_of_service": "2024-06-03" if n % 3 == 0 else None} for n, r in enumerate(rows)
    ]
    dated.append(
        {
            "id": "two-shots",
            "text": "Acute migraine with vomiting. Ketorolac 30 mg IM given in the right gluteal "
            "and promethazine 25 mg IM given in the left gluteal by Dr. Hale. No waste.",
            "provider": "P1",
            "date_of_service": None,
        }
    )
    src2 = tmp_path / "dated.parquet"
    pd.DataFrame(dated).to_parquet(src2)
    local2_out = tmp_path / "local2.parquet"
    run_batch(src2, local2_out, rules_only=False, workers=1, **settings)
    local2 = pd.read_parquet(local2_out)

    spark = session("local[2]")
    try:
        got = score(spark.createDataFrame(pd.DataFrame(rows)), "id", "text").toPandas()
        got2 = score(
            spark.createDataFrame(pd.DataFrame(dated)), "id", "text", rules_only=False, **settings
        ).toPandas()
    finally:
        spark.stop()
    _assert_same(got, local, [*FLAT_COLUMNS, "provider"])
    _assert_same(got2, local2, [*FLAT_COLUMNS, "provider"])
    two = local2.set_index("id").loc["two-shots"]
    assert "96372-XU" in two["claim_lines"] and two["model_version"]  # the settings took effect
    assert set(local2["date_of_service"]) == {"2024-03-01", "2024-06-03"}  # default and column


def _assert_same(got: pd.DataFrame, local: pd.DataFrame, cols: list[str]) -> None:
    got = got[cols].set_index("id").loc[local["id"]].reset_index()
    pd.testing.assert_frame_equal(
        got[cols].astype(object).where(got[cols].notna(), None),
        local[cols].astype(object).where(local[cols].notna(), None),
        check_dtype=False,
    )
