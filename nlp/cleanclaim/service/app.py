"""The FastAPI app: routes, auth and error answers. The review work itself is in :mod:`.pool`."""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from .._version import __version__
from ..result import Review
from ..reviewer import MAX_CHARS, NoteError, Reviewer, check_note
from .limits import Limits
from .middleware import RequestIdFilter, ServiceMiddleware
from .pool import Mode, PoolBrokenError, PoolBusyError, ReviewPool
from .schemas import BatchIn, BatchOut, ErrorOut, NoteIn, ReviewOut

try:
    from fastapi import Depends, FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from starlette.exceptions import HTTPException as StarletteHTTPException
except ModuleNotFoundError as err:  # pragma: no cover - depends on the install
    raise ModuleNotFoundError(
        "the review service needs the 'serve' extra: "
        f"pip install 'cleanclaim[serve]' ({err.name} is missing)",
        name=err.name,
    ) from None

log = logging.getLogger("cleanclaim.service")
log.addFilter(RequestIdFilter())

#: Files of the review page, served from package data; nothing else under /static.
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
#: The review page loads nothing from anywhere else.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
API_KEY_ENV = "CLEANCLAIM_API_KEY"

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": ErrorOut,
        "description": "API key missing or wrong (when CLEANCLAIM_API_KEY is set).",
    },
    413: {
        "model": ErrorOut,
        "description": "Note, batch or request body over the limit (see /v1/info).",
    },
    422: {"model": ErrorOut, "description": "Malformed body, or a note that is empty or not text."},
    503: {
        "model": ErrorOut,
        "description": "All workers busy and the queue full; retry after `Retry-After` s.",
    },
}


def _error(
    status: int, detail: str, request: Request, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"detail": detail, "request_id": getattr(request.state, "request_id", None), **extra}
    return JSONResponse(body, status_code=status, headers=headers)


