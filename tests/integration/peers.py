"""Starting and stopping a test peer that runs as a process of its own (the
Cosmos DB protocol server, Azurite): a free loopback port, a log file, and a
wait until it answers, or a test failure that shows the log's tail."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Sequence

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def log_tail(log_path: Path) -> str:
    try:
        return log_path.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


def launch(name: str, argv: Sequence[str], log_path: Path, answers: Callable[[], bool],
           timeout: float) -> subprocess.Popen:
    """Start ``argv`` with its output in ``log_path``; return once ``answers()`` is true."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(list(argv), stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited at start:\n{log_tail(log_path)}", pytrace=False)
        if answers():
            return process
        time.sleep(0.1)
    stop(process)
    pytest.fail(f"{name} did not answer within {timeout:.0f}s", pytrace=False)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
