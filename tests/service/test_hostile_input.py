"""Hostile and broken input: each gets its documented answer, never a 500, and spoils nothing."""

from __future__ import annotations

import json
import logging
import time

import pytest
from fastapi.testclient import TestClient

from cleanclaim.service import Limits, create_app

from .conftest import CLEAN_NOTE, KETOROLAC_NOTE, ROUTE_MISSING_NOTE
from .fakes import STALL, StallingReviewer

JSON = {"content-type": "application/json"}


def post_raw(client, path, body: bytes, headers=JSON):
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize(
    "escape",
    [b"\\udc00", b"\\ud800", b"\\ud83d", b"\\udfff\\ud800"],
    ids=["low", "high", "half", "swapped"],
)
def test_lone_surrogate_in_text_is_422_not_500(client, escape):
    resp = post_raw(client, "/v1/review", b'{"text": "B12 1000 mcg IM ' + escape + b' given"}')
    assert resp.status_code == 422
    assert (
        resp.json()["detail"]
        == "note is not valid Unicode (a lone surrogate escape at character 16)"
    )


def test_a_surrogate_pair_is_fine(client):
    resp = post_raw(client, "/v1/review", b'{"text": "Ketorolac 60 mg IM given \\ud83d\\ude00"}')
    assert resp.status_code == 200 and resp.json()["service_code"] == "96372"


def test_lone_surrogate_in_id_is_422(client):
    resp = post_raw(client, "/v1/review", b'{"id": "\\udc00", "text": "B12 1000 mcg IM"}')
    assert resp.status_code == 422
    assert resp.json()["detail"].startswith("malformed request: id: text must be valid Unicode")


def test_nul_in_text_is_422(client):
    resp = client.post("/v1/review", json={"text": "B12 1000 mcg\x00 IM"})
    assert resp.status_code == 422
    assert resp.json()["detail"] == "note looks binary (contains NUL bytes)"


def test_batch_note_with_a_surrogate_fails_alone_and_its_neighbour_is_reviewed(client, reviewer):
    body = (
        b'{"notes": [{"id": "bad", "text": "B12 \\udc00 IM"}, {"id": "next", "text": '
        + json.dumps(CLEAN_NOTE).encode()
        + b'}, {"id": "nul", "text": "B12\\u0000"}, {"id": "last", "text": '
        + json.dumps(ROUTE_MISSING_NOTE).encode()
        + b"}]}"
    )
    resp = post_raw(client, "/v1/review/batch", body)
    assert resp.status_code == 200
    bad, nxt, nul, last = resp.json()["results"]
    assert bad["error"].startswith("note is not valid Unicode") and bad["claim_ready"] is None
    assert nxt == reviewer.review(CLEAN_NOTE, "next").to_dict()
    assert nul["error"] == "note looks binary (contains NUL bytes)"
    assert last == reviewer.review(ROUTE_MISSING_NOTE, "last").to_dict()


def test_review_many_retries_a_failed_pipe_chunk_note_by_note(reviewer):
    """A note that breaks nlp.pipe must not take the rest of its chunk with it."""
    notes = [("bad", "B12 \udc00 IM"), ("ok", KETOROLAC_NOTE), ("empty", ""), ("ok2", CLEAN_NOTE)]
    results = list(reviewer.review_many(notes))
    assert [r.id for r in results] == ["bad", "ok", "empty", "ok2"]
    assert (
        results[0].error == "note contains unpaired surrogate code points (not valid Unicode text)"
    )
    assert results[1] == reviewer.review(KETOROLAC_NOTE, "ok")
    assert results[2].error == "note is empty"
    assert results[3] == reviewer.review(CLEAN_NOTE, "ok2")


def test_invalid_utf8_body_is_422_as_documented(client):
    resp = post_raw(client, "/v1/review", b'{"text": "B12 \xff\xfe 1000 mcg IM"}')
    assert resp.status_code == 422
    assert resp.json()["detail"] == "malformed request: request body is not valid UTF-8"
    batch = post_raw(client, "/v1/review/batch", b'{"notes": [{"text": "\xc3\x28"}]}')
    assert batch.status_code == 422


def test_deeply_nested_json_is_422(client):
    resp = post_raw(client, "/v1/review", b"[" * 100_000 + b"]" * 100_000)
    assert resp.status_code == 422


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_body_not_sent_as_json_is_415(client, content_type):
    headers = {} if content_type is None else {"content-type": content_type}
    resp = client.post("/v1/review", content=json.dumps({"text": CLEAN_NOTE}), headers=headers)
    assert resp.status_code == 415
    assert "application/json" in resp.json()["detail"]


