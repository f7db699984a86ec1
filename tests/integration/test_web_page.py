"""The web page in Chromium, over the app under devhost: the form at
/requests/new and the server's errors beside the fields, the lists, a
request's view and its action dialogs, no script injection, and the keyboard."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import form, migration_form
from tests.integration.browser import (  # noqa: F401
    LEAD_ROLES, PHONE, REPO, Session, WebHost, axe_violations, browser, describe_violations, open_page, scroll_widths,
    wait_for, web_host,
)

STATIC = REPO / "functions" / "web" / "static"
MODULES = sorted(p.name for p in STATIC.glob("*.js"))
LEAD = "lee.lead@contoso.com"
XSS_ALERT = "<img src=x onerror=alert(1)>"
XSS_FLAG = '<img src=x onerror="window.__xss=1">'
# what a phone and a real customer can throw at the layout: one unbroken word longer than the screen
LONG_CUSTOMER = "Contoso" + "Worldwide" * 12 + "HoldingsIncorporated"
LONG_TENANT = "contoso" + "x" * 40 + "-emea-prod.onmicrosoft.com"
# the answer may already say "routed": devhost's consumers can route it before the 201 leaves
SUBMITTED = re.compile(r"Request (FTA-[0-9A-Z]+) submitted — status: (Submitted|Routed to leads)")
NEW = "/requests/new"


def user(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@contoso.com"


def fill_form(page: Page, *, sales_stage: str = "60", tenant: str = "contoso.onmicrosoft.com",
              customer: str = "Contoso Ltd", instructions: str = "Discovery workshop",
              request_type: str = "non-ecif", region: str = "emea") -> None:
    page.get_by_label("TPID").fill("123456")
    page.get_by_label("Tenant").fill(tenant)
    page.get_by_label("Customer name").fill(customer)
    page.get_by_label("Partner").fill("Fabrikam Partners")
    page.get_by_label("Total users").fill("5000")
    page.get_by_label("Segment").select_option(label="Enterprise")
    page.get_by_label("Microsoft 365").check()
    page.get_by_label("EMS").check()
    page.get_by_label("Sales stage").fill(sales_stage)
    page.get_by_label("Compelling event").fill("Signed Microsoft 365 E5 commitment")
    page.get_by_label("Request type").select_option(request_type)
    page.get_by_label("Region").select_option(region)
    page.get_by_label("Instructions").fill(instructions)


def submitted_id(page: Page) -> str:
    """A submission lands on the request's own view, which says so."""
    result = page.locator("#action-message")
    expect(result).to_contain_text(SUBMITTED)
    request_id = SUBMITTED.search(result.inner_text()).group(1)
    expect(page).to_have_url(re.compile(rf"/requests/{request_id}$"))
    return request_id


def row(page: Page, request_id: str):
    return page.locator(f'#requests-table tr[data-request-id="{request_id}"]')


def status_cell(page: Page, request_id: str):
    return row(page, request_id).locator('td[data-label="Status"]')


