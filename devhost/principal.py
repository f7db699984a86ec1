"""The App Service Authentication stand-in: the ``X-MS-CLIENT-PRINCIPAL`` header
that Easy Auth passes to the app for a signed-in Entra ID user."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Iterable

NAME_TYPE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
ROLE_TYPE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
IDENTITY_PROVIDER = "aad"

PRINCIPAL = "x-ms-client-principal"
PRINCIPAL_NAME = "x-ms-client-principal-name"
PRINCIPAL_ID = "x-ms-client-principal-id"
PRINCIPAL_IDP = "x-ms-client-principal-idp"


def claims_of(email: str, roles: Iterable[str] = (), name: str = "") -> list[dict[str, str]]:
    """The user's claims as Easy Auth lists them (``name``: the display name, else the address)."""
    claims = [{"typ": NAME_TYPE, "val": email}, {"typ": "name", "val": name or email}]
    return claims + [{"typ": ROLE_TYPE, "val": role} for role in roles]


def build_principal(email: str, roles: Iterable[str] = (), name: str = "") -> str:
    """The base64 JSON that Easy Auth sends in ``X-MS-CLIENT-PRINCIPAL``."""
    claims = claims_of(email, roles, name)
    document = {"auth_typ": IDENTITY_PROVIDER, "name_typ": NAME_TYPE, "role_typ": ROLE_TYPE, "claims": claims}
    return base64.b64encode(json.dumps(document, separators=(",", ":")).encode("utf-8")).decode("ascii")


def principal_headers(email: str, roles: Iterable[str] = (), name: str = "") -> dict[str, str]:
    """Every header Easy Auth adds for a signed-in user (names in lower case)."""
    return {
        PRINCIPAL: build_principal(email, roles, name),
        PRINCIPAL_NAME: email,
        PRINCIPAL_ID: str(uuid.uuid5(uuid.NAMESPACE_URL, f"devhost:{email.lower()}")),
        PRINCIPAL_IDP: IDENTITY_PROVIDER,
    }
