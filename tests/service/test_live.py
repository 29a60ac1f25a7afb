"""Against real servers: Python clients see the 413, and no note text leaks anywhere.

``live_server`` is uvicorn in a thread; the leak test runs ``cleanclaim serve`` itself, at info
and at debug log level, and reads everything it printed and wrote.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

import cleanclaim

from .conftest import KETOROLAC_NOTE, free_port

JSON = {"content-type": "application/json"}


def urllib_post(url: str, body: bytes, headers=JSON) -> tuple[int, bytes]:
    """POST with urllib, which sends the whole body before it reads the answer."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.parametrize(
    ("path", "size"),
    [("/v1/info", 300_000), ("/v1/review", 3_000_000), ("/v1/review/batch", 20_000_000)],
)
def test_urllib_sees_the_413_for_an_oversized_body(live_server, path, size):
    status, body = urllib_post(live_server + path, b'{"text": "' + b"B12 " * (size // 4) + b'"}')
    assert status == 413
    assert json.loads(body)["detail"].startswith("request body is larger than")


def test_requests_sees_the_413_for_an_oversized_body(live_server):
    requests = pytest.importorskip("requests")
    resp = requests.post(
        live_server + "/v1/review", data=b"{" + b" " * 3_000_000 + b"}", headers=JSON, timeout=60
    )
    assert resp.status_code == 413 and resp.json()["detail"].startswith("request body is larger")


def test_http_client_sees_the_413_and_keeps_the_connection_usable(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("POST", "/v1/review", body=b"{" + b" " * 2_000_000 + b"}", headers=JSON)
    first = conn.getresponse()
    assert first.status == 413 and b"larger than" in first.read()
    conn.close()
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("POST", "/v1/review", body=json.dumps({"text": KETOROLAC_NOTE}), headers=JSON)
    assert conn.getresponse().status == 200
    conn.close()


def test_a_client_waiting_for_100_continue_gets_the_413_without_sending_the_body(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/review HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n"
        )
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413 ")  # no "100 Continue" first, and no body sent


def test_invalid_utf8_over_http_is_422(live_server):
    status, body = urllib_post(live_server + "/v1/review", b'{"text": "B12 \xff IM"}')
    assert status == 422
    assert json.loads(body)["detail"] == "malformed request: request body is not valid UTF-8"


# --- no note text anywhere: a marker planted in every kind of request -------------------------


def _start(tmp: Path, name: str, *args: str, env: dict[str, str] | None = None):
    cwd = tmp / name / "cwd"
    logs = tmp / name / "logs"
    cwd.mkdir(parents=True)
    logs.mkdir()
    port = free_port()
    package_root = str(Path(cleanclaim.__file__).resolve().parents[1])
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLEANCLAIM_")}
    environment.update(PYTHONPATH=package_root, TMPDIR=str(cwd), HOME=str(cwd), **(env or {}))
    out = (logs / "stdout").open("wb")
    err = (logs / "stderr").open("wb")
    command = [sys.executable, "-c", "from cleanclaim.cli import main; main()", "serve"]
    proc = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "1", "--rules-only", *args],
        cwd=cwd,
        env=environment,
        stdout=out,
        stderr=err,
        stdin=subprocess.DEVNULL,
    )
    return {"proc": proc, "port": port, "cwd": cwd, "logs": logs, "files": (out, err)}


def _wait_healthy(server, deadline: float) -> None:
    while True:
        if server["proc"].poll() is not None:
            pytest.fail(f"server exited: {(server['logs'] / 'stderr').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server['port']}/healthz", timeout=5):
                return
        except OSError:
            assert time.monotonic() < deadline, "server did not become healthy"
            time.sleep(0.3)


def _stop(server) -> None:
    proc = server["proc"]
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    for f in server["files"]:
        f.close()


def _exchange(port, method, path, body=None, headers=None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _hostile_requests(port: int, marker: str, key: str | None):
    """Every kind of request, each carrying the marker; yields (what, status, body, may_echo)."""
    auth = {"X-API-Key": key} if key else {}
    j = {**JSON, **auth}
    note = f"Patient {marker} seen today. {KETOROLAC_NOTE}"

    def post(path, payload, headers=j):
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return _exchange(port, "POST", path, raw, headers)

    yield "valid note", *post("/v1/review", {"id": "v1", "text": note}), True
    batch = {
        "notes": [
            {"id": "ok", "text": note},
            {"id": "nul", "text": f"{marker}\x00"},
            {"id": "blank", "text": "   "},
            {"id": "long", "text": marker * (cleanclaim.MAX_CHARS // len(marker) + 1)},
        ]
    }
    status, body = post("/v1/review/batch", batch)
    results = json.loads(body)["results"]
    yield "batch error records", status, json.dumps(results[1:]).encode(), False
    yield "batch", status, body, True
    surrogate = (
        b'{"notes": [{"id": "s", "text": "'
        + marker.encode()
        + b' \\udc00"}, {"id": "after", "text": '
        + json.dumps(note).encode()
        + b"}]}"
    )
    status, body = post("/v1/review/batch", surrogate)
    yield (
        "batch with a surrogate",
        status,
        json.dumps(json.loads(body)["results"][0]).encode(),
        False,
    )
    yield "NUL", *post("/v1/review", {"text": f"{marker} B12\x00"}), False
    yield "surrogate", *post("/v1/review", b'{"text": "' + marker.encode() + b' \\udc00"}'), False
    yield (
        "surrogate id",
        *post("/v1/review", b'{"id": "\\ud800' + marker.encode() + b'", "text": "B12"}'),
        False,
    )
    yield "long note", *post("/v1/review", {"text": (marker + " ") * 40_000}), False
    yield "malformed JSON", *post("/v1/review", b'{"text": "' + marker.encode() + b" B12"), False
    yield "not UTF-8", *post("/v1/review", b'{"text": "' + marker.encode() + b' \xff\xfe"}'), False
    yield (
        "not JSON",
        *post("/v1/review", marker.encode(), {"content-type": "text/plain", **auth}),
        False,
    )
    yield "id not a string", *post("/v1/review", {"id": [marker], "text": marker}), False
    yield "id too long", *post("/v1/review", {"id": marker * 100, "text": 5}), False
    yield "empty batch", *post("/v1/review/batch", {"notes": [], marker: marker}), False
    status, body = urllib_post(
        f"http://127.0.0.1:{port}/v1/review?{marker}={marker}",
        b'{"text": "' + (marker + " ").encode() * 100_000 + b'"}',
        j,
    )
    yield "oversized body (urllib)", status, body, False
    yield "unknown path", *_exchange(port, "GET", f"/{marker}/x?q={marker}", None, auth), False
    yield "unknown POST path", *post(f"/v1/{marker}?{marker}=1", {"text": marker}), False
    yield "unknown method", *_exchange(port, marker, f"/v1/review?{marker}", b"{}", j), False
    yield "static", *_exchange(port, "GET", f"/static/{marker}.js"), False
    yield "docs", *_exchange(port, "GET", f"/docs?{marker}=1"), False
    yield "info", *_exchange(port, "GET", f"/v1/info?{marker}=1", None, auth), False
    if key:
        wrong = {**JSON, "X-API-Key": marker}
        yield "wrong key", *post("/v1/review", {"text": note}, wrong), False
        bearer = {**JSON, "Authorization": f"Bearer {marker}"}
        yield "wrong bearer", *post("/v1/review", {"text": note}, bearer), False


EXPECTED = {
    "valid note": 200,
    "batch error records": 200,
    "batch": 200,
    "batch with a surrogate": 200,
    "NUL": 422,
    "surrogate": 422,
    "surrogate id": 422,
    "long note": 413,
    "malformed JSON": 422,
    "not UTF-8": 422,
    "not JSON": 415,
    "id not a string": 422,
    "id too long": 422,
    "empty batch": 422,
    "oversized body (urllib)": 413,
    "unknown path": 404,
    "unknown POST path": 404,
    "unknown method": 405,
    "static": 404,
    "docs": 200,
    "info": 200,
    "wrong key": 401,
    "wrong bearer": 401,
}


@pytest.mark.slow
def test_planted_marker_appears_only_in_the_intended_response_bodies(tmp_path):
    marker = "QZM" + uuid.uuid4().hex[:12].upper()
    key = "k-" + uuid.uuid4().hex
    servers = {
        # info level, the default process pool; debug level, thread mode, with an API key.
        "info": _start(tmp_path, "info", "--log-level", "info"),
        "debug": _start(
            tmp_path,
            "debug",
            "--log-level",
            "debug",
            "--mode",
            "thread",
            env={"CLEANCLAIM_API_KEY": key},
        ),
    }
    try:
        deadline = time.monotonic() + 180
        for server in servers.values():
            _wait_healthy(server, deadline)
        for name, server in servers.items():
            server_key = key if name == "debug" else None
            seen = set()
            for what, status, body, may_echo in _hostile_requests(
                server["port"], marker, server_key
            ):
                seen.add(what)
                assert status == EXPECTED[what], (name, what, status, body[:300])
                if not may_echo:
                    assert marker.encode() not in body, (name, what, body[:300])
            assert ("wrong key" in seen) == (server_key is not None)
    finally:
        for server in servers.values():
            _stop(server)

    for name, server in servers.items():
        assert server["proc"].returncode == 0, name
        out = (server["logs"] / "stdout").read_bytes() + (server["logs"] / "stderr").read_bytes()
        assert marker.encode() not in out, f"{name}: the marker reached the server output"
        text = out.decode()
        assert "Traceback" not in text and "ERROR" not in text, text[-3000:]
        # The log is there and says what happened, by route and status only.
        for line in (
            "POST /v1/review 200",
            "POST /v1/review 422",
            "POST /v1/review 413",
            "POST /v1/review 415",
            "POST /v1/review/batch 200",
            "GET - 404",
            "POST - 404",
            "OTHER /v1/review 405",
        ):
            assert line in text, (name, line)
        assert ("DEBUG" in text) == (name == "debug")
        assert ("POST /v1/review 401" in text) == (name == "debug")
        for path in server["cwd"].rglob("*"):
            assert marker not in path.name
            if path.is_file():
                assert marker.encode() not in path.read_bytes(), path
