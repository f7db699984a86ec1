"""Timer triggers: NCRONTAB (six fields, seconds first, UTC) or a TimeSpan
(``hh:mm:ss``), fired from one scheduler thread per timer function, never
overlapping itself (the host runs a timer function as a singleton)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import azure.functions as func
from azure.functions import meta
from azure.functions.timer import TimerRequestConverter

from devhost.catalog import TimerFunction
from devhost.invocation import Invoker, log_failure_stack, log_invocation
from devhost.servicebus import host_time
from shared.settings import SettingsError, validate_ncrontab

log = logging.getLogger("devhost.timers")

Clock = Callable[[], datetime]
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")
PAST_DUE_AFTER = timedelta(seconds=1)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Schedule:
    expression: str

    @classmethod
    def parse(cls, expression: str, *, function_name: str) -> "Schedule":
        expression = expression.strip()
        if _TIMESPAN.match(expression):
            if Schedule(expression).interval <= timedelta(0):
                raise SettingsError(f"schedule of {function_name}", "a TimeSpan schedule must be positive")
            return cls(expression)
        try:
            validate_ncrontab(expression)
        except ValueError as exc:
            raise SettingsError(f"schedule of {function_name}", str(exc)) from None
        return cls(expression)

    @property
    def interval(self) -> timedelta | None:
        found = _TIMESPAN.match(self.expression)
        if not found:
            return None
        days, hours, minutes, seconds = (int(g or 0) for g in found.groups())
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)

    def next_after(self, moment: datetime) -> datetime:
        interval = self.interval
        if interval is not None:
            return moment + interval
        from croniter import croniter

        return croniter(self.expression, moment, second_at_beginning=True).get_next(datetime)


def timer_request(*, past_due: bool, last: datetime | None, next_run: datetime, now: datetime) -> func.TimerRequest:
    """The ``func.TimerRequest`` the worker builds from the host's timer info."""
    info = {
        "Schedule": {"AdjustForDST": True},
        "ScheduleStatus": {
            "Last": host_time(last) if last else None,
            "Next": host_time(next_run),
            "LastUpdated": host_time(now),
        },
        "IsPastDue": past_due,
    }
    return TimerRequestConverter.decode(meta.Datum(json.dumps(info), "json"), trigger_metadata={})


def run_timer_function(invoker: Invoker, function: TimerFunction, request: func.TimerRequest, *, how: str) -> bool:
    started = time.perf_counter()
    try:
        invoker.call(function, request)
    except Exception as exc:
        log_invocation(function, "failed", started, logging.WARNING, run=how, error=type(exc).__qualname__)
        log_failure_stack(function, exc)
        return False
    log_invocation(function, "completed", started, run=how, past_due=request.past_due)
    return True


class TimerRunner:
    def __init__(self, function: TimerFunction, schedule: Schedule, invoker: Invoker, stop: threading.Event,
                 clock: Clock = _utc_now):
        self.function = function
        self.schedule = schedule
        self._invoker = invoker
        self._stop = stop
        self._clock = clock
        self._last: datetime | None = None
        self.thread = threading.Thread(target=self._run, name=f"devhost-timer-{function.name}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _fire(self, due: datetime, *, how: str) -> None:
        now = self._clock()
        request = timer_request(
            past_due=now - due > PAST_DUE_AFTER,
            last=self._last,
            next_run=self.schedule.next_after(max(now, due)),
            now=now,
        )
        self._last = now
        run_timer_function(self._invoker, self.function, request, how=how)

    def _run(self) -> None:
        if self.function.run_on_startup:
            self._fire(self._clock(), how="startup")
        due = self.schedule.next_after(self._clock())
        while not self._stop.wait(max(0.0, (due - self._clock()).total_seconds())):
            self._fire(due, how="schedule")
            due = self.schedule.next_after(max(self._clock(), due))
