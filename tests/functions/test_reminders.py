import logging
from datetime import datetime, timezone

from tests.clock import ManualClock
from tests.factories import LEAD, REQUESTOR, form
from tests.harness import App


def mails(app, event_type):
    return sorted(m["To"] for m in app.outbox() if m["X-FTA-Event"] == event_type)


def history_types(app, request_id):
    return [e["type"] for e in app.get(request_id, REQUESTOR).body["history"]]


def test_reminders_follow_the_business_hours_sla_then_escalate(tmp_path):
    # Routed Friday 16:00 UTC with the default 16 business hours: due Tuesday 16:00.
    clock = ManualClock(datetime(2026, 11, 20, 16, 0, tzinfo=timezone.utc))
    app = App(tmp_path / "data", clock=clock)
    try:
        request_id = app.submit(form(region="emea"), REQUESTOR).body["id"]
        app.pump()
        assert app.get(request_id, REQUESTOR).body["assignDueAt"].startswith("2026-11-24T16:00:00")

        clock.now = datetime(2026, 11, 24, 15, 59, tzinfo=timezone.utc)
        app.run_timer("remind")
        assert "request.reminder" not in history_types(app, request_id), "not yet due"

        clock.now = datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc)
        app.run_timer("remind")
        app.run_timer("remind")  # the timer fired twice around a restart
        app.pump()
        assert history_types(app, request_id).count("request.reminder") == 1
        assert mails(app, "request.reminder") == ["emea-leads@contoso.com"]
        assert app.list(LEAD, ("FTA.Lead",)).body["items"][0]["overdue"] is True
        health = app.health_details().body
        assert health["operations"]["overdueUnassigned"] == 1

        clock.now = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)  # 15 business hours later
        app.run_timer("remind")
        assert history_types(app, request_id).count("request.reminder") == 1, "once per SLA period"
        clock.now = datetime(2026, 11, 26, 16, 0, tzinfo=timezone.utc)
        app.run_timer("remind")
        clock.now = datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)
        app.run_timer("remind")
        app.run_timer("remind")
        app.pump()  # the consumers run all along: a month-old message would have expired on the bus
        clock.advance(days=30)
        app.run_timer("remind")
        app.pump()
        types = history_types(app, request_id)
        assert types.count("request.reminder") == 2 and types.count("request.escalated") == 1
        assert mails(app, "request.escalated") == ["fta-alignment@contoso.com"]
        assert len(mails(app, "request.reminder")) == 2
    finally:
        app.close()


def test_with_a_zero_sla_every_routed_request_is_due_at_once(make_app, caplog):
    caplog.set_level(logging.INFO, logger="fta")
    app = make_app({"FTA_ASSIGN_SLA_BUSINESS_HOURS": "0", "FTA_REMINDERS_BEFORE_ESCALATION": "1"})
    first = app.submit(form(region="americas"), REQUESTOR).body["id"]
    second = app.submit(form(region="americas"), REQUESTOR).body["id"]
    app.pump()
    app.run_timer("remind")
    app.pump()
    assert mails(app, "request.reminder") == ["americas-leads@contoso.com"] * 2
    app.run_timer("remind")
    app.pump()
    assert mails(app, "request.escalated") == ["fta-alignment@contoso.com"] * 2
    for request_id in (first, second):
        assert history_types(app, request_id)[-1] == "request.escalated"
    # one line per escalation: the overdue-request log alert (infra/modules/alerts.bicep) counts them
    escalated = sorted(r.getMessage() for r in caplog.records if r.getMessage().startswith("request escalated:"))
    assert escalated == sorted(f"request escalated: request={i} leadGroup=americas-leads" for i in (first, second))


def test_an_assigned_request_is_never_reminded(make_app):
    app = make_app({"FTA_ASSIGN_SLA_BUSINESS_HOURS": "0"})
    request_id = app.submit(form(), REQUESTOR).body["id"]
    app.pump()
    app.act("assign", request_id, LEAD, ("FTA.Lead",), {"architect": "eva@contoso.com"})
    app.run_timer("remind")
    assert "request.reminder" not in history_types(app, request_id)
