"""The value types of the process: enumerations, checked text, times, and the
camelCase model every document and answer uses. Pure: the standard library and pydantic."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, StringConstraints
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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n]")


def no_control(value: str) -> str:
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def no_control_multiline(value: str) -> str:
    if _CONTROL.search(value.replace("\r\n", "\n").replace("\t", " ")):
        raise ValueError("must not contain control characters")
    return value


# A tenant domain (e.g. contoso.onmicrosoft.com) or a tenant GUID; also the
# OpenAPI document's pattern, so it is written without flags.
TENANT_PATTERN = (
    r"^(?:(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f\u2028\u2029]*$"
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


SingleLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_control),
]
Tpid = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,12}$")]
Tenant = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=253), AfterValidator(_tenant)
]
EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=4000), AfterValidator(no_control_multiline)
]


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
