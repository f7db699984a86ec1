"""Delivery through Amazon SES (API v2), sending the same raw MIME as every transport."""

from __future__ import annotations

from typing import Any

from shared.adapters.mail.mime import to_mime
from shared.app.ports import Email, PermanentMailError, TransientMailError

PERMANENT_ERROR_CODES = frozenset({
    "MessageRejected",
    "MailFromDomainNotVerified",
    "MailFromDomainNotVerifiedException",
    "BadRequest",
    "BadRequestException",
    "InvalidParameterValue",
    "ValidationException",
})


def ses_client(region: str) -> Any:
    """One ``sesv2`` client; the composition root keeps it for the process."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sesv2",
        region_name=region,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30),
    )


def _error_summary(error: dict[str, Any]) -> str:
    code = error.get("Code", "Unknown")
    message = " ".join(str(error.get("Message", "")).split())[:200]
    return f"{code}: {message}" if message else code


class SesMailer:
    name = "ses"

    def __init__(self, client: Any):
        self._client = client

    def send(self, email: Email) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        raw = to_mime(email).as_bytes()
        if not email.to:
            raise PermanentMailError("ses: the email has no recipient")
        try:
            self._client.send_email(
                FromEmailAddress=email.sender,
                Destination={"ToAddresses": list(email.to)},
                Content={"Raw": {"Data": raw}},
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            summary = _error_summary(error)
            if error.get("Code") in PERMANENT_ERROR_CODES:
                raise PermanentMailError(f"ses: {summary}") from exc
            # throttling, 5xx, a paused or misconfigured account: retry later
            raise TransientMailError(f"ses: {summary}") from exc
        except BotoCoreError as exc:
            raise TransientMailError(f"ses: {exc.__class__.__name__}") from exc

    def health(self) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        status: dict[str, Any] = {"backend": self.name, "region": self._client.meta.region_name}
        try:
            self._client.list_email_identities(PageSize=1)
        except ClientError as exc:
            return {**status, "ok": False, "error": exc.response.get("Error", {}).get("Code", "Unknown")}
        except BotoCoreError as exc:
            return {**status, "ok": False, "error": exc.__class__.__name__}
        return {**status, "ok": True}

    def close(self) -> None:
        self._client.close()
