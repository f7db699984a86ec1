"""Figure 7: the readers of the read model as the stored requests grow.

Counts (``counts=true`` on the list), a lead's queue, the workload balancer,
the SLA report and health, through their use cases, with a small and a large
number of stored requests: on SQLite and on the Cosmos DB protocol server.
Requests are stored directly, arriving at 33 a day (a larger store is a
longer history: the last three days' requests wait or are being worked,
older ones are mostly closed) and the read model is built by ``rebuild`` (which
a test proves equal to what the reporting consumer keeps). Budget: each
reader's median grows by at most 1.3× from the small to the large store; the
stores are open side by side and take turns call by call, so that a pause of
the machine weighs on both alike.
On Cosmos DB the request charge of each read is reported where the server sends one.
"""

from __future__ import annotations

import statistics
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from bench.counting import CountingStore
from bench.report import check, progress, table

BUDGET = 1.3
ARCHITECTS = ["eva.novak@contoso.com", "farid.haddad@contoso.com"]
READERS = ("counts", "lead queue", "balancer", "SLA report", "search", "search by partner", "health")
UNBUDGETED = frozenset({"search by partner"})  # its matches grow with the store: shown, not judged
LAYOUTS = ("spread over days", "all in one day")
# A larger store is a longer history of more customers: each customer has ten
# requests at every size, and the lead looks one up by name. A partner works
# with many customers: one partner in a hundred has a hundredth of all the
# requests, ten times the matches in ten times the store.
REQUESTS_PER_CUSTOMER = 10
SEARCHED = "contoso 0007"  # one customer: ten requests
SEARCHED_PARTNER = "partner 07"  # one partner in a hundred


PER_DAY = 33  # requests a day: a larger store is a longer history, not a longer queue


def seed(ctx: Any, count: int, layout: str = LAYOUTS[0]) -> None:
    """``count`` requests arriving at PER_DAY a day up to the harness's start
    (or all over the working day before it): those of the last three days still
    wait or are being worked; older ones are mostly completed, some cancelled,
    some still assigned. Customers are "Contoso 0000" on, ten requests each;
    partners "Partner 00" to "Partner 99"."""
    from shared.domain.model import FtaRequest, Person, RequestForm
    from tests.factories import form
    from tests.harness import START

    base = RequestForm.model_validate(form(region="emea"))
    for i in range(count):
        if layout == LAYOUTS[0]:
            now = START - timedelta(days=(count - i) / PER_DAY)
        else:
            now = START - timedelta(hours=9) * (count - i) / count
        request = FtaRequest.submit(base, Person(email=f"atu{i % 50}@contoso.com"), now, request_id=f"FTA-B{i:09d}")
        request.customer_name = f"Contoso {i % max(1, count // REQUESTS_PER_CUSTOMER):04d}"
        request.partner = f"Partner {i % 100:02d}"
        request.route("emea-leads", now, ctx.sla)
        later = now + timedelta(hours=3)
        recent, kind = START - now <= timedelta(days=3), i % 10
        if kind == 9 and not recent:
            request.cancel("atu@contoso.com", later)
        elif kind == 8 and recent:
            request.request_info("lee@contoso.com", later, "which tenant?", [], None)
        elif not (recent and kind < 4):
            request.assign(ARCHITECTS[i % 2], "lee@contoso.com", later)
            if not recent and kind != 7:
                request.complete("lee@contoso.com", later + timedelta(days=2))
        for event in request.history:
            event.dispatched = True
        request.pending_dispatch = False
        ctx.requests.add(request)


def _charge(store: Any) -> float | None:
    client = getattr(store, "_client", None)
    headers = getattr(getattr(client, "client_connection", None), "last_response_headers", None) or {}
    value = headers.get("x-ms-request-charge")
    return float(value) if value not in (None, "") else None


