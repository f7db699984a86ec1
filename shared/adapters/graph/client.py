"""One Graph client per process: a bearer token from ``azure-identity`` (the
managed identity in Azure: ``DefaultAzureCredential``), kept until shortly
before it expires; throttling (429) and unavailability (503, 504) retried as
Graph asks, by its ``Retry-After``, within a bounded wait.

Plain HTTP rather than the Graph SDK: the service calls five endpoints, and the
SDK's import would cost the cold start more than all of them.
https://learn.microsoft.com/en-us/graph/throttling
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Protocol

import httpx

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
RETRIED = frozenset({429, 503, 504})
REFRESH_BEFORE_SECONDS = 300


class TokenCredential(Protocol):
    def get_token(self, *scopes: str) -> Any: ...


class GraphUnavailable(Exception):
    """Graph did not answer, or kept answering 429/503/504 past the retry budget: try later."""


def graph_error_code(response: httpx.Response) -> str:
    """Graph's error code (``{"error": {"code": ...}}``), never its message: a message may quote the request."""
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        code = None
    return str(code)[:80] if code else f"HTTP {response.status_code}"


def retry_after_seconds(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


class GraphClient:
    def __init__(self, base_url: str, credential: TokenCredential, *, attempts: int = 5,
                 max_wait_seconds: float = 60.0, timeout_seconds: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        self._credential = credential
        self._http = httpx.Client(timeout=timeout_seconds)
        self._attempts = attempts
        self._max_wait = max_wait_seconds
        self._sleep = sleep
        self._lock = threading.Lock()
        self._token: tuple[str, float] | None = None

    def _bearer(self, renew: bool = False) -> str:
        with self._lock:
            if renew or self._token is None or self._token[1] - REFRESH_BEFORE_SECONDS < time.time():
                token = self._credential.get_token(GRAPH_SCOPE)
                self._token = (token.token, float(token.expires_on))
            return self._token[0]

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """``path`` under the base URL, or a whole link Graph gave (``@odata.nextLink``)."""
        url = path if path.startswith(("https://", "http://")) else self.base_url + path
        waited, renewed = 0.0, False
        for attempt in range(1, self._attempts + 1):
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self._bearer()}"}
            try:
                response = self._http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                raise GraphUnavailable(f"graph: {exc.__class__.__name__}") from None
            finally:
                kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
            if response.status_code == 401 and not renewed:
                self._bearer(renew=True)  # a token revoked or rotated early: once more with a new one
                renewed = True
                continue
            if response.status_code not in RETRIED:
                return response
            wait = retry_after_seconds(response, default=2.0 ** attempt)
            if attempt == self._attempts or waited + wait > self._max_wait:
                raise GraphUnavailable(f"graph: {response.status_code} {graph_error_code(response)} after {attempt} tries")
            self._sleep(wait)
            waited += wait
        raise GraphUnavailable("graph: no answer within the retry budget")

    def close(self) -> None:
        self._http.close()


def default_credential() -> TokenCredential:
    """The managed identity in Azure (App Service's IDENTITY_ENDPOINT), a developer's sign-in elsewhere."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(exclude_interactive_browser_credential=True)
