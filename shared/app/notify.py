"""Who is told what about an event, and sending it exactly once per recipient.

Each (event, template, recipient) has a notification record. The record is
claimed before the send and marked sent after it; a redelivered event finds
``sent`` and sends nothing. A claim whose holder died (lease expired) is taken
over and the email is sent again with the same ``Message-ID``, which mail
systems use to drop the duplicate.
"""

from __future__ import annotations

from shared import telemetry, topology
from shared.app.claims import NotificationRetry, claim, notification_key, settle
from shared.app.context import Context
from shared.app.emails import TEMPLATE_FOR, email_context, recipients_for
from shared.app.errors import Poison
from shared.app.outbox import Outcome, load
from shared.app.parking import park
from shared.app.ports import Email, PermanentMailError, TransientMailError
from shared.domain.model import Event, iso
from shared.domain.replies import reply_address

log = telemetry.get_logger("fta.notify")

__all__ = ["NotificationRetry", "notification_key", "notify"]


def _reply_to(ctx: Context, request_id: str, recipient: str) -> tuple[tuple[str, str], ...]:
    """A reply address made for this recipient and request: their answer lands on the request."""
    if not ctx.policy.reply_key or not ctx.policy.reply_address:
        return ()
    return (("Reply-To", reply_address(ctx.policy.reply_address, request_id, recipient, ctx.policy.reply_key)),)


def notify(ctx: Context, event: Event) -> Outcome:
    if event.type not in TEMPLATE_FOR:
        raise Poison(f"no email for event type {event.type.value}")
    template = TEMPLATE_FOR[event.type]
    if template is None:
        return Outcome("no-email", {"type": event.type.value})
    loaded = load(ctx, event.request_id)
    if loaded is None:
        raise Poison("unknown request")
    request, _ = loaded
    recipients = recipients_for(ctx, event, request)
    rendered: dict[bool, Any] = {}  # one rendering for the requestor, one for everyone else
    sent, skipped, rejected, failed = 0, 0, 0, 0

    for recipient in recipients:
        key = notification_key(event.id, template, recipient)
        now = ctx.clock()
        meta = {"eventId": event.id, "template": template, "requestId": request.id}
        held = claim(ctx, key, meta, now)
        if held is None:
            skipped += 1
            continue
        for_requestor = recipient.lower() == request.requestor.email.lower()
        if for_requestor not in rendered:
            rendered[for_requestor] = ctx.render(template,
                                                 email_context(ctx, event, request, for_requestor=for_requestor))
        email = Email(
            message_id=f"{key}@fta-requests",
            sender=ctx.policy.email_from,
            to=(recipient,),
            subject=rendered[for_requestor].subject,
            text=rendered[for_requestor].text,
            html=rendered[for_requestor].html,
            headers=(("X-FTA-Request-Id", request.id), ("X-FTA-Event", event.type.value), *_reply_to(ctx, request.id, recipient)),
        )
        try:
            ctx.mailer.send(email)
        except PermanentMailError as exc:
            rejected += 1
            settle(ctx, key, "rejected", {"reason": str(exc)[:500], "settledAt": iso(ctx.clock())}, held)
            park(ctx, subscription=topology.NOTIFY, message_id=f"{event.id}/{key}", subject=event.type.value,
                 correlation_id=request.id, reason=f"email rejected: {exc}"[:500])
            continue
        except TransientMailError as exc:
            failed += 1
            settle(ctx, key, "failed", {"reason": str(exc)[:500], "claimedAt": "1970-01-01T00:00:00+00:00"}, held)
            log.warning("email send failed, will retry: event=%s template=%s error=%s",
                        event.id, template, type(exc).__name__)
            continue
        settle(ctx, key, "sent", {"sentAt": iso(ctx.clock())}, held)
        sent += 1

    if failed:
        raise NotificationRetry(f"{failed} of {len(recipients)} emails for {event.id} failed; retrying")
    log.info("notified: event=%s template=%s sent=%d skipped=%d rejected=%d",
             event.id, template, sent, skipped, rejected)
    return Outcome("notified", {"template": template, "sent": sent, "skipped": skipped, "rejected": rejected})
