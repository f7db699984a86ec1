"""Every app setting, read and validated in one place.

``load_settings()`` reads the environment once; a bad value raises
``SettingsError`` whose message is one line naming the setting.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse

SHIPPED_ROUTING_FILE = Path(__file__).parent / "config" / "routing.yaml"
DEFAULT_REMIND_SCHEDULE = "0 0 * * * 1-5"
DEFAULT_SWEEP_SCHEDULE = "0 */1 * * * *"
SERVICE_BUS_CONNECTION = "ServiceBusConnection"


class SettingsError(ValueError):
    def __init__(self, name: str, problem: str):
        super().__init__(f"setting {name}: {problem}")
        self.name = name


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".fta")
    store: str = "sqlite"
    cosmos_endpoint: str = ""
    cosmos_key: str = field(default="", repr=False)
    cosmos_database: str = "fta"
    cosmos_verify_tls: bool = True
    cosmos_create_containers: bool = False
    bus: str = "local"
    servicebus_connection: str = field(default="", repr=False)
    servicebus_namespace: str = ""
    email: str = "outbox"
    email_from: str = "fta-requests@localhost"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 30.0
    aws_region: str = ""
    public_url: str = "http://127.0.0.1:7071"
    routing_file: Path = SHIPPED_ROUTING_FILE
    remind_schedule: str = DEFAULT_REMIND_SCHEDULE
    sweep_schedule: str = DEFAULT_SWEEP_SCHEDULE
    assign_sla_business_hours: float = 16.0
    reminders_before_escalation: int = 2
    dev_user: str = "dev@contoso.com"
    dev_roles: tuple[str, ...] = ()
    appinsights_connection_string: str = field(default="", repr=False)
    sweep_after_seconds: float = 60.0
    faults: dict = field(default_factory=dict)
    faults_seed: int | None = None

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(name, f"expected true or false, got {raw!r}")


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise SettingsError(name, f"expected one of {', '.join(choices)}, got {env.get(name)!r}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float, maximum: float, integer: bool) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SettingsError(name, f"expected {kind}, got {raw!r}") from None
    if not (minimum <= value <= maximum) or value != value:
        raise SettingsError(name, f"expected a value from {minimum:g} to {maximum:g}, got {raw!r}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip()
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SettingsError(name, f"expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def is_loopback_url(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_ncrontab(expression: str) -> None:
    """NCRONTAB as the Functions host reads it: six fields, seconds first."""
    fields = expression.split()
    if len(fields) != 6:
        raise ValueError("expected six NCRONTAB fields: second minute hour day month day-of-week")
    from croniter import croniter

    if not croniter.is_valid(expression, second_at_beginning=True):
        raise ValueError(f"not a valid NCRONTAB expression: {expression!r}")


def _schedule(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip()
    try:
        validate_ncrontab(value)
    except ValueError as exc:
        raise SettingsError(name, str(exc)) from None
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    store = _choice(env, "FTA_STORE", "sqlite", ("sqlite", "cosmos"))
    bus = _choice(env, "FTA_BUS", "local", ("local", "servicebus"))
    email = _choice(env, "FTA_EMAIL", "outbox", ("outbox", "smtp", "ses"))

    cosmos_endpoint = (env.get("COSMOS_ENDPOINT") or "").strip()
    cosmos_verify_tls = _bool(env, "COSMOS_VERIFY_TLS", True)
    if store == "cosmos":
        if not cosmos_endpoint:
            raise SettingsError("COSMOS_ENDPOINT", "required when FTA_STORE=cosmos")
        if urlparse(cosmos_endpoint).scheme != "https":
            raise SettingsError("COSMOS_ENDPOINT", f"expected an https URL, got {cosmos_endpoint!r}")
        if not cosmos_verify_tls and not is_loopback_url(cosmos_endpoint):
            raise SettingsError("COSMOS_VERIFY_TLS", "false is only allowed for a loopback endpoint")

    sb_connection = (env.get(SERVICE_BUS_CONNECTION) or "").strip()
    sb_namespace = (env.get(f"{SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace") or "").strip()
    if bus == "servicebus" and not (sb_connection or sb_namespace):
        raise SettingsError(
            SERVICE_BUS_CONNECTION,
            f"required when FTA_BUS=servicebus (or {SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace)",
        )
    if sb_connection and "Endpoint=sb://" not in sb_connection:
        raise SettingsError(SERVICE_BUS_CONNECTION, "expected a Service Bus connection string (Endpoint=sb://...)")

    smtp_host = (env.get("SMTP_HOST") or "").strip()
    if email == "smtp" and not smtp_host:
        raise SettingsError("SMTP_HOST", "required when FTA_EMAIL=smtp")
    aws_region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip()
    if email == "ses" and not aws_region:
        raise SettingsError("AWS_REGION", "required when FTA_EMAIL=ses")

    email_from = (env.get("FTA_EMAIL_FROM") or "fta-requests@localhost").strip()
    if "@" not in email_from or any(c in email_from for c in "\r\n"):
        raise SettingsError("FTA_EMAIL_FROM", f"expected an email address, got {email_from!r}")

    routing_file = Path(env.get("FTA_ROUTING_FILE") or SHIPPED_ROUTING_FILE)
    if not routing_file.is_file():
        raise SettingsError("FTA_ROUTING_FILE", f"no such file: {str(routing_file)!r}")

    roles = tuple(r.strip() for r in (env.get("FTA_DEV_ROLES") or "").split(",") if r.strip())
    dev_user = env.get("FTA_DEV_USER")
    dev_user = "dev@contoso.com" if dev_user is None else dev_user.strip()

    from shared.faults import parse_faults

    try:
        faults = parse_faults(env.get("FTA_FAULTS") or "")
    except ValueError as exc:
        raise SettingsError("FTA_FAULTS", str(exc)) from None
    seed = env.get("FTA_FAULTS_SEED")
    faults_seed = int(_number(env, "FTA_FAULTS_SEED", 0, minimum=0, maximum=2**31, integer=True)) if seed else None

    return Settings(
        data_dir=Path(env.get("FTA_DATA_DIR") or ".fta"),
        store=store,
        cosmos_endpoint=cosmos_endpoint,
        cosmos_key=(env.get("COSMOS_KEY") or "").strip(),
        cosmos_database=(env.get("COSMOS_DATABASE") or "fta").strip(),
        cosmos_verify_tls=cosmos_verify_tls,
        cosmos_create_containers=_bool(env, "COSMOS_CREATE_CONTAINERS", False),
        bus=bus,
        servicebus_connection=sb_connection,
        servicebus_namespace=sb_namespace,
        email=email,
        email_from=email_from,
        smtp_host=smtp_host,
        smtp_port=int(_number(env, "SMTP_PORT", 25, minimum=1, maximum=65535, integer=True)),
        smtp_username=(env.get("SMTP_USERNAME") or "").strip(),
        smtp_password=env.get("SMTP_PASSWORD") or "",
        smtp_starttls=_bool(env, "SMTP_STARTTLS", False),
        smtp_timeout_seconds=_number(env, "SMTP_TIMEOUT_SECONDS", 30.0, minimum=1, maximum=600, integer=False),
        aws_region=aws_region,
        public_url=_url(env, "FTA_PUBLIC_URL", "http://127.0.0.1:7071"),
        routing_file=routing_file,
        remind_schedule=_schedule(env, "FTA_REMIND_SCHEDULE", DEFAULT_REMIND_SCHEDULE),
        sweep_schedule=_schedule(env, "FTA_SWEEP_SCHEDULE", DEFAULT_SWEEP_SCHEDULE),
        assign_sla_business_hours=_number(
            env, "FTA_ASSIGN_SLA_BUSINESS_HOURS", 16.0, minimum=0, maximum=24 * 365, integer=False
        ),
        reminders_before_escalation=int(
            _number(env, "FTA_REMINDERS_BEFORE_ESCALATION", 2, minimum=0, maximum=100, integer=True)
        ),
        dev_user=dev_user,
        dev_roles=roles,
        appinsights_connection_string=(env.get("APPLICATIONINSIGHTS_CONNECTION_STRING") or "").strip(),
        sweep_after_seconds=_number(env, "FTA_SWEEP_AFTER_SECONDS", 60.0, minimum=0, maximum=86400, integer=False),
        faults=faults,
        faults_seed=faults_seed,
    )
