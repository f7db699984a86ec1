"""The account team given at intake, in Chromium over devhost on a phone: rows
added and removed by keyboard and pointer, an address that is not one held by
the browser, the requestor named as one of them answered beside the account
team, nothing stored, then the request stored with its people, who
read it; axe-core on the form with the rows open."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.integration.browser import PHONE, browser, open_page, web_host  # noqa: F401
from tests.integration.test_page_views import assert_fits
from tests.integration.test_web_page import NEW, assert_accessible, detail_value, fill_form, submitted_id, user

ATU = "ana.atu@contoso.com"
PARTNER = "pat@fabrikam.example"


def test_the_requestor_names_the_account_team_on_the_form(open_page, web_host):
    me = user("team")
    session = open_page(me, viewport=PHONE, path=NEW)
    page = session.page
    fill_form(page)
    add = page.get_by_role("button", name="Add a person")
    add.click()
    expect(page.get_by_label("Person 1: address")).to_be_focused()
    page.get_by_label("Person 1: address").fill(ATU)
    expect(page.get_by_label("Person 1: role").locator("option")).to_contain_text(["Account team (ATU)"])
    add.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Person 2: address").fill("not-an-address")
    page.get_by_label("Person 2: role").select_option(label="Partner")
    add.click()
    page.get_by_label("Person 3: address").fill("left.out@contoso.com")
    page.get_by_role("button", name="Remove person 3").click()
    expect(page.get_by_label("Person 3: address")).to_have_count(0)
    expect(add).to_be_focused()
    assert_fits(session, "team-rows", PHONE["width"])
    assert_accessible(session, "team-rows")

    page.get_by_role("button", name="Submit").click()  # the browser holds an address that is not one
    assert page.get_by_label("Person 2: address").evaluate("box => box.validity.typeMismatch")
    assert web_host.requests_of(me) == []

    page.get_by_label("Person 2: address").fill(me)  # the requestor gets every mail already
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#error-participants")).to_contain_text("must not name the requestor")
    expect(page.locator("#form-summary")).to_contain_text("Account team (optional)")
    assert web_host.requests_of(me) == []
    session.screenshot("team-bad-address")

    page.get_by_label("Person 2: address").fill(PARTNER)
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    assert web_host.request(request_id, me)["participants"] == [
        {"email": ATU, "role": "atu"}, {"email": PARTNER, "role": "partner"}]
    expect(detail_value(page, "Account team")).to_contain_text("(Account team (ATU))")
    expect(detail_value(page, "Account team")).to_contain_text("(Partner)")
    assert web_host.call("GET", f"/api/requests/{request_id}", user=PARTNER).status == 200, "a participant reads it"

    page.get_by_role("link", name="New request").first.click()
    expect(page.get_by_label("Person 1: address")).to_have_count(0)  # a new form starts with nobody


def test_at_most_ten_people_can_be_added(open_page):
    page = open_page(user("team-ten"), path=NEW).page
    add = page.get_by_role("button", name="Add a person")
    for _ in range(10):
        add.click()
    expect(page.get_by_label("Person 10: address")).to_be_visible()
    expect(add).to_be_hidden()
    page.get_by_role("button", name="Remove person 4").click()
    expect(add).to_be_visible()
    expect(page.get_by_label("Person 9: address")).to_be_visible()
    expect(page.get_by_label("Person 10: address")).to_have_count(0)
