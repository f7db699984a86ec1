"""Run the app's own functions over the embedded adapters, in process.

``App`` builds a context on a temporary data directory (SQLite store, embedded
bus, outbox mail, a manual clock), calls HTTP functions with real
``func.HttpRequest`` objects and drains the bus through the topic-trigger
functions with messages built as the Python worker builds them.
"""

from __future__ import annotations

import email
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import azure.functions as func

import function_app
from devhost.servicebus import to_function_message
from shared import bootstrap, topology
from tests.clock import ManualClock
from shared.settings import load_settings
from tests.factories import principal_header

START = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)  # a Tuesday, in business hours

# The library lets get_functions() run once per app object (a second call
# reports every name as a duplicate), so every test reads this one catalogue.
FUNCTIONS = {f.get_function_name(): f for f in function_app.app.get_functions()}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class App:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, clock: ManualClock | None = None):
        self.env = {"FTA_DATA_DIR": str(data_dir), **(env or {})}
        self.clock = clock or ManualClock(START)
        self.ctx = bootstrap.build(load_settings(self.env), clock=self.clock)
        self._previous = bootstrap.install(self.ctx)

    def close(self) -> None:
        bootstrap.install(self._previous)
        self.ctx.close()

    # -- HTTP ------------------------------------------------------------------

    def call(self, name: str, method: str, url: str, *, body: Any = None, user: str | None = None,
             roles: tuple[str, ...] = (), headers: dict[str, str] | None = None,
             route_params: dict[str, str] | None = None, params: dict[str, str] | None = None) -> Answer:
        raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
        all_headers = dict(headers or {})
        if raw and not any(k.lower() == "content-type" for k in all_headers):
            all_headers["Content-Type"] = "application/json"  # as the page and every API client send a body
        if user is not None:
            all_headers["X-MS-CLIENT-PRINCIPAL"] = principal_header(user, roles)
        request = func.HttpRequest(method=method, url=url, headers=all_headers, params=params or {},
                                   route_params=route_params or {}, body=raw)
        response = FUNCTIONS[name].get_user_function()(request)
        text = response.get_body().decode("utf-8")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Answer(response.status_code, dict(response.headers), parsed)

    def submit(self, body: Any, user: str, **kw) -> Answer:
        return self.call("create_request", "POST", "http://localhost/api/requests", body=body, user=user, **kw)

    def get(self, request_id: str, user: str, roles: tuple[str, ...] = ()) -> Answer:
        return self.call("get_request", "GET", f"http://localhost/api/requests/{request_id}",
                         user=user, roles=roles, route_params={"id": request_id})

    def list(self, user: str, roles: tuple[str, ...] = (), **params: str) -> Answer:
        return self.call("list_requests", "GET", "http://localhost/api/requests", user=user, roles=roles, params=params)

    def act(self, action: str, request_id: str, user: str, roles: tuple[str, ...] = (), body: Any = None,
            headers: dict[str, str] | None = None) -> Answer:
        return self.call(f"{action}_request", "POST", f"http://localhost/api/requests/{request_id}/{action}",
                         body=body, user=user, roles=roles, headers=headers, route_params={"id": request_id})

    def health_details(self) -> Answer:
        return self.call("health_details", "GET", "http://localhost/api/health/details", user="ops@contoso.com",
                         roles=("FTA.Admin",))

    # -- bus ---------------------------------------------------------------------

    def pump(self, max_rounds: int = 100) -> dict[str, int]:
        """Deliver every message on the embedded bus to its function; returns
        how many each subscription completed. A raising function abandons its
        message (redelivered on a later round, as the host does)."""
        names = {topology.ROUTE_TO_LEADS: "route_to_leads", topology.NOTIFY: "notify",
                 topology.TEAMS: "post_to_teams", topology.REPORTING: "update_reports"}
        handled = {subscription: 0 for subscription in names}
        for _ in range(max_rounds):
            progressed = False
            for subscription, name in names.items():
                for message in self.ctx.bus.receive(subscription, max_messages=50):
                    progressed = True
                    try:
                        FUNCTIONS[name].get_user_function()(to_function_message(message))
                    except Exception:
                        self.ctx.bus.abandon(message)
                        continue
                    self.ctx.bus.complete(message)
                    handled[subscription] += 1
            if not progressed:
                return handled
        return handled

    def run_timer(self, name: str) -> None:
        from azure.functions.timer import TimerRequest

        FUNCTIONS[name].get_user_function()(TimerRequest(past_due=False))

    # -- mail ---------------------------------------------------------------------

    def outbox(self) -> list[email.message.EmailMessage]:
        folder = self.ctx.settings.outbox_dir
        if not folder.exists():
            return []
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(folder.glob("*.eml"))]
