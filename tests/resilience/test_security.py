"""Access rules on every route, forged identities, hostile field values,
hostile bodies, and what never reaches a log or a repr."""

from __future__ import annotations

import base64
import http.client
import json
import signal
from urllib.parse import urlparse

import pytest
from markupsafe import escape

from shared.settings import SettingsError, load_settings
from tests.factories import ADMIN, LEAD, OTHER, REQUESTOR, form, migration_form, principal_header
from tests.harness import FUNCTIONS
from tests.integration import live

pytestmark = pytest.mark.timeout(120)

ARCHITECT = "eva.novak@contoso.com"        # the architect the matrix's requests are assigned to
OTHER_ARCHITECT = "farid.haddad@contoso.com"  # an architect of the same pool, not assigned
PARTICIPANT = "casey.csu@contoso.com"  # of the account team: on the matrix's requests as a participant

PEOPLE = {
    "owner": (REQUESTOR, ()),
    "other": (OTHER, ()),
    "lead": (LEAD, ("FTA.Lead",)),
    "admin": (ADMIN, ("FTA.Admin",)),
    "architect": (ARCHITECT, ()),
    "other-architect": (OTHER_ARCHITECT, ()),
    "participant": (PARTICIPANT, ()),
    "none": (None, ()),
}
WHO = ("owner", "other", "lead", "admin", "architect", "other-architect", "participant", "none")

# route -> expected status for owner, other user, lead, admin, the assigned
# architect, another architect, a participant of the account team, no principal. Request routes act on a request
# the owner submitted and a lead assigned to ARCHITECT (for resume and decline:
# then asked for information), so that the caller's part decides, not the
# status. Without a principal every API call is 401; the page, its static
# files, the health probe and the API document are public.
RBAC = {
    "create_request":   (201, 201, 201, 201, 201, 201, 201, 401),
    "check_eligibility": (200, 200, 200, 200, 200, 200, 200, 401),
    "list_requests":    (200, 200, 200, 200, 200, 200, 200, 401),
    "get_request":      (200, 404, 200, 200, 200, 404, 200, 401),
    "assign_request":   (403, 404, 200, 200, 403, 404, 403, 401),
    "cancel_request":   (200, 404, 200, 200, 403, 404, 403, 401),
    "complete_request": (403, 404, 200, 200, 200, 404, 403, 401),
    "request_info":     (403, 404, 200, 200, 200, 404, 403, 401),
    "comment_request":  (200, 404, 200, 200, 200, 404, 200, 401),
    "resume_request":   (403, 404, 200, 200, 200, 404, 403, 401),
    "decline_request":  (403, 404, 200, 200, 403, 404, 403, 401),
    "reopen_request":   (403, 404, 200, 200, 403, 404, 403, 401),  # on a completed request
    "upload_document":  (201, 404, 201, 201, 201, 404, 403, 401),
    "download_document": (200, 404, 200, 200, 200, 404, 200, 401),
    "remove_document":  (204, 404, 204, 204, 403, 404, 403, 401),  # the owner uploaded it
    "change_document":  (200, 404, 200, 200, 403, 404, 403, 401),  # the owner uploaded it
    "signed_in_user":   (200, 200, 200, 200, 200, 200, 200, 401),
    "vocabulary":       (200, 200, 200, 200, 200, 200, 200, 401),
    "health":           (200, 200, 200, 200, 200, 200, 200, 200),
    "health_details":   (403, 403, 403, 200, 403, 403, 403, 401),
    "openapi_document": (200, 200, 200, 200, 200, 200, 200, 200),
    "asyncapi_document": (200, 200, 200, 200, 200, 200, 200, 200),
    "web_page":         (200, 200, 200, 200, 200, 200, 200, 200),
    "web_static":       (200, 200, 200, 200, 200, 200, 200, 200),
    "sla_report":       (403, 403, 200, 200, 403, 403, 403, 401),
    "export_requests":  (403, 403, 200, 200, 403, 403, 403, 401),
    "set_participants": (200, 404, 200, 200, 403, 404, 403, 401),
}
WAITING_ROUTES = ("resume_request", "decline_request")
DOCUMENT_ROUTES = ("download_document", "remove_document", "change_document")  # on a document the owner uploaded
BODIES = {
    "assign_request": {"architect": OTHER_ARCHITECT},
    "request_info": {"message": "Please upload the SOW."},
    "comment_request": {"text": "Which workloads come first?"},
    "decline_request": {"reason": "out-of-scope", "note": "Not covered by FastTrack."},
    "reopen_request": {"reason": "Revised SOW from the partner"},
    "set_participants": {"participants": [{"email": PARTICIPANT, "role": "csu"}, {"email": "pat@fabrikam.com",
                                                                                  "role": "partner"}]},
}
HTTP_FUNCTIONS = {name for name, f in FUNCTIONS.items()
                  if json.loads(f.get_function_json())["bindings"][0]["type"] == "httpTrigger"}


