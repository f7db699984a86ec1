"""What the operators' commands share: the app's settings, routing, queues and
store, built on first use and closed at the end."""

from __future__ import annotations

import argparse
from typing import Any

from shared.adapters.repositories import StoredParkedMessages, StoredRequests
from shared.app.ports import ParkedMessages, RequestRepository
from shared.bootstrap import Runtime, build, build_store, load_routing_file
from shared.domain.routing import Routing
from shared.settings import Settings

from ops.errors import OpsError
from ops.queues import Queues, open_queues


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


def known_subscription(session: Session, subscription: str) -> None:
    names = session.queues().names()
    if subscription not in names:
        raise OpsError(f"no subscription {subscription} (known: {', '.join(names)})")


def require_targets(args: argparse.Namespace, what: str) -> None:
    if args.all and args.targets:
        args.parser.error(f"give {what} or --all, not both")
    if not args.all and not args.targets:
        args.parser.error(f"give {what} or --all")
