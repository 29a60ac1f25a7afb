"""Batch review: stream notes in chunks through a process pool, in order, resumably.

Each worker process builds its :class:`~cleanclaim.reviewer.Reviewer` once (the pool initializer)
and returns plain dicts, so nothing unpicklable crosses a process boundary. Chunks are submitted
in input order and written in input order. Every input row yields exactly one output row.

Output is first written to ``OUTPUT.partial`` (a folder of part files for Parquet), chunk by chunk
with ``fsync``, and the number of rows done is recorded in ``OUTPUT.partial.json`` after each
chunk. The final name appears only once the run completes (an atomic rename), so an interrupted
run never leaves a corrupt OUTPUT; ``--resume`` cuts the partial output back to the last recorded
chunk and continues after the rows it holds, so each id is written exactly once.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..result import Review
from ..reviewer import NoteError, check_note
from . import io as bio

#: Notes per chunk sent to a worker (and per checkpoint of the output).
CHUNK_SIZE = 64
#: A worker process is replaced after this many chunks, so its vocabulary cannot grow forever.
MAX_CHUNKS_PER_WORKER = 200
CRASH_ERROR = "review failed: the worker process crashed on this note"


@dataclass
class Summary:
    """Counts for a finished batch."""

    total: int = 0
    ready: int = 0
    errors: int = 0
    fast_path: int = 0
    skipped: int = 0  # rows already in the output when resuming
    seconds: float = 0.0
    gaps: Counter[str] = field(default_factory=Counter)
    service_codes: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Notes per second over this run."""
        return self.total / self.seconds if self.seconds else 0.0

    def add(self, record: dict[str, Any]) -> None:
        """Count one output record."""
        self.total += 1
        self.errors += record.get("error") is not None
        self.ready += bool(record.get("claim_ready"))
        self.fast_path += bool(record.get("fast_path"))
        if record.get("error") is None:
            self.gaps.update(list(dict.fromkeys(g["code"] for g in record.get("gaps") or ())))
            self.service_codes[record.get("service_code") or "none"] += 1


# Worker side ------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def init_worker(
    rules_only: bool,
    fast_path: bool,
    payer_rules: str | None = None,
    date_of_service: str | None = None,
) -> None:
    """Build the reviewer (and fast path) once per worker process.

    ``payer_rules``: a practice's payer-rules file; ``date_of_service``: the default date for notes
    that state none and have no ``date_of_service`` input column.
    """
    from ..reviewer import Reviewer

    reviewer = Reviewer(model=None if rules_only else "default", payer_rules=payer_rules)
    _WORKER["reviewer"] = reviewer
    _WORKER["date_of_service"] = date_of_service
    _WORKER["fast"] = None
    if fast_path:
        from .fastpath import FastPath

        _WORKER["fast"] = FastPath(reviewer)


def review_chunk(notes: list[tuple[str | None, Any]]) -> list[dict[str, Any]]:
    """Review ``(id, text)`` pairs with this worker's reviewer; plain contract dicts, in order."""
    reviewer = _WORKER["reviewer"]
    fast = _WORKER.get("fast")
    out: list[dict[str, Any] | None] = [None] * len(notes)
    slow: list[int] = []
    for i, (note_id, text, *_) in enumerate(notes):
        try:
            checked = check_note(text)
        except NoteError as err:
            out[i] = Review.failed(note_id, str(err)).to_dict()
            continue
        quick = fast.review(checked, note_id) if fast is not None else None
        if quick is not None:
            out[i] = {**quick.to_dict(), "fast_path": True}
        else:
            slow.append(i)
    default_day = _WORKER.get("date_of_service")
    for i, review in zip(
        slow,
        reviewer.review_many(
            ((notes[i][0], notes[i][1], _day(notes[i])) for i in slow),
            date_of_service=default_day,
        ),
        strict=True,
    ):
        out[i] = review.to_dict()
    return [r for r in out if r is not None]


