"""The functions' bindings, read the way the Functions host reads them."""

import json

import function_app
from shared import topology
from shared.settings import SERVICE_BUS_CONNECTION
from tests.harness import FUNCTIONS  # get_functions() may be called once per app object


def trigger(name):
    return json.loads(FUNCTIONS[name].get_function_json())["bindings"][0]


def test_topic_triggers():
    for name, subscription in (("route_to_leads", topology.ROUTE_TO_LEADS), ("notify", topology.NOTIFY),
                               ("post_to_teams", topology.TEAMS)):
        binding = trigger(name)
        assert binding["type"] == "serviceBusTrigger"
        assert binding["topicName"] == topology.TOPIC
        assert binding["subscriptionName"] == subscription
        assert binding["connection"] == SERVICE_BUS_CONNECTION


def test_timers_read_their_schedule_from_app_settings():
    assert trigger("remind")["schedule"] == "%FTA_REMIND_SCHEDULE%"
    assert trigger("sweep")["schedule"] == "%FTA_SWEEP_SCHEDULE%"
    assert trigger("remind").get("runOnStartup") in (None, False)


def test_http_routes():
    routes = {
        name: (trigger(name)["route"], tuple(trigger(name)["methods"]))
        for name, f in FUNCTIONS.items() if trigger(name)["type"] == "httpTrigger"
    }
    expected = {
        "create_request": ("api/requests", ("POST",)),
        "list_requests": ("api/requests", ("GET",)),
        "get_request": ("api/requests/{id}", ("GET",)),
        "assign_request": ("api/requests/{id}/assign", ("POST",)),
        "cancel_request": ("api/requests/{id}/cancel", ("POST",)),
        "complete_request": ("api/requests/{id}/complete", ("POST",)),
        "health": ("api/health", ("GET",)),
        "health_details": ("api/health/details", ("GET",)),
    }
    assert {k: routes[k] for k in expected} == expected
    assert all(trigger(n)["authLevel"] == "ANONYMOUS" for n in routes), "App Service Authentication sits in front"


def test_function_app_only_registers_blueprints():
    source = open(function_app.__file__).read()
    assert "def " not in source and "@app." not in source
