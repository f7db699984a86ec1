"""The work after routing on the page, in Chromium over the app under devhost:
a lead asks for information and the requestor answers from the request's view,
a lead declines, an architect completes from "Assigned to me" and the
requestor is mailed the outcome, internal comments stay with the team; every
dialog checked with axe-core and at 390 px."""

from __future__ import annotations

import email
import json
import re
from email.message import Message
from email.policy import default as default_policy

from playwright.sync_api import Page, expect

from shared.domain.vocabulary import CATEGORIES, DECISIONS, DECLINE_REASONS, DOCUMENT_KINDS, RECOMMENDATIONS
from tests.factories import form, migration_form, sow_form
from tests.integration.browser import (  # noqa: F401
    LEAD_ROLES, PHONE, Session, WebHost, axe_violations, browser, describe_violations, open_page, scroll_widths,
    wait_for, web_host,
)
from tests.integration.test_web_page import act, detail_value, open_detail, row, status_cell, user

LEAD = "lee.lead@contoso.com"
ARCHITECT = "eva.novak@contoso.com"  # in the emea-leads pool, holds no role
INTERNAL_NOTE = "Checked with the account team: the budget is confirmed, keep this between us."


def assert_accessible(session: Session, view: str) -> None:
    session.screenshot(f"axe-{view}")
    violations = axe_violations(session.page)
    assert not violations, f"{view}: serious or critical accessibility violations:\n{describe_violations(violations)}"


def assert_fits(session: Session, view: str) -> None:
    widths = scroll_widths(session.page)
    session.screenshot(f"phone-{view}")
    assert widths["viewport"] == PHONE["width"], widths
    assert widths["document"] <= PHONE["width"] and widths["body"] <= PHONE["width"], f"{view} scrolls sideways: {widths}"


def routed_request(web_host: WebHost, owner: str, body: dict) -> str:
    request_id = web_host.submit(body, owner)
    web_host.wait_for_status(request_id, "routed", owner)
    return request_id


