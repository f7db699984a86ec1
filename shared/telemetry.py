"""Logs that follow one request through the pipeline, and Application Insights.

Every record of the ``fta`` loggers carries ``requestId`` (the request's id,
which is also the Service Bus correlation id); log messages hold ids and
counts only, never a TPID, tenant, customer name or instructions.
"""

from __future__ import annotations

import contextvars
import logging
import threading

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


def set_request_id(request_id: str | None) -> None:
    """Within an invocation's context: later records carry this id."""
    _request_id.set(request_id)


def configure(connection_string: str) -> bool:
    """Send the ``fta`` logs and traces to Application Insights, once per process."""
    global _configured
    if not connection_string:
        return False
    with _lock:
        if _configured:
            return True
        from azure.monitor.opentelemetry import configure_azure_monitor

        configure_azure_monitor(
            connection_string=connection_string,
            logger_name=LOGGER,
            disable_offline_storage=True,
        )
        _configured = True
    return True
