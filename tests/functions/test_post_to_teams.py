"""post_to_teams over the embedded adapters, posting to a real HTTP server
(tests/teams_webhook.py) that stands in for the channels' webhooks."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import jsonschema
import pytest
from markdown_it import MarkdownIt

from shared import topology
from tests.clock import ManualClock
from devhost.servicebus import to_function_message
from shared.app.claims import NotificationRetry
from shared.app.handlers import handle_message
from tests.factories import LEAD, REQUESTOR, form, sow_form
from tests.harness import FUNCTIONS, App
from tests.teams_webhook import Answer, TeamsWebhook, routing_with_channels

CHANNELS = {"emea-leads": "FTA_TEAMS_EMEA", "fta-alignment": "FTA_TEAMS_ALIGNMENT"}

# The envelope DESIGN.md gives ("Teams") and the Adaptive Card 1.5 elements the card uses,
# with their properties as the Adaptive Cards schema names them: a typo or a stray field fails.
TEXT_BLOCK = {
    "type": "object", "required": ["type", "text"], "additionalProperties": False,
    "properties": {"type": {"const": "TextBlock"}, "text": {"type": "string", "minLength": 1},
                   "style": {"enum": ["default", "heading"]}, "size": {"enum": ["Small", "Default", "Medium", "Large"]},
                   "weight": {"enum": ["Lighter", "Default", "Bolder"]}, "wrap": {"type": "boolean"},
                   "isSubtle": {"type": "boolean"}, "spacing": {"enum": ["None", "Small", "Default", "Medium"]}},
}
FACT_SET = {
    "type": "object", "required": ["type", "facts"], "additionalProperties": False,
    "properties": {"type": {"const": "FactSet"}, "facts": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["title", "value"], "additionalProperties": False,
        "properties": {"title": {"type": "string"}, "value": {"type": "string"}}}}},
}
OPEN_URL = {
    "type": "object", "required": ["type", "url"], "additionalProperties": False,
    "properties": {"type": {"const": "Action.OpenUrl"}, "title": {"type": "string"},
                   "url": {"type": "string", "format": "uri"}},
}
MESSAGE_SCHEMA = {
    "type": "object", "required": ["type", "attachments"], "additionalProperties": False,
    "properties": {
        "type": {"const": "message"},
        "attachments": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["contentType", "content"], "additionalProperties": False,
            "properties": {
                "contentType": {"const": "application/vnd.microsoft.card.adaptive"},
                "contentUrl": {"type": "null"},
                "content": {
                    "type": "object", "required": ["type", "version", "body"], "additionalProperties": False,
                    "properties": {
                        "$schema": {"const": "http://adaptivecards.io/schemas/adaptive-card.json"},
                        "type": {"const": "AdaptiveCard"},
                        "version": {"const": "1.5"},
                        "body": {"type": "array", "items": {"anyOf": [TEXT_BLOCK, FACT_SET]}},
                        "actions": {"type": "array", "items": OPEN_URL},
                        "msteams": {"type": "object", "properties": {"width": {"enum": ["Full"]}}},
                    }}}}},
    },
}


@pytest.fixture
def webhook():
    with TeamsWebhook() as server:
        yield server


@pytest.fixture
def teams_env(tmp_path, webhook):
    routing = routing_with_channels(tmp_path / "routing.yaml", CHANNELS)
    return {"FTA_ROUTING_FILE": str(routing), "FTA_PUBLIC_URL": "https://fta.contoso.com",
            "FTA_TEAMS_EMEA": webhook.url("emea-leads"), "FTA_TEAMS_ALIGNMENT": webhook.url("fta-alignment")}


@pytest.fixture
def app(tmp_path, teams_env):
    application = App(tmp_path / "data", env=teams_env)
    yield application
    application.close()


def rendered_text(markdown: str) -> str:
    """What a CommonMark renderer shows, and whether it made any markup of it."""
    return MarkdownIt("commonmark").renderInline(markdown)


def test_a_routed_request_posts_one_card_to_its_groups_channel(app, webhook):
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    handled = app.pump()
    assert handled[topology.TEAMS] == 1

    [post] = webhook.to("emea-leads")
    assert webhook.posts == [post], "no other channel heard of it"
    assert post.headers["Content-Type"].startswith("application/json")
    jsonschema.validate(post.body, MESSAGE_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert post.card["body"][0]["text"] == "New FTA request"
    assert "EMEA Leads" in post.card["body"][1]["text"]
    request = app.get(request_id, REQUESTOR).body
    assert rendered_text(post.fact("Request")) == request_id
    assert rendered_text(post.fact("Customer")) == "Contoso Ltd"
    assert rendered_text(post.fact("Type")) == "Non-ECIF related"
    assert rendered_text(post.fact("Region")) == "Europe, Middle East and Africa", "named, not coded"
    assert rendered_text(post.fact("Due")) == request["assignDueAt"][:16].replace("T", " ") + " UTC"
    assert post.card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the request",
                                     "url": f"https://fta.contoso.com/requests/{request_id}"}]

    app.pump()
    assert len(webhook.posts) == 1, "a drained bus posts nothing more"


def test_a_group_without_a_channel_gets_no_card_and_the_message_completes(app, webhook):
    app.submit(form(region="americas"), REQUESTOR)
    handled = app.pump()
    assert handled[topology.TEAMS] == 1
    assert webhook.posts == []
    assert app.ctx.bus.depth(topology.TEAMS) == {"active": 0, "scheduled": 0, "dead_letter": 0}


def test_a_failing_webhook_is_retried_until_one_card_is_accepted(app, webhook):
    webhook.script("emea-leads", Answer(500), Answer(503), Answer(502))
    app.submit(form(region="emea"), REQUESTOR)
    app.pump()
    assert [p.status for p in webhook.to("emea-leads")] == [500, 503, 502, 202]
    assert len(webhook.accepted()) == 1
    assert app.ctx.bus.depth(topology.TEAMS)["dead_letter"] == 0


def test_a_redelivered_event_whose_card_was_accepted_posts_nothing(app, webhook):
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    routed = next(e for e in app.get(request_id, REQUESTOR).body["history"] if e["type"] == "request.routed")
    outcome = handle_message(app.ctx, topology.TEAMS, json.dumps(routed).encode(), message_id=routed["id"],
                             subject=routed["type"], correlation_id=request_id)
    assert outcome.action == "already-posted"
    assert len(webhook.posts) == 1


def test_a_refused_card_is_parked_with_its_reason_and_not_retried(app, webhook):
    webhook.script("emea-leads", Answer(400, body=b'{"error": {"code": "BadRequest", "message": "Invalid card"}}'))
    app.submit(form(region="emea"), REQUESTOR)
    app.pump()
    assert [p.status for p in webhook.to("emea-leads")] == [400]
    [parked] = app.ctx.parked.all()
    assert parked["subscription"] == topology.TEAMS
    assert "HTTP 400" in parked["reason"] and "Invalid card" in parked["reason"]
    assert app.ctx.bus.depth(topology.TEAMS) == {"active": 0, "scheduled": 0, "dead_letter": 0}


def deliver_once(app, subscription, function_name):
    """One delivery of the subscription's next message; raises what the function raised."""
    [message] = app.ctx.bus.receive(subscription)
    try:
        FUNCTIONS[function_name].get_user_function()(to_function_message(message))
    except Exception:
        app.ctx.bus.abandon(message)
        raise
    app.ctx.bus.complete(message)


