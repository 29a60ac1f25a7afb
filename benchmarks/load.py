"""Load test for ``cleanclaim serve``: N concurrent clients for a fixed time.

Starts a local server (unless ``--url`` is given), runs ``--clients`` closed-loop clients that
POST a ~300-word note to ``/v1/review`` for ``--duration`` seconds, then prints latency
percentiles, throughput, error counts by status and whether the server is healthy afterwards.

    python benchmarks/load.py --clients 20 --duration 60
    python benchmarks/load.py --clients 100 --duration 30 --queue-size 32
    python benchmarks/load.py --url http://127.0.0.1:8000 --clients 10 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

#: A made-up nurse-visit note of about 300 words (no real patient).
NOTE = (
    "NURSE VISIT - INJECTION\n"
    "\n"
    "Chief complaint: Scheduled monthly vitamin B12 injection.\n"
    "\n"
    "History of present illness: 58-year-old woman with pernicious anemia diagnosed "
    "two years ago, confirmed by positive intrinsic factor antibodies and low serum "
    "B12. She has been on monthly cyanocobalamin injections since diagnosis. Reports "
    "mild tingling in both feet that has improved since starting therapy. Denies "
    "chest pain, shortness of breath, or new numbness. No missed doses since last "
    "visit. Energy level is better than last spring. She is not taking oral B12 "
    "supplements.\n"
    "\n"
    "Past medical history: Hypothyroidism, on levothyroxine. Osteoarthritis of the "
    "right knee. No history of anaphylaxis.\n"
    "\n"
    "Medications: Levothyroxine 75 mcg by mouth daily. Acetaminophen as needed for "
    "knee pain.\n"
    "\n"
    "Allergies: Penicillin (rash).\n"
    "\n"
    "Vitals: BP 128/76, HR 72, Temp 98.1 F, SpO2 98% on room air. Weight 68 kg.\n"
    "\n"
    "Review of systems: Negative except as noted in HPI.\n"
    "\n"
    "Assessment:\n"
    "1. Pernicious anemia (D51.0), stable on maintenance therapy.\n"
    "2. Hypothyroidism, stable.\n"
    "\n"
    "Plan:\n"
    "Cyanocobalamin 1000 mcg IM administered to the left deltoid by Jane Roe, RN, "
    "under the supervision of Dr. Patel, who was present in the clinic suite. Lot "
    "number B12-4471, expiration 03/2027. Site cleaned with alcohol prior to "
    "injection. Patient tolerated the injection well with no bleeding or redness at "
    "the site. Observed for 15 minutes after administration without any reaction. "
    "Patient was educated on signs of injection site infection and told to call the "
    "office for fever, swelling, or spreading redness.\n"
    "\n"
    "Labs: CBC and B12 level to be repeated in three months. Continue levothyroxine "
    "at current dose; TSH at the next annual visit.\n"
    "\n"
    "Follow-up: Return in four weeks for the next cyanocobalamin injection. Patient "
    "verbalized understanding of the plan and agrees with it. Total nurse time was 10"
    " minutes, all of it spent on the injection and education.\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-c",
        "from cleanclaim.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--queue-size",
        str(args.queue_size),
        "--mode",
        args.mode,
        "--log-level",
        "warning",
        *(["--rules-only"] if args.rules_only else []),
    ]
    proc = subprocess.Popen(cmd, env={**os.environ, "CLEANCLAIM_API_KEY": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not become healthy within 180 s")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def client(
    http: httpx.AsyncClient,
    url: str,
    body: bytes,
    stop: float,
    latencies: list[float],
    statuses: Counter[str],
) -> None:
    headers = {"content-type": "application/json"}
    while time.monotonic() < stop:
        t0 = time.perf_counter()
        try:
            resp = await http.post(url + "/v1/review", content=body, headers=headers)
            await resp.aread()
            key = str(resp.status_code)
            if resp.status_code == 503:
                # Back-pressure: honour Retry-After (capped) like a well-behaved client.
                await asyncio.sleep(min(float(resp.headers.get("retry-after", "1")), 1.0))
        except httpx.HTTPError as err:
            key = type(err).__name__
        statuses[key] += 1
        if key == "200":
            latencies.append(time.perf_counter() - t0)


async def run(
    url: str, clients: int, duration: float, text: str, api_key: str | None
) -> dict[str, object]:
    body = json.dumps({"id": "load", "text": text}).encode()
    headers = {"x-api-key": api_key} if api_key else {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers) as http:
        # Warm up the connections and workers outside the measured window.
        await asyncio.gather(
            *(
                http.post(
                    url + "/v1/review", content=body, headers={"content-type": "application/json"}
                )
                for _ in range(min(clients, 4))
            )
        )
        started = time.monotonic()
        stop = started + duration
        await asyncio.gather(
            *(client(http, url, body, stop, latencies, statuses) for _ in range(clients))
        )
        elapsed = time.monotonic() - started
        health = await http.get(url + "/healthz")
    return {
        "clients": clients,
        "duration_s": round(elapsed, 1),
        "requests": sum(statuses.values()),
        "ok": statuses.get("200", 0),
        "throughput_rps": round(statuses.get("200", 0) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "by_status": dict(sorted(statuses.items())),
        "errors_other_than_503": sum(n for k, n in statuses.items() if k not in ("200", "503")),
        "healthy_after": health.status_code == 200,
        "note_words": len(text.split()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="An already running server; otherwise one is started.")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load.")
    parser.add_argument(
        "--note", type=Path, help="Note file to send (default: a built-in ~300-word note)."
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="Server workers (when started here)."
    )
    parser.add_argument(
        "--queue-size", type=int, default=64, help="Server queue (when started here)."
    )
    parser.add_argument("--mode", choices=("process", "thread"), default="process")
    parser.add_argument(
        "--rules-only", action="store_true", help="Start the server without the model."
    )
    parser.add_argument("--api-key", default=os.environ.get("CLEANCLAIM_API_KEY"))
    parser.add_argument("--json", action="store_true", help="Print the result as one JSON object.")
    args = parser.parse_args()
    text = args.note.read_text(encoding="utf-8") if args.note else NOTE
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server(args)
        args.api_key = None
    try:
        result = asyncio.run(run(url.rstrip("/"), args.clients, args.duration, text, args.api_key))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
