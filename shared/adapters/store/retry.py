"""What the Cosmos SDK does not retry for us, within a budget.

Throttling (429) is the SDK's own retry (``cosmos_client`` sets its budget); a
429 that still reaches this policy has outlasted it and becomes
``TransientStoreError`` at once. This policy retries passing outages (408,
503) and lost connections of reads, and writes whose connection was never
made, backing off (or honouring a ``Retry-After``) until the next wait would
pass ``max_total_wait_seconds``. A timed-out or dropped write has an unknown
outcome, so it surfaces at once and the caller decides.
"""

from __future__ import annotations

import time
from typing import Callable, Mapping, TypeVar

from shared.adapters.store.base import TransientStoreError

T = TypeVar("T")

THROTTLED = 429
TIMED_OUT = 408
SERVICE_UNAVAILABLE = 503
RETRY_AFTER_MS_HEADER = "x-ms-retry-after-ms"
RETRY_AFTER_HEADER = "retry-after"


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def server_retry_after_seconds(error: BaseException) -> float | None:
    """The wait the server asked for, if it asked."""
    headers = getattr(error, "headers", None)
    millis = _header(headers, RETRY_AFTER_MS_HEADER)
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    seconds = _header(headers, RETRY_AFTER_HEADER)
    if seconds is not None:
        try:
            return max(0.0, float(seconds))
        except ValueError:
            pass
    return None


def _status(error: BaseException) -> int | None:
    return getattr(error, "status_code", None)


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    if isinstance(error, HttpResponseError):
        return idempotent and _status(error) in (TIMED_OUT, SERVICE_UNAVAILABLE)
    if isinstance(error, ServiceRequestError):
        return True
    if isinstance(error, ServiceResponseError):
        return idempotent
    return False


def is_transient(error: BaseException) -> bool:
    """Worth a TransientStoreError (try again later) rather than a hard failure."""
    return is_retryable(error, idempotent=True) or _status(error) == THROTTLED


class TransientRetry:
    """Runs a call again after a transient failure until it succeeds or the wait budget is spent."""

    def __init__(
        self,
        *,
        max_total_wait_seconds: float = 10.0,
        first_backoff_seconds: float = 0.1,
        max_backoff_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.max_total_wait_seconds = max_total_wait_seconds
        self.first_backoff_seconds = first_backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._sleep = sleep

    def backoff_seconds(self, attempt: int) -> float:
        return min(self.max_backoff_seconds, self.first_backoff_seconds * (2 ** attempt))

    def run(self, operation: Callable[[], T], *, idempotent: bool) -> T:
        waited = 0.0
        attempt = 0
        while True:
            try:
                return operation()
            except Exception as error:
                if not is_retryable(error, idempotent=idempotent):
                    if _status(error) == THROTTLED:
                        raise TransientStoreError("store throttled past the SDK's retry budget") from error
                    if is_transient(error):
                        raise TransientStoreError(
                            f"store write outcome unknown after a transient failure (status {_status(error)})"
                        ) from error
                    raise
                delay = server_retry_after_seconds(error)
                if delay is None:
                    delay = self.backoff_seconds(attempt)
                if waited + delay > self.max_total_wait_seconds:
                    raise TransientStoreError(
                        f"store still unavailable after waiting {waited:.1f}s (status {_status(error)})"
                    ) from error
                self._sleep(delay)
                waited += delay
                attempt += 1
