"""Batch review: read notes, review them in order, write one record per input row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .reviewer import Reviewer


@dataclass
class Summary:
    """Counts for a finished batch."""

    total: int = 0
    ready: int = 0
    errors: int = 0


def read_jsonl(path: Path, id_field: str, text_field: str) -> Iterator[tuple[dict[str, Any], Any, Any, str | None]]:
    """Yield (passthrough, id, text, error) per line; a malformed line yields an error."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
                if not isinstance(row, dict):
                    raise ValueError("not an object")
            except (ValueError, UnicodeDecodeError):
                yield {}, f"line-{lineno}", None, f"line {lineno} is not a JSON object"
                continue
            note_id = row.pop(id_field, None)
            text = row.pop(text_field, None)
            error = None
            if note_id is None:
                note_id = f"line-{lineno}"
                error = f"missing {id_field!r}"
            if text is None and error is None:
                error = f"missing {text_field!r}"
            yield row, note_id, text, error


def run_batch(
    input_path: Path, output: Path, id_field: str = "id", text_field: str = "text", rules_only: bool = False
) -> Summary:
    """Review every note of a JSON Lines file into a JSON Lines file."""
    reviewer = Reviewer(model=None if rules_only else "default")
    summary = Summary()
    rows = list(read_jsonl(input_path, id_field, text_field))
    with output.open("w", encoding="utf-8") as out:
        pairs = [(str(r[1]), r[2] if r[3] is None else None) for r in rows]
        results = reviewer.review_many(pairs)
        for (extra, _, _, error), result in zip(rows, results):
            record = result.to_dict()
            if error:
                record.update({"error": error, "claim_ready": None})
            record.update({k: v for k, v in extra.items() if k not in record})
            summary.total += 1
            summary.errors += bool(record.get("error"))
            summary.ready += bool(record.get("claim_ready"))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return summary
