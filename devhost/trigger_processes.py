"""The topic-trigger functions in processes of their own (``--trigger-processes N``).

Flex Consumption scales the HTTP functions as one group and each Service Bus
function on its own, on instances apart. devhost can do the same on one
machine: N child processes (``python -m devhost --triggers-only``) receive
from the embedded bus, which, like the SQLite store, several processes share;
the parent serves HTTP, runs the timers and takes replies. A child stops with
its parent, whether the parent stops cleanly or dies.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading

log = logging.getLogger("devhost.triggers")

PARENT_POLL_SECONDS = 0.2
TRIGGER_NICENESS = 10
PARENT_VARIABLE = "DEVHOST_PARENT_PID"  # the parent's pid: it may be gone before the child looks


def start_trigger_processes(args: argparse.Namespace, public_url: str) -> list[subprocess.Popen]:
    """Start ``args.trigger_processes`` children with the parent's settings and links."""
    environment = dict(os.environ, FTA_PUBLIC_URL=public_url, **{PARENT_VARIABLE: str(os.getpid())})
    command = [sys.executable, "-m", "devhost", "--triggers-only", "--app", args.app,
               "--consumers", str(args.consumers), "--trigger-threads", str(args.trigger_threads),
               "--workers", str(args.workers), "--log-level", args.log_level]
    children = [subprocess.Popen(command, env=environment, preexec_fn=_lower_priority)
                for _ in range(args.trigger_processes)]
    if children:
        log.info("topic triggers run in %d process(es): %s", len(children), ", ".join(str(c.pid) for c in children))
    return children


def _lower_priority() -> None:
    """Where the instances share the machine's cores, the HTTP functions answer
    first and the triggers take what is left, as on instances of their own."""
    os.nice(TRIGGER_NICENESS)


def stop_trigger_processes(children: list[subprocess.Popen], timeout: float) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run_as_trigger_process(stopping: threading.Event) -> int:
    """Consume until told to stop or until the parent is gone."""
    parent = int(os.environ.get(PARENT_VARIABLE) or os.getppid())
    log.info("receiving for the topic triggers (parent %d)", parent)
    while not stopping.wait(PARENT_POLL_SECONDS):
        if os.getppid() != parent:
            log.warning("the parent devhost is gone: stopping")
            break
    return 0
