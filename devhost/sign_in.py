"""devhost's stand-in for App Service Authentication's own routes:
``/.auth/login`` (and ``/.auth/login/aad``) shows a chooser of the people in
the routing file, or any address; the choice is kept in a cookie and devhost
passes that person's principal to the functions, as Easy Auth does;
``/.auth/logout`` signs out; ``/.auth/me`` answers with the user's claims.

A principal header sent by the caller still wins (the tests send one), and
without a choice devhost falls back to ``FTA_DEV_USER``.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import parse_qsl

from devhost.people import Person
from devhost.principal import IDENTITY_PROVIDER, NAME_TYPE, PRINCIPAL, claims_of
from shared.domain.principal import ADMIN, LEAD

COOKIE = "AppServiceAuthSession"
SIGNED_OUT = "signed-out"
ROLES = (LEAD, ADMIN)
EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$")
MAX_NAME = 200

Answer = tuple[int, list[tuple[str, str]], bytes]


class BadRequest(ValueError):
    pass


def safe_redirect(target: str | None) -> str:
    """A path on this site to go to afterwards; anything else is refused."""
    if target is None or target == "":
        return "/"
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 32 or ord(c) == 127 for c in target) or len(target) > 2000):
        raise BadRequest("post_login_redirect_uri and post_logout_redirect_uri must be a path on this site, like /queue")
    return target


def _cookie(value: str, *, max_age: int | None = None) -> tuple[str, str]:
    extra = f"; Max-Age={max_age}" if max_age is not None else ""
    return "set-cookie", f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{extra}"


def _encode(person: Person) -> str:
    raw = json.dumps({"email": person.email, "name": person.name, "roles": list(person.roles)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(value: str) -> Person | None:
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8"))
        email, name, roles = data["email"], data["name"], data["roles"]
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError):
        return None
    if not (isinstance(email, str) and EMAIL.match(email) and isinstance(name, str) and isinstance(roles, list)):
        return None
    return Person(email, _clean_name(name, email), tuple(r for r in roles if r in ROLES))


def _clean_name(name: str, email: str) -> str:
    name = " ".join(name.split())[:MAX_NAME]
    return name if name and not any(ord(c) < 32 or ord(c) == 127 for c in name) else email


def cookies(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            found.setdefault(name, value)
    return found


@dataclass
class SignIn:
    people: list[Person]
    dev_user: str = ""
    dev_roles: tuple[str, ...] = ()

    def identity(self, headers: dict[str, str]) -> Person | None:
        """Who devhost signs the request in as: the chosen person, nobody after a
        sign-out, else ``FTA_DEV_USER`` (``None``: nobody)."""
        value = cookies(headers.get("cookie", "")).get(COOKIE)
        if value == SIGNED_OUT:
            return None
        chosen = _decode(value) if value else None
        if chosen is not None:
            return chosen
        return Person(self.dev_user, "", self.dev_roles) if self.dev_user else None

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes,
               signed_in: Person | None) -> Answer:
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            if path in ("/.auth/login", "/.auth/login/aad"):
                if method == "POST":
                    return self._choose(headers, body)
                if method == "GET":
                    return self._page(safe_redirect(params.get("post_login_redirect_uri")))
                return _error(405, "method-not-allowed", "allowed: GET, POST", [("allow", "GET, POST")])
            if method != "GET":
                return _error(405, "method-not-allowed", "allowed: GET", [("allow", "GET")])
            if path == "/.auth/logout":
                target = safe_redirect(params.get("post_logout_redirect_uri"))
                return 302, [("location", target), _cookie(SIGNED_OUT), ("cache-control", "no-store")], b""
            if path == "/.auth/me":
                sent = headers.get(PRINCIPAL)
                if sent is not None:
                    return _json(200, _me_from_header(sent))
                return _json(200, [] if signed_in is None else [_me(signed_in)])
        except BadRequest as exc:
            return _error(400, "bad-request", str(exc))
        return _error(404, "not-found", "devhost answers /.auth/login, /.auth/login/aad, /.auth/logout and /.auth/me")

    def _choose(self, headers: dict[str, str], body: bytes) -> Answer:
        origin = headers.get("origin")
        host = headers.get("host", "")
        if origin and origin not in ("null",) and origin.split("://", 1)[-1] != host:
            return _error(403, "forbidden", "sign-in is accepted only from devhost's own page")
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        target = safe_redirect(form.get("post_login_redirect_uri"))
        chosen = form.get("email", "")
        if chosen:
            person = next((p for p in self.people if p.email == chosen), None)
            if person is None:
                raise BadRequest(f"email: {chosen[:80]!r} is not one of the people offered; use the address field")
        else:
            address = form.get("address", "").strip().lower()
            if not EMAIL.match(address):
                raise BadRequest("address: an email address is required, like someone@contoso.com")
            roles = tuple(role for role in ROLES if form.get(role) == "on")
            person = Person(address, _clean_name(form.get("name", ""), address), roles)
        return 303, [("location", target), _cookie(_encode(person)), ("cache-control", "no-store")], b""

    def _page(self, target: str) -> Answer:
        def button(person: Person) -> str:
            roles = ", ".join(person.roles) or "no app role"
            return (f'<li><button type="submit" name="email" value="{html.escape(person.email)}">'
                    f'<strong>{html.escape(person.name)}</strong> <span>{html.escape(person.email)}</span>'
                    f' <span>{html.escape(person.part)} · {html.escape(roles)}</span></button></li>')

        hidden = f'<input type="hidden" name="post_login_redirect_uri" value="{html.escape(target)}">'
        role_boxes = "".join(
            f'<label><input type="checkbox" name="{role}"> {role}</label>' for role in ROLES)
        page = PAGE.format(
            hidden=hidden, people="".join(button(p) for p in self.people), roles=role_boxes,
            action="/.auth/login/aad",
        )
        return 200, [("content-type", "text/html; charset=utf-8"), ("cache-control", "no-store"),
                     ("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
                                                 " base-uri 'none'; frame-ancestors 'none'"),
                     ("x-content-type-options", "nosniff")], page.encode("utf-8")


def _me(person: Person) -> dict:
    return {"provider_name": IDENTITY_PROVIDER, "user_id": person.email,
            "user_claims": claims_of(person.email, person.roles, person.name)}


def _me_from_header(value: str) -> list[dict]:
    """What Easy Auth's /.auth/me says of a principal the caller sent itself."""
    try:
        data = json.loads(base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8"))
        claims = [{"typ": str(c["typ"]), "val": str(c["val"])} for c in data["claims"]]
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError):
        return []
    name_type = data.get("name_typ") or NAME_TYPE
    user = next((c["val"] for c in claims if c["typ"] == name_type), "")
    return [{"provider_name": str(data.get("auth_typ") or IDENTITY_PROVIDER), "user_id": user, "user_claims": claims}]