def test_a_429_is_waited_out_within_the_lock(app, webhook):
    webhook.script("emea-leads", Answer(429, headers={"Retry-After": "1"}))
    app.submit(form(region="emea"), REQUESTOR)
    deliver_once(app, topology.ROUTE_TO_LEADS, "route_to_leads")
    deliver_once(app, topology.TEAMS, "post_to_teams")  # one delivery: waits, posts again, completes
    first, second = webhook.to("emea-leads")
    assert (first.status, second.status) == (429, 202)
    assert second.at - first.at >= 1.0


def test_a_429_longer_than_the_lock_raises_for_the_bus_to_retry(app, webhook):
    webhook.script("emea-leads", Answer(429, headers={"Retry-After": "3600"}))
    app.submit(form(region="emea"), REQUESTOR)
    deliver_once(app, topology.ROUTE_TO_LEADS, "route_to_leads")
    with pytest.raises(NotificationRetry):
        deliver_once(app, topology.TEAMS, "post_to_teams")
    deliver_once(app, topology.TEAMS, "post_to_teams")  # the redelivery
    assert [p.status for p in webhook.to("emea-leads")] == [429, 202]


def test_markdown_in_a_customer_name_stays_text(app, webhook):
    name = "[Pay here](https://evil.example) **urgent** _now_ <b>x</b> `y` # z https://evil.example"
    app.submit(form(region="emea", customerName=name), REQUESTOR)
    app.pump()
    [post] = webhook.to("emea-leads")
    html = MarkdownIt("commonmark").enable("linkify", ignoreInvalid=True).renderInline(post.fact("Customer"))
    for markup in ("<a", "<strong", "<em", "<code", "<b>", "<h1"):
        assert markup not in html
    assert html == name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_an_escalation_goes_to_the_escalate_to_groups_channel(tmp_path, teams_env, webhook):
    env = {**teams_env, "FTA_ASSIGN_SLA_BUSINESS_HOURS": "0", "FTA_REMINDERS_BEFORE_ESCALATION": "1"}
    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc))
    app = App(tmp_path / "esc", env=env, clock=clock)
    try:
        app.submit(form(region="emea"), REQUESTOR)
        app.pump()
        app.run_timer("remind")
        app.pump()
        app.run_timer("remind")
        app.pump()
    finally:
        app.close()
    emea = [p.card["body"][0]["text"] for p in webhook.to("emea-leads")]
    alignment = [p.card["body"][0]["text"] for p in webhook.to("fta-alignment")]
    assert emea == ["New FTA request", "Reminder 1\\: FTA request waiting for an architect"]
    assert alignment == ["Escalated\\: FTA request without an architect"]


