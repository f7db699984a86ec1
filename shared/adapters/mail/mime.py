"""The one MIME form every transport sends."""

from __future__ import annotations

from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate

from shared.app.ports import Email, PermanentMailError


def to_mime(email: Email) -> Message:
    """multipart/alternative with a text and an HTML part.

    Built with the compat32 MIME classes: the default policy's header
    parsing costs more than rendering the templates. Non-ASCII header
    values are RFC 2047 encoded.
    """
    for value in (email.sender, email.subject, email.message_id, *email.to, *(v for _, v in email.headers)):
        if "\r" in value or "\n" in value:
            raise PermanentMailError("a header value holds a line break")
    msg = MIMEMultipart("alternative")
    msg["From"] = _header(email.sender)
    msg["To"] = _header(", ".join(email.to))
    msg["Subject"] = _header(email.subject)
    msg["Message-ID"] = f"<{email.message_id}>"
    msg["Date"] = formatdate(usegmt=True)
    for name, value in email.headers:
        msg[name] = _header(value)
    msg.attach(MIMEText(email.text, "plain", "utf-8"))
    msg.attach(MIMEText(email.html, "html", "utf-8"))
    return msg


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")
