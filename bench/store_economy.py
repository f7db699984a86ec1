"""Figure 4: store operations per request lifecycle, by kind, on SQLite and on
the Cosmos DB protocol server, and the request units that would cost.

The app's own functions run in process (``tests.harness.App``) with the
context's store wrapped in a ``CountingStore``; the bus is drained message by
message so that each operation is labelled with the function and event that
caused it. A lifecycle: submit, route, notify (submitted), notify (routed),
assign, notify (assigned), and what the Teams and reporting subscriptions do
with each event (every subscription of the app is drained).
"""

from __future__ import annotations

import math
import uuid
import warnings
from pathlib import Path
from typing import Any

from bench.counting import CountingStore, Operation
from bench.report import check, progress, table

READ_RU_PER_KB = 1.0
WRITE_RU_PER_KB = 5.0
QUERY_RU_MIN = 2.9
RU_BUDGET = 100.0
SYSTEM_PROPERTIES_BYTES = 200  # _rid, _self, _etag, _attachments, _ts that Cosmos DB adds to each document
FORMULA = (
    "RU ≈ Σ point reads ⌈KB⌉ × 1 + Σ writes ⌈KB⌉ × 5 + queries × 2.9, "
    f"KB = (JSON of the document + {SYSTEM_PROPERTIES_BYTES} B of system properties) / 1024, "
    "a read of a missing document 1 RU, a delete 5 RU"
)

REQUESTOR = "bench.requestor@contoso.com"
LEAD = "bench.lead@contoso.com"
ARCHITECT = "eva.novak@contoso.com"
LIFECYCLE_PHASES = (
    "submit (create_request)",
    "route_to_leads (request.submitted)",
    "notify (request.submitted)",
    "notify (request.routed)",
    "assign (assign_request)",
    "notify (request.assigned)",
)
PIPELINE_FUNCTIONS = ("route_to_leads", "notify", "post_to_teams", "update_reports")
KINDS = ("reads", "writes", "queries")
OPS = ("read", "create", "replace", "delete", "query", "count")


def kilobytes(size_bytes: int) -> int:
    return max(1, math.ceil((size_bytes + SYSTEM_PROPERTIES_BYTES) / 1024))


def request_units(operation: Operation) -> float:
    if operation.kind == "queries":
        return QUERY_RU_MIN
    if operation.op == "delete":
        return WRITE_RU_PER_KB
    if operation.op == "read":
        return READ_RU_PER_KB * (kilobytes(operation.size_bytes) if operation.ok else 1)
    return WRITE_RU_PER_KB * kilobytes(operation.size_bytes)


def _drain(app: Any, counting: CountingStore) -> None:
    """Deliver every message on the bus to its function, one at a time, labelling the phase."""
    from devhost.servicebus import to_function_message
    from shared import topology
    from tests.harness import FUNCTIONS

    names = {topology.ROUTE_TO_LEADS: "route_to_leads", topology.NOTIFY: "notify", topology.TEAMS: "post_to_teams",
             topology.REPORTING: "update_reports"}
    for _ in range(50):
        progressed = False
        for subscription, function in names.items():
            for message in app.ctx.bus.receive(subscription, max_messages=50):
                progressed = True
                counting.phase = f"{function} ({message.subject})"
                FUNCTIONS[function].get_user_function()(to_function_message(message))
                app.ctx.bus.complete(message)
        if not progressed:
            return
    raise RuntimeError("the bus did not drain")


def run_lifecycle(app: Any, counting: CountingStore) -> list[Operation]:
    from tests.factories import form

    counting.reset()
    counting.phase = LIFECYCLE_PHASES[0]
    created = app.submit(form(), user=REQUESTOR)
    if created.status != 201:
        raise RuntimeError(f"submit answered {created.status}: {created.body}")
    request_id = created.body["id"]
    _drain(app, counting)
    counting.phase = LIFECYCLE_PHASES[4]
    assigned = app.act("assign", request_id, user=LEAD, roles=("FTA.Lead",), body={"architect": ARCHITECT})
    if assigned.status != 200:
        raise RuntimeError(f"assign answered {assigned.status}: {assigned.body}")
    _drain(app, counting)
    operations = counting.snapshot()
    counting.phase = "check"
    final = app.get(request_id, user=LEAD, roles=("FTA.Lead",))
    if final.body["status"] != "assigned":
        raise RuntimeError(f"the lifecycle ended in status {final.body['status']}")
    return operations


