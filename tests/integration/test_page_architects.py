"""The architects' availability (/architects) in Chromium over devhost: a lead
marks an architect away through the dialog at 390 and 1280 px, sees the
absence in the table and in GET /api/architects, gets a bad range's error
beside Until, and removes the absence; axe-core on the view and the open
dialog; a requestor gets neither the link nor the view."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import DESKTOP, LEAD_ROLES, PHONE, browser, open_page, web_host  # noqa: F401
from tests.integration.test_page_views import LEAD, assert_fits
from tests.integration.test_web_page import assert_accessible, user

XSS_NOTE = '<img src=x onerror="window.__xss=1">'


def day(offset: int) -> str:
    """A UTC day from today, as the API and the date inputs write it."""
    return (datetime.now(timezone.utc).date() + timedelta(days=offset)).isoformat()


def architect_row(page: Page, email: str):
    return page.locator(f'#architects-table tr[data-architect="{email}"]')


def architect_of(web_host, email: str) -> dict:
    answer = web_host.call("GET", "/api/architects", user=LEAD, roles=LEAD_ROLES)
    assert answer.status == 200, answer.body
    return next(item for item in answer.body["items"] if item["email"] == email)


@pytest.mark.parametrize("viewport,email,name,group", [
    (PHONE, "grace.tan@contoso.com", "Grace Tan", "Asia Pacific Leads"),
    (DESKTOP, "hiro.sato@contoso.com", "Hiro Sato", "Asia Pacific Leads"),
], ids=["390px", "1280px"])
def test_a_lead_marks_an_architect_away_and_removes_the_absence(open_page, web_host, viewport, email, name, group):
    width = viewport["width"]
    session = open_page(LEAD, LEAD_ROLES, viewport=viewport)
    page = session.page
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Architects").click()
    expect(page).to_have_url(re.compile(r"/architects$"))
    expect(page.get_by_role("heading", name="Architects", level=1)).to_be_visible()
    row = architect_row(page, email)
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(email)
    expect(row).to_contain_text(group)
    expect(row.locator('td[data-label="Open assignments"]')).to_have_text("0 of 10")
    expect(row.locator('td[data-label="Availability"]')).to_have_text("Available")
    expect(row.locator('td[data-label="Absences"]')).to_have_text("None")
    page.wait_for_timeout(200)
    assert_fits(session, "architects", width)
    assert_accessible(session, f"architects-{width}")

    row.get_by_role("button", name="Mark away").click()
    dialog = page.get_by_role("dialog", name=f"Mark {name} away")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("From")).to_be_focused()
    expect(dialog.get_by_label("From")).to_have_value(day(0))
    assert_accessible(session, f"architects-dialog-{width}")

    # a range that ends before it starts: the server's error beside Until, the focus on it
    dialog.get_by_label("From").fill(day(3))
    dialog.get_by_label("Until").fill(day(1))
    dialog.get_by_role("button", name="Mark away").click()
    until = dialog.get_by_label("Until")
    expect(page.locator("#absence-until-error")).to_have_text(re.compile(r"\S"))
    expect(until).to_have_attribute("aria-invalid", "true")
    expect(until).to_be_focused()
    expect(page.locator("#absence-from-error")).to_be_empty()
    assert architect_of(web_host, email)["absences"] == []
    assert_accessible(session, f"architects-dialog-error-{width}")

    # the coming days, from today
    dialog.get_by_label("From").fill(day(0))
    until.fill(day(2))
    dialog.get_by_label("Note (optional)").fill(XSS_NOTE)
    dialog.get_by_role("button", name="Mark away").click()
    expect(dialog).to_be_hidden()
    status = page.locator("#architects-status")
    expect(status).to_have_text(f"{name} is marked away from {day(0)} to {day(2)}.")
    expect(status).to_have_attribute("role", "status")
    availability = row.locator('td[data-label="Availability"]')
    expect(availability).to_contain_text("Away")
    expect(availability).to_contain_text(f"until {day(2)} (marked by")
    expect(row.locator('td[data-label="Absences"]')).to_contain_text(f"{day(0)} to {day(2)}")
    expect(row.locator('td[data-label="Absences"]')).to_contain_text(XSS_NOTE)
    expect(row.get_by_role("button", name="Mark away")).to_be_focused()
    assert page.evaluate("window.__xss") is None
    listed = architect_of(web_host, email)
    assert listed["available"] is False and listed["away"]["until"] == day(2), listed
    assert [(a["from"], a["until"], a["note"], a["source"]) for a in listed["absences"]] == [
        (day(0), day(2), XSS_NOTE, "app")]
    page.wait_for_timeout(200)
    assert_fits(session, "architects-away", width)
    assert_accessible(session, f"architects-away-{width}")

    row.get_by_role("button", name=f"Remove the absence from {day(0)} to {day(2)}").click()
    expect(status).to_have_text(f"{name}'s absence from {day(0)} to {day(2)} is removed.")
    expect(row.locator('td[data-label="Availability"]')).to_have_text("Available")
    expect(row.locator('td[data-label="Absences"]')).to_have_text("None")
    listed = architect_of(web_host, email)
    assert listed["available"] is True and listed["away"] is None and listed["absences"] == [], listed


def test_a_requestor_gets_neither_the_link_nor_the_view(open_page, web_host):
    session = open_page(user("not-a-lead"), path="/architects")
    page = session.page
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("#not-found-text")).to_have_text("This page is not open to you.")
    expect(page.get_by_role("link", name="Architects")).to_have_count(0)
    expect(page.locator("#architects-table")).to_have_count(0)
    assert not [r for r in session.requests if "/api/architects" in r.url]
    page.get_by_role("link", name="Go to your start page").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    expect(page.get_by_role("link", name="Architects")).to_have_count(0)


def test_an_architect_at_the_limit_and_an_absence_from_outlook_read_as_such(open_page):
    """The server's words for states a test cannot reach quickly over devhost, given to the page as its answer."""
    outlook = {"id": None, "architect": "ben.okafor@contoso.com", "source": "outlook", "from": day(0), "until": day(0),
               "starts": f"{day(0)}T00:00:00Z", "ends": f"{day(1)}T00:00:00Z", "note": "automatic replies on",
               "markedBy": None, "markedAt": None}
    items = [
        {"email": "ana.alves@contoso.com", "name": "Ana Alves", "groups": ["fta-alignment", "emea-leads"],
         "openAssignments": 10, "maxOpenAssignments": 10, "away": None, "absences": [], "available": False},
        {"email": "ben.okafor@contoso.com", "name": "Ben Okafor", "groups": ["fta-alignment"], "openAssignments": 2,
         "maxOpenAssignments": None, "away": outlook, "absences": [outlook], "available": False},
    ]
    session = open_page(LEAD, LEAD_ROLES, viewport=PHONE, path="/")
    page = session.page
    page.route("**/api/architects", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"items": items, "generatedAt": day(0)})))
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Architects").click()
    ana = architect_row(page, "ana.alves@contoso.com")
    expect(ana.locator('td[data-label="Availability"]')).to_have_text("At the limit")
    expect(ana.locator('td[data-label="Open assignments"]')).to_have_text("10 of 10")
    expect(ana.locator('td[data-label="Groups"]')).to_have_text("FTA Alignment, EMEA Leads")
    ben = architect_row(page, "ben.okafor@contoso.com")
    expect(ben.locator('td[data-label="Open assignments"]')).to_have_text("2 (no limit)")
    expect(ben.locator('td[data-label="Availability"]')).to_have_text(f"Away until {day(0)} (from outlook)")
    expect(ben.locator('td[data-label="Absences"]')).to_contain_text("automatic replies on")
    expect(ben.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    assert_fits(session, "architects-states", PHONE["width"])
    assert_accessible(session, "architects-states-390")

    ben.get_by_role("button", name="Mark away").click()
    expect(page.get_by_role("dialog", name="Mark Ben Okafor away")).to_be_visible()
    page.go_back()
    expect(page.locator("#architects-table")).to_be_hidden()
    expect(page.locator("dialog")).to_have_count(0)
