"""The Reports view in Chromium over devhost: its charts and their tables,
the CSV download with the right rows, axe-core clean, and a 390 px phone."""

from __future__ import annotations

import csv
import io
import uuid

from playwright.sync_api import expect

from tests.factories import form
from tests.integration.browser import (  # noqa: F401
    LEAD_ROLES, PHONE, axe_violations, browser, describe_violations, open_page, scroll_widths, web_host,
)

LEAD = "lee.lead@contoso.com"


def owner() -> str:
    return f"reports-{uuid.uuid4().hex[:8]}@contoso.com"


def assigned_request(web_host, who: str) -> str:
    request_id = web_host.submit(form(customerName="=HYPERLINK(\"x\")", region="emea"), who)
    web_host.wait_for_status(request_id, "routed", who)
    answer = web_host.call("POST", f"/api/requests/{request_id}/assign", user=LEAD, roles=LEAD_ROLES,
                           body={"architect": "auto"})
    assert answer.status == 200, answer.body
    return request_id


def test_a_lead_sees_the_charts_with_their_tables_and_downloads_the_csv(open_page, web_host):
    who = owner()
    picked = assigned_request(web_host, who)
    waiting = web_host.submit(form(region="americas"), who)
    web_host.wait_for_status(waiting, "routed", who)
    session = open_page(LEAD, LEAD_ROLES)
    page = session.page
    reports = page.locator("#reports")
    expect(reports).to_be_visible()
    expect(reports.get_by_role("heading", name="Reports")).to_be_visible()
    for caption in ("Assigned within the SLA, per lead group", "Time to assign (business hours, p90)",
                    "Open and overdue now, per lead group", "Each architect's load"):
        figure = reports.get_by_role("figure", name=caption)
        expect(figure).to_be_visible()
        expect(figure.locator("svg rect").first).to_be_visible()
        expect(figure.locator("table")).to_be_visible()
    sla_table = reports.get_by_role("table", name="Assigned within the SLA, per lead group")
    expect(sla_table.get_by_role("row", name="EMEA leads")).to_contain_text("100 %")
    session.screenshot("reports")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.failure() is None, (download.value.failure(), download.value.url)
    body = download.value.path().read_bytes().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(body[1:], newline=""))}
    assert {picked, waiting} <= set(rows)
    assert rows[picked]["status"] == "assigned" and rows[picked]["customerName"] == "'=HYPERLINK(\"x\")"
    assert rows[waiting]["status"] == "routed" and rows[waiting]["requestorEmail"] == who
    served = web_host.call("GET", "/api/reports/requests.csv", user=LEAD, roles=LEAD_ROLES)
    assert served.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_reports_fit_a_phone_and_stay_hidden_from_requestors(open_page, web_host):
    assigned_request(web_host, owner())
    session = open_page(LEAD, LEAD_ROLES, viewport=PHONE)
    page = session.page
    expect(page.get_by_role("figure", name="Each architect's load")).to_be_visible()
    page.locator("#reports").scroll_into_view_if_needed()
    widths = scroll_widths(page)
    session.screenshot("reports-phone")
    assert widths["document"] <= PHONE["width"] and widths["body"] <= PHONE["width"], widths
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    requestor = open_page(owner())
    expect(requestor.page.get_by_role("heading", name="My requests")).to_be_visible()
    expect(requestor.page.locator("#reports")).to_be_hidden()