def routed(app, body=None) -> str:
    request_id = app.submit(body or form(participants=[{"email": PARTICIPANT, "role": "atu"}]), REQUESTOR).body["id"]
    app.pump()
    return request_id


def assigned(app) -> str:
    request_id = routed(app)
    assert app.act("assign", request_id, LEAD, ("FTA.Lead",), {"architect": ARCHITECT}).status == 200
    app.pump()
    return request_id


def waiting(app) -> str:
    request_id = assigned(app)
    asked = app.call("request_info", "POST", f"http://localhost/api/requests/{request_id}/request-info",
                     body={"message": "Please upload the SOW."}, user=LEAD, roles=("FTA.Lead",),
                     route_params={"id": request_id})
    assert asked.status == 200, asked.body
    return request_id


def completed(app) -> str:
    request_id = assigned(app)
    assert app.act("complete", request_id, LEAD, ("FTA.Lead",)).status == 200
    return request_id


def upload(app, request_id: str, user: str | None, roles: tuple[str, ...] = ()):
    from tests.document_samples import PDF, upload_body

    body, content_type = upload_body("sow", "SOW.pdf", PDF, "application/pdf")
    return app.call("upload_document", "POST", f"http://localhost/api/requests/{request_id}/documents", body=body,
                    user=user, roles=roles, headers={"Content-Type": content_type}, route_params={"id": request_id})


def with_document(app, request_id: str) -> str:
    uploaded = upload(app, request_id, REQUESTOR)
    assert uploaded.status == 201, uploaded.body
    return uploaded.body["id"]


ROUTE_PATHS = {"request_info": "request-info", "comment_request": "comments", "resume_request": "resume",
               "decline_request": "decline"}


def call_route(app, name: str, who: str, request_id: str, document_id: str = ""):
    user, roles = PEOPLE[who]
    base = "http://localhost"
    match name:
        case "upload_document":
            return upload(app, request_id, user, roles)
        case "download_document":
            return app.call(name, "GET", f"{base}/api/requests/{request_id}/documents/{document_id}", user=user,
                            roles=roles, route_params={"id": request_id, "docId": document_id})
        case "change_document":
            return app.call(name, "PATCH", f"{base}/api/requests/{request_id}/documents/{document_id}", user=user,
                            roles=roles, body={"kind": "wbs"}, route_params={"id": request_id, "docId": document_id})
        case "remove_document":
            return app.call(name, "DELETE", f"{base}/api/requests/{request_id}/documents/{document_id}", user=user,
                            roles=roles, route_params={"id": request_id, "docId": document_id})
        case "create_request":
            return app.submit(form(), user, roles=roles)
        case "check_eligibility":
            return app.call(name, "POST", f"{base}/api/eligibility", body=form(), user=user, roles=roles)
        case "list_requests":
            return app.call(name, "GET", f"{base}/api/requests", user=user, roles=roles)
        case "get_request":
            return app.get(request_id, user, roles) if user else app.call(
                name, "GET", f"{base}/api/requests/{request_id}", route_params={"id": request_id})
        case "assign_request" | "cancel_request" | "complete_request" | "reopen_request":
            return app.act(name.removesuffix("_request"), request_id, user, roles, BODIES.get(name))
        case "set_participants":
            return app.call(name, "PUT", f"{base}/api/requests/{request_id}/participants", body=BODIES[name],
                            user=user, roles=roles, route_params={"id": request_id})
        case "request_info" | "comment_request" | "resume_request" | "decline_request":
            return app.call(name, "POST", f"{base}/api/requests/{request_id}/{ROUTE_PATHS[name]}",
                            body=BODIES.get(name), user=user, roles=roles, route_params={"id": request_id})
        case "signed_in_user":
            return app.call(name, "GET", f"{base}/api/me", user=user, roles=roles)
        case "vocabulary":
            return app.call(name, "GET", f"{base}/api/vocabulary", user=user, roles=roles)
        case "health":
            return app.call(name, "GET", f"{base}/api/health", user=user, roles=roles)
        case "health_details":
            return app.call(name, "GET", f"{base}/api/health/details", user=user, roles=roles)
        case "openapi_document":
            return app.call(name, "GET", f"{base}/api/openapi.json", user=user, roles=roles)
        case "asyncapi_document":
            return app.call(name, "GET", f"{base}/api/asyncapi.json", user=user, roles=roles)
        case "web_page":
            return app.call(name, "GET", f"{base}/", user=user, roles=roles)
        case "sla_report":
            return app.call(name, "GET", f"{base}/api/reports/sla", user=user, roles=roles)
        case "export_requests":
            return app.call(name, "GET", f"{base}/api/reports/requests.csv", user=user, roles=roles)
        case "web_static":
            return app.call(name, "GET", f"{base}/static/app.js", user=user, roles=roles, route_params={"name": "app.js"})
    raise AssertionError(f"no call written for route {name}")


