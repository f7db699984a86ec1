"""The whole flow through devhost, with email over SMTP to a real server."""

import pytest

from tests.factories import form, sow_form
from tests.integration import live
from tests.integration.smtp_server import SmtpServer

pytestmark = pytest.mark.timeout(240)

LEAD = ("lee@contoso.com", ("FTA.Lead",))


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def app(tmp_path, smtp):
    running = live.start(tmp_path / "data", **smtp.env)
    yield running
    running.stop()


def status_of(app, request_id):
    return app.request("GET", f"/api/requests/{request_id}").body["status"]


def test_a_request_is_confirmed_once_and_its_leads_are_told(app, smtp):
    created = app.request("POST", "/api/requests", form(region="americas"))
    assert created.status == 201
    request_id = created.body["id"]
    app.wait_for(lambda: status_of(app, request_id) == "routed")
    app.wait_for(lambda: len(smtp.collector.snapshot()) >= 2)
    [confirmation] = smtp.collector.by_event("request.submitted")
    assert confirmation.recipients == ["alex@contoso.com"]
    assert request_id in confirmation.message["Subject"]
    assert confirmation.message.get_body(("html",)) is not None and confirmation.message.get_body(("plain",)) is not None
    [routed] = smtp.collector.by_event("request.routed")
    assert routed.recipients == ["americas-leads@contoso.com"]


def test_the_link_in_a_mail_opens_the_request_on_this_devhost_whatever_its_port(app, smtp):
    """FTA_PUBLIC_URL is not set: it defaults to where devhost listens (a free port here)."""
    request_id = app.request("POST", "/api/requests", form(region="emea")).body["id"]
    app.wait_for(lambda: smtp.collector.by_event("request.submitted"))
    [mail] = smtp.collector.by_event("request.submitted")
    link = f"{app.url}/requests/{request_id}"
    assert not app.url.endswith(":7071")
    assert link in mail.message.get_body(("plain",)).get_content()
    assert f'href="{link}"' in mail.message.get_body(("html",)).get_content()


def test_a_burst_of_fifty_requests_is_all_routed_with_fifty_confirmations(app, smtp):
    ids = []
    for n in range(50):
        body = sow_form(tpid=str(7000 + n)) if n % 5 == 0 else form(tpid=str(7000 + n), region=["americas", "emea", "asia-pacific"][n % 3])
        answer = app.request("POST", "/api/requests", body)
        assert answer.status == 201, answer.body
        ids.append(answer.body["id"])

    def routed_count():
        items, token = [], None
        while True:
            page = app.request("GET", "/api/requests?status=routed&limit=200" + (f"&continuationToken={token}" if token else ""),
                               user=LEAD[0], roles=LEAD[1]).body
            items += page["items"]
            token = page["continuationToken"]
            if not token:
                return len(items)

    app.wait_for(lambda: routed_count() == 50, timeout=120)
    app.wait_for(lambda: len(smtp.collector.by_event("request.submitted")) >= 50 and len(smtp.collector.by_event("request.routed")) >= 50, timeout=120)
    confirmations = smtp.collector.by_event("request.submitted")
    assert sorted(m.message["X-FTA-Request-Id"] for m in confirmations) == sorted(ids), "exactly one confirmation each"
    assert len(smtp.collector.by_event("request.routed")) == 50
    message_ids = [m.message["Message-ID"] for m in smtp.collector.snapshot()]
    assert len(message_ids) == len(set(message_ids)) == 100


def test_html_in_a_field_arrives_escaped_and_crlf_adds_no_header(app, smtp):
    hostile = form(customerName="<img src=x onerror=alert(1)>", instructions="<script>alert(1)</script>\r\nBcc: evil@example.com")
    created = app.request("POST", "/api/requests", hostile)
    assert created.status == 201
    app.wait_for(lambda: smtp.collector.by_event("request.submitted"))
    [mail] = smtp.collector.by_event("request.submitted")
    html = mail.message.get_body(("html",)).get_content()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html
    assert mail.recipients == ["alex@contoso.com"]
    assert mail.message["Bcc"] is None
    injected = app.request("POST", "/api/requests", form(customerName="Contoso\r\nBcc: evil@example.com"))
    assert injected.status == 400 and injected.body["details"][0]["field"] == "customerName"


def test_a_bad_routing_file_stops_start_up_with_one_line(tmp_path):
    bad = tmp_path / "routing.yaml"
    bad.write_text("regions: [emea]\nleadGroups: [{id: a, name: A, members: [a@contoso.com]}]\ndefault: nobody\nescalateTo: a\n")
    result = live.run_to_exit(tmp_path / "data", FTA_ROUTING_FILE=str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "default: unknown lead group 'nobody'" in lines[0]


def test_a_bad_setting_stops_start_up_naming_it(tmp_path):
    result = live.run_to_exit(tmp_path / "data", FTA_ASSIGN_SLA_BUSINESS_HOURS="two days")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "devhost: setting FTA_ASSIGN_SLA_BUSINESS_HOURS: expected a number, got 'two days'"]


def test_reminder_and_escalation_emails_arrive_over_smtp(tmp_path, smtp):
    app = live.start(tmp_path / "data", FTA_ASSIGN_SLA_BUSINESS_HOURS="0", FTA_REMINDERS_BEFORE_ESCALATION="1", **smtp.env)
    try:
        request_id = app.request("POST", "/api/requests", form(region="emea")).body["id"]
        app.wait_for(lambda: status_of(app, request_id) == "routed")
        assert app.request("POST", "/admin/functions/remind", {}).status == 202
        app.wait_for(lambda: smtp.collector.by_event("request.reminder"))
        assert app.request("POST", "/admin/functions/remind", {}).status == 202
        app.wait_for(lambda: smtp.collector.by_event("request.escalated"))
        [reminder] = smtp.collector.by_event("request.reminder")
        [escalated] = smtp.collector.by_event("request.escalated")
        assert reminder.recipients == ["emea-leads@contoso.com"]
        assert escalated.recipients == ["fta-alignment@contoso.com"]
        assert request_id in reminder.message["Subject"] and request_id in escalated.message["Subject"]
        types = [e["type"] for e in app.request("GET", f"/api/requests/{request_id}").body["history"]]
        assert types == ["request.submitted", "request.routed", "request.reminder", "request.escalated"]
    finally:
        app.stop()
