"""The functions of a ``func.FunctionApp``, read from the app's own metadata
(``app.get_functions()``), so a new function needs no devhost change."""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from shared.settings import Settings, SettingsError

log = logging.getLogger("devhost")

HTTP_TRIGGER = "httpTrigger"
SERVICE_BUS_TRIGGER = "serviceBusTrigger"
TIMER_TRIGGER = "timerTrigger"
HTTP_OUTPUT = "http"

_APP_SETTING = re.compile(r"%([^%]+)%")


@dataclass(frozen=True)
class Function:
    name: str
    kind: str  # the trigger's binding type: httpTrigger, serviceBusTrigger, timerTrigger
    argument: str  # the user function's parameter that receives the trigger input
    user_function: Callable[..., Any]

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.user_function)


@dataclass(frozen=True)
class HttpFunction(Function):
    route: str
    methods: frozenset[str] | None  # None: every method


@dataclass(frozen=True)
class TopicFunction(Function):
    topic: str
    subscription: str
    connection: str


@dataclass(frozen=True)
class TimerFunction(Function):
    schedule: str
    run_on_startup: bool


@dataclass(frozen=True)
class Catalog:
    functions: tuple[Function, ...]

    def named(self, name: str) -> Function | None:
        wanted = name.lower()
        return next((f for f in self.functions if f.name.lower() == wanted), None)

    def of(self, kind: type) -> list:
        return [f for f in self.functions if isinstance(f, kind)]


def import_app(spec: str) -> Any:
    """``module:attribute``, as ``--app function_app:app``."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"--app {spec!r}: expected module:attribute, e.g. function_app:app")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if not exc.name or not (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise
        raise ValueError(f"--app {spec!r}: no module named {module_name!r}") from None
    try:
        app = getattr(module, attribute)
    except AttributeError:
        raise ValueError(f"--app {spec!r}: {module_name} has no attribute {attribute!r}") from None
    if not callable(getattr(app, "get_functions", None)):
        raise ValueError(f"--app {spec!r}: not a func.FunctionApp (no get_functions())")
    return app


class AppSettings:
    """Resolves ``%NAME%`` in binding properties as the host does: from app
    settings; devhost's app settings are the validated ``Settings`` and the
    environment."""

    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None):
        self._known = {
            "FTA_REMIND_SCHEDULE": settings.remind_schedule,
            "FTA_SWEEP_SCHEDULE": settings.sweep_schedule,
        }
        self._environ = os.environ if environ is None else environ

    def value(self, name: str, *, used_by: str) -> str:
        if name in self._known:
            return self._known[name]
        value = self._environ.get(name)
        if value is None or not value.strip():
            raise SettingsError(name, f"not set, and function {used_by} refers to %{name}%")
        return value.strip()

    def resolve(self, text: str, *, used_by: str) -> str:
        return _APP_SETTING.sub(lambda m: self.value(m.group(1), used_by=used_by), text)


def _methods(trigger: Any) -> frozenset[str] | None:
    methods = getattr(trigger, "methods", None)
    if not methods:
        return None
    return frozenset(str(getattr(m, "value", m)).upper() for m in methods)


def _warn_unsupported_bindings(function: Any, name: str) -> None:
    trigger = function.get_trigger()
    for binding in function.get_bindings():
        if binding is trigger:
            continue
        if binding.get_binding_name() == HTTP_OUTPUT and trigger.get_binding_name() == HTTP_TRIGGER:
            continue
        log.warning("function %s: devhost does not provide its %s binding %r", name, binding.get_binding_name(), binding.name)


def discover(app: Any, app_settings: AppSettings) -> Catalog:
    found: list[Function] = []
    for function in app.get_functions():
        name = function.get_function_name()
        trigger = function.get_trigger()
        user_function = function.get_user_function()
        if trigger is None:
            log.warning("function %s has no trigger; devhost skips it", name)
            continue
        kind = trigger.get_binding_name()
        common = dict(name=name, kind=kind, argument=trigger.name, user_function=user_function)
        if kind == HTTP_TRIGGER:
            route = trigger.route if trigger.route is not None else name
            found.append(HttpFunction(**common, route=route, methods=_methods(trigger)))
        elif kind == SERVICE_BUS_TRIGGER:
            topic = getattr(trigger, "topic_name", None)
            if topic is None:
                log.warning("function %s listens to a queue; devhost runs only topic subscriptions", name)
                continue
            found.append(
                TopicFunction(
                    **common,
                    topic=app_settings.resolve(topic, used_by=name),
                    subscription=app_settings.resolve(trigger.subscription_name, used_by=name),
                    connection=trigger.connection,
                )
            )
        elif kind == TIMER_TRIGGER:
            found.append(
                TimerFunction(
                    **common,
                    schedule=app_settings.resolve(trigger.schedule, used_by=name),
                    run_on_startup=bool(trigger.run_on_startup),
                )
            )
        else:
            log.warning("function %s: devhost does not run %s triggers", name, kind)
            continue
        _warn_unsupported_bindings(function, name)
    return Catalog(tuple(found))