def test_the_matrix_covers_every_http_route():
    assert set(RBAC) == HTTP_FUNCTIONS


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(RBAC))
def test_rbac_matrix(app, name, who):
    request_id = waiting(app) if name in WAITING_ROUTES else completed(app) if name == "reopen_request" else assigned(app)
    document_id = with_document(app, request_id) if name in DOCUMENT_ROUTES else ""
    before = app.get(request_id, LEAD, ("FTA.Lead",)).body
    answer = call_route(app, name, who, request_id, document_id)
    expected = RBAC[name][WHO.index(who)]
    assert answer.status == expected, (name, who, answer.status, answer.body)
    after = app.get(request_id, LEAD, ("FTA.Lead",)).body
    if answer.status >= 400:
        assert after == before, "a refused call changes nothing"
        if answer.headers.get("Content-Type", "").startswith("application/json"):
            assert answer.body["error"] and "history" not in answer.body, "a refusal leaks no request"
    if name == "list_requests" and answer.status == 200:
        listed = {item["id"] for item in answer.body["items"]}
        assert (request_id in listed) is (who in ("owner", "lead", "admin"))
    if name == "get_request" and answer.status == 200:
        assert "comment" in answer.body["allowedActions"] and (
            ("assign" in answer.body["allowedActions"]) is (who in ("lead", "admin")))


def test_a_requestor_in_the_body_is_refused_and_changes_nothing(app):
    forged = form(requestor={"email": LEAD, "name": "Lee"})
    answer = app.submit(forged, OTHER)
    assert answer.status == 400 and [d["field"] for d in answer.body["details"]] == ["requestor"]
    assert app.list(LEAD, ("FTA.Lead",)).body["items"] == []
    request_id = routed(app)
    for extra in ({"actor": LEAD}, {"roles": ["FTA.Lead"]}, {"requestor": LEAD}):
        refused = app.act("assign", request_id, LEAD, ("FTA.Lead",), {"architect": "eva.novak@contoso.com", **extra})
        assert refused.status == 400
    assert app.get(request_id, LEAD, ("FTA.Lead",)).body["status"] == "routed"


def test_a_principal_name_header_grants_nothing(app):
    request_id = routed(app)
    forged_name = {"X-MS-CLIENT-PRINCIPAL-NAME": LEAD, "X-MS-CLIENT-PRINCIPAL-ID": "forged"}
    assert app.submit(form(), None, headers=forged_name).status == 401
    assert app.act("assign", request_id, None, headers=forged_name, body={"architect": "eva.novak@contoso.com"}).status == 401
    assert app.act("assign", request_id, REQUESTOR, headers=forged_name, body={"architect": "eva.novak@contoso.com"}).status == 403
    assert app.act("complete", request_id, OTHER, headers=forged_name).status == 404
    mine = app.submit(form(), OTHER, headers=forged_name)
    assert mine.status == 201 and mine.body["requestor"]["email"] == OTHER


def test_a_role_in_a_claim_that_is_not_a_role_claim_grants_nothing(app):
    request_id = routed(app)
    claims = [{"typ": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "val": OTHER},
              {"typ": "groups", "val": "FTA.Lead"}, {"typ": "name", "val": "FTA.Admin"}]
    header = base64.b64encode(json.dumps({"auth_typ": "aad", "claims": claims}).encode()).decode()
    answer = app.act("assign", request_id, None, headers={"X-MS-CLIENT-PRINCIPAL": header},
                     body={"architect": "eva.novak@contoso.com"})
    assert answer.status == 404
    assert app.call("signed_in_user", "GET", "http://localhost/api/me",
                    headers={"X-MS-CLIENT-PRINCIPAL": header}).body["roles"] == []


def test_forged_principal_headers_through_devhost_are_not_trusted(tmp_path):
    app = live.start(tmp_path / "data")
    try:
        assert app.request("POST", "/api/requests", form(), user=None,
                           headers={"X-MS-CLIENT-PRINCIPAL-NAME": LEAD}).status == 401
        assert app.request("GET", "/api/requests", user=None,
                           headers={"X-MS-CLIENT-PRINCIPAL": "not base64 json"}).status == 401
    finally:
        app.stop()


