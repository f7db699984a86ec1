"""The AsyncAPI 3 document of the events the app publishes: the Service Bus
namespace, the topic and one message per event type (the payload schemas come
from ``shared.domain.event_data``), and one receive operation per subscription
with its filter (``shared.topology``)."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from shared import topology
from shared.app import handlers
from shared.domain.event_data import ENVELOPES, EVENT_DATA, RESERVED, envelope_name
from shared.domain.events import SCHEMA_VERSION, EventType

ASYNCAPI_VERSION = "3.0.0"
EVENTS_VERSION = "1.0.0"
SERVER = "serviceBus"
CHANNEL = "ftaEvents"
CORRELATION = "requestId"
SECURITY = "entraId"
DEFAULT_SUFFIX = ".servicebus.windows.net"
REF = "#/components/schemas/{model}"

_DESCRIPTION = f"""\
Every change of an FTA request is published as one event on the Service Bus topic `{topology.TOPIC}`.
The body is JSON, the envelope `{{id, type, requestId, occurredAt, actor, data, schemaVersion}}`; `data`
depends on `type`. Broker properties: `message_id` = the event id, `subject` = the event type,
`correlation_id` = the request id; application properties `eventType`, `leadGroup`, `region`.

* At least once: a message can come twice (a republished event); the event id is stable, so keep
  the ids you handled and ignore a repeat.
* Order is not guaranteed across requests; within a request the event id ends in its sequence number
  (`<requestId>.<n>`) and `occurredAt` orders the events.
* Evolution: fields may be added to a payload within schema version {SCHEMA_VERSION}: ignore what you do not
  know. Removing or retyping a field raises `schemaVersion`.
* Internal comments (`request.commented` with `internal: true`) are on the topic too: never show them to a
  requestor.

