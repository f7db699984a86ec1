"""Delivery through an SMTP relay (Azure Communication Services, Exchange Online, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from shared.adapters.mail.mime import to_mime
from shared.app.ports import Email, PermanentMailError, TransientMailError

if TYPE_CHECKING:
    import smtplib
    import ssl

HEALTH_TIMEOUT_SECONDS = 5.0


class RecipientsRefused(PermanentMailError):
    """The server refused some or all recipients for good."""

    def __init__(self, message: str, refused: Mapping[str, tuple[int, bytes]], delivered: tuple[str, ...]):
        super().__init__(message)
        self.refused = dict(refused)
        self.delivered = delivered


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())[:160]}".strip()


def _refusal_summary(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{address} ({code})" for address, (code, _) in sorted(refused.items()))


class SmtpMailer:
    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 30,
        local_hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self.starttls = starttls
        self.timeout = timeout
        self.local_hostname = local_hostname
        self._ssl_context = ssl_context

    def __repr__(self) -> str:
        return f"SmtpMailer({self.host}:{self.port}, starttls={self.starttls}, user={self.username or '-'})"

    def _open(self, timeout: float) -> "smtplib.SMTP":
        import smtplib
        import ssl

        connection = smtplib.SMTP(self.host, self.port, local_hostname=self.local_hostname, timeout=timeout)
        try:
            connection.ehlo()
            if self.starttls:
                connection.starttls(context=self._ssl_context or ssl.create_default_context())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self._password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, email: Email) -> None:
        import smtplib

        message = to_mime(email)
        recipients = list(email.to)
        if not recipients:
            raise PermanentMailError("smtp: the email has no recipient")
        try:
            connection = self._open(self.timeout)
            try:
                refused = connection.send_message(message, from_addr=email.sender, to_addrs=recipients)
            finally:
                try:
                    connection.quit()
                except (smtplib.SMTPException, OSError):
                    connection.close()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            summary = _refusal_summary(exc.recipients)
            if all(code >= 500 for code in codes):
                raise RecipientsRefused(
                    f"smtp: all {len(codes)} recipients refused: {summary}", exc.recipients, ()
                ) from exc
            raise TransientMailError(f"smtp: {len(codes)} recipients deferred: {summary}") from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientMailError(f"smtp: login refused for the configured user ({exc.smtp_code})") from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            what = "sender refused" if isinstance(exc, smtplib.SMTPSenderRefused) else "message refused"
            reply = _reply(exc.smtp_code, exc.smtp_error)
            if exc.smtp_code >= 500:
                raise PermanentMailError(f"smtp: {what}: {reply}") from exc
            raise TransientMailError(f"smtp: {what}: {reply}") from exc
        except smtplib.SMTPResponseException as exc:
            raise TransientMailError(f"smtp: server replied {_reply(exc.smtp_code, exc.smtp_error)}") from exc
        except smtplib.SMTPException as exc:
            # disconnects, missing STARTTLS/AUTH support: the relay or its configuration, not the message
            raise TransientMailError(f"smtp: {exc.__class__.__name__}: {exc}") from exc
        except OSError as exc:
            # refused connections, timeouts, DNS and TLS failures
            raise TransientMailError(
                f"smtp: cannot reach {self.host}:{self.port} ({exc.__class__.__name__})"
            ) from exc

        if refused:
            delivered = tuple(address for address in recipients if address not in refused)
            raise RecipientsRefused(
                f"smtp: {len(refused)} of {len(recipients)} recipients refused "
                f"(delivered to the other {len(delivered)}): {_refusal_summary(refused)}",
                refused,
                delivered,
            )

    def health(self) -> dict[str, Any]:
        import smtplib

        status: dict[str, Any] = {"backend": self.name, "host": self.host, "port": self.port}
        try:
            connection = self._open(min(self.timeout, HEALTH_TIMEOUT_SECONDS))
            try:
                code, _ = connection.noop()
            finally:
                connection.close()
        except (smtplib.SMTPException, OSError) as exc:
            return {**status, "ok": False, "error": exc.__class__.__name__}
        return {**status, "ok": code == 250}

    def close(self) -> None:
        pass