def lead_opens(open_page, request_id: str, **options) -> Session:
    """A lead opens the request at its own address (as the link of a mail or a Teams card does)."""
    session = open_page(LEAD, LEAD_ROLES, path=f"/requests/{request_id}", **options)
    expect(session.page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(session.page.locator("#detail-fields")).not_to_be_empty()
    return session


def open_dialog(page: Page, button: str):
    page.locator("#detail-actions").get_by_role("button", name=button, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    return dialog


def assign_by_email(page: Page, architect: str, name: str | None = None) -> None:
    act(page, "Assign", fill={"Or another architect's email": architect})
    expect(detail_value(page, "Architect")).to_have_text(name or architect)


def mails(web_host: WebHost, request_id: str, event_type: str, to: str) -> list[Message]:
    found = []
    for path in sorted((web_host.data_dir / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        if (message["X-FTA-Request-Id"], message["X-FTA-Event"], message["To"]) == (request_id, event_type, to):
            found.append(message)
    return found


def text_of(message: Message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# -- information needed ------------------------------------------------------------------------


def test_a_lead_asks_for_information_and_the_requestors_answer_puts_it_back_in_the_queue(open_page, web_host):
    owner = user("needs-info")
    untouched = web_host.submit(form(region="americas", customerName="Not asked"), owner)
    request_id = routed_request(web_host, owner, sow_form(customerName="Asked"))

    lead = lead_opens(open_page, request_id)
    page = lead.page
    expect(page.locator("#detail-question")).to_be_hidden()
    dialog = open_dialog(page, "Request information")
    documents = dialog.get_by_role("group", name="Documents to ask for (optional)")
    expect(documents.locator("label")).to_have_text(list(DOCUMENT_KINDS.values()))
    dialog.get_by_label("Message to the requestor").fill("Please attach the SOW and the cost breakdown.")
    dialog.get_by_role("checkbox", name="Statement of work (SOW)").check()
    dialog.get_by_role("checkbox", name="Cost breakdown").check()
    assert_accessible(lead, "request-info")
    dialog.get_by_role("button", name="Ask the requestor").click()
    expect(dialog).to_be_hidden()

    expect(page.locator("#action-message")).to_contain_text("Status: Additional information needed")
    expect(detail_value(page, "Status")).to_have_text("Additional information needed")
    expect(page.locator("#detail-question")).to_contain_text("Please attach the SOW and the cost breakdown.")
    asked = page.locator('#timeline li[data-event-type="request.info-requested"]')
    expect(asked).to_contain_text(f"{LEAD} asked for Statement of work (SOW) and Cost breakdown")
    bar = page.locator("#detail-actions")
    expect(bar.get_by_role("button", name="Resume")).to_be_visible()
    expect(bar.get_by_role("button", name="Request information")).to_have_count(0)
    expect(bar.get_by_role("button", name="Decline")).to_be_visible()
    stored = web_host.request(request_id, owner)
    assert stored["status"] == "needs-info"
    assert stored["history"][-1]["data"] == {"message": "Please attach the SOW and the cost breakdown.",
                                             "missingDocuments": ["sow", "cost-breakdown"]}

    requestor = open_page(owner)
    mine = requestor.page
    panel = mine.locator("#needs-answer")
    expect(panel).to_be_visible()
    assert panel.bounding_box()["y"] < mine.locator("#home-list").bounding_box()["y"], "the question comes first"
    expect(panel.locator("li.answer-item")).to_have_count(1)  # the other request waits on nobody
    item = panel.locator(f'li[data-request-id="{request_id}"]')
    expect(item).to_contain_text("Please attach the SOW and the cost breakdown.")
    expect(item).to_contain_text("Statement of work (SOW) and Cost breakdown")
    expect(item).to_contain_text(f"{LEAD} asked")
    expect(status_cell(mine, request_id)).to_have_text("Additional information needed")
    expect(row(mine, untouched)).to_be_visible()
    assert_accessible(requestor, "needs-answer")

    item.get_by_role("link").click()
    expect(mine.locator("#detail-question")).to_contain_text("Please attach the SOW and the cost breakdown.")
    mine.locator("#detail-question").get_by_role("button", name="Answer").click()
    answer = mine.get_by_role("dialog", name="Answer the FastTrack team")
    answer.get_by_label("Your answer").fill("Attached: SOW v2 and the cost breakdown.")
    answer.get_by_role("button", name="Send answer").click()
    expect(detail_value(mine, "Status")).to_have_text("Routed to leads")
    expect(mine.locator("#detail-question")).to_be_hidden()
    mine.go_back()
    expect(panel.locator("li.answer-item")).to_have_count(0)
    expect(status_cell(mine, request_id)).to_have_text("Routed to leads")
    requestor.screenshot("answered")

    back = web_host.request(request_id, LEAD, LEAD_ROLES)
    assert back["status"] == "routed"
    assert [e["type"] for e in back["history"][-3:]] == [
        "request.info-requested", "request.commented", "request.info-provided"]
    assert back["history"][-2]["data"] == {"text": "Attached: SOW v2 and the cost breakdown.", "internal": False,
                                           "by": "requestor", "architect": ""}

    # the lead's view follows the request: back in the queue, waiting for an architect again
    expect(detail_value(page, "Status")).to_have_text("Routed to leads", timeout=15_000)
    expect(page.locator("#detail-question")).to_be_hidden()
    expect(page.locator('#timeline li[data-event-type="request.commented"]')).to_contain_text(
        "Attached: SOW v2 and the cost breakdown.")
    resumed = page.locator('#timeline li[data-event-type="request.info-provided"]')
    expect(resumed).to_contain_text("answered; the request is back with the leads")
    expect(bar.get_by_role("button", name="Assign", exact=True)).to_be_visible()
    lead.screenshot("back-in-queue")


def test_a_lead_resumes_a_request_without_an_answer(open_page, web_host):
    owner = user("resume")
    request_id = routed_request(web_host, owner, form(region="americas"))
    asked = web_host.call("POST", f"/api/requests/{request_id}/request-info", user=LEAD, roles=LEAD_ROLES,
                          body={"message": "Which workloads?"})
    assert asked.status == 200, asked.body
    page = lead_opens(open_page, request_id).page
    expect(page.locator("#detail-question")).to_contain_text("Which workloads?")
    act(page, "Resume")
    expect(detail_value(page, "Status")).to_have_text("Routed to leads")
    expect(page.locator('#timeline li[data-event-type="request.info-provided"]')).to_contain_text(
        "resumed the request without an answer")
    assert web_host.request(request_id, owner)["status"] == "routed"


# -- decline -----------------------------------------------------------------------------------


def test_a_lead_declines_with_a_reason_and_the_requestor_sees_it_declined_with_the_reason(open_page, web_host):
    owner = user("declined")
    request_id = routed_request(web_host, owner, form(region="americas", customerName="Declined customer"))
    note = "Custom development is not a FastTrack benefit."

    lead = lead_opens(open_page, request_id)
    page = lead.page
    dialog = open_dialog(page, "Decline")
    reason = dialog.get_by_label("Reason for declining")
    expect(reason.locator("option")).to_have_text(["Choose…", *DECLINE_REASONS.values()])
    dialog.get_by_role("button", name="Decline request").click()  # no reason chosen: the browser keeps the form
    assert reason.evaluate("select => select.validity.valueMissing")
    assert not [r for r in lead.requests if r.method == "POST" and r.url.endswith("/decline")]

    reason.select_option(label=DECLINE_REASONS["out-of-scope"])
    dialog.get_by_label("Note to the requestor").fill(note)
    assert_accessible(lead, "decline")
    dialog.get_by_role("button", name="Decline request").click()
    expect(page.locator("#action-message")).to_contain_text("Declined. Status: Declined")
    expect(detail_value(page, "Decline reason")).to_have_text("Out of FastTrack scope")
    # a declined request is closed: a lead may only reopen it for a second review
    expect(page.locator("#detail-actions").get_by_role("button")).to_have_text(["Reopen"])
    stored = web_host.request(request_id, owner)
    assert stored["status"] == "declined" and stored["decline"] == {"reason": "out-of-scope", "note": note}

    requestor = open_page(owner)
    mine = requestor.page
    expect(status_cell(mine, request_id)).to_have_text("Declined")
    open_detail(mine, request_id)
    expect(detail_value(mine, "Status")).to_have_text("Declined")
    expect(detail_value(mine, "Decline reason")).to_have_text("Out of FastTrack scope")
    expect(detail_value(mine, "Decline note")).to_have_text(note)
    declined = mine.locator('#timeline li[data-event-type="request.declined"]')
    expect(declined).to_contain_text(f"{LEAD} declined the request: Out of FastTrack scope")
    expect(declined).to_contain_text(f"Note: {note}")
    expect(mine.locator("#detail-actions").get_by_role("button")).to_have_count(0)
    assert_accessible(requestor, "declined")


# -- the architect's workspace -----------------------------------------------------------------


def test_an_architect_completes_a_migration_exception_from_assigned_to_me_and_the_requestor_gets_the_decision(
        open_page, web_host):
    owner = user("migration-owner")
    request_id = routed_request(web_host, owner, migration_form(region="emea", customerName="Migrating customer"))
    lead = lead_opens(open_page, request_id)
    assign_by_email(lead.page, ARCHITECT, "Eva Novak")

    architect = open_page(ARCHITECT)
    page = architect.page
    expect(page.locator("#who")).not_to_contain_text("FTA lead")
    page.get_by_role("link", name="Assigned to me").click()
    expect(page).to_have_url(re.compile(r"/assigned$"))
    expect(page.get_by_role("heading", name="Assigned to me")).to_be_visible()
    expect(page.get_by_role("link", name="Assigned to me")).to_have_attribute("aria-current", "page")
    expect(row(page, request_id)).to_contain_text("Migration exception")
    expect(page.get_by_label("Status", exact=True)).to_have_count(0)  # the leads' filters are the queue's
    assert_accessible(architect, "assigned-to-me")

    open_detail(page, request_id)
    bar = page.locator("#detail-actions")
    for absent in ("Assign", "Decline", "Cancel request"):
        expect(bar.get_by_role("button", name=absent, exact=True)).to_have_count(0)
    expect(bar.get_by_role("button", name="Request information")).to_be_visible()
    dialog = open_dialog(page, "Record outcome")
    expect(dialog.get_by_label("Recommendation")).to_have_count(0)
    decision = dialog.get_by_label("Decision")
    expect(decision.locator("option")).to_have_text(["Choose…", *DECISIONS.values()])
    decision.select_option("approved")
    dialog.get_by_label("Notes", exact=True).fill("Approved for the 800 legacy mailboxes.")
    assert_accessible(architect, "complete-migration")
    dialog.get_by_role("button", name="Record the outcome").click()

    expect(page.locator("#action-message")).to_contain_text("Outcome recorded. Status: Completed")
    expect(detail_value(page, "Decision")).to_have_text("Approved")
    expect(detail_value(page, "Outcome notes")).to_have_text("Approved for the 800 legacy mailboxes.")
    done = page.locator('#timeline li[data-event-type="request.completed"]')
    expect(done).to_contain_text("completed the review: Approved")
    expect(done).to_contain_text("Approved for the 800 legacy mailboxes.")
    page.go_back()
    expect(status_cell(page, request_id)).to_have_text("Completed")
    stored = web_host.request(request_id, owner)
    assert stored["status"] == "completed" and stored["architect"] == ARCHITECT
    assert stored["outcome"] == {"decision": "approved", "notes": "Approved for the 800 legacy mailboxes."}

    mailed = wait_for(lambda: mails(web_host, request_id, "request.completed", owner), timeout=15)
    body = text_of(mailed[0])
    assert "Decision:" in body and DECISIONS["approved"] in body, body
    assert "Approved for the 800 legacy mailboxes." in body
    page.wait_for_timeout(500)
    assert len(mails(web_host, request_id, "request.completed", owner)) == 1, "the outcome is mailed once"


def test_a_requestor_without_assignments_is_not_offered_the_assigned_view(open_page, web_host):
    owner = user("no-assignments")
    web_host.submit(form(), owner)
    session = open_page(owner)
    page = session.page
    expect(page.locator("#requests-table tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Assigned to me")).to_have_count(0)
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    page.goto("/queue")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("#not-found-text")).to_have_text("This page is not open to you.")


# -- comments ----------------------------------------------------------------------------------


def comment(page: Page, text: str, internal: bool = False) -> None:
    dialog = open_dialog(page, "Comment")
    dialog.get_by_label("Comment", exact=True).fill(text)
    if internal:
        dialog.get_by_label("Internal").check()
    dialog.get_by_role("button", name="Add comment").click()
    expect(dialog).to_be_hidden()


def test_an_internal_comment_is_marked_for_the_lead_and_absent_from_the_requestors_page(open_page, web_host):
    owner = user("internal")
    request_id = routed_request(web_host, owner, form(region="americas"))

    lead = lead_opens(open_page, request_id)
    page = lead.page
    comment(page, INTERNAL_NOTE, internal=True)
    expect(page.locator("#action-message")).to_contain_text("Comment added")
    comment(page, "We are reviewing the request this week.")

    comments = page.locator('#timeline li[data-event-type="request.commented"]')
    expect(comments).to_have_count(2)
    internal = page.locator('#timeline li[data-internal="true"]')
    expect(internal).to_have_count(1)
    expect(internal).to_contain_text(INTERNAL_NOTE)
    expect(internal).to_contain_text(f"{LEAD} wrote an internal comment")
    expect(internal.locator(".badge.internal")).to_have_text("Internal")
    expect(comments.nth(1).locator(".badge.internal")).to_have_count(0)
    assert_accessible(lead, "internal-comment")

    requestor = open_page(owner, path=f"/requests/{request_id}")
    mine = requestor.page
    theirs = mine.locator('#timeline li[data-event-type="request.commented"]')
    expect(theirs).to_have_count(1)
    expect(theirs).to_contain_text("We are reviewing the request this week.")
    expect(mine.locator("body")).not_to_contain_text(INTERNAL_NOTE)
    dialog = open_dialog(mine, "Comment")
    expect(dialog.get_by_label("Internal")).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    for path in (f"/api/requests/{request_id}", "/api/requests?limit=200", "/api/requests?status=routed&mine=true"):
        answer = web_host.call("GET", path, user=owner)
        assert answer.status == 200 and INTERNAL_NOTE not in json.dumps(answer.body), path

    comment(mine, "Thanks, the customer is waiting.")
    expect(theirs).to_have_count(2)
    assert web_host.request(request_id, owner)["status"] == "routed", "a comment on a routed request changes nothing"


# -- phones ------------------------------------------------------------------------------------


def test_the_question_and_the_answer_fit_a_phone(open_page, web_host):
    owner = user("phone-answer")
    request_id = routed_request(web_host, owner, form(region="americas"))
    long_message = "Please send the migration plan " + "and-the-rest-of-the-documents" * 8
    assert web_host.call("POST", f"/api/requests/{request_id}/request-info", user=LEAD, roles=LEAD_ROLES,
                         body={"message": long_message, "missingDocuments": ["migration-plan"]}).status == 200

    requestor = open_page(owner, viewport=PHONE)
    page = requestor.page
    expect(page.locator("#needs-answer")).to_contain_text("Migration plan")
    assert_fits(requestor, "needs-answer")
    assert_accessible(requestor, "needs-answer-phone")

    open_detail(page, request_id)
    question = page.locator("#detail-question")
    expect(question).to_contain_text("Please send the migration plan")
    expect(question.get_by_role("button", name="Upload Migration plan")).to_be_visible()
    assert_fits(requestor, "needs-info-detail")
    question.get_by_role("button", name="Answer").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Internal")).to_have_count(0)
    dialog.get_by_label("Your answer").fill("The plan is attached to the opportunity.")
    assert_fits(requestor, "answer-dialog")
    dialog.get_by_role("button", name="Send answer").click()
    expect(detail_value(page, "Status")).to_have_text("Routed to leads")
    assert web_host.request(request_id, owner)["status"] == "routed"


def test_a_leads_action_dialogs_and_an_internal_comment_fit_a_phone(open_page, web_host):
    owner = user("phone-lead-actions")
    request_id = routed_request(web_host, owner, form(region="americas"))
    lead = lead_opens(open_page, request_id, viewport=PHONE)
    page = lead.page
    for button, control in (("Request information", "Message to the requestor"), ("Decline", "Reason for declining"),
                            ("Assign", "Or another architect's email")):
        dialog = open_dialog(page, button)
        expect(dialog.get_by_label(control)).to_be_visible()
        box = dialog.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (button, box)
        assert_fits(lead, f"dialog-{button}")
        dialog.get_by_role("button", name="Close").click()
    comment(page, "internal-" + "x" * 120, internal=True)
    expect(page.locator('#timeline li[data-internal="true"]')).to_have_count(1)
    assert_fits(lead, "internal-comment")


def test_an_architect_completes_a_funding_review_on_a_phone(open_page, web_host):
    owner = user("phone-sow")
    request_id = routed_request(web_host, owner, sow_form(customerName="Funded customer"))
    web_host.upload_funding_documents(request_id, owner)
    assign_by_email(lead_opens(open_page, request_id).page, ARCHITECT, "Eva Novak")

    architect = open_page(ARCHITECT, viewport=PHONE, path="/assigned")
    page = architect.page
    expect(row(page, request_id)).to_be_visible()
    assert_fits(architect, "assigned-to-me")

    open_detail(page, request_id)
    dialog = open_dialog(page, "Record outcome")
    expect(dialog.get_by_label("Recommendation").locator("option")).to_have_text(["Choose…", *RECOMMENDATIONS.values()])
    expect(dialog.get_by_label("Category").locator("option")).to_have_text(["Choose…", *CATEGORIES.values()])
    expect(dialog.get_by_label("Decision")).to_have_count(0)
    dialog.get_by_label("Recommendation").select_option("approve")
    dialog.get_by_label("Category").select_option("cat-2b")
    dialog.get_by_label("Notes", exact=True).fill("Adoption workshops fit FastTrack's gaps.")
    assert_fits(architect, "complete-sow")
    assert_accessible(architect, "complete-sow-phone")
    dialog.get_by_role("button", name="Record the outcome").click()
    expect(detail_value(page, "Category")).to_have_text(CATEGORIES["cat-2b"])
    expect(detail_value(page, "Recommendation")).to_have_text("Approve")
    assert web_host.request(request_id, owner)["outcome"] == {
        "recommendation": "approve", "category": "cat-2b", "notes": "Adoption workshops fit FastTrack's gaps."}
    assert_fits(architect, "completed-sow")
