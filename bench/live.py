"""devhost as a separate process, and a keep-alive HTTP load generator."""

from __future__ import annotations

import email.parser
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from bench import REPO
from bench.cold_start import ISOLATED_PREFIXES

NEVER = "0 0 0 1 1 *"
START_TIMEOUT_SECONDS = 60.0
READY = "devhost listening on "
LEAD_ROLES = ("FTA.Lead",)


@dataclass
class Devhost:
    process: subprocess.Popen
    url: str
    host: str
    port: int
    data_dir: Path
    log_path: Path

    @property
    def outbox(self) -> Path:
        return self.data_dir / "outbox"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log_tail(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]

    def __enter__(self) -> "Devhost":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


# As Flex Consumption runs them: the HTTP functions on one instance, the topic
# triggers on instances of their own: here a process per core beside devhost's,
# each with one thread taking a message of each function in turn (threads of
# one process contend for the GIL: one costs the least CPU per message).
SCALED_OUT = ("--trigger-processes", str(os.cpu_count() or 1), "--trigger-threads", "1")


def start_devhost(data_dir: Path, *args: str, **env: str) -> Devhost:
    """devhost on a free port over the embedded adapters in ``data_dir``; timers
    never fire (the benchmarks measure requests and the event pipeline)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    environment.update(
        FTA_DATA_DIR=str(data_dir), FTA_DEV_USER="", FTA_REMIND_SCHEDULE=NEVER, FTA_SWEEP_SCHEDULE=NEVER,
        # Every submission pays for the limit's counter; a few users send thousands, so none is refused.
        FTA_SUBMISSIONS_PER_HOUR="100000",
        PYTHONUNBUFFERED="1", **env,
    )
    out_path, log_path = data_dir / "devhost.out", data_dir / "devhost.log"
    with open(out_path, "wb") as out, open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "devhost", "--port", "0", *args],
                                   cwd=REPO, env=environment, stdout=out, stderr=log)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for line in out_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if READY in line:
                url = line.split(READY, 1)[1].strip()
                host, port = url.removeprefix("http://").rsplit(":", 1)
                return Devhost(process, url, host, int(port), data_dir, log_path)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait(5)
    raise RuntimeError(f"devhost did not start:\n{log_path.read_text(errors='replace')[-3000:]}")


# -- HTTP ---------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Answer:
    status: int
    body: bytes
    sent_at: float  # time.time() when the request was sent
    seconds: float


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, host: str, port: int, timeout: float = 60.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.connection: http.client.HTTPConnection | None = None

    def send(self, call: Call) -> Answer:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        sent_at, started = time.time(), time.perf_counter()
        try:
            self.connection.request(call.method, call.path, body=call.body, headers=call.headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(response.status, body, sent_at, time.perf_counter() - started)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def json_call(method: str, path: str, body: Any = None, *, user: str | None, roles: tuple[str, ...] = ()) -> Call:
    from tests.factories import principal_header

    headers = {"Content-Type": "application/json"}
    if user is not None:
        headers["X-MS-CLIENT-PRINCIPAL"] = principal_header(user, roles)
    return Call(method, path, None if body is None else json.dumps(body).encode("utf-8"), headers)


@dataclass
class Load:
    completed: int
    seconds: float
    statuses: Counter
    errors: int
    answers: list[Answer]

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0


def drive(devhost: Devhost, make_call: Callable[[int, int], Call], *, threads: int,
          seconds: float | None = None, total: int | None = None, expect: int = 200) -> Load:
    """``threads`` clients send ``make_call(thread, n)`` until ``seconds`` pass or
    ``total`` calls were sent; ``completed`` counts answers with status ``expect``."""
    if (seconds is None) == (total is None):
        raise ValueError("give seconds or total")
    lock = threading.Lock()
    issued = 0
    answers: list[Answer] = []
    statuses: Counter = Counter()
    errors = 0
    start = threading.Barrier(threads + 1)
    deadline = 0.0  # set just before the barrier releases the clients

    def take() -> int | None:
        nonlocal issued
        with lock:
            if total is not None and issued >= total:
                return None
            if seconds is not None and time.perf_counter() >= deadline:
                return None
            issued += 1
            return issued

    def worker(index: int) -> None:
        nonlocal errors
        client = Client(devhost.host, devhost.port)
        mine: list[Answer] = []
        failed = 0
        start.wait()
        try:
            while (n := take()) is not None:
                try:
                    mine.append(client.send(make_call(index, n)))
                except (OSError, http.client.HTTPException):
                    failed += 1
        finally:
            client.close()
            with lock:
                answers.extend(mine)
                errors += failed
                statuses.update(a.status for a in mine)

    workers = [threading.Thread(target=worker, args=(i,), name=f"bench-client-{i}") for i in range(threads)]
    for thread in workers:
        thread.start()
    began = time.perf_counter()
    deadline = began + (seconds or 0.0)
    start.wait()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    return Load(sum(1 for a in answers if a.status == expect), elapsed, statuses, errors, answers)


# -- the outbox ----------------------------------------------------------------------


@dataclass(frozen=True)
class SentEmail:
    request_id: str
    event: str
    written_at: float  # the file's mtime: when the mailer wrote it


class OutboxWatcher:
    """Reads each new ``.eml`` file's headers once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.seen: dict[str, SentEmail] = {}
        self._parser = email.parser.BytesHeaderParser()  # compat32: only two plain headers are read

    def scan(self) -> list[SentEmail]:
        if not self.folder.exists():
            return []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".eml") or entry.name in self.seen:
                    continue
                headers = self._parser.parsebytes(Path(entry.path).read_bytes())
                self.seen[entry.name] = SentEmail(
                    str(headers.get("X-FTA-Request-Id", "")), str(headers.get("X-FTA-Event", "")), entry.stat().st_mtime,
                )
        return list(self.seen.values())