def open_detail(page: Page, request_id: str) -> None:
    """Follow the request's link in a list (the same tab, the page's own router)."""
    page.get_by_role("link", name=request_id, exact=True).click()
    expect(page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(page).to_have_url(re.compile(rf"/requests/{request_id}$"))


def go_to(page: Page, path: str) -> None:
    """Open a view by its address, as a bookmark or a mail's link does."""
    page.goto(path)
    expect(page.locator("#loading")).to_be_hidden()


def detail_value(page: Page, label: str):
    return page.locator(f'#detail-fields dd[data-field="{label}"]')


def act(page: Page, button: str, *, submit: str | None = None, fill: dict[str, str] | None = None,
        select: dict[str, str] | None = None) -> None:
    """Open an action's dialog from the request's command bar, fill it in and send it."""
    page.locator("#detail-actions").get_by_role("button", name=button, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    for label, value in (fill or {}).items():
        dialog.get_by_label(label).fill(value)
    for label, value in (select or {}).items():
        dialog.get_by_label(label, exact=True).select_option(value)
    dialog.get_by_role("button", name=submit or button, exact=True).click()


# -- served by the app ----------------------------------------------------------------------


def test_page_and_assets_are_served_with_their_types_and_nothing_else(web_host: WebHost):
    for path in ("/", "/requests/new", "/requests/FTA-ANY1", "/queue?q=contoso&sort=due", "/assigned", "/reports"):
        page = web_host.call("GET", path)
        assert page.status == 200, path
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.headers["Cache-Control"] == "no-cache"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert b"<label for=\"tpid\">TPID</label>" in page.body

    assert b'<script type="module" src="/static/app.js"></script>' in page.body
    script = web_host.call("GET", "/static/app.js")
    assert script.status == 200 and script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.body == (STATIC / "app.js").read_bytes()
    for module in MODULES:
        served = web_host.call("GET", f"/static/{module}")
        assert served.status == 200 and served.headers["Content-Type"] == "text/javascript; charset=utf-8", module
        assert served.body == (STATIC / module).read_bytes(), module
    style = web_host.call("GET", "/static/style.css")
    assert style.status == 200 and style.headers["Content-Type"] == "text/css; charset=utf-8"
    assert style.headers["Cache-Control"] == "no-cache"
    again = web_host.call("GET", "/static/style.css", headers={"If-None-Match": style.headers["ETag"]})
    assert again.status == 304 and again.body == b""

    for path in ("/static/..%2F__init__.py", "/static/..%2F..%2Fhttp.py", "/static/%2e%2e%2F__init__.py",
                 "/static/index.html", "/static/missing.js", "/api/nothing", "/api/requests/FTA-1/nothing"):
        answer = web_host.call("GET", path)
        assert answer.status == 404, path
        assert answer.body["error"] == "not-found", path
    for path in ("/index.html", "/favicon.ico", "/requests", "/queue/old"):  # the page, whose router says "not found"
        answer = web_host.call("GET", path)
        assert answer.status == 404 and b'id="view-not-found"' in answer.body, path

    assert web_host.call("GET", "/api/me").status == 401, "the page is public, the API is not"
    assert web_host.call("GET", "/api/openapi.json").body["paths"]["/"]["get"]["operationId"] == "web_page"


def test_the_page_uses_no_outside_resource_and_never_inner_html():
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    script = "\n".join((STATIC / module).read_text(encoding="utf-8") for module in MODULES)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    assert not re.search(r"https?://", script)
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", script)
    labels = re.findall(r"<label for=\"[^\"]+\">([^<]+)</label>", html)
    for name in ("TPID", "Tenant", "Cloud", "Trial subscription", "Customer name", "Partner", "Total users",
                 "Segment", "Microsoft 365",
                 "Office 365", "EMS", "Compelling event", "Request type", "Region", "Instructions",
                 "Funding amount (USD)", "Mailbox count", "Source environment", "Justification"):
        assert name in labels, name


def test_the_modules_stay_small_and_no_label_of_the_vocabulary_is_in_the_page():
    assert "app.js" in MODULES and "router.js" in MODULES and len(MODULES) >= 5
    for module in MODULES:
        assert len((STATIC / module).read_text(encoding="utf-8").splitlines()) < 400, module
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    options = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    assert set(options) <= {"Choose…", "Lead group", "Region", "Request type", "Architect", "Kind of exception"}, options
    page = html + "\n".join((STATIC / module).read_text(encoding="utf-8") for module in MODULES)
    for label in ("SOW review / ECIF related", "Routed to lead group", "SMC-C", "Additional information needed",
                  "Out of FastTrack scope", "Cat 2b: adoption / training", "Statement of work (SOW)", "Back in the queue",
                  "Domino mailboxes beyond 90 days", "Discovery workshop held", "Handoff to a FastTrack Manager"):
        assert label not in page, label


# -- the server's words and rights --------------------------------------------------------------


def with_vocabulary(page: Page, vocabulary: dict) -> None:
    page.route("**/api/vocabulary", lambda route: route.fulfill(status=200, json=vocabulary))
    page.reload()


def with_allowed_actions(page: Page, actions: list[str] | None) -> None:
    """Answers of GET /api/requests/{id} carry ``actions`` as allowedActions (``None``: no allowedActions)."""
    def add(route):
        answer = route.fetch()
        body = answer.json()
        body.pop("allowedActions", None)
        if actions is not None:
            body["allowedActions"] = actions
        route.fulfill(response=answer, json=body)
    page.route(re.compile(r".*/api/requests/FTA-[0-9A-Z]+$"), add)


def test_the_servers_vocabulary_is_the_pages_only_labels(open_page, web_host):
    me = user("vocabulary")
    request_id = web_host.submit(form(segment="smc-c"), me)
    web_host.wait_for_status(request_id, "routed", me)
    session = open_page(me)
    page = session.page
    expect(row(page, request_id)).to_contain_text("Non-ECIF related")  # the server's label
    with_vocabulary(page, {
        "statuses": {"submitted": "Received", "routed": "With the leads", "needs-info": "Waiting for you",
                     "assigned": "Assigned", "completed": "Done", "cancelled": "Withdrawn"},
        "requestTypes": {"sow-ecif": "Funding review", "non-ecif": "Advisory", "migration-exception": "Migration"},
        "segments": {"enterprise": "Enterprise", "smc-c": "Corporate (SMC-C)", "smb": "Small business"},
        "regions": {"emea": "Europe, Middle East and Africa"},
        "unknownKind": {"x": "y"},
    })
    listed = row(page, request_id)
    expect(listed).to_contain_text("Advisory")
    expect(status_cell(page, request_id)).to_have_text(re.compile("Received|With the leads"))
    open_detail(page, request_id)
    expect(detail_value(page, "Segment")).to_have_text("Corporate (SMC-C)")
    expect(detail_value(page, "Request type")).to_have_text("Advisory")
    expect(detail_value(page, "Region")).to_have_text("Europe, Middle East and Africa")
    expect(page.locator('#timeline li[data-event-type="request.submitted"]')).to_contain_text(
        "submitted the request for Europe, Middle East and Africa")
    # a value the server's table does not hold reads as itself: the page keeps no copy of the labels
    expect(detail_value(page, "Cloud")).to_have_text("commercial")
    page.get_by_role("link", name="New request").first.click()
    expect(page.locator("#requestType option")).to_have_text(["Choose…", "Funding review", "Advisory", "Migration"])
    expect(page.locator("#segment option")).to_have_text(["Choose…", "Enterprise", "Corporate (SMC-C)", "Small business"])
    session.screenshot("vocabulary")


def test_allowed_actions_on_the_request_decide_which_actions_are_offered(open_page, web_host):
    owner = user("allowed")
    request_id = web_host.submit(form(region="americas"), owner)
    web_host.wait_for_status(request_id, "routed", owner)

    session = open_page(owner, path=f"/requests/{request_id}")
    page = session.page
    bar = page.locator("#detail-actions")
    # the server's allowedActions: comment, cancel, participants, upload-document
    expect(bar.get_by_role("button")).to_have_text(["Comment", "Cancel request", "Account team", "Upload document"])
    with_allowed_actions(page, [])
    page.reload()
    expect(page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(bar.get_by_role("button")).to_have_count(0)

    lead = open_page(LEAD, LEAD_ROLES, path=f"/requests/{request_id}").page
    with_allowed_actions(lead, ["comment", "cancel", "complete"])
    lead.reload()
    lead_bar = lead.locator("#detail-actions")
    expect(lead_bar.get_by_role("button")).to_have_text(["Comment", "Record outcome", "Cancel request"])
    lead_bar.get_by_role("button", name="Comment").click()
    expect(lead.get_by_role("dialog").get_by_label("Internal")).to_have_count(0)  # "comment" without "comment-internal"
    lead.get_by_role("dialog").get_by_role("button", name="Close").click()

    lead.unroute(re.compile(r".*/api/requests/FTA-[0-9A-Z]+$"))
    with_allowed_actions(lead, None)  # a lead's role is no reason for a button: only allowedActions is
    lead.reload()
    expect(lead.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(lead_bar.get_by_role("button")).to_have_count(0)


# -- signing in -------------------------------------------------------------------------------


def test_a_visitor_without_a_principal_is_asked_to_sign_in_and_comes_back_to_the_address(open_page):
    session = open_page(None, path="/queue?q=contoso")
    expect(session.page.get_by_role("heading", name="Sign in required")).to_be_visible()
    expect(session.page.locator("#request-form")).to_be_hidden()
    expect(session.page.get_by_role("link", name="Sign in")).to_have_attribute(
        "href", "/.auth/login/aad?post_login_redirect_uri=%2Fqueue%3Fq%3Dcontoso")
    session.screenshot("sign-in")


# -- the form ---------------------------------------------------------------------------------


def test_a_requestor_submits_the_form_and_lands_on_the_request(open_page, web_host):
    me = user("submit")
    session = open_page(me)
    page = session.page
    expect(page.locator("#who")).to_contain_text(me)
    page.get_by_role("link", name="New request").first.click()
    expect(page).to_have_url(re.compile(r"/requests/new$"))
    expect(page.locator("#region option")).to_have_count(4)
    expect(page.locator("#region option").first).to_have_text("Choose…")

    expect(page.get_by_label("Funding amount (USD)")).to_be_hidden()
    fill_form(page, request_type="sow-ecif")
    expect(page.get_by_label("Funding amount (USD)")).to_be_visible()
    expect(page.get_by_label("Mailbox count", exact=True)).to_be_hidden()
    page.get_by_label("Funding amount (USD)").fill("120000")
    session.screenshot("filled")
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)

    stored = web_host.requests_of(me)
    assert [r["id"] for r in stored] == [request_id]
    assert {k: stored[0][k] for k in ("tpid", "tenant", "customerName", "partner", "totalUsers", "segment",
                                      "entitlements", "salesStagePercent", "requestType", "region",
                                      "fundingAmountUsd", "instructions", "cloud", "trial")} == {
        "tpid": "123456", "tenant": "contoso.onmicrosoft.com", "customerName": "Contoso Ltd",
        "partner": "Fabrikam Partners", "totalUsers": 5000, "segment": "enterprise",
        "entitlements": ["microsoft-365", "ems"], "salesStagePercent": 60, "requestType": "sow-ecif",
        "region": "emea", "fundingAmountUsd": 120000, "instructions": "Discovery workshop",
        "cloud": "commercial", "trial": False,
    }
    assert stored[0]["requestor"]["email"] == me
    expect(detail_value(page, "Funding amount")).to_have_text("USD 120,000")
    expect(detail_value(page, "Customer")).to_have_text("Contoso Ltd")

    page.get_by_role("link", name="My requests").click()
    expect(page).to_have_url(re.compile(r"/$"))
    listed = row(page, request_id)
    expect(listed).to_contain_text("Contoso Ltd")
    expect(listed).to_contain_text("SOW review / ECIF related")
    # the devhost consumers route it; the list polls and shows it without a click
    expect(status_cell(page, request_id)).to_have_text("Routed to leads", timeout=15_000)
    expect(listed.locator('td[data-label="Due"]')).to_contain_text("overdue")  # the SLA is 0 hours in this host
    page.go_back()
    expect(page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    page.get_by_role("link", name="New request").first.click()
    expect(page.get_by_label("TPID")).to_have_value("")
    session.screenshot("submitted")


FACT_LABELS = ("Mailbox count", "Average mailbox size (GB)", "Shared mailbox count", "Expected start",
               "Expected finish", "Source environment", "Justification")


def shown_facts(page: Page) -> list[str]:
    return [label for label in FACT_LABELS if page.get_by_label(label, exact=True).is_visible()]


def test_the_migration_form_asks_for_the_facts_of_the_kind_chosen_and_sends_them(open_page, web_host):
    me = user("migration")
    session = open_page(me, viewport=PHONE, path=NEW)
    page = session.page
    fill_form(page, request_type="migration-exception")
    kinds = page.get_by_label("Kind of exception")
    expect(kinds.locator("option")).to_contain_text(["Choose…", "Domino mailboxes beyond 90 days",
                                                      "Domino coexistence above 4,000 licences"])
    assert shown_facts(page) == [], "no kind chosen yet: no facts asked"
    kinds.select_option(label="FastTrack before the licence purchase")
    expect(page.get_by_label("Expected start")).to_be_visible()
    assert shown_facts(page) == ["Expected start", "Justification"]
    kinds.select_option(label="Local migrators")
    expect(page.get_by_label("Shared mailbox count")).to_be_visible()
    assert shown_facts(page) == ["Mailbox count", "Shared mailbox count", "Source environment", "Justification"]
    kinds.select_option(label="Domino mailboxes beyond 90 days")
    expect(page.get_by_label("Average mailbox size (GB)")).to_be_visible()
    assert shown_facts(page) == ["Mailbox count", "Average mailbox size (GB)", "Expected start", "Expected finish",
                                 "Source environment", "Justification"]
    page.get_by_label("Mailbox count", exact=True).fill("800")
    page.get_by_label("Average mailbox size (GB)").fill("2.5")
    page.get_by_label("Expected start").fill("2027-02-01")
    page.get_by_label("Expected finish").fill("2027-01-15")
    page.get_by_label("Source environment").fill("HCL Domino 9")
    page.get_by_label("Justification", exact=True).fill("Archive beyond 90 days")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#error-migration-expectedFinish")).to_contain_text("must not be before the expected start")
    expect(page.get_by_label("Expected finish")).to_have_attribute("aria-invalid", "true")
    assert web_host.requests_of(me) == []
    assert_fits(session, "migration-finish-before-start")
    assert_accessible(session, "migration-finish-before-start")

    page.get_by_label("Expected finish").fill("2027-03-31")
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    stored = web_host.request(request_id, me)
    assert {k: v for k, v in stored["migration"].items() if v is not None} == {
        "exceptionType": "domino-90-day", "mailboxCount": 800, "averageMailboxSizeGb": 2.5,
        "expectedStart": "2027-02-01", "expectedFinish": "2027-03-31", "sourceEnvironment": "HCL Domino 9",
        "justification": "Archive beyond 90 days"}
    assert stored["fundingAmountUsd"] is None
    expect(detail_value(page, "Kind of exception")).to_have_text("Domino mailboxes beyond 90 days")
    expect(detail_value(page, "Mailbox count")).to_have_text("800")
    expect(detail_value(page, "Average mailbox size (GB)")).to_have_text("2.5")
def test_an_ineligible_request_shows_each_reason_beside_its_field_and_stores_nothing(open_page, web_host):
    me = user("ineligible")
    session = open_page(me, path=NEW)
    page = session.page
    fill_form(page, sales_stage="20")
    page.get_by_label("Compelling event").fill("")
    page.get_by_role("button", name="Submit").click()

    expect(page.locator("#error-salesStagePercent")).to_contain_text("at least 40 %")
    expect(page.locator("#error-compellingEvent")).to_contain_text("compelling event is required")
    expect(page.get_by_label("Sales stage")).to_have_attribute("aria-invalid", "true")
    summary = page.locator("#form-summary")
    expect(summary).to_contain_text("not eligible")
    expect(summary.locator("li")).to_have_count(2)
    expect(summary).to_contain_text("Sales stage (%): the opportunity must be at least 40 %")
    expect(page).to_have_url(re.compile(r"/requests/new$"))
    session.screenshot("ineligible")
    assert web_host.requests_of(me) == []

    page.get_by_label("Sales stage").fill("60")
    page.get_by_label("Compelling event").fill("E5 commitment")
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    assert [r["id"] for r in web_host.requests_of(me)] == [request_id]


def test_an_invalid_field_shows_the_servers_message_beside_it(open_page, web_host):
    me = user("invalid")
    session = open_page(me, path=NEW)
    page = session.page
    fill_form(page, tenant="not a tenant")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#error-tenant")).to_contain_text("tenant domain")
    expect(page.get_by_label("Tenant")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-summary")).to_contain_text("Tenant: ")
    session.screenshot("invalid")
    assert web_host.requests_of(me) == []


def test_a_double_click_makes_one_request_and_the_next_submission_a_new_one(open_page, web_host):
    me = user("double")
    session = open_page(me, path=NEW)
    page = session.page
    fill_form(page)
    page.get_by_role("button", name="Submit").dblclick()
    first = submitted_id(page)
    page.get_by_role("link", name="New request").first.click()
    fill_form(page, customer="Second customer")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#action-message")).not_to_contain_text(first)
    second = submitted_id(page)

    assert sorted(r["id"] for r in web_host.requests_of(me)) == sorted([first, second])
    posts = [r for r in session.requests if r.method == "POST" and r.url.endswith("/api/requests")]
    keys = [r.headers["idempotency-key"] for r in posts]
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", k) for k in keys)
    assert len(set(keys)) == 2, "one key per submission, a new one after success"


def test_the_keyboard_reaches_every_field_in_order_and_enter_submits(open_page, web_host):
    me = user("keyboard")
    session = open_page(me, path=NEW)
    page = session.page
    fill_form(page)
    page.get_by_label("TPID").focus()
    visited = []
    for _ in range(30):
        visited.append(page.evaluate("document.activeElement.id"))
        if visited[-1] == "submit-request":
            break
        page.keyboard.press("Tab")
    assert visited == [
        "tpid", "tenant", "cloud", "trial", "customerName", "partner", "totalUsers", "segment",
        "entitlement-microsoft-365", "entitlement-office-365", "entitlement-ems",
        "salesStagePercent", "region", "compellingEvent", "requestType", "instructions", "add-participant",
        "submit-request",
    ]
    page.keyboard.press("Enter")
    request_id = submitted_id(page)
    expect(page.locator("#detail-heading")).to_be_focused()
    session.screenshot("submitted-by-keyboard")

    page.get_by_role("link", name="My requests").focus()
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name=request_id, exact=True)
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(page.locator("#detail-heading")).to_be_focused()
    assert [r["id"] for r in web_host.requests_of(me)] == [request_id]


# -- eligibility while the form is filled in ---------------------------------------------------


def eligibility_calls(session: Session) -> list:
    return [r for r in session.requests if r.method == "POST" and r.url.endswith("/api/eligibility")]


def submissions(session: Session) -> list:
    return [r for r in session.requests if r.method == "POST" and r.url.endswith("/api/requests")]


def test_a_low_sales_stage_is_shown_beside_its_field_before_submitting_and_fixing_it_clears_it(open_page, web_host):
    me = user("live")
    session = open_page(me, path=NEW)
    page = session.page
    stage = page.get_by_label("Sales stage")
    expect(stage).to_be_editable()  # key presses, unlike fill, do not wait for the form to be shown
    stage.press_sequentially("20", delay=40)

    beside = page.locator("#check-salesStagePercent")
    expect(beside).to_contain_text("Not eligible: the opportunity must be at least 40 % through the sales stage")
    expect(beside).to_contain_text("it is at 20 %")
    assert "check-salesStagePercent" in stage.get_attribute("aria-describedby").split()
    assert beside.get_attribute("aria-live") == "polite"
    expect(page.locator("#check-totalUsers")).to_have_text("")
    session.screenshot("live-reason")
    assert submissions(session) == [] and web_host.requests_of(me) == []
    assert len(eligibility_calls(session)) == 1, "typing 20 is one check, not one per key"
    assert eligibility_calls(session)[0].post_data_json == {"salesStagePercent": 20}, "only what was edited"

    stage.fill("60")
    expect(beside).to_have_text("")
    assert submissions(session) == []


def test_clouds_trials_and_an_open_request_for_the_tpid_are_judged_beside_their_fields(open_page, web_host):
    me = user("live-cloud")
    earlier = web_host.submit(form(tpid="880011"), me)
    session = open_page(me, path=NEW)
    page = session.page
    expect(page.locator("#cloud option")).to_have_text(["Commercial", "Government (GCC)", "GCC High", "DoD"])
    page.get_by_label("Total users").fill("60")
    expect(page.locator("#check-totalUsers")).to_contain_text("150 or more paid seats; this one has 60")
    page.get_by_label("Cloud").select_option("gcc-high")
    expect(page.locator("#check-totalUsers")).to_have_text("")
    page.get_by_label("Total users").fill("49")
    expect(page.locator("#check-totalUsers")).to_contain_text("GCC High tenants with 50 or more paid seats")

    page.get_by_label("Trial subscription").check()
    expect(page.locator("#check-trial")).to_contain_text("Not eligible: FastTrack serves paid tenants only")
    page.get_by_label("Trial subscription").uncheck()
    expect(page.locator("#check-trial")).to_have_text("")

    page.get_by_label("TPID").fill("880011")
    expect(page.locator("#check-tpid")).to_contain_text(f"Note: an open request for this TPID already exists: {earlier}")
    session.screenshot("live-notices")
    assert len(submissions(session)) == 0


def held_until(page: Page, held: list, count: int, timeout_ms: int = 5000) -> None:
    """Let the page run (Playwright handles routes only while it is called) until ``count`` calls are held."""
    waited = 0
    while len(held) < count and waited < timeout_ms:
        page.wait_for_timeout(50)
        waited += 50
    assert len(held) == count, (len(held), count)


def test_one_check_at_a_time_and_an_answer_for_stale_input_is_ignored(open_page):
    session = open_page(user("live-stale"), path=NEW)
    page = session.page
    held: list = []
    page.route("**/api/eligibility", lambda route: held.append(route))
    stage = page.get_by_label("Sales stage")

    stage.fill("5")
    held_until(page, held, 1)
    stage.fill("25")
    page.wait_for_timeout(900)  # three debounce periods: the second check waits for the first
    assert len(held) == 1, "at most one check in flight"

    held[0].continue_()  # the answer about "5" arrives after the input became "25"
    held_until(page, held, 2)
    assert held[1].request.post_data_json == {"salesStagePercent": 25}
    expect(page.locator("#check-salesStagePercent")).to_have_text("")
    held[1].continue_()
    expect(page.locator("#check-salesStagePercent")).to_contain_text("it is at 25 %")
    assert "it is at 5 %" not in page.locator("#check-salesStagePercent").inner_text()


def test_the_submissions_answer_stays_the_final_word(open_page, web_host):
    me = user("live-final")
    session = open_page(me, path=NEW)
    page = session.page
    fill_form(page, sales_stage="20")
    expect(page.locator("#check-salesStagePercent")).to_contain_text("at least 40 %")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#error-salesStagePercent")).to_contain_text("at least 40 %")
    expect(page.locator("#check-salesStagePercent")).to_have_text(""), "the live check gives way to the answer"
    page.get_by_label("Sales stage").fill("45")
    expect(page.locator("#error-salesStagePercent")).to_have_text("")
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    assert [r["id"] for r in web_host.requests_of(me)] == [request_id]
    page.go_back()
    expect(page.locator("#check-salesStagePercent")).to_have_text("")


# -- no script injection ------------------------------------------------------------------


def test_markup_in_the_requests_fields_is_shown_as_text_and_never_runs(open_page, web_host):
    me = user("xss")
    session = open_page(me, path=NEW)
    page = session.page
    fill_form(page, customer=XSS_FLAG, instructions=XSS_ALERT)
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    stored = web_host.request(request_id, me)
    assert stored["customerName"] == XSS_FLAG and stored["instructions"] == XSS_ALERT

    expect(detail_value(page, "Customer")).to_have_text(XSS_FLAG)
    expect(detail_value(page, "Instructions")).to_have_text(XSS_ALERT)
    expect(detail_value(page, "Status")).to_have_text("Routed to leads", timeout=15_000)  # the view follows the request
    web_host.wait_for_status(request_id, "routed", me)
    page.reload()
    act(page, "Cancel request", fill={"Reason for cancelling (optional)": XSS_ALERT})
    expect(page.locator('#timeline li[data-event-type="request.cancelled"]')).to_contain_text(f"Reason: {XSS_ALERT}")
    page.get_by_role("link", name="My requests").click()
    expect(row(page, request_id).locator('td[data-label="Customer"]')).to_have_text(XSS_FLAG)
    page.wait_for_timeout(300)
    session.screenshot("markup-as-text")

    assert page.locator("main img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert session.dialogs == []


def test_the_page_talks_only_to_its_own_origin(open_page, web_host):
    session = open_page(user("origin"))
    expect(session.page.locator("#list-empty")).to_be_visible()
    urls = [r.url for r in session.requests]
    assert urls and all(u.startswith(web_host.url + "/") for u in urls), urls
    assert {u.split("?")[0].removeprefix(web_host.url) for u in urls} >= {"/", "/static/app.js", "/static/style.css", "/api/me", "/api/requests", "/api/vocabulary",
                                                                           *[f"/static/{m}" for m in MODULES]}


# -- phones and accessibility of the form -------------------------------------------------------


def assert_fits(session: Session, view: str, width: int = PHONE["width"]) -> None:
    widths = scroll_widths(session.page)
    session.screenshot(f"{width}-{view}")
    assert widths["viewport"] == width, widths
    assert widths["document"] <= width and widths["body"] <= width, f"{view} scrolls sideways: {widths}"


def assert_within_width(locator) -> None:
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def assert_accessible(session: Session, view: str) -> None:
    session.screenshot(f"axe-{view}")
    violations = axe_violations(session.page)
    assert not violations, f"{view}: serious or critical accessibility violations:\n{describe_violations(violations)}"


def several_requests(web_host: WebHost, owner: str) -> list[str]:
    ids = [web_host.submit(form(customerName=f"Customer {n}", region="americas"), owner) for n in range(3)]
    ids.append(web_host.submit(migration_form(customerName=LONG_CUSTOMER, tenant=LONG_TENANT, region="americas",
                                              instructions="x" * 300, partner="Fabrikam" * 10), owner))
    return ids


def test_the_form_fits_a_phone_with_its_errors_shown(open_page, web_host):
    me = user("phone-form")
    session = open_page(me, viewport=PHONE, path=NEW)
    page = session.page
    expect(page.get_by_label("TPID")).to_be_visible()
    assert_fits(session, "form")

    fill_form(page, sales_stage="20", customer=LONG_CUSTOMER, tenant=LONG_TENANT, request_type="migration-exception")
    page.get_by_label("Kind of exception").select_option("other")
    page.get_by_label("Mailbox count", exact=True).fill("800")
    page.get_by_label("Source environment").fill("Exchange 2013 " + "z" * 120)
    page.get_by_label("Justification").fill("y" * 200)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#form-summary")).to_contain_text("not eligible")
    assert_within_width(page.get_by_label("Tenant"))
    assert_within_width(page.locator("#form-summary"))
    assert_fits(session, "form-errors")


def test_the_sign_in_notice_is_accessible(open_page):
    session = open_page(None)
    expect(session.page.get_by_role("heading", name="Sign in required")).to_be_visible()
    assert_accessible(session, "sign-in")


def test_the_form_is_accessible_empty_and_with_the_servers_errors(open_page):
    session = open_page(user("axe-form"), path=NEW)
    page = session.page
    expect(page.get_by_label("TPID")).to_be_visible()
    assert_accessible(session, "form")

    fill_form(page, sales_stage="20", tenant="not a tenant")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#form-summary")).to_be_visible()
    assert_accessible(session, "form-errors")


def test_the_form_is_accessible_with_the_live_checks_reasons_and_notices_shown(open_page, web_host):
    me = user("axe-live")
    web_host.submit(form(tpid="880022"), me)
    session = open_page(me, path=NEW)
    page = session.page
    page.get_by_label("TPID").fill("880022")
    page.get_by_label("Total users").fill("20")
    page.get_by_label("Sales stage").fill("20")
    page.get_by_label("Trial subscription").check()
    page.get_by_label("Request type").select_option("sow-ecif")
    page.get_by_label("Funding amount (USD)").fill("20000")
    page.get_by_label("Tenant").fill("not a tenant")
    page.get_by_label("Customer name").focus()  # leaving the tenant: its field error is shown too
    for slot, text in (("tpid", "Note: an open request"), ("totalUsers", "Not eligible"),
                       ("salesStagePercent", "Not eligible"), ("trial", "Not eligible"),
                       ("fundingAmountUsd", "Note: the FTA reviews"), ("tenant", "tenant domain")):
        expect(page.locator(f"#check-{slot}")).to_contain_text(text)
    assert_accessible(session, "form-live-check")
