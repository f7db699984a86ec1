"""The HTTP side of devhost: a raw ASGI app that serves every HTTP-trigger
function on its route and the host's admin API, with the App Service
Authentication stand-in in front."""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import parse_qsl, unquote

import azure.functions as func

from devhost.catalog import Catalog, Function, HttpFunction
from devhost.invocation import Invoker, log_failure_stack, log_invocation
from devhost.principal import PRINCIPAL, principal_headers
from devhost.routes import RouteTable
from devhost.sign_in import SignIn

log = logging.getLogger("devhost.http")

MAX_BODY_BYTES = 1024 * 1024  # raised to the document uploads' limit when that is larger (DevHostApp)
DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES
ADMIN_PREFIX = ("admin", "functions")

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class NotRunnable(Exception):
    """The admin API cannot start this function (an HTTP function runs on its route)."""


class _ClientGone(Exception):
    pass


def _json_body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def error_payload(code: str, message: str) -> bytes:
    return _json_body({"error": code, "message": message, "details": []})


async def read_body(receive: Receive, declared_length: int | None,
                    limit: int = MAX_BODY_BYTES) -> tuple[bytes, bool]:
    """The request body, keeping at most ``limit`` bytes; ``True`` when it is longer."""
    chunks: list[bytes] = []
    seen = 0
    too_large = declared_length is not None and declared_length > limit
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone()
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            too_large = True
            chunks.clear()
        elif not too_large:
            chunks.append(chunk)
        if not message.get("more_body", False) or seen > max(DRAIN_LIMIT_BYTES, 2 * limit):
            break
    return (b"" if too_large else b"".join(chunks)), too_large


def request_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Header names in lower case; repeated headers joined, as the host does."""
    headers: dict[str, str] = {}
    for name_bytes, value_bytes in raw:
        name, value = name_bytes.decode("latin-1").lower(), value_bytes.decode("latin-1")
        if name in headers:
            headers[name] += ("; " if name == "cookie" else ", ") + value
        else:
            headers[name] = value
    return headers


def query_params(query_string: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def _check_header(name: str, value: str) -> None:
    if any(c in name + value for c in "\r\n"):
        raise ValueError("a response header contains a line break")
    name.encode("ascii")
    value.encode("latin-1")


def response_parts(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """A function's return value as status, headers and body (what the worker sends the host)."""
    if result is None:
        return 204, [], b""
    if isinstance(result, str):
        return 200, [("content-type", "text/plain; charset=utf-8")], result.encode("utf-8")
    if not isinstance(result, func.HttpResponse):
        raise TypeError(f"an HTTP function must return func.HttpResponse or str, not {type(result).__name__}")
    headers = [
        (name, str(value)) for name, value in result.headers.items()
        if name.lower() not in ("content-length", "transfer-encoding")
    ]
    for name, value in headers:
        _check_header(name, value)
    if not any(name.lower() == "content-type" for name, _ in headers):
        mimetype = result.mimetype
        headers.append(("content-type", f"{mimetype}; charset={result.charset}" if mimetype.startswith("text/") else mimetype))
    return int(result.status_code), headers, result.get_body() or b""


