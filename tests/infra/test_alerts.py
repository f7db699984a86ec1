"""infra/ alerts operators on what the app cannot fix alone: dead letters in its
own subscriptions, failed executions, requests escalated for want of an architect."""

from __future__ import annotations

import pytest

from shared import topology
from shared.app import handlers
from tests.infra.alert_facts import alert_facts

SERVICE_BUS = "Microsoft.ServiceBus/namespaces"
APP_INSIGHTS = "Microsoft.Insights/components"
ESCALATION_LOG_PREFIX = "request escalated:"  # shared/services.py send_reminders (tests/functions/test_reminders.py)


@pytest.fixture(scope="module")
def alerts() -> dict:
    return alert_facts()


def test_the_action_group_mails_alert_email_only_when_one_is_given(alerts):
    group = alerts["action_group"]
    assert group["condition"] is False, "no alertEmail by default: no action group"
    assert group["enabled_with_email"] is True
    assert group["email_receivers"] == ["operators@contoso.com"]
    assert 1 <= len(group["short_name"]) <= 12


def test_every_alert_is_enabled_and_notifies_the_action_group(alerts):
    rules = {**alerts["metric_alerts"], **alerts["log_alerts"]}
    assert len(rules) == 3
    for name, rule in rules.items():
        assert rule["enabled"] is True, name
        assert rule["notifies"] is True, name


def test_dead_letters_of_the_app_subscriptions_raise_an_alert(alerts, facts):
    # Service Bus has no per-subscription metric: EntityName is the topic, whose
    # figure sums its subscriptions. The lead feeds add nothing to it (they drop
    # what expires, and the app never receives from them), so the topic's figure
    # is the dead letters of route-to-leads, notify and teams.
    (rule,) = [r for r in alerts["metric_alerts"].values() if r["metric_name"] == "DeadletteredMessages"]
    assert rule["scope_type"] == rule["metric_namespace"] == SERVICE_BUS
    assert rule["dimensions"] == {"EntityName": [topology.TOPIC]}
    assert (rule["operator"], rule["threshold"], rule["time_aggregation"]) == ("GreaterThan", 0, "Maximum")
    dead_lettering = {n for n, s in facts["subscriptions"].items() if s["dead_lettering_on_message_expiration"]}
    assert dead_lettering == {s.name for s in handlers.subscriptions([]) if not s.feed}
    assert {topology.ROUTE_TO_LEADS, topology.NOTIFY, topology.TEAMS, topology.REPORTING} <= dead_lettering


def test_failed_function_executions_raise_an_alert(alerts):
    (rule,) = [r for r in alerts["metric_alerts"].values() if r["metric_name"] == "requests/failed"]
    assert rule["scope_type"] == rule["metric_namespace"] == APP_INSIGHTS
    assert (rule["operator"], rule["time_aggregation"]) == ("GreaterThan", "Count")
    assert rule["threshold"] >= 0


def test_an_escalated_request_raises_a_log_alert_on_the_line_the_remind_timer_logs(alerts):
    (rule,) = alerts["log_alerts"].values()
    assert rule["kind"] == "LogAlert" and rule["scope_type"] == APP_INSIGHTS
    assert rule["query"] == f'traces | where message startswith "{ESCALATION_LOG_PREFIX}"'
    assert (rule["operator"], rule["threshold"], rule["time_aggregation"]) == ("GreaterThan", 0, "Count")
