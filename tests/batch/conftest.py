"""Fixtures for the batch tests: small input files written from notes in this folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_notes import note_rows


@pytest.fixture
def jsonl_input(tmp_path: Path) -> Path:
    """The test notes as JSON Lines."""
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in note_rows()), encoding="utf-8")
    return path