def _day(note: tuple[Any, ...]) -> str | None:
    """The note's own ``date_of_service`` input column, when the row has one."""
    value = note[2] if len(note) > 2 else None
    return str(value) if value not in (None, "") else None


# Driver side ------------------------------------------------------------------------------------


def partial_paths(output: Path) -> tuple[Path, Path]:
    """The in-progress output and its state file for ``output``."""
    return output.with_name(output.name + ".partial"), output.with_name(
        output.name + ".partial.json"
    )


def _input_signature(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"input": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write_state(state_path: Path, state: dict[str, Any]) -> None:
    tmp = state_path.with_name(state_path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(state, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, state_path)


class _Pool:
    """A process pool that can be replaced when a worker dies."""

    def __init__(self, workers: int, init_args: tuple[Any, ...]) -> None:
        self.workers = workers
        self.init_args = init_args
        self.pool = self._new(workers)

    def _new(self, workers: int) -> ProcessPoolExecutor:
        import multiprocessing

        # forkserver/spawn children would re-import the pipeline anyway; fork shares the loaded code.
        ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=init_worker,
            initargs=self.init_args,
            max_tasks_per_child=MAX_CHUNKS_PER_WORKER if ctx.get_start_method() != "fork" else None,
        )

    def submit(self, notes: list[tuple[str | None, Any]]) -> Future[list[dict[str, Any]]]:
        return self.pool.submit(review_chunk, notes)

    def restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new(self.workers)

    def review_one_by_one(self, notes: list[tuple[str | None, Any]]) -> list[dict[str, Any]]:
        """Retry a chunk whose worker crashed: note by note, recording an error only for the culprit."""
        out = []
        for note in notes:
            try:
                out.extend(self.submit([note]).result())
            except BrokenProcessPool:
                out.append(Review.failed(note[0], CRASH_ERROR).to_dict())
                self.restart()
        return out

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _chunks(rows: Iterator[bio.Row], size: int) -> Iterator[list[bio.Row]]:
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield chunk


def _work(chunk: list[bio.Row]) -> list[tuple[Any, ...]]:
    return [
        (row.id, row.text, row.extra.get("date_of_service")) for row in chunk if row.error is None
    ]


def _merge(
    chunk: list[bio.Row], results: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    it = iter(results)
    out = []
    for row in chunk:
        record = Review.failed(row.id, row.error).to_dict() if row.error is not None else next(it)
        out.append((record, row.extra))
    return out


def run_batch(
    input_path: Path,
    output: Path,
    id_field: str = "id",
    text_field: str = "text",
    rules_only: bool = False,
    workers: int | None = None,
    resume: bool = False,
    fast_path: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int | None, int], None] | None = None,
    payer_rules: str | None = None,
    date_of_service: str | None = None,
) -> Summary:
    """Review every input row into ``output`` (see the module docstring for the guarantees).

    Args:
        input_path: JSON Lines, CSV or Parquet file (optionally .gz), or a folder of .txt notes.
        output: ``.jsonl`` (full records), ``.csv`` or ``.parquet`` (flat rows).
        id_field: the input column holding the note id.
        text_field: the input column holding the note text.
        rules_only: decide by the rules alone (no classifier).
        workers: worker processes (default: the CPU count).
        resume: continue an interrupted run of the same input and output.
        fast_path: let notes without injection vocabulary skip the pipeline (off by default: slower
            than the pipeline on realistic mixes, see benchmarks/fast_path.py).
        chunk_size: notes per chunk (and per checkpoint).
        progress: called with the number of rows just written.
        on_start: called with (total rows or None, rows already done) before reviewing.
        payer_rules: a practice's payer-rules JSON file, applied on top of the packaged rules.
        date_of_service: the date (YYYY-MM-DD) for notes that state none and have no
            ``date_of_service`` input column (default: today).

    Raises:
        bio.InputError: the input or output cannot be used at all.

    """
    bio.input_format(input_path)
    out_fmt = bio.output_format(output)
    partial, state_path = partial_paths(output)
    signature = _input_signature(input_path)
    done, size = 0, 0
    if resume and state_path.exists() and partial.exists():
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state.get("signature") != signature or state.get("format") != out_fmt:
            raise bio.InputError(
                "the input or output format changed since the interrupted run; cannot resume"
            )
        done, size = int(state["rows"]), int(state["size"])
        bio.truncate_partial(partial, out_fmt, size)
    else:
        if partial.is_dir():
            for p in partial.glob("*"):
                p.unlink()
        elif partial.exists():
            partial.unlink()
    summary = Summary(skipped=done)
    start = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    total = bio.count_rows(input_path)
    if on_start is not None:
        on_start(total, done)
    rows = bio.read_rows(input_path, id_field, text_field, batch_rows=chunk_size * 4)
    for _ in islice(rows, done):
        pass
    writer = bio.Writer(partial, out_fmt, append=done > 0)
    _write_state(
        state_path, {"signature": signature, "format": out_fmt, "rows": done, "size": writer.size()}
    )
    if payer_rules is not None:
        from ..resources import ResourceError, load_payer_rules

        try:
            load_payer_rules(payer_rules)  # fail before any worker starts
        except ResourceError as err:
            raise bio.InputError(str(err)) from None
    pool = _Pool(workers, (rules_only, fast_path, payer_rules, date_of_service))
    try:
        in_flight: deque[tuple[list[bio.Row], Future[list[dict[str, Any]]] | None]] = deque()
        chunks = _chunks(rows, chunk_size)
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < workers * 2:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                work = _work(chunk)
                in_flight.append((chunk, pool.submit(work) if work else None))
            if not in_flight:
                break
            chunk, future = in_flight.popleft()
            results = _collect(pool, chunk, future, in_flight)
            items = _merge(chunk, results)
            for record, _ in items:
                summary.add(record)
                record.pop("fast_path", None)
            writer.write(items)
            done += len(chunk)
            _write_state(
                state_path,
                {"signature": signature, "format": out_fmt, "rows": done, "size": writer.size()},
            )
            if progress is not None:
                progress(len(chunk))
    finally:
        pool.close()
        writer.close()
    bio.finish(partial, output, out_fmt)
    state_path.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - start
    return summary


