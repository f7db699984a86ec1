"""The page's views at their own addresses, in Chromium over devhost: the
journey of one request from the requestor's mail (read from a real SMTP
server) through the leads' queue, a request for two documents, the automatic
assignment and the architect's outcome to the reports; Back, forward and
reload; the lists and a request's view on a phone and a desktop; axe-core on
every view at 390 and 1280 px."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.document_samples import CSV, XLSX
from tests.factories import form
from tests.integration import live
from tests.integration.browser import (  # noqa: F401
    DESKTOP, LEAD_ROLES, NEVER, PHONE, WebHost, browser, open_page, scroll_widths, wait_for, web_host,
)
from tests.integration.smtp_server import SmtpServer
from tests.integration.test_web_page import (
    LONG_CUSTOMER, LONG_TENANT, act, assert_accessible, assert_within_width, detail_value, open_detail, row,
    several_requests, status_cell, user,
)

LEAD = "lee.lead@contoso.com"
EMEA_ARCHITECTS = {"eva.novak@contoso.com": "Eva Novak", "farid.haddad@contoso.com": "Farid Haddad"}
URL = re.compile(r"https?://\S+")


# -- one request's journey, person by person --------------------------------------------------


@pytest.fixture(scope="module")
def mailing_host(tmp_path_factory) -> Iterator[tuple[WebHost, SmtpServer]]:
    """The app under devhost with the business-hours SLA of production, mailing a real SMTP server."""
    with SmtpServer() as smtp:
        data_dir = tmp_path_factory.mktemp("journey-devhost")
        app = live.start(data_dir, timeout=30, FTA_SWEEP_SCHEDULE=NEVER, **smtp.env)
        host = WebHost(app.process, app.url, app.log_path, app.env, data_dir=data_dir)
        yield host, smtp
        assert host.stop() == 0, host.log()


def mails_to(smtp: SmtpServer, request_id: str, event_type: str, to: str | None = None):
    return [m for m in smtp.collector.by_event(event_type)
            if m.message["X-FTA-Request-Id"] == request_id and (to is None or to in m.recipients)]


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = [u.rstrip(".,)") for u in URL.findall(text) if "/requests/" in u]
    assert len(set(links)) == 1, text
    return links[0]


def test_one_request_from_the_requestors_mail_to_the_architects_outcome(browser, mailing_host):
    host, smtp = mailing_host
    tag = uuid.uuid4().hex[:6]
    owner = f"rita-{tag}@contoso.com"
    customer = f"Tailspin Toys {tag}"
    request_id = host.submit(form(customerName=customer, region="emea"), owner)
    for other in ("Northwind Traders", "Fabrikam Inc"):
        host.submit(form(customerName=f"{other} {tag}", region="emea"), owner)
    host.wait_for_status(request_id, "routed", owner)

    def person(who: str, roles: tuple[str, ...] = (), viewport=DESKTOP) -> Page:
        from devhost.principal import build_principal

        context = browser.new_context(base_url=host.url, viewport=viewport,
                                      extra_http_headers={"X-MS-CLIENT-PRINCIPAL": build_principal(who, roles)})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
        return page

    # the requestor follows the link in the mail they received
    received = wait_for(lambda: mails_to(smtp, request_id, "request.submitted", owner), timeout=15)
    link = link_in(received[0].message)
    assert link == f"{host.url}/requests/{request_id}", link
    requestor = person(owner, viewport=PHONE)
    requestor.goto(link)
    expect(requestor.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(detail_value(requestor, "Customer")).to_have_text(customer)

    # a lead opens the queue, searches by customer name, sorts by due, opens the request and comes back
    lead = person(LEAD, LEAD_ROLES)
    lead.goto("/")
    expect(lead).to_have_url(re.compile(r"/queue$"))  # a lead lands on the queue
    lead.get_by_role("searchbox", name="Search").fill(customer.lower())
    lead.get_by_role("button", name="Search").click()
    expect(lead).to_have_url(re.compile(rf"/queue\?q={re.escape(customer.lower().replace(' ', '+'))}$"))
    expect(lead.locator("#requests-table tbody tr")).to_have_count(1)
    expect(row(lead, request_id).locator('td[data-label="Due"]')).to_contain_text(re.compile(r"due in \d+ h|overdue"))
    lead.get_by_label("Sort").select_option("due")
    expect(lead).to_have_url(re.compile(r"/queue\?q=.+&sort=due$"))
    filtered = lead.url
    open_detail(lead, request_id)
    lead.go_back()
    expect(lead).to_have_url(filtered)
    expect(lead.get_by_role("searchbox", name="Search")).to_have_value(customer.lower())
    expect(lead.get_by_label("Sort")).to_have_value("due")
    expect(lead.locator("#requests-table tbody tr")).to_have_count(1)
    lead.go_forward()
    expect(lead.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    lead.reload()
    expect(lead.locator("#detail-heading")).to_have_text(f"Request {request_id}")

    # … and asks for two documents
    lead.locator("#detail-actions").get_by_role("button", name="Request information").click()
    dialog = lead.get_by_role("dialog")
    dialog.get_by_label("Message to the requestor").fill("Please send the WBS and the cost breakdown.")
    dialog.get_by_role("checkbox", name="Work breakdown structure (WBS)").check()
    dialog.get_by_role("checkbox", name="Cost breakdown").check()
    dialog.get_by_role("button", name="Ask the requestor").click()
    expect(detail_value(lead, "Status")).to_have_text("Additional information needed")
    expect(lead.locator('#timeline li[data-event-type="request.info-requested"]')).to_contain_text(
        "asked for Work breakdown structure (WBS) and Cost breakdown")

    # the requestor uploads one: the request still waits, and nobody is told "answered"
    requestor.reload()
    question = requestor.locator("#detail-question")
    expect(question).to_contain_text("Please send the WBS and the cost breakdown.")
    question.get_by_role("button", name="Upload Work breakdown structure (WBS)").click()
    upload = requestor.get_by_role("dialog", name="Upload a document")
    upload.get_by_label("File").set_input_files({"name": "WBS.xlsx", "mimeType": "application/octet-stream", "buffer": XLSX})
    upload.get_by_role("button", name="Upload", exact=True).click()
    expect(requestor.locator("#documents-list")).to_contain_text("WBS.xlsx")
    expect(detail_value(requestor, "Status")).to_have_text("Additional information needed")
    expect(question.get_by_role("button", name="Upload Work breakdown structure (WBS)")).to_have_count(0)
    requestor.wait_for_timeout(1500)
    assert mails_to(smtp, request_id, "request.info-provided") == []
    assert host.request(request_id, owner)["status"] == "needs-info"

    # … then the other: back in the queue
    question.get_by_role("button", name="Upload Cost breakdown").click()
    upload.get_by_label("File").set_input_files({"name": "costs.csv", "mimeType": "text/csv", "buffer": CSV})
    upload.get_by_role("button", name="Upload", exact=True).click()
    expect(detail_value(requestor, "Status")).to_have_text("Routed to leads")
    expect(question).to_be_hidden()
    uploaded = requestor.locator('#timeline li[data-event-type="request.document-added"]')
    expect(uploaded.get_by_role("link", name="costs.csv")).to_be_visible()

    # the lead's view follows; they assign with "auto" and see the architect's name
    expect(detail_value(lead, "Status")).to_have_text("Routed to leads", timeout=15_000)
    act(lead, "Assign", select={"Architect": "auto"})
    expect(lead.locator("#action-message")).to_contain_text(re.compile("Assigned to (Eva Novak|Farid Haddad)"))
    picked = host.request(request_id, owner)["architect"]
    name = EMEA_ARCHITECTS[picked]
    expect(detail_value(lead, "Architect")).to_have_text(name)
    expect(lead.locator('#timeline li[data-event-type="request.assigned"]')).to_contain_text(
        f"assigned {name} (chosen by the workload balancer)")
    expect(lead.locator("#timeline")).not_to_contain_text(picked)
    expect(lead.locator("#detail-actions").get_by_role("button", name="Reassign")).to_be_visible()

    # the architect lands on their assignments and records the outcome
    architect = person(picked)
    architect.goto("/")
    expect(architect).to_have_url(re.compile(r"/assigned$"))
    open_detail(architect, request_id)
    act(architect, "Record outcome", submit="Record the outcome", fill={"Notes (optional)": "Workshops planned."})
    expect(detail_value(architect, "Status")).to_have_text("Completed")

    # a manager changes the reports' period and downloads the CSV of that period
    lead.get_by_role("link", name="Reports").click()
    week = (date.today() - timedelta(days=6)).isoformat()
    lead.get_by_label("From", exact=True).fill(week)
    lead.get_by_label("Group by").select_option("architect")
    lead.get_by_role("button", name="Show").click()
    expect(lead).to_have_url(re.compile(rf"/reports\?from={week}&to=.+&groupBy=architect$"))
    expect(lead.get_by_role("figure", name="Assigned within the SLA, per architect")
           .get_by_role("row", name=re.compile(f"^{name}"))).to_be_visible()
    with lead.expect_download() as download:
        lead.get_by_role("link", name="Download CSV").click()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"), newline=""))}
    assert rows[request_id]["status"] == "completed" and rows[request_id]["architect"] == picked
    for page in (requestor, lead, architect):
        page.context.close()


# -- addresses ---------------------------------------------------------------------------------


def test_an_unknown_address_shows_the_not_found_view_never_the_form(open_page, web_host):
    session = open_page(user("lost"), path="/requests/FTA-1/anything")
    page = session.page
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("#request-form")).to_be_hidden()
    for path in ("/nothing-here", "/queue/old", "/requests"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.locator("#request-form")).to_be_hidden()
    page.get_by_role("link", name="Go to your start page").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    page.goto("/requests/FTA-NOSUCH1")
    expect(page.locator("#detail-heading")).to_have_text("Request not found")
    expect(page.locator("#action-message")).to_contain_text("There is no request FTA-NOSUCH1 that you may see.")


def test_back_forward_and_reload_restore_each_view(open_page, web_host):
    owner = user("history")
    first, second = (web_host.submit(form(customerName=f"History {n}"), owner) for n in range(2))
    session = open_page(owner)
    page = session.page
    open_detail(page, first)
    page.get_by_role("link", name="My requests").click()
    open_detail(page, second)
    page.go_back()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    page.go_back()
    expect(page.locator("#detail-heading")).to_have_text(f"Request {first}")
    page.go_forward()
    page.go_forward()
    expect(page.locator("#detail-heading")).to_have_text(f"Request {second}")
    page.reload()
    expect(page.locator("#detail-heading")).to_have_text(f"Request {second}")
    expect(row(page, first)).to_have_count(0)
    link = page.evaluate("location.pathname")
    assert link == f"/requests/{second}"


# -- the lists and a request's view ------------------------------------------------------------


def test_the_owner_cancels_one_request_and_the_other_stays_open(open_page, web_host):
    me = user("owner")
    keep = web_host.submit(form(customerName="Keep me"), me)
    cancel = web_host.submit(form(customerName="Cancel me"), me)
    session = open_page(me)
    page = session.page
    expect(row(page, keep)).to_be_visible()
    expect(page.get_by_label("Status", exact=True)).to_have_count(0)  # the queue's filters are the leads'

    open_detail(page, cancel)
    expect(page.locator("#detail-actions").get_by_role("button", name="Assign")).to_have_count(0)
    act(page, "Cancel request", fill={"Reason for cancelling (optional)": "customer postponed"})
    expect(page.locator("#action-message")).to_contain_text("Cancelled. Status: Cancelled")
    expect(detail_value(page, "Status")).to_have_text("Cancelled")
    expect(page.locator('#timeline li[data-event-type="request.cancelled"]')).to_contain_text("Reason: customer postponed")
    expect(page.locator("#detail-actions").get_by_role("button", name="Cancel request")).to_have_count(0)
    page.go_back()
    expect(status_cell(page, cancel)).to_have_text("Cancelled")
    session.screenshot("cancelled")
    assert web_host.request(cancel, me)["status"] == "cancelled"
    assert web_host.request(keep, me)["status"] in ("submitted", "routed")


def test_a_lead_assigns_by_email_and_filters_the_queue_by_status_and_owner(open_page, web_host):
    owner = user("lead-scenario")
    by_email = web_host.submit(form(region="asia-pacific", customerName="Chosen"), owner)
    web_host.wait_for_status(by_email, "routed", owner)
    session = open_page(LEAD, LEAD_ROLES, path=f"/requests/{by_email}")
    page = session.page
    expect(page.locator("#who")).to_contain_text("FTA lead")
    page.locator("#detail-actions").get_by_role("button", name="Assign").click()
    expect(page.get_by_role("dialog").get_by_label("Architect", exact=True).locator("option")).to_have_text(
        ["Auto (the workload balancer picks)", "Grace Tan", "Hiro Sato"])
    page.get_by_role("dialog").get_by_role("button", name="Close").click()
    act(page, "Assign", fill={"Or another architect's email": "Zoe.Guest@contoso.com"})
    expect(detail_value(page, "Architect")).to_have_text("zoe.guest@contoso.com")
    act(page, "Record outcome", submit="Record the outcome")
    expect(detail_value(page, "Status")).to_have_text("Completed")
    assert web_host.request(by_email, owner)["architect"] == "zoe.guest@contoso.com"

    page.get_by_role("link", name="Queue").click()
    page.get_by_label("Status", exact=True).select_option("completed")
    expect(page).to_have_url(re.compile(r"/queue\?status=completed$"))
    expect(row(page, by_email)).to_be_visible()
    statuses = page.locator('#requests-table td[data-label="Status"]').all_inner_texts()
    assert statuses and set(statuses) == {"Completed"}
    page.get_by_label("Only mine").check()
    expect(page).to_have_url(re.compile(r"/queue\?status=completed&mine=true$"))
    expect(page.locator("#list-empty")).to_be_visible()

    page.goto("/queue?q=x")  # one character: not sent, and the list says why
    expect(page.locator(".list-message")).to_have_text("A search needs 2 to 100 characters: showing every request.")
    assert not [r for r in session.requests if "q=x" in r.url and "/api/requests" in r.url]


def test_a_stale_etag_is_refused_and_the_latest_version_shown(open_page, web_host):
    owner = user("stale")
    request_id = web_host.submit(form(region="americas"), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    session = open_page(LEAD, LEAD_ROLES, path=f"/requests/{request_id}")
    page = session.page
    expect(detail_value(page, "Status")).to_have_text("Routed to leads")
    page.locator("#detail-actions").get_by_role("button", name="Assign").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Or another architect's email").fill("carla.diaz@contoso.com")

    changed = web_host.call("POST", f"/api/requests/{request_id}/assign", user="other.lead@contoso.com",
                            roles=LEAD_ROLES, body={"architect": "dan.smith@contoso.com"})
    assert changed.status == 200
    dialog.get_by_role("button", name="Assign").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Someone changed this request since you opened it")
    expect(detail_value(page, "Architect")).to_have_text("Dan Smith")
    session.screenshot("stale")
    assert web_host.request(request_id, owner)["architect"] == "dan.smith@contoso.com"

    dialog.get_by_role("button", name="Assign").click()
    expect(dialog).to_be_hidden()
    expect(detail_value(page, "Architect")).to_have_text("Carla Diaz")

    web_host.call("POST", f"/api/requests/{request_id}/complete", user="other.lead@contoso.com", roles=LEAD_ROLES)
    expect(detail_value(page, "Status")).to_have_text("Completed", timeout=15_000)  # the view follows the request
    expect(page.locator("#detail-actions").get_by_role("button", name="Assign")).to_have_count(0)


def test_load_more_pages_through_the_requests(open_page, web_host):
    me = user("pages")
    ids = [web_host.submit(form(customerName=f"Customer {n}"), me) for n in range(27)]
    page = open_page(me).page
    expect(page.locator("#requests-table tbody tr")).to_have_count(25)
    expect(row(page, ids[-1])).to_be_visible()
    expect(row(page, ids[0])).to_have_count(0)
    page.get_by_role("button", name="Load more").click()
    expect(page.locator("#requests-table tbody tr")).to_have_count(27)
    expect(row(page, ids[0])).to_be_visible()
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)


# -- phones and desktops -------------------------------------------------------------------------


def assert_fits(session, view: str, width: int) -> None:
    widths = scroll_widths(session.page)
    session.screenshot(f"{width}-{view}")
    assert widths["viewport"] == width, widths
    assert widths["document"] <= width and widths["body"] <= width, f"{view} is wider than {width} px: {widths}"


def test_a_requestors_list_and_a_requests_view_fit_a_phone(open_page, web_host):
    owner = user("phone-dashboard")
    ids = several_requests(web_host, owner)
    session = open_page(owner, viewport=PHONE)
    page = session.page
    expect(page.locator("#requests-table tbody tr")).to_have_count(4)
    long_row = row(page, ids[-1])
    expect(long_row).to_contain_text(LONG_CUSTOMER)
    expect(long_row).to_contain_text("Migration exception")
    long_row.scroll_into_view_if_needed()
    expect(long_row.get_by_role("link", name=ids[-1], exact=True)).to_be_in_viewport()
    assert_within_width(long_row)
    assert_fits(session, "dashboard", PHONE["width"])

    open_detail(page, ids[-1])
    expect(detail_value(page, "Tenant")).to_have_text(LONG_TENANT)
    expect(page.locator("#detail-actions").get_by_role("button", name="Cancel request")).to_be_visible()
    assert_within_width(page.locator("#detail-fields"))
    assert_within_width(page.locator("#timeline"))
    assert_fits(session, "detail", PHONE["width"])


def test_a_long_customer_name_wraps_in_the_desktop_table(open_page, web_host):
    owner = user("desktop-long")
    ids = several_requests(web_host, owner)
    page = open_page(owner).page
    expect(row(page, ids[-1])).to_contain_text(LONG_CUSTOMER)
    widths = page.evaluate("({table: document.getElementById('requests-table').scrollWidth,"
                           " wrap: document.querySelector('.table-wrap').clientWidth})")
    assert widths["table"] <= widths["wrap"], widths
    last_cell = row(page, ids[-1]).locator("td").last
    last_cell.scroll_into_view_if_needed()
    expect(last_cell).to_be_in_viewport(ratio=1)


VIEWS = [  # (who, path, what shows the view is ready)
    ("requestor", "/", "#requests-table"),
    ("requestor", "/requests/new", "#request-form"),
    ("requestor", "/requests/{id}", "#timeline li"),
    ("lead", "/requests/{id}", "#timeline li"),
    ("lead", "/queue?sort=due", "#requests-table"),
    ("architect", "/assigned", "#requests-table"),
    ("lead", "/reports", ".report-figure"),
    ("requestor", "/nowhere", "#view-not-found"),
    ("nobody", "/", "#view-signin"),
]


@pytest.fixture(scope="module")
def assigned_request(web_host) -> str:
    owner = "axe-owner@contoso.com"
    request_id = web_host.submit(form(customerName=LONG_CUSTOMER, tenant=LONG_TENANT, region="emea"), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    assert web_host.call("POST", f"/api/requests/{request_id}/request-info", user=LEAD, roles=LEAD_ROLES,
                         body={"message": "Which workloads?", "missingDocuments": ["wbs"]}).status == 200
    assert web_host.call("POST", f"/api/requests/{request_id}/comments", user=owner,
                         body={"text": "Exchange and Teams."}).status == 200
    assert web_host.call("POST", f"/api/requests/{request_id}/assign", user=LEAD, roles=LEAD_ROLES,
                         body={"architect": "eva.novak@contoso.com"}).status == 200
    return request_id


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("who,path,ready", VIEWS, ids=[f"{w}{p}" for w, p, _ in VIEWS])
def test_every_view_is_accessible_and_no_wider_than_the_screen(open_page, assigned_request, who, path, ready, viewport):
    users = {"requestor": ("axe-owner@contoso.com", ()), "lead": (LEAD, LEAD_ROLES),
             "architect": ("eva.novak@contoso.com", ()), "nobody": (None, ())}
    email, roles = users[who]
    session = open_page(email, roles, viewport=viewport, path=path.format(id=assigned_request))
    page = session.page
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_timeout(200)
    name = re.sub(r"[^a-z0-9]+", "-", f"{who}{path.split('?')[0]}")
    assert_fits(session, name, viewport["width"])
    assert_accessible(session, f"{name}-{viewport['width']}")


def test_a_lead_reopens_a_declined_request_and_a_requestor_files_a_document_under_its_kind(open_page, web_host):
    from tests.document_samples import PDF

    owner = user("reopen")
    request_id = web_host.submit(form(region="americas", customerName="Second look"), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    assert web_host.call("POST", f"/api/requests/{request_id}/decline", user=LEAD, roles=LEAD_ROLES,
                         body={"reason": "out-of-scope"}).status == 200
    web_host.wait_for_status(request_id, "declined", owner)
    lead = open_page(LEAD, LEAD_ROLES, path=f"/requests/{request_id}").page
    expect(lead.locator("#detail-actions").get_by_role("button")).to_have_text(["Reopen"])
    act(lead, "Reopen", fill={"Why it is reviewed again": "The customer sent a revised scope."})
    expect(detail_value(lead, "Status")).to_have_text("Routed to leads")
    reopened = lead.locator('#timeline li[data-event-type="request.reopened"]')
    expect(reopened).to_contain_text("reopened the request for a second review; it is back with Americas Leads")
    expect(reopened).to_contain_text("Reason: The customer sent a revised scope.")

    requestor = open_page(owner, path=f"/requests/{request_id}").page
    requestor.locator("#detail-actions").get_by_role("button", name="Upload document").click()
    upload = requestor.get_by_role("dialog", name="Upload a document")
    upload.get_by_label("Kind").select_option("other")
    upload.get_by_label("File").set_input_files({"name": "scope.pdf", "mimeType": "application/pdf", "buffer": PDF})
    upload.get_by_role("button", name="Upload", exact=True).click()
    listed = requestor.locator("#documents-list li")
    expect(listed).to_contain_text("scope.pdf Other document")
    listed.get_by_role("button", name="Change the kind of scope.pdf").click()
    dialog = requestor.get_by_role("dialog", name="The kind of scope.pdf")
    dialog.get_by_label("Kind").select_option("sow")
    dialog.get_by_role("button", name="Save").click()
    expect(listed).to_contain_text("scope.pdf Statement of work (SOW)")
    expect(requestor.locator('#timeline li[data-event-type="request.document-changed"]')).to_contain_text(
        "filed scope.pdf as Statement of work (SOW) (was Other document)")
    assert [d["kind"] for d in web_host.request(request_id, owner)["documents"]] == ["sow"]


def test_a_requestor_puts_the_account_team_on_the_request(open_page, web_host):
    owner = user("team")
    request_id = web_host.submit(form(region="americas", customerName="Team request"), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    session = open_page(owner, viewport=PHONE, path=f"/requests/{request_id}")
    page = session.page
    page.locator("#detail-actions").get_by_role("button", name="Account team").click()
    dialog = page.get_by_role("dialog", name="The account team on this request")
    dialog.get_by_label("Person 1: address").fill("carl.csu@contoso.com")
    dialog.get_by_label("Person 1: role").select_option("csu")
    assert_fits(session, "participants-dialog", PHONE["width"])
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(detail_value(page, "Account team")).to_contain_text("carl.csu@contoso.com")
    expect(page.locator('#timeline li[data-event-type="request.participants-changed"]')).to_contain_text(
        "set the account team: carl.csu@contoso.com")
    assert [p["email"] for p in web_host.request(request_id, owner)["participants"]] == ["carl.csu@contoso.com"]
    assert_accessible(session, "participants")

    colleague = open_page("carl.csu@contoso.com", path=f"/requests/{request_id}").page  # a participant reads it
    expect(colleague.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(detail_value(colleague, "Customer")).to_have_text("Team request")
