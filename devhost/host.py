"""``python -m devhost``: start-up, the HTTP server, consumers, timers, shutdown."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import Any, Sequence

from devhost.asgi import DevHostApp, NotRunnable
from devhost.catalog import AppSettings, Catalog, Function, HttpFunction, TimerFunction, TopicFunction, discover, import_app
from devhost.consumers import SubscriptionConsumer, run_direct_message
from devhost.inbound import start_inbound
from devhost.invocation import Invoker
from devhost.people import people
from devhost.sign_in import SignIn
from devhost.trigger_processes import run_as_trigger_process, start_trigger_processes, stop_trigger_processes
from devhost.timers import Schedule, TimerRunner, run_timer_function, timer_request
from shared import topology
from shared.adapters.bus.local import LocalBus

log = logging.getLogger("devhost")

EXIT_CONFIGURATION = 2
SHUTDOWN_TIMEOUT_SECONDS = 10.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devhost", description="Run function_app's functions locally.")
    parser.add_argument("--port", type=int, default=7071, help="0 picks a free port (default 7071)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--app", default="function_app:app", help="module:attribute of the func.FunctionApp")
    parser.add_argument("--consumers", type=int, default=2, help="receiving threads per topic-trigger function")
    parser.add_argument("--workers", type=int, default=16, help="threads running HTTP and admin invocations")
    parser.add_argument("--trigger-processes", type=int, default=0, metavar="N",
                        help="run the topic-trigger functions in N processes of their own, as Flex Consumption "
                             "runs them on instances apart from the HTTP functions (default 0: in devhost's own)")
    parser.add_argument("--trigger-threads", type=int, default=0, metavar="N",
                        help="N threads serve every topic-trigger function, each taking a message of each in turn, "
                             "instead of --consumers threads per function (threads of one process contend for the "
                             "GIL: one costs the least CPU per message)")
    parser.add_argument("--triggers-only", action="store_true", help=argparse.SUPPRESS)  # such a process
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    if args.consumers < 1 or args.workers < 1:
        parser.error("--consumers and --workers must be at least 1")
    if args.trigger_processes < 0 or args.trigger_threads < 0:
        parser.error("--trigger-processes and --trigger-threads must be 0 or more")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be from 0 to 65535")
    return args


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for noisy in ("uvicorn", "uvicorn.error", "azure"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def one_line(exc: BaseException) -> str:
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__


def public_url_default(sock: socket.socket) -> dict[str, str]:
    """The environment with ``FTA_PUBLIC_URL`` defaulting to where devhost listens,
    so the links in mails and Teams cards open this devhost whatever its port."""
    environment = dict(os.environ)
    if not environment.get("FTA_PUBLIC_URL"):
        address, port = sock.getsockname()[:2]
        if address in ("0.0.0.0", "::"):
            address = "localhost"
        shown = f"[{address}]" if ":" in address else address
        environment["FTA_PUBLIC_URL"] = f"http://{shown}:{port}"
    return environment


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, made as ``loop.create_server`` makes its own: with
    ``IPPROTO_TCP``. asyncio turns on ``TCP_NODELAY`` only for connections whose
    socket says TCP (accepted ones inherit the protocol); without it every
    answer on a kept-alive connection waits for the client's delayed ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


@dataclass
class DevHost:
    ctx: Any
    catalog: Catalog
    invoker: Invoker
    schedules: dict[str, Schedule]
    consumer_count: int = 2
    trigger_threads: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    consumers: list[SubscriptionConsumer] = field(default_factory=list)
    timers: list[TimerRunner] = field(default_factory=list)

    @classmethod
    def prepare(cls, ctx: Any, app: Any, *, consumer_count: int, workers: int, trigger_threads: int = 0) -> "DevHost":
        catalog = discover(app, AppSettings(ctx.settings))
        schedules = {f.name: Schedule.parse(f.schedule, function_name=f.name) for f in catalog.of(TimerFunction)}
        host = cls(ctx=ctx, catalog=catalog, invoker=Invoker(workers), schedules=schedules, consumer_count=consumer_count,
                   trigger_threads=trigger_threads)
        host._check_subscriptions()
        return host

    @property
    def local_bus(self) -> LocalBus | None:
        bus = getattr(self.ctx.bus, "inner", self.ctx.bus)  # under FTA_FAULTS the publisher is wrapped
        return bus if isinstance(bus, LocalBus) else None

    def _check_subscriptions(self) -> None:
        bus = self.local_bus
        if bus is None:
            return
        known = bus.subscription_names()
        for function in self.catalog.of(TopicFunction):
            if function.topic != topology.TOPIC:
                raise ValueError(f"function {function.name}: topic {function.topic!r} is not the app's topic {topology.TOPIC!r}")
            if function.subscription not in known:
                raise ValueError(
                    f"function {function.name}: subscription {function.subscription!r} is not in the topology"
                    f" (known: {', '.join(known)})"
                )

    def start_background(self, *, consume: bool = True, timers: bool = True) -> None:
        topic_functions = self.catalog.of(TopicFunction) if consume else []
        bus = self.local_bus
        if topic_functions and bus is None:
            log.warning(
                "FTA_BUS=%s: Service Bus triggers run only under the Functions host; devhost does not consume",
                self.ctx.settings.bus,
            )
        elif bus is not None and topic_functions:
            if self.trigger_threads:  # a few threads for them all, each taking a message of each in turn
                groups = [SubscriptionConsumer(bus, topic_functions, self.invoker, self.stop, count=self.trigger_threads)]
            else:
                groups = [SubscriptionConsumer(bus, function, self.invoker, self.stop, count=self.consumer_count)
                          for function in topic_functions]
            for consumer in groups:
                consumer.start()
                self.consumers.append(consumer)
        for function in self.catalog.of(TimerFunction) if timers else []:
            runner = TimerRunner(function, self.schedules[function.name], self.invoker, self.stop)
            runner.start()
            self.timers.append(runner)

    def run_now(self, function: Function, payload: str) -> None:
        """The admin API: run a function at once, in the background."""
        if isinstance(function, TimerFunction):
            now = datetime.now(timezone.utc)
            request = timer_request(past_due=False, last=None, next_run=self.schedules[function.name].next_after(now), now=now)
            self.invoker.submit(partial(run_timer_function, self.invoker, function, request, how="admin"))
        elif isinstance(function, TopicFunction):
            self.invoker.submit(run_direct_message, self.invoker, function, payload.encode("utf-8"))
        elif isinstance(function, HttpFunction):
            raise NotRunnable("an HTTP function runs on its route")
        else:
            raise NotRunnable(f"devhost cannot run {function.kind} functions")

    def asgi_app(self) -> DevHostApp:
        settings = self.ctx.settings
        # Like the Functions host (100 MB), devhost takes a document upload whole; the function enforces the limit.
        uploads = settings.max_document_bytes + 64 * 1024
        sign_in = SignIn(people(self.ctx.routing, settings.dev_user), settings.dev_user, tuple(settings.dev_roles))
        return DevHostApp(self.catalog, self.invoker, run_now=self.run_now, dev_user=settings.dev_user,
                          dev_roles=settings.dev_roles, max_body_bytes=uploads, sign_in=sign_in)

    def shutdown(self) -> None:
        self.stop.set()
        deadline = time.monotonic() + SHUTDOWN_TIMEOUT_SECONDS
        for consumer in self.consumers:
            consumer.join(max(0.0, deadline - time.monotonic()))
        for runner in self.timers:
            runner.thread.join(max(0.0, deadline - time.monotonic()))
        self.invoker.shutdown()


def serve(host: DevHost, sock: socket.socket, stopping: threading.Event) -> int:
    import uvicorn

    config = uvicorn.Config(
        host.asgi_app(), log_config=None, access_log=False, lifespan="off", ws="none",
        timeout_graceful_shutdown=SHUTDOWN_TIMEOUT_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="devhost-http", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    if not server.started:
        print("devhost: the HTTP server did not start", file=sys.stderr)
        return 1
    address, port = sock.getsockname()[:2]
    shown = f"[{address}]" if ":" in address else address
    print(f"devhost listening on http://{shown}:{port}", flush=True)
    while not stopping.wait(0.2):
        if not thread.is_alive():
            log.error("the HTTP server stopped")
            return 1
    server.should_exit = True
    thread.join(SHUTDOWN_TIMEOUT_SECONDS + 1)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.log_level)

    from shared import bootstrap
    from shared.settings import load_settings

    sock: socket.socket | None = None
    try:
        if not args.triggers_only:  # such a process takes no calls: its parent passes FTA_PUBLIC_URL
            sock = bind(args.host, args.port)
    except ValueError as exc:
        print(f"devhost: {one_line(exc)}", file=sys.stderr)
        return EXIT_CONFIGURATION
    try:
        settings = load_settings(public_url_default(sock) if sock is not None else dict(os.environ))
        ctx = bootstrap.build(settings)
    except ValueError as exc:  # SettingsError, RoutingError: one line naming the setting
        if sock is not None:
            sock.close()
        print(f"devhost: {one_line(exc)}", file=sys.stderr)
        return EXIT_CONFIGURATION
    bootstrap.install(ctx)

    stopping = threading.Event()
    previous: dict[int, Any] = {}

    def request_stop(signum: int, frame: Any) -> None:
        stopping.set()
        for sig, handler in previous.items():  # a second signal acts at once
            signal.signal(sig, handler)

    previous.update({sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)})
    host: DevHost | None = None
    try:
        try:
            app = import_app(args.app)
            host = DevHost.prepare(ctx, app, consumer_count=args.consumers, workers=args.workers,
                                   trigger_threads=args.trigger_threads)
        except ValueError as exc:
            if sock is not None:
                sock.close()
            print(f"devhost: {one_line(exc)}", file=sys.stderr)
            return EXIT_CONFIGURATION
        if args.triggers_only:
            host.start_background(timers=False)
            return run_as_trigger_process(stopping)
        names = ", ".join(f"{f.name} ({f.kind})" for f in host.catalog.functions) or "none"
        log.info("functions: %s", names)
        host.start_background(consume=args.trigger_processes == 0)
        children = start_trigger_processes(args, settings.public_url) if host.local_bus is not None else []
        inbound = start_inbound(ctx, "127.0.0.1", settings.inbound_smtp_port)
        try:
            assert sock is not None
            status = serve(host, sock, stopping)
        finally:
            if inbound is not None:
                inbound.stop()
            stop_trigger_processes(children, SHUTDOWN_TIMEOUT_SECONDS)
        log.info("stopping")
        return status
    finally:
        if host is not None:
            host.shutdown()
        ctx.close()
        bootstrap.install(None)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
