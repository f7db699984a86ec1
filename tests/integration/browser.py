"""Fixtures for the web page tests: the app under ``python -m devhost`` (no dev
user: every browser context carries its own App Service Authentication
principal) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from devhost.principal import build_principal

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NEVER = "0 0 0 1 1 *"  # midnight on 1 January: no timer fires during a test run
ISOLATED_PREFIXES = ("FTA_", "COSMOS_", "SMTP_", "ServiceBusConnection", "AWS_")
LEAD_ROLES = ("FTA.Lead",)


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any


@dataclass
class WebHost:
    process: subprocess.Popen
    url: str
    data_dir: Path
    log_path: Path

    def call(self, method: str, path: str, *, user: str | None = None, roles: tuple[str, ...] = (),
             body: Any = None, headers: dict[str, str] | None = None) -> Answer:
        all_headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        if user is not None:
            all_headers["X-MS-CLIENT-PRINCIPAL"] = build_principal(user, roles)
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw, status, answer_headers = response.read(), response.status, response.headers
        except urllib.error.HTTPError as error:
            raw, status, answer_headers = error.read(), error.code, error.headers
        content_type = answer_headers.get("Content-Type", "")
        parsed = json.loads(raw) if raw and content_type.startswith("application/json") else raw
        return Answer(status, answer_headers, parsed)

    def submit(self, form: dict, user: str) -> str:
        answer = self.call("POST", "/api/requests", user=user, body=form)
        assert answer.status == 201, answer.body
        return answer.body["id"]

    def request(self, request_id: str, user: str, roles: tuple[str, ...] = ()) -> dict:
        answer = self.call("GET", f"/api/requests/{request_id}", user=user, roles=roles)
        assert answer.status == 200, answer.body
        return answer.body

    def requests_of(self, user: str) -> list[dict]:
        answer = self.call("GET", "/api/requests?limit=200", user=user)
        assert answer.status == 200, answer.body
        return answer.body["items"]

    def wait_for_status(self, request_id: str, status: str, user: str, timeout: float = 15.0) -> dict:
        return wait_for(lambda: (r := self.request(request_id, user)) and r["status"] == status and r, timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(5)


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def start_web_host(data_dir: Path) -> WebHost:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    env.update(
        FTA_DATA_DIR=str(data_dir),
        FTA_DEV_USER="",
        FTA_REMIND_SCHEDULE=NEVER,
        FTA_SWEEP_SCHEDULE=NEVER,
        FTA_ASSIGN_SLA_BUSINESS_HOURS="0",
        PYTHONUNBUFFERED="1",
    )
    log_path = data_dir / "devhost.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "devhost", "--port", "0"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log_file, text=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.startswith("devhost listening on "):
                return WebHost(process, line.split()[-1], data_dir, log_path)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"devhost did not start: {log_path.read_text()}")


@pytest.fixture(scope="module")
def web_host(tmp_path_factory) -> Iterator[WebHost]:
    host = start_web_host(tmp_path_factory.mktemp("web-devhost"))
    yield host
    assert host.stop() == 0, host.log()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Session:
    """One signed-in user's browser tab, with what the page did that a test
    may want to check: dialogs opened, script errors, requests made."""

    page: Page
    context: BrowserContext
    name: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)

    def screenshot(self, step: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_page(browser: Browser, web_host: WebHost, request) -> Iterator[Callable[..., Session]]:
    """``open_page(user, roles)`` opens "/" signed in as ``user`` (``None``: signed out)."""
    sessions: list[Session] = []
    test_name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)

    def opener(user: str | None, roles: tuple[str, ...] = ()) -> Session:
        headers = {"X-MS-CLIENT-PRINCIPAL": build_principal(user, roles)} if user else {}
        context = browser.new_context(base_url=web_host.url, extra_http_headers=headers,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        label = f"{test_name.removeprefix('test_')}-{'lead' if roles else 'requestor' if user else 'anonymous'}"
        session = Session(page, context, label)
        page.on("dialog", lambda dialog: (session.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: session.errors.append(str(error)))
        page.on("request", lambda req: session.requests.append(req))
        sessions.append(session)
        page.goto("/")
        return session

    yield opener
    for session in sessions:
        try:
            session.screenshot("end")
        finally:
            session.context.close()
    for session in sessions:
        assert not session.errors, f"script errors on the page: {session.errors}"
