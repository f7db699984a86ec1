"""Teams cards end to end: devhost as a process, its post_to_teams consumer
posting to a real HTTP server that stands in for the channels' webhooks."""

import pytest

from tests.factories import form
from tests.integration import live
from tests.teams_webhook import Answer, TeamsWebhook, routing_with_channels

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def webhook():
    with TeamsWebhook() as server:
        yield server


@pytest.fixture
def routing(tmp_path):
    return routing_with_channels(tmp_path / "routing.yaml", {"emea-leads": "FTA_TEAMS_EMEA"})


def test_a_routed_request_reaches_its_channel_once_through_failures_and_the_url_stays_out_of_the_log(
        tmp_path, webhook, routing):
    webhook.script("emea-leads", Answer(500), Answer(503))
    app = live.start(tmp_path / "data", FTA_ROUTING_FILE=str(routing), FTA_TEAMS_EMEA=webhook.url("emea-leads"),
                     FTA_PUBLIC_URL="https://fta.contoso.com")
    try:
        emea = app.request("POST", "/api/requests", form(region="emea", customerName="[Pay](https://evil.example)"))
        americas = app.request("POST", "/api/requests", form(region="americas", tpid="222333"))
        assert emea.status == americas.status == 201
        app.wait_for(lambda: webhook.accepted("emea-leads"))
        app.wait_for(lambda: app.request("GET", "/api/health/details", user="ops@contoso.com", roles=("FTA.Admin",)).body["components"]["bus"]["subscriptions"]["teams"]
                     == {"active": 0, "scheduled": 0, "dead_letter": 0})
    finally:
        app.stop()
    assert [p.status for p in webhook.posts] == [500, 503, 202], "retried by the bus until one card was accepted"
    card = webhook.posts[-1]
    assert card.fact("Request") == emea.body["id"].replace("-", "\\-")
    assert card.fact("Customer") == "\\[Pay\\]\\(https\\://evil\\.example\\)"
    assert card.card["actions"][0]["url"] == f"https://fta.contoso.com/requests/{emea.body['id']}"
    log = app.log()
    assert "post_to_teams" in log
    assert webhook.secret("emea-leads") not in log and "127.0.0.1:%d/workflows" % webhook.port not in log


def test_devhost_refuses_to_start_when_a_named_webhook_setting_is_missing_or_not_https(tmp_path, routing):
    missing = live.run_to_exit(tmp_path / "a", FTA_ROUTING_FILE=str(routing))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines()[-1] == (
        "devhost: setting FTA_TEAMS_EMEA: lead group emea-leads names it as its Teams webhook, but it is not set")
    plain = live.run_to_exit(tmp_path / "b", FTA_ROUTING_FILE=str(routing),
                             FTA_TEAMS_EMEA="http://prod.logic.example/workflows/x?sig=T0pS3cret")
    assert plain.returncode == 2
    last = plain.stderr.strip().splitlines()[-1]
    assert last.startswith("devhost: setting FTA_TEAMS_EMEA: lead group emea-leads") and "https" in last
    assert "T0pS3cret" not in plain.stderr + plain.stdout
