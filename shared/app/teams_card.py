"""The message a lead group's Teams channel gets for an event: one Adaptive
Card (version 1.5) in the envelope an incoming webhook (Workflows) takes.

Pure: built from the request, the event and names the caller looked up.
Adaptive Cards render Markdown in ``TextBlock`` text and ``FactSet`` values,
so every value that comes from a person (the customer's name, the tenant, the
region, a group's name) is inserted as text with its Markdown escaped: a
customer called ``[Pay here](https://evil.example)`` shows as those
characters, never as a link, emphasis, a list or a heading.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from shared.domain.model import Event, EventType, FtaRequest
from shared.domain.vocabulary import REQUEST_TYPES, label, region_label

CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

# What Markdown (CommonMark, and the Adaptive Cards renderers' subset of it)
# gives a meaning: emphasis, links and images, autolinks and HTML, headings,
# lists, code, tables, strikethrough, entities; ':' and '.' break bare-URL and
# e-mail autolinks. CommonMark lets a backslash escape any ASCII punctuation.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~:&")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders as exactly that text, on one line."""
    flat = " ".join(str(text).split())
    return "".join("\\" + char if char in MARKDOWN_SPECIAL else char for char in flat)


def request_url(public_url: str, request_id: str) -> str:
    """The request's own address in the page, where every mail and card links."""
    return f"{public_url.rstrip('/')}/requests/{quote(request_id, safe='')}"


def _due(request: FtaRequest) -> str:
    due = request.assign_due_at
    return due.strftime("%Y-%m-%d %H:%M UTC") if due is not None else "not set"


def _heading(event: Event, group_name: str) -> tuple[str, str]:
    """(title, subtitle), as plain text."""
    match event.type:
        case EventType.ROUTED:
            return "New FTA request", f"Routed to {group_name}, waiting for an architect."
        case EventType.REMINDER:
            n = int(event.data.get("reminder") or 1)
            return (f"Reminder {n}: FTA request waiting for an architect",
                    f"{group_name}: nobody is assigned yet and the request is past its due time.")
        case EventType.ESCALATED:
            n = int(event.data.get("reminders") or 0)
            return ("Escalated: FTA request without an architect",
                    f"Escalated to {group_name} after {n} reminder{'' if n == 1 else 's'}.")
    raise ValueError(f"no Teams card for {event.type.value}")


def teams_message(request: FtaRequest, event: Event, *, group_name: str, link: str) -> dict[str, Any]:
    """The webhook body: ``{"type": "message", "attachments": [one Adaptive Card]}``."""
    title, subtitle = _heading(event, group_name)
    facts = [
        ("Request", request.id),
        ("Customer", request.customer_name or request.tenant),
        ("Type", label(REQUEST_TYPES, request.request_type.value)),
        ("Region", region_label(request.region)),
        ("Due", _due(request)),
    ]
    card = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": [
            {"type": "TextBlock", "text": escape_markdown(title), "style": "heading", "size": "Medium",
             "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": escape_markdown(subtitle), "isSubtle": True, "wrap": True, "spacing": "None"},
            {"type": "FactSet", "facts": [{"title": name, "value": escape_markdown(value)} for name, value in facts]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the request", "url": link}],
        "msteams": {"width": "Full"},
    }
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }
