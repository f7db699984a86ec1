"""devhost as a real process: HTTP over a socket, the embedded bus shared
through its SQLite file, timers on their schedules, start-up failures."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from devhost.catalog import TopicFunction
from devhost.consumers import handle_message
from devhost.host import bind
from devhost.invocation import Invoker
from devhost.principal import build_principal
from shared import bootstrap, topology
from shared.app import handlers
from shared.app.ports import OutgoingMessage
from shared.adapters.bus.local import LocalBus
from shared.settings import load_settings
from tests.integration.live import wait_for

pytestmark = pytest.mark.timeout(90)

REPO = Path(__file__).resolve().parents[2]
APP = "tests.integration.devhost_app:app"
NEVER = "0 0 0 1 1 *"  # midnight on 1 January: never during a test run
EVERY_SECOND = "*/1 * * * * *"
ISOLATED_PREFIXES = ("FTA_", "COSMOS_", "SMTP_", "ServiceBusConnection", "AWS_")


def devhost_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    env.update(
        FTA_DATA_DIR=str(data_dir),
        FTA_REMIND_SCHEDULE=NEVER,
        DEVHOST_TEST_TICK_SCHEDULE=EVERY_SECOND,
        FTA_DEV_ROLES="FTA.Lead,FTA.Admin",
        FTA_MAX_DOCUMENT_MB="0.5",  # devhost's own 1 MiB limit stays the larger one
        FTA_INBOUND_SMTP_PORT="0",
        PYTHONUNBUFFERED="1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@dataclass
class DevHost:
    process: subprocess.Popen
    url: str
    data_dir: Path
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def records(self, file_name: str) -> list[dict]:
        path = self.data_dir / file_name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(5)


def start_devhost(data_dir: Path, **overrides: str | None) -> DevHost:
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "devhost.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "devhost", "--port", "0", "--app", APP],
            cwd=REPO, env=devhost_env(data_dir, **overrides),
            stdout=subprocess.PIPE, stderr=log_file, text=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.startswith("devhost listening on "):
                return DevHost(process, line.split()[-1], data_dir, log_path)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"devhost did not start: {log_path.read_text()}")


@dataclass
class Answer:
    status: int
    headers: object
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@pytest.fixture(scope="module")
def devhost(tmp_path_factory):
    host = start_devhost(tmp_path_factory.mktemp("devhost"))
    yield host
    host.stop()


@pytest.fixture(scope="module")
def bus(devhost):
    settings = load_settings({"FTA_DATA_DIR": str(devhost.data_dir)})
    routing = bootstrap.load_routing_file(settings)
    local = LocalBus(devhost.data_dir / "bus.sqlite3", handlers.subscriptions(routing.group_ids))
    yield local
    local.close()


def publish(bus: LocalBus, message_id: str, subject: str, **properties: str) -> None:
    bus.publish([
        OutgoingMessage(
            body=json.dumps({"id": message_id, "type": subject}).encode(),
            message_id=message_id,
            subject=subject,
            correlation_id=f"req-{message_id}",
            application_properties={"eventType": subject, **properties},
        )
    ])


# -- HTTP ---------------------------------------------------------------------------


def test_http_function_gets_method_route_query_body_and_the_dev_principal(devhost):
    answer = call("POST", f"{devhost.url}/api/things/abc%20def?tpid=123456&x=1", body=b"payload-7f3a",
                  headers={"Content-Type": "text/plain"})

    assert answer.status == 200
    seen = answer.json()
    assert seen["function"] == "echo_thing"
    assert seen["method"] == "POST"
    assert seen["routeParams"] == {"id": "abc def"}
    assert seen["params"] == {"tpid": "123456", "x": "1"}
    assert seen["body"] == "payload-7f3a"
    assert seen["url"] == f"{devhost.url}/api/things/abc%20def?tpid=123456&x=1"
    document = seen["principalDocument"]
    assert document["auth_typ"] == "aad"
    claims = {(c["typ"], c["val"]) for c in document["claims"]}
    assert (document["name_typ"], "dev@contoso.com") in claims
    assert ("name", "dev@contoso.com") in claims
    assert {val for typ, val in claims if typ == document["role_typ"]} == {"FTA.Lead", "FTA.Admin"}
    assert seen["who"] == {"email": "dev@contoso.com", "roles": ["FTA.Admin", "FTA.Lead"]}
    assert seen["principalName"] == "dev@contoso.com"
    assert seen["principalIdp"] == "aad"


def test_a_client_supplied_principal_passes_through_untouched(devhost):
    own = build_principal("someone.else@contoso.com", ["FTA.Lead"])

    seen = call("GET", f"{devhost.url}/api/things/1", headers={"X-MS-CLIENT-PRINCIPAL": own}).json()

    assert seen["principal"] == own
    assert seen["who"] == {"email": "someone.else@contoso.com", "roles": ["FTA.Lead"]}
    assert seen["principalName"] is None


def test_accepted_connections_are_tcp_with_nodelay():
    # asyncio sets TCP_NODELAY on a connection only when its socket's protocol is
    # IPPROTO_TCP; an accepted socket takes the listening socket's protocol.
    listening = bind("127.0.0.1", 0)
    try:
        listening.listen(1)
        assert listening.proto == socket.IPPROTO_TCP
        assert listening.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        with socket.create_connection(listening.getsockname()[:2], timeout=5):
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP
    finally:
        listening.close()


def test_one_kept_alive_connection_carries_many_calls(devhost):
    import http.client

    address = devhost.url.removeprefix("http://")
    connection = http.client.HTTPConnection(address, timeout=20)
    try:
        for _ in range(20):
            connection.request("GET", "/api/things/special")
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read()) == {"function": "special_thing"}
            assert not response.will_close
    finally:
        connection.close()


def test_literal_segments_win_over_parameters(devhost):
    assert call("GET", f"{devhost.url}/api/things/special").json()["function"] == "special_thing"
    assert call("GET", f"{devhost.url}/api/things/other").json()["function"] == "echo_thing"
    assigned = call("POST", f"{devhost.url}/api/things/r-42/assign", body=b"{}").json()
    assert assigned == {"function": "assign_thing", "routeParams": {"id": "r-42"}}


def test_unknown_route_is_404_json(devhost):
    answer = call("GET", f"{devhost.url}/api/nothing-here")

    assert answer.status == 404
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error"] == "not-found"


def test_wrong_method_is_405_with_allow(devhost):
    answer = call("DELETE", f"{devhost.url}/api/things/1")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, POST"
    assert answer.json()["error"] == "method-not-allowed"

    assert call("GET", f"{devhost.url}/api/things/1/assign").headers["Allow"] == "POST"


def test_response_status_mimetype_and_repeated_headers_reach_the_client(devhost):
    answer = call("GET", f"{devhost.url}/api/headers")

    assert answer.status == 201
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["X-One"] == "1"
    assert answer.headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert answer.body == b"<p>hello</p>"


def test_async_function_returning_text(devhost):
    answer = call("GET", f"{devhost.url}/api/text")

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.body == b"plain answer"


def test_exception_is_500_internal_and_logged_without_customer_data(devhost):
    answer = call("POST", f"{devhost.url}/api/boom?tpid=98765", body=b"contoso-secret-tenant")

    assert answer.status == 500
    assert answer.json() == {"error": "internal", "message": "internal error"}
    wait_for(lambda: "function boom raised RuntimeError" in devhost.log())
    log = devhost.log()
    assert "function=boom trigger=httpTrigger outcome=500" in log
    assert "contoso-secret-tenant" not in log
    assert "98765" not in log


def test_body_over_one_mebibyte_is_413(devhost):
    limit = 1024 * 1024

    too_big = call("POST", f"{devhost.url}/api/things/1", body=b"x" * (limit + 1))
    assert too_big.status == 413
    assert too_big.json()["error"] == "payload-too-large"

    at_limit = call("POST", f"{devhost.url}/api/things/1", body=b"y" * limit)
    assert at_limit.status == 200
    assert len(at_limit.json()["body"]) == limit


def test_log_has_one_line_per_invocation_and_no_query_or_body(devhost):
    call("POST", f"{devhost.url}/api/things/log-check?tpid=55501234", body=b"body-marker-q9")

    wait_for(lambda: "outcome=200" in devhost.log())
    log = devhost.log()
    assert "function=echo_thing trigger=httpTrigger outcome=200" in log
    assert "55501234" not in log
    assert "body-marker-q9" not in log
    assert "log-check" not in log


# -- admin API ------------------------------------------------------------------------


def test_admin_runs_a_timer_function_now(devhost):
    answer = call("POST", f"{devhost.url}/admin/functions/remind_now", body=b"{}",
                  headers={"Content-Type": "application/json"})

    assert answer.status == 202
    runs = wait_for(lambda: devhost.records("remind_now.jsonl"))
    assert runs[0]["pastDue"] is False
    assert runs[0]["next"]


def test_admin_input_becomes_the_message_body_of_a_topic_function(devhost):
    answer = call("POST", f"{devhost.url}/admin/functions/watch_submitted",
                  body=json.dumps({"input": "from-admin"}).encode(), headers={"Content-Type": "application/json"})

    assert answer.status == 202
    seen = wait_for(lambda: [r for r in devhost.records("submitted.jsonl") if r["body"] == "from-admin"])
    assert seen[0]["deliveryCount"] == 1
    assert seen[0]["messageId"]


def test_admin_unknown_function_is_404(devhost):
    answer = call("POST", f"{devhost.url}/admin/functions/no_such_function", body=b"{}")

    assert answer.status == 404
    assert answer.json()["error"] == "not-found"


def test_admin_refuses_http_functions_and_other_methods(devhost):
    assert call("POST", f"{devhost.url}/admin/functions/echo_thing", body=b"{}").status == 400
    refused = call("GET", f"{devhost.url}/admin/functions/remind_now")
    assert refused.status == 405
    assert refused.headers["Allow"] == "POST"


# -- topic triggers -------------------------------------------------------------------


def test_topic_function_receives_a_published_message_as_the_worker_builds_it(devhost, bus):
    publish(bus, "evt-seen-1", "request.submitted", leadGroup="fta-alignment", region="emea")

    seen = wait_for(lambda: [r for r in devhost.records("submitted.jsonl") if r["messageId"] == "evt-seen-1"])[0]
    assert seen["subject"] == "request.submitted"
    assert seen["label"] == "request.submitted"
    assert seen["correlationId"] == "req-evt-seen-1"
    assert seen["contentType"] == "application/json"
    assert seen["deliveryCount"] == 1
    assert seen["sequenceNumber"] > 0
    assert seen["enqueuedTimeUtc"].endswith("+00:00")
    assert seen["applicationProperties"] == {
        "eventType": "request.submitted", "leadGroup": "fta-alignment", "region": "emea",
    }
    assert json.loads(seen["body"]) == {"id": "evt-seen-1", "type": "request.submitted"}
    wait_for(lambda: "outcome=completed duration_ms" in devhost.log() and "message_id=evt-seen-1" in devhost.log())


def test_a_failing_function_is_redelivered_until_it_succeeds(devhost, bus):
    publish(bus, "evt-flaky-1", "request.assigned", failures="2")

    def deliveries():
        return [r["deliveryCount"] for r in devhost.records("notify.jsonl") if r["messageId"] == "evt-flaky-1"]

    wait_for(lambda: len(deliveries()) >= 3)
    time.sleep(0.5)
    assert deliveries() == [1, 2, 3]
    log = devhost.log()
    assert "outcome=abandoned" in log
    assert "message_id=evt-flaky-1 delivery_count=2 error=ValueError" in log
    assert "refusing" not in log


def test_a_message_that_always_fails_is_dead_lettered_after_ten_deliveries(devhost, bus):
    publish(bus, "evt-poison-1", "request.completed", failures="always")

    dead = wait_for(lambda: [m for m in bus.dead_letters(topology.NOTIFY) if m.message_id == "evt-poison-1"])
    assert dead[0].dead_letter_reason == "MaxDeliveryCountExceeded"
    counts = [r["deliveryCount"] for r in devhost.records("notify.jsonl") if r["messageId"] == "evt-poison-1"]
    assert counts == list(range(1, 11))


def test_the_lock_is_renewed_while_a_slow_function_runs(tmp_path):
    routing = bootstrap.load_routing_file(load_settings({"FTA_DATA_DIR": str(tmp_path)}))
    short_lock = LocalBus(tmp_path / "bus.sqlite3", handlers.subscriptions(routing.group_ids), lock_duration_seconds=1)
    seen = []

    def slow(message):
        time.sleep(1.6)
        seen.append(message.message_id)

    function = TopicFunction(
        name="slow", kind="serviceBusTrigger", argument="message", user_function=slow,
        topic=topology.TOPIC, subscription=topology.NOTIFY, connection="ServiceBusConnection",
    )
    invoker = Invoker(max_workers=1)
    try:
        publish(short_lock, "evt-slow-1", "request.routed")
        [received] = short_lock.receive(topology.NOTIFY)

        assert handle_message(short_lock, function, invoker, received) == "completed"
        assert seen == ["evt-slow-1"]
        assert short_lock.receive(topology.NOTIFY) == []
        assert short_lock.dead_letters(topology.NOTIFY) == []
    finally:
        invoker.shutdown()
        short_lock.close()


# -- timers ---------------------------------------------------------------------------


def test_timer_runs_on_startup_then_on_its_every_second_schedule(devhost):
    runs = wait_for(lambda: (r := devhost.records("tick.jsonl")) and len(r) >= 3 and r, timeout=8)

    startup, first, second = runs[:3]
    assert startup["last"] is None
    assert first["last"] and second["last"]
    assert second["at"] - first["at"] == pytest.approx(1.0, abs=0.5)
    assert not any(run["pastDue"] for run in runs)


# -- identity off, Service Bus mode, shutdown -----------------------------------------


def test_without_dev_user_no_principal_is_added_and_sigterm_stops_cleanly(tmp_path):
    host = start_devhost(
        tmp_path,
        FTA_DEV_USER="",
        FTA_BUS="servicebus",
        ServiceBusConnection="Endpoint=sb://devhost-test.invalid/;SharedAccessKeyName=k;SharedAccessKey=notasecret",
    )
    try:
        seen = call("GET", f"{host.url}/api/things/1").json()
        assert seen["principal"] is None
        assert seen["principalName"] is None
        assert seen["who"] is None
        assert "Service Bus triggers run only under the Functions host" in host.log()
    finally:
        status = host.stop()
    assert status == 0
    assert "stopping" in host.log()


# -- start-up failures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"FTA_STORE": "mongo"}, "setting FTA_STORE: expected one of"),
        ({"DEVHOST_TEST_TICK_SCHEDULE": None}, "setting DEVHOST_TEST_TICK_SCHEDULE: not set"),
        ({"DEVHOST_TEST_TICK_SCHEDULE": "every second"}, "setting schedule of tick:"),
        ({"FTA_ROUTING_FILE": "{routing}"}, "FTA_ROUTING_FILE"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_and_status_2(tmp_path, overrides, named):
    routing = tmp_path / "routing.yaml"
    routing.write_text("regions: [emea]\nleadGroups: []\nrules: []\ndefault: nobody\n", encoding="utf-8")
    overrides = {k: (v.format(routing=routing) if v else v) for k, v in overrides.items()}

    result = subprocess.run(
        [sys.executable, "-m", "devhost", "--port", "0", "--app", APP],
        cwd=REPO, env=devhost_env(tmp_path, **overrides), capture_output=True, text=True, timeout=30,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("devhost: ")
    assert named in lines[0]
