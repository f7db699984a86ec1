"""A lead's list as they work it: search (``q``), sort, and when each request falls
due (``dueAt``, ``dueState``, ``businessHoursLeft``) by the one SLA rule: 16
business hours, 09:00-17:00 UTC on weekdays, waits on the requestor left out."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.clock import ManualClock
from tests.factories import LEAD, OTHER, REQUESTOR, form, principal_header
from tests.harness import App

LEADS = ("FTA.Lead",)


@pytest.fixture
def friday(tmp_path):
    application = App(tmp_path / "data", clock=ManualClock(datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)))
    yield application
    application.close()


def submit(app, user=REQUESTOR, **fields) -> str:
    request_id = app.submit(form(**fields), user).body["id"]
    app.pump()
    return request_id


def ask(app, request_id, message):
    answer = app.call("request_info", "POST", f"http://localhost/api/requests/{request_id}/request-info", user=LEAD,
                      roles=LEADS, body={"message": message}, route_params={"id": request_id})
    assert answer.status == 200, answer.body


def found(app, user=LEAD, roles=LEADS, **params) -> list[str]:
    answer = app.list(user, roles, **params)
    assert answer.status == 200, answer.body
    return [item["id"] for item in answer.body["items"]]


def test_search_finds_by_id_tpid_customer_tenant_or_partner_whatever_the_case(app):
    contoso = submit(app, tpid="111111", customerName="Contoso Pharma", tenant="contosopharma.onmicrosoft.com",
                     partner="Fabrikam Partners")
    tailspin = submit(app, tpid="222333", customerName="Tailspin Toys", tenant="tailspin.onmicrosoft.com",
                      partner="Northwind Consulting")
    assert found(app, q="CONTOSO pharma") == [contoso]
    assert found(app, q="2223") == [tailspin]
    assert found(app, q="tailspin.onmicrosoft") == [tailspin]
    assert found(app, q="northwind") == [tailspin]
    assert found(app, q=contoso.lower()) == [contoso]
    assert set(found(app, q="onmicrosoft.com")) == {contoso, tailspin}
    assert found(app, q="  Tailspin    Toys ") == [tailspin], "runs of spaces count as one"
    assert found(app, q="adatum") == []


def test_search_combines_with_the_other_filters_and_the_views(app):
    emea = submit(app, customerName="Contoso EMEA", region="emea")
    app.clock.advance(minutes=30)
    americas = submit(app, customerName="Contoso Americas", region="americas")
    assert found(app, q="contoso", leadGroup="emea-leads") == [emea]
    assert found(app, q="contoso", view="queue", sort="due") == [emea, americas]
    app.act("assign", americas, LEAD, LEADS, {"architect": "auto"})
    assert found(app, q="contoso", status="assigned") == [americas]


def test_a_requestors_search_never_shows_another_persons_request(app):
    mine = submit(app, customerName="Contoso Retail")
    submit(app, user=OTHER, customerName="Contoso Retail")
    assert found(app, user=REQUESTOR, roles=(), q="contoso") == [mine]
    assert found(app, user=OTHER, roles=(), q=mine) == []


@pytest.mark.parametrize("q", ["", "a", " b ", "x" * 101])
def test_a_query_outside_two_to_a_hundred_characters_is_400_naming_q(app, q):
    answer = app.list(LEAD, LEADS, q=q)
    assert answer.status == 400 and [d["field"] for d in answer.body["details"]] == ["q"]


@pytest.mark.parametrize("sort", ["due,created", "priority", "--due", "DUE"])
def test_an_unknown_sort_is_400_naming_sort(app, sort):
    answer = app.list(LEAD, LEADS, sort=sort)
    assert answer.status == 400 and [d["field"] for d in answer.body["details"]] == ["sort"]


def test_quotes_percent_underscore_backslash_and_query_syntax_match_literally(app):
    names = {
        "percent": "Growth 100% Ltd", "underscore": "Snake_Case Corp", "quote": "O'Brien \"Quoted\" Inc",
        "backslash": "Back\\Slash GmbH", "plain": "Plain Co 1",
    }
    ids = {key: submit(app, customerName=name) for key, name in names.items()}
    assert found(app, q="0% l") == [ids["percent"]]
    assert found(app, q="e_c") == [ids["underscore"]]
    assert found(app, q="'b") == [ids["quote"]]
    assert found(app, q='"quoted"') == [ids["quote"]]
    assert found(app, q="k\\s") == [ids["backslash"]]
    for syntax in ["' OR '1'='1", "%%", "__", "\" OR true --", "') OR 1=1 --", "c.id", "**", "\\\\"]:
        assert found(app, q=syntax) == [], syntax


def test_sort_by_due_puts_the_soonest_first_and_what_owes_nothing_last(app):
    first = submit(app)
    app.clock.advance(hours=1)
    second = submit(app)
    app.clock.advance(hours=1)
    third = submit(app)
    app.clock.advance(minutes=5)
    ask(app, second, "Which workloads come first?")
    assert found(app, sort="due") == [first, third, second]
    assert found(app, sort="-due")[1:] == [third, first]
    assert found(app, sort="created") == [first, second, third]
    assert found(app, sort="-updated")[0] == second


def test_due_across_the_night_and_the_weekend(friday):
    request_id = submit(friday)  # routed Friday 16:00: one hour on Friday, eight on Monday, seven on Tuesday
    view = friday.get(request_id, LEAD, LEADS).body
    assert view["dueAt"] == "2026-12-01T16:00:00.000000Z"
    assert (view["dueState"], view["businessHoursLeft"]) == ("on-time", 16.0)
    [item] = friday.list(LEAD, LEADS).body["items"]
    assert (item["dueAt"], item["dueState"], item["businessHoursLeft"]) == (view["dueAt"], "on-time", 16.0)
    friday.clock.advance(days=2, hours=17)  # Monday 09:00: the weekend and the nights cost nothing
    assert friday.get(request_id, LEAD, LEADS).body["businessHoursLeft"] == 15.0
    friday.clock.advance(days=1, hours=3)  # Tuesday 12:00
    view = friday.get(request_id, LEAD, LEADS).body
    assert (view["dueState"], view["businessHoursLeft"]) == ("due-soon", 4.0)
    friday.clock.advance(hours=22)  # Wednesday 10:00
    view = friday.get(request_id, LEAD, LEADS).body
    assert (view["dueState"], view["businessHoursLeft"]) == ("overdue", -2.0)


def test_a_wait_on_the_requestor_owes_nothing_and_moves_the_due_time(friday):
    request_id = submit(friday)
    ask(friday, request_id, "Please add the user count per site")
    view = friday.get(request_id, REQUESTOR).body
    assert (view["dueAt"], view["dueState"], view["businessHoursLeft"]) == (None, None, None)
    friday.clock.advance(days=2, hours=19)  # Monday 11:00: the wait lasted three business hours
    friday.act("comment", request_id, REQUESTOR, (), {"text": "About 40 sites, 120 users each."})
    view = friday.get(request_id, LEAD, LEADS).body
    assert view["status"] == "routed" and view["dueAt"] == "2026-12-02T11:00:00.000000Z", "three hours later"
    assert (view["dueState"], view["businessHoursLeft"]) == ("on-time", 16.0), "none of the wait was spent"


def test_an_assigned_request_owes_no_assignment_and_names_its_architect_and_who_assigned(app):
    request_id = submit(app, region="americas")
    answer = app.call("assign_request", "POST", f"http://localhost/api/requests/{request_id}/assign",
                      headers={"X-MS-CLIENT-PRINCIPAL": principal_header(LEAD, LEADS, name="Lena Lead")},
                      body={"architect": "auto"}, route_params={"id": request_id})
    assert answer.status == 200, answer.body
    assert (answer.body["dueAt"], answer.body["dueState"], answer.body["businessHoursLeft"]) == (None, None, None)
    assert answer.body["architectName"] in ("Carla Diaz", "Dan Smith")
    assigned = answer.body["history"][-1]
    assert assigned["type"] == "request.assigned" and assigned["actorName"] == "Lena Lead"
    assert assigned["data"]["architectName"] == answer.body["architectName"]
    assert answer.body["history"][0]["actorName"] is None, "the requestor's sign-in gave only an address"
