"""A local Microsoft Graph peer: a real HTTP server speaking the v1.0 shapes the
service uses, and App Service's managed-identity token endpoint, so that the
adapters talk to it over real HTTP exactly as to Graph in Azure.

Shapes from Microsoft's Graph v1.0 reference:
- sendMail (JSON or MIME as base64 text/plain, 202 Accepted):
  https://learn.microsoft.com/en-us/graph/api/user-sendmail?view=graph-rest-1.0
- message delta (``@odata.nextLink``, ``@odata.deltaLink``, ``@removed``; ``Prefer: odata.maxpagesize``):
  https://learn.microsoft.com/en-us/graph/api/message-delta?view=graph-rest-1.0
- a message's MIME, ``GET /users/{id}/messages/{id}/$value``:
  https://learn.microsoft.com/en-us/graph/outlook-get-mime-message
- move (``{"destinationId": ...}``, 201 with the moved message):
  https://learn.microsoft.com/en-us/graph/api/message-move?view=graph-rest-1.0
- automaticRepliesSetting (status disabled | alwaysEnabled | scheduled, dateTimeTimeZone):
  https://learn.microsoft.com/en-us/graph/api/resources/automaticrepliessetting?view=graph-rest-1.0
- errors ``{"error": {"code", "message"}}``, throttling 429 with Retry-After:
  https://learn.microsoft.com/en-us/graph/errors, https://learn.microsoft.com/en-us/graph/throttling
- the App Service token endpoint (``IDENTITY_ENDPOINT``, ``X-IDENTITY-HEADER``, api-version 2019-08-01):
  https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

IDENTITY_HEADER = "peer-identity-secret"


class GraphPeer:
    def __init__(self, mailbox: str = "fta@contoso.com"):
        self.mailbox = mailbox.lower()
        self.sent: list[email.message.EmailMessage] = []
        self.failures: list[tuple[int, dict[str, str], str]] = []  # answered before the next sendMail succeeds
        self.tokens_issued = 0
        self.requests: list[tuple[str, str]] = []
        self.inbox: list[tuple[int, str, bytes]] = []  # (sequence, id, MIME)
        self.moved: list[tuple[str, str]] = []
        self.auto_replies: dict[str, dict] = {}
        self._sequence = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- what a test sets up ---------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def env(self) -> dict[str, str]:
        return {"FTA_EMAIL": "graph", "FTA_MAIL_SENDER": self.mailbox, "FTA_GRAPH_URL": f"{self.url}/v1.0",
                "IDENTITY_ENDPOINT": f"{self.url}/msi/token", "IDENTITY_HEADER": IDENTITY_HEADER}

    def fail_next(self, status: int, code: str, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.failures.append((status, headers, code))

    def deliver(self, raw: bytes) -> str:
        """A message arriving in the shared mailbox's inbox; its id."""
        with self._lock:
            self._sequence += 1
            message_id = f"AAMkAD{self._sequence:06d}="
            self.inbox.append((self._sequence, message_id, raw))
            return message_id

    def __enter__(self) -> "GraphPeer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the server ------------------------------------------------------------------

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, body: dict | bytes | None = None, headers: dict | None = None) -> None:
                data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if body is not None and not isinstance(body, bytes):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, code: str, headers: dict | None = None) -> None:
                self._answer(status, {"error": {"code": code, "message": f"{code} (local Graph peer)"}}, headers)

            def _authorised(self) -> bool:
                if not (self.headers.get("Authorization") or "").startswith("Bearer peer-token-"):
                    self._error(401, "InvalidAuthenticationToken")
                    return False
                return True

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                url = urlparse(self.path)
                peer.requests.append(("GET", url.path))
                if url.path == "/msi/token":
                    if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                        return self._answer(400, {"error": "invalid identity header"})
                    with peer._lock:
                        peer.tokens_issued += 1
                        token = f"peer-token-{peer.tokens_issued}"
                    return self._answer(200, {"access_token": token, "expires_on": str(int(time.time()) + 3600),
                                              "resource": parse_qs(url.query).get("resource", [""])[0],
                                              "token_type": "Bearer"})
                if not self._authorised():
                    return None
                parts = [unquote(p) for p in url.path.split("/")[2:]]  # after /v1.0
                if parts[:1] != ["users"]:
                    return self._error(404, "ResourceNotFound")
                if parts[2:] == ["mailFolders", "inbox", "messages", "delta"]:
                    return self._delta(parse_qs(url.query))
                if len(parts) == 5 and parts[2] == "messages" and parts[4] == "$value":
                    found = [raw for _, mid, raw in peer.inbox if mid == parts[3]]
                    return self._answer(200, found[0], {"Content-Type": "text/plain"}) if found else \
                        self._error(404, "ErrorItemNotFound")
                if parts[2:] == ["mailboxSettings", "automaticRepliesSetting"]:
                    return self._answer(200, peer.auto_replies.get(parts[1].lower(), {"status": "disabled"}))
                return self._error(404, "ResourceNotFound")

            def _delta(self, query: dict) -> None:
                start = int((query.get("$deltatoken") or query.get("$skiptoken") or ["0"])[0])
                size = 2
                prefer = self.headers.get("Prefer") or ""
                if "odata.maxpagesize=" in prefer:
                    size = min(size, int(prefer.split("odata.maxpagesize=")[1].split(",")[0]))
                with peer._lock:
                    newer = [(seq, mid) for seq, mid, _ in peer.inbox if seq > start]
                    removed = [mid for mid, _ in peer.moved]
                page = newer[:size]
                base = f"{peer.url}/v1.0/users/{peer.mailbox}/mailFolders/inbox/messages/delta"
                body: dict = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(message)",
                              "value": [{"@odata.type": "#microsoft.graph.message", "id": mid} for _, mid in page]}
                if start == 0 and removed:
                    body["value"] += [{"@odata.type": "#microsoft.graph.message", "id": mid,
                                       "@removed": {"reason": "deleted"}} for mid in removed]
                last = page[-1][0] if page else start
                if len(newer) > size:
                    body["@odata.nextLink"] = f"{base}?$skiptoken={last}"
                else:
                    body["@odata.deltaLink"] = f"{base}?$deltatoken={last}"
                self._answer(200, body)

            def do_POST(self) -> None:
                url = urlparse(self.path)
                peer.requests.append(("POST", url.path))
                if not self._authorised():
                    return None
                parts = [unquote(p) for p in url.path.split("/")[2:]]
                body = self._body()
                if len(parts) == 3 and parts[0] == "users" and parts[2] == "sendMail":
                    if parts[1].lower() != peer.mailbox:
                        return self._error(403, "ErrorAccessDenied")
                    with peer._lock:
                        failure = peer.failures.pop(0) if peer.failures else None
                    if failure is not None:
                        status, headers, code = failure
                        return self._error(status, code, headers)
                    if not (self.headers.get("Content-Type") or "").startswith("text/plain"):
                        return self._error(400, "ErrorMimeContentInvalid")
                    try:
                        raw = base64.b64decode(body, validate=True)
                    except ValueError:
                        return self._error(400, "ErrorMimeContentInvalidBase64String")
                    peer.sent.append(email.message_from_bytes(raw, policy=email.policy.default))
                    return self._answer(202)
                if len(parts) == 5 and parts[2] == "messages" and parts[4] == "move":
                    destination = json.loads(body or b"{}").get("destinationId")
                    with peer._lock:
                        found = [entry for entry in peer.inbox if entry[1] == parts[3]]
                        if not found:
                            return self._error(404, "ErrorItemNotFound")
                        peer.inbox.remove(found[0])
                        peer.moved.append((parts[3], destination))
                    return self._answer(201, {"id": parts[3] + "moved", "parentFolderId": destination})
                return self._error(404, "ResourceNotFound")

        return Handler
