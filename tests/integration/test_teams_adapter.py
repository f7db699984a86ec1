"""The webhook adapter against a real HTTP server: what each answer means, and
that no error it raises holds the URL."""

import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from shared.adapters.teams.webhook import WebhookChannels, retry_after_seconds
from shared.app.ports import PermanentTeamsError, TransientTeamsError
from tests.teams_webhook import Answer, TeamsWebhook

MESSAGE = {"type": "message", "attachments": []}


@pytest.fixture
def webhook():
    with TeamsWebhook() as server:
        yield server


@pytest.fixture
def channels(webhook):
    return WebhookChannels({"emea-leads": webhook.url("emea-leads")}, timeout=0.5)


def raised(channels, expected):
    with pytest.raises(expected) as caught:
        channels.post("emea-leads", MESSAGE)
    return caught.value


def test_an_accepted_post_returns_and_sends_json(channels, webhook):
    channels.post("emea-leads", MESSAGE)
    [post] = webhook.posts
    assert post.body == MESSAGE and post.path.startswith("/workflows/")


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_are_transient(channels, webhook, status):
    webhook.script("emea-leads", Answer(status))
    error = raised(channels, TransientTeamsError)
    assert f"HTTP {status}" in str(error) and error.retry_after is None


def test_a_429_says_how_long_to_wait(channels, webhook):
    webhook.script("emea-leads", Answer(429, headers={"Retry-After": "7"}), Answer(429))
    assert raised(channels, TransientTeamsError).retry_after == 7.0
    assert raised(channels, TransientTeamsError).retry_after is None


def test_retry_after_as_seconds_or_an_http_date():
    now = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("12", now) == 12.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 301])
def test_other_answers_are_permanent_and_never_quote_the_url(channels, webhook, status):
    webhook.script("emea-leads", Answer(status, body=f"bad request to {webhook.url('emea-leads')}".encode()))
    error = raised(channels, PermanentTeamsError)
    assert f"HTTP {status}" in str(error) and "bad request to" in str(error)
    assert webhook.secret("emea-leads") not in str(error)


def test_no_answer_within_the_timeout_is_transient(channels, webhook):
    webhook.script("emea-leads", Answer(202, delay=1.5))
    assert "no answer within 0.5 s" in str(raised(channels, TransientTeamsError))


def test_a_refused_connection_is_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/workflows/abc?sig=T0pS3cret"
    error = raised(WebhookChannels({"emea-leads": url}, timeout=0.5), TransientTeamsError)
    assert "ConnectionRefusedError" in str(error) and "T0pS3cret" not in str(error)
    assert error.__suppress_context__ and error.__cause__ is None


def test_the_url_is_in_no_repr_and_the_health_report_names_groups_only(channels, webhook):
    assert webhook.secret("emea-leads") not in repr(channels) + repr(vars(channels))
    assert channels.health() == {"backend": "webhook", "ok": True, "channels": ["emea-leads"]}
    assert channels.has_channel("emea-leads") and not channels.has_channel("americas-leads")
