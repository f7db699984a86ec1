"""The Reports view (/reports) in Chromium over devhost: its period and
grouping in the address, its charts and their tables, the CSV download of the
same period with the right rows, axe-core clean, and a 390 px phone."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

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
    page.get_by_role("link", name="Reports").click()
    expect(page).to_have_url(re.compile(r"/reports$"))
    reports = page.locator("#view-reports")
    expect(reports.get_by_role("heading", name="Reports")).to_be_visible()
    today = date.today()
    expect(page.get_by_label("To", exact=True)).to_have_value(today.isoformat())
    expect(page.get_by_label("From", exact=True)).to_have_value((today - timedelta(days=29)).isoformat())
    for caption in ("Assigned within the SLA, per lead group", "Time to assign (business hours, p90)",
                    "Open and overdue now, per lead group"):
        figure = reports.get_by_role("figure", name=caption)
        expect(figure).to_be_visible()
        expect(figure.locator(".bar").first).to_be_visible()
        expect(figure.locator("table")).to_be_visible()
    sla_table = reports.get_by_role("table", name="Assigned within the SLA, per lead group")
    expect(sla_table.get_by_role("row", name="EMEA Leads")).to_contain_text("100 %")
    session.screenshot("reports")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.failure() is None, (download.value.failure(), download.value.url)
    first = (today - timedelta(days=29)).isoformat()
    assert download.value.suggested_filename == f"fta-requests-{first}-{today.isoformat()}.csv"
    asked = [r.url for r in session.requests if "/api/reports/requests.csv" in r.url]
    assert asked and asked[-1].endswith(f"/api/reports/requests.csv?from={first}&to={today.isoformat()}"), asked
    body = download.value.path().read_bytes().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(body[1:], newline=""))}
    assert {picked, waiting} <= set(rows)
    assert rows[picked]["status"] == "assigned" and rows[picked]["customerName"] == "'=HYPERLINK(\"x\")"
    assert rows[waiting]["status"] == "routed" and rows[waiting]["requestorEmail"] == who
    served = web_host.call("GET", "/api/reports/requests.csv", user=LEAD, roles=LEAD_ROLES)
    assert served.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_manager_changes_the_period_and_grouping_and_the_address_keeps_them(open_page, web_host):
    who = owner()
    assigned_request(web_host, who)
    session = open_page(LEAD, LEAD_ROLES, path="/reports")
    page = session.page
    expect(page.get_by_role("figure", name="Assigned within the SLA, per lead group")).to_be_visible()
    last_year = date.today().replace(year=date.today().year - 1)
    page.get_by_label("From", exact=True).fill(last_year.replace(month=1, day=1).isoformat())
    page.get_by_label("To", exact=True).fill(last_year.replace(month=1, day=31).isoformat())
    page.get_by_label("Group by").select_option("region")
    page.get_by_role("button", name="Show").click()
    period = f"from={last_year.year}-01-01&to={last_year.year}-01-31"
    expect(page).to_have_url(re.compile(rf"/reports\?{period}&groupBy=region$"))
    expect(page.locator(".report-period")).to_contain_text(f"{last_year.year}-01-01 to {last_year.year}-01-31")
    figure = page.get_by_role("figure", name="Assigned within the SLA, per region")
    expect(figure.get_by_role("row", name=re.compile("^Europe, Middle East and Africa"))).to_contain_text("0")  # nothing submitted then
    expect(page.get_by_role("link", name="Download CSV")).to_have_attribute(
        "href", f"/api/reports/requests.csv?{period}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    body = download.value.path().read_bytes().decode("utf-8")
    assert len(body.strip().splitlines()) == 1, "only the header: no request in that period"

    page.go_back()
    expect(page).to_have_url(re.compile(r"/reports$"))
    expect(page.get_by_label("Group by")).to_have_value("leadGroup")
    page.go_forward()
    expect(page.get_by_label("Group by")).to_have_value("region")
    page.reload()
    expect(page.get_by_label("From", exact=True)).to_have_value(f"{last_year.year}-01-01")
    expect(page.get_by_role("figure", name="Assigned within the SLA, per region")).to_be_visible()


def test_the_reports_fit_a_phone_and_stay_closed_to_requestors(open_page, web_host):
    assigned_request(web_host, owner())
    session = open_page(LEAD, LEAD_ROLES, viewport=PHONE, path="/reports")
    page = session.page
    expect(page.get_by_role("figure", name="Open and overdue now, per lead group")).to_be_visible()
    expect(page.get_by_role("row", name="EMEA Leads").first).to_contain_text("100 %")
    widths = scroll_widths(page)
    session.screenshot("reports-phone")
    assert widths["document"] <= PHONE["width"] and widths["body"] <= PHONE["width"], widths
    for value in page.locator(".bar-value, .report-table td").all():
        box = value.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (value.inner_text(), box)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    requestor = open_page(owner(), path="/reports")
    expect(requestor.page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(requestor.page.get_by_role("link", name="Reports")).to_have_count(0)


DOMINO = {"exceptionType": "domino-90-day", "mailboxCount": 900, "averageMailboxSizeGb": 3, "expectedStart": "2027-02-01",
          "expectedFinish": "2027-03-31", "sourceEnvironment": "HCL Domino 9", "justification": "Archive beyond 90 days"}
LOCAL = {"exceptionType": "local-migrators", "mailboxCount": 300, "sharedMailboxCount": 20,
         "sourceEnvironment": "Exchange 2010", "justification": "No network path to the tenant"}


def decided_exception(web_host, who: str, migration: dict, decision: str) -> str:
    request_id = web_host.submit(form(requestType="migration-exception", migration=migration, region="emea"), who)
    web_host.wait_for_status(request_id, "routed", who)
    for action, body in (("assign", {"architect": "eva.novak@contoso.com"}), ("milestones", {"kind": "first-contact"}),
                         ("complete", {"outcome": {"decision": decision, "notes": "Reviewed."}})):
        answer = web_host.call("POST", f"/api/requests/{request_id}/{action}", user=LEAD, roles=LEAD_ROLES, body=body)
        assert answer.status in (200, 201), (action, answer.body)
    web_host.wait_for_status(request_id, "completed", who)
    return request_id


def test_the_exceptions_tracker_and_the_engagement_figures_on_a_phone(open_page, web_host):
    who = owner()
    approved = decided_exception(web_host, who, DOMINO, "approved")
    decided_exception(web_host, who, LOCAL, "declined")
    assert web_host.call("POST", f"/api/requests/{approved}/feedback", user=who, body={"rating": 4}).status == 200

    session = open_page(LEAD, LEAD_ROLES, viewport=PHONE, path="/reports?groupBy=exceptionType")
    page = session.page
    expect(page.get_by_label("Group by")).to_have_value("exceptionType")
    tracker = page.get_by_role("table", name=re.compile("^Decisions per kind of exception"))
    expect(tracker.get_by_role("columnheader")).to_have_text(["Kind of exception", "Submitted", "Approved", "Declined"])
    domino = tracker.get_by_role("row", name=re.compile("^Domino mailboxes beyond 90 days"))
    expect(domino.get_by_role("cell")).to_have_text(["1", "1", "0"], timeout=15_000)  # as the read model catches up
    expect(tracker.get_by_role("row", name=re.compile("^Local migrators")).get_by_role("cell")).to_have_text(["1", "0", "1"])
    engagement = page.get_by_role("table", name="First contacts and ratings per kind of exception")
    expect(engagement.get_by_role("row", name=re.compile("^Domino mailboxes beyond 90 days")).get_by_role("cell")).to_have_text(
        ["1", "1", "1", "4.0 of 5"])
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    widths = scroll_widths(page)
    session.screenshot("exceptions-tracker-phone")
    assert widths["document"] <= PHONE["width"] and widths["body"] <= PHONE["width"], widths
