"""A bounded pool of review workers: CPU-bound reviews never run on the event loop.

Two kinds, chosen at start-up:

- ``process``: a process pool, one :class:`~cleanclaim.Reviewer` built per process. Reviews run
  in parallel on several cores (the pipeline holds the GIL for most of a review).
- ``thread``: one reviewer shared by a few threads. No CPU parallelism, but no start-up cost per
  worker; used when the caller hands in its own reviewer (tests, embedding).

Admission is bounded: at most ``workers + queue_size`` requests are running or waiting; one
more raises :class:`PoolBusyError`, which the API answers with 503 and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, Literal, TypeVar

from ..reviewer import Reviewer
from . import worker

log = logging.getLogger("cleanclaim.service")

Mode = Literal["process", "thread"]
T = TypeVar("T")


class PoolBusyError(Exception):
    """Every worker is busy and the queue is full."""


class PoolBrokenError(Exception):
    """A worker process died; the pool can take no more work."""


class ReviewPool:
    """Run reviews off the event loop with bounded admission.

    Args:
        workers: reviews running at once.
        queue_size: requests allowed to wait for a free worker.
        mode: ``"process"`` or ``"thread"``.
        reviewer: the reviewer for thread mode (built when omitted); not allowed in process mode.
        model: passed to :class:`~cleanclaim.Reviewer` when a reviewer is built.

    """

    def __init__(
        self,
        workers: int,
        queue_size: int,
        mode: Mode = "process",
        reviewer: Reviewer | None = None,
        model: str | None = "default",
    ) -> None:
        """Record the configuration; :meth:`start` does the loading."""
        if mode not in ("process", "thread"):
            raise ValueError(f"mode must be 'process' or 'thread', not {mode!r}")
        if mode == "process" and reviewer is not None:
            raise ValueError("a ready-made reviewer can only be used in thread mode")
        self.workers = workers
        self.queue_size = queue_size
        self.mode: Mode = mode
        self.model = model
        self.reviewer = reviewer
        self.in_flight = 0
        self.info: dict[str, Any] = {}
        self._executor: Executor | None = None
        self._broken = False

    @property
    def capacity(self) -> int:
        """Requests admitted at once: running plus queued."""
        return self.workers + self.queue_size

    @property
    def healthy(self) -> bool:
        """Started and no worker has died."""
        return self._executor is not None and not self._broken

    async def start(self) -> None:
        """Load the reviewer(s) once and wait until every worker is ready."""
        loop = asyncio.get_running_loop()
        if self.mode == "thread":
            if self.reviewer is None:
                self.reviewer = await loop.run_in_executor(
                    None, partial(Reviewer, model=self.model)
                )
            self._executor = ThreadPoolExecutor(
                self.workers, thread_name_prefix="cleanclaim-review"
            )
            self.info = worker.describe(self.reviewer)
            return
        # spawn, not fork: the server process already runs threads and an event loop.
        context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=worker.init_process,
            initargs=(self.model, context.Barrier(self.workers)),
        )
        # One job per worker at once makes the pool start all of them now, not on first use.
        # Each worker's initializer waits on a barrier, so once these return all are loaded.
        described = await asyncio.gather(
            *(
                loop.run_in_executor(self._executor, worker.process_describe)
                for _ in range(self.workers)
            )
        )
        self.info = {k: v for k, v in described[0].items() if k != "pid"}
        log.info("review pool ready: %d worker processes", self.workers)

    async def stop(self) -> None:
        """Stop the workers; queued work is cancelled."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        if processes:
            # Let running reviews finish briefly, then make sure no worker outlives the server.
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, _join_or_kill, processes, 2.0)

    async def review(self, text: str, note_id: str | None) -> bytes:
        """Review one checked note; its contract record as JSON bytes."""
        if self.mode == "thread":
            return await self._run(partial(worker.review_json, self.reviewer, text, note_id))
        return await self._run(partial(worker.process_review, text, note_id))

    async def review_batch(self, notes: list[tuple[str | None, str]]) -> list[bytes]:
        """Review ``(id, text)`` pairs in order, in one worker; their records as JSON bytes."""
        if self.mode == "thread":
            return await self._run(partial(worker.batch_json, self.reviewer, notes))
        return await self._run(partial(worker.process_batch, notes))

    async def _run(self, job: Callable[[], T]) -> T:
        if self._executor is None or self._broken:
            raise PoolBrokenError("review workers are not running")
        if self.in_flight >= self.capacity:
            raise PoolBusyError(
                f"{self.in_flight} reviews running or queued (limit {self.capacity})"
            )
        # Only the event-loop thread touches in_flight, so no lock is needed.
        self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, job)
        except BrokenProcessPool:
            self._broken = True
            raise PoolBrokenError("a review worker process died") from None
        finally:
            self.in_flight -= 1


def _join_or_kill(processes: list[Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in processes:
        if proc.is_alive():
            proc.kill()
            proc.join(5.0)
