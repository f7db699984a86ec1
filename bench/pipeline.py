"""Figure 3: the event pipeline. From the first of N POSTs until every request
is routed (``route_to_leads``), its requestor confirmed by email (``notify``)
and every subscription of the app drained (Teams, the read model and the rest:
nothing active, locked or scheduled; the leads' own feeds are not the app's), on
a fresh devhost; throughput against intake alone (budget 0.7), and the
latencies submit → routed (the request's history) and submit → email (the
``.eml`` file's write time)."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.intake import ROUTED, SUBMITTED, submit_call, wait_for_pipeline
from bench.live import SCALED_OUT, Devhost, OutboxWatcher, drive, json_call, start_devhost
from bench.report import check, progress, table
from bench.stats import median, percentile

BUDGET_RATIO = 0.7
LEAD = "bench.lead@contoso.com"
TIMEOUT_SECONDS = 600.0
POLL_SECONDS = 0.1


def epoch(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


def undrained(bus_path: Path) -> int:
    """Messages of the app's own subscriptions not yet completed (dead letters aside: those are counted apart)."""
    import sqlite3

    from shared import topology
    from shared.adapters.bus.local_storage import DEAD

    with sqlite3.connect(f"file:{bus_path}?mode=ro", uri=True, timeout=30) as db:
        rows = db.execute("SELECT subscription, COUNT(*) FROM messages WHERE state != ? GROUP BY subscription",
                          (DEAD,)).fetchall()
    return sum(n for name, n in rows if not topology.is_feed(name))


def routed_count(store: Any) -> int:
    from shared.adapters.repositories import StoredRequests
    from shared.app.ports import RequestFilter
    from shared.domain.model import Status

    return StoredRequests(store).count(RequestFilter(statuses=(Status.ROUTED,)))


def routed_requests(devhost: Devhost) -> dict[str, dict[str, Any]]:
    """Every routed request with its history, as a lead sees them through the API."""
    from bench.live import Client

    client = Client(devhost.host, devhost.port)
    found: dict[str, dict[str, Any]] = {}
    token = None
    try:
        while True:
            path = "/api/requests?status=routed&limit=200" + (f"&continuationToken={token}" if token else "")
            answer = client.send(json_call("GET", path, user=LEAD, roles=("FTA.Lead",)))
            if answer.status != 200:
                raise RuntimeError(f"listing routed requests answered {answer.status}")
            page = json.loads(answer.body)
            found.update({item["id"]: item for item in page["items"]})
            token = page.get("continuationToken")
            if not token:
                return found
    finally:
        client.close()