class _ApiError(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def _static(name: str) -> bytes:
    return resources.files("cleanclaim.service").joinpath("static", name).read_bytes()


def create_app(
    reviewer: Reviewer | None = None,
    *,
    limits: Limits | None = None,
    mode: Mode | None = None,
    model: str | None = "default",
    api_key: str | None = None,
) -> FastAPI:
    """Build the review service.

    The reviewer is loaded once, at start-up (the app's lifespan), never per request.

    Args:
        reviewer: a ready reviewer to use (thread mode); built at start-up when omitted.
        limits: request limits and pool sizes; :class:`Limits` defaults when omitted.
        mode: ``"process"`` (one reviewer per worker process, the default without ``reviewer``)
            or ``"thread"`` (one shared reviewer, the only choice with ``reviewer``).
        model: the classifier for reviewers built here: ``"default"`` or None for rules only.
        api_key: required in ``X-API-Key`` or ``Authorization: Bearer``; defaults to the
            ``CLEANCLAIM_API_KEY`` environment variable; no auth when neither is set.

    """
    limits = limits or Limits()
    mode = mode or ("thread" if reviewer is not None else "process")
    key = api_key if api_key is not None else (os.environ.get(API_KEY_ENV) or None)
    pool = ReviewPool(limits.workers, limits.queue_size, mode=mode, reviewer=reviewer, model=model)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        log.info(
            "cleanclaim %s serving: %s mode, %d workers, queue %d, auth %s",
            __version__,
            pool.mode,
            pool.workers,
            pool.queue_size,
            "on" if key else "off",
        )
        try:
            yield
        finally:
            await pool.stop()

    app = FastAPI(
        title="cleanclaim",
        version=__version__,
        summary="Pre-coding review of injection visit notes for a clean CPT 96372 claim.",
        description=(
            "POST a note to `/v1/review` for the review record: decision, probability, gaps with "
            "evidence and provider queries, mentions, administrations with HCPCS and units. "
            f"A batch takes at most {limits.max_batch} notes; a note at most {limits.max_chars:,} "
            "characters. The review page is at `/`."
        ),
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.limits = limits
    app.add_middleware(
        ServiceMiddleware,
        body_limits={
            "/v1/review": limits.max_body_bytes,
            "/v1/review/batch": limits.max_batch_body_bytes,
        },
    )

    def require_key(request: Request) -> None:
        if key is None:
            return
        given = request.headers.get("x-api-key")
        auth = request.headers.get("authorization", "")
        if given is None and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        if given is None or not secrets.compare_digest(given.encode(), key.encode()):
            raise _ApiError(
                401,
                "missing or wrong API key (send X-API-Key or Authorization: Bearer)",
                {"WWW-Authenticate": "Bearer"},
            )

    auth = [Depends(require_key)]

    @app.exception_handler(_ApiError)
    async def api_error(request: Request, exc: _ApiError) -> JSONResponse:
        return _error(exc.status, exc.detail, request, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Pydantic's errors carry the offending input, which may be note text: drop it.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            detail = "request body is not valid JSON"
        else:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}"
                for e in errors
            )
        return _error(422, f"malformed request: {detail}", request, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), request, getattr(exc, "headers", None))

    def busy_response(exc: Exception) -> _ApiError:
        if isinstance(exc, PoolBusyError):
            return _ApiError(
                503, f"server busy: {exc}; retry later", {"Retry-After": str(limits.retry_after)}
            )
        log.error("review pool unavailable: %s", exc)
        return _ApiError(
            503, "review workers are not available", {"Retry-After": str(limits.retry_after)}
        )

    def problem(text: str) -> tuple[int, str] | None:
        """Why a note cannot be reviewed, as (status, message), or None when it can."""
        if len(text) > limits.max_chars:
            return 413, f"note is {len(text):,} characters; the limit is {limits.max_chars:,}"
        try:
            check_note(text)
        except NoteError as err:
            return (413 if len(text) > MAX_CHARS else 422), str(err)
        return None

    def checked(text: str) -> str:
        found = problem(text)
        if found is not None:
            raise _ApiError(*found)
        return text

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return Response(
            _static("index.html"),
            media_type=STATIC_FILES["index.html"],
            headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"},
        )

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise _ApiError(404, "not found")
        return Response(
            _static(name),
            media_type=STATIC_FILES[name],
            headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"},
        )

    @app.get("/healthz", tags=["service"], responses={503: {"model": ErrorOut}})
    async def healthz() -> JSONResponse:
        """Whether the workers are up; also how busy they are."""
        body = {
            "status": "ok" if pool.healthy else "unavailable",
            "in_flight": pool.in_flight,
            "capacity": pool.capacity,
        }
        return JSONResponse(body, status_code=200 if pool.healthy else 503)

    @app.get("/v1/info", tags=["service"], responses={401: _ERRORS[401]}, dependencies=auth)
    async def info() -> dict[str, Any]:
        """Versions (cleanclaim, rule tables, classifier or null) and limits."""
        return {
            "cleanclaim": __version__,
            "rules_version": pool.info.get("rules_version"),
            "model_version": pool.info.get("model_version"),
            "mode": pool.mode,
            "limits": limits.to_dict(),
        }

    @app.post(
        "/v1/review",
        tags=["review"],
        response_model=ReviewOut,
        responses=_ERRORS,
        dependencies=auth,
    )
    async def review(note: NoteIn) -> Response:
        """Review one note: the contract record."""
        text = checked(note.text)
        try:
            body = await pool.review(text, note.id)
        except (PoolBusyError, PoolBrokenError) as exc:
            raise busy_response(exc) from None
        return Response(body, media_type="application/json")

    @app.post(
        "/v1/review/batch",
        tags=["review"],
        response_model=BatchOut,
        responses=_ERRORS,
        dependencies=auth,
    )
    async def review_batch(batch: BatchIn) -> Response:
        """Review up to `max_batch` notes; one record per note, in order.

        A note that cannot be reviewed (empty, too long) gets a record with `error` and no
        decision instead of failing the whole batch.
        """
        if len(batch.notes) > limits.max_batch:
            raise _ApiError(
                413, f"batch has {len(batch.notes)} notes; the limit is {limits.max_batch}"
            )
        if not batch.notes:
            raise _ApiError(422, "batch has no notes")
        # Bad notes get their error record here, so workers only see notes they can review.
        parts: list[bytes | None] = []
        todo: list[tuple[str | None, str]] = []
        for note in batch.notes:
            found = problem(note.text)
            if found is None:
                parts.append(None)
                todo.append((note.id, note.text))
            else:
                parts.append(json.dumps(Review.failed(note.id, found[1]).to_dict()).encode())
        try:
            done = iter(await pool.review_batch(todo) if todo else [])
        except (PoolBusyError, PoolBrokenError) as exc:
            raise busy_response(exc) from None
        body = b",".join(part if part is not None else next(done) for part in parts)
        return Response(b'{"results":[' + body + b"]}", media_type="application/json")

    return app