def _json(status: int, payload: object, extra: Iterable[tuple[str, str]] = ()) -> Answer:
    return status, [("content-type", "application/json; charset=utf-8"), ("cache-control", "no-store"), *extra], \
        json.dumps(payload, separators=(",", ":")).encode("utf-8")


def _error(status: int, code: str, message: str, extra: Iterable[tuple[str, str]] = ()) -> Answer:
    return _json(status, {"error": code, "message": message, "details": []}, extra)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · FTA Requests (devhost)</title>
<style>
body {{ font-family: "Segoe UI", system-ui, sans-serif; margin: 0; color: #242424; background: #fafafa; }}
main {{ max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem; }}
h1 {{ font-size: 1.75rem; font-weight: 600; margin: 0 0 .5rem; }}
ul {{ list-style: none; padding: 0; margin: 0 0 1.5rem; display: grid; gap: .5rem; }}
button {{ width: 100%; text-align: left; font: inherit; padding: .75rem 1rem; border: 1px solid #d1d1d1;
  border-radius: 4px; background: #fff; color: #242424; cursor: pointer; display: grid; gap: .125rem; }}
button:hover {{ background: #f0f0f0; }}
button:focus-visible, input:focus-visible {{ outline: 2px solid #0f6cbd; outline-offset: 2px; }}
button span {{ color: #424242; font-size: .875rem; }}
fieldset {{ border: 1px solid #d1d1d1; border-radius: 4px; padding: 1rem; display: grid; gap: .75rem; background: #fff; }}
input[type=email], input[type=text] {{ font: inherit; padding: .5rem; border: 1px solid #616161; border-radius: 4px; }}
label {{ display: grid; gap: .25rem; }}
.roles {{ display: flex; gap: 1.5rem; }} .roles label {{ display: flex; gap: .5rem; align-items: center; }}
.primary {{ background: #0f6cbd; color: #fff; border-color: #0f6cbd; text-align: center; }}
.primary:hover {{ background: #115ea3; }}
</style></head>
<body><main>
<h1>Sign in</h1>
<p>devhost plays App Service Authentication: choose who you are. In Azure this is the Microsoft Entra sign-in.</p>
<form method="post" action="{action}">{hidden}
<h2>People in the routing file</h2>
<ul>{people}</ul>
</form>
<form method="post" action="{action}">{hidden}
<fieldset><legend>Any address</legend>
<label>Email address <input type="email" name="address" required autocomplete="email"></label>
<label>Display name (optional) <input type="text" name="name" maxlength="200" autocomplete="name"></label>
<div class="roles">{roles}</div>
<button type="submit" class="primary">Sign in</button>
</fieldset></form>
</main></body></html>
"""
