"""Where the benchmarks find the public notes of ``../shared/data`` (never copied into the project).

The folder sits beside the checkout, or beside the parent of a git worktree. Scripts import this
module by name (``python benchmarks/<script>.py`` puts this folder first on ``sys.path``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_file(*parts: str) -> Path:
    """``../shared/data/<parts>`` of this checkout (the first place it exists, else the usual one)."""
    places = [base / "shared" / "data" / Path(*parts) for base in (ROOT.parent, ROOT.parent.parent)]
    return next((p for p in places if p.exists()), places[0])


#: The 2,376 MTSamples notes (see ../shared/data/PROVENANCE.md).
MTSAMPLES = shared_file("mtsamples", "notes.jsonl")
