"""The mailer port, and the one MIME form every transport sends."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
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

    def to_mime(self) -> EmailMessage:
        for value in (self.sender, self.subject, self.message_id, *self.to):
            if "\r" in value or "\n" in value:
                raise PermanentMailError("a header value holds a line break")
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.to)
        msg["Subject"] = self.subject
        msg["Message-ID"] = f"<{self.message_id}>"
        msg["Date"] = formatdate(usegmt=True)
        for name, value in self.headers:
            msg[name] = value
        msg.set_content(self.text)
        msg.add_alternative(self.html, subtype="html")
        return msg


@runtime_checkable
class Mailer(Protocol):
    name: str

    def send(self, email: Email) -> None:
        """Deliver or raise ``TransientMailError`` / ``PermanentMailError``."""

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def recipients(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip().lower() for v in values if v and v.strip()))
