"""A bounded pool of review workers: CPU-bound reviews never run on the event loop.

Two kinds, chosen at start-up:

- ``process``: one worker process per slot, each with its own :class:`~cleanclaim.Reviewer`.
  Reviews run in parallel on several cores (the pipeline holds the GIL for most of a review).
- ``thread``: one reviewer shared by a thread per slot. No CPU parallelism, but no start-up cost
  per worker; used when the caller hands in its own reviewer (tests, embedding).

Admission is bounded: at most ``workers + queue_size`` requests are running or waiting; one
more raises :class:`PoolBusyError`, which the API answers with 503 and ``Retry-After``.

Every note has a time budget (``note_timeout``). A note over it raises
:class:`NoteTimeoutError` (a batch note gets an error record instead) and its worker is
replaced: the process is killed and a new one started, while the other workers go on. (A
thread cannot be killed: in thread mode the slot gets a new thread and the old one finishes
its review in the background.) Each worker is its own single-process executor, so killing one
never breaks the others, and a worker that dies on its own is replaced the same way.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Literal, TypeVar

from ..result import Review
from ..reviewer import Reviewer
from . import worker

log = logging.getLogger("cleanclaim.service")

Mode = Literal["process", "thread"]
T = TypeVar("T")

#: Attempts at starting a replacement worker before its slot is given up.
RESTART_ATTEMPTS = 3


class PoolBusyError(Exception):
    """Every worker is busy and the queue is full."""


class PoolBrokenError(Exception):
    """No review worker is running (none could be started)."""


class NoteTimeoutError(Exception):
    """A note took longer than its time budget; its worker has been replaced."""


class WorkerDiedError(Exception):
    """A worker process died while reviewing a note; it has been replaced."""


class _Slot:
    """One worker: a single-worker executor, replaced when its note runs over or it dies."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.executor: Executor | None = None
        self.spoiled = False  # its worker must be replaced before it takes another note
        self.dead = False  # no worker could be started for it: out of the pool for good


