"""A small FunctionApp for devhost's integration tests: each function tells
the test what it received (HTTP functions in the response, the others in a
JSON-lines file under FTA_DATA_DIR)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import azure.functions as func

from shared import bootstrap
from functions.auth import Unauthenticated, principal_from_headers

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def _record(file_name: str, entry: dict) -> None:
    path = Path(bootstrap.context().settings.data_dir) / file_name
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def _json(payload: dict, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(payload), status_code=status, mimetype="application/json")


@app.route(route="api/things/{id}", methods=["GET", "POST"])
def echo_thing(req: func.HttpRequest) -> func.HttpResponse:
    raw_principal = req.headers.get("x-ms-client-principal")
    try:
        principal = principal_from_headers(req.headers)
        who = {"email": principal.email, "roles": sorted(principal.roles)}
    except Unauthenticated:
        who = None
    return _json(
        {
            "function": "echo_thing",
            "method": req.method,
            "url": req.url,
            "routeParams": dict(req.route_params),
            "params": dict(req.params),
            "body": req.get_body().decode("utf-8"),
            "principal": raw_principal,
            "principalDocument": json.loads(base64.b64decode(raw_principal)) if raw_principal else None,
            "principalName": req.headers.get("x-ms-client-principal-name"),
            "principalIdp": req.headers.get("x-ms-client-principal-idp"),
            "who": who,
        }
    )


@app.route(route="api/things/special", methods=["GET"])
def special_thing(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"function": "special_thing"})


@app.route(route="api/things/{id}/assign", methods=["POST"])
def assign_thing(req: func.HttpRequest) -> func.HttpResponse:
    return _json({"function": "assign_thing", "routeParams": dict(req.route_params)})


@app.route(route="api/headers", methods=["GET"])
def many_headers(req: func.HttpRequest) -> func.HttpResponse:
    response = func.HttpResponse("<p>hello</p>", status_code=201, mimetype="text/html", headers={"X-One": "1"})
    response.headers.add_header("Set-Cookie", "a=1; Path=/")
    response.headers.add_header("Set-Cookie", "b=2; Path=/")
    return response


@app.route(route="api/text", methods=["GET"])
async def async_text(req: func.HttpRequest) -> str:
    return "plain answer"


@app.route(route="api/boom", methods=["POST"])
def boom(req: func.HttpRequest) -> func.HttpResponse:
    raise RuntimeError(f"failed on {req.get_body().decode('utf-8')}")


@app.timer_trigger(arg_name="timer", schedule="%FTA_REMIND_SCHEDULE%", run_on_startup=False)
def remind_now(timer: func.TimerRequest) -> None:
    _record("remind_now.jsonl", {"pastDue": timer.past_due, "next": timer.schedule_status.get("Next")})


@app.timer_trigger(arg_name="timer", schedule="%DEVHOST_TEST_TICK_SCHEDULE%", run_on_startup=True)
def tick(timer: func.TimerRequest) -> None:
    _record("tick.jsonl", {"pastDue": timer.past_due, "last": timer.schedule_status.get("Last"), "at": time.time()})


def _seen(message: func.ServiceBusMessage) -> dict:
    return {
        "messageId": message.message_id,
        "subject": message.subject,
        "label": message.label,
        "correlationId": message.correlation_id,
        "contentType": message.content_type,
        "deliveryCount": message.delivery_count,
        "sequenceNumber": message.sequence_number,
        "enqueuedTimeUtc": message.enqueued_time_utc.isoformat() if message.enqueued_time_utc else None,
        "applicationProperties": message.application_properties,
        "body": message.get_body().decode("utf-8"),
    }


@app.service_bus_topic_trigger(
    arg_name="message", connection="ServiceBusConnection", topic_name="fta-events", subscription_name="route-to-leads"
)
def watch_submitted(message: func.ServiceBusMessage) -> None:
    _record("submitted.jsonl", _seen(message))


@app.service_bus_topic_trigger(
    arg_name="message", connection="ServiceBusConnection", topic_name="fta-events", subscription_name="notify"
)
def flaky_notify(message: func.ServiceBusMessage) -> None:
    """Fails as often as the message's ``failures`` property says ("always": every time)."""
    _record("notify.jsonl", _seen(message))
    failures = message.application_properties.get("failures", "0")
    if failures == "always" or message.delivery_count <= int(failures):
        raise ValueError(f"refusing {message.get_body().decode('utf-8')}")
