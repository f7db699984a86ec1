"""Figure: ETag retries per event in the read model's consumer under contention.

Requests submitted in one day (the worst case: every event of the day meets
the same SLA day document and the same four shards of the current figures)
are stored with their whole history; then their events are handed, in the
order they happened, to 16 concurrent ``update_reports`` calls (the host's
``maxConcurrentCalls``) in one process on SQLite, and to two processes of 16
each on one Cosmos DB protocol server. A retry is a conditional write of the
read model that lost its ETag race (or a create that met one already made):
counted by a ``CountingStore``. Budget: under 1 retry per event on average.
Afterwards the figures must equal a rebuild's.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.counting import CountingStore
from bench.report import check, progress, table

CONSUMERS = 16
PROCESSES = 2
BUDGET = 1.0
ARCHITECTS = ["eva.novak@contoso.com", "farid.haddad@contoso.com", "ana.alves@contoso.com"]


def seed(ctx: Any, count: int) -> None:
    """``count`` requests submitted and routed over one working day; two in three assigned, one in four of those completed."""
    from shared.domain.model import FtaRequest, Person, RequestForm
    from tests.factories import form
    from tests.harness import START

    forms = [RequestForm.model_validate(form(region=region)) for region in ("emea", "americas", "asia")]
    for i in range(count):
        now = START + timedelta(hours=9) * i / count
        request = FtaRequest.submit(forms[i % 3], Person(email=f"atu{i % 50}@contoso.com"), now,
                                    request_id=f"FTA-C{i:09d}")
        request.route(("emea-leads", "americas-leads", "asia-leads")[i % 3], now, ctx.sla)
        if i % 3:
            request.assign(ARCHITECTS[i % 3], "lee@contoso.com", now + timedelta(minutes=7 * (i % 11)))
            if i % 4 == 0:
                request.complete("lee@contoso.com", now + timedelta(hours=2))
        for event in request.history:
            event.dispatched = True
        request.pending_dispatch = False
        ctx.requests.add(request)


def stored_events(ctx: Any) -> list[Any]:
    from shared.app.ports import RequestFilter

    events, continuation = [], None
    while True:
        page = ctx.requests.newest_first(RequestFilter(), limit=500, continuation=continuation)
        events += [event for request in page.items for event in request.history]
        continuation = page.continuation
        if continuation is None:
            return sorted(events, key=lambda e: (e.occurred_at, e.id))


class AsPublished:
    """The requests repository as the consumer meets it when each event has just
    been published: the request's history ends at that event (the most writes:
    every event that moves a figure is its own change)."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.local = threading.local()

    def get(self, request_id: str) -> Any:
        found = self.inner.get(request_id)
        if found is None:
            return None
        request, etag = found
        return request.model_copy(update={"history": request.history[:self.local.seq]}), etag

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def consume(ctx: Any, events: list[Any], consumers: int) -> dict[str, Any]:
    """Deliver ``events`` to ``consumers`` concurrent calls of the consumer; its store's tally."""
    from shared.app import reporting
    from shared.app.errors import Busy

    counting = CountingStore(ctx.store)
    ctx.use_store(counting)
    ctx.requests = published = AsPublished(ctx.requests)
    lost = {"save_projection": 0, "save_aggregate": 0}
    lost_lock = threading.Lock()

    def losing(name: str) -> Any:
        real = getattr(ctx.reports, name)

        def save(doc: Any) -> str:
            try:
                return real(doc)
            except Exception:
                with lost_lock:
                    lost[name] += 1
                raise
        return save

    for name in list(lost):
        setattr(ctx.reports, name, losing(name))
    work: queue.Queue = queue.Queue()
    for event in events:
        work.put(event)
    redelivered = [0]

    def consumer() -> None:
        while True:
            try:
                event = work.get_nowait()
            except queue.Empty:
                return
            published.local.seq = reporting.event_sequence(event)
            try:
                reporting.update_reports(ctx, event)
            except Busy:  # the bus would redeliver it
                redelivered[0] += 1
                work.put(event)

    started = time.perf_counter()
    threads = [threading.Thread(target=consumer) for _ in range(consumers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ops = [o for o in counting.snapshot() if o.container == "reports"]
    return {"events": len(events), "seconds": round(seconds, 2), "redelivered": redelivered[0],
            "retries": sum(1 for o in ops if o.kind == "writes" and not o.ok),
            "aggregate_retries": lost["save_aggregate"], "projection_retries": lost["save_projection"],
            "writes": sum(1 for o in ops if o.kind == "writes" and o.ok),
            "reads": sum(1 for o in ops if o.kind == "reads")}


def figures_match_rebuild(ctx: Any) -> bool:
    from shared.app import reporting
    from shared.domain import reporting as rules
    from tests.harness import START

    ctx.requests = getattr(ctx.requests, "inner", ctx.requests)
    keys = [rules.current_key(s) for s in range(rules.SHARDS)] + [rules.day_key(START.date())]
    incremental = reporting.snapshot(ctx, keys)
    reporting.rebuild(ctx)
    return reporting.snapshot(ctx, keys) == incremental


def measure_sqlite(count: int, data_dir: Path) -> dict[str, Any]:
    from tests.harness import App

    app = App(data_dir)
    try:
        seed(app.ctx, count)
        tally = consume(app.ctx, stored_events(app.ctx), CONSUMERS)
        tally["matches_rebuild"] = figures_match_rebuild(app.ctx)
    finally:
        app.close()
    return {**tally, "processes": 1}


def worker(env_json: str, part: int, parts: int) -> None:
    """One consumer process: every ``parts``-th event from ``part``, on 16 threads; its tally as JSON on stdout."""
    from shared import bootstrap
    from shared.settings import load_settings
    from tests.clock import ManualClock
    from tests.harness import START

    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    ctx = bootstrap.build(load_settings(json.loads(env_json)), clock=ManualClock(START))
    try:
        events = stored_events(ctx)[part::parts]
        print(json.dumps(consume(ctx, events, CONSUMERS)))
    finally:
        ctx.close()


def measure_cosmos(count: int, workdir: Path) -> dict[str, Any]:
    import pytest

    from bench.store_economy import cosmos_env
    from tests.harness import App
    from tests.integration.cosmos_server import start_cosmos_server, stop_cosmos_server

    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    try:
        process, endpoint = start_cosmos_server(workdir / "cosmos-server.log")
    except (Exception, pytest.fail.Exception) as exc:
        raise RuntimeError(f"the Cosmos DB protocol server did not start: {exc}") from None
    try:
        env = {**cosmos_env(endpoint), "FTA_DATA_DIR": str(workdir / "cosmos")}
        app = App(workdir / "cosmos", env=env)
        try:
            seed(app.ctx, count)
            workers = [subprocess.Popen([sys.executable, "-m", "bench.contention", json.dumps(env), str(part),
                                         str(PROCESSES)], stdout=subprocess.PIPE, text=True,
                                        cwd=Path(__file__).resolve().parent.parent)
                       for part in range(PROCESSES)]
            tallies = []
            for each in workers:
                out, _ = each.communicate(timeout=600)
                if each.returncode != 0:
                    raise RuntimeError(f"a consumer process failed ({each.returncode})")
                tallies.append(json.loads(out.strip().splitlines()[-1]))
            total = {key: sum(t[key] for t in tallies) for key in ("events", "redelivered", "retries", "writes", "reads",
                                                                  "aggregate_retries", "projection_retries")}
            total["seconds"] = max(t["seconds"] for t in tallies)
            total["matches_rebuild"] = figures_match_rebuild(app.ctx)
        finally:
            app.close()
    finally:
        stop_cosmos_server(process)
    return {**total, "processes": PROCESSES}


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    count = getattr(sizes, "contention_requests", 300)
    progress(f"contention: {count} requests' events, {CONSUMERS} consumers, on SQLite")
    stores = {"sqlite": measure_sqlite(count, workdir / "sqlite")}
    progress(f"contention: {count} requests' events, {PROCESSES} processes × {CONSUMERS} consumers, on the Cosmos DB "
             "protocol server")
    stores["cosmos"] = measure_cosmos(count, workdir)
    checks = []
    for name, s in stores.items():
        s.setdefault("aggregate_retries", 0)
        per_event = s["retries"] / s["events"] if s["events"] else 0.0
        s["retries_per_event"] = round(per_event, 3)
        checks.append(check(
            f"Read model ETag retries per event, {s['processes']} × {CONSUMERS} consumers on {name}",
            f"{per_event:.3f} ({s['retries']} retries, {s['events']} events, {s['redelivered']} redelivered, "
            f"{'figures = rebuild' if s['matches_rebuild'] else 'figures ≠ rebuild'})",
            f"< {BUDGET:g}", per_event < BUDGET and s["matches_rebuild"], round(per_event, 3)))
    return {"stores": stores, "checks": checks}


def describe(result: dict[str, Any]) -> str:
    rows = [[name, f"{s['processes']} × {CONSUMERS}", s["events"],
             f"{s['retries']} ({s['aggregate_retries']} aggregate, {s['projection_retries']} projection)",
             f"{s['retries_per_event']:.3f}",
             f"{s['reads'] / s['events']:.2f}", f"{s['writes'] / s['events']:.2f}", s["redelivered"],
             f"{s['events'] / s['seconds']:.0f}" if s["seconds"] else "—"]
            for name, s in result["stores"].items()]
    return "\n".join([
        "The read model's consumer under contention (one day's events, in the order they happened):", "",
        table(["store", "processes × consumers", "events", "ETag retries", "retries / event", "reads / event",
               "writes / event", "redelivered (Busy)", "events / s"], rows)])


if __name__ == "__main__":
    worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
