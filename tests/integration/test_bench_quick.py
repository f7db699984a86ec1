"""``python -m bench --quick`` runs every benchmark end to end; its figures are
sane. No timing budget is asserted: these machines are too noisy for that."""

import json
import subprocess
import sys

import pytest

from bench import REPO

pytestmark = pytest.mark.timeout(330)

FIGURES = {"cold_start", "intake", "pipeline", "store_economy", "rendering", "round_trip", "scale", "contention",
           "hostile_documents", "lighthouse"}
SDK_MODULES = {"azure.cosmos", "azure.servicebus", "boto3", "uvicorn"}


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(output)],
        cwd=REPO, capture_output=True, text=True, timeout=320,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| figure | measured | budget | verdict |" in done.stdout
    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["quick"] is True
    return results


def test_every_figure_is_reported_without_error(figures):
    assert set(figures["figures"]) == FIGURES
    for name, figure in figures["figures"].items():
        assert "error" not in figure, f"{name}: {figure.get('error')}"
        assert figure["checks"], name
        assert all(row["verdict"] in {"PASS", "MISS", "info"} for row in figure["checks"])
    assert figures["machine"]["cores"] >= 1 and figures["machine"]["cpu"]


def test_cold_start_times_both_imports_and_function_app_loads_no_sdk(figures):
    cold = figures["figures"]["cold_start"]
    assert cold["function_app_s"] > 0 and cold["azure_functions_s"] > 0
    assert cold["ratio"] == pytest.approx(cold["function_app_s"] / cold["azure_functions_s"], rel=0.01)
    assert len(cold["function_app_samples_s"]) == len(cold["azure_functions_samples_s"]) == cold["samples"]
    assert SDK_MODULES <= set(cold["heavy_modules_checked"])
    assert cold["heavy_modules_loaded"] == []
    assert cold["modules_function_app"] > cold["modules_azure_functions"]


def test_intake_measures_positive_rates_for_both_calls(figures):
    intake = figures["figures"]["intake"]
    assert intake["post_per_second"] > 0 and intake["read_per_second"] > 0
    assert intake["ratio"] == pytest.approx(intake["post_per_second"] / intake["read_per_second"], rel=0.01)
    assert all(r["calls"] > 0 for kind in ("post", "read") for r in intake["rounds"][kind])
    assert intake["requests_created"] >= sum(r["calls"] for r in intake["rounds"]["post"])


def test_pipeline_routes_and_confirms_every_request_once(figures):
    pipeline = figures["figures"]["pipeline"]
    requests = figures["sizes"]["pipeline_requests"]
    assert pipeline["requests"] == pipeline["routed"] == pipeline["confirmed"] == requests
    assert pipeline["duplicate_confirmations"] == 0
    assert pipeline["emails"] >= requests
    assert pipeline["throughput_per_second"] > 0 and pipeline["intake_per_second"] > 0
    for span in ("submit_to_routed_s", "submit_to_email_s"):
        assert 0 <= pipeline[span]["p50"] <= pipeline[span]["p95"] < 600


def test_store_economy_counts_one_lifecycle_the_same_on_sqlite_and_cosmos(figures):
    economy = figures["figures"]["store_economy"]
    stores = economy["stores"]
    assert set(stores) == {"sqlite", "cosmos"}
    assert stores["sqlite"]["totals"] == stores["cosmos"]["totals"]
    for name, store in stores.items():
        assert store["stable"], name
        assert store["lifecycles"] == figures["sizes"]["lifecycles"]
        assert store["pipeline_queries"] == 0 and store["failed_operations"] == 0
        phases = store["phases"]
        assert all(sum(phases[p][k] for k in ("reads", "writes", "queries")) > 0 for p in economy["lifecycle_phases"])
        assert phases["submit (create_request)"]["containers"]["requests"]["create"] == 1
        for phase in ("route_to_leads (request.submitted)", "assign (assign_request)"):
            assert phases[phase]["containers"]["requests"].get("create", 0) == 0
            assert phases[phase]["containers"]["requests"]["replace"] >= 1
        # one notification record per recipient: the requestor; the lead group; the requestor and the architect
        for phase, recipients in (("notify (request.submitted)", 1), ("notify (request.routed)", 1),
                                  ("notify (request.assigned)", 2)):
            assert phases[phase]["containers"]["notifications"]["create"] == recipients
            assert phases[phase]["containers"]["requests"] == {"read": 1}
        assert store["totals"]["queries"] == 0
        assert store["ru_estimate"] >= store["totals"]["reads"] + 5 * store["totals"]["writes"]


