"""The mailer port, and the one MIME form every transport sends."""

from __future__ import annotations

from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from typing import Any, Protocol, Sequence, runtime_checkable


class MailError(Exception):
    pass


class TransientMailError(MailError):
    """Try again later (connection refused, 4xx from the server, throttling)."""


class PermanentMailError(MailError):
    """The message can never be delivered to these recipients (5xx, rejected address)."""


@dataclass(frozen=True)
class Email:
    message_id: str  # without angle brackets, e.g. "3f2a...@fta-requests"
    sender: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    headers: tuple[tuple[str, str], ...] = ()

    def to_mime(self) -> Message:
        """multipart/alternative with a text and an HTML part.

        Built with the compat32 MIME classes: the default policy's header
        parsing costs more than rendering the templates. Non-ASCII header
        values are RFC 2047 encoded.
        """
        for value in (self.sender, self.subject, self.message_id, *self.to, *(v for _, v in self.headers)):
            if "\r" in value or "\n" in value:
                raise PermanentMailError("a header value holds a line break")
        msg = MIMEMultipart("alternative")
        msg["From"] = _header(self.sender)
        msg["To"] = _header(", ".join(self.to))
        msg["Subject"] = _header(self.subject)
        msg["Message-ID"] = f"<{self.message_id}>"
        msg["Date"] = formatdate(usegmt=True)
        for name, value in self.headers:
            msg[name] = _header(value)
        msg.attach(MIMEText(self.text, "plain", "utf-8"))
        msg.attach(MIMEText(self.html, "html", "utf-8"))
        return msg


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


@runtime_checkable
class Mailer(Protocol):
    name: str

    def send(self, email: Email) -> None:
        """Deliver or raise ``TransientMailError`` / ``PermanentMailError``."""

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def recipients(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip().lower() for v in values if v and v.strip()))
