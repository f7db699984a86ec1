"""``python -m ops``: argument parsing and the commands.

Exit status: 0 done; 1 what was asked for is not there or an action failed;
2 a usage error or a bad setting (one line ``ops: setting X: ...``).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from typing import Any, Callable

from shared import topology
from shared.adapters.bus.local import UnknownSubscription
from shared.adapters.clock import system_clock
from shared.adapters.repositories import StoredParkedMessages, StoredRequests
from shared.app.ports import ParkedMessages, PublishError, RequestRepository, StoreError
from shared.bootstrap import Runtime, build, build_store, load_routing_file
from shared.domain.model import iso
from shared.domain.routing import Routing, RoutingError
from shared.settings import Settings, SettingsError, load_settings

from ops import parked as parking
from ops.errors import OpsError
from ops.output import Out, body_text, message_view, when
from ops.queues import SCAN_LIMIT, Queues, open_queues

MAX_LIMIT = 1000


class Session:
    """What the commands need, built on first use from the app's settings and closed at the end."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._routing: Routing | None = None
        self._queues: Queues | None = None
        self._store: Any = None
        self._context: Runtime | None = None

    @property
    def routing(self) -> Routing:
        if self._routing is None:
            self._routing = load_routing_file(self.settings)
        return self._routing

    def queues(self) -> Queues:
        if self._queues is None:
            self._queues = open_queues(self.settings, self.routing)
        return self._queues

    def _require_embedded_files(self, *, bus: bool) -> None:
        wanted = []
        if self.settings.store == "sqlite":
            wanted.append(("store", self.settings.data_dir / "store.sqlite3"))
        if bus and self.settings.bus == "local":
            wanted.append(("embedded bus", self.settings.data_dir / "bus.sqlite3"))
        for what, path in wanted:
            if not path.is_file():
                raise OpsError(f"no {what} at {path} (is FTA_DATA_DIR right?)")

    def _stored(self) -> Any:
        if self._context is not None:
            return self._context.store
        if self._store is None:
            self._require_embedded_files(bus=False)
            self._store = build_store(self.settings)
        return self._store

    def parked(self) -> ParkedMessages:
        return StoredParkedMessages(self._stored())

    def requests(self) -> RequestRepository:
        return StoredRequests(self._stored())

    def context(self) -> Runtime:
        """The app's whole context (store, bus, mailer), for running a consumer in process."""
        if self._context is None:
            self._require_embedded_files(bus=True)
            self._context = build(self.settings)
        return self._context

    def close(self) -> None:
        for part in (self._queues, self._store, self._context):
            if part is not None:
                part.close()


def _known(session: Session, subscription: str) -> None:
    names = session.queues().names()
    if subscription not in names:
        raise OpsError(f"no subscription {subscription} (known: {', '.join(names)})")


# -- subscriptions ---------------------------------------------------------------------


def cmd_subscriptions(session: Session, args: argparse.Namespace, out: Out) -> int:
    queues = session.queues()
    items, missing = [], []
    for name in queues.names():
        try:
            depth = queues.depth(name)
        except OpsError:
            missing.append(name)
            items.append({"name": name, "active": None, "scheduled": None, "deadLetter": None, "missing": True})
            continue
        items.append({"name": name, "active": depth["active"], "scheduled": depth["scheduled"],
                      "deadLetter": depth["dead_letter"]})
    out.data({"backend": queues.backend, "topic": topology.TOPIC, "subscriptions": items})
    out.table(
        ["SUBSCRIPTION", "ACTIVE", "SCHEDULED", "DEAD-LETTER"],
        [[i["name"] + (" (missing)" if i.get("missing") else ""), i["active"], i["scheduled"], i["deadLetter"]]
         for i in items],
        "no subscriptions",
    )
    if queues.backend == "servicebus":
        out.line("(Service Bus counts scheduled messages on the topic, not per subscription)")
    return 1 if missing else 0


# -- dead letters -------------------------------------------------------------------------


def cmd_deadletters_list(session: Session, args: argparse.Namespace, out: Out) -> int:
    queues = session.queues()
    if args.subscription:
        _known(session, args.subscription)
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
    _known(session, args.subscription)
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


def _targets(args: argparse.Namespace, what: str) -> None:
    if args.all and args.targets:
        args.parser.error(f"give {what} or --all, not both")
    if not args.all and not args.targets:
        args.parser.error(f"give {what} or --all")


def cmd_deadletters_replay(session: Session, args: argparse.Namespace, out: Out) -> int:
    _targets(args, "sequence numbers")
    _known(session, args.subscription)
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
    _known(session, args.subscription)
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


# -- the leads' queues ------------------------------------------------------------------


