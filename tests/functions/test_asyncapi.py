"""The AsyncAPI document served at /api/asyncapi.json: valid AsyncAPI 3 for the
AsyncAPI Initiative's own parser (npm @asyncapi/parser, run by
tools/asyncapi-validate.mjs), one message per event type, one receive
operation per subscription, and the messages the app really publishes match it."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from devhost.servicebus import to_function_message
from functions.asyncapi.spec import CHANNEL, example_envelope, message_key
from shared import topology
from shared.app import handlers
from shared.domain.event_data import ENVELOPES, EVENT_DATA, RESERVED
from shared.domain.events import EventType
from tests.document_samples import upload_funding_documents
from tests.factories import LEAD, REQUESTOR, form, sow_form
from tests.harness import FUNCTIONS, App

REPO = Path(__file__).resolve().parents[2]
VALIDATOR = REPO / "tools" / "asyncapi-validate.mjs"
PARSER = REPO / "node_modules" / "@asyncapi" / "parser" / "package.json"
DOCUMENT_URI = "urn:fta-requests:asyncapi"
LEAD_ROLES = ("FTA.Lead",)
ARCHITECT = "eva.novak@contoso.com"


@pytest.fixture
def document(app) -> dict:
    answer = app.call("asyncapi_document", "GET", "http://localhost/api/asyncapi.json")
    assert answer.status == 200 and isinstance(answer.body, dict)
    return answer.body


def validate_asyncapi(document: dict, folder: Path) -> tuple[int, list[dict]]:
    """Runs the AsyncAPI parser on the document: its exit code and diagnostics."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the AsyncAPI parser: install node 20 or later", pytrace=False)
    if not PARSER.is_file():
        pytest.fail(f"@asyncapi/parser is not installed ({PARSER.parent} is missing): run npm ci in {REPO}", pytrace=False)
    path = folder / "asyncapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = subprocess.run([node, str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode in (0, 1), run.stderr
    return run.returncode, json.loads(run.stdout)


def errors(diagnostics: list[dict]) -> list[dict]:
    return [d for d in diagnostics if d["severity"] == "error"]


def schema_validator(document: dict, ref: str) -> Draft7Validator:
    """A validator for a schema of the document (AsyncAPI schemas are JSON Schema draft 7)."""
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT7))
    return Draft7Validator({"$ref": DOCUMENT_URI + ref}, registry=registry)


def message_of(document: dict, event_type: EventType) -> dict:
    return document["components"]["messages"][message_key(event_type)]


# -- the validator ----------------------------------------------------------------------


def test_the_served_document_is_valid_asyncapi_3(document, tmp_path):
    assert document["asyncapi"] == "3.0.0"
    code, diagnostics = validate_asyncapi(document, tmp_path)
    assert code == 0 and errors(diagnostics) == [], json.dumps(errors(diagnostics), indent=1)


def test_the_validator_fails_a_broken_document(document, tmp_path):
    no_version = copy.deepcopy(document)
    del no_version["info"]["version"]
    code, diagnostics = validate_asyncapi(no_version, tmp_path)
    assert code == 1 and any(d["path"] == "info" and "version" in d["message"] for d in errors(diagnostics))

    no_action = copy.deepcopy(document)
    del no_action["operations"][topology.NOTIFY]["action"]
    code, diagnostics = validate_asyncapi(no_action, tmp_path)
    assert code == 1 and errors(diagnostics)

    dangling = copy.deepcopy(document)
    del dangling["components"]["schemas"]["RoutedData"]
    code, diagnostics = validate_asyncapi(dangling, tmp_path)
    assert code == 1 and any("RoutedData" in d["message"] for d in errors(diagnostics))


# -- what it describes ------------------------------------------------------------------------


def test_every_event_type_is_a_message_of_the_topic_with_its_payload_model(document):
    channel = document["channels"][CHANNEL]
    assert channel["address"] == topology.TOPIC
    assert set(channel["messages"]) == {message_key(t) for t in EventType}
    schemas = document["components"]["schemas"]
    for event_type in EventType:
        message = message_of(document, event_type)
        assert message["name"] == event_type.value and message["contentType"] == "application/json"
        envelope = schemas[message["payload"]["$ref"].rsplit("/", 1)[1]]
        assert envelope["properties"]["type"]["const"] == event_type.value
        assert envelope["properties"]["data"]["$ref"].endswith("/" + EVENT_DATA[event_type].__name__)
        assert set(envelope["required"]) == {"id", "type", "requestId", "occurredAt", "actor", "data", "schemaVersion"}
        assert ("Reserved" in message["description"]) is (event_type in RESERVED)
    assert "never show" in message_of(document, EventType.COMMENTED)["description"]


