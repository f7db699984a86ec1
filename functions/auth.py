"""Who is calling: the principal that App Service Authentication passes in
``X-MS-CLIENT-PRINCIPAL`` (base64 JSON with claims)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Mapping

from shared.domain.principal import Principal

PRINCIPAL_HEADER = "x-ms-client-principal"

_EMAIL_CLAIMS = (
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "email",
    "emails",
    "preferred_username",
    "upn",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
)
_ROLE_CLAIMS = ("roles", "role", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role")


class Unauthenticated(Exception):
    """No usable principal: the caller is not signed in."""


def _looks_like_email(value: str) -> bool:
    return "@" in value and " " not in value and "\r" not in value and "\n" not in value and len(value) <= 254


def principal_from_headers(headers: Mapping[str, str]) -> Principal:
    raw = None
    for key, value in headers.items():
        if key.lower() == PRINCIPAL_HEADER:
            raw = value
            break
    if not raw:
        raise Unauthenticated("sign-in required")
    try:
        padded = raw.strip() + "=" * (-len(raw.strip()) % 4)
        data = json.loads(base64.b64decode(padded, validate=False).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Unauthenticated("the client principal header is not valid") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise Unauthenticated("the client principal header has no claims")

    name_typ = data.get("name_typ") or ""
    role_typ = data.get("role_typ") or ""
    claims: list[tuple[str, str]] = [
        (str(c.get("typ", "")), str(c.get("val", "")))
        for c in data["claims"]
        if isinstance(c, dict)
    ]

    email = ""
    for wanted in ((name_typ,) if name_typ else ()) + _EMAIL_CLAIMS:
        for typ, val in claims:
            if typ == wanted and _looks_like_email(val):
                email = val.strip().lower()
                break
        if email:
            break
    if not email:
        raise Unauthenticated("the client principal has no email claim")

    display = next((val for typ, val in claims if typ == "name" and val), email)
    role_types = {role_typ, *_ROLE_CLAIMS} - {""}
    roles = frozenset(val for typ, val in claims if typ in role_types and val)
    return Principal(email=email, name=display.replace("\r", " ").replace("\n", " ")[:200], roles=roles)
