"""Architects' availability through the use cases: marks, the list, the balancer
passing over whoever is away or full, and a second source of absences plugged
in beside the app's own marks (as Outlook's automatic replies will be)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.app import availability, lead_actions
from shared.app.commands import AssignArchitect, MarkAway, RemoveAbsence
from shared.app.errors import Forbidden, InvalidInput, NotFound, WrongState
from shared.app.ports import AvailabilityReader
from shared.domain.availability import OUTLOOK, Absence
from shared.domain.routing import load_routing
from tests.app.conftest import ADMIN_P, LEAD_P, REQUESTOR_P
from tests.app.test_use_cases import routed

EVA, FARID = "eva.novak@contoso.com", "farid.haddad@contoso.com"
TODAY = "2026-11-24"  # the harness clock's day (tests.harness.START)


class OutlookReplies:
    """A second source: what Outlook's automatic replies say, as the Graph adapter will answer."""

    source = OUTLOOK

    def __init__(self, away: dict[str, list[Absence]] | None = None, fails: bool = False):
        self.away, self.fails, self.asked = away or {}, fails, []

    def absences(self, architects, now):
        self.asked.append(list(architects))
        if self.fails:
            raise ConnectionError("Graph unavailable")
        return {a: theirs for a, theirs in self.away.items() if a in architects}


def mark(ctx, architect=EVA, start=TODAY, until=TODAY, note="", who=LEAD_P):
    return availability.mark_away(ctx, who, MarkAway(architect, {"from": start, "until": until, "note": note}))


def auto(ctx, request_id: str):
    return lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(request_id, "auto"))[0].architect


def test_a_marked_architect_is_passed_over_until_the_mark_is_removed(ctx):
    marked = mark(ctx, note="Parental leave")
    assert marked["source"] == "app" and marked["markedBy"] == LEAD_P.email and marked["note"] == "Parental leave"
    assert auto(ctx, routed(ctx, region="emea").id) == FARID
    assert auto(ctx, routed(ctx, region="emea").id) == FARID, "Eva is away, whatever the loads"
    availability.remove_absence(ctx, ADMIN_P, RemoveAbsence(EVA, marked["id"]))
    assert auto(ctx, routed(ctx, region="emea").id) == EVA


def test_a_mark_that_is_over_or_to_come_does_not_stop_the_balancer(ctx, clock):
    mark(ctx, start="2026-11-20", until="2026-11-23")
    mark(ctx, start="2026-11-25", until="2026-12-05")
    assert auto(ctx, routed(ctx, region="emea").id) == EVA
    clock.advance(days=1)
    assert auto(ctx, routed(ctx, region="emea").id) == FARID


def test_nobody_away_or_below_the_limit_is_409_no_architect_available_and_nothing_changes(ctx):
    mark(ctx, EVA)
    mark(ctx, FARID)
    request = routed(ctx, region="emea")
    with pytest.raises(WrongState) as refused:
        auto(ctx, request.id)
    assert refused.value.code == "no-architect-available"
    stored = ctx.requests.get(request.id)[0]
    assert stored.architect is None and stored.history == request.history
    chosen = lead_actions.assign_architect(ctx, LEAD_P, AssignArchitect(request.id, EVA))[0]
    assert chosen.architect == EVA, "a lead's own choice is never refused"


def test_an_architect_at_max_open_assignments_is_passed_over(ctx):
    text = (Path(__file__).resolve().parents[2] / "shared/config/routing.yaml").read_text(encoding="utf-8")
    ctx.routing = load_routing(text.replace("maxOpenAssignments: 10", "maxOpenAssignments: 1"))
    assert auto(ctx, routed(ctx, region="emea").id) == EVA
    assert auto(ctx, routed(ctx, region="emea").id) == FARID
    with pytest.raises(WrongState) as refused:
        auto(ctx, routed(ctx, region="emea").id)
    assert refused.value.code == "no-architect-available"
    listed = {a["email"]: a for a in availability.list_architects(ctx, LEAD_P)["items"]}
    assert (listed[EVA]["openAssignments"], listed[EVA]["maxOpenAssignments"], listed[EVA]["available"]) == (1, 1, False)


def test_another_source_of_absences_plugs_in_beside_the_apps_marks(ctx, clock):
    now = clock()
    outlook = OutlookReplies({EVA: [Absence(EVA, now - timedelta(hours=1), now + timedelta(days=2), OUTLOOK)]})
    assert isinstance(outlook, AvailabilityReader)
    ctx.availability.append(outlook)
    assert auto(ctx, routed(ctx, region="emea").id) == FARID
    assert outlook.asked[-1] == [EVA, FARID]
    listed = {a["email"]: a for a in availability.list_architects(ctx, LEAD_P)["items"]}
    assert listed[EVA]["away"]["source"] == "outlook" and listed[EVA]["away"]["id"] is None
    assert listed[FARID]["away"] is None and listed[FARID]["available"] is True


