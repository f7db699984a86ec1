"""Dead-lettered messages: list, show, replay, purge."""

from __future__ import annotations

import argparse

from ops.errors import OpsError
from ops.output import Out, body_text, message_view, when
from ops.queues import SCAN_LIMIT
from ops.session import Session, known_subscription, require_targets


def cmd_deadletters_list(session: Session, args: argparse.Namespace, out: Out) -> int:
    queues = session.queues()
    if args.subscription:
        known_subscription(session, args.subscription)
    names = [args.subscription] if args.subscription else queues.names()
    letters = [m for name in names for m in queues.dead_letters(name, args.max)]
    out.data({"deadLetters": [message_view(m) for m in letters]})
    out.table(
        ["SUBSCRIPTION", "SEQ", "MESSAGE ID", "SUBJECT", "REQUEST ID", "DELIVERIES", "REASON", "ENQUEUED"],
        [[m.subscription, m.sequence_number, m.message_id, m.subject, m.correlation_id, m.delivery_count,
          m.dead_letter_reason, when(m.enqueued_time)] for m in letters],
        "no dead letters" + (f" in {args.subscription}" if args.subscription else ""),
    )
    return 0


def cmd_deadletters_show(session: Session, args: argparse.Namespace, out: Out) -> int:
    known_subscription(session, args.subscription)
    message = session.queues().dead_letter(args.subscription, args.seq)
    if message is None:
        raise OpsError(f"no dead letter {args.seq} in {args.subscription}")
    view = message_view(message, with_body=True)
    out.data(view)
    for key in ("subscription", "sequenceNumber", "messageId", "subject", "requestId", "deliveryCount",
                "enqueuedTime", "deadLetterReason", "deadLetterDescription", "contentType", "applicationProperties"):
        out.line(f"{key + ':':<24}{view.get(key, '')}")
    out.line("body:")
    out.line(body_text(message.body))
    return 0


def cmd_deadletters_replay(session: Session, args: argparse.Namespace, out: Out) -> int:
    require_targets(args, "sequence numbers")
    known_subscription(session, args.subscription)
    queues = session.queues()
    if args.all:
        letters = queues.dead_letters(args.subscription, SCAN_LIMIT)
        wanted = [(m.sequence_number, m) for m in letters]
    else:
        wanted = [(seq, queues.dead_letter(args.subscription, seq)) for seq in args.targets]
    replayed, missing = [], []
    for seq, message in wanted:
        if message is not None and queues.replay(args.subscription, seq):
            replayed.append(message_view(message))
            out.line(f"replayed {args.subscription} {seq}: message {message.message_id} "
                     f"({message.subject}, request {message.correlation_id})")
        else:
            missing.append(seq)
            out.line(f"no dead letter {seq} in {args.subscription}: nothing replayed")
    if not wanted:
        out.line(f"nothing to replay in {args.subscription}")
    elif replayed and queues.backend == "servicebus":
        out.line("(sent to the topic: every subscription whose filter matches receives a copy; "
                 "consumers are idempotent)")
    out.data({"subscription": args.subscription, "replayed": replayed, "missing": missing})
    return 1 if missing else 0


def cmd_deadletters_purge(session: Session, args: argparse.Namespace, out: Out) -> int:
    known_subscription(session, args.subscription)
    queues = session.queues()
    purged, missing = [], []
    for seq in args.seq:
        if queues.purge(args.subscription, seq):
            purged.append(seq)
            out.line(f"purged {args.subscription} {seq}")
        else:
            missing.append(seq)
            out.line(f"no dead letter {seq} in {args.subscription}: nothing purged")
    out.data({"subscription": args.subscription, "purged": purged, "missing": missing})
    return 1 if missing else 0
