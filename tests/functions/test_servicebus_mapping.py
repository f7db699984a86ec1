"""From our publisher to our consumer through the Service Bus SDK's own message
class and the Functions library's own converter: the mapping is proven end to
end without a broker."""

from dataclasses import replace
from datetime import datetime, timezone

from devhost.servicebus import DirectMessage, to_function_message
from shared import topology
from shared.app import handlers
from shared.app import outbox as services
from shared.adapters.bus.servicebus import to_servicebus_message
from tests.factories import REQUESTOR, form
from tests.harness import FUNCTIONS


def sdk_round_trip(outgoing):
    """Carry an SDK ServiceBusMessage's properties into the host's trigger metadata."""
    sdk = to_servicebus_message(outgoing)
    body = b"".join(bytes(part) for part in sdk.body)
    received = DirectMessage(
        body=body,
        message_id=sdk.message_id,
        subject=sdk.subject,
        correlation_id=sdk.correlation_id,
        content_type=sdk.content_type,
        application_properties={
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in (sdk.application_properties or {}).items()
        },
        delivery_count=1,
        enqueued_time=datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc),
        sequence_number=42,
    )
    return sdk, to_function_message(received)


def test_the_submitted_event_reaches_route_to_leads_with_every_property(app):
    created = app.submit(form(region="emea"), REQUESTOR).body
    request, _ = services.load(app.ctx, created["id"])
    outgoing = services.to_message(request.history[0], request)

    sdk, message = sdk_round_trip(outgoing)
    assert (sdk.message_id, sdk.subject, sdk.correlation_id, sdk.content_type) == (
        request.history[0].id, "request.submitted", request.id, "application/json")
    assert message.message_id == sdk.message_id
    assert message.subject == "request.submitted"
    assert message.correlation_id == request.id
    assert message.content_type == "application/json"
    assert message.delivery_count == 1
    assert message.application_properties == {"eventType": "request.submitted", "leadGroup": "", "region": "emea"}
    assert handlers.subscriptions(app.ctx.routing.group_ids)[0].matches(sdk.subject, message.application_properties)

    FUNCTIONS["route_to_leads"].get_user_function()(message)
    routed, _ = services.load(app.ctx, request.id)
    assert routed.status.value == "routed" and routed.lead_group == "emea-leads"

    routed_message = services.to_message(routed.history[1], routed)
    sdk, message = sdk_round_trip(routed_message)
    assert message.application_properties["leadGroup"] == "emea-leads"
    leads = [s for s in handlers.subscriptions(app.ctx.routing.group_ids) if s.matches(sdk.subject, message.application_properties)]
    assert [s.name for s in leads] == ["notify", "teams", "reporting", "leads-emea-leads"]

    FUNCTIONS["notify"].get_user_function()(message)
    assert [m["To"] for m in app.outbox()] == ["emea-leads@contoso.com"]


def test_a_scheduled_time_survives_the_mapping(app):
    created = app.submit(form(), REQUESTOR).body
    request, _ = services.load(app.ctx, created["id"])
    at = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    sdk = to_servicebus_message(replace(services.to_message(request.history[0], request), scheduled_enqueue_time=at))
    assert sdk.scheduled_enqueue_time_utc == at