class DevHostApp:
    def __init__(
        self,
        catalog: Catalog,
        invoker: Invoker,
        *,
        run_now: Callable[[Function, str], None],
        dev_user: str = "",
        dev_roles: Iterable[str] = (),
        max_body_bytes: int = MAX_BODY_BYTES,
        sign_in: SignIn | None = None,
    ):
        self._catalog = catalog
        self._invoker = invoker
        self._run_now = run_now
        self._dev_user = dev_user
        self._dev_roles = tuple(dev_roles)
        self._sign_in = sign_in or SignIn([], dev_user, self._dev_roles)
        self._max_body_bytes = max(MAX_BODY_BYTES, max_body_bytes)
        self.routes: RouteTable[HttpFunction] = RouteTable()
        for function in catalog.of(HttpFunction):
            self.routes.add(function.route, function.methods, function)

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            await self._http(scope, receive, send)
        except _ClientGone:
            return

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict, receive: Receive, send: Send) -> None:
        method = scope["method"].upper()
        raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
        headers = request_headers(scope.get("headers", []))
        try:
            declared = int(headers["content-length"]) if "content-length" in headers else None
        except ValueError:
            declared = None
        body, too_large = await read_body(receive, declared, self._max_body_bytes)
        if too_large:
            await self._respond_json(send, 413, error_payload("payload-too-large", f"the request body is over {self._max_body_bytes} bytes"))
            return

        query = scope.get("query_string", b"").decode("latin-1")
        if raw_path.lower().startswith("/.auth/"):
            signed_in = self._sign_in.identity(headers) if PRINCIPAL not in headers else None
            await self._respond(send, *self._sign_in.handle(method, raw_path.lower(), query, headers, body, signed_in))
            return

        segments = [s for s in raw_path.split("/") if s]
        if len(segments) == 3 and tuple(s.lower() for s in segments[:2]) == ADMIN_PREFIX:
            await self._admin(send, method, segments[2], body)
            return

        match = self.routes.resolve(method, raw_path)
        if match is None:
            await self._respond_json(send, 404, error_payload("not-found", "no function serves this route"))
            return
        if not match.found:
            allow = ", ".join(sorted(match.allowed))
            await self._respond_json(
                send, 405, error_payload("method-not-allowed", f"allowed: {allow}"), extra=[("allow", allow)]
            )
            return

        function = match.target
        request = func.HttpRequest(
            method=method,
            url=self._url(scope, headers, raw_path, query),
            headers=self._with_identity(headers),
            params=query_params(query),
            route_params=match.route_params,
            body=body,
        )
        started = time.perf_counter()
        try:
            result = await self._invoker.call_from_loop(function, request)
            status, response_headers, response_body = response_parts(result)
        except Exception as exc:
            log_invocation(function, 500, started, logging.WARNING, method=method, error=type(exc).__qualname__)
            log_failure_stack(function, exc)
            await self._respond_json(send, 500, _json_body({"error": "internal", "message": "internal error"}))
            return
        log_invocation(function, status, started, method=method)
        await self._respond(send, status, response_headers, response_body)

    async def _admin(self, send: Send, method: str, name: str, body: bytes) -> None:
        if method != "POST":
            await self._respond_json(send, 405, error_payload("method-not-allowed", "allowed: POST"), extra=[("allow", "POST")])
            return
        function = self._catalog.named(unquote(name))
        if function is None:
            await self._respond_json(send, 404, error_payload("not-found", "no function has that name"))
            return
        try:
            document = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (UnicodeDecodeError, ValueError):
            await self._respond_json(send, 400, error_payload("bad-request", 'expected JSON {"input": "..."}'))
            return
        payload = document.get("input", "") if isinstance(document, dict) else None
        if payload is None:
            payload = ""
        if not isinstance(payload, str):
            await self._respond_json(send, 400, error_payload("bad-request", '"input" must be a string'))
            return
        try:
            self._run_now(function, payload)
        except NotRunnable as exc:
            await self._respond_json(send, 400, error_payload("not-supported", str(exc)))
            return
        await self._respond(send, 202, [], b"")

    def _with_identity(self, headers: dict[str, str]) -> dict[str, str]:
        if PRINCIPAL in headers:
            return headers
        person = self._sign_in.identity(headers)
        if person is None:
            return headers
        headers = {k: v for k, v in headers.items() if not k.startswith(PRINCIPAL)}
        headers.update(principal_headers(person.email, person.roles, person.name))
        return headers

    @staticmethod
    def _url(scope: dict, headers: dict[str, str], raw_path: str, query: str) -> str:
        host = headers.get("host")
        if not host:
            server = scope.get("server") or ("127.0.0.1", 80)
            host = f"{server[0]}:{server[1]}"
        url = f"{scope.get('scheme', 'http')}://{host}{raw_path}"
        return f"{url}?{query}" if query else url

    @staticmethod
    async def _respond(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        if status in (204, 304) or status < 200:
            body = b""
            raw_headers = []
        else:
            raw_headers = [(b"content-length", str(len(body)).encode("ascii"))]
        raw_headers += [(name.lower().encode("latin-1"), str(value).encode("latin-1")) for name, value in headers]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})

    async def _respond_json(self, send: Send, status: int, body: bytes, extra: list[tuple[str, str]] = ()) -> None:
        await self._respond(send, status, [("content-type", "application/json; charset=utf-8"), *extra], body)