class ReviewPool:
    """Run reviews off the event loop with bounded admission and a time budget per note.

    Args:
        workers: reviews running at once.
        queue_size: requests allowed to wait for a free worker.
        mode: ``"process"`` or ``"thread"``.
        reviewer: the reviewer for thread mode (built when omitted); not allowed in process mode.
        model: passed to :class:`~cleanclaim.Reviewer` when a reviewer is built.
        note_timeout: seconds one note may take in a worker.
        start_timeout: seconds a worker process may take to load its reviewer.
        payer_rules: a practice's payer-rules file, passed to every reviewer built.

    """

    def __init__(
        self,
        workers: int,
        queue_size: int,
        mode: Mode = "process",
        reviewer: Reviewer | None = None,
        model: Any = "default",
        note_timeout: float = 20.0,
        payer_rules: str | None = None,
        start_timeout: float = 300.0,
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
        self.payer_rules = payer_rules
        self.reviewer = reviewer
        self.note_timeout = note_timeout
        self.start_timeout = start_timeout
        self.in_flight = 0
        self.restarts = 0
        self.info: dict[str, Any] = {}
        self._slots: list[_Slot] = []
        self._idle: asyncio.Queue[_Slot | None] | None = None
        self._live = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False

    @property
    def capacity(self) -> int:
        """Requests admitted at once: running plus queued."""
        return self.workers + self.queue_size

    @property
    def healthy(self) -> bool:
        """Started, and at least one worker is running or being restarted."""
        return self._started and self._live > 0

    @property
    def processes(self) -> list[Any]:
        """The worker processes now running (empty in thread mode)."""
        return [p for slot in self._slots if slot.executor for p in _processes(slot.executor)]

    async def start(self) -> None:
        """Load the reviewer(s) once and wait until every worker is ready."""
        loop = asyncio.get_running_loop()
        if self.mode == "thread":
            if self.reviewer is None:
                self.reviewer = await loop.run_in_executor(
                    None, partial(Reviewer, model=self.model, payer_rules=self.payer_rules)
                )
            self.info = worker.describe(self.reviewer)
        self._idle = asyncio.Queue()
        self._slots = [_Slot(i) for i in range(self.workers)]
        # All at once: each process loads its reviewer in parallel with the others.
        started = await asyncio.gather(
            *(self._launch(slot) for slot in self._slots), return_exceptions=True
        )
        failed = [r for r in started if isinstance(r, BaseException)]
        if failed:
            for slot in self._slots:
                if slot.executor is not None:
                    _kill(slot.executor)
            raise failed[0]
        for slot in self._slots:
            self._idle.put_nowait(slot)
        self._live = len(self._slots)
        self._started = True
        log.info("review pool ready: %d %s workers", self.workers, self.mode)

    async def stop(self) -> None:
        """Stop the workers; queued work is cancelled."""
        self._started = False
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        # Restarts in progress kill the worker they were starting when cancelled.
        await asyncio.gather(*tasks, return_exceptions=True)
        processes: list[Any] = []
        for slot in self._slots:
            executor, slot.executor = slot.executor, None
            if executor is not None:
                processes += _processes(executor)
                executor.shutdown(wait=False, cancel_futures=True)
        self._slots = []
        if processes:
            # Let running reviews finish briefly, then make sure no worker outlives the server.
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, _join_or_kill, processes, 2.0)

    async def review(self, text: str, note_id: str | None) -> bytes:
        """Review one checked note; its contract record as JSON bytes.

        Raises:
            PoolBusyError: no room to wait for a worker.
            PoolBrokenError: no worker is running.
            NoteTimeoutError: the note took longer than ``note_timeout``.
            WorkerDiedError: the worker process died during the review.

        """
        async with self._admitted():
            slot = await self._acquire()
            try:
                return await self._review_note(slot, text, note_id)
            finally:
                self._release(slot)

    async def review_batch(self, notes: list[tuple[str | None, str]]) -> list[bytes]:
        """Review checked ``(id, text)`` pairs in order, in one worker, one note at a time.

        A note whose review fails, runs over its time budget or kills its worker gets an error
        record; the notes after it go on in the next free worker while that one is replaced.
        """
        results: list[bytes] = []
        async with self._admitted():
            slot: _Slot | None = await self._acquire()
            try:
                for position, (note_id, text) in enumerate(notes):
                    if slot is None or slot.spoiled:
                        if slot is not None:
                            self._release(slot)
                            slot = None
                        slot = await self._acquire()
                    try:
                        results.append(await self._review_note(slot, text, note_id))
                    except (NoteTimeoutError, WorkerDiedError) as exc:
                        results.append(_failed(note_id, str(exc)))
                    except Exception as exc:  # noqa: BLE001  (one note's failure is its own)
                        log.error("batch note %d: review failed: %s", position, _describe(exc))
                        results.append(_failed(note_id, f"review failed: {type(exc).__name__}"))
            finally:
                if slot is not None:
                    self._release(slot)
        return results

    @asynccontextmanager
    async def _admitted(self):  # type: ignore[no-untyped-def]
        if not self.healthy:
            raise PoolBrokenError("review workers are not running")
        if self.in_flight >= self.capacity:
            raise PoolBusyError(
                f"{self.in_flight} reviews running or queued (limit {self.capacity})"
            )
        # Only the event-loop thread touches in_flight, so no lock is needed.
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1

    async def _acquire(self) -> _Slot:
        """Wait for an idle worker that is still alive."""
        assert self._idle is not None
        while True:
            slot = await self._idle.get()
            if slot is None:  # the pool has no worker left: wake the next waiter too
                self._idle.put_nowait(None)
                raise PoolBrokenError("review workers are not running")
            if slot.executor is not None and not getattr(slot.executor, "_broken", False):
                return slot
            # Its process died while idle (killed by the OS, say): replace it, take another.
            log.error("review worker %d had stopped; replacing it", slot.index)
            self._retire(slot)
            self._release(slot)

    def _release(self, slot: _Slot) -> None:
        """Give a worker back: at once, or once it has been replaced (in the background)."""
        assert self._idle is not None
        if slot.dead:
            self._wake_if_broken()
        elif slot.spoiled:
            task = asyncio.get_running_loop().create_task(self._restore(slot))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._idle.put_nowait(slot)

    def _wake_if_broken(self) -> None:
        if self._live == 0 and self._idle is not None:
            self._idle.put_nowait(None)  # wakes the waiters, who answer PoolBrokenError

    async def _review_note(self, slot: _Slot, text: str, note_id: str | None) -> bytes:
        assert slot.executor is not None
        if self.mode == "thread":
            job: Callable[[], bytes] = partial(worker.review_json, self.reviewer, text, note_id)
        else:
            job = partial(worker.process_review, text, note_id)
        started = time.perf_counter()
        future = asyncio.wrap_future(slot.executor.submit(job))
        try:
            record = await asyncio.wait_for(future, self.note_timeout)
        except TimeoutError:
            self._retire(slot)
            log.error(
                "review ran over its %gs budget; replacing worker %d", self.note_timeout, slot.index
            )
            raise NoteTimeoutError(
                f"review took longer than the {self.note_timeout:g} s budget per note"
            ) from None
        except BrokenProcessPool:
            self._retire(slot)
            log.error("review worker %d died during a review; replacing it", slot.index)
            raise WorkerDiedError("the review worker stopped during this note") from None
        except worker.RecordSchemaError as exc:
            log.error("%s", exc)  # locations and types only, never values
            raise
        log.debug(
            "worker %d reviewed a note of %d characters in %.1fms",
            slot.index,
            len(text),
            (time.perf_counter() - started) * 1000,
        )
        return record

    def _retire(self, slot: _Slot) -> None:
        """Stop the slot's worker now (kill its process); it is replaced once released."""
        slot.spoiled = True
        old, slot.executor = slot.executor, None
        if old is not None:
            _kill(old)

    async def _launch(self, slot: _Slot) -> None:
        """Give ``slot`` a new worker and wait until it has loaded its reviewer."""
        if self.mode == "thread":
            slot.executor = ThreadPoolExecutor(1, thread_name_prefix="cleanclaim-review")
            return
        # spawn, not fork: the server process already runs threads and an event loop.
        executor = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker.init_process,
            initargs=(self.model, None, self.payer_rules),
        )
        try:
            # The executor starts its process on the first job; this one returns once loaded.
            described = await asyncio.wait_for(
                asyncio.wrap_future(executor.submit(worker.process_describe)), self.start_timeout
            )
        except BaseException:
            _kill(executor)
            raise
        slot.executor = executor
        self.info = {k: v for k, v in described.items() if k != "pid"}

    async def _replace(self, slot: _Slot) -> None:
        """Start a new worker for a retired slot (a few attempts)."""
        self.restarts += 1
        for attempt in range(1, RESTART_ATTEMPTS + 1):
            try:
                await self._launch(slot)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                log.error(
                    "could not start review worker %d (attempt %d): %s",
                    slot.index,
                    attempt,
                    _describe(exc),
                )
                continue
            slot.spoiled = False
            log.info("review worker %d replaced", slot.index)
            return
        slot.dead = True
        self._live -= 1
        log.error("review worker %d given up; %d left", slot.index, self._live)
        raise PoolBrokenError(f"review worker {slot.index} could not be restarted")

    async def _restore(self, slot: _Slot) -> None:
        assert self._idle is not None
        try:
            await self._replace(slot)
        except PoolBrokenError:
            self._wake_if_broken()
            return
        self._idle.put_nowait(slot)


def _failed(note_id: str | None, error: str) -> bytes:
    return worker.record_json(Review.failed(note_id, error).to_dict())


def _describe(exc: BaseException) -> str:
    """Name the exception's type; give its message only for our own, which never quote notes."""
    if isinstance(exc, (worker.RecordSchemaError, PoolBrokenError)):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__


def _processes(executor: Executor) -> list[Any]:
    return list((getattr(executor, "_processes", None) or {}).values())


def _kill(executor: Executor) -> None:
    """Stop an executor now: its process, if any, is killed, not waited for."""
    for proc in _processes(executor):
        if proc.is_alive():
            proc.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def _join_or_kill(processes: list[Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in processes:
        if proc.is_alive():
            proc.kill()
            proc.join(5.0)
