"""Sample request bodies, principals and email contexts shared by the tests and the benchmarks."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

NAME_TYP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
ROLE_TYP = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"


def form(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tpid": "123456",
        "tenant": "contoso.onmicrosoft.com",
        "customerName": "Contoso Ltd",
        "partner": "Fabrikam Partners",
        "totalUsers": 5000,
        "segment": "enterprise",
        "entitlements": ["microsoft-365", "ems"],
        "salesStagePercent": 60,
        "compellingEvent": "Signed Microsoft 365 E5 commitment for FY27",
        "requestType": "non-ecif",
        "instructions": "Discovery workshop for Exchange Online migration.",
        "region": "emea",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def sow_form(**overrides: Any) -> dict[str, Any]:
    return form(requestType="sow-ecif", fundingAmountUsd=120000, **overrides)


def migration_form(**overrides: Any) -> dict[str, Any]:
    return form(
        requestType="migration-exception",
        migration={"mailboxCount": 800, "sourceEnvironment": "Exchange 2013", "justification": "Legacy archive"},
        **overrides,
    )


def principal_header(email: str, roles: tuple[str, ...] = (), name: str | None = None) -> str:
    claims = [{"typ": NAME_TYP, "val": email}, {"typ": "name", "val": name or email}]
    claims += [{"typ": ROLE_TYP, "val": role} for role in roles]
    payload = {"auth_typ": "aad", "name_typ": NAME_TYP, "role_typ": ROLE_TYP, "claims": claims}
    return base64.b64encode(json.dumps(payload).encode()).decode()


REQUESTOR = "alex@contoso.com"
OTHER = "sam@contoso.com"
LEAD = "lee@contoso.com"
ADMIN = "ada@contoso.com"


EVENTS = Path(__file__).resolve().parent / "events"


def load_event(name: str) -> dict[str, Any]:
    """A sample payload from ``tests/events``."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def email_context_sample(template: str, variant: str = "full", **request_changes: Any) -> dict[str, Any]:
    """A template context built from the sample request (``full`` or ``minimal``) and event data."""
    from shared.app.emails import template_context as email_context

    sample = load_event(f"email_context_{variant}.json")
    event = load_event("email_event_data.json")[template]
    request = {**sample["request"], **request_changes}
    if variant == "minimal" and template == "cancelled":
        event = {**event, "data": {}}
    return email_context(
        request,
        {"id": f"{request['id']}.3", "occurredAt": "2024-05-07T10:15:00Z", **event},
        request_url=sample["request_url"],
        dashboard_url=sample["dashboard_url"],
        lead_group=sample["lead_group"],
        escalate_to=sample["escalate_to"],
    )