# -- hostile field values -----------------------------------------------------------

FREE_TEXT = ("customerName", "partner", "compellingEvent", "instructions", "migration.justification")
SINGLE_LINE = ("tpid", "tenant", "customerName", "partner", "compellingEvent", "region",
               "segment", "requestType", "migration.sourceEnvironment")


def with_field(body: dict, dotted: str, value) -> dict:
    body = json.loads(json.dumps(body))
    target = body
    *parents, last = dotted.split(".")
    for part in parents:
        target = target[part]
    target[last] = value
    return body


def markup(field: str) -> str:
    return f'<img src=x onerror="alert(\'{field}\')"><script>steal("{field}")</script>&'


def test_html_in_every_free_text_field_arrives_escaped_in_the_html_email(app):
    body = migration_form()
    for field in FREE_TEXT:
        body = with_field(body, field, markup(field))
    created = app.submit(body, REQUESTOR)
    assert created.status == 201, created.body
    app.pump()
    mails = {m["X-FTA-Event"]: m for m in app.outbox()}
    assert set(mails) == {"request.submitted", "request.routed"}
    for event, mail in mails.items():
        html = mail.get_body(("html",)).get_content()
        assert "<script" not in html and "<img" not in html, event
        for field in FREE_TEXT:
            assert str(escape(markup(field))) in html, f"{event}: {field} is not shown escaped"


@pytest.mark.parametrize("field", SINGLE_LINE)
def test_cr_lf_in_a_single_line_field_is_refused_naming_it(app, field):
    original = migration_form()
    for part in field.split("."):
        original = original[part]
    answer = app.submit(with_field(migration_form(), field, f"{original}\r\nBcc: evil@example.com"), REQUESTOR)
    assert answer.status == 400, answer.body
    assert field in [d["field"] for d in answer.body["details"]], answer.body
    app.pump()
    assert app.outbox() == [] and app.list(LEAD, ("FTA.Lead",)).body["items"] == []


def test_line_breaks_in_free_text_add_no_email_header(app):
    hostile = "line one\r\nBcc: evil@example.com\r\n\r\nX-Injected: yes"
    created = app.submit(with_field(migration_form(instructions=hostile), "migration.justification", hostile), REQUESTOR)
    assert created.status == 201
    app.pump()
    for mail in app.outbox():
        assert mail["Bcc"] is None and mail["X-Injected"] is None
        assert "evil@example.com" not in mail["To"]


# -- hostile bodies, in process and over HTTP -----------------------------------------

def nested(depth: int) -> bytes:
    return json.dumps(form(instructions=None) | {"extra": None}).encode().replace(
        b'"extra": null', b'"extra": ' + b"[" * depth + b"]" * depth)


