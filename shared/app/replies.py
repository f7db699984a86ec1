"""A reply by mail becomes a comment on its request, once.

The message is taken only when a reply address in its To or Cc verifies for its
From (shared.domain.replies), that person may comment on the request, and it is
not automatic. The quoted mail and the signature are removed by mail-parser-reply
(maintained, many languages: Outlook's and Gmail's "On ... wrote" and "From:"
blocks). The requestor's reply is public and answers a request waiting on them;
the architect's is internal. Attachments become documents of kind ``other``,
judged by their bytes. Anything else stores nothing, answers nobody, and is
counted by reason for operators (``operations.unmatchedReplies``).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

from shared import telemetry
from shared.app.commands import UploadDocument
from shared.app.context import Context
from shared.app.errors import AppError, NotFound
from shared.app.outbox import change, dispatch
from shared.domain import access
from shared.domain.model import FtaRequest
from shared.domain.outcomes import MAX_COMMENT
from shared.domain.principal import Principal
from shared.domain.replies import is_automatic, reply_addresses_in, request_of_reply_address, sender_of
from shared.domain.values import within_text_rule

log = telemetry.get_logger("fta.replies")

MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # what Exchange Online accepts, with MIME's overhead
LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv", "pl", "ja", "zh"]


@dataclass(frozen=True)
class Taken:
    outcome: str  # "comment", "duplicate", or the reason nothing was stored
    request_id: str | None = None


def take_reply(ctx: Context, raw: bytes) -> Taken:
    """Take one inbound message (RFC 5322 bytes); never raises for what the message holds."""
    taken = _take(ctx, raw)
    if taken.outcome not in ("comment", "duplicate"):
        if ctx.replies is not None:
            ctx.replies.count_unmatched(taken.outcome)
        log.info("mail not taken: reason=%s", taken.outcome)  # no address, subject or body
    else:
        log.info("reply taken: request=%s outcome=%s", taken.request_id, taken.outcome)
    return taken


def _take(ctx: Context, raw: bytes) -> Taken:
    if len(raw) > MAX_MESSAGE_BYTES:
        return Taken("too-large")
    try:
        message: Any = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = (message.get("Message-ID") or "").strip()
        sender = sender_of(message)
        automatic = is_automatic(message, ctx.policy.own_senders)
        addresses = reply_addresses_in(message)
    except (ValueError, TypeError, IndexError, LookupError):  # a header the parser cannot read
        return Taken("malformed")
    if message.defects or not message_id or not sender or _line_break_in_headers(message):
        return Taken("malformed")
    if automatic:
        return Taken("automatic")
    base, key = ctx.policy.reply_address, ctx.policy.reply_key
    request_id = next((found for address in addresses
                       if (found := request_of_reply_address(address, base, sender, key))), None) if key else None
    if request_id is None:
        return Taken("unverified")
    loaded = ctx.requests.get(request_id)
    if loaded is None:
        return Taken("unknown-request")
    request, _ = loaded
    principal = Principal(email=sender, name="", roles=frozenset())
    if not access.role_allows(principal, request, access.COMMENT):
        return Taken("not-allowed")
    try:
        text, attachments = _content(message)
    except (ValueError, LookupError, UnicodeError):
        return Taken("malformed")
    if any(len(content) > ctx.policy.max_document_bytes for _, content in attachments):
        return Taken("too-large")
    if not text and not attachments:
        return Taken("empty")
    mail_id = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:32]
    if any(event.data.get("mailId") == mail_id for event in request.history):
        return Taken("duplicate", request_id)
    _attach(ctx, principal, request, attachments)
    return _comment(ctx, principal, request_id, text or "(documents attached)", mail_id)


def _line_break_in_headers(message: Any) -> bool:
    """A header that decodes to more than one line: an attempt to smuggle a header in."""
    return any("\r" in str(value) or "\n" in str(value) for name in ("Subject", "From", "To", "Cc")
               for value in message.get_all(name, []))


def _comment(ctx: Context, principal: Principal, request_id: str, text: str, mail_id: str) -> Taken:
    def apply(current: FtaRequest) -> Any:
        if any(event.data.get("mailId") == mail_id for event in current.history):
            return None  # taken meanwhile (the same message delivered twice at once)
        owner = access.is_owner(principal, current)
        return current.comment(principal.actor, ctx.clock(), text, internal=access.is_architect(principal, current),
                               by_owner=owner, sla=ctx.sla, mail_id=mail_id,
                               participant=not owner and access.is_participant(principal, current))

    request, etag, events = change(ctx, request_id, apply)
    if events is None:
        return Taken("duplicate", request_id)
    dispatch(ctx, request, etag)
    from shared.app import reporting

    reporting.refresh(ctx, request)
    return Taken("comment", request_id)


def _attach(ctx: Context, principal: Principal, request: FtaRequest, attachments: list[tuple[str, bytes]]) -> None:
    """Each attachment once (a second delivery finds the same bytes from the same sender); one
    the service refuses (its bytes, the request's state, the limit) is left out, and said so in the log."""
    from shared.app.documents import upload_document

    if not access.state_allows(request, access.UPLOAD_DOCUMENT):
        return
    for file_name, content in attachments:
        digest = hashlib.sha256(content).hexdigest()
        if any(d.sha256 == digest and d.uploaded_by == principal.email for d in request.documents):
            continue
        try:
            upload_document(ctx, principal, UploadDocument(request.id, "other", file_name, content))
        except (AppError, NotFound) as exc:
            log.info("attachment left out: request=%s reason=%s", request.id, type(exc).__name__)


def _content(message: EmailMessage) -> tuple[str, list[tuple[str, bytes]]]:
    """The reply's own words (quote and signature removed, within the text rule) and its attachments."""
    from mailparser_reply import EmailReplyParser

    body = message.get_body(("plain", "html"))
    text = ""
    if body is not None:
        content = body.get_content()
        if body.get_content_type() == "text/html":
            content = _html_text(content)
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        parsed = EmailReplyParser(languages=LANGUAGES).read(content)
        text = parsed.replies[0].body if parsed.replies else content
    text = within_text_rule(text).strip()
    if len(text) > MAX_COMMENT:
        text = text[:MAX_COMMENT - 1].rstrip() + "…"
    attachments = [(part.get_filename() or "attachment", part.get_payload(decode=True) or b"")
                   for part in message.iter_attachments()]
    return text, attachments


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def read_inbox(ctx: Context) -> int:
    """Take what arrived in the shared mailbox (Azure: a timer); how many messages were read.
    The point reached is kept only after every message read was taken and moved, so a
    failure reads them again next time, and each is taken once (by its Message-ID)."""
    if ctx.inbox is None:
        return 0
    read = 0
    for message in ctx.inbox.new_messages():
        take_reply(ctx, message.raw)
        ctx.inbox.handled(message)
        read += 1
    ctx.inbox.commit()
    return read
