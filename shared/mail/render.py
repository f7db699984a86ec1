"""Renders the notification emails from ``templates/<name>_{subject,message}.*``."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATE_DIR = Path(__file__).parent / "templates"

TEMPLATES: tuple[str, ...] = (
    "submitted",
    "routed",
    "assigned",
    "reminder",
    "escalated",
    "cancelled",
    "completed",
)

REQUEST_TYPE_LABELS: dict[str, str] = {
    "sow-ecif": "SOW review / ECIF related",
    "non-ecif": "Non-ECIF related",
    "migration-exception": "Migration exception",
}

VALUE_LABELS: dict[str, str] = {
    **REQUEST_TYPE_LABELS,
    "enterprise": "Enterprise",
    "smc-c": "SMC-C",
    "smb": "SMB",
    "other": "Other",
    "microsoft-365": "Microsoft 365",
    "office-365": "Office 365",
    "ems": "EMS",
    "submitted": "Submitted",
    "routed": "Routed to leads",
    "assigned": "Assigned",
    "completed": "Completed",
    "cancelled": "Cancelled",
}

SUBJECT_MAX_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class UnknownTemplate(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"no email template named {self.name!r}; known: {', '.join(TEMPLATES)}"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def flatten_subject(subject: str) -> str:
    one_line = " ".join(_CONTROL.sub(" ", subject).split())
    return one_line[:SUBJECT_MAX_LENGTH].rstrip()


def _when(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value


def _label(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_label(item)) for item in value)
    return VALUE_LABELS.get(value, value) if isinstance(value, str) else value


def _usd(value: Any) -> str:
    if value is None:
        return ""
    return f"USD {float(value):,.0f}"


def _environment_factory() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = _when
    environment.filters["usd"] = _usd
    environment.filters["label"] = _label
    return environment


_environment: Environment | None = None
_environment_lock = threading.Lock()


def environment() -> Environment:
    global _environment
    if _environment is None:
        with _environment_lock:
            if _environment is None:
                _environment = _environment_factory()
    return _environment


def render_email(name: str, context: Mapping[str, Any]) -> RenderedEmail:
    if name not in TEMPLATES:
        raise UnknownTemplate(name)
    env = environment()
    values = dict(context)
    subject = env.get_template(f"{name}_subject.txt").render(values)
    text = env.get_template(f"{name}_message.txt").render(values)
    html = env.get_template(f"{name}_message.html").render(values)
    return RenderedEmail(subject=flatten_subject(subject), text=text, html=html)


def email_context(
    request: Mapping[str, Any],
    event: Mapping[str, Any],
    *,
    request_url: str,
    dashboard_url: str,
    lead_group: Mapping[str, Any] | None = None,
    escalate_to: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The context every template receives, from the request's and event's camelCase dicts."""
    return {
        "request": dict(request),
        "event": {
            "id": event["id"],
            "type": event["type"],
            "occurredAt": event["occurredAt"],
            "actor": event["actor"],
            "data": dict(event.get("data") or {}),
        },
        "lead_group": dict(lead_group) if lead_group else None,
        "escalate_to": dict(escalate_to) if escalate_to else None,
        "request_url": request_url,
        "dashboard_url": dashboard_url,
        "request_type_label": REQUEST_TYPE_LABELS.get(request["requestType"], request["requestType"]),
        "customer": request.get("customerName") or request["tenant"],
    }
