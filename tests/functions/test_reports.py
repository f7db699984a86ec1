"""The reports' functions with real func.HttpRequest objects: the SLA report
and the CSV export from the pipeline's read model, their refusals, and the
rebuild that gives the documents the consumer kept."""

import csv
import io

import pytest

from shared.app import reporting
from shared.domain import reporting as rules
from tests.document_samples import upload_funding_documents
from tests.factories import LEAD, REQUESTOR, form, sow_form

LEAD_ROLES = ("FTA.Lead",)


def report(app, name, user=LEAD, roles=LEAD_ROLES, **params):
    path = "sla" if name == "sla_report" else "requests.csv"
    return app.call(name, "GET", f"http://localhost/api/reports/{path}", user=user, roles=roles, params=params)


def workflow(app, name, path, request_id, body):
    return app.call(name, "POST", f"http://localhost/api/requests/{request_id}/{path}", body=body, user=LEAD,
                    roles=LEAD_ROLES, route_params={"id": request_id})


def lifecycle(app):
    ids = [app.submit(form(region=r), REQUESTOR).body["id"] for r in ("emea", "emea", "americas", "emea")]
    app.pump()
    app.clock.advance(hours=2)
    app.act("assign", ids[0], LEAD, LEAD_ROLES, {"architect": "auto"})
    assert workflow(app, "request_info", "request-info", ids[1], {"message": "which tenant?"}).status == 200
    app.clock.advance(hours=48)  # two days on (Thursday noon), past the SLA for whatever still waits
    app.act("assign", ids[2], LEAD, LEAD_ROLES, {"architect": "auto"})
    app.pump()
    return ids


def test_the_sla_report_per_lead_group_from_the_read_model(app):
    lifecycle(app)
    answer = report(app, "sla_report", **{"from": "2026-11-24", "to": "2026-11-25"})
    assert answer.status == 200, answer.body
    groups = {g["key"]: g for g in answer.body["groups"]}
    emea = groups["emea-leads"]
    assert (emea["submitted"], emea["assigned"], emea["assignedWithinSla"], emea["withinSlaPercent"]) == (3, 1, 1, 100.0)
    assert emea["timeToAssignBusinessHours"] == {"p50": 2.0, "p90": 2.0}
    assert (emea["openNow"], emea["overdueNow"]) == (3, 1), "one waits on its requestor: not overdue"
    americas = groups["americas-leads"]
    assert (americas["assigned"], americas["assignedWithinSla"], americas["withinSlaPercent"]) == (1, 0, 0.0)
    assert set(groups) >= set(app.ctx.routing.group_ids)
    by_type = report(app, "sla_report", groupBy="requestType", **{"from": "2026-11-24"}).body
    assert [g["key"] for g in by_type["groups"]] == ["non-ecif"] and by_type["groups"][0]["submitted"] == 4


def test_counts_come_from_the_read_model_and_match_the_store(app):
    lifecycle(app)
    counts = app.list(LEAD, LEAD_ROLES, counts="true").body["counts"]
    assert counts == {"submitted": 0, "routed": 1, "needs-info": 1, "assigned": 2, "completed": 0, "declined": 0,
                      "cancelled": 0}
    emea = app.list(LEAD, LEAD_ROLES, counts="true", leadGroup="emea-leads").body["counts"]
    assert emea["assigned"] == 1 and emea["routed"] == 1


def test_the_rebuild_gives_the_documents_the_consumer_kept(app):
    lifecycle(app)
    keys = [rules.current_key(s) for s in range(rules.SHARDS)] + [
        rules.day_key(d) for d in rules.days(app.clock().date().replace(day=20), app.clock().date())]
    incremental = reporting.snapshot(app.ctx, keys)
    result = reporting.rebuild(app.ctx)
    assert result["requests"] == 4
    assert reporting.snapshot(app.ctx, keys) == incremental
    app.pump()  # a replay after the rebuild changes nothing
    assert reporting.snapshot(app.ctx, keys) == incremental


def test_the_csv_export_filters_and_carries_no_comment(app):
    ids = lifecycle(app)
    assert workflow(app, "comment_request", "comments", ids[3], {"text": "=internal secret", "internal": True}).status == 200
    answer = app.call("export_requests", "GET", "http://localhost/api/reports/requests.csv", user=LEAD,
                      roles=LEAD_ROLES, params={"status": "assigned,routed", "leadGroup": "emea-leads"})
    assert answer.status == 200
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(answer.body[1:], newline="")))
    assert sorted(r["id"] for r in rows) == sorted([ids[0], ids[3]])
    assert "internal secret" not in answer.body
    first = {r["id"]: r for r in rows}[ids[0]]
    assert first["status"] == "assigned" and first["assignedWithinSla"] == "true"
    assert first["timeToAssignBusinessHours"] == "2.0" and first["createdAt"] == "2026-11-24T10:00:00.000000Z"


def test_the_csv_carries_the_completion_the_outcome_and_the_decline(app):
    completed = app.submit(sow_form(), REQUESTOR).body["id"]
    migration = app.submit(form(requestType="migration-exception", migration={
        "mailboxCount": 1200, "sourceEnvironment": "Exchange 2016", "justification": "Datacentre exit"}), REQUESTOR).body["id"]
    declined = app.submit(form(), REQUESTOR).body["id"]
    app.pump()
    upload_funding_documents(app, completed, REQUESTOR)
    for request_id in (completed, migration):
        assert app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "auto"}).status == 200
    app.clock.advance(hours=3)
    done = app.act("complete", completed, LEAD, LEAD_ROLES, {"outcome": {
        "recommendation": "approve", "category": "cat-2a", "notes": "Scope matches the SOW"}})
    assert done.status == 200, done.body
    assert app.act("complete", migration, LEAD, LEAD_ROLES, {"outcome": {"decision": "approved"}}).status == 200
    assert workflow(app, "decline_request", "decline", declined, {"reason": "out-of-scope"}).status == 200
    app.pump()
    answer = report(app, "export_requests")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(answer.body[1:], newline=""))}
    assert {k: rows[completed][k] for k in ("completedAt", "recommendation", "category", "decision", "outcomeNotes")} == {
        "completedAt": "2026-11-24T13:00:00.000000Z", "recommendation": "approve", "category": "cat-2a",
        "decision": "", "outcomeNotes": "Scope matches the SOW"}
    assert (rows[migration]["decision"], rows[migration]["recommendation"]) == ("approved", "")
    assert (rows[declined]["declineReason"], rows[declined]["completedAt"]) == ("out-of-scope", "")


@pytest.mark.parametrize("name", ["sla_report", "export_requests"])
def test_requestors_get_403_on_both_reports(app, name):
    answer = report(app, name, user=REQUESTOR, roles=())
    assert answer.status == 403 and answer.body["error"] == "forbidden"


@pytest.mark.parametrize("name, params, field", [
    ("sla_report", {"from": "24-11-2026"}, "from"),
    ("sla_report", {"from": "2026-11-25", "to": "2026-11-24"}, "from"),
    ("sla_report", {"groupBy": "tenant"}, "groupBy"),
    ("sla_report", {"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    ("sla_report", {"colour": "red"}, "colour"),
    ("export_requests", {"status": "lost"}, "status"),
    ("export_requests", {"leadGroup": "nobody"}, "leadGroup"),
    ("export_requests", {"to": "2026-02-30"}, "to"),
])
def test_bad_parameters_are_400_naming_the_parameter(app, name, params, field):
    answer = report(app, name, **params)
    assert answer.status == 400, answer.body
    assert field in [d["field"] for d in answer.body["details"]]
