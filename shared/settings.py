"""Every app setting, read and validated in one place (pydantic-settings).

``load_settings()`` reads the environment once; a bad value raises
``SettingsError`` whose message is one line naming the setting. Secrets are
``SecretStr``: they never appear in a repr or a log line.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping
from urllib.parse import urlparse

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from shared.setting_values import as_origin, is_loopback_url, origin_of, validate_ncrontab
from shared.topology import DOCUMENT_STORAGE_CONNECTION, DOCUMENTS_CONTAINER, SERVICE_BUS_CONNECTION

__all__ = ["Settings", "SettingsError", "load_settings", "as_origin", "is_loopback_url", "origin_of",
           "validate_ncrontab"]

SHIPPED_ROUTING_FILE = Path(__file__).parent / "config" / "routing.yaml"
DEFAULT_REMIND_SCHEDULE = "0 0 * * * 1-5"
DEFAULT_SWEEP_SCHEDULE = "0 */1 * * * *"


_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SettingsError(ValueError):
    def __init__(self, name: str, problem: str):
        super().__init__(f"setting {name}: {problem}")
        self.name = name


_explicit: ContextVar[Mapping[str, str] | None] = ContextVar("fta_settings_source", default=None)


class _MappingSource(PydanticBaseSettingsSource):
    """The settings from a given mapping instead of the process environment (tests, tools)."""

    def __init__(self, settings_cls: type[BaseSettings], mapping: Mapping[str, str]):
        super().__init__(settings_cls)
        self.mapping = mapping

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.mapping.get(field.alias or field_name), field.alias or field_name, False

    def __call__(self) -> dict[str, Any]:
        aliases = {f.alias or name for name, f in self.settings_cls.model_fields.items()}
        return {k: v for k, v in self.mapping.items() if k in aliases}


def _setting(default: Any, name: str, **kw: Any) -> Any:
    return Field(default, alias=name, **kw)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=True, populate_by_name=True,
                                      hide_input_in_errors=True)

    data_dir: Path = _setting(Path(".fta"), "FTA_DATA_DIR")
    store: Literal["sqlite", "cosmos"] = _setting("sqlite", "FTA_STORE")
    cosmos_endpoint: str = _setting("", "COSMOS_ENDPOINT")
    cosmos_key: SecretStr = _setting(SecretStr(""), "COSMOS_KEY")
    cosmos_database: str = _setting("fta", "COSMOS_DATABASE")
    cosmos_verify_tls: bool = _setting(True, "COSMOS_VERIFY_TLS")
    cosmos_create_containers: bool = _setting(False, "COSMOS_CREATE_CONTAINERS")
    bus: Literal["local", "servicebus"] = _setting("local", "FTA_BUS")
    servicebus_connection: SecretStr = _setting(SecretStr(""), SERVICE_BUS_CONNECTION)
    servicebus_namespace: str = _setting("", f"{SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace")
    email: Literal["outbox", "smtp", "ses", "graph"] = _setting("outbox", "FTA_EMAIL")
    email_from: str = _setting("fta-requests@localhost", "FTA_EMAIL_FROM")
    smtp_host: str = _setting("", "SMTP_HOST")
    smtp_port: int = _setting(25, "SMTP_PORT", ge=1, le=65535)
    smtp_username: str = _setting("", "SMTP_USERNAME")
    smtp_password: SecretStr = _setting(SecretStr(""), "SMTP_PASSWORD")
    smtp_starttls: bool = _setting(False, "SMTP_STARTTLS")
    smtp_timeout_seconds: float = _setting(30.0, "SMTP_TIMEOUT_SECONDS", ge=1, le=600)
    mail_sender: str = _setting("", "FTA_MAIL_SENDER")  # the shared mailbox Graph sends as and reads replies from
    graph_url: str = _setting("https://graph.microsoft.com/v1.0", "FTA_GRAPH_URL")
    reply_address: str = _setting("", "FTA_REPLY_ADDRESS")  # blank: FTA_EMAIL_FROM
    reply_key: SecretStr = _setting(SecretStr(""), "FTA_REPLY_KEY")  # blank: generated once into FTA_DATA_DIR
    replies_folder: str = _setting("archive", "FTA_REPLIES_FOLDER", pattern=r"^[A-Za-z0-9=_-]{1,200}$")
    inbound_smtp_port: int = _setting(2525, "FTA_INBOUND_SMTP_PORT", ge=0, le=65535)  # devhost; 0: off
    aws_region: str = _setting("", "AWS_REGION")
    aws_default_region: str = _setting("", "AWS_DEFAULT_REGION")
    public_url: str = _setting("http://127.0.0.1:7071", "FTA_PUBLIC_URL")
    routing_file: Path = _setting(SHIPPED_ROUTING_FILE, "FTA_ROUTING_FILE")
    remind_schedule: str = _setting(DEFAULT_REMIND_SCHEDULE, "FTA_REMIND_SCHEDULE")
    sweep_schedule: str = _setting(DEFAULT_SWEEP_SCHEDULE, "FTA_SWEEP_SCHEDULE")
    assign_sla_business_hours: float = _setting(16.0, "FTA_ASSIGN_SLA_BUSINESS_HOURS", ge=0, le=24 * 365,
                                                allow_inf_nan=False)
    reminders_before_escalation: int = _setting(2, "FTA_REMINDERS_BEFORE_ESCALATION", ge=0, le=100)
    info_reminder_business_hours: float = _setting(24.0, "FTA_INFO_REMINDER_BUSINESS_HOURS", ge=0, le=24 * 365,
                                                   allow_inf_nan=False)
    dev_user: str = _setting("dev@contoso.com", "FTA_DEV_USER")
    dev_roles: Annotated[tuple[str, ...], NoDecode] = _setting((), "FTA_DEV_ROLES")
    appinsights_connection_string: SecretStr = _setting(SecretStr(""), "APPLICATIONINSIGHTS_CONNECTION_STRING")
    sweep_after_seconds: float = _setting(60.0, "FTA_SWEEP_AFTER_SECONDS", ge=0, le=86400, allow_inf_nan=False)
    documents: Literal["local", "blob"] = _setting("local", "FTA_DOCUMENTS")
    documents_container: str = _setting(DOCUMENTS_CONTAINER, "FTA_DOCUMENTS_CONTAINER",
                                        pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
    document_storage_connection: SecretStr = _setting(SecretStr(""), DOCUMENT_STORAGE_CONNECTION)
    document_storage_uri: str = _setting("", f"{DOCUMENT_STORAGE_CONNECTION}__blobServiceUri")
    max_document_mb: float = _setting(25.0, "FTA_MAX_DOCUMENT_MB", gt=0, le=100, allow_inf_nan=False)
    documents_require_scan: bool = _setting(False, "FTA_DOCUMENTS_REQUIRE_SCAN")
    faults: Annotated[dict[str, float], NoDecode] = _setting({}, "FTA_FAULTS")
    faults_seed: int | None = _setting(None, "FTA_FAULTS_SEED", ge=0, le=2**31)
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = _setting((), "FTA_ALLOWED_ORIGINS")
    submissions_per_hour: int = _setting(60, "FTA_SUBMISSIONS_PER_HOUR", ge=0, le=100_000)
    # Who may be made an architect; none given: the domains of the routing file's architects and members.
    organization_domains: Annotated[tuple[str, ...], NoDecode] = _setting((), "FTA_ORGANIZATION_DOMAINS")
    # Where the settings were read from: settings named elsewhere (the routing
    # file's teamsWebhookSetting) are read from the same place.
    _environ: Mapping[str, str] | None = PrivateAttr(default=None)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        mapping = _explicit.get()
        if mapping is not None:
            return (init_settings, _MappingSource(settings_cls, mapping))
        return (init_settings, env_settings)

    # -- one value at a time -------------------------------------------------------

    @field_validator("*", mode="before")
    @classmethod
    def _blank_means_default(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and info.field_name not in ("dev_user",):
            value = value.strip()
            if value == "":
                return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    @field_validator("store", "bus", "email", "documents", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("cosmos_verify_tls", "cosmos_create_containers", "smtp_starttls", "documents_require_scan",
                     mode="before")
    @classmethod
    def _boolean(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"expected true or false, got {value!r}")
        return value

    @field_validator("dev_user", mode="before")
    @classmethod
    def _dev_user(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("dev_roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(r.strip() for r in value.split(",") if r.strip())
        return value

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [o.strip() for o in value.split(",") if o.strip()]
        return tuple(as_origin(o) for o in value)

    @field_validator("organization_domains", mode="before")
    @classmethod
    def _domains(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [d.strip().lower() for d in value.split(",") if d.strip()]
        for domain in value:
            if not _DOMAIN.match(domain):
                raise ValueError(f"expected a comma list of mail domains (e.g. contoso.com), got {domain!r}")
        return tuple(value)

    @field_validator("faults", mode="before")
    @classmethod
    def _faults(cls, value: Any) -> Any:
        if isinstance(value, str):
            from shared.adapters.faults import parse_faults

            return parse_faults(value)
        return value

    @field_validator("email_from", "mail_sender", "reply_address")
    @classmethod
    def _sender(cls, value: str, info: Any) -> str:
        if not value and info.field_name != "email_from":
            return value
        if "@" not in value or any(c in value for c in "\r\n"):
            raise ValueError(f"expected an email address, got {value!r}")
        return value

    @field_validator("public_url", "graph_url")
    @classmethod
    def _url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("routing_file")
    @classmethod
    def _routing_file(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"no such file: {str(value)!r}")
        return value

    @field_validator("remind_schedule", "sweep_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        validate_ncrontab(value)
        return value

    @field_validator("servicebus_connection")
    @classmethod
    def _sb_connection(cls, value: SecretStr) -> SecretStr:
        text = value.get_secret_value()
        if text and "Endpoint=sb://" not in text:
            raise ValueError("expected a Service Bus connection string (Endpoint=sb://...)")
        return value

    # -- what one setting asks of another ---------------------------------------------

    def check(self) -> "Settings":
        if self.store == "cosmos":
            if not self.cosmos_endpoint:
                raise SettingsError("COSMOS_ENDPOINT", "required when FTA_STORE=cosmos")
            if urlparse(self.cosmos_endpoint).scheme != "https":
                raise SettingsError("COSMOS_ENDPOINT", f"expected an https URL, got {self.cosmos_endpoint!r}")
            if not self.cosmos_verify_tls and not is_loopback_url(self.cosmos_endpoint):
                raise SettingsError("COSMOS_VERIFY_TLS", "false is only allowed for a loopback endpoint")
        if self.bus == "servicebus" and not (self.servicebus_connection.get_secret_value() or self.servicebus_namespace):
            raise SettingsError(
                SERVICE_BUS_CONNECTION,
                f"required when FTA_BUS=servicebus (or {SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace)",
            )
        if self.documents == "blob" and not (self.document_storage_connection.get_secret_value()
                                             or self.document_storage_uri):
            raise SettingsError(DOCUMENT_STORAGE_CONNECTION,
                                f"required when FTA_DOCUMENTS=blob (or {DOCUMENT_STORAGE_CONNECTION}__blobServiceUri)")
        if self.document_storage_uri and urlparse(self.document_storage_uri).scheme != "https":
            raise SettingsError(f"{DOCUMENT_STORAGE_CONNECTION}__blobServiceUri",
                                f"expected an https URL, got {self.document_storage_uri!r}")
        if self.documents_require_scan and self.documents != "blob":
            raise SettingsError("FTA_DOCUMENTS_REQUIRE_SCAN", "needs FTA_DOCUMENTS=blob (Defender scans blobs)")
        if self.email == "smtp" and not self.smtp_host:
            raise SettingsError("SMTP_HOST", "required when FTA_EMAIL=smtp")
        if self.email == "ses" and not self.region:
            raise SettingsError("AWS_REGION", "required when FTA_EMAIL=ses")
        if self.email == "graph" and not self.mail_sender:
            raise SettingsError("FTA_MAIL_SENDER", "required when FTA_EMAIL=graph (the shared mailbox it sends as)")
        if urlparse(self.graph_url).scheme != "https" and not is_loopback_url(self.graph_url):
            raise SettingsError("FTA_GRAPH_URL", "expected an https URL (http only for a loopback address)")
        return self

    def app_setting(self, name: str) -> SecretStr:
        """A setting named by configuration rather than by the code (blank when unset)."""
        import os

        source = os.environ if self._environ is None else self._environ
        return SecretStr((source.get(name) or "").strip())

    def webhook_url(self, name: str, owner: str) -> SecretStr:
        """The webhook URL in setting ``name`` that ``owner`` (e.g. a lead group) names: https,
        or http on a loopback address. The value is a secret: no error repeats it."""
        url = self.app_setting(name).get_secret_value()
        if not url:
            raise SettingsError(name, f"{owner} names it as its Teams webhook, but it is not set")
        try:
            parsed = urlparse(url)
            host = parsed.hostname
        except ValueError:
            host = None
        if not host or parsed.scheme not in ("http", "https") or any(c.isspace() for c in url):
            raise SettingsError(name, f"{owner} names it as its Teams webhook, but its value is not a URL")
        if parsed.scheme != "https" and not is_loopback_url(url):
            raise SettingsError(name, f"{owner} names it as its Teams webhook: expected an https URL "
                                      "(http only for a loopback address)")
        return SecretStr(url)

    @property
    def region(self) -> str:
        return self.aws_region or self.aws_default_region

    @property
    def trusted_origins(self) -> frozenset[str]:
        """The origins whose pages may change state: the app's own (FTA_PUBLIC_URL) and FTA_ALLOWED_ORIGINS."""
        own = origin_of(self.public_url)
        return frozenset({*self.allowed_origins, *([own] if own else [])})

    @property
    def max_document_bytes(self) -> int:
        """``FTA_MAX_DOCUMENT_MB`` in bytes (MiB; a fraction is allowed, e.g. 0.01 for tests)."""
        return int(self.max_document_mb * 1024 * 1024)

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"


def _problem(error: dict[str, Any]) -> str:
    message = error["msg"].removeprefix("Value error, ")
    given = error.get("input")
    if error["type"] == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"expected one of {expected}"
    if error["type"] in ("int_parsing", "float_parsing", "int_from_float"):
        return f"expected {'a whole number' if error['type'] != 'float_parsing' else 'a number'}" + (
            f", got {given!r}" if isinstance(given, str) else "")
    return message


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The settings from ``env`` (by default the process environment)."""
    token = _explicit.set(env)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        raise SettingsError(name, " ".join(_problem(first).split())) from None
    finally:
        _explicit.reset(token)
    settings._environ = None if env is None else dict(env)
    return settings.check()
