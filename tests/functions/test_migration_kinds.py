"""Migration exceptions by kind: the domain's table of the facts each kind's
review needs, judged at intake and in the live eligibility check (a missing fact
named beside its field); facts out of reason refused; older requests read as other."""

from __future__ import annotations

import csv
import io

import pytest

from shared.domain.forms import REQUIRED_FACTS, ExceptionType
from tests.factories import LEAD, REQUESTOR, form

FACTS = {"mailboxCount": 6000, "averageMailboxSizeGb": 4.5, "sharedMailboxCount": 40, "expectedStart": "2027-01-11",
         "expectedFinish": "2027-03-26", "sourceEnvironment": "HCL Domino 12", "justification": "Datacentre exit"}


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def migration(kind: ExceptionType, drop: str | None = None, **changes) -> dict:
    facts = {camel(name): FACTS[camel(name)] for name in REQUIRED_FACTS[kind] if camel(name) != drop}
    return form(requestType="migration-exception", migration={"exceptionType": kind.value, **facts, **changes})


def fields_of(answer) -> list[str]:
    return [d["field"] for d in answer.body.get("details") or answer.body.get("fieldErrors") or []]


def check(app, body):
    return app.call("check_eligibility", "POST", "http://localhost/api/eligibility", body=body, user=REQUESTOR)


@pytest.mark.parametrize("kind", list(ExceptionType))
def test_each_kind_with_its_facts_is_taken_and_each_missing_fact_is_named(app, kind):
    created = app.submit(migration(kind), REQUESTOR)
    assert created.status == 201, created.body
    assert created.body["migration"]["exceptionType"] == kind.value
    for name in REQUIRED_FACTS[kind]:
        field = f"migration.{camel(name)}"
        refused = app.submit(migration(kind, drop=camel(name)), REQUESTOR)
        assert refused.status == 400 and field in fields_of(refused), (kind, refused.body)
        live = check(app, migration(kind, drop=camel(name)))
        assert live.status == 200 and field in fields_of(live), (kind, live.body)


@pytest.mark.parametrize("changes, field", [
    ({"mailboxCount": -5}, "migration.mailboxCount"),
    ({"mailboxCount": 0}, "migration.mailboxCount"),
    ({"averageMailboxSizeGb": 5000}, "migration.averageMailboxSizeGb"),
    ({"sharedMailboxCount": -1}, "migration.sharedMailboxCount"),
    ({"expectedFinish": "2027-01-04"}, "migration.expectedFinish"),
    ({"expectedStart": "2027-02-30"}, "migration.expectedStart"),
    ({"expectedStart": "next Monday"}, "migration.expectedStart"),
    ({"expectedFinish": "2999-01-01"}, "migration.expectedFinish"),
    ({"mailboxCount": 3000, "exceptionType": "domino-coexistence"}, "migration.mailboxCount"),
    ({"exceptionType": "cross-tenant"}, "migration.exceptionType"),
])
def test_facts_out_of_reason_are_400_naming_each_field(app, changes, field):
    refused = app.submit(migration(ExceptionType.DOMINO_90_DAY, **changes), REQUESTOR)
    assert refused.status == 400 and field in fields_of(refused), refused.body


def test_a_request_made_before_the_kinds_reads_as_other_and_the_csv_names_the_kind(app):
    older = app.submit(form(requestType="migration-exception", migration={
        "mailboxCount": 800, "sourceEnvironment": "Exchange 2013", "justification": "Legacy archive"}), REQUESTOR)
    assert older.status == 201 and older.body["migration"]["exceptionType"] == "other"
    domino = app.submit(migration(ExceptionType.DOMINO_COEXISTENCE), REQUESTOR).body["id"]
    app.pump()
    exported = app.call("export_requests", "GET", "http://localhost/api/reports/requests.csv", user=LEAD,
                        roles=("FTA.Lead",))
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(exported.body[1:], newline=""))}
    assert rows[older.body["id"]]["exceptionType"] == "other"
    assert rows[domino]["exceptionType"] == "domino-coexistence"
