"""Figure 2: intake. Requests per second of ``POST /api/requests`` against
``GET /api/requests/{id}`` (the requestor reading a request: sign-in, one point
read, the view) on the same devhost with the same number of keep-alive
clients, in alternating rounds of fixed duration; the event pipeline runs
behind the POSTs as it does in production, and is drained between rounds.

The read is the baseline because it pays what every call pays and one store
operation; a submission pays validation, eligibility, the submission counter
(a replace on the ETag its host remembers), the conditional create with its
search index entry, and the publish. The public health probe, the old baseline, now
answers from a 30 s cache and measures the server, not the app (the
keep-alive round-trip figure compares it with a bare ASGI app)."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.live import SCALED_OUT, Call, Client, Devhost, OutboxWatcher, drive, json_call, start_devhost
from bench.report import check, progress, table
from bench.stats import median

BUDGET_RATIO = 0.4  # a submission costs at most two and a half reads of one request
SUBMITTED, ROUTED = "request.submitted", "request.routed"
DRAIN_TIMEOUT_SECONDS = 300.0


def user(thread: int) -> str:
    return f"bench.user{thread}@contoso.com"


def submit_call(thread: int, n: int) -> Call:
    from tests.factories import form

    return json_call("POST", "/api/requests", form(tpid=str(100000 + n)), user=user(thread))


READ_IDS: dict[int, str] = {}  # thread -> a request that thread's user made in the warm-up


def read_call(thread: int, n: int) -> Call:
    return json_call("GET", f"/api/requests/{READ_IDS[thread]}", user=user(thread))


def wait_for_pipeline(outbox: OutboxWatcher, requests: int, timeout: float = DRAIN_TIMEOUT_SECONDS) -> float:
    """Seconds until ``requests`` requestors are confirmed and as many lead notices are written."""
    started = time.perf_counter()
    deadline = started + timeout
    while True:
        events = Counter(sent.event for sent in outbox.scan())
        if events[SUBMITTED] >= requests and events[ROUTED] >= requests:
            return time.perf_counter() - started
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the pipeline did not drain within {timeout:.0f}s: {events[SUBMITTED]} confirmations "
                               f"and {events[ROUTED]} lead notices for {requests} requests")
        time.sleep(0.05)


def warm_up(devhost: Devhost, outbox: OutboxWatcher, threads: int) -> int:
    """A few calls of each kind so that lazy start-up costs stay out of the rounds; returns requests created."""
    client = Client(devhost.host, devhost.port)
    try:
        for thread in range(threads):  # each client's user reads a request of its own
            answer = client.send(submit_call(thread, 90000 + thread))
            if answer.status != 201:
                raise RuntimeError(f"warm-up submission answered {answer.status}: {answer.body[:200]!r}")
            READ_IDS[thread] = json.loads(answer.body)["id"]
    finally:
        client.close()
    drive(devhost, read_call, threads=threads, total=10 * threads)
    created = drive(devhost, submit_call, threads=threads, total=10 * threads, expect=201)
    wait_for_pipeline(outbox, created.completed + threads)
    return created.completed + threads


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    progress(f"intake: {sizes.intake_rounds} round(s) × {sizes.intake_seconds:g}s of POST and of GET a request, "
             f"{sizes.intake_threads} clients")
    rounds: dict[str, list[dict[str, Any]]] = {"post": [], "read": []}
    with start_devhost(workdir / "intake", *SCALED_OUT) as devhost:
        outbox = OutboxWatcher(devhost.outbox)
        created = warm_up(devhost, outbox, sizes.intake_threads)
        for index in range(sizes.intake_rounds):
            order = ("read", "post") if index % 2 == 0 else ("post", "read")
            for kind in order:
                if kind == "post":
                    load = drive(devhost, submit_call, threads=sizes.intake_threads, seconds=sizes.intake_seconds, expect=201)
                    created += load.completed
                    drained = wait_for_pipeline(outbox, created)
                else:
                    load = drive(devhost, read_call, threads=sizes.intake_threads, seconds=sizes.intake_seconds)
                    drained = 0.0
                if load.completed == 0 or load.errors or set(load.statuses) - {201 if kind == "post" else 200}:
                    raise RuntimeError(f"{kind} round failed: statuses {dict(load.statuses)}, "
                                       f"{load.errors} connection errors\n{devhost.log_tail()}")
                latencies = sorted(a.seconds for a in load.answers)
                rounds[kind].append({
                    "per_second": round(load.per_second, 2),
                    "calls": load.completed,
                    "seconds": round(load.seconds, 3),
                    "median_latency_ms": round(median(latencies) * 1000, 2),
                    "drain_seconds": round(drained, 3),
                })
    post = median([r["per_second"] for r in rounds["post"]])
    read = median([r["per_second"] for r in rounds["read"]])
    ratio = post / read
    return {
        "post_per_second": round(post, 2),
        "read_per_second": round(read, 2),
        "ratio": round(ratio, 3),
        "budget_ratio": BUDGET_RATIO,
        "threads": sizes.intake_threads,
        "round_seconds": sizes.intake_seconds,
        "rounds": rounds,
        "requests_created": created,
        "checks": [
            check("Intake: POST /api/requests / GET /api/requests/{id} (req/s, medians)",
                  f"{post:.0f} / {read:.0f} = {ratio:.2f}", f"≥ {BUDGET_RATIO:g}", ratio >= BUDGET_RATIO,
                  round(ratio, 3)),
        ],
    }


def describe(result: dict[str, Any]) -> str:
    rows = []
    for kind, label in (("post", "POST /api/requests (201)"), ("read", "GET /api/requests/{id} (200)")):
        for index, r in enumerate(result["rounds"][kind], 1):
            rows.append([label, index, f"{r['per_second']:.1f}", r["calls"], f"{r['median_latency_ms']:.1f}"])
    return "\n".join([
        f"Intake ({result['threads']} keep-alive clients, rounds of {result['round_seconds']:g}s; "
        "the pipeline drained between rounds):",
        "",
        table(["call", "round", "req/s", "answers", "median latency ms"], rows),
    ])
