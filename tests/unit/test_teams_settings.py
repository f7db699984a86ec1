"""A lead group's teamsWebhookSetting: the routing file names a setting, start-up
checks its value (a URL, https unless loopback) and never repeats it."""

import pytest

from shared.bootstrap import load_routing_file, teams_webhooks
from shared.domain.routing import RoutingError, load_routing
from shared.settings import SHIPPED_ROUTING_FILE, SettingsError, load_settings
from tests.teams_webhook import routing_with_channels

SECRET = "https://prod-00.westeurope.logic.azure.com/workflows/0a1b2c/triggers/manual/paths/invoke?sig=T0pS3cret"


@pytest.fixture
def routing_file(tmp_path):
    return routing_with_channels(tmp_path / "routing.yaml", {"emea-leads": "FTA_TEAMS_EMEA"})


def webhooks(routing_file, **values):
    settings = load_settings({"FTA_ROUTING_FILE": str(routing_file), **values})
    return teams_webhooks(settings, load_routing_file(settings))


def test_the_shipped_file_names_no_channel():
    assert all(g.teams_webhook_setting is None for g in load_routing(SHIPPED_ROUTING_FILE.read_text()).lead_groups)
    assert webhooks(SHIPPED_ROUTING_FILE) == {}


def test_a_named_setting_gives_its_group_a_channel(routing_file):
    assert webhooks(routing_file, FTA_TEAMS_EMEA=SECRET) == {"emea-leads": SECRET}
    assert webhooks(routing_file, FTA_TEAMS_EMEA="http://127.0.0.1:8080/hook") == {"emea-leads": "http://127.0.0.1:8080/hook"}
    assert webhooks(routing_file, FTA_TEAMS_EMEA="http://localhost/hook")


@pytest.mark.parametrize("value, problem", [
    (None, "is not set"),
    ("   ", "is not set"),
    ("not a url sig=T0pS3cret", "is not a URL"),
    ("ftp://example.com/sig=T0pS3cret", "is not a URL"),
    ("https:///sig=T0pS3cret", "is not a URL"),
    ("http://prod-00.westeurope.logic.azure.com/workflows?sig=T0pS3cret", "expected an https URL"),
])
def test_start_up_fails_on_one_line_naming_group_and_setting_never_the_value(routing_file, value, problem):
    env = {} if value is None else {"FTA_TEAMS_EMEA": value}
    with pytest.raises(SettingsError) as caught:
        webhooks(routing_file, **env)
    message = str(caught.value)
    assert message.startswith("setting FTA_TEAMS_EMEA: lead group emea-leads names it")
    assert problem in message and "\n" not in message
    assert "T0pS3cret" not in message and "logic.azure.com" not in message
    assert caught.value.name == "FTA_TEAMS_EMEA"


def test_the_routing_file_refuses_a_setting_name_that_cannot_be_an_app_setting(tmp_path):
    path = routing_with_channels(tmp_path / "routing.yaml", {"emea-leads": "https://example.com/hook"})
    with pytest.raises(RoutingError, match=r"leadGroups\.2\.teamsWebhookSetting"):
        load_routing(path.read_text())


def test_the_setting_is_read_from_the_process_environment_without_an_explicit_mapping(routing_file, monkeypatch):
    monkeypatch.setenv("FTA_ROUTING_FILE", str(routing_file))
    monkeypatch.setenv("FTA_TEAMS_EMEA", SECRET)
    settings = load_settings()
    assert teams_webhooks(settings, load_routing_file(settings)) == {"emea-leads": SECRET}
    assert "T0pS3cret" not in repr(settings)