def test_a_failing_source_other_than_the_apps_own_never_stops_an_assignment(ctx):
    ctx.availability.append(OutlookReplies(fails=True))
    mark(ctx, EVA)
    assert auto(ctx, routed(ctx, region="emea").id) == FARID, "the app's marks still count"
    assert availability.list_architects(ctx, LEAD_P)["items"]


def test_the_list_names_every_architect_with_groups_load_limit_and_absences(ctx):
    later = mark(ctx, FARID, "2026-12-21", "2027-01-01", "Holiday")
    now = mark(ctx, FARID, TODAY, "2026-11-25")
    auto(ctx, routed(ctx, region="emea").id)
    answer = availability.list_architects(ctx, ADMIN_P)
    listed = {a["email"]: a for a in answer["items"]}
    assert len(listed) == 8
    assert listed[EVA] | {"away": None, "absences": []} == listed[EVA]
    assert (listed[EVA]["name"], listed[EVA]["groups"], listed[EVA]["openAssignments"]) == ("Eva Novak", ["emea-leads"], 1)
    assert listed["ben.okafor@contoso.com"]["maxOpenAssignments"] == 6
    assert listed[FARID]["away"] == now and [a["id"] for a in listed[FARID]["absences"]] == [now["id"], later["id"]]
    assert listed[FARID]["available"] is False


def test_only_leads_and_admins_see_and_mark_absences(ctx):
    with pytest.raises(Forbidden):
        availability.list_architects(ctx, REQUESTOR_P)
    with pytest.raises(Forbidden):
        mark(ctx, who=REQUESTOR_P)
    marked = mark(ctx)
    with pytest.raises(Forbidden):
        availability.remove_absence(ctx, REQUESTOR_P, RemoveAbsence(EVA, marked["id"]))


def test_unknown_architects_and_marks_are_refused(ctx):
    with pytest.raises(InvalidInput) as refused:
        mark(ctx, "someone.new@contoso.com")
    assert [d["field"] for d in refused.value.details] == ["email"]
    marked = mark(ctx)
    for architect, absence_id in ((FARID, marked["id"]), (EVA, "AWAY-AAAAAAAAAAAA"), (EVA, "../x")):
        with pytest.raises(NotFound):
            availability.remove_absence(ctx, LEAD_P, RemoveAbsence(architect, absence_id))


POOL = ["ana@contoso.com", "ben@contoso.com", "cleo@contoso.com", "dev@contoso.com"]
POOL_ROUTING = """
regions: [emea]
leadGroups:
  - id: emea-leads
    name: EMEA Leads
    members: [emea-leads@contoso.com]
    architects:
""" + "".join(f"      - {{email: {a}, maxOpenAssignments: LIMIT{n}}}\n" for n, a in enumerate(POOL)) + """
default: emea-leads
escalateTo: emea-leads
"""


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_auto_assign_through_the_store_never_picks_an_away_or_full_architect(ctx, clock, data):
    limits = data.draw(st.lists(st.integers(1, 4), min_size=len(POOL), max_size=len(POOL)), "limits")
    text = POOL_ROUTING
    for n, limit in enumerate(limits):
        text = text.replace(f"LIMIT{n}", str(limit))
    ctx.routing = load_routing(text)
    today = clock().date()
    spans = st.tuples(st.sampled_from(POOL), st.integers(-3, 2), st.integers(0, 3))  # architect, first day, length
    marks = data.draw(st.lists(spans, max_size=6), "marks")
    made = [mark(ctx, architect, (today + timedelta(days=start)).isoformat(),
                 (today + timedelta(days=start + length)).isoformat()) for architect, start, length in marks]
    before = {a["email"]: a for a in availability.list_architects(ctx, LEAD_P)["items"]}
    request = routed(ctx, region="emea")
    try:
        chosen = auto(ctx, request.id)
    except WrongState as refused:
        assert refused.code == "no-architect-available"
        assert not any(a["available"] for a in before.values()), before
    else:
        assert before[chosen]["away"] is None and before[chosen]["openAssignments"] < limits[POOL.index(chosen)]
        fewest = min(a["openAssignments"] for a in before.values() if a["available"])
        assert before[chosen]["openAssignments"] == fewest
    for made_mark in made:
        availability.remove_absence(ctx, LEAD_P, RemoveAbsence(made_mark["architect"], made_mark["id"]))
