"""Architects' availability over devhost and real HTTP: a lead marks an architect
away, auto-assign passes them over, and says 409 no-architect-available when
the whole pool is away; the mark removed, they are picked again."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.factories import migration_form
from tests.integration import live

pytestmark = pytest.mark.timeout(180)

LEAD = dict(user="lee@contoso.com", roles=("FTA.Lead",))
ANA, BEN = "ana.alves@contoso.com", "ben.okafor@contoso.com"  # fta-alignment's pool, where migration exceptions go
NOTE = "Parental leave until the new year"


@pytest.fixture
def app(tmp_path):
    running = live.start(tmp_path / "data")
    yield running
    running.stop()


def routed(app) -> str:
    created = app.request("POST", "/api/requests", migration_form())
    assert created.status == 201, created.body
    request_id = created.body["id"]
    app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}").body["status"] == "routed")
    return request_id


def away_today(app, architect: str):
    today = datetime.now(timezone.utc).date()
    return app.request("POST", f"/api/architects/{architect}/absences",
                       {"from": today.isoformat(), "until": (today + timedelta(days=1)).isoformat(), "note": NOTE},
                       **LEAD)


def test_an_architect_marked_away_is_never_auto_assigned(app):
    marked = away_today(app, ANA)
    assert marked.status == 201 and marked.body["source"] == "app", marked.body
    listed = {a["email"]: a for a in app.request("GET", "/api/architects", **LEAD).body["items"]}
    assert listed[ANA]["away"]["id"] == marked.body["id"] and listed[ANA]["away"]["note"] == NOTE
    assert listed[BEN]["away"] is None and listed[BEN]["maxOpenAssignments"] == 6
    assert app.request("GET", "/api/architects").status == 403, "a requestor sees no absences"

    first = app.request("POST", f"/api/requests/{routed(app)}/assign", {"architect": "auto"}, **LEAD)
    assert first.status == 200 and first.body["architect"] == BEN, first.body

    assert away_today(app, BEN).status == 201
    second = routed(app)
    refused = app.request("POST", f"/api/requests/{second}/assign", {"architect": "auto"}, **LEAD)
    assert (refused.status, refused.body["error"]) == (409, "no-architect-available"), refused.body
    assert app.request("GET", f"/api/requests/{second}").body["status"] == "routed"

    removed = app.request("DELETE", f"/api/architects/{ANA}/absences/{marked.body['id']}", **LEAD)
    assert removed.status == 204
    assigned = app.request("POST", f"/api/requests/{second}/assign", {"architect": "auto"}, **LEAD)
    assert assigned.status == 200 and assigned.body["architect"] == ANA
    listed = {a["email"]: a for a in app.request("GET", "/api/architects", **LEAD).body["items"]}
    assert (listed[ANA]["away"], listed[ANA]["openAssignments"], listed[BEN]["openAssignments"]) == (None, 1, 1)
    assert NOTE not in app.log() and ANA not in app.log(), "no note and no address in the log"
