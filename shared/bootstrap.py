"""The composition root: builds the adapters once per process from settings
and wires them into the use cases' context.

SDK clients are created here, lazily, and shared by every invocation; adapter
modules import their SDK only when built, so a cold start pays for what it uses.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from shared import topology
from shared.app import handlers
from shared.adapters.clock import system_clock
from shared.adapters.repositories import (
    StoredIdempotencyKeys,
    StoredNotificationRecords,
    StoredParkedMessages,
    StoredReadModel,
    StoredReplyRecords,
    StoredRequests,
    StoredSubmissionCounts,
)
from shared.adapters.store.base import DocumentStore
from shared.app.context import Context, Policy
from shared.app.ports import Clock, DocumentStorage, Mailer, Publisher, TeamsChannels
from shared.domain.calendar import BusinessCalendar
from shared.domain.routing import Routing, load_routing
from shared.settings import Settings, is_loopback_url, load_settings

log = logging.getLogger("fta.bootstrap")
_lock = threading.Lock()


@dataclass
class Runtime(Context):
    """The use cases' context plus what the process owns: its settings, the
    document store behind the repositories and the SDK clients to close."""

    settings: Settings = field(default_factory=Settings)
    store: Any = None
    clients: list[Any] = field(default_factory=list)

    def use_store(self, store: DocumentStore) -> None:
        """Put every repository on ``store`` (a wrapper for fault injection or counting)."""
        self.store = store
        self.requests = StoredRequests(store)
        self.idempotency = StoredIdempotencyKeys(store)
        self.notifications = StoredNotificationRecords(store)
        self.parked = StoredParkedMessages(store)
        self.submission_counts = StoredSubmissionCounts(store)
        self.reports = StoredReadModel(store)
        self.components["store"] = store

    def use_mailer(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.components["email"] = mailer

    def close(self) -> None:
        for part in (self.store, self.bus, self.mailer, *self.clients):
            try:
                part.close()
            except Exception:  # closing is best effort at shutdown
                log.warning("closing %s failed", getattr(part, "name", part), exc_info=True)


def load_routing_file(settings: Settings) -> Routing:
    return load_routing(settings.routing_file.read_text(encoding="utf-8"), source=f"FTA_ROUTING_FILE ({settings.routing_file})")


def build_store(settings: Settings, clock: Clock = system_clock, clients: list[Any] | None = None) -> DocumentStore:
    """The store; an SDK client it needs is appended to ``clients`` (its owner closes it)."""
    if settings.store == "cosmos":
        from shared.adapters.store.cosmos import CosmosStore, cosmos_client

        client = cosmos_client(settings.cosmos_endpoint, key=settings.cosmos_key.get_secret_value() or None,
                               verify_tls=settings.cosmos_verify_tls)
        (clients if clients is not None else []).append(client)
        return CosmosStore(client, database=settings.cosmos_database, create_containers=settings.cosmos_create_containers)
    from shared.adapters.store.sqlite import SqliteStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteStore(settings.data_dir / "store.sqlite3", clock=clock)


def build_bus(settings: Settings, routing: Routing, clock: Clock = system_clock, clients: list[Any] | None = None) -> Publisher:
    if settings.bus == "servicebus":
        from shared.adapters.bus.servicebus import ServiceBusPublisher, servicebus_client

        client = servicebus_client(settings.servicebus_connection.get_secret_value(), settings.servicebus_namespace)
        (clients if clients is not None else []).append(client)
        return ServiceBusPublisher(client, topology.TOPIC)
    from shared.adapters.bus.local import LocalBus

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return LocalBus(settings.data_dir / "bus.sqlite3", handlers.subscriptions(routing.group_ids), clock=clock)


def build_graph(settings: Settings, clients: list[Any]) -> Any:
    """One Graph client for the process when it mails through Graph (sending, the inbox, availability)."""
    if settings.email != "graph":
        return None
    from shared.adapters.graph.client import GraphClient, default_credential

    client = GraphClient(settings.graph_url, default_credential())
    clients.append(client)
    return client


def build_inbox(settings: Settings, graph: Any, store: Any) -> Any:
    if graph is None:
        return None
    from shared.adapters.graph.inbox import GraphInbox

    return GraphInbox(graph, settings.mail_sender, settings.replies_folder, store)


def build_mailer(settings: Settings, graph: Any = None) -> Mailer:
    if graph is not None:
        from shared.adapters.mail.graph import GraphMailer

        return GraphMailer(graph, settings.mail_sender)
    if settings.email == "smtp":
        from shared.adapters.mail.smtp import SmtpMailer

        return SmtpMailer(
            settings.smtp_host, settings.smtp_port,
            username=settings.smtp_username, password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls, timeout=settings.smtp_timeout_seconds,
        )
    if settings.email == "ses":
        from shared.adapters.mail.ses import SesMailer, ses_client

        return SesMailer(ses_client(settings.region))
    from shared.adapters.mail.outbox import OutboxMailer

    return OutboxMailer(settings.outbox_dir)


def teams_webhooks(settings: Settings, routing: Routing) -> dict[str, str]:
    """Each lead group's Teams webhook URL, from the setting its ``teamsWebhookSetting`` names;
    a named setting that is unset or not a URL raises ``SettingsError`` naming group and setting."""
    return {
        group.id: settings.webhook_url(group.teams_webhook_setting, f"lead group {group.id}").get_secret_value()
        for group in routing.lead_groups if group.teams_webhook_setting
    }


def build_teams(settings: Settings, routing: Routing) -> TeamsChannels | None:
    urls = teams_webhooks(settings, routing)
    if not urls:
        return None
    from shared.adapters.teams.webhook import WebhookChannels

    return WebhookChannels(urls)


_blob_clients: dict[tuple[str, str], Any] = {}
_blob_lock = threading.Lock()


def blob_client(settings: Settings) -> Any:
    """One ``BlobServiceClient`` per process and account (Microsoft's "Manage connections")."""
    key = (settings.document_storage_connection.get_secret_value(), settings.document_storage_uri)
    with _blob_lock:
        if key not in _blob_clients:
            from shared.adapters.documents.blob import blob_service_client

            _blob_clients[key] = blob_service_client(*key)
        return _blob_clients[key]


def build_documents(settings: Settings) -> DocumentStorage:
    if settings.documents == "blob":
        from shared.adapters.documents.blob import BlobDocumentStorage

        client = blob_client(settings)
        # Azurite starts empty; in Azure the Bicep makes the container (the app may not).
        return BlobDocumentStorage(client, settings.documents_container, create_container=is_loopback_url(client.url))
    from shared.adapters.documents.local import LocalDocumentStorage

    return LocalDocumentStorage(settings.documents_dir)


def policy(settings: Settings, routing: Routing) -> Policy:
    domains = frozenset(settings.organization_domains) or routing.organization_domains
    return Policy(
        assign_sla_business_hours=settings.assign_sla_business_hours,
        reminders_before_escalation=settings.reminders_before_escalation,
        info_reminder_business_hours=settings.info_reminder_business_hours,
        sweep_after_seconds=settings.sweep_after_seconds,
        public_url=settings.public_url,
        email_from=settings.email_from,
        submissions_per_hour=settings.submissions_per_hour,
        max_document_bytes=settings.max_document_bytes,
        documents_require_scan=settings.documents_require_scan,
        organization_domains=domains,
        reply_address=settings.reply_address or settings.email_from,
        reply_key=reply_key(settings),
        own_senders=frozenset(a.lower() for a in (settings.email_from, settings.mail_sender, settings.reply_address) if a),
    )


def reply_key(settings: Settings) -> bytes:
    """FTA_REPLY_KEY (a Key Vault reference in Azure), or a key generated once into FTA_DATA_DIR."""
    given = settings.reply_key.get_secret_value()
    if given:
        return given.encode("utf-8")
    import secrets

    path = settings.data_dir / "reply.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="ascii", opener=lambda p, f: os.open(p, f, 0o600)) as out:
                out.write(secrets.token_hex(32))
        except FileExistsError:  # another process of this app made it first
            pass
    return path.read_text(encoding="ascii").strip().encode("ascii")


def _render(name: str, values: dict[str, Any]):
    from shared.adapters.mail.render import render_email

    return render_email(name, values)


def build(settings: Settings | None = None, clock: Clock = system_clock) -> Runtime:
    settings = settings or load_settings()
    routing = load_routing_file(settings)
    teams = build_teams(settings, routing)
    from shared import telemetry

    telemetry.configure(settings.appinsights_connection_string.get_secret_value())
    clients: list[Any] = []
    store = build_store(settings, clock, clients)
    bus = build_bus(settings, routing, clock, clients)
    graph = build_graph(settings, clients)
    mailer = build_mailer(settings, graph)
    documents = build_documents(settings)
    if settings.faults:
        from shared.adapters.faults import FaultPlan, FaultyBus, FaultyDocuments, FaultyMailer, FaultyStore

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        plan = FaultPlan(settings.faults, settings.data_dir / "faults.log", settings.faults_seed)
        log.warning("FTA_FAULTS is set: injecting faults %s", sorted(settings.faults))
        store, bus, mailer = FaultyStore(store, plan), FaultyBus(bus, plan), FaultyMailer(mailer, plan)
        documents = FaultyDocuments(documents, plan)
    runtime = Runtime(
        policy=policy(settings, routing), routing=routing, calendar=BusinessCalendar.from_config(routing.business_calendar),
        requests=StoredRequests(store), idempotency=StoredIdempotencyKeys(store),
        notifications=StoredNotificationRecords(store), parked=StoredParkedMessages(store),
        submission_counts=StoredSubmissionCounts(store),
        bus=bus, mailer=mailer, render=_render, clock=clock,
        components={"store": store, "bus": bus, "email": mailer, "documents": documents, **({"teams": teams} if teams else {})},
        teams=teams, reports=StoredReadModel(store), settings=settings, store=store, clients=clients, documents=documents,
        inbox=build_inbox(settings, graph, store), replies=StoredReplyRecords(store),
    )
    return runtime


_context: Runtime | None = None


def context() -> Runtime:
    """The process's context, built on first use."""
    global _context
    if _context is None:
        with _lock:
            if _context is None:
                _context = build()
    return _context


def install(ctx: Runtime | None) -> Runtime | None:
    """Replace the process's context (devhost start-up, tests); returns the old one."""
    global _context
    with _lock:
        old, _context = _context, ctx
    return old
