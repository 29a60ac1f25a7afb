"""Schemathesis against the ASGI app: every check, every phase, a small seeded budget.

The run fails on any failure of any class: a 5xx, a response that does not match its schema,
an undocumented status code or header, schema-valid data refused, invalid data accepted...
"""

from __future__ import annotations

import collections

import pytest

from cleanclaim.service import Limits, create_app

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import Status, events, from_schema  # noqa: E402
from schemathesis.python.asgi import shutdown_lifespans  # noqa: E402

#: What schemathesis accepts as "invalid data rejected" by default, plus 413 (a note or a
#: batch over its documented maxLength/maxItems is refused as too large).
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


def run(app, max_examples: int, api_key: str | None = None) -> dict:
    """Run every phase with every check; the failures, errors and what was seen."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": 96372,
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
            },
            "checks": {
                "enabled": True,
                "negative_data_rejection": {"expected-statuses": REJECTIONS},
            },
            "phases": {"enabled": True},
            **({"auth": {"openapi": {"APIKeyHeader": {"api_key": api_key}}}} if api_key else {}),
        }
    )
    found: dict = {
        "failures": [],
        "errors": [],
        "checks": collections.Counter(),
        "statuses": collections.Counter(),
        "phases": collections.Counter(),
    }
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                found["phases"][(str(event.phase), str(event.status))] += 1
                for checks in event.recorder.checks.values():
                    for check in checks:
                        found["checks"][str(check.status)] += 1
                        if check.status == Status.FAILURE and check.failure_info is not None:
                            message = str(check.failure_info.failure)[:500]
                            found["failures"].append((event.label, check.name, message))
                for interaction in event.recorder.interactions.values():
                    if interaction.response is not None:
                        found["statuses"][interaction.response.status_code] += 1
            elif isinstance(event, (events.NonFatalError, events.FatalError)):
                found["errors"].append(repr(event))
            elif isinstance(event, events.EngineFinished):
                found["stop"] = str(event.stop_reason)
                found["failures"] += [("after run", "", str(f)[:500]) for f in event.failures]
    finally:
        shutdown_lifespans()  # stops the app's worker pool
    return found


def assert_clean(found: dict) -> None:
    assert found["failures"] == [], "\n".join(map(str, found["failures"][:10]))
    assert found["errors"] == []
    assert found["stop"] == "completed"
    assert not {s for (_, s) in found["phases"]} & {"failure", "error"}, found["phases"]


@pytest.mark.slow
def test_schemathesis_finds_nothing(reviewer):
    app = create_app(reviewer, limits=Limits(workers=1, queue_size=4))
    found = run(app, max_examples=30)
    assert_clean(found)
    # It did test: thousands of checks, reviews done, and each kind of refusal seen.
    assert found["checks"]["success"] > 1000, found["checks"]
    assert {200, 405, 413, 415, 422} <= set(found["statuses"]), found["statuses"]
    phases = {p for (p, s) in found["phases"] if s == "success"}
    assert {"examples", "coverage", "fuzzing", "stateful"} <= phases, found["phases"]


@pytest.mark.slow
def test_schemathesis_finds_nothing_with_an_api_key(reviewer):
    app = create_app(reviewer, api_key="st-key", limits=Limits(workers=1, queue_size=4))
    found = run(app, max_examples=10, api_key="st-key")
    assert_clean(found)
    assert {200, 401, 422} <= set(found["statuses"]), found["statuses"]
