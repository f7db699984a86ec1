"""Sample request bodies and principals shared by the tests."""

from __future__ import annotations

import base64
import json
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
