"""A Teams incoming webhook stand-in: a real HTTP server on a free loopback
port that records every post and answers from a script.

Each channel has its own secret-looking URL (a Workflows URL's shape, with a
``sig``), so a test can check that no log line ever holds one.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from shared.settings import SHIPPED_ROUTING_FILE


@dataclass(frozen=True)
class Answer:
    status: int = 202
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


@dataclass
class Post:
    channel: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int
    at: float

    @property
    def card(self) -> dict[str, Any]:
        return self.body["attachments"][0]["content"]

    def fact(self, title: str) -> str:
        return next(f["value"] for f in self.card["body"][2]["facts"] if f["title"] == title)


class TeamsWebhook:
    def __init__(self) -> None:
        self.posts: list[Post] = []
        self._scripts: dict[str, list[Answer]] = {}
        self._secrets: dict[str, str] = {}
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                channel = outer._channel_of(self.path)
                with outer._lock:
                    script = outer._scripts.get(channel) or []
                    answer = script.pop(0) if script else Answer()
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        body = raw
                    outer.posts.append(Post(channel, self.path, dict(self.headers), body, answer.status,
                                            time.monotonic()))
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="teams-webhook", daemon=True)

    def __enter__(self) -> "TeamsWebhook":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _channel_of(self, path: str) -> str:
        return next((c for c, s in self._secrets.items() if s in path), "?")

    def secret(self, channel: str) -> str:
        return self._secrets.setdefault(channel, uuid.uuid4().hex)

    def url(self, channel: str) -> str:
        """A Workflows-shaped URL: the path and the ``sig`` are the secret."""
        secret = self.secret(channel)
        return (f"http://127.0.0.1:{self.port}/workflows/{secret}/triggers/manual/paths/invoke"
                f"?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sig={secret}")

    def script(self, channel: str, *answers: Answer) -> None:
        with self._lock:
            self._scripts.setdefault(channel, []).extend(answers)

    def to(self, channel: str) -> list[Post]:
        with self._lock:
            return [p for p in self.posts if p.channel == channel]

    def accepted(self, channel: str | None = None) -> list[Post]:
        with self._lock:
            return [p for p in self.posts if 200 <= p.status < 300 and channel in (None, p.channel)]

    def secrets(self) -> list[str]:
        return list(self._secrets.values())


def routing_with_channels(path: Path, channels: dict[str, str]) -> Path:
    """The shipped routing file with ``teamsWebhookSetting`` set for some groups (group id -> setting)."""
    routing = yaml.safe_load(SHIPPED_ROUTING_FILE.read_text())
    for group in routing["leadGroups"]:
        if group["id"] in channels:
            group["teamsWebhookSetting"] = channels[group["id"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(routing, sort_keys=False))
    return path