def test_a_sow_review_goes_to_the_alignment_channel_only(app, webhook):
    app.submit(sow_form(region="emea"), REQUESTOR)
    app.pump()
    assert [p.channel for p in webhook.posts] == ["fta-alignment"]
    assert rendered_text(webhook.posts[0].fact("Type")) == "SOW review / ECIF related"


def test_no_log_line_holds_a_webhook_url(app, webhook, caplog):
    caplog.set_level(logging.DEBUG)
    webhook.script("emea-leads", Answer(500), Answer(429, headers={"Retry-After": "0"}))
    webhook.script("fta-alignment", Answer(400, body=webhook.url("fta-alignment").encode()))
    request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.submit(sow_form(region="emea"), REQUESTOR)
    app.pump()
    app.act("assign", request_id, LEAD, ("FTA.Lead",), {"architect": "auto"})
    app.pump()
    assert len(webhook.accepted("emea-leads")) == 1 and len(webhook.to("fta-alignment")) == 1

    everything = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__} {r.exc_text or ''}" for r in caplog.records)
    assert "Teams post failed, will retry" in everything
    for secret in webhook.secrets():
        assert secret not in everything
    for record in app.ctx.parked.all():
        assert not any(secret in json.dumps(record) for secret in webhook.secrets())
    for shown in (repr(app.ctx.teams), repr(app.ctx.settings), json.dumps(app.health_details().body)):
        assert not any(secret in shown for secret in webhook.secrets())
    assert app.health_details().body["components"]["teams"]["channels"] == ["emea-leads", "fta-alignment"]


def test_messages_that_can_never_make_a_card_are_parked(app, webhook):
    def deliver(event_type, data, request_id="FTA-UNKNOWN000"):
        body = {"id": f"{request_id}.2", "type": event_type, "requestId": request_id,
                "occurredAt": "2026-11-24T10:00:00+00:00", "actor": "system", "data": data}
        return handle_message(app.ctx, topology.TEAMS, json.dumps(body).encode(), message_id=body["id"],
                              subject=event_type, correlation_id=request_id)

    assert deliver("request.assigned", {"architect": "ana.alves@contoso.com"}).detail["reason"] == (
        "no Teams card for event type request.assigned")
    assert deliver("request.routed", {"leadGroup": "emea-leads"}).detail["reason"] == "unknown request"
    assert deliver("request.routed", {"leadGroup": "latam-leads"}).detail["reason"] == "unknown lead group 'latam-leads'"
    assert deliver("request.routed", {"leadGroup": "americas-leads"}).action == "no-channel"
    assert webhook.posts == [] and len(app.ctx.parked.all()) == 3