def event_time(request: dict[str, Any], event_type: str) -> float:
    return epoch(next(e["occurredAt"] for e in request["history"] if e["type"] == event_type))


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    from shared.adapters.store.sqlite import SqliteStore

    total = sizes.pipeline_requests
    progress(f"pipeline: {total} requests through a fresh devhost")
    with start_devhost(workdir / "pipeline", *SCALED_OUT) as devhost:
        outbox = OutboxWatcher(devhost.outbox)
        warm = drive(devhost, submit_call, threads=1, total=2, expect=201).completed
        wait_for_pipeline(outbox, warm)
        warm_ids = {e.request_id for e in outbox.scan()}

        store = SqliteStore(devhost.data_dir / "store.sqlite3")
        try:
            load = drive(devhost, submit_call, threads=sizes.intake_threads, total=total, expect=201)
            if load.completed != total:
                raise RuntimeError(f"{load.completed} of {total} POSTs answered 201: {dict(load.statuses)}")
            ids = {json.loads(a.body)["id"] for a in load.answers}
            first_post = min(a.sent_at for a in load.answers)
            deadline = time.monotonic() + TIMEOUT_SECONDS
            while True:
                confirmed = {e.request_id for e in outbox.scan() if e.event == SUBMITTED} & ids
                if len(confirmed) == total and routed_count(store) >= total + warm \
                        and undrained(devhost.data_dir / "bus.sqlite3") == 0:
                    drained_at = time.time()
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"after {TIMEOUT_SECONDS:.0f}s: {len(confirmed)} of {total} confirmed\n"
                                       f"{devhost.log_tail()}")
                time.sleep(POLL_SECONDS)
        finally:
            store.close()
        routed = {rid: r for rid, r in routed_requests(devhost).items() if rid not in warm_ids}
        emails = outbox.scan()

    if set(routed) != ids:
        raise RuntimeError(f"{len(set(routed) & ids)} of {total} requests are routed")
    confirmations = Counter(e.request_id for e in emails if e.event == SUBMITTED and e.request_id in ids)
    email_at = {e.request_id: e.written_at for e in emails if e.event == SUBMITTED and e.request_id in ids}
    submitted_at = {rid: event_time(r, SUBMITTED) for rid, r in routed.items()}
    routed_at = {rid: event_time(r, ROUTED) for rid, r in routed.items()}
    to_routed = [routed_at[rid] - submitted_at[rid] for rid in ids]
    to_email = [email_at[rid] - submitted_at[rid] for rid in ids]
    done = max(max(routed_at.values()), max(email_at.values()), drained_at)  # drained: seen within POLL_SECONDS
    elapsed = done - first_post
    throughput = total / elapsed
    intake = results.get("intake", {}).get("post_per_second")
    intake_source = "intake figure"
    if not intake:
        intake, intake_source = load.per_second, "this run's POST phase"
    ratio = throughput / intake
    latency = {
        "submit_to_routed_s": {"p50": round(median(to_routed), 3), "p95": round(percentile(to_routed, 95), 3)},
        "submit_to_email_s": {"p50": round(median(to_email), 3), "p95": round(percentile(to_email, 95), 3)},
    }
    return {
        "requests": total,
        "routed": len(routed),
        "confirmed": len(confirmations),
        "duplicate_confirmations": sum(n - 1 for n in confirmations.values()),
        "emails": sum(1 for e in emails if e.request_id in ids),
        "seconds": round(elapsed, 3),
        "post_phase_seconds": round(load.seconds, 3),
        "post_phase_per_second": round(load.per_second, 2),
        "throughput_per_second": round(throughput, 2),
        "intake_per_second": round(intake, 2),
        "intake_source": intake_source,
        "ratio": round(ratio, 3),
        "budget_ratio": BUDGET_RATIO,
        **latency,
        "checks": [
            check("Pipeline end to end: submitted → routed, confirmed, every subscription drained; "
                  "throughput / intake (req/s)",
                  f"{throughput:.1f} / {intake:.1f} = {ratio:.2f} ({total} requests in {elapsed:.1f}s)",
                  f"≥ {BUDGET_RATIO:g}", ratio >= BUDGET_RATIO, round(ratio, 3)),
            check("Pipeline latency submit → routed, p50 / p95",
                  f"{latency['submit_to_routed_s']['p50']:.2f} s / {latency['submit_to_routed_s']['p95']:.2f} s",
                  "—", None, latency["submit_to_routed_s"]["p95"]),
            check("Pipeline latency submit → confirmation email, p50 / p95",
                  f"{latency['submit_to_email_s']['p50']:.2f} s / {latency['submit_to_email_s']['p95']:.2f} s",
                  "—", None, latency["submit_to_email_s"]["p95"]),
        ],
    }


def describe(result: dict[str, Any]) -> str:
    rows = [
        ["requests posted / routed / confirmed", f"{result['requests']} / {result['routed']} / {result['confirmed']}"],
        ["emails written (confirmations + lead notices)", result["emails"]],
        ["POST phase", f"{result['post_phase_seconds']:.1f} s ({result['post_phase_per_second']:.1f} req/s)"],
        ["first POST → last routed or confirmed", f"{result['seconds']:.1f} s"],
        ["pipeline throughput", f"{result['throughput_per_second']:.1f} req/s"],
        ["intake alone", f"{result['intake_per_second']:.1f} req/s ({result['intake_source']})"],
    ]
    return "Pipeline:\n\n" + table(["", "value"], rows)
