"""``cleanclaim report``: summarize a batch output in the terminal and as an HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


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
) -> None:
    """Claim-ready rate, gaps, service codes, breakdowns and a provider-query worklist."""
    from rich.console import Console

    from ..batch import report as rep

    try:
        report = rep.build(rep.load(output), by=by or [], top=top)
    except ValueError as err:
        typer.echo(f"cleanclaim: {err}", err=True)
        raise typer.Exit(code=1) from None
    Console().print(rep.to_rich(report))
    if html is not None:
        html.write_text(
            rep.to_html(report, title=f"cleanclaim report: {output.name}"), encoding="utf-8"
        )
        typer.echo(f"wrote {html}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to the ``cleanclaim`` app."""
    app.command("report")(report_command)
