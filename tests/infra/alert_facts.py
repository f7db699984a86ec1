"""The alerts infra/ deploys, read from the parsed Bicep like ``bicep_facts``::

    {
      "action_group": {"symbol", "condition", "email_receivers": [...], "enabled_with_email"},
      "metric_alerts": {name: {"scope_type", "metric_namespace", "metric_name", "dimensions",
                               "operator", "threshold", "time_aggregation", "notifies"}},
      "log_alerts": {name: {"scope_type", "kind", "query", "operator", "threshold",
                            "time_aggregation", "notifies"}},
    }

``condition`` is the action group's condition evaluated with the default
parameters; ``enabled_with_email`` the same with ``alertEmail`` given.
``notifies`` is true when the rule's actions reference the action group
(through variables), since the group's id exists only at deployment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from tests.infra.bicep_facts import MAIN_BICEP, Scope, _accessor_chain, _maybe, deployment_scopes, evaluate

ACTION_GROUP_TYPE = "Microsoft.Insights/actionGroups"
METRIC_ALERT_TYPE = "Microsoft.Insights/metricAlerts"
LOG_ALERT_TYPE = "Microsoft.Insights/scheduledQueryRules"
SAMPLE_EMAIL = "operators@contoso.com"


def _declared(scope: Scope, resource_type: str) -> list[tuple[str, dict]]:
    return [(symbol, resource) for symbol, resource in scope.doc.get("resources", {}).items()
            if resource["type"] == resource_type and not resource.get("existing")]


def _body(resource: dict) -> tuple[Any, dict]:
    """A resource's condition (None when unconditional) and its object."""
    config = resource["config"]
    if "condition" in config and "config" in config:
        return config["condition"], config["config"]
    return None, config


def _type_of(node: Any, scope: Scope) -> str:
    """The type of the resource whose ``.id`` a scope entry reads (``existing`` ones included)."""
    head, *_ = _accessor_chain(node)
    return scope.doc["resources"][head]["type"]


def references(node: Any, scope: Scope, seen: frozenset[str] = frozenset()) -> set[str]:
    """Resource symbols an expression reads, following ``var`` definitions."""
    found: set[str] = set()
    resources = scope.doc.get("resources", {})
    variables = scope.doc.get("variables", {})
    if isinstance(node, dict):
        if set(node) == {"operator"} and node["operator"]["type"] == "property_accessor":
            head = _accessor_chain(node)[0]
            if isinstance(head, str):
                return references(head, scope, seen)
        for value in node.values():
            found |= references(value, scope, seen)
    elif isinstance(node, list):
        for value in node:
            found |= references(value, scope, seen)
    elif isinstance(node, str):
        if node in resources:
            found.add(node)
        elif node in variables and node not in seen:
            found |= references(variables[node]["value"], scope, seen | {node})
    return found


def _notifies(properties: dict, scope: Scope, group_symbol: str | None) -> bool:
    return group_symbol is not None and group_symbol in references(properties.get("actions"), scope)


def _metric_alert(body: dict, scope: Scope, group: str | None) -> dict[str, Any]:
    properties = body["properties"]
    criteria = evaluate(properties["criteria"], scope.with_leniency(True))
    (criterion,) = criteria["allOf"]
    (target,) = properties["scopes"]
    return {
        "odata_type": criteria["odata.type"],
        "scope_type": _type_of(target, scope),
        "metric_namespace": criterion["metricNamespace"],
        "metric_name": criterion["metricName"],
        "dimensions": {d["name"]: d["values"] for d in criterion.get("dimensions", []) if d["operator"] == "Include"},
        "operator": criterion["operator"],
        "threshold": criterion["threshold"],
        "time_aggregation": criterion["timeAggregation"],
        "enabled": properties["enabled"],
        "notifies": _notifies(properties, scope, group),
    }


def _log_alert(body: dict, scope: Scope, group: str | None) -> dict[str, Any]:
    properties = body["properties"]
    (criterion,) = evaluate(properties["criteria"], scope.with_leniency(True))["allOf"]
    (target,) = properties["scopes"]
    return {
        "kind": body.get("kind"),
        "scope_type": _type_of(target, scope),
        "query": criterion["query"],
        "operator": criterion["operator"],
        "threshold": criterion["threshold"],
        "time_aggregation": criterion["timeAggregation"],
        "enabled": properties["enabled"],
        "notifies": _notifies(properties, scope, group),
    }


@lru_cache(maxsize=None)
def alert_facts(main: Path = MAIN_BICEP) -> dict[str, Any]:
    scopes = deployment_scopes(main)
    groups = [(scope, symbol, resource) for scope in scopes for symbol, resource in _declared(scope, ACTION_GROUP_TYPE)]
    if len(groups) != 1:
        raise AssertionError(f"expected one action group, found {len(groups)}")
    ((group_scope, group_symbol, group_resource),) = groups
    condition, group_body = _body(group_resource)
    with_email = group_scope.bind(alertEmail=SAMPLE_EMAIL)
    facts: dict[str, Any] = {
        "action_group": {
            "symbol": group_symbol,
            "condition": None if condition is None else evaluate(condition, group_scope),
            "enabled_with_email": None if condition is None else evaluate(condition, with_email),
            "email_receivers": [
                evaluate(r["emailAddress"], with_email) for r in group_body["properties"].get("emailReceivers", [])
            ],
            "short_name": _maybe(group_body["properties"]["groupShortName"], group_scope),
        },
        "metric_alerts": {},
        "log_alerts": {},
    }
    for scope in scopes:
        group = group_symbol if scope is group_scope else None
        for _, resource in _declared(scope, METRIC_ALERT_TYPE):
            _, body = _body(resource)
            facts["metric_alerts"][evaluate(body["name"], scope)] = _metric_alert(body, scope, group)
        for _, resource in _declared(scope, LOG_ALERT_TYPE):
            _, body = _body(resource)
            facts["log_alerts"][evaluate(body["name"], scope)] = _log_alert(body, scope, group)
    return facts

