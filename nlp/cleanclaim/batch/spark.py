"""Apache Spark: score a DataFrame of notes with ``mapInPandas``, one pipeline per Python worker.

The function Spark ships to executors lives in this importable module, so it is pickled by
reference and the reviewer cached in this module's globals is built once per Python worker
process and reused across tasks. PySpark is the ``spark`` extra: ``pip install "cleanclaim[spark]"``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from .io import FLAT_COLUMNS, flat_arrow_schema, flat_row

_INSTALL_HINT = 'Apache Spark support needs PySpark: pip install "cleanclaim[spark]" (and Java 17)'


def _require_pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise ImportError(_INSTALL_HINT) from None
    return pyspark


def flat_schema(passthrough: Any = None, full_record: bool = False) -> Any:
    """The Spark schema of the flat columns, then the passthrough fields, then ``record``."""
    _require_pyspark()
    from pyspark.sql import types as T  # noqa: N812  (pyspark's own convention)
    from pyspark.sql.pandas.types import from_arrow_schema

    flat = from_arrow_schema(flat_arrow_schema())
    kinds = {f.name: f.dataType for f in flat.fields}
    fields = [T.StructField(name, kinds[name], True) for name in FLAT_COLUMNS]
    for f in passthrough or ():
        name = f.name if f.name not in kinds else f"input_{f.name}"
        fields.append(T.StructField(name, f.dataType, True))
    if full_record:
        fields.append(T.StructField("record", T.StringType(), True))
    return T.StructType(fields)


def _score_batches(
    batches: Iterator[Any],
    id_col: str,
    text_col: str,
    rules_only: bool,
    full_record: bool,
    settings: dict[str, Any] | None = None,
) -> Iterator[Any]:
    """The ``mapInPandas`` function: pandas batches of notes in, flat rows out.

    ``settings``: ``payer_rules``, ``date_of_service`` and ``model`` for the executors' reviewer
    (paths every executor can read). A ``date_of_service`` column gives each note its own date.
    """
    import pandas as pd

    from .runner import review_records

    for pdf in batches:
        extra_cols = [c for c in pdf.columns if c not in (id_col, text_col)]
        ids = [None if _missing(v) else str(v) for v in pdf[id_col]]
        texts = [None if _missing(v) else v for v in pdf[text_col]]
        days = [
            None if _missing(v) else str(v)
            for v in (pdf["date_of_service"] if "date_of_service" in pdf else [None] * len(pdf))
        ]
        notes = list(zip(ids, texts, days, strict=True))
        rows = []
        extras = pdf[extra_cols].to_dict("records") if extra_cols else [{}] * len(pdf)
        records = review_records(notes, rules_only=rules_only, **(settings or {}))
        for note_id, record, extra in zip(ids, records, extras, strict=True):
            if note_id is None:
                record.update({"error": f"missing {id_col!r}", "claim_ready": None})
            row = flat_row(record, extra)
            if full_record:
                row["record"] = json.dumps(record, ensure_ascii=False, default=str)
            rows.append(row)
        names = list(FLAT_COLUMNS) + [
            c if c not in FLAT_COLUMNS else f"input_{c}" for c in extra_cols
        ]
        out = pd.DataFrame(rows, columns=names + (["record"] if full_record else []))
        out["injections"] = out["injections"].astype("Int64")
        out["probability"] = out["probability"].astype("float64")
        yield out


def _missing(value: Any) -> bool:
    try:
        import pandas as pd

        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def score(
    df: Any,
    id_col: str = "id",
    text_col: str = "text",
    rules_only: bool = True,
    full_record: bool = False,
    payer_rules: str | None = None,
    date_of_service: str | None = None,
    model: str | None = None,
) -> Any:
    """Review every note of a Spark DataFrame; returns the flat columns plus passthrough columns.

    Args:
        df: a DataFrame with an id column and a text column; other columns pass through. A
            ``date_of_service`` column (YYYY-MM-DD) dates each note that states no date itself.
        id_col: the id column.
        text_col: the text column.
        rules_only: decide by the rules alone (the default here); False decides with ``model``.
        full_record: also return the full contract record as a JSON string column ``record``.
        payer_rules: a practice's payer-rules file, readable at this path on every executor.
        date_of_service: the date for notes that state none and have no ``date_of_service``.
        model: a model folder written by ``cleanclaim train``, readable on every executor
            (default with ``rules_only=False``: the shipped model, installed with the package).

    """
    _require_pyspark()
    missing = [c for c in (id_col, text_col) if c not in df.columns]
    if missing:
        raise ValueError(f"the DataFrame has no column {missing[0]!r}")
    passthrough = [f for f in df.schema.fields if f.name not in (id_col, text_col)]
    schema = flat_schema(passthrough, full_record)
    func = partial(
        _score_batches,
        id_col=id_col,
        text_col=text_col,
        rules_only=rules_only,
        full_record=full_record,
        settings={"payer_rules": payer_rules, "date_of_service": date_of_service, "model": model},
    )
    return df.mapInPandas(func, schema)


def session(master: str = "local[*]", app_name: str = "cleanclaim") -> Any:
    """A Spark session whose Python workers run this interpreter."""
    _require_pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


def read(spark: Any, path: Path, id_field: str, text_field: str) -> Any:
    """Read batch input (JSON Lines, CSV, Parquet, folder of .txt) as a Spark DataFrame."""
    from .io import input_format

    fmt = input_format(path)
    if fmt == "jsonl":
        return spark.read.json(str(path))
    if fmt == "csv":
        return spark.read.csv(str(path), header=True, multiLine=True, escape='"')
    if fmt == "parquet":
        return spark.read.parquet(str(path))
    rdd = spark.sparkContext.wholeTextFiles(str(path / "*.txt"))
    return rdd.map(lambda kv: (Path(kv[0]).stem, kv[1])).toDF([id_field, text_field])


def run_batch_spark(
    input_path: Path,
    output: Path,
    id_field: str = "id",
    text_field: str = "text",
    rules_only: bool = False,
    master: str = "local[*]",
    payer_rules: str | None = None,
    date_of_service: str | None = None,
    model: str | None = None,
) -> Any:
    """``cleanclaim batch --engine spark``: score with Spark, write one output file locally.

    Decides as the local batch does (the shipped or named model unless ``rules_only``).
    """
    import time

    from . import io as bio
    from .runner import Summary, partial_paths

    _require_pyspark()
    fmt = bio.output_format(output)
    start = time.perf_counter()
    spark = session(master)
    try:
        df = read(spark, input_path, id_field, text_field)
        scored = score(
            df,
            id_field,
            text_field,
            rules_only=rules_only,
            full_record=True,  # every output format is written from the whole record
            payer_rules=payer_rules,
            date_of_service=date_of_service,
            model=model,
        )
        partial, _ = partial_paths(output)
        writer = bio.Writer(partial, fmt, append=False)
        summary = Summary()
        batch: list[tuple[dict[str, Any], dict[str, Any]]] = []
        flat = set(FLAT_COLUMNS) | {"record"}
        for row in scored.toLocalIterator():
            data = row.asDict()
            record = json.loads(data["record"])
            extra = {k: v for k, v in data.items() if k not in flat}
            summary.add(record)
            batch.append((record, extra))
            if len(batch) >= 1024:
                writer.write(batch)
                batch = []
        if batch:
            writer.write(batch)
        writer.close()
        bio.finish(partial, output, fmt)
    finally:
        spark.stop()
    summary.seconds = time.perf_counter() - start
    return summary
