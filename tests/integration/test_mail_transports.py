"""The three mail transports against real peers: an aiosmtpd server, moto's SES, a folder."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import json
import socket
import ssl
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from shared.app.ports import Email, Mailer, PermanentMailError, TransientMailError
from shared.adapters.mail.outbox import OutboxMailer
from shared.adapters.mail.render import render_email
from shared.app.emails import template_context as email_context
from shared.adapters.mail.ses import SesMailer, ses_client
from shared.adapters.mail.smtp import RecipientsRefused, SmtpMailer
from tests.integration.peers import free_port

EVENTS = Path(__file__).resolve().parents[1] / "events"
SENDER = "fta-requests@contoso.com"
REGION = "us-east-1"

pytestmark = pytest.mark.timeout(30)


def rendered_email(message_id: str = "FTA-7K2M9QXR4T.1.submitted.ana@fta-requests",
                   to: tuple[str, ...] = ("ana.atu@contoso.com",)) -> Email:
    sample = json.loads((EVENTS / "email_context_full.json").read_text(encoding="utf-8"))
    request = {**sample["request"], "customerName": "Contoso Zoë GmbH"}
    event = {"id": "FTA-7K2M9QXR4T.1", "type": "request.submitted", "occurredAt": "2024-05-06T09:30:00Z",
             "actor": "ana.atu@contoso.com", "data": {"region": "emea"}}
    rendered = render_email("submitted", email_context(
        request, event, request_url=sample["request_url"], dashboard_url=sample["dashboard_url"],
        lead_group=sample["lead_group"], escalate_to=sample["escalate_to"],
    ))
    return Email(message_id=message_id, sender=SENDER, to=to, subject=rendered.subject,
                 text=rendered.text, html=rendered.html)


def assert_both_parts(raw: bytes, sent: Email) -> EmailMessage:
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in parsed.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Your FastTrack Architect request FTA-7K2M9QXR4T was received." in parts["text/plain"]
    assert "Contoso Zoë GmbH" in parts["text/plain"]
    assert "<strong>FTA-7K2M9QXR4T</strong>" in parts["text/html"]
    assert parsed["Message-ID"] == f"<{sent.message_id}>"
    assert parsed["Subject"] == sent.subject
    assert parsed["From"] == SENDER
    assert [address.addr_spec for address in parsed["To"].addresses] == list(sent.to)
    return parsed


# -- SMTP ------------------------------------------------------------------------


class RecordingHandler:
    """An SMTP relay that records what it accepts and refuses what a test tells it to."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, list[str], bytes]] = []
        self.rcpt_replies: dict[str, str] = {}
        self.data_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, RecordingHandler]]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), server_hostname="relay.test")
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_smtp_delivers_both_parts_and_keeps_the_message_id(smtp_server) -> None:
    controller, handler = smtp_server
    mailer = SmtpMailer("127.0.0.1", controller.port, timeout=5, local_hostname="fta.test")
    sent = rendered_email(to=("ana.atu@contoso.com", "sam.fta@contoso.com"))

    mailer.send(sent)

    assert isinstance(mailer, Mailer)
    assert len(handler.delivered) == 1
    mail_from, rcpt_tos, raw = handler.delivered[0]
    assert mail_from == SENDER
    assert rcpt_tos == ["ana.atu@contoso.com", "sam.fta@contoso.com"]
    assert_both_parts(raw, sent)
    assert mailer.health()["ok"] is True


def test_smtp_recipient_refused_with_550_is_permanent(smtp_server) -> None:
    controller, handler = smtp_server
    handler.rcpt_replies["gone@contoso.com"] = "550 5.1.1 User unknown"

    with pytest.raises(RecipientsRefused) as raised:
        SmtpMailer("127.0.0.1", controller.port, timeout=5).send(rendered_email(to=("gone@contoso.com",)))

    assert isinstance(raised.value, PermanentMailError)
    assert "all 1 recipients refused" in str(raised.value)
    assert raised.value.refused["gone@contoso.com"][0] == 550
    assert raised.value.delivered == ()
    assert handler.delivered == []