def cmd_peek(session: Session, args: argparse.Namespace, out: Out) -> int:
    _known(session, args.subscription)
    messages = session.queues().peek(args.subscription, args.max)
    out.data({"subscription": args.subscription, "messages": [message_view(m) for m in messages]})
    out.table(
        ["SEQ", "MESSAGE ID", "SUBJECT", "REQUEST ID", "ENQUEUED", "DELIVERIES"],
        [[m.sequence_number, m.message_id, m.subject, m.correlation_id, when(m.enqueued_time), m.delivery_count]
         for m in messages],
        f"no messages waiting in {args.subscription}",
    )
    return 0


# -- parked messages --------------------------------------------------------------------


def _parked_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "subscription": record.get("subscription"),
        "messageId": record.get("messageId"),
        "subject": record.get("subject"),
        "requestId": record.get("correlationId"),
        "parkedAt": record.get("parkedAt"),
        "reason": record.get("reason"),
        "emailRejection": parking.is_email_rejection(record),
    }


def cmd_parked_list(session: Session, args: argparse.Namespace, out: Out) -> int:
    records, more = parking.list_parked(session.parked(), args.max)
    items = [_parked_summary(r) for r in records]
    out.data({"parked": items, "more": more})
    out.table(
        ["ID", "SUBSCRIPTION", "MESSAGE ID", "SUBJECT", "REQUEST ID", "PARKED AT", "REASON"],
        [[i["id"], i["subscription"], i["messageId"], i["subject"], i["requestId"], when(i["parkedAt"]), i["reason"]]
         for i in items],
        "no parked messages",
    )
    if more:
        out.line(f"(more than {args.max}; use --max to see more)")
    return 0


def cmd_parked_show(session: Session, args: argparse.Namespace, out: Out) -> int:
    record = session.parked().get(args.id)
    if record is None:
        raise OpsError(f"no parked message {args.id}")
    view = {**_parked_summary(record), "body": record.get("body") or ""}
    out.data(view)
    for key in ("id", "subscription", "messageId", "subject", "requestId", "parkedAt", "reason"):
        out.line(f"{key + ':':<14}{view.get(key) or ''}")
    if view["emailRejection"]:
        out.line(parking.email_rejection_advice(record))
    else:
        out.line("body:")
        out.line(body_text(view["body"].encode("utf-8")))
    return 0


def cmd_parked_replay(session: Session, args: argparse.Namespace, out: Out) -> int:
    _targets(args, "parked message ids")
    ctx = session.context()
    if args.all:
        records = ctx.parked.all()
        if not records:
            out.line("nothing to replay: no parked messages")
    else:
        records = []
        for record_id in args.targets:
            record = ctx.parked.get(record_id)
            records.append(record if record is not None else {"id": record_id, "missing": True})
    results, failed = [], False
    for record in records:
        if record.get("missing"):
            result = parking.Replay(record["id"], "missing", "no such parked message")
        else:
            result = parking.replay(ctx, record)
        results.append(result.to_dict())
        out.line(f"{result.id}: {result.result}: {result.detail}")
        skipped_in_bulk = args.all and result.result == parking.EMAIL_REJECTION
        failed = failed or not (result.ok or skipped_in_bulk)
    out.data({"results": results})
    return 1 if failed else 0


def cmd_parked_discard(session: Session, args: argparse.Namespace, out: Out) -> int:
    parked = session.parked()
    discarded, missing = [], []
    for record_id in args.id:
        if parked.discard(record_id):
            discarded.append(record_id)
            out.line(f"discarded {record_id}")
        else:
            missing.append(record_id)
            out.line(f"no parked message {record_id}")
    out.data({"discarded": discarded, "missing": missing})
    return 1 if missing else 0


# -- overdue requests -------------------------------------------------------------------


def cmd_overdue(session: Session, args: argparse.Namespace, out: Out) -> int:
    now = system_clock()
    page = session.requests().overdue(now, limit=args.max)
    items = [
        {
            "id": request.id,
            "leadGroup": request.lead_group,
            "routedAt": iso(request.routed_at) if request.routed_at else None,
            "assignDueAt": iso(request.assign_due_at) if request.assign_due_at else None,
            "remindersSent": request.reminders_sent,
            "escalated": request.escalated,
        }
        for request in page.items
    ]
    out.data({"asOf": iso(now), "overdue": items, "more": page.continuation is not None})
    out.table(
        ["REQUEST ID", "LEAD GROUP", "ROUTED AT", "DUE", "REMINDERS", "ESCALATED"],
        [[i["id"], i["leadGroup"], when(i["routedAt"]), when(i["assignDueAt"]), i["remindersSent"],
          "yes" if i["escalated"] else "no"] for i in items],
        "no overdue requests",
    )
    if page.continuation is not None:
        out.line(f"(more than {args.max}; use --max to see more)")
    return 0


