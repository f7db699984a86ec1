"""The composition root: builds the adapters once per process from settings.

SDK clients are created here, lazily, and shared by every invocation; adapter
modules import their SDK only when built, so a cold start pays for what it uses.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from shared.bus.base import Publisher
from shared.clock import Clock, system_clock
from shared.mail.base import Mailer
from shared.routing import Routing, load_routing
from shared.settings import Settings, load_settings
from shared.store.base import DocumentStore
from shared import topology

log = logging.getLogger("fta.bootstrap")


@dataclass
class Context:
    settings: Settings
    routing: Routing
    store: DocumentStore
    bus: Publisher
    mailer: Mailer
    clock: Clock = system_clock
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        for part in (self.store, self.bus, self.mailer, *self.extras.get("clients", ())):
            try:
                part.close()
            except Exception:  # closing is best effort at shutdown
                log.warning("closing %s failed", getattr(part, "name", part), exc_info=True)


def load_routing_file(settings: Settings) -> Routing:
    return load_routing(settings.routing_file.read_text(encoding="utf-8"), source=f"FTA_ROUTING_FILE ({settings.routing_file})")


def build_store(settings: Settings, clock: Clock = system_clock, clients: list[Any] | None = None) -> DocumentStore:
    """The store; an SDK client it needs is appended to ``clients`` (its owner closes it)."""
    if settings.store == "cosmos":
        from shared.store.cosmos import CosmosStore, cosmos_client

        client = cosmos_client(settings.cosmos_endpoint, key=settings.cosmos_key or None, verify_tls=settings.cosmos_verify_tls)
        (clients if clients is not None else []).append(client)
        return CosmosStore(client, database=settings.cosmos_database, create_containers=settings.cosmos_create_containers)
    from shared.store.sqlite import SqliteStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteStore(settings.data_dir / "store.sqlite3", clock=clock)


def build_bus(settings: Settings, routing: Routing, clock: Clock = system_clock, clients: list[Any] | None = None) -> Publisher:
    if settings.bus == "servicebus":
        from shared.bus.servicebus import ServiceBusPublisher, servicebus_client

        client = servicebus_client(settings.servicebus_connection, settings.servicebus_namespace)
        (clients if clients is not None else []).append(client)
        return ServiceBusPublisher(client, topology.TOPIC)
    from shared.bus.local import LocalBus

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return LocalBus(settings.data_dir / "bus.sqlite3", topology.subscriptions(routing.group_ids), clock=clock)


def build_mailer(settings: Settings) -> Mailer:
    if settings.email == "smtp":
        from shared.mail.smtp import SmtpMailer

        return SmtpMailer(
            settings.smtp_host, settings.smtp_port,
            username=settings.smtp_username, password=settings.smtp_password,
            starttls=settings.smtp_starttls, timeout=settings.smtp_timeout_seconds,
        )
    if settings.email == "ses":
        from shared.mail.ses import SesMailer, ses_client

        return SesMailer(ses_client(settings.aws_region))
    from shared.mail.outbox import OutboxMailer

    return OutboxMailer(settings.outbox_dir)


def build(settings: Settings | None = None, clock: Clock = system_clock) -> Context:
    settings = settings or load_settings()
    routing = load_routing_file(settings)
    from shared import telemetry

    telemetry.configure(settings)
    clients: list[Any] = []
    store = build_store(settings, clock, clients)
    bus = build_bus(settings, routing, clock, clients)
    mailer = build_mailer(settings)
    if settings.faults:
        from shared.faults import FaultPlan, FaultyBus, FaultyMailer, FaultyStore

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        plan = FaultPlan(settings.faults, settings.data_dir / "faults.log", settings.faults_seed)
        log.warning("FTA_FAULTS is set: injecting faults %s", sorted(settings.faults))
        store, bus, mailer = FaultyStore(store, plan), FaultyBus(bus, plan), FaultyMailer(mailer, plan)
    return Context(settings=settings, routing=routing, store=store, bus=bus, mailer=mailer, clock=clock,
                   extras={"clients": clients})


_lock = threading.Lock()
_context: Context | None = None


def context() -> Context:
    """The process's context, built on first use."""
    global _context
    if _context is None:
        with _lock:
            if _context is None:
                _context = build()
    return _context


def install(ctx: Context | None) -> Context | None:
    """Replace the process's context (devhost start-up, tests); returns the old one."""
    global _context
    with _lock:
        old, _context = _context, ctx
    return old
