"""``cleanclaim review`` and ``cleanclaim batch``."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..reviewer import NoteError, Reviewer, check_note


class Format(str, Enum):
    """Output formats of ``cleanclaim review``."""

    text = "text"
    json = "json"
    html = "html"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"cleanclaim: {message}", err=True)
    return typer.Exit(code=1)


def read_note(path: str) -> str:
    """Read a note file (``-`` for standard input) as checked UTF-8 text."""
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


def review_command(
    note: Annotated[str, typer.Argument(help="A note file, or - for standard input.", metavar="FILE|-")],
    output_format: Annotated[Format, typer.Option("--format", "-f", help="text, json or html.")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.", dir_okay=False)] = None,
    note_id: Annotated[str | None, typer.Option("--id", help="Id to put in the record (default: file name).")] = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Decide by the rules alone, without the model.")] = False,
) -> None:
    """Review one note: highlighted mentions, gaps with provider queries, and the decision."""
    text = read_note(note)
    reviewer = Reviewer(model=None if rules_only else "default")
    rid = note_id or (None if note == "-" else Path(note).stem)
    result = reviewer.review(text, rid)
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
        console = Console(record=True, width=120, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(to_rich(text, result))
        rendered = console.export_text()
    if output is None:
        typer.echo(rendered)
    else:
        output.write_text(rendered, encoding="utf-8")


def batch_command(
    input_path: Annotated[Path, typer.Argument(help="JSON Lines, CSV, Parquet, or a folder of .txt notes.", exists=True)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output .jsonl, .csv or .parquet.", dir_okay=False)],
    id_field: Annotated[str, typer.Option(help="Input column holding the note id.")] = "id",
    text_field: Annotated[str, typer.Option(help="Input column holding the note text.")] = "text",
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Decide by the rules alone.")] = False,
) -> None:
    """Review many notes; every input row yields one output row (errors included)."""
    from ..batch import run_batch

    try:
        summary = run_batch(input_path, output, id_field=id_field, text_field=text_field, rules_only=rules_only)
    except ValueError as err:
        raise _fail(str(err)) from None
    typer.echo(
        f"reviewed {summary.total} notes: {summary.ready} claim-ready, {summary.errors} errors -> {output}", err=True
    )
    if summary.errors:
        raise typer.Exit(code=2)