def _collect(
    pool: _Pool,
    chunk: list[bio.Row],
    future: Future[list[dict[str, Any]]] | None,
    in_flight: deque[tuple[list[bio.Row], Future[list[dict[str, Any]]] | None]],
) -> list[dict[str, Any]]:
    if future is None:
        return []
    try:
        return future.result()
    except BrokenProcessPool:
        pass
    # A worker died: every chunk in flight lost its future. Retry this chunk note by note in a
    # fresh pool, and resubmit the chunks behind it whole.
    pool.restart()
    results = pool.review_one_by_one(_work(chunk))
    for i, (other, fut) in enumerate(in_flight):
        if fut is not None and not (fut.done() and fut.exception() is None):
            in_flight[i] = (other, pool.submit(_work(other)))
    return results


def review_records(
    notes: Iterable[tuple[str | None, Any]], rules_only: bool = True, fast_path: bool = False
) -> Iterator[dict[str, Any]]:
    """Review ``(id, text)`` pairs in this process with a worker-style reviewer (tests, Spark)."""
    if "reviewer" not in _WORKER:
        init_worker(rules_only, fast_path)
    batch: list[tuple[str | None, Any]] = []
    for note in notes:
        batch.append(note)
        if len(batch) >= CHUNK_SIZE:
            yield from _plain(review_chunk(batch))
            batch = []
    if batch:
        yield from _plain(review_chunk(batch))


def _plain(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        record.pop("fast_path", None)
        yield record
