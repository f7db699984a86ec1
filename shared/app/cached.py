"""A value computed at most once per time to live, shared by the invocations of one process."""

from __future__ import annotations

import threading
import time
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Cached(Generic[T]):
    """``get(compute)`` answers the last value while it is younger than ``ttl_seconds``.
    One caller at a time computes a new one; while it does, the others get the
    previous value (or wait for the first)."""

    def __init__(self, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic):
        self.ttl_seconds = ttl_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._computing = threading.Lock()
        self._value: T | None = None
        self._at: float | None = None
        self.computed = 0  # how many times ``compute`` ran

    def _fresh(self) -> bool:
        return self._at is not None and self._monotonic() - self._at < self.ttl_seconds

    def get(self, compute: Callable[[], T]) -> T:
        with self._lock:
            if self._fresh():
                return self._value  # type: ignore[return-value]
            has_previous = self._at is not None
        if not self._computing.acquire(blocking=not has_previous):
            with self._lock:
                return self._value  # type: ignore[return-value]
        try:
            with self._lock:
                if self._fresh():
                    return self._value  # type: ignore[return-value]
            value = compute()
            with self._lock:
                self._value, self._at = value, self._monotonic()
                self.computed += 1
            return value
        finally:
            self._computing.release()
