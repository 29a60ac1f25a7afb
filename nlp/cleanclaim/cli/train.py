"""``cleanclaim train`` and ``cleanclaim evaluate``: argument parsing and printing only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

FileOpt = dict(exists=True, dir_okay=False)


def train_command(
    annotations: Annotated[
        Path | None, typer.Option(**FileOpt, help="Built corpus (JSON Lines).")
    ] = None,
    outcomes: Annotated[
        Path | None, typer.Option(**FileOpt, help="CSV id,text,paid[,carc] of claim outcomes.")
    ] = None,
    output: Annotated[
        Path, typer.Option(file_okay=False, help="Folder to write the model to.")
    ] = Path("models"),
    candidate: Annotated[
        str | None, typer.Option(help="Skip the comparison and fit this candidate.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Random seed (default: the fixed project seed).")
    ] = None,
    install: Annotated[
        bool, typer.Option(help="Also copy the model into the package as the shipped default.")
    ] = False,
) -> None:
    """Compare candidates on dev, fit the chosen one on train+dev, write model, metadata, metrics and card."""
    from ..classifier.model import SEED, save
    from ..classifier.model import install as install_model
    from ..classifier.training import model_card, train

    if annotations is None and outcomes is None:
        typer.echo("give --annotations and/or --outcomes", err=True)
        raise typer.Exit(code=1)
    try:
        model, metrics = train(
            annotations, outcomes, candidate, seed if seed is not None else SEED, log=typer.echo
        )
    except ValueError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    if metrics["dev_comparison"]:
        typer.echo(format_table(metrics["dev_comparison"]))
    save(model, output)
    (output / "metrics.json").write_text(
        json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (output / "MODEL_CARD.md").write_text(model_card(metrics, model.metadata), encoding="utf-8")
    for who, m in metrics["test"].items():
        typer.echo(
            f"test {who}: acc {m['accuracy']:.3f} F1 {m['f1']:.3f} AUC {m['roc_auc']:.3f} Brier {m['brier']:.3f}"
        )
    typer.echo(
        f"chose {metrics['chosen']}; fitted in {metrics['fit_seconds']}s, {metrics['total_seconds']}s in all -> {output}"
    )
    if install:
        typer.echo(f"installed as the shipped model -> {install_model(output)}")


def format_table(rows: list[dict]) -> str:  # type: ignore[type-arg]
    """Format the dev comparison as a fixed-width table."""
    cols = (
        "candidate",
        "accuracy",
        "f1",
        "roc_auc",
        "brier",
        "log_loss",
        "fit_seconds",
        "ms_per_note",
    )
    lines = ["  ".join(f"{c:>14}" for c in cols)]
    for r in rows:
        lines.append(
            "  ".join(
                f"{r.get(c, ''):>14}" if isinstance(r.get(c, ""), str) else f"{r[c]:>14.4f}"
                for c in cols
            )
        )
    return "\n".join(lines)


def evaluate_command(
    corpus: Annotated[Path, typer.Argument(**FileOpt, help="Labelled notes (corpus JSON Lines).")],
    split: Annotated[str, typer.Option(help="train, dev, test or all.")] = "test",
    model: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Model folder (default: the shipped model)."),
    ] = None,
    rules_only: Annotated[bool, typer.Option(help="Evaluate the rules without a model.")] = False,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", dir_okay=False, help="Write metrics JSON (no note text)."),
    ] = None,
    html_out: Annotated[
        Path | None,
        typer.Option("--html", dir_okay=False, help="Write an HTML report (includes note text)."),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Load a model trained with other versions anyway.")
    ] = False,
) -> None:
    """Score the reviewer on labelled notes: mentions, flags, gaps, claim_ready, codes, breakdowns."""
    from rich.console import Console
    from rich.table import Table

    from .. import Reviewer
    from ..classifier.corpus import load
    from ..classifier.evaluation import evaluate, html_report, public, summary_rows
    from ..classifier.model import ModelVersionError, load_default
    from ..classifier.model import load as load_model

    notes = load(corpus, split)
    if not notes:
        typer.echo(f"no notes in split {split!r}", err=True)
        raise typer.Exit(code=1)
    try:
        clf = None if rules_only else (load_model(model, force) if model else load_default(force))
    except (ModelVersionError, FileNotFoundError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    result = evaluate(notes, Reviewer(model=clf))
    table = Table(
        title=f"{corpus} [{split}] · {len(notes)} notes · model {result['model_version']}"
    )
    table.add_column("metric")
    table.add_column("value")
    for name, value in summary_rows(result):
        table.add_row(name, value)
    console = Console()
    console.print(table)
    for key in ("by_style", "by_specialty"):
        part = Table(title=f"claim_ready accuracy {key.replace('_', ' ')}")
        for col in (key[3:], "n", "model", "rules"):
            part.add_column(col)
        for name, m in result[key].items():
            part.add_row(name, str(m["n"]), f"{m['accuracy']:.3f}", f"{m['rules_accuracy']:.3f}")
        console.print(part)
    for e in result["worst_errors"][:10]:
        console.print(f"  {e['id']}: {e['reason']}", markup=False, highlight=False)
    if json_out:
        json_out.write_text(json.dumps(public(result), indent=2) + "\n", encoding="utf-8")
    if html_out:
        html_out.write_text(
            html_report(result, f"cleanclaim evaluation: {corpus.name} [{split}]"), encoding="utf-8"
        )


def register(app: typer.Typer) -> None:
    """Add ``train`` and ``evaluate`` to the main CLI."""
    app.command("train")(train_command)
    app.command("evaluate")(evaluate_command)