def test_every_subscription_is_a_receive_operation_with_its_filter(app, document):
    subscriptions = handlers.subscriptions(app.ctx.routing.group_ids)
    assert set(document["operations"]) == {s.name for s in subscriptions}
    assert {f"leads-{g}" for g in app.ctx.routing.group_ids} <= set(document["operations"])
    for subscription in subscriptions:
        operation = document["operations"][subscription.name]
        assert operation["action"] == "receive" and operation["channel"] == {"$ref": f"#/channels/{CHANNEL}"}
        binding = operation["x-service-bus-subscription"]
        assert binding["sqlFilter"] == subscription.sql_filter and subscription.sql_filter in operation["description"]
        assert binding["deadLetteringOnMessageExpiration"] is subscription.dead_letter_on_expiry
        received = {ref["$ref"].rsplit("/", 1)[1] for ref in operation["messages"]}
        expected = {message_key(t) for t in EventType if subscription.matches(t.value, {"eventType": t.value,
                                                                                        **subscription.properties})}
        assert received == expected, subscription.name
    assert document["operations"]["leads-emea-leads"]["x-service-bus-subscription"]["defaultMessageTimeToLive"] == "P7D"


def test_the_server_is_the_namespace_when_it_is_configured(tmp_path):
    configured = App(tmp_path / "data", env={"ServiceBusConnection__fullyQualifiedNamespace": "sb-fta.servicebus.windows.net"})
    try:
        server = configured.call("asyncapi_document", "GET", "http://localhost/api/asyncapi.json").body["servers"]["serviceBus"]
    finally:
        configured.close()
    assert server["host"] == "{namespace}.servicebus.windows.net" and server["variables"]["namespace"]["default"] == "sb-fta"


def test_every_example_matches_its_schema_and_its_model(document):
    for event_type in EventType:
        example = message_of(document, event_type)["examples"][0]
        assert example["payload"] == example_envelope(event_type)
        ENVELOPES[event_type].model_validate(example["payload"])
        ref = message_of(document, event_type)["payload"]["$ref"]
        assert not list(schema_validator(document, ref).iter_errors(example["payload"])), event_type


# -- the messages the app publishes match it -------------------------------------------------


def drain(app: App, into: list) -> None:
    """Routes what waits to be routed, then takes every message waiting in the
    notify subscription (it receives every event) before the notify function does."""
    while batch := app.ctx.bus.receive(topology.ROUTE_TO_LEADS, max_messages=50):
        for message in batch:
            FUNCTIONS["route_to_leads"].get_user_function()(to_function_message(message))
            app.ctx.bus.complete(message)
    while batch := app.ctx.bus.receive(topology.NOTIFY, max_messages=50):
        for message in batch:
            into.append(message)
            app.ctx.bus.complete(message)


def test_every_message_the_app_publishes_matches_the_document(app, document):
    published: list = []

    def step(answer) -> None:
        assert answer.status in (200, 201), answer.body
        drain(app, published)

    url = "http://localhost/api/requests/{id}/{path}"
    created = app.submit(sow_form(), REQUESTOR)
    request_id = created.body["id"]
    step(created)

    def post(name, path, body, user=LEAD, roles=LEAD_ROLES):
        step(app.call(name, "POST", url.format(id=request_id, path=path), body=body, user=user, roles=roles,
                      route_params={"id": request_id}))

    post("request_info", "request-info", {"message": "Please upload the SOW.", "missingDocuments": ["sow"]})
    post("comment_request", "comments", {"text": "Uploaded it."}, user=REQUESTOR, roles=())
    upload_funding_documents(app, request_id, REQUESTOR)
    drain(app, published)
    post("assign_request", "assign", {"architect": ARCHITECT})
    post("comment_request", "comments", {"text": "Check the WBS.", "internal": True})
    post("complete_request", "complete", {"outcome": {"recommendation": "approve", "category": "cat-1"}},
         user=ARCHITECT, roles=())
    declined = app.submit(form(), REQUESTOR)
    other = declined.body["id"]
    step(declined)
    step(app.call("decline_request", "POST", url.format(id=other, path="decline"),
                  body={"reason": "duplicate", "note": ""}, user=LEAD, roles=LEAD_ROLES, route_params={"id": other}))

    kinds = {m.subject for m in published}
    assert {"request.document-added", "request.submitted", "request.routed", "request.info-requested", "request.commented",
            "request.info-provided", "request.assigned", "request.completed", "request.declined"} <= kinds
    for message in published:
        event_type = EventType(message.subject)
        described = message_of(document, event_type)
        assert message.content_type == described["contentType"]
        headers = schema_validator(document, f"#/components/messages/{message_key(event_type)}/headers")
        assert not list(headers.iter_errors(dict(message.application_properties))), message.application_properties
        body = json.loads(message.body)
        payload = schema_validator(document, described["payload"]["$ref"])
        assert not list(payload.iter_errors(body)), (event_type, body)
        assert body["requestId"] == message.correlation_id and body["id"] == message.message_id

    feed = app.ctx.bus.receive(f"{topology.LEADS_PREFIX}fta-alignment", max_messages=10)
    assert [m.subject for m in feed] == ["request.routed"]
    assert not list(schema_validator(document, message_of(document, EventType.ROUTED)["payload"]["$ref"])
                    .iter_errors(json.loads(feed[0].body)))


def test_a_payload_that_breaks_the_document_is_caught(document):
    routed = example_envelope(EventType.ROUTED)
    check = schema_validator(document, message_of(document, EventType.ROUTED)["payload"]["$ref"])
    assert check.is_valid(routed)
    assert not check.is_valid({**routed, "type": "request.assigned"})
    assert not check.is_valid({**routed, "data": {}})
    assert not check.is_valid({k: v for k, v in routed.items() if k != "requestId"})
