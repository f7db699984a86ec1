"""What every HTTP function shares: the caller's principal, reading a JSON
body, JSON answers, and turning the use cases' refusals into status codes
(the only place that knows them)."""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import urlparse

import azure.functions as func

from functions.auth import Unauthenticated, principal_from_headers
from shared import telemetry
from shared.app.errors import (
    AppError,
    Busy,
    Forbidden,
    IdempotencyKeyReused,
    Ineligible,
    InvalidInput,
    NotFound,
    StaleVersion,
    TooManySubmissions,
    TooLarge,
    UnsupportedContent,
    WrongState,
)
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.http")

JSON = "application/json"
MULTIPART = "multipart/form-data"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 12


class HttpRefusal(Exception):
    """An answer decided by the HTTP layer itself (size, encoding, shape of the body)."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


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


def invalid(message: str, details: list[dict[str, Any]] | None = None) -> HttpRefusal:
    return HttpRefusal(400, "invalid-request", message, details)


# -- the body ---------------------------------------------------------------------------


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_shape(data: Any) -> None:
    """One walk over a parsed body: too deep is refused first, then a lone surrogate."""
    stack = [(data, 1)]
    lone_surrogate = False
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise invalid(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            lone_surrogate = lone_surrogate or any(not _encodable(k) for k in item)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            lone_surrogate = lone_surrogate or not _encodable(item)
    if lone_surrogate:
        raise invalid("the body holds invalid Unicode (a lone surrogate)")


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


def decode_json(text: str) -> Any:
    """The one JSON decoder of every body: a key written twice in an object is
    refused (``DuplicateKey``), never "the last one wins"."""
    return json.loads(text, object_pairs_hook=_object_without_duplicates)


def json_body(req: func.HttpRequest, *, required: bool = True) -> dict[str, Any]:
    body = req.get_body() or b""
    if len(body) > MAX_BODY_BYTES:
        raise HttpRefusal(413, "payload-too-large",
                          f"the body is {len(body)} bytes; at most {MAX_BODY_BYTES} are accepted")
    if not body.strip():
        if required:
            raise invalid("the body must be a JSON object", [{"field": "", "message": "empty body"}])
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("the body is not valid UTF-8") from None
    try:
        data = decode_json(text)
    except DuplicateKey as exc:
        field = exc.key if _encodable(exc.key) else "?"
        raise HttpRefusal(400, "duplicate-key", f"the body gives the key {field!r} twice in one object",
                          [{"field": field, "message": "is given twice", "type": "duplicate_key"}]) from None
    except (json.JSONDecodeError, RecursionError):
        raise invalid("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid("the body must be a JSON object")
    _check_shape(data)
    return data


# -- cross-site writes ---------------------------------------------------------------------
# The platform's sign-in cookie rides along on a request another site makes the
# browser send; a state-changing call is refused when the browser says it comes
# from another site, or when its body is not one a plain HTML form can post.


def _header(req: func.HttpRequest, name: str) -> str:
    return (req.headers.get(name) or "").strip()


def addressed_origin(req: func.HttpRequest) -> str | None:
    """The scheme and ``Host`` the call was addressed to."""
    from shared.settings import origin_of  # pydantic loads on the first call, not when the host indexes the app

    scheme = urlparse(req.url).scheme or "https"
    host = _header(req, "Host") or urlparse(req.url).netloc
    return origin_of(f"{scheme}://{host}") if host else None


def _trusted_origin(req: func.HttpRequest, origin: str, trusted: frozenset[str]) -> bool:
    from shared.settings import origin_of

    given = origin_of(origin)
    return given is not None and (given in trusted or given == addressed_origin(req))


def refuse_cross_site(req: func.HttpRequest, trusted: frozenset[str]) -> None:
    """The browser's word (``Sec-Fetch-Site``) and the ``Origin`` it names: a
    state-changing call is ours when it comes from this origin or one allowed.
    ``same-site`` is another application under the same registrable domain, not us."""
    fetch_site = _header(req, "Sec-Fetch-Site").lower()
    if fetch_site == "cross-site":
        raise HttpRefusal(403, "cross-site", "a page on another site cannot change anything here")
    origin = _header(req, "Origin")
    if origin.lower() == "null":
        # An opaque origin (a sandboxed frame, or a page whose referrer policy hides its origin):
        # only the browser's own word that the call comes from this origin lets it through.
        if fetch_site == "same-origin":
            return
        raise HttpRefusal(403, "cross-site", "a call from an opaque origin cannot change anything here")
    if origin and not _trusted_origin(req, origin, trusted):
        raise HttpRefusal(403, "cross-site", "calls from this origin cannot change anything here")
    if fetch_site not in ("", "same-origin", "none") and not origin:
        raise HttpRefusal(403, "cross-site",
                          f"a call the browser marks {fetch_site} must name this origin or an allowed one")


def refuse_unaccepted_body(req: func.HttpRequest, accept: tuple[str, ...]) -> None:
    if not req.get_body():
        return
    media_type = _header(req, "Content-Type").split(";", 1)[0].strip().lower()
    if media_type not in accept:
        raise HttpRefusal(415, "unsupported-media-type",
                          f"the body must be sent as {' or '.join(accept)}",
                          [{"field": "Content-Type", "message": f"must be {' or '.join(accept)}", "type": "header"}])


# -- running a use case --------------------------------------------------------------------

STATUS_FOR: dict[type[AppError], int] = {
    InvalidInput: 400,
    Forbidden: 403,
    NotFound: 404,
    WrongState: 409,
    StaleVersion: 412,
    TooLarge: 413,
    UnsupportedContent: 415,
    Ineligible: 422,
    IdempotencyKeyReused: 422,
    TooManySubmissions: 429,
    Busy: 503,
}


def handle(req: func.HttpRequest, action: Callable[[Any, Principal], func.HttpResponse], *,
           accept: tuple[str, ...] = (JSON,)) -> func.HttpResponse:
    """Run ``action`` for the signed-in caller. A state-changing call must come
    from a trusted origin (or name none) and send its body as one of ``accept``."""
    # The use cases (and pydantic with them) load on the first call, not when the host indexes the app.
    from shared import bootstrap
    from shared.app.ports import TransientStoreError

    try:
        principal = principal_from_headers(req.headers)
    except Unauthenticated as exc:
        return error_response(401, "unauthenticated", str(exc))
    telemetry.set_request_id(req.route_params.get("id") or None)
    try:
        ctx = bootstrap.context()
        if req.method.upper() not in SAFE_METHODS:
            refuse_cross_site(req, ctx.settings.trusted_origins)
            refuse_unaccepted_body(req, accept)
        return action(ctx, principal)
    except HttpRefusal as exc:
        return error_response(exc.status, exc.code, exc.message, exc.details)
    except AppError as exc:
        retry = {"Retry-After": str(exc.retry_after_seconds)} if isinstance(exc, TooManySubmissions) else None
        return json_response(exc.to_dict(), STATUS_FOR.get(type(exc), 400), retry)
    except TransientStoreError:
        log.warning("store unavailable")
        return error_response(503, "unavailable", "the store is unavailable; try again")
