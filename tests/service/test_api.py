"""The HTTP API: every endpoint and every error answer."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

import cleanclaim
from cleanclaim.result import CONTRACT_FIELDS
from cleanclaim.service import Limits, create_app

from .conftest import (
    CLEAN_NOTE,
    KETOROLAC_NOTE,
    ROUTE_MISSING_NOTE,
    BlockingReviewer,
    ExplodingReviewer,
)
from .fakes import STALL, StallingModel

CONTRACT_KEYS = set(CONTRACT_FIELDS)


def test_review_returns_the_contract_record(client, reviewer):
    resp = client.post("/v1/review", json={"id": "visit-1", "text": ROUTE_MISSING_NOTE})
    assert resp.status_code == 200
    body = resp.json()
    assert CONTRACT_KEYS <= body.keys()
    assert body == reviewer.review(ROUTE_MISSING_NOTE, "visit-1").to_dict()
    assert body["id"] == "visit-1"
    assert body["claim_ready"] is False
    gap = next(g for g in body["gaps"] if g["code"] == "ROUTE_MISSING")
    assert gap["severity"] == "blocking" and gap["query"]
    assert {e["text"] for e in gap["evidence"]} >= {"cyanocobalamin"}
    for ev in gap["evidence"]:
        assert ROUTE_MISSING_NOTE[ev["start"] : ev["end"]] == ev["text"]


def test_review_of_a_complete_note_is_claim_ready_with_jcode_and_units(client):
    body = client.post("/v1/review", json={"text": KETOROLAC_NOTE}).json()
    assert body["claim_ready"] is True and body["id"] is None
    assert body["service_code"] == "96372"
    adm = body["administrations"][0]
    assert (adm["drug"], adm["route"], adm["hcpcs"], adm["units"]) == (
        "ketorolac",
        "IM",
        "J1885",
        4,
    )


def test_review_answers_json_with_a_request_id(client):
    resp = client.post("/v1/review", json={"text": CLEAN_NOTE})
    assert resp.headers["content-type"].startswith("application/json")
    assert len(resp.headers["x-request-id"]) >= 16


def test_given_request_id_is_echoed(client):
    resp = client.post(
        "/v1/review", json={"text": CLEAN_NOTE}, headers={"X-Request-ID": "ehr-42.7"}
    )
    assert resp.headers["x-request-id"] == "ehr-42.7"


def test_unsafe_request_id_is_replaced(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert resp.headers["x-request-id"] != "bad id\twith spaces"


def test_batch_returns_one_record_per_note_in_order(client):
    notes = [
        {"id": "a", "text": CLEAN_NOTE},
        {"id": "b", "text": "   "},
        {"id": "c", "text": ROUTE_MISSING_NOTE},
    ]
    resp = client.post("/v1/review/batch", json={"notes": notes})
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert [r["id"] for r in results] == ["a", "b", "c"]
    assert results[0]["claim_ready"] is True and results[0]["error"] is None
    assert results[1]["claim_ready"] is None and results[1]["error"] == "note is empty"
    assert "ROUTE_MISSING" in {g["code"] for g in results[2]["gaps"]}


def test_batch_with_an_oversized_note_gives_that_note_an_error_record(client):
    notes = [
        {"id": "big", "text": "x" * (cleanclaim.MAX_CHARS + 1)},
        {"id": "ok", "text": CLEAN_NOTE},
    ]
    results = client.post("/v1/review/batch", json={"notes": notes}).json()["results"]
    assert "limit" in results[0]["error"] and results[0]["claim_ready"] is None
    assert results[1]["claim_ready"] is True


def test_batch_over_the_limit_is_413(client, service_app):
    limit = service_app.state.limits.max_batch
    resp = client.post("/v1/review/batch", json={"notes": [{"text": "B12"}] * (limit + 1)})
    assert resp.status_code == 413
    assert resp.json()["detail"] == f"batch has {limit + 1} notes; the limit is {limit}"


def test_empty_batch_is_422(client):
    resp = client.post("/v1/review/batch", json={"notes": []})
    assert resp.status_code == 422 and "no notes" in resp.json()["detail"]


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


def test_info_reports_versions_and_limits(client, reviewer):
    body = client.get("/v1/info").json()
    assert body["cleanclaim"] == cleanclaim.__version__
    assert body["rules_version"] == reviewer.rules_version
    assert body["model_version"] is None  # the session reviewer is rules-only
    assert body["limits"]["max_chars"] == cleanclaim.MAX_CHARS
    assert body["limits"]["max_batch"] == 100


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/review", "/v1/review/batch", "/v1/info", "/healthz"} <= paths.keys()


def test_note_over_max_chars_is_413_with_a_clear_message(client):
    resp = client.post(
        "/v1/review", json={"text": "B12 given. " * (cleanclaim.MAX_CHARS // 11 + 1)}
    )
    assert resp.status_code == 413
    assert resp.json()["detail"].endswith(f"the limit is {cleanclaim.MAX_CHARS:,}")


def test_oversized_body_is_413_before_parsing(client, service_app):
    limit = service_app.state.limits.max_body_bytes
    resp = client.post(
        "/v1/review",
        content=b"{" + b" " * limit + b"}",
        headers={"content-type": "application/json"},
    )
    assert resp.status_code == 413
    assert resp.json()["detail"] == f"request body is larger than {limit:,} bytes"


def test_oversized_chunked_body_is_413(client, service_app):
    limit = service_app.state.limits.max_body_bytes

    def chunks():
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    resp = client.post("/v1/review", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413


def test_malformed_json_is_422_with_a_clear_message(client):
    resp = client.post(
        "/v1/review",
        content=b'{"text": "B12 1000 mcg IM',
        headers={"content-type": "application/json"},
    )
    assert resp.status_code == 422
    assert resp.json()["detail"] == "malformed request: request body is not valid JSON"


def test_missing_text_is_422_naming_the_field(client):
    resp = client.post("/v1/review", json={"note": "B12 1000 mcg IM"})
    assert resp.status_code == 422
    assert resp.json()["detail"] == "malformed request: text: Field required"


def test_non_string_text_is_422(client):
    resp = client.post("/v1/review", json={"text": ["B12"]})
    assert resp.status_code == 422


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_note_is_422(client, text):
    resp = client.post("/v1/review", json={"text": text})
    assert resp.status_code == 422
    assert resp.json()["detail"] == "note is empty"


def test_validation_errors_never_echo_the_note(client):
    secret = "Jane Doe MRN 123456 cyanocobalamin"
    resp = client.post("/v1/review", json={"text": secret, "id": ["not", "a", "string", secret]})
    assert resp.status_code == 422
    assert "123456" not in resp.text


def test_note_text_never_reaches_the_log(client, caplog):
    secret = "Patient Zelda Quixote, cyanocobalamin 1000 mcg IM, pernicious anemia."
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/review", json={"text": secret}, headers={"X-Request-ID": "req-log-1"})
        client.post("/v1/review", json={"text": secret[:10], "id": 5})
    service_lines = [r for r in caplog.records if r.name.startswith("cleanclaim")]
    assert any(
        r.request_id == "req-log-1" and "POST /v1/review 200" in r.getMessage()
        for r in service_lines
    )
    assert not any("Zelda" in r.getMessage() or "Patient" in r.getMessage() for r in caplog.records)


def test_a_crashing_review_is_500_without_note_text(reviewer, caplog):
    app = create_app(ExplodingReviewer(), limits=Limits(workers=1, queue_size=1))
    with TestClient(app) as c, caplog.at_level(logging.INFO):
        resp = c.post("/v1/review", json={"text": "Zelda Quixote B12 1000 mcg"})
    assert resp.status_code == 500
    assert "Zelda" not in resp.text and resp.json()["request_id"]
    assert "Zelda" not in caplog.text  # not in messages, nor in any traceback
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)


class TestBackPressure:
    def test_full_queue_is_503_with_retry_after_and_recovers(self):
        blocker = BlockingReviewer()
        app = create_app(blocker, limits=Limits(workers=1, queue_size=0, retry_after=2))
        with TestClient(app) as c, ThreadPoolExecutor(1) as pool:
            first = pool.submit(c.post, "/v1/review", json={"text": "B12 1000 mcg IM"})
            assert blocker.entered.wait(10)
            busy = c.post("/v1/review", json={"text": "B12 1000 mcg IM"})
            busy_batch = c.post("/v1/review/batch", json={"notes": [{"text": "B12 1000 mcg IM"}]})
            health = c.get("/healthz")
            blocker.release.set()
            assert first.result(10).status_code == 200
            after = c.post("/v1/review", json={"text": "B12 1000 mcg IM"})
        assert busy.status_code == 503 and busy_batch.status_code == 503
        assert busy.headers["retry-after"] == "2"
        assert busy.json()["detail"].startswith("server busy")
        assert health.status_code == 200 and health.json()["in_flight"] == 1
        assert after.status_code == 200

    def test_queued_requests_wait_instead_of_failing(self):
        blocker = BlockingReviewer()
        app = create_app(blocker, limits=Limits(workers=1, queue_size=1))
        with TestClient(app) as c, ThreadPoolExecutor(2) as pool:
            first = pool.submit(c.post, "/v1/review", json={"text": "B12 1000 mcg IM"})
            assert blocker.entered.wait(10)
            second = pool.submit(c.post, "/v1/review", json={"text": "B12 1000 mcg IM"})
            while c.get("/healthz").json()["in_flight"] < 2:
                pass
            third = c.post("/v1/review", json={"text": "B12 1000 mcg IM"})
            blocker.release.set()
            assert first.result(10).status_code == 200 and second.result(10).status_code == 200
        assert third.status_code == 503


class TestApiKey:
    @pytest.fixture(scope="class")
    def keyed(self, reviewer):
        with TestClient(create_app(reviewer, api_key="s3cret-key", limits=Limits(workers=1))) as c:
            yield c

    def test_missing_key_is_401(self, keyed):
        for resp in (
            keyed.post("/v1/review", json={"text": CLEAN_NOTE}),
            keyed.get("/v1/info"),
            keyed.post("/v1/review/batch", json={"notes": [{"text": CLEAN_NOTE}]}),
        ):
            assert resp.status_code == 401
            assert "API key" in resp.json()["detail"]
            assert resp.headers["www-authenticate"] == "Bearer"

    def test_wrong_key_is_401(self, keyed):
        assert keyed.get("/v1/info", headers={"X-API-Key": "guess"}).status_code == 401

    def test_x_api_key_header_works(self, keyed):
        assert (
            keyed.post(
                "/v1/review", json={"text": CLEAN_NOTE}, headers={"X-API-Key": "s3cret-key"}
            ).status_code
            == 200
        )

    def test_bearer_token_works(self, keyed):
        assert (
            keyed.get("/v1/info", headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
        )

    def test_health_and_page_need_no_key(self, keyed):
        assert keyed.get("/healthz").status_code == 200
        assert keyed.get("/").status_code == 200

    def test_key_comes_from_the_environment(self, reviewer, monkeypatch):
        monkeypatch.setenv("CLEANCLAIM_API_KEY", "from-env")
        with TestClient(create_app(reviewer, limits=Limits(workers=1))) as c:
            assert c.get("/v1/info").status_code == 401
            assert c.get("/v1/info", headers={"X-API-Key": "from-env"}).status_code == 200


@pytest.mark.slow
def test_process_pool_reviews_replaces_a_stalled_worker_and_leaves_no_worker_behind():
    """One reviewer per worker process; a note over its budget gets 504 and its process is
    killed at once, while the other worker goes on serving."""
    app = create_app(
        model=StallingModel(), limits=Limits(workers=2, queue_size=2, note_timeout=2.0)
    )
    with TestClient(app) as c:
        pool = app.state.pool
        assert c.get("/v1/info").json()["mode"] == "process"
        started = pool.processes
        assert len(started) == 2 and all(p.is_alive() for p in started)
        body = c.post("/v1/review", json={"id": "p", "text": KETOROLAC_NOTE}).json()
        assert body["claim_ready"] is True and body["id"] == "p"
        assert body["model_version"] == "stall-test"  # decided in a worker, by its model
        notes = [{"text": CLEAN_NOTE}, {"text": ""}]
        results = c.post("/v1/review/batch", json={"notes": notes}).json()["results"]
        assert [r["claim_ready"] for r in results] == [True, None]

        t0 = time.monotonic()
        stalled = c.post("/v1/review", json={"text": f"{STALL}\n{KETOROLAC_NOTE}"})
        assert stalled.status_code == 504 and 2.0 <= time.monotonic() - t0 < 10
        assert stalled.json()["detail"].startswith("review took longer than the 2 s budget")
        deadline = time.monotonic() + 5  # SIGKILL was sent; give the kernel a moment
        while all(p.is_alive() for p in started) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sum(not p.is_alive() for p in started) == 1  # killed, not left running an hour
        # The other worker serves at once, while the stalled one is being replaced.
        t0 = time.monotonic()
        after = c.post("/v1/review", json={"text": KETOROLAC_NOTE})
        assert after.status_code == 200 and time.monotonic() - t0 < 2.0
        assert c.get("/healthz").json()["status"] == "ok"

        # The stalled worker's replacement comes up and takes notes again.
        deadline = time.monotonic() + 120
        while len(pool.processes) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        running = pool.processes
        assert len(running) == 2 and len(set(running) - set(started)) == 1
        with ThreadPoolExecutor(2) as both:
            answers = list(
                both.map(lambda i: c.post("/v1/review", json={"text": KETOROLAC_NOTE}), range(4))
            )
        assert [a.status_code for a in answers] == [200] * 4
    assert not any(p.is_alive() for p in started + running)


def test_a_worker_found_dead_is_replaced_and_the_note_goes_to_a_live_one(reviewer, caplog):
    app = create_app(reviewer, limits=Limits(workers=1, queue_size=1))
    with TestClient(app) as c, caplog.at_level(logging.ERROR, logger="cleanclaim"):
        pool = app.state.pool
        # What a process pool reports once its process has died while idle.
        pool._slots[0].executor._broken = "a child process terminated abruptly"
        resp = c.post("/v1/review", json={"text": KETOROLAC_NOTE})
        assert resp.status_code == 200 and resp.json()["claim_ready"] is True
        assert pool.restarts == 1 and "review worker 0 had stopped" in caplog.text


TWO_SHOTS = (
    "Acute migraine with vomiting. Ketorolac 30 mg IM given in the right gluteal and "
    "promethazine 25 mg IM given in the left gluteal by Dr. Hale. No waste.\n"
)


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_service_reviews_with_a_practices_payer_rules(tmp_path, mode):
    payer = tmp_path / "acme.json"
    payer.write_text(
        '{"version": "acme.1", "payer": {"name": "Acme", "second_injection_modifier": "XU"}}'
    )
    limits = Limits(workers=1, queue_size=2)
    plain = create_app(mode="thread", model=None, limits=limits)
    acme = create_app(mode=mode, model=None, limits=limits, payer_rules=str(payer))

    def injection_lines(app):  # type: ignore[no-untyped-def]
        with TestClient(app) as client:
            body = client.post("/v1/review", json={"text": TWO_SHOTS}).json()
        return [c["code"] + "".join("-" + m for m in c["modifiers"]) for c in body["claim_lines"]]

    assert [c for c in injection_lines(plain) if c.startswith("96372")] == ["96372", "96372"]
    assert [c for c in injection_lines(acme) if c.startswith("96372")] == ["96372", "96372-XU"]
