"""The work after routing under faults: ask, answer, assign, the first contact and
the workshop, complete, reopen; nothing lost, every email once, whatever the
store, the bus and the mail server do."""

from __future__ import annotations

import collections
import http.client
import time
import urllib.error

import pytest

from tests.factories import LEAD, REQUESTOR, form
from tests.integration import live
from tests.resilience.test_fault_injection import FAULTS, SEED, outbox_headers

REQUESTS = 15
LEADS = ("FTA.Lead",)
ARCHITECT = "eva.novak@contoso.com"
EMAILS_PER_REQUEST = {  # event -> recipients
    "request.submitted": 1, "request.routed": 1, "request.info-requested": 1, "request.commented": 1,
    "request.info-provided": 1, "request.assigned": 2, "request.completed": 2, "request.reopened": 2,
}
WORKSHOP = {"kind": "workshop-held", "customerUnderstanding": "medium", "outOfScope": ["Telephony"],
            "engagementStart": "2027-01-11", "dibs": {"dueDate": "2027-03-31", "intent": "Mail in the cloud",
                                                      "businessReason": "Datacentre exit", "successOwners": ["CIO"]}}


def call_until_done(app, method, path, body, done, **who):
    """Retry on 503 or a broken connection until the effect is there, as a
    client that reloads the request before trying again."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            answer = app.request(method, path, body, timeout=30, **who)
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            answer = None
        if answer is not None and answer.status == 200:
            return
        current = app.request("GET", path.rsplit("/", 1)[0], user=LEAD, roles=LEADS)
        if current.status == 200 and done(current.body):
            return
        assert answer is None or answer.status == 503, (path, answer.status, answer.body)
        time.sleep(0.05)
    raise AssertionError(f"{path} never took effect")


@pytest.mark.timeout(420)
def test_ask_answer_assign_complete_under_faults_loses_nothing_and_mails_once(tmp_path):
    data_dir = tmp_path / "data"
    app = live.start(data_dir, FTA_FAULTS=FAULTS, FTA_FAULTS_SEED=SEED,
                     FTA_SWEEP_AFTER_SECONDS="2", FTA_SWEEP_SCHEDULE="*/2 * * * * *")
    try:
        ids = []
        for n in range(REQUESTS):
            key = f"workflow-{n}"
            while True:
                created = app.request("POST", "/api/requests", form(tpid=str(800000 + n)), user=REQUESTOR,
                                      headers={"Idempotency-Key": key})
                if created.status == 201:
                    break
                assert created.status == 503, created.body
            ids.append(created.body["id"])
        lead = dict(user=LEAD, roles=LEADS)
        for request_id in ids:
            path = f"/api/requests/{request_id}"
            app.wait_for(lambda: app.request("GET", path, **lead).body["status"] == "routed", timeout=60)
            call_until_done(app, "POST", f"{path}/request-info", {"message": "Please share the WBS."},
                            lambda r: r["status"] == "needs-info", **lead)
            call_until_done(app, "POST", f"{path}/comments", {"text": f"WBS for {request_id} is on the share."},
                            lambda r: r["status"] == "routed", user=REQUESTOR)
            call_until_done(app, "POST", f"{path}/assign", {"architect": ARCHITECT},
                            lambda r: r["status"] == "assigned", **lead)
            call_until_done(app, "POST", f"{path}/milestones", {"kind": "first-contact", "notes": "Called the ATU."},
                            lambda r: r.get("firstContactAt") is not None, user=ARCHITECT)
            call_until_done(app, "POST", f"{path}/milestones", WORKSHOP, lambda r: r.get("workshop") is not None,
                            user=ARCHITECT)
            call_until_done(app, "POST", f"{path}/complete", {"outcome": {"notes": "Done."}},
                            lambda r: r["status"] == "completed", user=ARCHITECT)
            call_until_done(app, "POST", f"{path}/reopen", {"reason": "Revised SOW from the partner"},
                            lambda r: r["status"] == "routed", **lead)

        wanted = sum(EMAILS_PER_REQUEST.values()) * REQUESTS

        def settled():
            requests = [app.request("GET", f"/api/requests/{i}", **lead).body for i in ids]
            emails = outbox_headers(data_dir / "outbox")
            dispatched = all(e["dispatched"] for r in requests for e in r["history"])
            return (requests, emails) if dispatched and len(emails) >= wanted else None

        result = app.wait_for(settled, timeout=240, interval=1)
        requests, emails = result
        time.sleep(2)  # a duplicate would arrive meanwhile
        emails = outbox_headers(data_dir / "outbox")
    finally:
        app.stop()

    assert all(r["status"] == "routed" for r in requests), "reopened for a second review"
    for r in requests:
        types = [e["type"] for e in r["history"]]
        assert types == ["request.submitted", "request.routed", "request.info-requested", "request.commented",
                         "request.info-provided", "request.assigned", "request.first-contact",
                         "request.workshop-held", "request.completed", "request.reopened"], types
    by_kind = collections.Counter((e["event"], e["request"], e["to"]) for e in emails)
    assert not {k: n for k, n in by_kind.items() if n > 1}, "no email twice"
    per_event = collections.Counter((e["event"], e["request"]) for e in emails)
    for request_id in ids:
        for event_type, count in EMAILS_PER_REQUEST.items():
            assert per_event[(event_type, request_id)] == count, (request_id, event_type)
    faults = collections.Counter(line.split('"')[3] for line in (data_dir / "faults.log").read_text().splitlines())
    assert faults["store.write"] and faults["bus.publish"] and faults["mail.send"], faults
