"""``cleanclaim annotations ...``: corpus commands (filled in by the corpus work)."""

from __future__ import annotations

import typer

annotations_app = typer.Typer(help="Validate, build and convert the labelled corpus.", no_args_is_help=True)
