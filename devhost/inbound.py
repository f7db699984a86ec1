"""Replies by mail, locally: devhost listens for SMTP on FTA_INBOUND_SMTP_PORT
(aiosmtpd) and hands each message to the same use case as the Azure inbox timer.
It accepts every message (250) and answers nobody: what is not a reply the
service can take is counted, never bounced."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("devhost.inbound")


class _Handler:
    def __init__(self, take: Any):
        self._take = take

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        raw = envelope.original_content or envelope.content or b""
        await asyncio.get_running_loop().run_in_executor(None, self._take, raw)
        return "250 OK"


def start_inbound(ctx: Any, host: str, port: int) -> Any:
    """The listening server, or None when FTA_INBOUND_SMTP_PORT is 0 or the port is taken (one warning)."""
    if port == 0:
        return None
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every address and command at INFO

    from shared.app.replies import take_reply

    controller = Controller(_Handler(lambda raw: take_reply(ctx, raw)), hostname=host, port=port,
                            data_size_limit=45 * 1024 * 1024, decode_data=False)
    try:
        controller.start()
    except Exception as exc:  # noqa: BLE001 - a port in use is a warning, never a failed start
        log.warning("replies by mail are off: cannot listen for SMTP on %s:%d (%s)", host, port,
                    exc.__class__.__name__)
        return None
    print(f"devhost takes replies by mail on smtp://{host}:{port}", flush=True)
    return controller
