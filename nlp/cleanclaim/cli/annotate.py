"""``cleanclaim annotations ...``: build, validate and convert the labelled corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

annotations_app = typer.Typer(
    help="Validate, build and convert the labelled corpus.", no_args_is_help=True
)

_CORPUS = Path("annotations/corpus.jsonl")
CorpusArg = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="A built corpus (JSON Lines).")
]
SplitOpt = Annotated[str, typer.Option(help="train, dev, test or all.")]


@annotations_app.command("build")
def build_command(
    raw: Annotated[
        Path, typer.Option(exists=True, help="Folder of raw annotator .jsonl files.")
    ] = Path("annotations/raw"),
    output: Annotated[Path, typer.Option(dir_okay=False, help="Corpus file to write.")] = _CORPUS,
) -> None:
    """Resolve raw spans to offsets, assign the grouped split, write the corpus."""
    from ..classifier.corpus import build

    files = sorted(raw.glob("*.jsonl")) if raw.is_dir() else [raw]
    if not files:
        typer.echo(f"no .jsonl files in {raw}", err=True)
        raise typer.Exit(code=1)
    report = build(files, output)
    for bad in report.bad_lines:
        typer.echo(f"skipped line: {bad}", err=True)
    for d in report.dropped:
        typer.echo(
            f"dropped span: {d.note_id} {d.label} {d.text!r} occurrence {d.occurrence}: {d.reason}"
        )
    splits = ", ".join(f"{s} {report.splits.get(s, 0)}" for s in ("train", "dev", "test"))
    typer.echo(
        f"{report.notes} notes from {len(report.files)} files, {report.spans} spans kept, "
        f"{len(report.dropped)} dropped, {len(report.bad_lines)} bad lines; split: {splits} -> {output}"
    )


@annotations_app.command("validate")
def validate_command(
    corpus: CorpusArg = _CORPUS,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
) -> None:
    """Check spans, labels, gap codes, claim_ready consistency, ids and types."""
    from ..classifier.corpus import load, validate

    try:
        notes = load(corpus)
    except ValueError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    problems = validate(notes)
    for p in problems:
        typer.echo(str(p))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    typer.echo(
        f"{len(notes)} notes, {sum(len(n.get('spans', [])) for n in notes)} spans: "
        f"{errors} errors, {warnings} warnings"
    )
    if errors or (strict and warnings):
        raise typer.Exit(code=1)


@annotations_app.command("export-labelstudio")
def export_labelstudio_command(
    output: Annotated[Path, typer.Argument(dir_okay=False, help="Label Studio JSON to write.")],
    corpus: Annotated[Path, typer.Option(exists=True, dir_okay=False)] = _CORPUS,
    split: SplitOpt = "all",
    config: Annotated[
        Path | None, typer.Option(dir_okay=False, help="Also write the labelling config XML here.")
    ] = None,
) -> None:
    """Export the corpus as Label Studio tasks with completed annotations."""
    from ..classifier.convert import LABEL_CONFIG, write_labelstudio
    from ..classifier.corpus import load

    n = write_labelstudio(load(corpus, split), output)
    if config is not None:
        config.write_text(LABEL_CONFIG, encoding="utf-8")
    typer.echo(f"{n} tasks -> {output}")


@annotations_app.command("import-labelstudio")
def import_labelstudio_command(
    export: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Label Studio JSON export.")
    ],
    output: Annotated[Path, typer.Option(dir_okay=False, help="Corpus file to write.")],
) -> None:
    """Import a Label Studio JSON export as a corpus file (validated)."""
    from ..classifier.convert import read_labelstudio
    from ..classifier.corpus import validate, write_jsonl

    notes = read_labelstudio(export)
    write_jsonl(notes, output)
    problems = validate(notes)
    for p in problems:
        typer.echo(str(p))
    typer.echo(
        f"{len(notes)} notes -> {output} ({sum(p.severity == 'error' for p in problems)} errors)"
    )


@annotations_app.command("export-docbin")
def export_docbin_command(
    output: Annotated[Path, typer.Argument(dir_okay=False, help=".spacy file to write.")],
    corpus: Annotated[Path, typer.Option(exists=True, dir_okay=False)] = _CORPUS,
    split: SplitOpt = "all",
) -> None:
    """Export the corpus as a spaCy DocBin (spans, ents, cats, flags in user_data)."""
    from ..classifier.convert import write_docbin
    from ..classifier.corpus import load

    n = write_docbin(load(corpus, split), output)
    typer.echo(f"{n} docs -> {output}")
