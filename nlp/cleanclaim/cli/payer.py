"""``cleanclaim payer ...``: build payer-rules files from published tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

payer_app = typer.Typer(help="Build payer-rules files for --payer-rules.", no_args_is_help=True)


@payer_app.command("mue")
def mue_command(
    table: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CMS's Practitioner Services MUE table (.csv, or the .zip CMS publishes).",
        ),
    ],
    effective: Annotated[
        str,
        typer.Option(
            "--effective", help="YYYY-MM-DD: the first date of service of the table's quarter."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="The payer-rules file to write.")
    ],
    source: Annotated[
        str | None, typer.Option(help="The rows' source (default: the table's file name).")
    ] = None,
    all_codes: Annotated[
        bool,
        typer.Option(
            "--all-codes", help="Keep every code (default: the drug codes cleanclaim bills)."
        ),
    ] = False,
) -> None:
    """Turn a CMS MUE table into a payer-rules file: UNITS_EXCEED then checks drug units.

    Use it with `review`, `batch` or `serve --payer-rules FILE` (or merge its "mue" rows into
    your payer's own file).
    """
    from ..resources import PayerTable, ResourceError, load_table
    from ..resources.mue import MueFileError, billed_drug_codes, payer_rules_file, read_mue_table
    from ..rules.dates import parse_date

    day = parse_date(effective)
    if day is None:
        typer.echo(
            f"cleanclaim: --effective {effective!r} is not a date (use YYYY-MM-DD)", err=True
        )
        raise typer.Exit(code=1)
    try:
        read = read_mue_table(table, day, source, None if all_codes else billed_drug_codes())
    except (MueFileError, OSError) as err:
        typer.echo(f"cleanclaim: {table.name}: {err}", err=True)
        raise typer.Exit(code=1) from None
    if not read.rows:
        typer.echo(f"cleanclaim: {table.name}: no MUE rows for the codes kept", err=True)
        raise typer.Exit(code=1)
    document = payer_rules_file(read.rows, f"cms-mue-{day.isoformat()}")
    text = json.dumps(document, indent=1) + "\n"
    try:  # the file must load as --payer-rules will load it
        load_table(PayerTable, output.name, text)
    except ResourceError as err:  # pragma: no cover - rows are built to the schema
        typer.echo(f"cleanclaim: {err}", err=True)
        raise typer.Exit(code=1) from None
    output.write_text(text, encoding="utf-8")
    typer.echo(
        f"{len(read.rows)} MUE rows from {day.isoformat()} -> {output} "
        f"({read.not_used} rows for codes not billed here, {read.malformed} malformed rows skipped)"
    )


@payer_app.command("sources")
def sources_command(
    payer_rules: Annotated[
        Path | None,
        typer.Option(
            "--payer-rules", exists=True, dir_okay=False, help="Also a practice's payer-rules file."
        ),
    ] = None,
) -> None:
    """Print where every drug code and payer rule comes from: one tab-separated row per table row
    (table, row, code, effective, end, source), for an audit of the billing knowledge.
    """
    from ..resources import drugs, load_payer_rules, merge_payer_rules, payer

    rows: list[tuple[str, ...]] = []

    def day(value: object) -> str:
        return "" if value is None else str(value)

    for d in drugs().drugs:
        if d.codes:
            for c in d.codes:
                rows.append(("drugs", d.id, c.hcpcs, day(c.effective), day(c.end), c.source))
        else:
            rows.append(("drugs", d.id, d.hcpcs or "", day(d.effective), day(d.end), d.source))
    table = payer()
    if payer_rules is not None:
        table = merge_payer_rules(table, load_payer_rules(payer_rules))
    for name, key in (("sad_drugs", "drug"), ("single_dose_drugs", "drug"), ("mue", "hcpcs")):
        for r in getattr(table, name):
            code = getattr(r, "max_units", "")
            rows.append((name, getattr(r, key), str(code), day(r.effective), day(r.end), r.source))
    for r in table.frequency:
        rows.append(("frequency", r.drug, r.label, day(r.effective), day(r.end), r.source))
    typer.echo("table\trow\tcode\teffective\tend\tsource")
    for row in rows:
        typer.echo("\t".join(cell.replace("\t", " ") for cell in row))


def register(app: typer.Typer) -> None:
    """Add ``payer`` to the main CLI."""
    app.add_typer(payer_app, name="payer")