def measure(env: Callable[[], dict[str, str]], sizes: tuple[int, ...], calls: int, data_dir: Path,
            layout: str = LAYOUTS[0]) -> dict[str, Any]:
    from shared.app import health, lead_actions, queries, reporting
    from shared.app.commands import ListRequests, SlaReport
    from shared.domain.principal import LEAD, Principal
    from tests.harness import App

    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    lead = Principal(email="lee@contoso.com", name="Lee", roles=frozenset({LEAD}))
    readers: dict[str, Callable[[Any], Any]] = {
        "counts": lambda ctx: queries.list_requests(ctx, lead, ListRequests(counts=True, limit=20)),
        "lead queue": lambda ctx: queries.list_requests(ctx, lead, ListRequests(view="queue", lead_group="emea-leads",
                                                                               limit=20)),
        "balancer": lambda ctx: _balance(ctx, "emea-leads"),
        "SLA report": lambda ctx: reporting.sla_report(ctx, lead, SlaReport()),
        "search": lambda ctx: queries.list_requests(ctx, lead, ListRequests(text=SEARCHED, limit=20)),
        "search by partner": lambda ctx: queries.list_requests(ctx, lead, ListRequests(text=SEARCHED_PARTNER,
                                                                                      limit=20)),
        "health": lambda ctx: health.health(ctx),
    }
    apps: dict[int, Any] = {}
    counters: dict[int, CountingStore] = {}
    try:
        for size in sizes:
            app = apps[size] = App(data_dir / f"n{size}-{layout.split()[0]}", env=env())  # a store of its own
            progress(f"scale: storing {size} requests on {app.ctx.store.name}, {layout}")
            seed(app.ctx, size, layout)
            reporting.rebuild(app.ctx)
            counters[size] = CountingStore(app.ctx.store)
            app.ctx.use_store(counters[size])
        # The sizes take turns call by call, so a pause of the machine falls on both alike.
        found: dict[str, Any] = {str(size): {} for size in sizes}
        for name, reader in readers.items():
            samples: dict[int, list[float]] = {size: [] for size in sizes}
            charges: dict[int, list[float]] = {size: [] for size in sizes}
            before: dict[int, int] = {}
            for size in sizes:
                reader(apps[size].ctx)  # warm
                before[size] = len(counters[size].operations)
            for _ in range(calls):
                for size in sizes:
                    started = time.perf_counter()
                    reader(apps[size].ctx)
                    samples[size].append(time.perf_counter() - started)
                    charge = _charge(counters[size].inner)
                    if charge is not None:
                        charges[size].append(charge)
            for size in sizes:
                ops = counters[size].operations[before[size]:]
                found[str(size)][name] = {
                    "median_ms": round(statistics.median(samples[size]) * 1000, 3),
                    "store_ops_per_call": round(len(ops) / calls, 1),
                    "queries_per_call": round(sum(1 for o in ops if o.kind == "queries") / calls, 1),
                    "last_request_charge": charges[size][-1] if charges[size] else None}
    finally:
        for app in apps.values():
            app.close()
    return found


def _balance(ctx: Any, group: str) -> str | None:
    """The balancer's read: with every architect at their maxOpenAssignments it answers
    "nobody can take it" after the same reads, which is the figure's cost too."""
    from shared.app.errors import WrongState

    try:
        from shared.app import lead_actions

        return lead_actions.balance(ctx, group)
    except WrongState:
        return None


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    import pytest

    from bench.store_economy import cosmos_env
    from tests.integration.cosmos_server import start_cosmos_server, stop_cosmos_server

    sqlite_sizes, cosmos_sizes, calls = sizes.scale_sqlite, sizes.scale_cosmos, sizes.scale_calls
    stores = {f"sqlite, {layout}": measure(dict, sqlite_sizes, calls, workdir / "sqlite", layout) for layout in LAYOUTS}
    try:
        process, endpoint = start_cosmos_server(workdir / "cosmos-server.log")
    except (Exception, pytest.fail.Exception) as exc:
        raise RuntimeError(f"the Cosmos DB protocol server did not start: {exc}") from None
    try:
        stores[f"cosmos, {LAYOUTS[0]}"] = measure(lambda: cosmos_env(endpoint), cosmos_sizes, calls, workdir / "cosmos")
    finally:
        stop_cosmos_server(process)
    checks = []
    for store, by_size in stores.items():
        small, large = list(by_size)
        for reader in READERS:
            a, b = by_size[small][reader]["median_ms"], by_size[large][reader]["median_ms"]
            growth = b / a if a else float("inf")
            # the protocol server scans for ORDER BY and contains
            budgeted = store.startswith("sqlite") and reader not in UNBUDGETED
            checks.append(check(f"Scale on {store}: {reader}, {small} → {large} requests (medians)",
                                f"{a:.2f} ms → {b:.2f} ms = {growth:.2f}×", f"≤ {BUDGET}×" if budgeted else "—",
                                growth <= BUDGET if budgeted else None, round(growth, 3)))
    return {"stores": stores, "calls": calls, "checks": checks}


def describe(result: dict[str, Any]) -> str:
    rows = []
    for store, by_size in result["stores"].items():
        for size, figures in by_size.items():
            for reader, f in figures.items():
                charge = "—" if f["last_request_charge"] is None else f"{f['last_request_charge']:.2f} RU"
                rows.append([store, size, reader, f"{f['median_ms']:.2f}", f["store_ops_per_call"],
                             f["queries_per_call"], charge])
    return "\n".join([
        f"Readers of the read model by stored requests ({result['calls']} calls each):", "",
        table(["store", "requests", "reader", "median ms", "store ops / call", "queries / call",
               "request charge (last read)"], rows)])
