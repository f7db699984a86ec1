"""``python -m bench.bare_asgi``: the round trip's baseline, a minimal ASGI app
answering a small JSON on every path, served by uvicorn with the same settings
as devhost (no lifespan, no websockets, no access log). It binds through
uvicorn's own socket creation and prints ``listening on http://HOST:PORT``."""

from __future__ import annotations

import signal
import sys
import threading

BODY = b'{"status":"ok"}'
HEADERS = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]
READY = "listening on "


async def app(scope: dict, receive, send) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> int:
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="bare-asgi", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.01)
    if not server.started:
        print("bare_asgi: the server did not start", file=sys.stderr)
        return 1
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    print(f"{READY}http://{host}:{port}", flush=True)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    while not stopping.wait(0.2) and thread.is_alive():
        pass
    server.should_exit = True
    thread.join(5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
