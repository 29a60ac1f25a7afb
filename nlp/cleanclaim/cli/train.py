"""``cleanclaim train`` and ``cleanclaim evaluate``: argument parsing and printing only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

FileOpt = dict(exists=True, dir_okay=False)


#: Where ``cleanclaim train`` writes by default: a new folder, never the tracked ``models/``.
DEFAULT_OUTPUT = Path("models-retrained")


def train_command(
    annotations: Annotated[
        Path | None, typer.Option(**FileOpt, help="Built corpus (JSON Lines).")
    ] = None,
    outcomes: Annotated[
        Path | None, typer.Option(**FileOpt, help="CSV id,text,paid[,carc] of claim outcomes.")
    ] = None,
    output: Annotated[
        Path,
        typer.Option(
            file_okay=False,
            help="Folder to write the new model to (created). The shipped model is never "
            "overwritten unless --install is given.",
        ),
    ] = DEFAULT_OUTPUT,
    candidate: Annotated[
        str | None, typer.Option(help="Skip the comparison and fit this candidate.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Random seed (default: the fixed project seed).")
    ] = None,
    install: Annotated[
        bool,
        typer.Option(
            help="Also make the new model the shipped default (refused when it is worse than "
            "the rules alone on the held-out notes, unless --force)."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option(help="With --install: install even a model worse than the rules.")
    ] = False,
) -> None:
    """Train a model and compare it with the shipped model and the rules alone.

    Compares candidates on dev, fits the chosen one on train+dev, then prints the new model, the shipped model and the rules alone side by side on the same held-out (test) notes: accuracy, F1, ROC-AUC, Brier score, log loss and per-code F1. Writes model, metadata, metrics and card to --output.

    A new model is worse than the rules alone when, on the held-out notes, its Brier score is higher than the rules' 0/1 answers or its claim_ready accuracy is lower: it is then flagged, and --install refuses it without --force.
    """
    from ..classifier.model import SEED, save
    from ..classifier.model import install as install_model
    from ..classifier.training import comparison_text, model_card, train

    if annotations is None and outcomes is None:
        typer.echo("cleanclaim: give --annotations and/or --outcomes", err=True)
        raise typer.Exit(code=1)
    if _holds_shipped_model(output) and not install:
        typer.echo(
            f"cleanclaim: {output} holds the shipped model; write the new one elsewhere "
            "(--output FOLDER), or give --install to replace the shipped model",
            err=True,
        )
        raise typer.Exit(code=1)
    try:
        model, metrics = train(
            annotations, outcomes, candidate, seed if seed is not None else SEED, log=typer.echo
        )
    except ValueError as err:
        typer.echo(f"cleanclaim: {err}", err=True)
        raise typer.Exit(code=1) from None
    if metrics["dev_comparison"]:
        typer.echo(format_table(metrics["dev_comparison"]))
    heldout = metrics.get("heldout")
    if heldout:
        typer.echo(comparison_text(heldout))
        if heldout.get("shipped_note"):
            typer.echo(f"note: {heldout['shipped_note']}")
        if heldout["worse"]:
            typer.echo(
                "warning: the new model is worse than the rules alone on the held-out notes ("
                + "; ".join(heldout["worse"])
                + f"). {heldout['rule']}.",
                err=True,
            )
    else:
        typer.echo(
            "warning: no held-out (test) notes: the new model could not be compared", err=True
        )
    refuse = install and not force and (not heldout or heldout["worse"])
    if refuse and _holds_shipped_model(output):
        typer.echo(
            "cleanclaim: not installed (and nothing written): the new model is "
            + ("not shown to be " if not heldout else "")
            + "worse than the rules alone; give --force to install it anyway",
            err=True,
        )
        raise typer.Exit(code=1)
    try:
        save(model, output)
        (output / "metrics.json").write_text(
            json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (output / "MODEL_CARD.md").write_text(model_card(metrics, model.metadata), encoding="utf-8")
    except OSError as err:
        typer.echo(f"cleanclaim: cannot write {output}: {err.strerror}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"chose {metrics['chosen']}; fitted in {metrics['fit_seconds']}s, {metrics['total_seconds']}s in all -> {output}"
    )
    if refuse:
        typer.echo(
            "cleanclaim: not installed: the new model is "
            + ("not shown to be no " if not heldout else "")
            + "worse than the rules alone; give --force to install it anyway "
            f"(it is saved in {output}; use it with --model {output})",
            err=True,
        )
        raise typer.Exit(code=1)
    if install:
        typer.echo(f"installed as the shipped model -> {install_model(output)}")
    else:
        typer.echo(
            f"use it with: cleanclaim review NOTE --model {output} "
            f"(or batch/serve --model {output}, Reviewer(model={str(output)!r}))"
        )


def _holds_shipped_model(folder: Path) -> bool:
    """Whether ``folder`` is the package's model folder or a copy of the shipped model."""
    import importlib.resources

    from ..classifier.model import METADATA_FILE, PACKAGE_MODELS

    package = Path(str(importlib.resources.files("cleanclaim").joinpath(PACKAGE_MODELS)))
    try:
        if folder.resolve() == package.resolve():
            return True
        mine = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        shipped = json.loads((package / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(mine.get("model_sha256")) and mine.get("model_sha256") == shipped.get(
        "model_sha256"
    )


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