def test_rendering_times_every_template(figures):
    from shared.adapters.mail.render import TEMPLATES

    rendering = figures["figures"]["rendering"]
    assert set(rendering["templates"]) == set(TEMPLATES)
    for timing in rendering["templates"].values():
        assert 0 < timing["median_ms"] <= timing["p95_ms"]
        assert timing["samples"] == figures["sizes"]["renders"]


def test_round_trip_times_devhost_and_the_bare_app_on_kept_alive_connections(figures):
    trip = figures["figures"]["round_trip"]
    requests = figures["sizes"]["round_trip_requests"] * figures["sizes"]["round_trip_rounds"]
    assert trip["samples"] == {"devhost": requests, "bare": requests}
    for server in ("devhost", "bare_asgi"):
        assert 0 < trip[server]["median_ms"] <= trip[server]["p95_ms"]
    assert trip["ratio"] == pytest.approx(trip["devhost"]["median_ms"] / trip["bare_asgi"]["median_ms"], rel=0.01)
    assert trip["budget_ratio"] == 5
    (row,) = trip["checks"]
    assert row["budget"] == "≤ 5×" and row["value"] == trip["ratio"]
    assert row["verdict"] == ("PASS" if trip["ratio"] <= trip["budget_ratio"] else "MISS")


def test_the_counting_store_offers_every_method_of_the_port():
    from bench.counting import CountingStore
    from shared.adapters.store.base import DocumentStore

    port = {name for name, value in vars(DocumentStore).items() if callable(value) and not name.startswith("_")}
    assert port >= {"read", "create", "replace", "delete", "query", "count", "health", "close"}
    assert port <= {name for name in vars(CountingStore) if callable(getattr(CountingStore, name))}


def test_scale_measures_every_reader_at_both_sizes_on_both_stores(figures):
    scale = figures["figures"]["scale"]
    assert set(scale["stores"]) == {"sqlite, spread over days", "sqlite, all in one day", "cosmos, spread over days"}
    for by_size in scale["stores"].values():
        assert len(by_size) == 2
        for readers in by_size.values():
            assert set(readers) == {"counts", "lead queue", "balancer", "SLA report", "search", "search by partner",
                                    "health"}
            assert all(r["median_ms"] > 0 for r in readers.values())
            # the balancer reads the loads from the read model and the absences marked (one small query)
            assert readers["balancer"]["queries_per_call"] <= 1
            assert readers["SLA report"]["queries_per_call"] == 1, "its days' shards in one ranged read"
    assert len(scale["checks"]) == 21
    judged = {c["figure"].split(": ")[1].split(",")[0] for c in scale["checks"] if c["verdict"] != "info"}
    assert "search" in judged and "search by partner" not in judged, "a partner's matches grow with the store"


def test_contention_counts_retries_and_ends_with_the_rebuilds_figures(figures):
    contention = figures["figures"]["contention"]
    assert set(contention["stores"]) == {"sqlite", "cosmos"}
    for store in contention["stores"].values():
        assert store["events"] > 0 and store["matches_rebuild"] is True
        assert store["retries"] >= store["aggregate_retries"] + store["projection_retries"] >= 0


def test_every_hostile_document_is_refused_within_its_budget(figures):
    hostile = figures["figures"]["hostile_documents"]
    assert hostile["files"] and all(f["refused"] for f in hostile["files"].values())
    assert {row["verdict"] for row in hostile["checks"]} <= {"PASS", "MISS"}


def test_lighthouse_scores_the_demo_home_view(figures):
    lighthouse = figures["figures"]["lighthouse"]
    (row,) = lighthouse["views"]
    assert (row["view"], row["form_factor"], row["status"]) == ("/", "desktop", 200)
    assert all(0 <= value <= 100 for value in row["scores"].values()), row
    assert row["scores"]["accessibility"] is not None and row["runtime_error"] is None
