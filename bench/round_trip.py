"""Figure 6: the keep-alive round trip. Milliseconds per ``GET /api/health``
on one persistent HTTP/1.1 connection to devhost, against the same on a bare
ASGI app (``bench.bare_asgi``: a small JSON) served by the same uvicorn in the
same venv; both servers run at once and are measured in alternating rounds.

What it guards: per-request costs of the host itself (socket options such as
``TCP_NODELAY``, the ASGI layer, the hop to the invocation threads). Without
``TCP_NODELAY`` every answer waits for the client's delayed ACK (~40 ms)."""

from __future__ import annotations

import http.client
import os
import select
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from bench import REPO
from bench.cold_start import ISOLATED_PREFIXES
from bench.live import START_TIMEOUT_SECONDS, start_devhost
from bench.report import check, progress, table
from bench.stats import median, percentile

BUDGET_RATIO = 5.0
PATH = "/api/health"
WARMUP = 20


@contextmanager
def bare_server(log_path: Path) -> Iterator[tuple[str, int]]:
    """``bench.bare_asgi`` in its own process; yields its host and port."""
    from bench.bare_asgi import READY

    environment = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "bench.bare_asgi"], cwd=REPO, env=environment,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
        line = process.stdout.readline() if ready else ""
        if READY not in line:
            raise RuntimeError(f"bench.bare_asgi did not start: {line!r} {log_path.read_text(errors='replace')[-2000:]}")
        host, port = line.split(READY, 1)[1].strip().removeprefix("http://").rsplit(":", 1)
        yield host, int(port)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def round_trips(host: str, port: int, requests: int, warmup: int = WARMUP) -> list[float]:
    """Seconds per ``GET`` on one kept-alive connection, after ``warmup`` calls."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    timings: list[float] = []
    try:
        for index in range(warmup + requests):
            started = time.perf_counter()
            connection.request("GET", PATH)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"GET {PATH} on port {port}: {response.status}")
            if response.will_close:
                raise RuntimeError(f"port {port} closed the kept-alive connection")
            if index >= warmup:
                timings.append(elapsed)
    finally:
        connection.close()
    return timings


def summary(timings: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(median(timings) * 1000, 3),
        "p95_ms": round(percentile(timings, 95) * 1000, 3),
        "mean_ms": round(sum(timings) / len(timings) * 1000, 3),
    }


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    rounds, requests = sizes.round_trip_rounds, sizes.round_trip_requests
    progress(f"round trip: {rounds} round(s) × {requests} keep-alive GET {PATH} on devhost and on a bare ASGI app")
    samples: dict[str, list[float]] = {"devhost": [], "bare": []}
    with start_devhost(workdir / "devhost") as devhost, bare_server(workdir / "bare.log") as bare:
        targets = {"devhost": (devhost.host, devhost.port), "bare": bare}
        for index in range(rounds):
            order = ("devhost", "bare") if index % 2 == 0 else ("bare", "devhost")
            for name in order:
                samples[name] += round_trips(*targets[name], requests)
    app, floor = summary(samples["devhost"]), summary(samples["bare"])
    ratio = app["median_ms"] / floor["median_ms"]
    return {
        "devhost": app,
        "bare_asgi": floor,
        "ratio": round(ratio, 3),
        "budget_ratio": BUDGET_RATIO,
        "rounds": rounds,
        "requests": requests,
        "samples": {name: len(values) for name, values in samples.items()},
        "checks": [
            check(f"Keep-alive round trip: GET {PATH} on devhost / bare ASGI app, same uvicorn (medians)",
                  f"{app['median_ms']:.2f} ms / {floor['median_ms']:.2f} ms = {ratio:.2f}×", f"≤ {BUDGET_RATIO:g}×",
                  ratio <= BUDGET_RATIO, round(ratio, 3)),
        ],
    }


def describe(result: dict[str, Any]) -> str:
    rows = [[label, f"{r['median_ms']:.3f}", f"{r['p95_ms']:.3f}", f"{r['mean_ms']:.3f}"]
            for label, r in ((f"devhost GET {PATH}", result["devhost"]), ("bare ASGI app (small JSON)", result["bare_asgi"]))]
    return "\n".join([
        f"Keep-alive round trip ({result['rounds']} round(s) × {result['requests']} requests per server on one "
        "HTTP/1.1 connection each, alternating):",
        "",
        table(["server", "median ms", "p95 ms", "mean ms"], rows),
    ])