The HTTP API is described by the OpenAPI document at `/api/openapi.json` beside this one."""

_INTERNAL_COMMENTS = ("Comments are published whether public or internal. When `data.internal` is true the "
                      "comment is for leads and architects only: a consumer must never show or forward it "
                      "to the requestor.")

_EXAMPLE_DATA: dict[EventType, dict[str, Any]] = {
    EventType.SUBMITTED: {"region": "emea"},
    EventType.ROUTED: {"leadGroup": "emea-leads"},
    EventType.ASSIGNED: {"architect": "eva.novak@contoso.com", "auto": True},
    EventType.REMINDER: {"leadGroup": "emea-leads", "reminder": 1},
    EventType.ESCALATED: {"escalateTo": "fta-alignment", "reminders": 2},
    EventType.CANCELLED: {"reason": "postponed"},
    EventType.COMPLETED: {"outcome": {"recommendation": "approve", "category": "cat-2d", "notes": "Design review."}},
    EventType.INFO_REQUESTED: {"message": "Please upload the SOW.", "missingDocuments": ["sow"]},
    EventType.INFO_PROVIDED: {"resumedTo": "routed", "pausedBusinessHours": 6.5, "reply": True},
    EventType.INFO_REMINDER: {},
    EventType.COMMENTED: {"text": "Which workloads come first?", "internal": False, "by": "team"},
    EventType.DECLINED: {"reason": "out-of-scope", "note": "Not covered by FastTrack."},
    EventType.DOCUMENT_ADDED: {"documentId": "DOC-7K2M9Q4XRTAB", "kind": "sow", "fileName": "SOW v2.pdf",
                               "size": 482113, "architect": ""},
    EventType.PARTICIPANTS_CHANGED: {"participants": [{"email": "casey.csu@contoso.com", "role": "csu"},
                                                      {"email": "pat@fabrikam.com", "role": "partner"}]},
    EventType.REOPENED: {"reason": "Revised SOW v3 from the partner", "previousStatus": "completed",
                         "leadGroup": "fta-alignment"},
    EventType.DOCUMENT_CHANGED: {"documentId": "DOC-7K2M9Q4XRTAB", "kind": "wbs", "previousKind": "other",
                                 "fileName": "WBS.xlsx", "size": 48113, "architect": ""},
    EventType.DOCUMENT_REMOVED: {"documentId": "DOC-7K2M9Q4XRTAB", "kind": "sow", "fileName": "SOW v2.pdf",
                                 "size": 482113, "architect": "ana.alves@contoso.com"},
}


def message_key(event_type: EventType) -> str:
    """``request.info-requested`` -> ``requestInfoRequested``."""
    name = envelope_name(event_type)
    return name[0].lower() + name[1:]


def example_envelope(event_type: EventType) -> dict[str, Any]:
    return {
        "id": "FTA-7K2M9Q4XRT.2",
        "type": event_type.value,
        "requestId": "FTA-7K2M9Q4XRT",
        "occurredAt": "2026-11-24T10:00:00.000000Z",
        "actor": "system" if event_type in (EventType.ROUTED, EventType.REMINDER, EventType.ESCALATED,
                                            EventType.INFO_REMINDER) else "lee@contoso.com",
        "data": _EXAMPLE_DATA[event_type],
        "schemaVersion": SCHEMA_VERSION,
    }


# -- schemas ---------------------------------------------------------------------------


def _tidy(schema: Any) -> Any:
    """What pydantic writes for Python that the wire does not have: property
    titles, ``null`` for a field that is absent when unset, closed objects
    (payloads may gain fields, see the description)."""
    if isinstance(schema, list):
        return [_tidy(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _tidy(value) for key, value in schema.items()}
    if schema.get("additionalProperties") is False:
        del schema["additionalProperties"]
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        prop.pop("title", None)
        options = prop.get("anyOf")
        if name not in required and options and {"type": "null"} in options and prop.get("default", 0) is None:
            kept = [o for o in options if o != {"type": "null"}]
            del prop["anyOf"], prop["default"]
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
    return schema


def _schemas() -> dict[str, Any]:
    _, top = models_json_schema([(model, "serialization") for model in ENVELOPES.values()],
                                by_alias=True, ref_template=REF)
    return dict(sorted(_tidy(top["$defs"]).items()))


# -- messages, channel, operations -------------------------------------------------------


def _headers(event_type: EventType) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "the message's application properties (a subscription's SQL filter can name them)",
        "required": ["eventType", "leadGroup", "region"],
        "properties": {
            "eventType": {"type": "string", "const": event_type.value, "description": "the event type"},
            "leadGroup": {"type": "string", "description": "the request's lead group id; empty before it is routed"},
            "region": {"type": "string", "description": "the request's region"},
        },
    }


def _message(event_type: EventType) -> dict[str, Any]:
    summary = (EVENT_DATA[event_type].__doc__ or "").strip().splitlines()[0]
    description = f"Service Bus subject `{event_type.value}`; the payload's `data` is `{EVENT_DATA[event_type].__name__}`."
    if event_type is EventType.COMMENTED:
        description = f"{_INTERNAL_COMMENTS} {description}"
    if event_type in RESERVED:
        description = f"Reserved for the documents feature: declared, not published yet. {description}"
    envelope = example_envelope(event_type)
    return {
        "name": event_type.value,
        "title": envelope_name(event_type),
        "summary": summary,
        "description": description,
        "contentType": "application/json",
        "correlationId": {"$ref": f"#/components/correlationIds/{CORRELATION}"},
        "headers": _headers(event_type),
        "payload": {"$ref": REF.format(model=envelope_name(event_type))},
        "examples": [{
            "name": message_key(event_type),
            "summary": summary,
            "headers": {"eventType": event_type.value, "leadGroup": "emea-leads", "region": "emea"},
            "payload": envelope,
        }],
    }


def _channel() -> dict[str, Any]:
    return {
        "address": topology.TOPIC,
        "title": f"The topic {topology.TOPIC}",
        "description": "Every event of every request. Read it through a subscription (below): "
                       f"`{topology.TOPIC}/subscriptions/<name>` over AMQP.",
        "servers": [{"$ref": f"#/servers/{SERVER}"}],
        "messages": {message_key(t): {"$ref": f"#/components/messages/{message_key(t)}"} for t in EventType},
    }


def _duration(seconds: int) -> str:
    return f"P{seconds // 86400}D" if seconds % 86400 == 0 else f"PT{seconds}S"


def _operation(subscription: topology.Subscription) -> dict[str, Any]:
    types = [t for t in EventType if subscription.subject in (None, t.value)
             and (not subscription.subjects or t.value in subscription.subjects)]
    if subscription.feed:
        group = subscription.properties["leadGroup"]
        title = f"Lead feed of {group}"
        summary = f"request.routed for lead group {group}, for the leads' own queue consumers"
        whose = (f"A message waits {subscription.default_ttl_seconds // 86400} days; unread by then it expires "
                 "and is dropped, not dead-lettered.")
    else:
        title = f"The app's {subscription.name} subscription"
        summary = f"what the app's {subscription.name} function reads"
        whose = ("The app's own: its function completes what it reads, so another reader would take messages "
                 "from the app. Ask the operators for a subscription of your own instead.")
    return {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{CHANNEL}"},
        "title": title,
        "summary": summary,
        "description": f"Subscription `{subscription.name}` of `{topology.TOPIC}`, SQL filter "
                       f"`{subscription.sql_filter}`. {whose}",
        "messages": [{"$ref": f"#/channels/{CHANNEL}/messages/{message_key(t)}"} for t in types],
        "x-service-bus-subscription": {
            "name": subscription.name,
            "topic": topology.TOPIC,
            "entityPath": f"{topology.TOPIC}/subscriptions/{subscription.name}",
            "sqlFilter": subscription.sql_filter,
            "maxDeliveryCount": topology.MAX_DELIVERY_COUNT,
            "lockDuration": _duration(topology.LOCK_DURATION_SECONDS),
            "defaultMessageTimeToLive": _duration(subscription.default_ttl_seconds),
            "deadLetteringOnMessageExpiration": subscription.dead_letter_on_expiry,
            "readBy": "the leads' own queue consumers" if subscription.feed else "the app",
        },
    }


# -- the document -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _document(lead_group_ids: tuple[str, ...]) -> dict[str, Any]:
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:fta-requests:events",
        "info": {
            "title": "FTA Requests events",
            "version": EVENTS_VERSION,
            "description": _DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "servers": {SERVER: {
            "host": "{namespace}" + DEFAULT_SUFFIX,
            "protocol": "amqps",
            "protocolVersion": "1.0",
            "title": "The Azure Service Bus namespace",
            "description": "AMQP 1.0 over TLS (port 5671; AMQP over WebSockets on 443 also works).",
            "variables": {"namespace": {"description": "the namespace's name (the first label of its host name)"}},
            "security": [{"$ref": f"#/components/securitySchemes/{SECURITY}"}],
        }},
        "channels": {CHANNEL: _channel()},
        "operations": {s.name: _operation(s) for s in handlers.subscriptions(list(lead_group_ids))},
        "components": {
            "schemas": _schemas(),
            "messages": {message_key(t): _message(t) for t in EventType},
            "correlationIds": {CORRELATION: {
                "description": "the request's id: the message's correlation_id, and requestId in the payload",
                "location": "$message.payload#/requestId",
            }},
            "securitySchemes": {SECURITY: {
                "type": "openIdConnect",
                "description": "Entra ID: the namespace refuses shared access keys. The reader's identity needs "
                               "the Azure Service Bus Data Receiver role on its subscription.",
                "openIdConnectUrl": "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
                "scopes": ["https://servicebus.azure.net/.default"],
            }},
        },
    }


def asyncapi_document(lead_group_ids: list[str], namespace: str = "") -> dict[str, Any]:
    """The document (a fresh copy) with a lead feed operation per lead group;
    ``namespace`` (the fully qualified namespace, when configured) fills in the server."""
    document = copy.deepcopy(_document(tuple(lead_group_ids)))
    if namespace:
        name, _, suffix = namespace.partition(".")
        server = document["servers"][SERVER]
        server["variables"]["namespace"]["default"] = name
        if suffix:
            server["host"] = "{namespace}." + suffix
    return document