def test_smtp_partial_refusal_delivers_to_the_accepted_and_reports_the_refused(smtp_server) -> None:
    controller, handler = smtp_server
    handler.rcpt_replies["gone@contoso.com"] = "550 5.1.1 User unknown"

    with pytest.raises(RecipientsRefused) as raised:
        SmtpMailer("127.0.0.1", controller.port, timeout=5).send(
            rendered_email(to=("ana.atu@contoso.com", "gone@contoso.com"))
        )

    assert "1 of 2 recipients refused" in str(raised.value)
    assert "gone@contoso.com (550)" in str(raised.value)
    assert raised.value.delivered == ("ana.atu@contoso.com",)
    assert [rcpt for _, rcpt, _ in handler.delivered] == [["ana.atu@contoso.com"]]


def test_smtp_451_for_a_recipient_is_transient(smtp_server) -> None:
    controller, handler = smtp_server
    handler.rcpt_replies["ana.atu@contoso.com"] = "451 4.3.0 Try again later"

    with pytest.raises(TransientMailError, match="451"):
        SmtpMailer("127.0.0.1", controller.port, timeout=5).send(rendered_email())
    assert handler.delivered == []


def test_smtp_451_after_data_is_transient_and_554_is_permanent(smtp_server) -> None:
    controller, handler = smtp_server
    mailer = SmtpMailer("127.0.0.1", controller.port, timeout=5)

    handler.data_reply = "451 4.7.1 Greylisted, try again"
    with pytest.raises(TransientMailError, match="451"):
        mailer.send(rendered_email())

    handler.data_reply = "554 5.6.0 Message content rejected"
    with pytest.raises(PermanentMailError, match="554"):
        mailer.send(rendered_email())


def test_smtp_server_not_running_is_transient() -> None:
    port = free_port()
    mailer = SmtpMailer("127.0.0.1", port, timeout=2)

    with pytest.raises(TransientMailError, match=f"cannot reach 127.0.0.1:{port}"):
        mailer.send(rendered_email())
    assert mailer.health()["ok"] is False


def test_smtp_server_that_never_answers_times_out_as_transient() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        mailer = SmtpMailer("127.0.0.1", silent.getsockname()[1], timeout=0.5)
        with pytest.raises(TransientMailError):
            mailer.send(rendered_email())


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "relay.crt", directory / "relay.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ))
    return cert_path, key_path


@pytest.fixture
def tls_smtp_server(tmp_path: Path) -> Iterator[tuple[Controller, RecordingHandler, Path, list[str]]]:
    cert_path, key_path = self_signed_certificate(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert_path, key_path)
    logins: list[str] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        logins.append(f"{mechanism}:{auth_data.login.decode()}:tls={session.ssl is not None}")
        ok = auth_data.login == b"relay-user" and auth_data.password == b"relay-password"
        return AuthResult(success=ok, handled=False)

    handler = RecordingHandler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), server_hostname="relay.test",
        tls_context=server_tls, require_starttls=True,
        authenticator=authenticator, auth_required=True, auth_require_tls=True,
    )
    controller.start()
    try:
        yield controller, handler, cert_path, logins
    finally:
        controller.stop()


def test_smtp_starttls_and_login_deliver(tls_smtp_server) -> None:
    controller, handler, cert_path, logins = tls_smtp_server
    mailer = SmtpMailer(
        "127.0.0.1", controller.port, username="relay-user", password="relay-password",
        starttls=True, timeout=5, ssl_context=ssl.create_default_context(cafile=str(cert_path)),
    )
    sent = rendered_email()

    mailer.send(sent)

    assert len(logins) == 1 and logins[0].endswith("relay-user:tls=True")
    assert len(handler.delivered) == 1
    assert_both_parts(handler.delivered[0][2], sent)
    assert "relay-password" not in repr(mailer)


