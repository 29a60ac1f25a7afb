"""Fixtures for the review service: apps over the session reviewer, fakes, and the browser."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service needs the 'serve' extra")

from fastapi.testclient import TestClient  # noqa: E402

from cleanclaim import Review  # noqa: E402
from cleanclaim.service import Limits, create_app  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
#: Debian's Chromium in a container: no sandbox, GPU or background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Made-up notes (no real patients), short and realistic.
ROUTE_MISSING_NOTE = (
    "Nurse visit.\n"
    "Assessment: pernicious anemia, on monthly replacement.\n"
    "Plan: cyanocobalamin 1000 mcg given in the left deltoid by J. Roe, RN. Tolerated well.\n"
    "Patient declined the influenza vaccine today.\n"
)
CLEAN_NOTE = (
    "Assessment: pernicious anemia (D51.0).\n"
    "Plan: cyanocobalamin 1000 mcg IM to the right deltoid, administered by J. Roe, RN.\n"
    "No reaction.\n"
)
KETOROLAC_NOTE = (
    "Acute low back pain after lifting. Ketorolac 60 mg IM given in the left gluteus by RN.\n"
)


@pytest.fixture(scope="session")
def service_app(reviewer):
    """The service over the session's rules-only reviewer (thread mode)."""
    return create_app(reviewer, limits=Limits(workers=1, queue_size=8))


@pytest.fixture(scope="session")
def client(service_app) -> Iterator[TestClient]:
    """A test client with the app started (lifespan run)."""
    with TestClient(service_app) as c:
        yield c


class BlockingReviewer:
    """A stand-in reviewer that holds each review until released, to fill the pool."""

    rules_version = "test"
    model = None

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def review(self, text: str, note_id: str | None = None) -> Review:
        self.entered.set()
        assert self.release.wait(10), "test never released the worker"
        return Review(
            id=note_id, claim_ready=False, probability=None, service_code=None, injections=0
        )

    def review_many(self, notes):
        for note_id, text in notes:
            yield self.review(text, note_id)


class ExplodingReviewer:
    """A stand-in reviewer whose error message quotes the note, as a careless library might."""

    rules_version = "test"
    model = None

    def review(self, text: str, note_id: str | None = None) -> Review:
        raise RuntimeError(f"cannot parse {text!r}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(reviewer) -> Iterator[str]:
    """The service on uvicorn in a thread, on a free localhost port; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(reviewer, limits=Limits(workers=1, queue_size=8)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (never a downloaded browser) with container-friendly flags."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}
