"""``python -m ops demo`` fills an empty local store with a month of requests
through the app's use cases; devhost then serves them over HTTP: the queue,
the reports and each request's timeline agree."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from devhost.principal import build_principal
from tests.integration import live
from tests.integration.browser import ARTIFACTS, DESKTOP, browser  # noqa: F401  (the Chromium fixture)

ADMIN = ("FTA.Admin",)
DEV_USER = "dev@contoso.com"


def run_ops(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ops", *args], cwd=live.REPO, capture_output=True, text=True,
                          timeout=120, env=live.app_env(data_dir, FTA_DEV_USER=DEV_USER, **env))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[live.LiveApp, subprocess.CompletedProcess]]:
    data_dir = tmp_path_factory.mktemp("demo")
    filled = run_ops(data_dir, "demo")
    assert filled.returncode == 0, filled.stderr
    app = live.start(data_dir, timeout=30, FTA_SWEEP_SCHEDULE=live.NEVER)
    yield app, filled
    assert app.stop() == 0, app.log()


def everything(app: live.LiveApp) -> list[dict]:
    answer = app.request("GET", "/api/requests?limit=200", user="ops@contoso.com", roles=ADMIN)
    assert answer.status == 200, answer.body
    return answer.body["items"]


def test_a_month_of_requests_across_groups_types_statuses_and_people(demo):
    app, filled = demo
    assert "40 requests over the last month" in filled.stdout
    items = everything(app)
    assert len(items) == 40
    statuses = Counter(item["status"] for item in items)
    for status in ("routed", "needs-info", "assigned", "completed", "declined", "cancelled"):
        assert statuses[status] >= 1, statuses
    assert {item["leadGroup"] for item in items} == {"fta-alignment", "americas-leads", "emea-leads",
                                                     "asia-pacific-leads"}
    assert {item["requestType"] for item in items} == {"non-ecif", "sow-ecif", "migration-exception"}
    assert len({item["requestor"]["email"] for item in items}) >= 3
    assert len({item["architect"] for item in items if item["architect"]}) >= 4
    now = datetime.now(timezone.utc)
    created = [datetime.fromisoformat(item["createdAt"].replace("Z", "+00:00")) for item in items]
    assert all(now - timedelta(days=31) <= moment <= now for moment in created)

    completed = [item for item in items if item["status"] == "completed"]
    assert all(item["outcome"] is not None for item in completed)
    assert {"approve", "decline"} >= {item["outcome"].get("recommendation") for item in completed} - {None}
    assert all(item["decline"]["reason"] for item in items if item["status"] == "declined")


def test_at_least_one_request_is_overdue_and_the_leads_were_reminded(demo):
    app, _ = demo
    overdue = []
    for item in everything(app):
        if item["status"] == "routed":
            detail = app.request("GET", f"/api/requests/{item['id']}", user="ops@contoso.com", roles=ADMIN).body
            if detail["overdue"]:
                overdue.append(detail)
    assert overdue
    assert any(event["type"] == "request.reminder" for detail in overdue for event in detail["history"])


def test_one_requests_timeline_tells_its_story_in_order(demo):
    app, _ = demo
    funded = next(item for item in everything(app)
                  if item["requestType"] == "sow-ecif" and item["status"] == "completed")
    detail = app.request("GET", f"/api/requests/{funded['id']}", user=funded["requestor"]["email"]).body
    types = [event["type"] for event in detail["history"]]
    assert types[:2] == ["request.submitted", "request.routed"]
    assert types.count("request.document-added") == 3
    assert types.index("request.assigned") < types.index("request.completed") == len(types) - 1
    moments = [event["occurredAt"] for event in detail["history"]]
    assert moments == sorted(moments)
    assert {d["kind"] for d in detail["documents"]} == {"sow", "wbs", "cost-breakdown"}
    document = detail["documents"][0]
    download = app.request("GET", f"/api/requests/{funded['id']}/documents/{document['id']}",
                           user=funded["requestor"]["email"])
    assert download.status == 200


def test_the_queue_and_the_reports_agree_with_the_requests(demo):
    app, _ = demo
    items = everything(app)
    lead = app.request("GET", "/api/requests?view=queue&limit=200&leadGroup=emea-leads",
                       user="emea-leads@contoso.com", roles=("FTA.Lead",))
    assert lead.status == 200
    assert {item["id"] for item in lead.body["items"]} == {i["id"] for i in items if i["leadGroup"] == "emea-leads"}

    report = app.request("GET", "/api/reports/sla?groupBy=leadGroup", user="ops@contoso.com", roles=ADMIN)
    assert report.status == 200, report.body
    groups = {group["key"]: group for group in report.body["groups"]}
    in_window = [i for i in items if i["createdAt"][:10] >= report.body["from"]]
    for key, group in groups.items():
        mine = [i for i in in_window if i["leadGroup"] == key]
        assert group["submitted"] == len(mine)
        assert group["assigned"] == sum(1 for i in mine if i["architect"])

    mine = app.request("GET", "/api/requests?limit=200", user=DEV_USER).body["items"]
    assert mine and all(item["requestor"]["email"] == DEV_USER for item in mine)


def test_the_mails_of_the_month_are_in_the_outbox(demo):
    app, _ = demo
    outbox = Path(app.env["FTA_DATA_DIR"]) / "outbox"
    assert len(list(outbox.glob("*.eml"))) >= 40


def test_a_store_that_holds_requests_is_left_alone(demo):
    app, _ = demo
    again = run_ops(Path(app.env["FTA_DATA_DIR"]), "demo")
    assert again.returncode == 1
    assert "already holds requests" in again.stderr
    assert len(everything(app)) == 40


def test_only_the_embedded_local_store_is_filled(tmp_path):
    refused = run_ops(tmp_path, "demo", FTA_EMAIL="smtp", SMTP_HOST="127.0.0.1")
    assert refused.returncode == 1
    assert "FTA_EMAIL=smtp" in refused.stderr
    assert not (tmp_path / "store.sqlite3").exists()


def test_a_lead_sees_the_demos_queue_in_chromium(demo, browser):  # noqa: F811
    """The screenshot of the README's first screen: the demo's queue as a lead sees it."""
    app, _ = demo
    waiting = [i for i in everything(app) if i["leadGroup"] == "fta-alignment" and i["status"] == "routed"]
    assert waiting
    headers = {"X-MS-CLIENT-PRINCIPAL": build_principal("fta-alignment@contoso.com", ("FTA.Lead",), "FTA Alignment")}
    context = browser.new_context(base_url=app.url, extra_http_headers=headers, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        answer = page.goto("/queue")
        if answer is None or answer.status == 404:  # the page's own addresses are not served yet
            page.goto("/")
        customer = page.get_by_text(waiting[0]["customerName"]).first
        customer.wait_for()
        customer.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "demo-lead-queue.png"))
    finally:
        context.close()