def summarize(lifecycles: list[list[Operation]]) -> dict[str, Any]:
    """Counts of one lifecycle (the last) by phase, op and kind; ``stable`` when every lifecycle matched."""
    def shape(ops: list[Operation]) -> list[tuple[str, str, str]]:
        return sorted((o.phase, o.op, o.container) for o in ops)

    ops = lifecycles[-1]
    phases: dict[str, dict[str, Any]] = {}
    for phase in dict.fromkeys([*LIFECYCLE_PHASES, *(o.phase for o in ops)]):
        mine = [o for o in ops if o.phase == phase]
        phases[phase] = {
            **{op: sum(1 for o in mine if o.op == op) for op in OPS},
            **{kind: sum(1 for o in mine if o.kind == kind) for kind in KINDS},
            "ru": round(sum(request_units(o) for o in mine), 1),
            "containers": {
                c: {op: n for op in OPS if (n := sum(1 for o in mine if o.container == c and o.op == op))}
                for c in sorted({o.container for o in mine})
            },
        }
    pipeline = [o for o in ops if o.phase.split(" ")[0] in PIPELINE_FUNCTIONS]
    return {
        "lifecycles": len(lifecycles),
        "stable": all(shape(run) == shape(ops) for run in lifecycles),
        "phases": phases,
        "totals": {
            **{op: sum(1 for o in ops if o.op == op) for op in OPS},
            **{kind: sum(1 for o in ops if o.kind == kind) for kind in KINDS},
        },
        "by_container": {c: sum(1 for o in ops if o.container == c) for c in sorted({o.container for o in ops})},
        "pipeline_queries": sum(1 for o in pipeline if o.kind == "queries"),
        "pipeline_operations": len(pipeline),
        "failed_operations": sum(1 for o in ops if not o.ok and not (o.op == "read" and o.container == "reports")),
        # a new request's projection is read before it exists (1 RU on Cosmos DB): a miss, not a failure
        "read_model_misses": sum(1 for o in ops if not o.ok and o.op == "read" and o.container == "reports"),
        "request_document_bytes_max": max((o.size_bytes for o in ops if o.container == "requests"), default=0),
        "ru_estimate": round(sum(request_units(o) for o in ops), 1),
    }


def steady_read_model(ctx: Any) -> None:
    """The read model's aggregate documents as a running system has them (they
    exist), so that every lifecycle replaces them alike instead of the first creating them."""
    from shared.app.ports import Aggregate
    from shared.domain import reporting as rules

    for key in [rules.current_key(s) for s in range(rules.SHARDS)] + [
            rules.day_key(ctx.clock().date(), s) for s in range(rules.SHARDS)]:
        if ctx.reports.aggregate(key) is None:
            ctx.reports.save_aggregate(Aggregate(key, {}))


def measure_store(env: dict[str, str], lifecycles: int, data_dir: Path) -> dict[str, Any]:
    from shared.adapters.store.base import DocumentStore
    from tests.harness import App

    warnings.filterwarnings("ignore", message="Unverified HTTPS request")  # the loopback protocol server's own certificate
    app = App(data_dir, env=env)
    try:
        counting = CountingStore(app.ctx.store)
        if not isinstance(counting, DocumentStore):
            raise TypeError("CountingStore does not implement the DocumentStore port")
        app.ctx.use_store(counting)
        steady_read_model(app.ctx)
        # One lifecycle first, not counted: it creates the requestor's submission counter, which every
        # later submission within two hours replaces on the ETag the host remembers (the steady state).
        run_lifecycle(app, counting)
        runs = [run_lifecycle(app, counting) for _ in range(lifecycles)]
    finally:
        app.close()
    return {"backend": counting.name, **summarize(runs)}


