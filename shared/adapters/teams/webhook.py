"""Teams channels reached through their incoming webhooks (Workflows), with
the standard library's HTTP client.

A webhook URL carries its own credential (the ``sig`` of a Workflows URL):
whoever has it can post to the channel. The URLs are held as ``SecretStr``
in a private mapping, never shown by ``repr``, and no error message or log line built here
contains one: failures name the lead group, the HTTP status or the kind of
network error, and a refusal's answer is quoted only with the URL's path and
query cut out.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Mapping
from urllib.parse import urlsplit

from pydantic import SecretStr

from shared.app.ports import TEAMS_POST_TIMEOUT_SECONDS, PermanentTeamsError, TransientTeamsError

_SIGNATURE = re.compile(r"(?i)\bsig=[^&\s\"']+")
EXCERPT_CHARS = 200


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class WebhookChannels:
    name = "webhook"

    def __init__(self, urls: Mapping[str, str], *, timeout: float = TEAMS_POST_TIMEOUT_SECONDS,
                 ssl_context: ssl.SSLContext | None = None):
        self.__urls = {group: SecretStr(url) for group, url in urls.items()}
        self.timeout = timeout
        self._ssl = ssl_context

    def __repr__(self) -> str:
        return f"WebhookChannels(groups={sorted(self.__urls)})"

    def has_channel(self, group_id: str) -> bool:
        return group_id in self.__urls

    def _redact(self, text: str, url: str) -> str:
        parts = urlsplit(url)
        for secret in (url, parts.query, parts.path if len(parts.path) > 1 else ""):
            if secret:
                text = text.replace(secret, "…")
        return _SIGNATURE.sub("sig=…", text)

    def _connection(self, url: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if parts.scheme == "https":
            context = self._ssl or ssl.create_default_context()
            return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=self.timeout, context=context), path
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout), path

    def post(self, group_id: str, message: dict[str, Any]) -> None:
        secret = self.__urls.get(group_id)
        if secret is None:
            raise PermanentTeamsError(f"lead group {group_id} has no Teams channel")
        url = secret.get_secret_value()
        where = f"Teams channel of {group_id}"
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        connection, path = self._connection(url)
        try:
            connection.request("POST", path, body=body, headers={
                "Content-Type": "application/json; charset=utf-8", "User-Agent": "fta-requests"})
            answer = connection.getresponse()
            status, reason = answer.status, answer.reason
            retry_after = answer.getheader("Retry-After")
            excerpt = answer.read(4096)
        except (TimeoutError, socket.timeout):
            raise TransientTeamsError(f"{where}: no answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise TransientTeamsError(f"{where}: {type(exc).__name__}") from None
        finally:
            connection.close()
        if 200 <= status < 300:
            return
        said = f"HTTP {status} {reason}".strip()
        if status == 429:
            raise TransientTeamsError(f"{where}: {said}", retry_after=retry_after_seconds(retry_after))
        if status >= 500 or status == 408:
            raise TransientTeamsError(f"{where}: {said}")
        text = " ".join(excerpt.decode("utf-8", "replace").split())[:EXCERPT_CHARS]
        text = self._redact(text, url)
        raise PermanentTeamsError(f"{where}: {said}" + (f": {text}" if text else ""))

    def health(self) -> dict[str, Any]:
        # Posting is the only probe a webhook has, and it would show a card: report the configuration.
        return {"backend": self.name, "ok": True, "channels": sorted(self.__urls)}

    def close(self) -> None:
        pass
