"""What every HTTP function shares: the caller's principal, JSON answers, and
mapping the use cases' errors to status codes (and nothing else)."""

from __future__ import annotations

import json
from typing import Any, Callable

import azure.functions as func

from shared import telemetry
from shared.auth import Principal, Unauthenticated, principal_from_headers
from shared.store.base import TransientStoreError

log = telemetry.get_logger("fta.http")

JSON = "application/json"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
        mimetype=JSON,
        charset="utf-8",
    )


def error_response(status: int, code: str, message: str, details: list | None = None, **extra: Any) -> func.HttpResponse:
    return json_response({"error": code, "message": message, "details": details or [], **extra}, status)


def etag_header(etag: str) -> dict[str, str]:
    return {"ETag": etag if etag.startswith('"') else f'"{etag}"'}


def if_match(req: func.HttpRequest) -> str | None:
    value = req.headers.get("If-Match")
    return value.strip() if value else None


def handle(req: func.HttpRequest, action: Callable[[Any, Principal], func.HttpResponse]) -> func.HttpResponse:
    # The use cases (and pydantic with them) load on the first call, not when the host indexes the app.
    from shared import bootstrap
    from shared.services import ServiceError

    try:
        principal = principal_from_headers(req.headers)
    except Unauthenticated as exc:
        return error_response(401, "unauthenticated", str(exc))
    telemetry.set_request_id(req.route_params.get("id") or None)
    try:
        return action(bootstrap.context(), principal)
    except ServiceError as exc:
        return json_response(exc.to_dict(), exc.status)
    except TransientStoreError:
        log.warning("store unavailable")
        return error_response(503, "unavailable", "the store is unavailable; try again")