def cosmos_env(endpoint: str) -> dict[str, str]:
    from tests.integration.cosmos_server import EMULATOR_KEY

    return {
        "FTA_STORE": "cosmos",
        "COSMOS_ENDPOINT": endpoint,
        "COSMOS_KEY": EMULATOR_KEY,
        "COSMOS_VERIFY_TLS": "false",
        "COSMOS_CREATE_CONTAINERS": "true",
        "COSMOS_DATABASE": f"bench-{uuid.uuid4().hex[:8]}",
    }


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    import pytest

    from tests.integration.cosmos_server import start_cosmos_server, stop_cosmos_server

    progress(f"store economy: {sizes.lifecycles} lifecycle(s) on SQLite")
    stores = {"sqlite": measure_store({}, sizes.lifecycles, workdir / "economy-sqlite")}
    progress(f"store economy: {sizes.lifecycles} lifecycle(s) on the Cosmos DB protocol server")
    log_path = workdir / "cosmos-server.log"
    try:
        process, endpoint = start_cosmos_server(log_path)
    except (Exception, pytest.fail.Exception) as exc:  # the fixture's helper reports with pytest.fail
        raise RuntimeError(f"the Cosmos DB protocol server did not start: {exc}") from None
    try:
        stores["cosmos"] = measure_store(cosmos_env(endpoint), sizes.lifecycles, workdir / "economy-cosmos")
    finally:
        stop_cosmos_server(process)
    return judge(stores)


def _same(stores: dict[str, Any], key: str) -> bool:
    values = [s[key] for s in stores.values()]
    return all(v == values[0] for v in values)


def judge(stores: dict[str, Any]) -> dict[str, Any]:
    totals = stores["sqlite"]["totals"]
    same = _same(stores, "totals") and all(s["stable"] for s in stores.values())
    shown = ", ".join(
        f"{name}: {s['totals']['reads']} reads, {s['totals']['writes']} writes, {s['totals']['queries']} queries"
        for name, s in stores.items()
    )
    pipeline_queries = max(s["pipeline_queries"] for s in stores.values())
    checks = [
        check("Store ops per lifecycle (reads / writes / queries)", shown, "same on every store and every lifecycle",
              same, totals["reads"] + totals["writes"] + totals["queries"]),
        check("Store queries in the event pipeline (route_to_leads, notify, post_to_teams, update_reports)",
              str(pipeline_queries), "0",
              pipeline_queries == 0, pipeline_queries),
        check("Estimated request units per lifecycle (Cosmos DB)", f"{stores['cosmos']['ru_estimate']:.1f} RU",
              f"≤ {RU_BUDGET:g} RU", stores["cosmos"]["ru_estimate"] <= RU_BUDGET, stores["cosmos"]["ru_estimate"]),
    ]
    return {"stores": stores, "formula": FORMULA, "lifecycle_phases": list(LIFECYCLE_PHASES), "checks": checks}


def describe(result: dict[str, Any]) -> str:
    stores = result["stores"]
    names = list(stores)
    rows = []
    for phase in result["lifecycle_phases"]:
        cells = [phase]
        for name in names:
            p = stores[name]["phases"][phase]
            cells.append(f"{p['read']} / {p['create']}+{p['replace']}+{p['delete']} / {p['query']}+{p['count']}")
        cells.append(f"{stores[names[-1]]['phases'][phase]['ru']:.1f}")
        rows.append(cells)
    totals = ["whole lifecycle"]
    for name in names:
        t = stores[name]["totals"]
        totals.append(f"{t['read']} / {t['create']}+{t['replace']}+{t['delete']} / {t['query']}+{t['count']}")
    totals.append(f"{stores[names[-1]]['ru_estimate']:.1f}")
    rows.append(totals)
    heading = ["phase"] + [f"{n}: reads / creates+replaces+deletes / queries+counts" for n in names] + ["est. RU"]
    return "\n".join([
        "Store operations per request lifecycle:",
        "",
        table(heading, rows),
        "",
        f"Request units: {result['formula']}. The request document reaches "
        f"{stores[names[-1]]['request_document_bytes_max']} B by the end of a lifecycle.",
    ])
