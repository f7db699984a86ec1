"""The rules of every HTTP call (DESIGN, "Rules for every HTTP call") over real
HTTP on devhost: cross-site writes, the cheap public health, Idempotency-Key
bound to its body, the submission limit."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.factories import ADMIN, LEAD, form
from tests.integration import live
from tests.integration.smtp_server import SmtpServer

pytestmark = pytest.mark.timeout(180)

PUBLIC_URL = "https://fta.contoso.com"
FORM_ORIGIN = "https://forms.contoso.com"
LIMIT = 3
ADMIN_ROLES = ("FTA.Admin",)
LEAD_ROLES = ("FTA.Lead",)


@pytest.fixture(scope="module")
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def app(tmp_path_factory, smtp):
    running = live.start(tmp_path_factory.mktemp("http-rules") / "data", FTA_PUBLIC_URL=PUBLIC_URL,
                         FTA_ALLOWED_ORIGINS=FORM_ORIGIN, FTA_SUBMISSIONS_PER_HOUR=str(LIMIT), **smtp.env)
    yield running
    running.stop()


def someone() -> str:
    """A user of their own: the limit counts per user."""
    return f"user-{uuid.uuid4().hex[:10]}@contoso.com"


def requests_of(app, user: str) -> list[dict]:
    return app.request("GET", "/api/requests?limit=200", user=user).body["items"]


def mail_to(smtp, user: str) -> list:
    return [m for m in smtp.collector.snapshot() if user in m.recipients]


# -- cross-site writes -----------------------------------------------------------------------

FOREIGN_BODIES = {
    "text/plain": ("text/plain;charset=UTF-8", json.dumps(form()).encode()),
    "form-encoded": ("application/x-www-form-urlencoded", b"tpid=123456&tenant=contoso.onmicrosoft.com"),
    "multipart": ("multipart/form-data; boundary=xyz",
                  b'--xyz\r\nContent-Disposition: form-data; name="tpid"\r\n\r\n123456\r\n--xyz--\r\n'),
}


@pytest.mark.parametrize("kind", sorted(FOREIGN_BODIES))
def test_a_body_that_is_not_json_is_415_and_changes_nothing(app, smtp, kind):
    content_type, body = FOREIGN_BODIES[kind]
    user = someone()
    answer = app.request("POST", "/api/requests", body, user=user, headers={"Content-Type": content_type})
    assert answer.status == 415 and answer.body["error"] == "unsupported-media-type", answer.body
    created = app.request("POST", "/api/requests", form(), user=user)
    assert created.status == 201
    cancel = app.request("POST", f"/api/requests/{created.body['id']}/cancel", b"reason=postponed", user=user,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert cancel.status == 415
    assert [r["status"] for r in requests_of(app, user)] != ["cancelled"]
    assert len(requests_of(app, user)) == 1, "the refused submission stored nothing"


@pytest.mark.parametrize("headers, why", [
    ({"Origin": "https://evil.example"}, "foreign origin"),
    ({"Origin": "https://fta.contoso.com.evil.example"}, "a look-alike origin"),
    ({"Origin": "null"}, "an opaque origin"),
    ({"Sec-Fetch-Site": "cross-site"}, "the browser says another site"),
    ({"Origin": PUBLIC_URL, "Sec-Fetch-Site": "cross-site"}, "cross-site wins over a trusted origin"),
])
def test_a_write_from_another_site_is_403_and_nothing_is_stored_or_sent(app, smtp, headers, why):
    user = someone()
    answer = app.request("POST", "/api/requests", form(), user=user, headers=headers)
    assert answer.status == 403 and answer.body["error"] == "cross-site", (why, answer.body)
    created = app.request("POST", "/api/requests", form(), user=someone())
    assert created.status == 201
    request_id = created.body["id"]
    app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}", user=LEAD,
                                     roles=LEAD_ROLES).body["status"] == "routed")
    assign = app.request("POST", f"/api/requests/{request_id}/assign", {"architect": "auto"}, user=LEAD,
                         roles=LEAD_ROLES, headers=headers)
    assert assign.status == 403, why
    time.sleep(0.5)  # what the app would have sent by now
    assert requests_of(app, user) == [], why
    assert mail_to(smtp, user) == [], "no confirmation for a refused submission"
    after = app.request("GET", f"/api/requests/{request_id}", user=LEAD, roles=LEAD_ROLES).body
    assert (after["status"], after["architect"]) == ("routed", None)
    unrefused = app.request("POST", f"/api/requests/{request_id}/assign", {"architect": "auto"}, user=LEAD,
                            roles=LEAD_ROLES)
    assert unrefused.status == 200, "the same call without the cross-site headers is accepted"


@pytest.mark.parametrize("headers, why", [
    ({}, "no Origin (curl, a service)"),
    ({"Origin": "APP"}, "the origin the call was addressed to"),
    ({"Origin": PUBLIC_URL}, "the origin of FTA_PUBLIC_URL"),
    ({"Origin": FORM_ORIGIN, "Sec-Fetch-Site": "same-site"}, "an origin of FTA_ALLOWED_ORIGINS"),
    ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, "a page of this origin hiding it (no-referrer)"),
])
def test_a_write_from_the_apps_own_origin_or_naming_none_is_accepted_and_sent(app, smtp, headers, why):
    user = someone()
    headers = {k: (app.url if v == "APP" else v) for k, v in headers.items()}
    answer = app.request("POST", "/api/requests", form(), user=user, headers=headers)
    assert answer.status == 201, (why, answer.body)
    app.wait_for(lambda: mail_to(smtp, user))
    assert app.request("GET", "/api/requests", user=user, headers=headers).status == 200


def test_a_read_is_judged_by_the_principal_alone(app):
    headers = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert app.request("GET", "/api/requests", user=someone(), headers=headers).status == 200
    assert app.request("GET", "/api/requests", user=None, headers=headers).status == 401


# -- health ------------------------------------------------------------------------------------


def test_ten_public_health_calls_open_no_smtp_session_and_name_nothing(app, smtp):
    before = smtp.sessions
    answers = [app.request("GET", "/api/health", user=None) for _ in range(10)]
    assert smtp.sessions == before, "no SMTP session for the public health"
    assert [(a.status, a.body) for a in answers] == [(200, {"status": "ok"})] * 10
    text = json.dumps(answers[0].body)
    data_dir = app.env["FTA_DATA_DIR"]
    for secret in ("sqlite", "local", "smtp", "127.0.0.1", str(smtp.port), "fta-events", data_dir, "/"):
        assert secret not in text
    assert answers[0].headers["Cache-Control"] == "no-store"
    details = app.request("GET", "/api/health/details", user=ADMIN, roles=ADMIN_ROLES)
    assert details.status == 200 and details.body["components"]["email"]["backend"] == "smtp"
    assert smtp.sessions > before, "the details do probe the mail server (the count above can fail)"


def test_health_details_are_for_admins_only(app):
    assert app.request("GET", "/api/health/details", user=None).status == 401
    assert app.request("GET", "/api/health/details", user=someone()).status == 403
    refused = app.request("GET", "/api/health/details", user=LEAD, roles=LEAD_ROLES)
    assert refused.status == 403 and "components" not in refused.body
    details = app.request("GET", "/api/health/details", user=ADMIN, roles=ADMIN_ROLES).body
    assert set(details) == {"status", "components", "operations"}
    assert set(details["operations"]) >= {"overdueUnassigned", "parked", "deadLetters", "leadFeeds"}


# -- Idempotency-Key -----------------------------------------------------------------------------


def test_the_same_key_replays_the_same_body_and_refuses_another(app):
    user, key = someone(), {"Idempotency-Key": uuid.uuid4().hex}
    first = app.request("POST", "/api/requests", form(), user=user, headers=key)
    respelled = json.dumps(dict(reversed(list(form().items()))), indent=1).encode()
    again = app.request("POST", "/api/requests", respelled, user=user, headers=key)
    assert (first.status, again.status) == (201, 201)
    assert again.body["id"] == first.body["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = app.request("POST", "/api/requests", form(tpid="999"), user=user, headers=key)
    assert other.status == 422 and other.body["error"] == "idempotency-key-reused", other.body
    assert [r["id"] for r in requests_of(app, user)] == [first.body["id"]]


# -- the submission limit -------------------------------------------------------------------------


def test_past_the_limit_a_submission_is_429_with_retry_after_and_another_user_is_unaffected(app):
    user, key = someone(), {"Idempotency-Key": uuid.uuid4().hex}
    assert app.request("POST", "/api/requests", form(), user=user, headers=key).status == 201
    assert app.request("POST", "/api/requests", form(), user=user, headers=key).status == 201, "a replay"
    for _ in range(LIMIT - 1):
        assert app.request("POST", "/api/requests", form(), user=user).status == 201
    refused = app.request("POST", "/api/requests", form(), user=user)
    assert refused.status == 429 and refused.body["error"] == "too-many-submissions", refused.body
    retry_after = refused.headers["Retry-After"]
    assert retry_after.isdigit() and 0 < int(retry_after) <= 7200
    assert len(requests_of(app, user)) == LIMIT, "the replay did not count; the refused one stored nothing"
    assert app.request("POST", "/api/requests", form(), user=someone()).status == 201
