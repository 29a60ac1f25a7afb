"""Work done inside a review worker: review notes and return ready-to-send JSON bytes.

In a worker process the reviewer is built once, by :func:`init_process`, and kept in a module
global; in thread mode the caller passes its own reviewer. Serialising to JSON here keeps that
CPU work off the event loop too.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from typing import Any

from pydantic import ValidationError

from ..reviewer import Reviewer
from .schemas import RECORD

_REVIEWER: Reviewer | None = None


def init_process(model: Any, ready: Any = None, payer_rules: str | None = None) -> None:
    """Build this worker process's reviewer (runs once, when the process starts).

    Args:
        model: passed to :class:`~cleanclaim.Reviewer` (``"default"``, None or a model object).
        payer_rules: a practice's payer-rules file (``cleanclaim serve --payer-rules``).
        ready: an optional barrier to wait on once loaded (so several start together).

    """
    global _REVIEWER
    # Ctrl+C reaches the whole process group; the server shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    _REVIEWER = Reviewer(model=model, payer_rules=payer_rules)
    _REVIEWER.warm_up(freeze=True)  # first-use loading now, not inside the first note's time budget
    try:  # each worker is one review at a time: OpenMP/BLAS threads would oversubscribe the cores
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass
    if ready is not None:
        ready.wait(timeout=600)


def _exit_with_parent() -> None:
    """Exit when the server process is gone (killed), instead of idling on as an orphan."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="cleanclaim-parent-watch", daemon=True).start()


class RecordSchemaError(ValueError):
    """A record that does not match the schema the API publishes (a bug, never sent)."""


def _dumps(record: dict[str, Any]) -> bytes:
    payload = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # Check the record against the published schema (the same dataclasses, strictly).
    try:
        RECORD.validate_json(payload, strict=True)
    except ValidationError as err:
        # Locations and error types only: the values are note text.
        where = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in err.errors(include_input=False)
        )
        raise RecordSchemaError(f"record does not match the published schema ({where})") from None
    return payload


def model_version(reviewer: Reviewer) -> str | None:
    """Return the classifier's version, or None when the reviewer decides by rules alone."""
    model = reviewer.model
    if model is None:
        return None
    version = getattr(model, "version", None)
    return None if version is None else str(version)


def describe(reviewer: Reviewer) -> dict[str, Any]:
    """Return what ``/v1/info`` reports about a loaded reviewer."""
    return {"rules_version": reviewer.rules_version, "model_version": model_version(reviewer)}


def review_json(reviewer: Reviewer, text: str, note_id: str | None) -> bytes:
    """Review one checked note; the contract record as JSON bytes, checked against its schema.

    Raises whatever the review raised, or :class:`RecordSchemaError`; a batch reviews its notes
    one call each, so that one note's failure cannot touch another.
    """
    return _dumps(reviewer.review(text, note_id).to_dict())


def record_json(record: dict[str, Any]) -> bytes:
    """Serialise a record (such as an error record) to JSON bytes, checked against its schema."""
    return _dumps(record)


def _loaded() -> Reviewer:
    if _REVIEWER is None:  # pragma: no cover - the pool initializer always runs first
        raise RuntimeError("worker process has no reviewer; init_process did not run")
    return _REVIEWER


def process_review(text: str, note_id: str | None) -> bytes:
    """:func:`review_json` with this process's reviewer."""
    return review_json(_loaded(), text, note_id)


def process_describe() -> dict[str, Any]:
    """:func:`describe` for this process's reviewer, with its pid (used to warm every worker)."""
    return {**describe(_loaded()), "pid": os.getpid()}