# -- the read model ---------------------------------------------------------------------


def cmd_rebuild_stats(session: Session, args: argparse.Namespace, out: Out) -> int:
    from shared.app.reporting import rebuild

    result = rebuild(session.context())
    out.data(result)
    out.line(f"read model rebuilt from {result['requests']} requests: {result['aggregates']} aggregate documents "
             f"({result['removed']} documents replaced)")
    return 0


# -- parsing ----------------------------------------------------------------------------


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_LIMIT}, got {value}")
    return value


def _sequence_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a sequence number is a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a sequence number is not negative, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")

    parser = argparse.ArgumentParser(
        prog="python -m ops",
        description="Operators' tool for FTA Requests: subscriptions, dead letters, parked messages, "
                    "the leads' queues, overdue requests. Uses the app's settings (FTA_DATA_DIR, FTA_STORE, FTA_BUS, ...).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(group, name: str, run: Callable[..., int], help: str) -> argparse.ArgumentParser:
        sub = group.add_parser(name, parents=[common], help=help, description=help)
        sub.set_defaults(run=run, parser=sub)
        return sub

    command(commands, "subscriptions", cmd_subscriptions, "every subscription's active, scheduled and dead-letter depth")

    dead = commands.add_parser("deadletters", help="dead-lettered messages").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    sub = command(dead, "list", cmd_deadletters_list, "dead letters of one subscription or of all (no bodies)")
    sub.add_argument("subscription", nargs="?", metavar="SUBSCRIPTION")
    sub.add_argument("--max", type=_limit, default=100, help="at most this many per subscription (default 100)")
    sub = command(dead, "show", cmd_deadletters_show, "one dead letter with its body")
    sub.add_argument("subscription", metavar="SUBSCRIPTION")
    sub.add_argument("seq", type=_sequence_number, metavar="SEQ")
    sub = command(dead, "replay", cmd_deadletters_replay,
                  "put dead letters back (embedded bus: the same subscription; Service Bus: the topic)")
    sub.add_argument("subscription", metavar="SUBSCRIPTION")
    sub.add_argument("targets", nargs="*", type=_sequence_number, metavar="SEQ")
    sub.add_argument("--all", action="store_true", help="every dead letter of the subscription")
    sub = command(dead, "purge", cmd_deadletters_purge, "delete dead letters for good")
    sub.add_argument("subscription", metavar="SUBSCRIPTION")
    sub.add_argument("seq", nargs="+", type=_sequence_number, metavar="SEQ")

    parked = commands.add_parser("parked", help="poison messages parked by the consumers").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    sub = command(parked, "list", cmd_parked_list, "parked messages, oldest first, with their reasons")
    sub.add_argument("--max", type=_limit, default=100, help="at most this many (default 100)")
    sub = command(parked, "show", cmd_parked_show, "one parked message with its body")
    sub.add_argument("id", metavar="ID")
    sub = command(parked, "replay", cmd_parked_replay,
                  "run the consumer again in this process; the record goes unless the message parks again")
    sub.add_argument("targets", nargs="*", metavar="ID")
    sub.add_argument("--all", action="store_true", help="every parked message")
    sub = command(parked, "discard", cmd_parked_discard, "delete parked messages")
    sub.add_argument("id", nargs="+", metavar="ID")

    sub = command(commands, "peek", cmd_peek, "messages waiting in a subscription, e.g. leads-<group>")
    sub.add_argument("subscription", metavar="SUBSCRIPTION")
    sub.add_argument("--max", type=_limit, default=20, help="at most this many (default 20)")

    sub = command(commands, "overdue", cmd_overdue, "routed requests still without an architect past their due time")
    sub.add_argument("--max", type=_limit, default=100, help="at most this many (default 100)")

    command(commands, "rebuild-stats", cmd_rebuild_stats,
            "recompute the reports' read model (counts, loads, SLA figures) from the stored requests")
    return parser


def _operational_errors() -> tuple[type[BaseException], ...]:
    from azure.core.exceptions import AzureError

    return (sqlite3.Error, StoreError, PublishError, AzureError, OSError, ValueError)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="ops: %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.ERROR)
    out = Out(args.json)
    session: Session | None = None
    try:
        session = Session(load_settings())
        return args.run(session, args, out)
    except (SettingsError, RoutingError) as exc:
        print(f"ops: {exc}", file=sys.stderr)
        return 2
    except OpsError as exc:
        print(f"ops: {exc}", file=sys.stderr)
        return 1
    except UnknownSubscription as exc:
        print(f"ops: no subscription {exc.args[0]}", file=sys.stderr)
        return 1
    except _operational_errors() as exc:
        print(f"ops: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if session is not None:
            session.close()
