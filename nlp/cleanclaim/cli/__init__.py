"""The ``cleanclaim`` command line: parses arguments and prints, nothing else."""

from __future__ import annotations

import typer

from .annotate import annotations_app
from .review import batch_command, review_command

app = typer.Typer(
    name="cleanclaim",
    help="Check visit notes for a clean CPT 96372 injection claim and list what is missing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # local variables hold note text
)
app.command("review")(review_command)
app.command("batch")(batch_command)
app.add_typer(annotations_app, name="annotations")

for _module in ("train", "serve", "report", "payer"):
    try:  # commands contributed by optional parts register themselves here
        __import__(f"{__name__}.{_module}", fromlist=["register"]).register(app)
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{_module}":
            raise


def main() -> None:
    """Console entry point."""
    app()