def test_json_with_charset_or_suffix_is_accepted(client):
    for content_type in ("application/json; charset=utf-8", "application/vnd.note+json"):
        resp = client.post(
            "/v1/review",
            content=json.dumps({"text": KETOROLAC_NOTE}),
            headers={"content-type": content_type},
        )
        assert resp.status_code == 200, content_type


def test_batch_limits_are_enforced_with_clear_messages(client):
    too_many = client.post("/v1/review/batch", json={"notes": [{"text": "B12"}] * 101})
    assert too_many.status_code == 413
    assert too_many.json()["detail"] == "batch has 101 notes; the limit is 100"
    empty = client.post("/v1/review/batch", json={"notes": []})
    assert (empty.status_code, empty.json()["detail"]) == (422, "batch has no notes")


def test_unknown_method_and_path_are_logged_without_the_path_or_query(client, caplog):
    with caplog.at_level(logging.INFO, logger="cleanclaim"):
        a = client.request("BREW", "/v1/review?patient=Zelda")
        b = client.get("/charts/Zelda-Quixote?mrn=Zelda")
        c = client.post("/Zelda", content=b"Zelda", headers=JSON)
    assert (a.status_code, b.status_code, c.status_code) == (405, 404, 404)
    assert a.headers["allow"] == "POST"
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("cleanclaim")]
    assert any(line.startswith("OTHER /v1/review 405 ") for line in lines), lines
    assert any(line.startswith("GET - 404 ") for line in lines), lines
    assert any(line.startswith("POST - 404 ") for line in lines), lines
    assert "Zelda" not in caplog.text and "BREW" not in caplog.text


class TestTimeBudget:
    """Thread mode: a stalled review answers 504 and its slot gets a fresh thread at once."""

    @pytest.fixture()
    def stalling(self, reviewer):
        stall = StallingReviewer(reviewer)
        app = create_app(stall, limits=Limits(workers=1, queue_size=2, note_timeout=0.5))
        with TestClient(app) as c:
            yield c, stall, app
        stall.release.set()

    def test_a_note_over_its_budget_is_504_and_the_next_note_is_served(self, stalling, caplog):
        c, stall, app = stalling
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="cleanclaim"):
            resp = c.post("/v1/review", json={"text": f"{STALL} {KETOROLAC_NOTE}"})
        assert resp.status_code == 504
        assert 0.5 <= time.monotonic() - started < 5
        assert resp.json()["detail"] == (
            "review took longer than the 0.5 s budget per note; the worker was replaced"
        )
        assert "ran over its 0.5s budget" in caplog.text and STALL not in caplog.text
        # The only worker is stuck, yet the next request is served by its replacement.
        after = c.post("/v1/review", json={"text": KETOROLAC_NOTE})
        assert after.status_code == 200 and after.json()["claim_ready"] is True
        assert app.state.pool.restarts == 1 and stall.stalled == 1

    def test_a_batch_note_over_its_budget_gets_an_error_record(self, stalling):
        c, stall, _ = stalling
        notes = [
            {"id": "a", "text": KETOROLAC_NOTE},
            {"id": "b", "text": STALL + "\n" + KETOROLAC_NOTE},
            {"id": "c", "text": CLEAN_NOTE},
        ]
        resp = c.post("/v1/review/batch", json={"notes": notes})
        assert resp.status_code == 200
        a, b, cc = resp.json()["results"]
        assert a["claim_ready"] is True and cc["claim_ready"] is True
        assert b["claim_ready"] is None
        assert b["error"] == "review took longer than the 0.5 s budget per note"

    def test_timeout_is_configurable_from_the_command_line_and_environment(self, monkeypatch):
        import uvicorn
        from typer.testing import CliRunner

        from cleanclaim.cli import app as cli

        seen = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app))
        result = CliRunner().invoke(cli, ["serve", "--rules-only", "--note-timeout", "7.5"])
        assert result.exit_code == 0, result.output
        assert seen["app"].state.limits.note_timeout == 7.5
        monkeypatch.setenv("CLEANCLAIM_NOTE_TIMEOUT", "3")
        result = CliRunner().invoke(cli, ["serve", "--rules-only"])
        assert result.exit_code == 0, result.output
        assert seen["app"].state.pool.note_timeout == 3.0
