"""Logs that follow one request through the pipeline, and Application Insights.

Every record of the ``fta`` loggers carries ``requestId`` (the request's id,
which is also the Service Bus correlation id); log messages hold ids and
counts only, never a TPID, tenant, customer name or instructions.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from contextlib import contextmanager
from typing import Iterator

from shared.settings import Settings

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("fta_request_id", default=None)
_configured = False
_lock = threading.Lock()

LOGGER = "fta"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "requestId"):
            record.requestId = _request_id.get() or "-"
        return True


_filter = RequestIdFilter()


def get_logger(name: str) -> logging.Logger:
    """A logger under ``fta`` whose records carry ``requestId``."""
    logger = logging.getLogger(name)
    if _filter not in logger.filters:
        logger.addFilter(_filter)
    return logger


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def request_scope(request_id: str | None) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def set_request_id(request_id: str | None) -> None:
    """Within an invocation's context: later records carry this id."""
    _request_id.set(request_id)


def configure(settings: Settings) -> bool:
    """Send the ``fta`` logs and traces to Application Insights, once per process."""
    global _configured
    if not settings.appinsights_connection_string:
        return False
    with _lock:
        if _configured:
            return True
        from azure.monitor.opentelemetry import configure_azure_monitor

        configure_azure_monitor(
            connection_string=settings.appinsights_connection_string,
            logger_name=LOGGER,
            disable_offline_storage=True,
        )
        _configured = True
    return True
