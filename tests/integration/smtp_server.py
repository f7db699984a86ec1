"""A real SMTP server (aiosmtpd) on a free loopback port, collecting what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.integration.peers import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage


@dataclass
class Collector:
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def by_event(self, event_type: str) -> list[Received]:
        return [m for m in self.snapshot() if m.message["X-FTA-Event"] == event_type]


class CountingController(Controller):
    """Counts the SMTP sessions clients open (one server object per connection)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = 0
        self._sessions_lock = threading.Lock()

    def factory(self) -> SMTP:
        with self._sessions_lock:
            self.sessions += 1
        return super().factory()


class SmtpServer:
    def __init__(self):
        self.collector = Collector()
        self.port = free_port()
        self.controller = CountingController(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def sessions(self) -> int:
        """SMTP sessions opened so far, the controller's own start-up check included: compare before and after."""
        with self.controller._sessions_lock:
            return self.controller.sessions

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def env(self) -> dict[str, str]:
        return {"FTA_EMAIL": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port)}
