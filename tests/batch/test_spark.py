"""Spark scoring equals the local batch, row for row."""

from __future__ import annotations

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

    spark = session("local[2]")
    try:
        got = score(spark.createDataFrame(pd.DataFrame(rows)), "id", "text").toPandas()
    finally:
        spark.stop()
    cols = [*FLAT_COLUMNS, "provider"]
    got = got[cols].set_index("id").loc[local["id"]].reset_index()
    pd.testing.assert_frame_equal(
        got[cols].astype(object).where(got[cols].notna(), None),
        local[cols].astype(object).where(local[cols].notna(), None),
        check_dtype=False,
    )
