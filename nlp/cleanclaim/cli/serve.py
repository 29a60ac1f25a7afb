"""``cleanclaim serve``: run the review service (HTTP API and review page) on uvicorn."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .review import PayerRules, check_payer_rules_or_fail, model_option


class PoolMode(str, Enum):  # noqa: UP042  (Typer takes str Enums, like cli/review.py)
    """How reviews run off the event loop."""

    process = "process"
    thread = "thread"


class LogLevel(str, Enum):  # noqa: UP042
    """Log levels the service offers; uvicorn's ``trace`` would log request paths and queries."""

    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


#: The loggers ``serve`` gives its own handler (request id, no propagation).
SERVICE_LOGGERS = ("cleanclaim", "uvicorn", "uvicorn.error")


def _configure_logging(level: str) -> None:
    from ..service.middleware import RequestIdFilter

    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    for name in SERVICE_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 exposes the service to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Reviews running at once (worker processes or threads).", min=1)
    ] = 2,
    queue_size: Annotated[
        int, typer.Option(help="Requests that may wait for a worker before 503.", min=0)
    ] = 64,
    max_batch: Annotated[int, typer.Option(help="Most notes in one batch request.", min=1)] = 100,
    note_timeout: Annotated[
        float,
        typer.Option(
            help="Seconds one note may take; past it the answer is 504 (a batch note gets an "
            "error record) and the worker process is replaced.",
            min=0.001,
            envvar="CLEANCLAIM_NOTE_TIMEOUT",
        ),
    ] = 20.0,
    mode: Annotated[
        PoolMode,
        typer.Option(
            help="process: one pipeline per worker process (uses several cores); "
            "thread: one shared pipeline."
        ),
    ] = PoolMode.process,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Decide by the rules alone, without the model.")
    ] = False,
    model: Annotated[Path | None, model_option("decide with")] = None,
    payer_rules: PayerRules = None,
    log_level: Annotated[
        LogLevel,
        typer.Option(
            help="Log level. No level logs note text, paths or queries.", case_sensitive=False
        ),
    ] = LogLevel.info,
) -> None:
    """Serve the review API and the review page at http://HOST:PORT/ (API docs at /docs).

    Set CLEANCLAIM_API_KEY to require that key on the API.
    """
    try:
        import uvicorn

        from ..service import Limits, create_app
    except ModuleNotFoundError as err:
        typer.echo(
            "cleanclaim: serve needs the 'serve' extra: "
            f"pip install 'cleanclaim[serve]' ({err.name} is missing)",
            err=True,
        )
        raise typer.Exit(code=1) from None
    chosen: str | None = None if rules_only else (str(model) if model else "default")
    if chosen not in (None, "default"):
        from .review import load_model_or_fail

        load_model_or_fail(model, rules_only)  # a bad folder: one line before the server starts
    check_payer_rules_or_fail(payer_rules)
    _configure_logging(log_level.value)
    limits = Limits(
        workers=workers, queue_size=queue_size, max_batch=max_batch, note_timeout=note_timeout
    )
    app = create_app(
        limits=limits,
        mode=mode.value,
        model=chosen,
        payer_rules=str(payer_rules) if payer_rules else None,
    )
    # One server process: the review pool gives the parallelism, one pipeline per worker.
    uvicorn.run(
        app, host=host, port=port, access_log=False, log_config=None, log_level=log_level.value
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``cleanclaim`` command."""
    app.command("serve")(serve_command)
