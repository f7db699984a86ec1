"""Tables for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any, Sequence, TextIO

from shared.adapters.bus.local import ReceivedMessage


def when(value: datetime | str | None) -> str:
    """A time as ``2026-11-24T10:00:00Z``; stored ISO strings are shortened the same way."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cell(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value)
    return " ".join(text.split())


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    lines = [headers, *cells]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def body_text(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def message_view(message: ReceivedMessage, *, with_body: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "subscription": message.subscription,
        "sequenceNumber": message.sequence_number,
        "messageId": message.message_id,
        "subject": message.subject,
        "requestId": message.correlation_id,
        "deliveryCount": message.delivery_count,
        "enqueuedTime": when(message.enqueued_time),
    }
    if message.dead_letter_reason is not None:
        view["deadLetterReason"] = message.dead_letter_reason
        view["deadLetterDescription"] = message.dead_letter_description
    if with_body:
        view["contentType"] = message.content_type
        view["applicationProperties"] = dict(message.application_properties)
        view["body"] = message.body.decode("utf-8", "replace")
    return view


class Out:
    def __init__(self, as_json: bool, stream: TextIO | None = None):
        self.as_json = as_json
        self.stream = stream or sys.stdout

    def line(self, text: str = "") -> None:
        if not self.as_json:
            print(text, file=self.stream)

    def data(self, value: Any) -> None:
        if self.as_json:
            print(json.dumps(value, indent=2, default=str, ensure_ascii=False), file=self.stream)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], empty: str) -> None:
        if self.as_json:
            return
        print(table(headers, rows) if rows else empty, file=self.stream)
