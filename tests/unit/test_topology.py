from shared import topology
from shared.app import handlers
from shared.domain.model import EventType
from shared.domain.routing import load_routing
from shared.settings import SHIPPED_ROUTING_FILE
from shared.topology import Subscription

SHIPPED_GROUPS = load_routing(SHIPPED_ROUTING_FILE.read_text()).group_ids
ALL_EVENT_TYPES = [t.value for t in EventType]


def shipped() -> dict[str, Subscription]:
    return {s.name: s for s in handlers.subscriptions(SHIPPED_GROUPS)}


def test_shipped_subscriptions_are_route_notify_teams_and_one_per_lead_group():
    names = list(shipped())
    assert names[:4] == ["route-to-leads", "notify", "teams", "reporting"]
    assert [n for n in names if topology.is_feed(n)] == [f"leads-{gid}" for gid in SHIPPED_GROUPS]
    assert "leads-emea-leads" in names and "leads-fta-alignment" in names


def test_route_to_leads_takes_only_submitted_events():
    route = shipped()["route-to-leads"]
    taken = [t for t in ALL_EVENT_TYPES if route.matches(t, {"leadGroup": "emea-leads", "region": "emea"})]
    assert taken == ["request.submitted"]
    assert route.sql_filter == "sys.Label = 'request.submitted'"


def test_notify_takes_every_event():
    notify = shipped()["notify"]
    assert all(notify.matches(t, {}) for t in ALL_EVENT_TYPES)
    assert notify.matches(None, {"anything": "x"})
    assert notify.sql_filter == "1=1"


def test_reporting_takes_every_event_and_is_no_feed():
    reporting = shipped()["reporting"]
    assert all(reporting.matches(t, {}) for t in ALL_EVENT_TYPES)
    assert reporting.sql_filter == "1=1" and not reporting.feed and reporting.dead_letter_on_expiry


def test_each_lead_group_subscription_takes_only_its_own_routed_events():
    subs = shipped()
    for gid in SHIPPED_GROUPS:
        own = subs[f"leads-{gid}"]
        assert own.matches("request.routed", {"leadGroup": gid, "region": "emea", "eventType": "request.routed"})
        assert not own.matches("request.routed", {})
        assert not own.matches("request.assigned", {"leadGroup": gid})
        for other in SHIPPED_GROUPS:
            if other != gid:
                assert not own.matches("request.routed", {"leadGroup": other})
        assert own.sql_filter == f"sys.Label = 'request.routed' AND leadGroup = '{gid}'"


def test_every_property_of_a_filter_must_match_and_sql_terms_are_sorted():
    sub = Subscription("s", properties={"region": "emea", "leadGroup": "emea-leads"})
    assert sub.matches("request.routed", {"region": "emea", "leadGroup": "emea-leads"})
    assert not sub.matches("request.routed", {"region": "emea"})
    assert not sub.matches("request.routed", {"region": "americas", "leadGroup": "emea-leads"})
    assert sub.sql_filter == "leadGroup = 'emea-leads' AND region = 'emea'"


def test_no_lead_groups_leaves_the_app_subscriptions():
    assert [s.name for s in handlers.subscriptions([])] == ["route-to-leads", "notify", "teams", "reporting"]


def test_teams_takes_routed_reminder_and_escalated_events_of_every_group():
    teams = shipped()["teams"]
    taken = [t for t in ALL_EVENT_TYPES if teams.matches(t, {"leadGroup": "emea-leads"})]
    assert taken == ["request.routed", "request.reminder", "request.escalated"]
    assert not teams.matches(None, {})
    assert teams.sql_filter == "sys.Label IN ('request.routed', 'request.reminder', 'request.escalated')"
    assert not teams.feed and teams.dead_letter_on_expiry


def test_subjects_and_properties_combine_with_and():
    sub = Subscription("s", subjects=("a", "b"), properties={"leadGroup": "g"})
    assert sub.matches("a", {"leadGroup": "g"}) and sub.matches("b", {"leadGroup": "g"})
    assert not sub.matches("c", {"leadGroup": "g"}) and not sub.matches("a", {})
    assert sub.sql_filter == "sys.Label IN ('a', 'b') AND leadGroup = 'g'"


def test_the_filters_event_types_are_the_domains():
    from shared.domain.model import EventType

    from shared.app.teams import TEAMS_EVENTS

    subs = {s.name: s for s in handlers.subscriptions([])}
    assert subs["route-to-leads"].subject == EventType.SUBMITTED.value
    assert topology.ROUTED == EventType.ROUTED.value
    assert TEAMS_EVENTS == (EventType.ROUTED, EventType.REMINDER, EventType.ESCALATED)
    assert subs["teams"].subjects == (EventType.ROUTED.value, EventType.REMINDER.value, EventType.ESCALATED.value)


def test_lead_feeds_expire_sooner_without_dead_lettering_and_the_app_subscriptions_dead_letter():
    subs = shipped()
    for name in ("route-to-leads", "notify", "teams"):
        assert not subs[name].feed and subs[name].dead_letter_on_expiry and not topology.is_feed(name)
        assert subs[name].default_ttl_seconds == topology.MESSAGE_TTL_SECONDS == 14 * 24 * 3600
    for gid in SHIPPED_GROUPS:
        feed = subs[f"leads-{gid}"]
        assert feed.feed and not feed.dead_letter_on_expiry and topology.is_feed(feed.name)
        assert feed.default_ttl_seconds == topology.LEAD_FEED_TTL_SECONDS == 7 * 24 * 3600
