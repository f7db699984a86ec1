"""devhost with its topic triggers in a process of their own (``--trigger-processes``),
as Flex Consumption runs Service Bus functions on instances apart from HTTP."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.factories import form
from tests.integration import live
from tests.integration.smtp_server import SmtpServer

pytestmark = pytest.mark.timeout(180)


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def test_the_pipeline_runs_in_the_trigger_process_with_the_links_of_the_parent(tmp_path, smtp):
    app = live.start(tmp_path / "data", args=("--trigger-processes", "1"), **smtp.env)
    try:
        [child] = live.wait_for(lambda: children_of(app.process.pid))
        request_id = app.request("POST", "/api/requests", form(region="americas")).body["id"]

        app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}").body["status"] == "routed")
        app.wait_for(lambda: len(smtp.collector.snapshot()) >= 2)
        [confirmation] = smtp.collector.by_event("request.submitted")
        assert f"{app.url}/requests/{request_id}" in confirmation.message.get_body(("plain",)).get_content()
        assert len(smtp.collector.by_event("request.routed")) == 1
        log = app.log()
        assert f"topic triggers run in 1 process(es): {child}" in log
        assert "function=route_to_leads trigger=serviceBusTrigger outcome=completed" in log
    finally:
        assert app.stop() == 0
    live.wait_for(lambda: not alive(child), timeout=15)


def test_the_trigger_process_stops_when_its_parent_is_killed(tmp_path):
    app = live.start(tmp_path / "data", args=("--trigger-processes", "1"))
    [child] = live.wait_for(lambda: children_of(app.process.pid))
    app.stop(signal.SIGKILL)

    live.wait_for(lambda: not alive(child), timeout=15)
    assert "the parent devhost is gone: stopping" in app.log()


def test_a_negative_number_of_trigger_processes_is_refused_in_one_line(tmp_path):
    done = subprocess.run(
        [*live.python_devhost(), "--port", "0", "--trigger-processes", "-1"], cwd=live.REPO,
        env=live.app_env(tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "--trigger-processes must be 0 or more" in done.stderr
