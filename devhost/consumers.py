"""Topic-trigger functions as consumers of the embedded bus, with the
Functions host's rules: peek-lock, complete on success, abandon on an
exception (the bus redelivers and dead-letters after the subscription's max
delivery count), the lock renewed while a handler runs long."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from devhost.catalog import TopicFunction
from devhost.invocation import Invoker, log_failure_stack, log_invocation
from devhost.servicebus import DirectMessage, to_function_message
from shared.adapters.bus.local import MessageLockLost

log = logging.getLogger("devhost.consumers")

Clock = Callable[[], datetime]
IDLE_POLL_SECONDS = 0.05
ERROR_BACKOFF_SECONDS = 1.0
MIN_RENEW_SECONDS = 0.5


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _Renewals:
    """One thread renews the lock of every message being handled in this
    process, each every half lock duration: no thread started per message."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, "LockRenewer"]] = []
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, renewer: "LockRenewer") -> None:
        with self._wake:
            entry = (time.monotonic() + renewer.period, next(self._count), renewer)
            heapq.heappush(self._due, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="devhost-lock-renewals", daemon=True)
                self._thread.start()
            if self._due[0] is entry:  # due before the one the thread waits for: wake it (else it sleeps on)
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._wake.wait(None if not self._due else self._due[0][0] - time.monotonic())
                _, _, renewer = heapq.heappop(self._due)
            if renewer.done.is_set() or not renewer.renew():
                continue
            with self._wake:
                heapq.heappush(self._due, (time.monotonic() + renewer.period, next(self._count), renewer))


_RENEWALS = _Renewals()


class LockRenewer:
    """Renews a message's lock every half lock duration until stopped."""

    def __init__(self, bus: Any, message: Any, function: TopicFunction, clock: Clock):
        self._bus = bus
        self._message = message
        self._function = function
        self.done = threading.Event()
        remaining = (message.locked_until - clock()).total_seconds() if message.locked_until else 0
        self.period = max(MIN_RENEW_SECONDS, remaining / 2)

    def __enter__(self) -> "LockRenewer":
        _RENEWALS.add(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.done.set()  # the renewals' thread drops it when it comes due
        self._message = self._bus = None

    def renew(self) -> bool:
        try:
            self._bus.renew_lock(self._message)
            return True
        except Exception as exc:
            log.warning(
                "function %s: lock renewal failed for message %s (%s)",
                self._function.name, self._message.message_id, type(exc).__qualname__,
            )
            return False


def handle_message(bus: Any, function: TopicFunction, invoker: Invoker, message: Any, clock: Clock = _utc_now) -> str:
    """Run the function for one received message and settle it; returns the outcome."""
    started = time.perf_counter()
    identity = dict(message_id=message.message_id, delivery_count=message.delivery_count)
    try:
        with LockRenewer(bus, message, function, clock):
            invoker.call(function, to_function_message(message, function_name=function.name, now=clock()))
    except Exception as exc:
        try:
            bus.abandon(message)
            outcome = "abandoned"
        except MessageLockLost:
            outcome = "lock-lost"
        log_invocation(function, outcome, started, logging.WARNING, **identity, error=type(exc).__qualname__)
        log_failure_stack(function, exc, level=logging.DEBUG)
        return outcome
    try:
        bus.complete(message)
        outcome = "completed"
    except MessageLockLost:
        outcome = "lock-lost"
    log_invocation(function, outcome, started, logging.INFO if outcome == "completed" else logging.WARNING, **identity)
    return outcome


def run_direct_message(invoker: Invoker, function: TopicFunction, body: bytes, clock: Clock = _utc_now) -> str:
    """The admin API's run: the function gets a message that no bus holds, so nothing is settled."""
    message = DirectMessage(body=body, enqueued_time=clock())
    started = time.perf_counter()
    identity = dict(message_id=message.message_id, delivery_count=message.delivery_count, run="admin")
    try:
        invoker.call(function, to_function_message(message, function_name=function.name, now=clock()))
    except Exception as exc:
        log_invocation(function, "failed", started, logging.WARNING, **identity, error=type(exc).__qualname__)
        log_failure_stack(function, exc)
        return "failed"
    log_invocation(function, "completed", started, **identity)
    return "completed"


class SubscriptionConsumer:
    """``count`` threads receiving for topic functions: for one function, or
    (``--trigger-threads``) for several, each thread taking one message of
    each in turn, so that a backlog on one never starves the others."""

    def __init__(self, bus: Any, functions: TopicFunction | list[TopicFunction], invoker: Invoker,
                 stop: threading.Event, *, count: int = 2, clock: Clock = _utc_now):
        self.functions = functions if isinstance(functions, list) else [functions]
        self._bus = bus
        self._invoker = invoker
        self._stop = stop
        self._clock = clock
        name = self.functions[0].name if len(self.functions) == 1 else "triggers"
        self.threads = [
            threading.Thread(target=self._run, name=f"devhost-consumer-{name}-{i}", daemon=True)
            for i in range(count)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _run(self) -> None:
        while not self._stop.is_set():
            handled = False
            for function in self.functions:
                if self._stop.is_set():
                    return
                handled = self._take_one(function) or handled
            if not handled:
                self._stop.wait(IDLE_POLL_SECONDS)

    def _take_one(self, function: TopicFunction) -> bool:
        """Receive and handle at most one message for ``function``; whether there was one."""
        subscription = function.subscription
        try:
            messages = self._bus.receive(subscription, max_messages=1)
        except Exception as exc:
            if not self._stop.is_set():
                log.warning("receive from %s failed (%s); retrying", subscription, type(exc).__qualname__)
                self._stop.wait(ERROR_BACKOFF_SECONDS)
            return False
        for message in messages:
            try:
                handle_message(self._bus, function, self._invoker, message, self._clock)
            except Exception as exc:  # the bus failed to settle; the lock expires and it comes back
                log.warning("settling a message of %s failed (%s)", subscription, type(exc).__qualname__)
                self._stop.wait(ERROR_BACKOFF_SECONDS)
        return bool(messages)
