"""Delivery through Microsoft Graph as the service's shared mailbox, with the
app's managed identity (no secret): ``POST /users/{sender}/sendMail`` with the
same raw MIME as every transport, base64-encoded as ``text/plain``, so the
Message-ID, Reply-To and every header reach the recipient unchanged.
https://learn.microsoft.com/en-us/graph/api/user-sendmail?view=graph-rest-1.0
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from shared.adapters.graph.client import GraphClient, GraphUnavailable, graph_error_code
from shared.adapters.mail.mime import to_mime
from shared.app.ports import Email, PermanentMailError, TransientMailError


class GraphMailer:
    name = "graph"

    def __init__(self, client: GraphClient, sender: str):
        self._client = client
        self.sender = sender

    def send(self, email: Email) -> None:
        if not email.to:
            raise PermanentMailError("graph: the email has no recipient")
        raw = base64.b64encode(to_mime(email).as_bytes())
        try:
            response = self._client.request("POST", f"/users/{quote(self.sender, safe='@')}/sendMail", content=raw,
                                            headers={"Content-Type": "text/plain"})
        except GraphUnavailable as exc:
            raise TransientMailError(str(exc)) from None
        if response.status_code == 202:
            return
        code = graph_error_code(response)
        if response.status_code >= 500:
            raise TransientMailError(f"graph: {response.status_code} {code}")
        # 400 (a message Exchange refuses), 403 (no permission for this mailbox), 404 (no such mailbox):
        # sending again would fail again; the consumer parks it with this reason.
        raise PermanentMailError(f"graph: {response.status_code} {code}")

    def health(self) -> dict[str, Any]:
        status: dict[str, Any] = {"backend": "graph", "sender": self.sender}
        try:
            self._client._bearer()
        except Exception as exc:  # noqa: BLE001 - any credential failure means "cannot send"
            return {**status, "ok": False, "error": exc.__class__.__name__}
        return {**status, "ok": True}

    def close(self) -> None:
        self._client.close()
