"""Batch review: stream notes in chunks through a process pool, in order, resumably.

Each worker process builds its :class:`~cleanclaim.reviewer.Reviewer` once (the pool initializer)
and returns plain dicts, so nothing unpicklable crosses a process boundary. Chunks are submitted
in input order and written in input order. Every input row yields exactly one output row.

Output is first written to ``OUTPUT.partial`` (a folder of part files for Parquet), chunk by chunk
with ``fsync``, and the number of rows done is recorded in ``OUTPUT.partial.json`` after each
chunk. The final name appears only once the run completes (an atomic rename), so an interrupted
run never leaves a corrupt OUTPUT; ``--resume`` cuts the partial output back to the last recorded
chunk and continues after the rows it holds, so each id is written exactly once.

One row never stops a batch: a row that cannot be read, typed, reviewed or written becomes one
error row ("line 12: <reason>", never note content) in its place. A note that runs past the
per-note time budget or kills its worker is the only one to error (see :mod:`.supervisor`).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..result import Review
from ..reviewer import NoteError, check_note
from . import io as bio
from .progress import signals_deferred
from .supervisor import CRASH_ERROR, NOTE_TIMEOUT, Job, Supervisor, mark  # noqa: F401

#: Notes per chunk sent to a worker (and per checkpoint of the output).
CHUNK_SIZE = 64
#: A worker process is replaced after this many chunks, so its vocabulary cannot grow forever.
MAX_CHUNKS_PER_WORKER = 200


@dataclass
class Summary:
    """Counts for a finished batch."""

    total: int = 0
    ready: int = 0
    errors: int = 0
    fast_path: int = 0
    skipped: int = 0  # rows already in the output when resuming
    seconds: float = 0.0
    gaps: Counter[str] = field(default_factory=Counter)  # among notes with status "gaps"
    service_codes: Counter[str] = field(default_factory=Counter)

    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Notes per second over this run (rows from an interrupted run not counted)."""
        return (self.total - self.skipped) / self.seconds if self.seconds else 0.0

    def add(self, record: dict[str, Any]) -> None:
        """Count one output record (a full record or a flat row)."""
        self.total += 1
        failed = not bio._missing(record.get("error"))
        self.errors += failed
        self.ready += record.get("claim_ready") in (True, "True")
        self.fast_path += bool(record.get("fast_path"))
        status = bio.note_status(record)
        self.statuses[status] += 1
        if status == "gaps":  # documentation gaps: not the notes where nothing was given
            self.gaps.update(bio._gap_codes(record))
        if not failed:
            service = record.get("service_code")
            self.service_codes["none" if bio._missing(service) else str(service)] += 1


# Worker side ------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def init_worker(
    rules_only: bool,
    fast_path: bool,
    payer_rules: str | None = None,
    date_of_service: str | None = None,
    model: str | None = None,
    progress: Any = None,
) -> None:
    """Build the reviewer (and fast path) once per worker process.

    ``progress``: the supervisor's shared progress array (None outside a supervised pool).

    ``payer_rules``: a practice's payer-rules file; ``date_of_service``: the default date for notes
    that state none and have no ``date_of_service`` input column; ``model``: a saved model
    folder (default: the shipped model).
    """
    import signal

    from ..reviewer import Reviewer

    if progress is not None:  # a worker process of the supervised pool
        # Ctrl-C reaches the whole process group: the driver stops the workers and keeps what
        # they finished; a worker must not die mid-note with a traceback of its own. SIGTERM
        # (how the driver stops a worker) ends it at once, whatever the driver installed.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    reviewer = Reviewer(model=None if rules_only else (model or "default"), payer_rules=payer_rules)
    if progress is not None:  # a pool worker: first-use loading outside any note's budget
        reviewer.warm_up(freeze=True)
    _WORKER["reviewer"] = reviewer
    _WORKER["date_of_service"] = date_of_service
    _WORKER["progress"] = progress
    _WORKER["fast"] = None
    if fast_path:
        from .fastpath import FastPath

        _WORKER["fast"] = FastPath(reviewer)


def review_chunk(
    notes: list[tuple[str | None, Any]], slot: int | None = None
) -> list[dict[str, Any]]:
    """Review ``(id, text)`` pairs with this worker's reviewer; plain contract dicts, in order.

    Notes go through the pipeline one at a time, each marked in progress slot ``slot`` first,
    so the supervisor knows which note is running (for the time budget and crash isolation).
    """
    reviewer = _WORKER["reviewer"]
    fast = _WORKER.get("fast")
    progress = _WORKER.get("progress")
    default_day = _WORKER.get("date_of_service")
    done: list[Any] = []
    for i, (note_id, text, *rest) in enumerate(notes):
        mark(progress, slot, i)  # type: ignore[arg-type]
        day = _day((note_id, text, *rest)) or default_day
        done.append(_facts_one(reviewer, fast, note_id, text, day))
    # The classifier once for the chunk (still marked on the last note: it is the one running).
    reviews = reviewer.finish_many([d for d in done if not isinstance(d, dict)])
    it = iter(reviews)
    out = [d if isinstance(d, dict) else next(it).to_dict() for d in done]
    mark(progress, slot, -1)  # type: ignore[arg-type]
    return out


