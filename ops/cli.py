"""``python -m ops``: argument parsing and the commands on subscriptions, the
leads' queues, overdue requests and the read model (dead letters in
``ops.dead_letters``, parked messages in ``ops.parked``).

Exit status: 0 done; 1 what was asked for is not there or an action failed;
2 a usage error or a bad setting (one line ``ops: setting X: ...``).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from typing import Callable

from shared import topology
from shared.adapters.bus.local import UnknownSubscription
from shared.adapters.clock import system_clock
from shared.app.ports import PublishError, StoreError
from shared.domain.model import iso
from shared.domain.routing import RoutingError
from shared.settings import SettingsError, load_settings

from ops.dead_letters import (
    cmd_deadletters_list,
    cmd_deadletters_purge,
    cmd_deadletters_replay,
    cmd_deadletters_show,
)
from ops.errors import OpsError
from ops.output import Out, message_view, when
from ops.parked import cmd_parked_discard, cmd_parked_list, cmd_parked_replay, cmd_parked_show
from ops.session import Session, known_subscription

MAX_LIMIT = 1000


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


# -- the leads' queues ------------------------------------------------------------------


def cmd_peek(session: Session, args: argparse.Namespace, out: Out) -> int:
    known_subscription(session, args.subscription)
    messages = session.queues().peek(args.subscription, args.max)
    out.data({"subscription": args.subscription, "messages": [message_view(m) for m in messages]})
    out.table(
        ["SEQ", "MESSAGE ID", "SUBJECT", "REQUEST ID", "ENQUEUED", "DELIVERIES"],
        [[m.sequence_number, m.message_id, m.subject, m.correlation_id, when(m.enqueued_time), m.delivery_count]
         for m in messages],
        f"no messages waiting in {args.subscription}",
    )
    return 0


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


def cmd_reindex_requests(session: Session, args: argparse.Namespace, out: Out) -> int:
    from shared.app.reindex import reindex_requests

    written = reindex_requests(session.context())
    out.data({"requests": written})
    out.line(f"{written} requests written again with what lists search and sort them by")
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
    command(commands, "reindex-requests", cmd_reindex_requests,
            "write every request again so that search (q) and sort=due find requests stored before they existed")
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
