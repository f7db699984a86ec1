"""The real app as a process: devhost on a free port, talked to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.factories import principal_header

REPO = Path(__file__).resolve().parents[2]
ISOLATED_PREFIXES = ("FTA_", "COSMOS_", "SMTP_", "ServiceBusConnection", "AWS_", "APPLICATIONINSIGHTS_")
NEVER = "0 0 0 1 1 *"


def python_devhost() -> list[str]:
    return [sys.executable, "-m", "devhost"]


def app_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    env.update(FTA_DATA_DIR=str(data_dir), FTA_REMIND_SCHEDULE=NEVER, FTA_DEV_USER="", PYTHONUNBUFFERED="1",
               FTA_INBOUND_SMTP_PORT="0")
    env.update(overrides)
    return env


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy and return that value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")


@dataclass
class Response:
    status: int
    headers: Any  # case-insensitive, as HTTP header names are
    body: Any


@dataclass
class LiveApp:
    process: subprocess.Popen
    url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: Any = None, *, user: str | None = "alex@contoso.com",
                roles: tuple[str, ...] = (), headers: dict[str, str] | None = None, timeout: float = 30) -> Response:
        data = body if isinstance(body, bytes) else (None if body is None else json.dumps(body).encode())
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if user is not None:
            all_headers["X-MS-CLIENT-PRINCIPAL"] = principal_header(user, roles)
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw, status, hdrs = resp.read(), resp.status, resp.headers
        except urllib.error.HTTPError as err:
            raw, status, hdrs = err.read(), err.code, err.headers
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return Response(status, hdrs, parsed)

    def wait_for(self, predicate, timeout: float = 30, interval: float = 0.2):
        return wait_for(predicate, timeout, interval)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                return self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(5)


def start(data_dir: Path, *, port: int = 0, timeout: float = 60, args: tuple[str, ...] = (), **env: str) -> LiveApp:
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / f"devhost-{time.monotonic_ns()}.log"
    environment = app_env(data_dir, **env)
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "devhost", "--port", str(port), *args],
        cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=log,
    )
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode()
        if "devhost listening on " in line:
            url = line.strip().split("devhost listening on ", 1)[1]
            return LiveApp(process, url, log_path, environment)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"devhost did not start: {log_path.read_text()}")


def run_to_exit(data_dir: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "devhost", "--port", "0"], cwd=REPO, env=app_env(data_dir, **env),
        capture_output=True, text=True, timeout=timeout,
    )