def test_smtp_wrong_password_is_transient_and_sends_nothing(tls_smtp_server) -> None:
    controller, handler, cert_path, _ = tls_smtp_server
    mailer = SmtpMailer(
        "127.0.0.1", controller.port, username="relay-user", password="wrong",
        starttls=True, timeout=5, ssl_context=ssl.create_default_context(cafile=str(cert_path)),
    )
    with pytest.raises(TransientMailError, match="login refused"):
        mailer.send(rendered_email())
    assert handler.delivered == []


def test_smtp_untrusted_certificate_is_transient(tls_smtp_server) -> None:
    controller, handler, _, _ = tls_smtp_server
    mailer = SmtpMailer("127.0.0.1", controller.port, username="relay-user", password="relay-password",
                        starttls=True, timeout=5)
    with pytest.raises(TransientMailError):
        mailer.send(rendered_email())
    assert handler.delivered == []


# -- SES (moto) ------------------------------------------------------------------


def test_ses_sends_the_raw_mime_with_both_parts() -> None:
    with mock_aws():
        client = ses_client(REGION)
        client.create_email_identity(EmailIdentity=SENDER)
        mailer = SesMailer(client)
        sent = rendered_email(to=("ana.atu@contoso.com", "sam.fta@contoso.com"))

        mailer.send(sent)

        sent_messages = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        assert len(sent_messages) == 1
        message = sent_messages[0]
        assert message.source == SENDER
        assert {"ana.atu@contoso.com", "sam.fta@contoso.com"} <= set(message.destinations)
        assert_both_parts(message.raw_data.encode("utf-8"), sent)
        assert mailer.health() == {"backend": "ses", "region": REGION, "ok": True}


def test_ses_unverified_sender_is_permanent() -> None:
    with mock_aws():
        mailer = SesMailer(ses_client(REGION))
        with pytest.raises(PermanentMailError, match="MessageRejected"):
            mailer.send(rendered_email())
        assert ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages == []


def test_ses_unreachable_endpoint_is_transient() -> None:
    client = boto3.client(
        "sesv2", region_name=REGION, endpoint_url=f"http://127.0.0.1:{free_port()}",
        aws_access_key_id="unused", aws_secret_access_key="unused",
        config=Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    mailer = SesMailer(client)
    try:
        with pytest.raises(TransientMailError, match="EndpointConnectionError"):
            mailer.send(rendered_email())
        assert mailer.health()["ok"] is False
    finally:
        mailer.close()


# -- outbox ------------------------------------------------------------------------


def test_outbox_writes_one_parseable_eml_with_both_parts(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    mailer = OutboxMailer(outbox)
    sent = rendered_email(message_id="FTA-7K2M9QXR4T.1/submitted+ana=contoso@fta-requests")

    mailer.send(sent)

    files = list(outbox.iterdir())
    assert len(files) == 1
    assert files[0].suffix == ".eml"
    assert all(c.isalnum() or c in "._-" for c in files[0].name)
    assert_both_parts(files[0].read_bytes(), sent)
    assert mailer.health()["ok"] is True


def test_outbox_same_message_id_twice_is_one_file(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path)
    first = rendered_email(message_id="abc@fta-requests")
    again = Email(**{**first.__dict__, "subject": "[FTA-7K2M9QXR4T] second attempt"})

    mailer.send(first)
    mailer.send(again)

    files = list(tmp_path.iterdir())
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "[FTA-7K2M9QXR4T] second attempt"


def test_outbox_keeps_ids_that_differ_only_in_unsafe_characters_apart(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path)
    mailer.send(rendered_email(message_id="a/b@fta-requests"))
    mailer.send(rendered_email(message_id="a:b@fta-requests"))
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_outbox_unwritable_directory_is_transient(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox folder should be")
    mailer = OutboxMailer(blocker / "outbox")
    with pytest.raises(TransientMailError, match="outbox"):
        mailer.send(rendered_email())
