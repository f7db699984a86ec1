"""What every topic-trigger function does: hand the message to the consumers'
entry (``shared.app.handlers.handle_message``) with the ids the worker built."""

from __future__ import annotations

import azure.functions as func


def consume(subscription: str, msg: func.ServiceBusMessage) -> None:
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.handlers import handle_message

    handle_message(
        bootstrap.context(), subscription, msg.get_body(),
        message_id=msg.message_id, subject=msg.subject, correlation_id=msg.correlation_id,
        locked_until=msg.locked_until,
    )
