"""The engagement after assignment in Chromium over devhost: the assigned
architect records the discovery workshop from the request's view on a phone,
its record reads as a sentence on the timeline, and the requestor rates the
completed review once from the completion mail's link, which opens the rating;
axe-core on both dialogs."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import form
from tests.integration.browser import LEAD_ROLES, PHONE, browser, open_page, web_host  # noqa: F401
from tests.integration.test_page_views import LEAD, assert_fits
from tests.integration.test_web_page import assert_accessible, user
from tests.integration.test_web_workflow import mails, text_of
from tests.integration.live import wait_for

ARCHITECT = "eva.novak@contoso.com"


def test_the_architect_records_the_workshop_and_the_requestor_rates_the_review(open_page, web_host):
    owner = user("engaged")
    request_id = web_host.submit(form(region="emea", customerName="Engaged customer"), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    assert web_host.call("POST", f"/api/requests/{request_id}/assign", user=LEAD, roles=LEAD_ROLES,
                         body={"architect": ARCHITECT}).status == 200

    session = open_page(ARCHITECT, viewport=PHONE, path=f"/requests/{request_id}")
    page = session.page
    page.locator("#detail-actions").get_by_role("button", name="Record a step", exact=True).click()
    dialog = page.get_by_role("dialog", name="Record a step of the engagement")
    expect(dialog.get_by_label("FastTrack Manager's address")).to_be_hidden()  # only the chosen step's fields
    dialog.get_by_label("Step").select_option("workshop-held")
    dialog.get_by_label("Customer's understanding of the benefit").select_option("medium")
    dialog.get_by_label("Out of scope (one item per line)").fill("Teams Phone\nCopilot licences")
    dialog.get_by_label("Engagement start").fill("2027-01-11")
    dialog.get_by_label("DIBS: due date").fill("2027-03-31")
    dialog.get_by_label("DIBS: intent").fill("Move every mailbox")
    dialog.get_by_label("DIBS: business reason").fill("The datacentre closes")
    dialog.get_by_label("DIBS: success owners (one per line)").fill("Ana Owner\nBo Sponsor")
    assert_fits(session, "milestone-dialog", PHONE["width"])
    assert_accessible(session, "milestone-dialog")
    dialog.get_by_role("button", name="Record the step").click()
    expect(dialog).to_be_hidden()
    held = page.locator('#timeline li[data-event-type="request.workshop-held"]')
    expect(held).to_contain_text("held the discovery workshop")
    expect(held).to_contain_text("out of scope: Teams Phone and Copilot licences")
    workshop = web_host.request(request_id, owner)["workshop"]
    assert workshop["outOfScope"] == ["Teams Phone", "Copilot licences"]
    assert workshop["dibs"]["successOwners"] == ["Ana Owner", "Bo Sponsor"]

    assert web_host.call("POST", f"/api/requests/{request_id}/complete", user=ARCHITECT,
                         body={"outcome": {"notes": "Ready for the partner."}}).status == 200
    web_host.wait_for_status(request_id, "completed", owner)
    lead = open_page(LEAD, LEAD_ROLES, path=f"/requests/{request_id}/feedback")
    expect(lead.page.locator("#action-message")).to_have_text("Only the requestor rates the review.")
    expect(lead.page.get_by_role("dialog")).to_have_count(0)

    completed = wait_for(lambda: mails(web_host, request_id, "request.completed", owner), 15)
    link = re.search(r"^(http\S+/feedback)$", text_of(completed[0]), re.M).group(1)
    assert link == f"{web_host.url}/requests/{request_id}/feedback"
    requestor = open_page(owner, viewport=PHONE, path=link.removeprefix(web_host.url))
    mine = requestor.page
    rating = mine.get_by_role("dialog", name="Rate the review")  # the mail's link opens the rating
    expect(rating).to_be_visible()
    rating.get_by_label("4", exact=True).check()
    rating.get_by_label("Comment (optional)").fill("Clear and quick.")
    assert_accessible(requestor, "feedback-dialog")
    rating.get_by_role("button", name="Send rating").click()
    expect(rating).to_be_hidden()
    expect(mine.locator('#timeline li[data-event-type="request.feedback-given"]')).to_contain_text(
        "rated the review 4 of 5")
    expect(mine.locator("#detail-actions").get_by_role("button", name="Rate the review")).to_have_count(0)
    assert web_host.request(request_id, owner)["feedback"] == {"rating": 4, "comment": "Clear and quick."}
    mine.goto(link)
    expect(mine.locator("#action-message")).to_have_text("This review is rated already: 4 of 5.")
    expect(mine.get_by_role("dialog")).to_have_count(0)
