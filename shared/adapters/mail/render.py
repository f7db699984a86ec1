"""Renders the notification emails from ``templates/<name>_{subject,message}.*``."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape

from shared.app.ports import RenderedEmail
from shared.domain.vocabulary import TABLES, VALUE_LABELS

TEMPLATE_DIR = Path(__file__).parent / "templates"

# The templates are the files of the folder: a name is a template when its three files are there.
TEMPLATES: tuple[str, ...] = tuple(sorted(
    path.name.removesuffix("_subject.txt") for path in TEMPLATE_DIR.glob("*_subject.txt")
    if not path.name.startswith("_")
))

SUBJECT_MAX_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class UnknownTemplate(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"no email template named {self.name!r}; known: {', '.join(TEMPLATES)}"


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


def _named(context: Any, address: Any) -> str | None:
    """The name the context's ``people`` gives ``address``, if any."""
    return (context.get("people") or {}).get(address.lower()) if isinstance(address, str) else None


@pass_context
def _person(context: Any, address: Any) -> Any:
    """An address as "Name (address)" when the context's ``people`` names it."""
    name = _named(context, address)
    return f"{name} ({address})" if name else address


@pass_context
def _name(context: Any, address: Any) -> Any:
    """A person's name when the context's ``people`` gives one, else their address."""
    return _named(context, address) or address


def _label(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_label(item)) for item in value)
    return VALUE_LABELS.get(value, value) if isinstance(value, str) else value


def _label_in(value: Any, table: str) -> Any:
    """A value named by one table of the vocabulary (``{{ reason | label_in("declineReasons") }}``)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_label_in(item, table)) for item in value)
    return TABLES[table].get(value, value) if isinstance(value, str) else value


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
        auto_reload=False,  # the templates ship with the app: no stat of each file at every render
    )
    environment.filters["when"] = _when
    environment.filters["usd"] = _usd
    environment.filters["label"] = _label
    environment.filters["label_in"] = _label_in
    environment.filters["person"] = _person
    environment.filters["name"] = _name
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

