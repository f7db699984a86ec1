import json

from shared import topology
from shared.app.ports import OutgoingMessage, PublishError
from tests.factories import REQUESTOR, form, sow_form


def recipients(app) -> list[tuple[str, str]]:
    return sorted((m["To"], m["X-FTA-Event"]) for m in app.outbox())


def test_a_request_is_routed_and_both_emails_go_out_once(app):
    created = app.submit(form(region="emea"), REQUESTOR).body
    handled = app.pump()
    assert handled[topology.ROUTE_TO_LEADS] == 1
    request = app.get(created["id"], REQUESTOR).body
    assert request["status"] == "routed" and request["leadGroup"] == "emea-leads"
    assert [e["type"] for e in request["history"]] == ["request.submitted", "request.routed"]
    assert all(e["dispatched"] for e in request["history"])
    assert recipients(app) == [("alex@contoso.com", "request.submitted"), ("emea-leads@contoso.com", "request.routed")]
    confirmation = next(m for m in app.outbox() if m["X-FTA-Event"] == "request.submitted")
    assert created["id"] in confirmation["Subject"]
    assert {p.get_content_type() for p in confirmation.iter_parts()} == {"text/plain", "text/html"}


def test_an_unread_lead_feed_message_expires_without_a_dead_letter(app):
    app.submit(form(region="emea"), REQUESTOR)
    app.pump()
    health = app.health_details().body["operations"]
    assert health["leadFeeds"]["leads-emea-leads"] == {"active": 1, "dead_letter": 0}
    assert health["deadLetters"] == 0
    app.clock.advance(seconds=topology.LEAD_FEED_TTL_SECONDS)
    health = app.health_details().body["operations"]
    assert health["leadFeeds"]["leads-emea-leads"] == {"active": 0, "dead_letter": 0}
    assert health["deadLetters"] == 0
    assert app.ctx.bus.peek("leads-emea-leads") == [] and app.ctx.bus.dead_letters("leads-emea-leads") == []


def test_sow_reviews_go_to_fta_alignment(app):
    created = app.submit(sow_form(region="americas"), REQUESTOR).body
    app.pump()
    assert app.get(created["id"], REQUESTOR).body["leadGroup"] == "fta-alignment"


def test_a_message_delivered_three_times_sends_one_email_and_routes_once(app):
    created = app.submit(form(), REQUESTOR).body
    [original] = app.ctx.bus.peek(topology.ROUTE_TO_LEADS)
    app.pump()
    copy = OutgoingMessage(body=original.body, message_id=original.message_id + "-redelivered",
                           subject=original.subject, correlation_id=original.correlation_id,
                           application_properties=dict(original.application_properties))
    for n in range(2):
        app.ctx.bus.publish([OutgoingMessage(**{**copy.__dict__, "message_id": f"{copy.message_id}{n}"})])
    handled = app.pump()
    assert handled[topology.ROUTE_TO_LEADS] == 2 and handled[topology.NOTIFY] == 2
    history = app.get(created["id"], REQUESTOR).body["history"]
    assert [e["type"] for e in history] == ["request.submitted", "request.routed"]
    assert len(app.outbox()) == 2, "one confirmation, one routing email"


class FailingBus:
    """A bus whose publish fails, as when Service Bus is unreachable."""

    name = "failing"

    def __init__(self, real):
        self.real = real

    def publish(self, messages):
        raise PublishError("unreachable")

    def health(self):
        return {"ok": False}

    def close(self):
        pass


def test_a_crash_between_write_and_publish_is_recovered_by_sweep(app):
    real = app.ctx.bus
    app.ctx.bus = FailingBus(real)
    created = app.submit(form(), REQUESTOR)
    assert created.status == 201, "the request is stored even when the bus is down"
    assert created.body["history"][0]["dispatched"] is False
    app.ctx.bus = real
    app.run_timer("sweep")
    assert real.depth(topology.ROUTE_TO_LEADS)["active"] == 0, "too fresh to sweep yet"
    app.clock.advance(minutes=2)
    app.run_timer("sweep")
    app.pump()
    request = app.get(created.body["id"], REQUESTOR).body
    assert request["status"] == "routed"
    assert all(e["dispatched"] for e in request["history"])
    assert len(app.outbox()) == 2


def test_poison_messages_are_parked_not_retried(app):
    app.ctx.bus.publish([
        OutgoingMessage(body=b"not json", message_id="m-1", subject="request.submitted", correlation_id="x"),
        OutgoingMessage(body=json.dumps({"id": "e", "type": "request.submitted", "requestId": "FTA-MISSING",
                                         "occurredAt": "2026-11-24T10:00:00Z", "actor": "a"}).encode(),
                        message_id="m-2", subject="request.submitted", correlation_id="FTA-MISSING"),
        OutgoingMessage(body=json.dumps({"id": "e3", "type": "request.exploded", "requestId": "FTA-MISSING",
                                         "occurredAt": "2026-11-24T10:00:00Z", "actor": "a"}).encode(),
                        message_id="m-3", subject="request.exploded", correlation_id="FTA-MISSING"),
    ])
    handled = app.pump()
    assert handled[topology.ROUTE_TO_LEADS] == 2 and handled[topology.NOTIFY] == 3
    parked = app.ctx.store.query(topology.PARKED, [], limit=50).items
    reasons = sorted((p["subscription"], p["messageId"], p["reason"].split(":")[0]) for p in parked)
    assert reasons == [
        ("notify", "m-1", "unparseable event"), ("notify", "m-2", "unknown request"), ("notify", "m-3", "unparseable event"),
        ("reporting", "m-1", "unparseable event"), ("reporting", "m-2", "unknown request"),
        ("reporting", "m-3", "unparseable event"),
        ("route-to-leads", "m-1", "unparseable event"), ("route-to-leads", "m-2", "unknown request"),
    ]
    assert app.ctx.bus.depth(topology.NOTIFY)["dead_letter"] == 0
    health = app.health_details().body
    feeds = {f"leads-{gid}": {"active": 0, "dead_letter": 0} for gid in app.ctx.routing.group_ids}
    assert health["operations"] == {"overdueUnassigned": 0, "parked": 8, "deadLetters": 0, "leadFeeds": feeds,
                                    "unmatchedReplies": {}}


def test_a_consumer_that_keeps_failing_is_dead_lettered_after_ten_deliveries(app):
    import socket

    from shared.adapters.mail.outbox import OutboxMailer
    from shared.adapters.mail.smtp import SmtpMailer

    with socket.socket() as s:  # a port nobody listens on: every send is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.ctx.mailer = SmtpMailer("127.0.0.1", port, timeout=2)
    created = app.submit(form(), REQUESTOR).body
    app.pump()
    depth = app.ctx.bus.depth(topology.NOTIFY)
    assert depth["dead_letter"] == 2 and depth["active"] == 0, depth
    health = app.health_details().body
    assert health["operations"]["deadLetters"] == 2
    [letter, _] = app.ctx.bus.dead_letters(topology.NOTIFY)
    assert letter.dead_letter_reason == "MaxDeliveryCountExceeded"
    assert app.get(created["id"], REQUESTOR).body["status"] == "routed", "routing is not held up by mail"

    app.ctx.mailer = OutboxMailer(app.ctx.settings.outbox_dir)
    for letter in app.ctx.bus.dead_letters(topology.NOTIFY):
        assert app.ctx.bus.resubmit_dead_letter(topology.NOTIFY, letter.sequence_number)
    app.pump()
    assert len(app.outbox()) == 2
