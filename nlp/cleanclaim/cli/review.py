"""``cleanclaim review`` and ``cleanclaim batch``."""

from __future__ import annotations

import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer


class Format(str, Enum):  # noqa: UP042  (Typer shows the values of a str Enum)
    """Output formats of ``cleanclaim review``."""

    text = "text"
    json = "json"
    html = "html"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"cleanclaim: {message}", err=True)
    return typer.Exit(code=1)


def read_note(path: str) -> str:
    """Read a note file (``-`` for standard input) as checked UTF-8 text."""
    from ..reviewer import NoteError, check_note

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise _fail(f"no such file: {path}") from None
    except IsADirectoryError:
        raise _fail(f"{path} is a directory; use `cleanclaim batch` for folders") from None
    except OSError as err:
        raise _fail(f"cannot read {path}: {err.strerror}") from None
    try:
        return check_note(data)
    except NoteError as err:
        raise _fail(f"{'stdin' if path == '-' else path}: {err}") from None


#: ``--payer-rules FILE`` (review, batch, serve).
PayerRules = Annotated[
    Path | None,
    typer.Option("--payer-rules", help="A JSON file of your payer's rules (payer.json schema)."),
]


def review_command(
    note: Annotated[
        str, typer.Argument(help="A note file, or - for standard input.", metavar="FILE|-")
    ],
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="text, json or html.")
    ] = Format.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout.", dir_okay=False),
    ] = None,
    note_id: Annotated[
        str | None, typer.Option("--id", help="Id to put in the record (default: file name).")
    ] = None,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Decide by the rules alone, without the model.")
    ] = False,
    date_of_service: Annotated[
        str | None,
        typer.Option(
            "--date-of-service",
            help="YYYY-MM-DD, used when the note states no date of service (default: today).",
        ),
    ] = None,
    payer_rules: PayerRules = None,
    model: Annotated[Path | None, model_option("decide with")] = None,
) -> None:
    """Review one note: highlighted mentions, gaps with provider queries, and the decision."""
    from ..resources import ResourceError
    from ..reviewer import Reviewer
    from ..rules.dates import parse_date

    text = read_note(note)
    if date_of_service is not None and parse_date(date_of_service) is None:
        raise _fail(f"--date-of-service {date_of_service!r} is not a date (use YYYY-MM-DD)")
    clf = load_model_or_fail(model, rules_only)
    try:
        reviewer = Reviewer(model=clf, payer_rules=payer_rules)
    except ResourceError as err:
        raise _fail(str(err)) from None
    rid = note_id or (None if note == "-" else Path(note).stem)
    result = reviewer.review(text, rid, date_of_service)
    if output_format is Format.json:
        rendered = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    elif output_format is Format.html:
        from ..render import to_html

        rendered = to_html(text, result)
    else:
        from rich.console import Console

        from ..render import to_rich

        if output is None:
            Console().print(to_rich(text, result))
            return
        console = Console(record=True, width=80, file=io.StringIO())
        console.print(to_rich(text, result))
        rendered = console.export_text()
    if output is None:
        typer.echo(rendered)
    else:
        output.write_text(rendered, encoding="utf-8")


def model_option(what: str) -> Any:
    """The ``--model PATH`` option (shared by review, batch, serve and report)."""
    return typer.Option(
        "--model",
        "-m",
        file_okay=False,
        metavar="FOLDER",
        help=f"A model folder written by `cleanclaim train` to {what} (default: the shipped model).",
    )


def check_payer_rules_or_fail(path: Path | None) -> None:
    """A payer-rules file that does not load is a one-line error (exit 1) before any work."""
    if path is None:
        return
    from ..resources import ResourceError, load_payer_rules

    try:
        load_payer_rules(path)
    except ResourceError as err:
        raise _fail(str(err)) from None


def load_model_or_fail(model: Path | None, rules_only: bool) -> Any:
    """The classifier for ``--model``/``--rules-only``, or a one-line error (exit 1)."""
    if rules_only:
        return None
    from ..classifier.model import ModelVersionError
    from ..reviewer import resolve_model

    try:
        return resolve_model(model if model is not None else "default")
    except (FileNotFoundError, ModelVersionError) as err:
        raise _fail(f"--model {model}: {err}" if model else str(err)) from None


class Engine(str, Enum):  # noqa: UP042
    """Where ``cleanclaim batch`` runs."""

    local = "local"
    spark = "spark"


