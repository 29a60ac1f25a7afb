"""A process pool for batch review that survives any one note: crashes, hangs, slow notes.

The driver sends chunks of notes (a :class:`Job` each) to worker processes. Each task gets a
progress slot in shared memory; before every note the worker writes there its pid, the note's
position in the task and the time it started (:func:`mark`). The driver polls the slots while it
waits for results:

- a note that has run longer than the budget: its worker is killed (SIGKILL), the note becomes an
  error row ("review exceeded the 30 s budget") and everything else in flight is resubmitted to a
  fresh pool, so the slow note costs its chunk-mates nothing but the restart;
- a worker that dies by itself (segfault, ``os._exit``, out of memory): the notes that were in
  progress at that moment are the suspects; each is retried alone in a fresh pool, and only one
  that kills its worker again becomes an error ("the worker process crashed on this note"). If no
  note was in progress (a crash between notes), the oldest chunk is retried note by note alone.

Every recovery resolves at least one note, so a run always ends.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from ..result import Review

CRASH_ERROR = "review failed: the worker process crashed on this note"
#: Default per-note time budget in seconds (``cleanclaim batch --note-timeout``).
NOTE_TIMEOUT = 30.0
#: Seconds a killed pool gets to report every in-flight task as broken before resubmission.
_SETTLE_SECONDS = 10.0

Note = tuple[str | None, Any]


class PoolError(RuntimeError):
    """Worker processes die before reviewing anything (a broken install, not a bad note)."""


def timeout_error(budget: float) -> str:
    """The error of a note that ran past ``budget`` seconds."""
    return f"review exceeded the {budget:g} s budget"


def mark(progress: Any, slot: int, index: int) -> None:
    """Worker side: record that this process starts note ``index`` of the task in ``slot``.

    ``index`` -1 marks the task finished (idle). Does nothing without a progress array.
    Lock-free (a worker killed mid-write must not leave a lock held): the start time is cleared
    first and written last, and the reader keeps only reads that saw the same start twice.
    """
    if progress is None or slot is None:
        return
    base = 3 * slot
    progress[base + 2] = 0.0
    progress[base] = os.getpid()
    progress[base + 1] = index
    if index >= 0:
        progress[base + 2] = time.monotonic()


@dataclass
class _Task:
    future: Future[list[dict[str, Any]]]
    slot: int
    indices: list[int]


@dataclass
class Job:
    """One chunk's notes, their results as they arrive, and the task carrying the rest."""

    notes: list[Note]
    results: list[dict[str, Any] | None] = field(default_factory=list)
    task: _Task | None = None

    def __post_init__(self) -> None:
        """Start with no results."""
        self.results = [None] * len(self.notes)

    def pending(self) -> list[int]:
        """Positions of the notes without a result yet."""
        return [i for i, r in enumerate(self.results) if r is None]

    def complete(self) -> bool:
        """Whether every note has a result."""
        return all(r is not None for r in self.results)


