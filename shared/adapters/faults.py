"""Fault injection for resilience tests (``FTA_FAULTS``; off unless set).

Wraps the store, bus and mailer ports and makes a given share of calls fail the
way real back ends fail: an error before the call, or the call succeeding and
its answer lost. Every injected fault is appended to ``faults.log`` in the data
directory so a test can count them. Never set in production.
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path
from typing import Any, Sequence

from shared.app.ports import OutgoingMessage, PublishError
from shared.app.ports import DocumentStorageError, Email, TransientMailError
from shared.adapters.store.base import TransientStoreError

KINDS = (
    "store.write",             # a write refused before it happens
    "store.write-lost-reply",  # a write that happened, its answer lost
    "bus.publish",             # a publish refused
    "bus.duplicate",           # a message delivered twice (at-least-once delivery)
    "mail.send",               # a send refused (the server is away)
    "mail.send-lost-reply",    # a send that happened, its answer lost
    "documents.put",           # a document's bytes refused before they are stored
    "documents.put-lost-reply",  # bytes stored, the answer lost
)


def parse_faults(text: str) -> dict[str, float]:
    plan: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in KINDS:
            raise ValueError(f"unknown fault {name!r} (known: {', '.join(KINDS)})")
        try:
            share = float(value)
        except ValueError:
            raise ValueError(f"fault {name}: expected a probability, got {value!r}") from None
        if not 0 <= share <= 1:
            raise ValueError(f"fault {name}: expected a probability from 0 to 1, got {value!r}")
        plan[name] = share
    return plan


class FaultPlan:
    def __init__(self, shares: dict[str, float], log_path: Path, seed: int | None = None):
        self.shares = shares
        self.log_path = log_path
        # One sequence per kind: a kind's faults fall on the same calls of that kind
        # whatever the other kinds' call counts are.
        self._random = {kind: random.Random(f"{seed}:{kind}" if seed is not None else None) for kind in shares}
        self._lock = threading.Lock()

    def strikes(self, kind: str) -> bool:
        share = self.shares.get(kind, 0.0)
        if share <= 0:
            return False
        with self._lock:
            hit = self._random[kind].random() < share
            if hit:
                with open(self.log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps({"fault": kind}) + "\n")
        return hit


class FaultyStore:
    def __init__(self, inner: Any, plan: FaultPlan):
        self.inner, self.plan, self.name = inner, plan, inner.name

    def _write(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.plan.strikes("store.write"):
            raise TransientStoreError(f"injected: {method} refused")
        result = getattr(self.inner, method)(*args, **kwargs)
        if self.plan.strikes("store.write-lost-reply"):
            raise TransientStoreError(f"injected: {method} answer lost")
        return result

    def create(self, *args: Any, **kwargs: Any) -> Any:
        return self._write("create", *args, **kwargs)

    def replace(self, *args: Any, **kwargs: Any) -> Any:
        return self._write("replace", *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class FaultyBus:
    def __init__(self, inner: Any, plan: FaultPlan):
        self.inner, self.plan, self.name = inner, plan, inner.name

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if self.plan.strikes("bus.publish"):
            raise PublishError("injected: publish refused")
        self.inner.publish(messages)
        duplicates = [
            OutgoingMessage(**{**m.__dict__, "message_id": f"{m.message_id}#redelivered"})
            for m in messages if self.plan.strikes("bus.duplicate")
        ]
        if duplicates:
            self.inner.publish(duplicates)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class FaultyMailer:
    def __init__(self, inner: Any, plan: FaultPlan):
        self.inner, self.plan, self.name = inner, plan, inner.name

    def send(self, email: Email) -> None:
        if self.plan.strikes("mail.send"):
            raise TransientMailError("injected: server away")
        self.inner.send(email)
        if self.plan.strikes("mail.send-lost-reply"):
            raise TransientMailError("injected: answer lost after the send")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class FaultyDocuments:
    def __init__(self, inner: Any, plan: FaultPlan):
        self.inner, self.plan, self.name = inner, plan, inner.name

    def put(self, name: str, data: bytes, content_type: str) -> None:
        if self.plan.strikes("documents.put"):
            raise DocumentStorageError("injected: put refused")
        self.inner.put(name, data, content_type)
        if self.plan.strikes("documents.put-lost-reply"):
            raise DocumentStorageError("injected: answer lost after the put")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
