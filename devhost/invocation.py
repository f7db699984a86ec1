"""Calling user functions: sync ones in a thread pool, ``async def`` ones
awaited; one log line per invocation and never a body, header or query."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from devhost.catalog import Function

log = logging.getLogger("devhost.invocation")


def stack_without_message(exc: BaseException) -> str:
    """Where an exception was raised, without its message (messages can carry
    customer data: a TPID, a tenant)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{type(exc).__qualname__} (message withheld)"


def log_invocation(function: Function, outcome: Any, started: float, level: int = logging.INFO, **details: Any) -> None:
    duration_ms = (time.perf_counter() - started) * 1000
    extra = "".join(f" {key}={value}" for key, value in details.items() if value is not None)
    log.log(
        level,
        "invocation function=%s trigger=%s outcome=%s duration_ms=%.1f%s",
        function.name, function.kind, outcome, duration_ms, extra,
    )


def log_failure_stack(function: Function, exc: BaseException, level: int = logging.ERROR) -> None:
    log.log(level, "function %s raised %s\n%s", function.name, type(exc).__qualname__, stack_without_message(exc))


def _log_unexpected(future: Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        exc = future.exception()
        log.error("a background run failed: %s\n%s", type(exc).__qualname__, stack_without_message(exc))


class Invoker:
    def __init__(self, max_workers: int = 16):
        self.pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="devhost-fn")

    @staticmethod
    def call(function: Function, trigger_input: Any) -> Any:
        """Run the function in the calling thread and return its result."""
        arguments = {function.argument: trigger_input}
        if function.is_async:
            return asyncio.run(function.user_function(**arguments))
        return function.user_function(**arguments)

    async def call_from_loop(self, function: Function, trigger_input: Any) -> Any:
        """Run the function for an event loop: sync ones in the pool, async ones awaited."""
        if function.is_async:
            return await function.user_function(**{function.argument: trigger_input})
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self.call, function, trigger_input)

    def submit(self, task, *args: Any) -> Future:
        future = self.pool.submit(task, *args)
        future.add_done_callback(_log_unexpected)
        return future

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
