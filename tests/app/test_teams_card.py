"""The Teams card, built from a request and an event (pure)."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st
from markdown_it import MarkdownIt

from shared.app.teams_card import escape_markdown, request_url, teams_message
from shared.domain.calendar import BusinessCalendar
from shared.domain.sla import Sla
from shared.domain.model import FtaRequest, Person, RequestForm
from tests.factories import form

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
RENDER = MarkdownIt("commonmark").enable(["linkify", "strikethrough", "table"], ignoreInvalid=True)


def routed(**overrides):
    request = FtaRequest.submit(RequestForm.model_validate(form(**overrides)), Person(email="alex@contoso.com"), NOW)
    event = request.route("emea-leads", NOW, Sla(BusinessCalendar()))  # due Thursday 10:00
    return request, event


def facts(message):
    return {f["title"]: f["value"] for f in message["attachments"][0]["content"]["body"][2]["facts"]}


def test_the_card_carries_id_customer_type_region_due_and_link():
    request, event = routed()
    message = teams_message(request, event, group_name="EMEA Leads", link=request_url("https://fta.example/", request.id))
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    assert facts(message) == {"Request": escape_markdown(request.id), "Customer": "Contoso Ltd",
                              "Type": "Non\\-ECIF related", "Region": "Europe, Middle East and Africa", "Due": "2026\\-11\\-26 10\\:00 UTC"}
    assert card["actions"][0]["url"] == f"https://fta.example/requests/{request.id}"


def test_the_tenant_stands_in_for_a_missing_customer_name():
    request, event = routed(customerName=None)
    assert RENDER.renderInline(facts(teams_message(request, event, group_name="g", link="https://x"))["Customer"]) == (
        "contoso.onmicrosoft.com")


def test_an_event_without_a_card_is_refused():
    request, _ = routed()
    with pytest.raises(ValueError):
        teams_message(request, request.history[0], group_name="g", link="https://x")


@pytest.mark.parametrize("typed", [
    "[Pay here](https://evil.example)", "![img](https://evil.example/x.png)", "<https://evil.example>",
    "**bold** __bold__ *it* _it_ ~~gone~~", "# Heading", "- item", "1. item", "> quote", "`code`",
    "www.evil.example", "https://evil.example", "mail@evil.example", "&lt;b&gt;", "<b>html</b>", "a | b",
    "back\\slash\\", "[ref]: https://evil.example",
])
def test_typed_markdown_renders_as_the_same_text(typed):
    html = RENDER.renderInline(escape_markdown(typed))
    assert html == typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=60))
def test_any_ascii_text_renders_as_itself(typed):
    flat = " ".join(typed.split())
    expected = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert RENDER.renderInline(escape_markdown(typed)) == expected
