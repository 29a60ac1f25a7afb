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

from ..reviewer import Reviewer

_REVIEWER: Reviewer | None = None


def init_process(model: str | None, ready: Any = None) -> None:
    """Build this worker process's reviewer (runs once, when the process starts).

    Args:
        model: passed to :class:`~cleanclaim.Reviewer`.
        ready: a barrier all workers wait on, so the pool is ready only when every one is.

    """
    global _REVIEWER
    # Ctrl+C reaches the whole process group; the server shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    _REVIEWER = Reviewer(model=model)
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


def _dumps(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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
    """Review one checked note; the contract record as JSON bytes."""
    return _dumps(reviewer.review(text, note_id).to_dict())


def batch_json(reviewer: Reviewer, notes: list[tuple[str | None, str]]) -> list[bytes]:
    """Review ``(id, text)`` pairs in order; a bad note gives an error record."""
    return [_dumps(r.to_dict()) for r in reviewer.review_many(notes)]


def _loaded() -> Reviewer:
    if _REVIEWER is None:  # pragma: no cover - the pool initializer always runs first
        raise RuntimeError("worker process has no reviewer; init_process did not run")
    return _REVIEWER


def process_review(text: str, note_id: str | None) -> bytes:
    """:func:`review_json` with this process's reviewer."""
    return review_json(_loaded(), text, note_id)


def process_batch(notes: list[tuple[str | None, str]]) -> list[bytes]:
    """:func:`batch_json` with this process's reviewer."""
    return batch_json(_loaded(), notes)


def process_describe() -> dict[str, Any]:
    """:func:`describe` for this process's reviewer, with its pid (used to warm every worker)."""
    return {**describe(_loaded()), "pid": os.getpid()}
