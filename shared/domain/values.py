"""The value types of the process: enumerations, checked text, times, and the
camelCase model every document and answer uses. Pure: the standard library and pydantic."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, StringConstraints, WithJsonSchema
from pydantic.alias_generators import to_camel


class DomainError(Exception):
    """A rule of the process refused the change."""


class Segment(StrEnum):
    ENTERPRISE = "enterprise"
    SMC_C = "smc-c"
    SMB = "smb"
    OTHER = "other"


class Entitlement(StrEnum):
    MICROSOFT_365 = "microsoft-365"
    OFFICE_365 = "office-365"
    EMS = "ems"


class RequestType(StrEnum):
    SOW_ECIF = "sow-ecif"
    NON_ECIF = "non-ecif"
    MIGRATION_EXCEPTION = "migration-exception"


class Cloud(StrEnum):
    COMMERCIAL = "commercial"
    GCC = "gcc"
    GCC_HIGH = "gcc-high"
    DOD = "dod"


class DocumentKind(StrEnum):
    SOW = "sow"
    WBS = "wbs"
    COST_BREAKDOWN = "cost-breakdown"
    MIGRATION_PLAN = "migration-plan"
    OTHER = "other"


# The one text rule of every free-text field: no control character (Unicode Cc:
# C0, DEL, C1) but line breaks and tabs, and no bidi embedding, override or
# isolate control (they make text display as something else). Zero-width
# joiners and the bidi marks stay: scripts need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


def _text_rule(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    if _BIDI_CONTROL.search(value):
        raise ValueError("must not contain bidirectional embedding, override or isolate controls")
    return value


def within_text_rule(value: str) -> str:
    """Text from outside the service's forms (a mail) made to keep the text rule: what it refuses is left out."""
    return _BIDI_CONTROL.sub("", _CONTROL.sub("", value))


def no_control(value: str) -> str:
    """Single-line text: the text rule, and no line break."""
    _text_rule(value)
    if _LINE_BREAK.search(value):
        raise ValueError("must be a single line without line breaks")
    return value


def no_control_multiline(value: str) -> str:
    """Text of several lines: the text rule; line breaks and tabs stay."""
    return _text_rule(value)


def free_text(max_length: int, min_length: int = 0, *, multiline: bool = True) -> Any:
    """A free-text field of a body: stripped, ``min_length`` to ``max_length`` characters, the text rule."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(no_control_multiline if multiline else no_control),
                     WithJsonSchema({"type": "string", "minLength": min_length, "maxLength": max_length,
                                     "pattern": MULTI_LINE_PATTERN if multiline else SINGLE_LINE_PATTERN,
                                     FREE_TEXT: "multi-line" if multiline else "single-line"})]


# -- dates -------------------------------------------------------------------------------

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
DAY_PATTERN = r"^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def bounded_day(value: str) -> date:
    """A UTC day, YYYY-MM-DD, within EARLIEST_DAY ... LATEST_DAY (ValueError otherwise)."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a UTC date, YYYY-MM-DD") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"must be from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}")
    return day


# A tenant domain (e.g. contoso.onmicrosoft.com) or a tenant GUID; also the
# OpenAPI document's pattern, so it is written without flags.
TENANT_PATTERN = (
    r"^(?:(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
# The text rule as the OpenAPI document's patterns (written without flags).
SINGLE_LINE_PATTERN = r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
FREE_TEXT = "x-free-text"  # marks a free-text field in the OpenAPI document
_TENANT = re.compile(TENANT_PATTERN)
_EMAIL = re.compile(r"^[^@\s\"<>,;()\[\]\\]+@([a-z0-9-]+\.)+[a-z]{2,63}$", re.I)


def _tenant(value: str) -> str:
    if _TENANT.match(value):
        return value.lower()
    raise ValueError("must be a tenant domain (e.g. contoso.onmicrosoft.com) or a tenant GUID")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value.lower()


def unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


SingleLine = free_text(200, 1, multiline=False)
Tpid = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,12}$")]
Tenant = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=253), AfterValidator(_tenant)
]
EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)
]
LongText = free_text(4000)


def iso(moment: datetime) -> str:
    """The one text form of a time in documents and queries: UTC, fixed width,
    so that comparing the strings compares the times."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("must carry a time zone")
    return moment.astimezone(timezone.utc)


UtcDateTime = Annotated[datetime, AfterValidator(_aware_utc), PlainSerializer(iso, return_type=str, when_used="json")]


class CamelModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        use_enum_values=False,
        extra="forbid",
    )

    def to_json_dict(self, **kwargs: Any) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, **kwargs)
