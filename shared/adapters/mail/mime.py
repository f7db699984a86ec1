"""The one MIME form every transport sends."""

from __future__ import annotations

import hashlib
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email import encoders
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import formatdate

from shared.app.ports import Email, PermanentMailError


class _Policy(Compat32):
    """compat32, writing a short ASCII header as it stands: the library folds
    each header through a ``Header`` object, which for such a value writes the
    same line at a tenth of the cost. Longer or non-ASCII values still fold."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if isinstance(value, str) and value.isascii() and len(name) + 2 + len(value) <= (self.max_line_length or 78):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


POLICY = _Policy()


def to_mime(email: Email) -> Message:
    """multipart/alternative with a text and an HTML part.

    Built with the compat32 MIME classes: the default policy's header
    parsing costs more than rendering the templates. Non-ASCII header
    values are RFC 2047 encoded; both parts are base64.
    """
    for value in (email.sender, email.subject, email.message_id, *email.to, *(v for _, v in email.headers)):
        if "\r" in value or "\n" in value:
            raise PermanentMailError("a header value holds a line break")
    # A boundary of our own: the library would draw a random one and compile a
    # pattern to search the parts for it. Base64 bodies never hold a "-".
    msg = MIMEMultipart("alternative", boundary="fta-" + hashlib.sha256(email.message_id.encode("utf-8")).hexdigest()[:32],
                        policy=POLICY)
    msg["From"] = _header(email.sender)
    msg["To"] = _header(", ".join(email.to))
    msg["Subject"] = _header(email.subject)
    msg["Message-ID"] = f"<{email.message_id}>"
    msg["Date"] = formatdate(usegmt=True)
    for name, value in email.headers:
        msg[name] = _header(value)
    msg.attach(_utf8_part("plain", email.text))
    msg.attach(_utf8_part("html", email.html))
    return msg


def _utf8_part(subtype: str, text: str) -> MIMENonMultipart:
    """A base64 text part, encoded by ``encoders.encode_base64`` in one call
    (``MIMEText`` encodes 57 bytes at a time in Python: most of a mail's cost)."""
    part = MIMENonMultipart("text", subtype, charset="utf-8", policy=POLICY)
    part.set_payload(text.encode("utf-8"))
    encoders.encode_base64(part)
    return part


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")