def _facts_one(reviewer: Any, fast: Any, note_id: str | None, text: Any, day: str | None) -> Any:
    """The rules' facts of one note, or its finished record (a dict: error, fast path)."""
    try:
        checked = check_note(text)
    except NoteError as err:
        return Review.failed(note_id, str(err)).to_dict()
    try:
        quick = fast.review(checked, note_id) if fast is not None else None
        if quick is not None:
            return {**quick.to_dict(), "fast_path": True}
        (facts,) = reviewer.review_many([(note_id, checked, day)], batch_size=1, decide=False)
        return facts if not isinstance(facts, Review) else facts.to_dict()
    except Exception as err:  # noqa: BLE001  (one bad note must not stop a batch)
        return Review.failed(note_id, f"review failed: {type(err).__name__}").to_dict()


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
    try:
        stat = path.stat()
    except OSError as err:
        raise bio.InputError(f"cannot read {path}: {err.strerror or type(err).__name__}") from None
    return {"input": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write_state(state_path: Path, state: dict[str, Any]) -> None:
    tmp = state_path.with_name(state_path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(state, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, state_path)


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
    """Records in input order: read errors in place, an error says where its row is."""
    it = iter(results)
    out = []
    for row in chunk:
        record = Review.failed(row.id, row.error).to_dict() if row.error is not None else next(it)
        if record.get("error") is not None and row.where:
            record["error"] = f"{row.where}: {record['error']}"
        out.append((record, row.extra))
    return out


def preflight(
    input_path: Path, output: Path, id_field: str = "id", text_field: str = "text"
) -> None:
    """Fail with one line if the input cannot be read or the output cannot be written.

    Raises:
        bio.InputError: unknown format, unreadable file, missing id/text column, empty folder.
        bio.OutputError: unknown output format, missing or read-only output folder.

    """
    bio.check_input(input_path, id_field, text_field)
    try:
        bio.output_format(output)
    except bio.InputError as err:
        raise bio.OutputError(str(err)) from None
    _check_output(output)


def _check_output(output: Path) -> None:
    """Fail with one line if ``output`` cannot be written (before any work is done)."""
    folder = output.parent
    if not folder.is_dir():
        raise bio.OutputError(f"the output folder {folder} does not exist")
    if output.is_dir():
        raise bio.OutputError(f"the output {output} is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise bio.OutputError(f"cannot write to the folder {folder}: permission denied")


def _output_error(err: OSError, partial: Path) -> bio.OutputError:
    reason = err.strerror or type(err).__name__
    return bio.OutputError(
        f"cannot write {partial.name}: {reason}; fix it and run again with --resume"
    )


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
    note_timeout: float = NOTE_TIMEOUT,
    model: str | None = None,
    on_poll: Callable[[int, float | None], None] | None = None,
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
        note_timeout: seconds one note may take; a slower note becomes an error row and its
            worker is replaced.
        model: a model folder saved by ``cleanclaim train`` (default: the shipped model).
        on_poll: called about twice a second while waiting, with the notes finished inside
            chunks still running and the monotonic time the first note started (see
            :class:`~cleanclaim.batch.progress.BatchProgress`).

    Raises:
        bio.InputError: the input cannot be used at all (format, columns, empty folder).
        bio.OutputError: the output cannot be written (missing folder, permissions, disk full).

    """
    preflight(input_path, output, id_field, text_field)
    out_fmt = bio.output_format(output)
    partial, state_path = partial_paths(output)
    signature = _input_signature(input_path)
    done, size = 0, 0
    previous = Summary()  # the interrupted run's rows, counted
    try:
        if resume and state_path.exists() and partial.exists():
            try:
                state = json.loads(state_path.read_text(encoding="utf-8"))
                saved_rows, size = int(state["rows"]), int(state["size"])
            except (ValueError, KeyError, TypeError):
                raise bio.InputError(
                    f"{state_path.name} is damaged; run again without --resume"
                ) from None
            if state.get("signature") != signature or state.get("format") != out_fmt:
                raise bio.InputError(
                    "the input or output format changed since the interrupted run; cannot resume"
                )
            done = saved_rows
            bio.truncate_partial(partial, out_fmt, size)
            for record in bio.read_partial(partial, out_fmt):  # streamed: counts only
                previous.add(record)
        else:
            if partial.is_dir():
                for p in partial.glob("*"):
                    p.unlink()
            elif partial.exists():
                partial.unlink()
        writer = bio.Writer(partial, out_fmt, append=done > 0)
        _write_state(
            state_path,
            {"signature": signature, "format": out_fmt, "rows": done, "size": writer.size()},
        )
    except OSError as err:
        raise _output_error(err, partial) from None
    # the summary counts the whole output, the interrupted run's rows too
    summary = previous
    summary.skipped = summary.total = done  # the state file's count is the truth
    start = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    total = bio.count_rows(input_path)
    if on_start is not None:
        on_start(total, done)
    rows = bio.read_rows(input_path, id_field, text_field, batch_rows=chunk_size * 4)
    for _ in islice(rows, done):  # rows already written, error rows included
        pass
    if payer_rules is not None:
        from ..resources import ResourceError, load_payer_rules

        try:
            load_payer_rules(payer_rules)  # fail before any worker starts
        except ResourceError as err:
            raise bio.InputError(str(err)) from None
    if model is not None and not rules_only:
        from ..classifier.model import ModelVersionError
        from ..reviewer import resolve_model

        try:
            resolve_model(model)  # fail before any worker starts
        except (FileNotFoundError, ModelVersionError) as err:
            raise bio.InputError(f"--model {model}: {err}") from None
    pool = Supervisor(
        workers,
        init_worker,
        (rules_only, fast_path, payer_rules, date_of_service, model),
        review_chunk,
        note_timeout,
        max_tasks_per_worker=MAX_CHUNKS_PER_WORKER,
    )
    if on_poll is not None:
        pool.on_poll = lambda: on_poll(*pool.activity())
    finished = False
    jobs: deque[tuple[list[bio.Row], Job]] = deque()

    writing = [False]  # an interrupt inside a write leaves the rest to --resume

    def write(chunk: list[bio.Row], results: list[dict[str, Any]]) -> None:
        with signals_deferred():  # a chunk's rows and the state file naming them: both or none
            _write(chunk, results)

    def _write(chunk: list[bio.Row], results: list[dict[str, Any]]) -> None:
        nonlocal done
        writing[0] = True
        items = _merge(chunk, results)
        for record, _ in items:
            summary.add(record)
            record.pop("fast_path", None)
        try:
            writer.write(items, where=[row.where for row in chunk])
            done += len(chunk)
            _write_state(
                state_path,
                {"signature": signature, "format": out_fmt, "rows": done, "size": writer.size()},
            )
        except OSError as err:
            raise _output_error(err, partial) from None
        writing[0] = False
        if progress is not None:
            progress(len(chunk))
        if on_poll is not None:
            on_poll(*pool.activity())

    try:
        chunks = _chunks(rows, chunk_size)
        exhausted = False
        while True:
            while not exhausted and len(jobs) < workers * 2:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                job = Job(_work(chunk))
                pool.submit(job)
                jobs.append((chunk, job))
            if not jobs:
                break
            chunk, job = jobs[0]
            results = pool.wait(job, [j for _, j in jobs])
            jobs.popleft()
            write(chunk, results)
        finished = True
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: keep every chunk that did finish, in order
        if not writing[0]:  # else the state file still names the last complete chunk
            _drain(jobs, write)
        raise
    finally:
        pool.close(wait=finished)  # on an error or Ctrl-C, stop workers even mid-note
        writer.close()
    try:
        bio.finish(partial, output, out_fmt)
        state_path.unlink(missing_ok=True)
    except OSError as err:
        raise _output_error(err, partial) from None
    summary.seconds = time.perf_counter() - start
    return summary


def _drain(
    jobs: deque[tuple[list[bio.Row], Job]],
    write: Callable[[list[bio.Row], list[dict[str, Any]]], None],
) -> None:
    """Write the leading chunks whose results are in (the run was interrupted); stop at the first
    that is not, so the output stays in input order and ``--resume`` goes on from there.
    """
    for chunk, job in jobs:
        task = job.task
        if task is not None and task.future.done() and not task.future.cancelled():
            if task.future.exception() is not None:
                return
            for i, record in zip(task.indices, task.future.result(), strict=True):
                job.results[i] = record
            job.task = None
        if not job.complete():
            return
        write(chunk, [r for r in job.results if r is not None])


def review_records(
    notes: Iterable[tuple[Any, ...]],
    rules_only: bool = True,
    fast_path: bool = False,
    payer_rules: str | None = None,
    date_of_service: str | None = None,
    model: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Review ``(id, text[, date_of_service])`` rows in this process, worker-style (tests, Spark).

    The reviewer is built on first use and kept for later calls with the same settings.
    """
    key = (rules_only, fast_path, payer_rules, date_of_service, model)
    if _WORKER.get("settings") != key:
        init_worker(rules_only, fast_path, payer_rules, date_of_service, model)
        _WORKER["settings"] = key
    batch: list[tuple[Any, ...]] = []
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
