"""The FastAPI app: routes, auth and error answers. The review work itself is in :mod:`.pool`.

Every answer the API can give is in its OpenAPI document, with its body schema: 200 with the
review record (the :mod:`cleanclaim.result` dataclasses themselves), 401 for a missing or wrong
API key (when one is set), 413 for a note, batch or body over the limits, 415 for a body that is
not JSON, 422 for a malformed body or a note that cannot be reviewed, 500, 503 with
``Retry-After`` when the queue is full, and 504 when a note runs over its time budget.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from .._version import __version__
from ..result import Review
from ..reviewer import Reviewer
from . import worker
from .limits import Limits
from .middleware import RequestIdFilter, ServiceMiddleware
from .pool import (
    Mode,
    NoteTimeoutError,
    PoolBrokenError,
    PoolBusyError,
    ReviewPool,
    WorkerDiedError,
)
from .schemas import (
    BatchOut,
    ErrorOut,
    HealthOut,
    InfoOut,
    error_body,
    note_problem,
    request_models,
)

try:
    from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Security
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
    from fastapi_offline import FastAPIOffline
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

_REQUEST_ID = {
    "X-Request-ID": {
        "description": "The request's id (yours when safe, else a new one), as in the log.",
        "required": True,
        "schema": {"type": "string"},
    }
}


def _answer(description: str, model: Any = ErrorOut, **headers: dict[str, Any]) -> dict[str, Any]:
    """Describe one answer for OpenAPI: its body schema and headers (always ``X-Request-ID``)."""
    return {"model": model, "description": description, "headers": {**_REQUEST_ID, **headers}}


_RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "required": True,
    "schema": {"type": "integer"},
}
_WWW_AUTHENTICATE = {
    "description": "Always `Bearer`.",
    "required": True,
    "schema": {"type": "string"},
}
_500 = _answer("Internal error; the server log has the request id (never the note).")


def _review_answers(limits: Limits, keyed: bool, batch: bool) -> dict[int | str, dict[str, Any]]:
    what = (
        f"A batch of more than {limits.max_batch} notes, "
        if batch
        else f"A note over {limits.max_chars:,} characters, "
    )
    body_limit = limits.max_batch_body_bytes if batch else limits.max_body_bytes
    answers: dict[int | str, dict[str, Any]] = {
        413: _answer(f"{what}or a request body over {body_limit:,} bytes."),
        415: _answer("The body is not sent as `Content-Type: application/json`."),
        422: _answer(
            "A malformed body (not UTF-8, not JSON, or not the schema)"
            + (
                "."
                if batch
                else ", or a note that cannot be reviewed: empty or only whitespace, "
                "containing NUL, or not valid Unicode (a lone surrogate escape)."
            )
        ),
        500: _500,
        503: _answer(
            "All workers busy and the queue full (or no worker running); retry after "
            "`Retry-After` seconds.",
            **{"Retry-After": _RETRY_AFTER},
        ),
    }
    if not batch:
        answers[504] = _answer(
            f"The review took longer than its time budget ({limits.note_timeout:g} s); the "
            "worker was replaced. (In a batch such a note gets a record with `error`.)"
        )
    if keyed:
        answers[401] = _answer(
            "API key missing or wrong.", **{"WWW-Authenticate": _WWW_AUTHENTICATE}
        )
    return answers


def _static(name: str) -> bytes:
    return resources.files("cleanclaim.service").joinpath("static", name).read_bytes()


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def require_json(request: Request) -> None:
    """Refuse a body that is not declared as JSON (415) instead of failing to parse it."""
    content_type = request.headers.get("content-type")
    if content_type is not None and _is_json(content_type):
        return
    if content_type is None and not await request.body():
        return  # no body at all: validation says what is missing
    raise HTTPException(415, "send the body as JSON, with Content-Type: application/json")


#: The API key's two ways in, declared as OpenAPI security schemes (either one will do).
_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description=f"The service's API key (set by {API_KEY_ENV} where it runs).",
)
_BEARER = HTTPBearer(auto_error=False, description="The same API key, as a bearer token.")


def _api_key_dependency(key: str) -> Any:
    """Build a dependency requiring ``key`` in ``X-API-Key`` or ``Authorization: Bearer``."""
    expected = key.encode()

    async def require_key(
        given: Annotated[str | None, Security(_KEY_HEADER)] = None,
        token: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None,
    ) -> None:
        if given is None and token is not None:
            given = token.credentials
        if given is None or not secrets.compare_digest(given.encode(), expected):
            raise HTTPException(
                401,
                "missing or wrong API key (send X-API-Key or Authorization: Bearer)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return Depends(require_key)


def _explain(errors: Sequence[Any], limits: Limits) -> tuple[int, str]:
    """Status and message for a body that failed validation; never quotes the note."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return 422, "malformed request: request body is not valid JSON"
    statuses: set[int] = set()
    known: list[str] = []
    other: list[str] = []
    for e in errors:
        loc = tuple(e.get("loc", ()))
        kind = e.get("type", "")
        value = e.get("input")
        if (
            loc == ("body", "text")
            and kind.startswith("string_")
            and kind != "string_type"
            and isinstance(value, str)
        ):
            status, message = note_problem(value, limits.max_chars) or (422, e.get("msg", ""))
            statuses.add(status)
            known.append(message)
        elif loc == ("body", "notes") and kind == "too_long" and isinstance(value, list):
            statuses.add(413)
            known.append(f"batch has {len(value)} notes; the limit is {limits.max_batch}")
        elif loc == ("body", "notes") and kind == "too_short":
            statuses.add(422)
            known.append("batch has no notes")
        else:
            statuses.add(422)
            where = ".".join(str(p) for p in loc if p != "body") or "body"
            other.append(f"{where}: {e.get('msg', '')}")
    status = 413 if statuses == {413} else 422
    if other:
        return status, "malformed request: " + "; ".join(other + known)
    return status, "; ".join(known)


