"""``cleanclaim report``: summarize a batch output in the terminal and as an HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .review import model_option


def report_command(
    output: Annotated[
        Path,
        typer.Argument(
            help="A cleanclaim batch output (.jsonl, .csv or .parquet).",
            exists=True,
            dir_okay=False,
        ),
    ],
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Also write a self-contained HTML report here.", dir_okay=False
        ),
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Break down by this passthrough column (repeatable)."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Notes in the provider-query worklist.")
    ] = 50,
    notes: Annotated[
        Path | None,
        typer.Option(
            "--notes",
            exists=True,
            help="The batch input: with --html, write each worklist note's review page next to "
            "the report (NAME_notes/) and link it from the worklist. The pages show note text.",
        ),
    ] = None,
    id_field: Annotated[str, typer.Option(help="Input column holding the note id.")] = "id",
    text_field: Annotated[str, typer.Option(help="Input column holding the note text.")] = "text",
    model: Annotated[
        Path | None, model_option("rebuild the review pages with, the one the batch used")
    ] = None,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Review pages by the rules alone.")
    ] = False,
) -> None:
    """Rates per note status, documentation gaps, service codes, breakdowns, and a worklist with
    the drug, the gap and the provider query of each note.
    """
    from rich.console import Console

    from ..batch import report as rep
    from ..batch.io import InputError

    try:
        report = rep.build(rep.load(output), by=by or [], top=top)
    except (ValueError, OSError) as err:
        typer.echo(f"cleanclaim: {err}", err=True)
        raise typer.Exit(code=1) from None
    Console().print(rep.to_rich(report))
    if html is not None:
        pages: dict[str, str] = {}
        if notes is not None:
            from .review import load_model_or_fail

            clf = load_model_or_fail(model, rules_only)
            try:
                pages = rep.review_pages(
                    report,
                    notes,
                    html.with_name(html.stem + "_notes"),
                    id_field=id_field,
                    text_field=text_field,
                    model=clf,
                )
            except (InputError, OSError) as err:
                typer.echo(f"cleanclaim: {err}", err=True)
                raise typer.Exit(code=1) from None
        try:
            html.write_text(
                rep.to_html(report, title=f"cleanclaim report: {output.name}", pages=pages),
                encoding="utf-8",
            )
        except OSError as err:
            typer.echo(f"cleanclaim: cannot write {html}: {err.strerror}", err=True)
            raise typer.Exit(code=1) from None
        typer.echo(f"wrote {html}" + (f" and {len(pages)} review pages" if pages else ""), err=True)


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to the ``cleanclaim`` app."""
    app.command("report")(report_command)