def batch_command(
    input_path: Annotated[
        Path,
        typer.Argument(
            help="JSON Lines, CSV, Parquet (optionally .gz), or a folder of .txt notes.",
            exists=True,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Output .jsonl (full records), .csv or .parquet (flat rows).",
            dir_okay=False,
        ),
    ],
    id_field: Annotated[str, typer.Option(help="Input column holding the note id.")] = "id",
    text_field: Annotated[str, typer.Option(help="Input column holding the note text.")] = "text",
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Decide by the rules alone.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: the CPU count)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted run of the same input and output."),
    ] = False,
    fast_path: Annotated[
        bool,
        typer.Option(
            "--fast-path/--no-fast-path",
            help=(
                "Let notes without injection vocabulary skip the pipeline. Off by default: the "
                "vocabulary check costs more than it saves once the pipeline is this fast "
                "(benchmarks/fast_path.py)."
            ),
        ),
    ] = False,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", min=1, help="Notes per chunk and per checkpoint.")
    ] = 64,
    note_timeout: Annotated[
        float,
        typer.Option(
            "--note-timeout",
            min=0.1,
            metavar="SECONDS",
            help=(
                "Time budget per note: a note still running after this many seconds becomes an "
                "error row ('review exceeded the 30 s budget') and its worker is replaced."
            ),
        ),
    ] = 30.0,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr.")
    ] = True,
    engine: Annotated[
        Engine, typer.Option("--engine", help="local (process pool) or spark.")
    ] = Engine.local,
    master: Annotated[
        str, typer.Option("--master", help="Spark master URL (with --engine spark).")
    ] = "local[*]",
    date_of_service: Annotated[
        str | None,
        typer.Option(
            "--date-of-service",
            help=(
                "YYYY-MM-DD for notes that state none and have no date_of_service column "
                "(default: today)."
            ),
        ),
    ] = None,
    payer_rules: PayerRules = None,
    model: Annotated[Path | None, model_option("decide with")] = None,
) -> None:
    """Review many notes; every input row yields one output row (errors included).

    A row that cannot be read or reviewed becomes an error row ("line 12: <reason>") in its
    place; the run goes on. Exit status: 0 when every row was reviewed, 2 when any row carries
    an error, 1 when the run itself failed (unusable input or output).
    """
    from rich.console import Console

    from ..batch.io import InputError, OutputError
    from ..batch.runner import partial_paths, preflight, run_batch
    from ..batch.supervisor import PoolError
    from ..rules.dates import parse_date

    console = Console(stderr=True)
    if date_of_service is not None and parse_date(date_of_service) is None:
        raise _fail(f"--date-of-service {date_of_service!r} is not a date (use YYYY-MM-DD)")
    try:  # before any progress bar: a one-line error and nothing else
        preflight(input_path, output, id_field, text_field)
    except (InputError, OutputError) as err:
        raise _fail(str(err)) from None
    if model is not None:
        load_model_or_fail(model, rules_only)
    check_payer_rules_or_fail(payer_rules)
    if engine is Engine.spark:
        from ..batch.spark import run_batch_spark

        try:
            summary = run_batch_spark(
                input_path,
                output,
                id_field=id_field,
                text_field=text_field,
                rules_only=rules_only,
                master=master,
                payer_rules=str(payer_rules) if payer_rules else None,
                date_of_service=date_of_service,
                model=str(model) if model else None,
            )
        except (InputError, ImportError) as err:
            raise _fail(str(err)) from None
    else:
        from ..batch.progress import BatchProgress, Interrupted, signals_as_interrupts

        bar = BatchProgress(console, enabled=progress)
        try:
            with signals_as_interrupts(), bar:
                summary = run_batch(
                    input_path,
                    output,
                    id_field=id_field,
                    text_field=text_field,
                    rules_only=rules_only,
                    workers=workers,
                    resume=resume,
                    fast_path=fast_path,
                    chunk_size=chunk_size,
                    progress=bar.on_written,
                    on_start=bar.on_start,
                    on_poll=bar.on_poll,
                    payer_rules=str(payer_rules) if payer_rules else None,
                    date_of_service=date_of_service,
                    note_timeout=note_timeout,
                    model=str(model) if model is not None else None,
                )
        except (InputError, OutputError, PoolError) as err:
            raise _fail(str(err)) from None
        except OSError as err:
            where = f" ({err.filename})" if err.filename else ""
            raise _fail(f"{err.strerror or type(err).__name__}{where}") from None
        except KeyboardInterrupt as err:
            code = err.exit_code if isinstance(err, Interrupted) else 130
            written = bar.resumed + bar.written
            typer.echo(
                f"cleanclaim: interrupted; {written:,} rows are kept in "
                f"{partial_paths(output)[0].name}: run the same command with --resume to continue",
                err=True,
            )
            raise typer.Exit(code=code) from None
        except Exception as err:  # noqa: BLE001  (no traceback: messages may quote input rows)
            raise _fail(_unexpected(err)) from None
    _print_summary(console, summary, output)
    if summary.errors:
        raise typer.Exit(code=2)


def _unexpected(err: BaseException) -> str:
    """Describe an unexpected failure in one line: its type and where it was raised.

    Never its message, which could quote an input row.
    """
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return (
        f"batch failed: {type(err).__name__}{where}; completed chunks are kept, "
        "run again with --resume"
    )


def _print_summary(console, summary, output: Path) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=f"cleanclaim batch -> {output}", show_header=False)
    table.add_row(
        "notes in the output",
        f"{summary.total:,}"
        + (f" ({summary.skipped:,} from the interrupted run)" if summary.skipped else ""),
    )
    table.add_row("claim-ready", f"{summary.ready:,} ({summary.ready / max(summary.total, 1):.1%})")
    table.add_row("errors", f"{summary.errors:,}")
    table.add_row("fast path", f"{summary.fast_path:,}")
    if summary.statuses:
        table.add_row("by status", ", ".join(f"{s} {n:,}" for s, n in summary.statuses.items()))
    table.add_row("time", f"{summary.seconds:.1f} s ({summary.rate:.1f} notes/s this run)")
    if summary.gaps:
        table.add_row(
            "top gaps (notes with gaps)",
            ", ".join(f"{c} {n:,}" for c, n in summary.gaps.most_common(6)),
        )
    console.print(table)
    console.print(
        f"reviewed {summary.total} notes: {summary.ready} claim-ready, {summary.errors} errors -> {output}"
    )