def create_app(
    reviewer: Reviewer | None = None,
    *,
    limits: Limits | None = None,
    mode: Mode | None = None,
    model: Any = "default",
    api_key: str | None = None,
    payer_rules: str | None = None,
) -> FastAPI:
    """Build the review service.

    The reviewer is loaded once, at start-up (the app's lifespan), never per request.

    Args:
        reviewer: a ready reviewer to use (thread mode); built at start-up when omitted.
        limits: request limits, pool sizes and the time budget per note; :class:`Limits`
            defaults when omitted.
        mode: ``"process"`` (one reviewer per worker process, the default without ``reviewer``)
            or ``"thread"`` (one shared reviewer, the only choice with ``reviewer``).
        model: the classifier for reviewers built here: ``"default"``, None for rules only, a
            model folder written by ``cleanclaim train`` (``cleanclaim serve --model``), or a
            model object (picklable, for process mode).
        payer_rules: a practice's payer-rules file for reviewers built here (``cleanclaim serve
            --payer-rules``), checked like every table when the workers load.
        api_key: required in ``X-API-Key`` or ``Authorization: Bearer``; defaults to the
            ``CLEANCLAIM_API_KEY`` environment variable; no auth when neither is set.

    """
    limits = limits or Limits()
    mode = mode or ("thread" if reviewer is not None else "process")
    key = api_key if api_key is not None else (os.environ.get(API_KEY_ENV) or None)
    pool = ReviewPool(
        limits.workers,
        limits.queue_size,
        mode=mode,
        reviewer=reviewer,
        model=model,
        note_timeout=limits.note_timeout,
        payer_rules=payer_rules,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        log.info(
            "cleanclaim %s serving: %s mode, %d workers, queue %d, %gs per note, auth %s",
            __version__,
            pool.mode,
            pool.workers,
            pool.queue_size,
            limits.note_timeout,
            "on" if key else "off",
        )
        try:
            yield
        finally:
            await pool.stop()

    # Swagger UI from the fastapi-offline package's files, so /docs works offline. No ReDoc:
    # its page fetches a logo from the vendor's CDN.
    app = FastAPIOffline(
        redoc_url=None,
        title="cleanclaim",
        version=__version__,
        summary="Pre-coding review of injection visit notes for a clean CPT 96372 claim.",
        description=(
            "POST a note to `/v1/review` for the review record: decision, probability, gaps with "
            "evidence and provider queries, mentions, administrations with HCPCS and units. "
            f"A batch takes 1 to {limits.max_batch} notes; a note 1 to {limits.max_chars:,} "
            "characters of valid Unicode, without NUL and not only whitespace. A note has "
            f"{limits.note_timeout:g} s in a worker. Every answer, error or not, has the "
            "`X-Request-ID` header; errors have a `detail` that never quotes the note. "
            "The review page is at `/`."
        ),
        lifespan=lifespan,
        # Swagger UI would otherwise send the document to an online validator for a badge.
        swagger_ui_parameters={"validatorUrl": None},
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

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Pydantic's errors carry the offending input, which may be note text: drop it.
        raw = exc.errors()
        status, detail = _explain(raw, limits)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in raw
        ]
        return _error(status, detail, request, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status, detail = exc.status_code, str(exc.detail)
        if status == 400 and exc.__cause__ is not None:
            # FastAPI could not parse the body: a malformed body is 422, like bad JSON.
            status = 422
            what = "UTF-8" if isinstance(exc.__cause__, UnicodeDecodeError) else "JSON"
            detail = f"malformed request: request body is not valid {what}"
        return _error(status, detail, request, getattr(exc, "headers", None))

    auth = [_api_key_dependency(key)] if key else []
    app.include_router(_page_router())
    app.include_router(_service_router(pool, limits, auth))
    app.include_router(_review_router(pool, limits, auth))
    return app


def _error(
    status: int, detail: str, request: Request, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = error_body(detail, getattr(request.state, "request_id", None), **extra)
    return JSONResponse(body, status_code=status, headers=headers)


def _page_router() -> APIRouter:
    """Route the review page and its files (not part of the API)."""
    router = APIRouter(include_in_schema=False)
    headers = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"}

    @router.get("/")
    async def page() -> Response:
        html = _static("index.html")
        return Response(html, media_type=STATIC_FILES["index.html"], headers=headers)

    @router.get("/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise HTTPException(404, "not found")
        return Response(_static(name), media_type=STATIC_FILES[name], headers=headers)

    return router


def _service_router(pool: ReviewPool, limits: Limits, auth: list[Any]) -> APIRouter:
    """Route health and version information."""
    router = APIRouter(tags=["service"], responses={500: _500})

    @router.get(
        "/healthz",
        summary="Health",
        response_model=HealthOut,
        responses={
            200: _answer("The workers are up.", HealthOut),
            503: _answer("No review worker is running.", HealthOut),
        },
    )
    async def healthz() -> JSONResponse:
        """Whether the workers are up; also how busy they are."""
        body = HealthOut(
            status="ok" if pool.healthy else "unavailable",
            in_flight=pool.in_flight,
            capacity=pool.capacity,
        )
        return JSONResponse(body.model_dump(), status_code=200 if pool.healthy else 503)

    answers: dict[int | str, dict[str, Any]] = {200: _answer("Versions and limits.", InfoOut)}
    if auth:
        answers[401] = _answer(
            "API key missing or wrong.", **{"WWW-Authenticate": _WWW_AUTHENTICATE}
        )

    @router.get(
        "/v1/info",
        summary="Versions and limits",
        response_model=InfoOut,
        responses=answers,
        dependencies=auth,
    )
    async def info() -> InfoOut:
        """Versions (cleanclaim, rule tables, classifier or null) and limits."""
        return InfoOut(
            cleanclaim=__version__,
            rules_version=pool.info.get("rules_version"),
            model_version=pool.info.get("model_version"),
            mode=pool.mode,
            limits=limits,
        )

    return router


def _review_router(pool: ReviewPool, limits: Limits, auth: list[Any]) -> APIRouter:
    """Route the review endpoints, with request bodies that state the limits."""
    note_in, batch_in = request_models(limits)
    router = APIRouter(tags=["review"], dependencies=auth)
    json_only = [Depends(require_json)]

    def unavailable(exc: Exception) -> HTTPException:
        retry = {"Retry-After": str(limits.retry_after)}
        if isinstance(exc, PoolBusyError):
            return HTTPException(503, f"server busy: {exc}; retry later", headers=retry)
        log.error("review pool unavailable: %s", exc)
        return HTTPException(503, "review workers are not available", headers=retry)

    async def review(note: Any) -> Response:
        """Review one note: the contract record."""
        try:
            body = await pool.review(note.text, note.id)
        except (PoolBusyError, PoolBrokenError) as exc:
            raise unavailable(exc) from None
        except NoteTimeoutError as exc:
            raise HTTPException(504, f"{exc}; the worker was replaced") from None
        except WorkerDiedError as exc:
            raise HTTPException(500, f"{exc}; it has been replaced") from None
        return Response(body, media_type="application/json")

    async def review_batch(batch: Any) -> Response:
        """Review 1 to `max_batch` notes; one record per note, in order.

        A note that cannot be reviewed (empty, binary, not Unicode, too long, over its time
        budget) gets a record with `error` and no decision instead of failing the whole batch.
        """
        parts: list[bytes | None] = []
        todo: list[tuple[str | None, str]] = []
        for note in batch.notes:
            found = note_problem(note.text, limits.max_chars)
            if found is None:
                parts.append(None)
                todo.append((note.id, note.text))
            else:
                parts.append(worker.record_json(Review.failed(note.id, found[1]).to_dict()))
        try:
            done = iter(await pool.review_batch(todo) if todo else [])
        except (PoolBusyError, PoolBrokenError) as exc:
            raise unavailable(exc) from None
        body = b",".join(part if part is not None else next(done) for part in parts)
        return Response(b'{"results":[' + body + b"]}", media_type="application/json")

    # The body models are built per app (their limits are settings), so they are set here, not
    # in annotations, which FastAPI would look up among this module's globals.
    review.__annotations__["note"] = note_in
    review_batch.__annotations__["batch"] = batch_in
    router.add_api_route(
        "/v1/review",
        review,
        methods=["POST"],
        summary="Review one note",
        response_model=Review,
        responses={
            200: _answer("The review record.", Review),
            **_review_answers(limits, bool(auth), batch=False),
        },
        dependencies=json_only,
    )
    router.add_api_route(
        "/v1/review/batch",
        review_batch,
        methods=["POST"],
        summary="Review a batch of notes",
        response_model=BatchOut,
        responses={
            200: _answer("One record per note, in order.", BatchOut),
            **_review_answers(limits, bool(auth), batch=True),
        },
        dependencies=json_only,
    )
    return router
