"""ASGI middleware: request ids, an access log line per request, and body-size limits.

The body limit is checked on ``Content-Length`` and again while the body streams in, so an
oversized request is refused before any of it is parsed. The rest of an oversized body is read
and thrown away (up to :data:`DRAIN_LIMIT` bytes) before the 413 is sent: clients such as
Python's ``urllib`` and ``requests`` send the whole body before they read any answer, and a
server that closed on them mid-body would leave them with "connection reset", not the 413.

The access log line names the route (``/v1/review``), never the raw path, query or body, and
an unknown method is logged as ``OTHER``: all of those are the client's text, which may be a
note.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

log = logging.getLogger("cleanclaim.service")

#: The id of the request being handled, for log lines (see :class:`RequestIdFilter`).
request_id_var: ContextVar[str] = ContextVar("cleanclaim_request_id", default="-")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})

#: Most of an oversized body read and discarded so that the client sees the 413.
DRAIN_LIMIT = 64 * 1024 * 1024
#: Longest time spent discarding an oversized body.
DRAIN_SECONDS = 30.0

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class RequestIdFilter(logging.Filter):
    """Put the current request id on every log record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class _BodyTooLargeError(Exception):
    def __init__(self, ended: bool = False) -> None:
        super().__init__()
        self.ended = ended  # the whole body has been received already


async def _drain(receive: Receive, limit: int) -> bool:
    """Read and discard the rest of a request body; whether it ended within ``limit`` bytes."""
    size = 0
    while size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return False
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return size <= limit
    return False


def log_route(scope: Scope) -> str:
    """Name the route for the access log: its path template, or ``-`` when none matched."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "-"


async def _send_json(send: Send, status: int, body: dict[str, Any], request_id: str) -> None:
    payload = json.dumps(body).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"x-request-id", request_id.encode()),
            (b"connection", b"close"),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": payload})


async def _buffered(receive: Receive, limit: int) -> Receive:
    """Read the whole body, refusing it past ``limit`` bytes; a receive that replays it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            raise _BodyTooLargeError(ended=not message.get("more_body", False))
        if not message.get("more_body", False):
            break
    replayed = False

    async def replay() -> dict[str, Any]:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

    return replay


class ServiceMiddleware:
    """Request ids, access logging and body limits around the app.

    Args:
        app: the ASGI app.
        body_limits: largest body in bytes per path; other paths get ``default_limit``.
        default_limit: largest body for any other path.

    """

    def __init__(
        self, app: Any, body_limits: dict[str, int], default_limit: int = 64 * 1024
    ) -> None:
        """Wrap ``app``."""
        self.app = app
        self.body_limits = body_limits
        self.default_limit = default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one connection event."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        limit = self.body_limits.get(scope["path"], self.default_limit)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: dict[str, Any]) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        length = headers.get(b"content-length")
        try:
            if length is not None:
                if not length.isdigit() or int(length) > limit:
                    raise _BodyTooLargeError
                app_receive = receive
            else:
                # No declared length (chunked): read up to the limit here, then replay it.
                app_receive = await _buffered(receive, limit)
            await self.app(scope, app_receive, send_wrapper)
        except _BodyTooLargeError as exc:
            if response_started:  # pragma: no cover - the body is read before any response
                raise
            status = 413
            # A client waiting for "100 Continue" sends no body: answer at once. Otherwise the
            # client is sending the body anyway: take it (up to a bound), then answer.
            waiting = headers.get(b"expect", b"").lower() == b"100-continue"
            huge = length is not None and (not length.isdigit() or int(length) > DRAIN_LIMIT)
            if not (exc.ended or waiting or huge):
                try:
                    await asyncio.wait_for(_drain(receive, DRAIN_LIMIT), DRAIN_SECONDS)
                except TimeoutError:
                    pass
            detail = f"request body is larger than {limit:,} bytes"
            await _send_json(send, 413, {"detail": detail, "request_id": request_id}, request_id)
        except Exception as exc:  # noqa: BLE001
            # Handled here, not by the server: its traceback would print the exception message,
            # which may quote the note. The type and request id are enough to find the cause.
            log.error("request failed: %s", type(exc).__name__)
            if not response_started:
                status = 500
                detail = "internal error; the server log has this request id"
                await _send_json(
                    send, 500, {"detail": detail, "request_id": request_id}, request_id
                )
        finally:
            ms = (time.perf_counter() - started) * 1000
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = log_route(scope)
            if route == "-" and scope["path"] in self.body_limits:
                route = scope["path"]  # refused before routing; one of our own fixed paths
            # Method, route, status and time only: never the raw path, query or body.
            log.info("%s %s %d %.1fms", method, route, status, ms)
            request_id_var.reset(token)