HOSTILE_BODIES = {
    "over 64 KiB": (json.dumps(form(instructions="x" * 70_000)).encode(), 413),
    "over devhost's 1 MiB": (b"{" + b" " * (2 * 1024 * 1024) + b"}", 413),
    "nested 13 deep": (nested(12), 400),
    "nested 30000 deep": (nested(30_000), 400),
    "invalid UTF-8": (json.dumps(form()).encode().replace(b"Contoso Ltd", b"Contoso \xff\xfe Ltd"), 400),
    "lone surrogate escape": (json.dumps(form()).encode().replace(b"Contoso Ltd", b"Contoso \\ud800 Ltd"), 400),
    "surrogate encoded as bytes": (json.dumps(form()).encode().replace(b"Contoso Ltd", b"Contoso \xed\xa0\x80 Ltd"), 400),
    "not an object": (b"[1, 2, 3]", 400),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_bodies_are_refused_in_process(app, kind):
    raw, status = HOSTILE_BODIES[kind]
    answer = app.submit(raw, REQUESTOR)
    assert answer.status == status, answer.body
    assert answer.body["error"] in ("payload-too-large", "invalid-request")
    assert app.list(LEAD, ("FTA.Lead",)).body["items"] == []


@pytest.fixture(scope="module")
def devhost(tmp_path_factory):
    app = live.start(tmp_path_factory.mktemp("security") / "data")
    yield app
    app.stop()


def raw_post(url: str, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    parts = urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("POST", path, body=raw, headers={"Content-Type": "application/json",
                                                            "Content-Length": str(len(raw)), **headers})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_bodies_are_refused_over_http(devhost, kind):
    raw, status = HOSTILE_BODIES[kind]
    answer_status, body = raw_post(devhost.url, "/api/requests", raw, {"X-MS-CLIENT-PRINCIPAL": principal_header(REQUESTOR)})
    assert answer_status == status, body
    assert body["error"] in ("payload-too-large", "invalid-request")
    listed = devhost.request("GET", "/api/requests", user=LEAD, roles=("FTA.Lead",)).body["items"]
    assert listed == []


# -- what never reaches a log or a repr ---------------------------------------------------

def answered(call, attempts: int = 20):
    """A client's retry on 503 (the store refused a write under injected faults)."""
    for _ in range(attempts):
        answer = call()
        if answer.status != 503:
            return answer
    raise AssertionError("still 503 after retries")


def test_a_full_journey_logs_no_customer_data(tmp_path):
    """Every log line of a journey, its failures included (faults injected on
    the store, the bus and the mail server), without TPID, tenant, customer
    name or instructions."""
    secret = {"tpid": "918273645546", "tenant": "quokka-marmalade.onmicrosoft.com",
              "customerName": "Zanzibar Quokka Holdings", "instructions": "Ultraviolet marmalade protocol"}
    app = live.start(tmp_path / "data", FTA_FAULTS="store.write=0.2,bus.publish=0.3,bus.duplicate=0.3,mail.send=0.4",
                     FTA_FAULTS_SEED="7", FTA_SWEEP_AFTER_SECONDS="1", FTA_SWEEP_SCHEDULE="* * * * * *")
    try:
        lead = dict(user=LEAD, roles=("FTA.Lead",))
        submit = lambda body, key=None: answered(lambda: app.request(
            "POST", "/api/requests", body, headers={"Idempotency-Key": key} if key else {}))
        created = submit(form(**secret), "journey-1")
        assert created.status == 201
        request_id = created.body["id"]
        assert submit(form(**secret), "journey-1").body["id"] == request_id
        assert submit(form(**{**secret, "totalUsers": 10})).status == 422
        assert submit(form(**{**secret, "tenant": secret["tenant"] + "\r\nX: y"})).status == 400
        assert submit(form(**{**secret, "segment": secret["customerName"]})).status == 400
        app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}", **lead).body["status"] == "routed", timeout=30)
        assert answered(lambda: app.request("POST", f"/api/requests/{request_id}/assign",
                                            {"architect": "eva.novak@contoso.com"}, **lead)).status == 200
        assert answered(lambda: app.request("POST", f"/api/requests/{request_id}/complete", **lead)).status == 200
        assert app.request("GET", f"/api/requests?tpid={secret['tpid']}", **lead).status == 200
        outbox = tmp_path / "data" / "outbox"
        app.wait_for(lambda: len(list(outbox.glob("*.eml"))) >= 6, timeout=60)
    finally:
        app.stop(signal.SIGTERM)
    log = app.log()
    faults = (tmp_path / "data" / "faults.log").read_text().splitlines()
    assert any('"mail.send"' in line for line in faults), "the journey met failures"
    assert request_id in log and "WARNING" in log, "the journey and its failures were logged"
    for name, value in secret.items():
        assert value.lower() not in log.lower(), f"{name} appears in the log"
    assert "quokka" not in log.lower() and "zanzibar" not in log.lower()


def test_settings_repr_shows_no_secret():
    secrets = {
        "COSMOS_KEY": "C0smosPrimaryKeyZZ9==",
        "SMTP_PASSWORD": "smtp-Pa55word-ZZ9",
        "ServiceBusConnection": ("Endpoint=sb://fta.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
                                 "SharedAccessKey=SbSharedAccessKeyZZ9="),
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-00000000ZZ9",
    }
    settings = load_settings({
        "FTA_STORE": "cosmos", "COSMOS_ENDPOINT": "https://fta.documents.azure.com:443/",
        "FTA_BUS": "servicebus", "FTA_EMAIL": "smtp", "SMTP_HOST": "smtp.contoso.com", "SMTP_USERNAME": "fta", **secrets,
    })
    assert settings.cosmos_key.get_secret_value() == secrets["COSMOS_KEY"]
    assert settings.smtp_password.get_secret_value() == secrets["SMTP_PASSWORD"]
    for shown in (repr(settings), str(settings), f"{settings!r}"):
        assert "ZZ9" not in shown and "SharedAccessKey=" not in shown, shown
    with pytest.raises(SettingsError) as refused:
        load_settings({"ServiceBusConnection": "SharedAccessKey=SbSharedAccessKeyZZ9="})
    assert "ZZ9" not in str(refused.value)
