"""Fixtures for the web page tests: the app under ``python -m devhost`` (no dev
user: every browser context carries its own App Service Authentication
principal) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from devhost.principal import build_principal
from tests.integration import live
from tests.integration.live import wait_for

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NEVER = "0 0 0 1 1 *"  # midnight on 1 January: no timer fires during a test run
LEAD_ROLES = ("FTA.Lead",)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then((result) =>
  result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary}))})))"""


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any


@dataclass
class WebHost(live.LiveApp):
    data_dir: Path = Path()

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

    def upload_funding_documents(self, request_id: str, user: str) -> None:
        """The SOW, the WBS and the cost breakdown a funding review needs before it is assigned."""
        from tests.document_samples import FUNDING_DOCUMENTS, upload_body

        for kind, (file_name, content) in FUNDING_DOCUMENTS.items():
            body, content_type = upload_body(kind, file_name, content)
            request = urllib.request.Request(
                self.url + f"/api/requests/{request_id}/documents", data=body, method="POST",
                headers={"Content-Type": content_type, "X-MS-CLIENT-PRINCIPAL": build_principal(user, ())})
            with urllib.request.urlopen(request, timeout=20) as response:
                assert response.status == 201

    def request(self, request_id: str, user: str, roles: tuple[str, ...] = ()) -> dict:
        answer = self.call("GET", f"/api/requests/{request_id}", user=user, roles=roles)
        assert answer.status == 200, answer.body
        return answer.body

    def requests_of(self, user: str) -> list[dict]:
        answer = self.call("GET", "/api/requests?limit=200", user=user)
        assert answer.status == 200, answer.body
        return answer.body["items"]

    def wait_for_status(self, request_id: str, status: str, user: str, timeout: float = 15.0) -> dict:
        """The request once it has this status and every event of it is published (the outbox's mark
        changes the request's ETag: a page opened before it would send a stale If-Match)."""
        def settled():
            r = self.request(request_id, user)
            return r["status"] == status and all(e.get("dispatched", True) for e in r["history"]) and r
        return wait_for(settled, timeout)


def start_web_host(data_dir: Path) -> WebHost:
    app = live.start(data_dir, timeout=30, FTA_SWEEP_SCHEDULE=NEVER, FTA_ASSIGN_SLA_BUSINESS_HOURS="0")
    return WebHost(app.process, app.url, app.log_path, app.env, data_dir=data_dir)


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
    """``open_page(user, roles, viewport, path)`` opens ``path`` (a view's address, "/" by default)
    signed in as ``user`` (``None``: signed out)."""
    assert AXE.is_file(), f"{AXE} is missing: run npm ci"
    sessions: list[Session] = []
    test_name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)

    def opener(user: str | None, roles: tuple[str, ...] = (), viewport: dict[str, int] = DESKTOP,
               path: str = "/") -> Session:
        headers = {"X-MS-CLIENT-PRINCIPAL": build_principal(user, roles)} if user else {}
        context = browser.new_context(base_url=web_host.url, extra_http_headers=headers, viewport=viewport)
        context.set_default_timeout(15_000)
        context.add_init_script(path=str(AXE))  # the page's CSP refuses an inline script tag
        page = context.new_page()
        label = f"{test_name.removeprefix('test_')}-{'lead' if roles else 'requestor' if user else 'anonymous'}"
        session = Session(page, context, label)
        page.on("dialog", lambda dialog: (session.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: session.errors.append(str(error)))
        page.on("request", lambda req: session.requests.append(req))
        sessions.append(session)
        page.goto(path)
        return session

    yield opener
    for session in sessions:
        try:
            session.screenshot("end")
        finally:
            session.context.close()
    for session in sessions:
        assert not session.errors, f"script errors on the page: {session.errors}"


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """What axe-core finds against WCAG 2.0/2.1 A and AA on the page as it is
    now, keeping the violations of the given impacts."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))  # a page without a CSP; the app's page gets axe from the context's init script
    return [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html']}\n      {node['summary']}" for node in violation["nodes"])
    return "\n".join(lines)


def scroll_widths(page: Page) -> dict[str, int]:
    return page.evaluate("({document: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
                         " viewport: window.innerWidth})")
