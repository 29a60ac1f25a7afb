"""Stand-ins that make a review stall, to test the time budget per note.

Module-level and picklable: a worker process (spawned) imports this module to rebuild them.
"""

from __future__ import annotations

import dataclasses
import threading
import time

#: A note containing this word never finishes its review.
STALL = "STALLWORD"


class StallingModel:
    """A classifier stand-in: the rules' decision, except that a note with STALL never ends."""

    version = "stall-test"

    def decide(self, facts):
        if STALL in facts.doc.text:
            time.sleep(3600)  # the pool must kill this worker process
        return dataclasses.replace(facts.review, model_version=self.version)


class StallingReviewer:
    """Wraps a reviewer (thread mode): a note with STALL waits until released (or 30 s)."""

    def __init__(self, reviewer) -> None:
        self.inner = reviewer
        self.rules_version = reviewer.rules_version
        self.model = None
        self.release = threading.Event()
        self.stalled = 0

    def review(self, text: str, note_id: str | None = None):
        if STALL in text:
            self.stalled += 1
            self.release.wait(30)
        return self.inner.review(text, note_id)