class Supervisor:
    """A replaceable process pool running ``task(notes, slot)`` under a per-note budget.

    Args:
        workers: worker processes.
        initializer: the pool initializer; called with ``(*init_args, progress)``.
        init_args: its leading arguments.
        task: the worker function, ``task(notes, slot) -> list of record dicts``, one per note
            in order; it must call :func:`mark` before each note.
        budget: seconds one note may take before its worker is killed.
        max_tasks_per_worker: replace a worker after this many tasks (spawn start method only;
            forked workers cannot be replaced this way).

    """

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., None],
        init_args: tuple[Any, ...],
        task: Callable[..., list[dict[str, Any]]],
        budget: float = NOTE_TIMEOUT,
        max_tasks_per_worker: int | None = None,
    ) -> None:
        """Start the pool."""
        if budget <= 0:
            raise ValueError("the note time budget must be positive")
        self.workers = workers
        self.initializer = initializer
        self.init_args = init_args
        self.task = task
        self.budget = budget
        self.max_tasks = max_tasks_per_worker
        self.poll = min(0.5, budget / 4)
        self.slots = workers * 2 + 4  # in-flight jobs (2 per worker) + one note run alone
        self.restarts = 0
        #: Called while the driver waits (every poll), e.g. to refresh a progress bar.
        self.on_poll: Callable[[], None] | None = None
        self._first_started: float | None = None
        #: Manager threads of replaced pools, joined on close (see :meth:`close`).
        self._managers: list[Any] = []
        self._start()

    # Pool -----------------------------------------------------------------------------------

    def _start(self) -> None:
        import multiprocessing

        # forkserver/spawn children would re-import the pipeline anyway; fork shares the code.
        ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        self.progress = ctx.RawArray("d", 3 * self.slots)
        self.free = list(range(self.slots - 1, -1, -1))
        self.killed: dict[int, int] = {}  # slot -> position in its task of the note killed
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=ctx,
            initializer=self.initializer,
            initargs=(*self.init_args, self.progress),
            max_tasks_per_child=self.max_tasks if ctx.get_start_method() != "fork" else None,
        )

    def _restart(self) -> None:
        self._managers.append(getattr(self.pool, "_executor_manager_thread", None))
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1
        self._start()

    def close(self, wait: bool = True) -> None:
        """Shut the pool down, waiting for idle workers to exit.

        ``wait=False`` (on an error or Ctrl-C) stops the workers at once, even mid-note.
        """
        if wait:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self._join_managers()
            return
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        # Taken before shutdown(), which drops the executor's reference to the thread.
        self._managers.append(getattr(self.pool, "_executor_manager_thread", None))
        self.pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=5)
        # Let the executor's manager thread finish too: on 3.11 its wake-up pipe can be closed
        # by that thread while the interpreter's exit hook writes to it, which prints an
        # "OSError: Bad file descriptor" traceback on a Ctrl-C'd or SIGTERM'd batch.
        self._join_managers()

    def _join_managers(self) -> None:
        for manager in self._managers:
            if manager is not None and manager.is_alive():
                manager.join(timeout=5)
        self._managers.clear()

    def _submit_notes(self, notes: list[Note], indices: list[int]) -> _Task:
        slot = self.free.pop()
        self.progress[3 * slot + 2] = 0.0
        self.progress[3 * slot + 1] = -1.0
        self.progress[3 * slot] = 0.0  # no worker has taken the task yet
        try:
            future = self.pool.submit(self.task, notes, slot)
        except BrokenProcessPool as err:  # noticed on the next wait, like any breakage
            future = Future()
            future.set_exception(err)
        return _Task(future, slot, indices)

    def _release(self, task: _Task) -> None:
        if task.slot not in self.free:
            self.free.append(task.slot)

    def _snapshot(self) -> list[tuple[int, int, float]]:
        """(pid, note position, start time) per slot; start 0 when idle or caught mid-write."""
        out = []
        p = self.progress
        for s in range(self.slots):
            started = p[3 * s + 2]
            pid, index = int(p[3 * s]), int(p[3 * s + 1])
            out.append((pid, index, started if p[3 * s + 2] == started else 0.0))
        return out

    def _watch(self) -> None:
        """Kill any worker whose current note has run past the budget."""
        now = time.monotonic()
        busy = set(range(self.slots)) - set(self.free)
        for slot, (pid, index, started) in enumerate(self._snapshot()):
            if slot not in busy or started <= 0 or slot in self.killed or pid <= 0:
                continue
            if now - started > self.budget:
                self.killed[slot] = index
                if pid not in self._worker_pids():
                    continue  # that worker is gone already: the pool is breaking
                try:
                    os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
                except (ProcessLookupError, PermissionError):
                    pass

    def activity(self) -> tuple[int, float | None]:
        """Notes finished inside tasks still running, and when the first note started.

        Read from the workers' progress slots, so a progress bar moves (and has a rate) from the
        first notes, before any whole chunk comes back. Times are ``time.monotonic()``.
        """
        busy = set(range(self.slots)) - set(self.free)
        finished = 0
        for slot, (_pid, index, started) in enumerate(self._snapshot()):
            if started <= 0:
                continue
            if self._first_started is None or started < self._first_started:
                self._first_started = started
            if slot in busy and index > 0:
                finished += index
        return finished, self._first_started

    def _worker_pids(self) -> set[int]:
        """Pids of this pool's live workers (never signal a pid that is not one of them)."""
        processes = getattr(self.pool, "_processes", None) or {}
        return {p.pid for p in list(processes.values()) if p.pid is not None}

    # Jobs -----------------------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        """Send the job's pending notes to the pool (nothing if none are pending)."""
        pending = job.pending()
        if pending:
            job.task = self._submit_notes([job.notes[i] for i in pending], pending)

    def _accept(self, job: Job, task: _Task, records: list[dict[str, Any]]) -> None:
        self._release(task)
        job.task = None
        for i, record in zip(task.indices, records, strict=True):
            job.results[i] = record

    def wait(self, job: Job, active: list[Job]) -> list[dict[str, Any]]:
        """Block until every note of ``job`` has a record; ``active`` are all jobs in flight."""
        while not job.complete():
            if job.task is None:
                self.submit(job)
                continue
            task = job.task
            try:
                records = task.future.result(timeout=self.poll)
            except cf.TimeoutError:
                self._watch()
                if self.on_poll is not None:
                    self.on_poll()
                continue
            except BrokenProcessPool:
                self._recover(active)
                continue
            except Exception:  # noqa: BLE001  (e.g. a result that cannot be pickled back)
                # Not a dead worker: find the culprit by running the task's notes alone.
                self._release(task)
                job.task = None
                self._recover(active, isolate=[(job, i) for i in task.indices])
                continue
            self._accept(job, task, records)
            self._watch()  # the other jobs' notes too, even when this one never waits
        return [r for r in job.results if r is not None]

    def _recover(self, active: list[Job], isolate: list[tuple[Job, int]] | None = None) -> None:
        """After a breakage: keep finished results, resolve the culprits, resubmit the rest."""
        killed = dict(self.killed)
        snapshot = self._snapshot()
        tasks = [j.task for j in active if j.task is not None]
        cf.wait([t.future for t in tasks], timeout=_SETTLE_SECONDS)
        suspects: list[tuple[Job, int]] = list(isolate or [])
        for job in active:
            task = job.task
            if task is None:
                continue
            f = task.future
            if f.done() and not f.cancelled() and f.exception() is None:
                self._accept(job, task, f.result())
                continue
            job.task = None
            _, index, started = snapshot[task.slot]
            if task.slot in killed and 0 <= killed[task.slot] < len(task.indices):
                i = task.indices[killed[task.slot]]
                job.results[i] = Review.failed(
                    job.notes[i][0], timeout_error(self.budget)
                ).to_dict()
            elif not killed and started > 0 and 0 <= index < len(task.indices):
                suspects.append((job, task.indices[index]))
        self._restart()
        if not killed and not suspects:
            # A crash outside any note: retry the oldest unfinished job note by note, alone.
            oldest = next((j for j in active if not j.complete()), None)
            if oldest is not None:
                suspects = [(oldest, i) for i in oldest.pending()]
        for job, i in suspects:
            if job.results[i] is None:
                job.results[i] = self._alone(job.notes[i])
        for job in active:
            if job.task is None:
                self.submit(job)

    def _alone(self, note: Note, attempt: int = 1) -> dict[str, Any]:
        """Review one note with nothing else in the pool, so a breakage is its own doing."""
        task = self._submit_notes([note], [0])
        while True:
            try:
                (record,) = task.future.result(timeout=self.poll)
            except cf.TimeoutError:
                self._watch()
                continue
            except BrokenProcessPool:
                timed_out = task.slot in self.killed
                started = self._snapshot()[task.slot][0] > 0
                self._restart()
                if not started and not timed_out:
                    # The pool broke before any worker took the note: not the note's doing.
                    if attempt >= 2:
                        raise PoolError(
                            "worker processes die before reviewing any note; check that "
                            "cleanclaim and its model load (cleanclaim review on one note)"
                        ) from None
                    return self._alone(note, attempt + 1)
                error = timeout_error(self.budget) if timed_out else CRASH_ERROR
                return Review.failed(note[0], error).to_dict()
            except Exception as err:  # noqa: BLE001
                self._release(task)
                return Review.failed(note[0], f"review failed: {type(err).__name__}").to_dict()
            self._release(task)
            return record
