"""A request form while it is being filled in: each field given is checked on
its own with the very types of ``RequestForm``; a field not given yet is
simply not there. Pure: pydantic only."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Sequence

from pydantic import TypeAdapter, ValidationError

from shared.domain.model import RequestForm, RequestType

# Details of a type, only required when the request is of that type.
REQUIRED_FOR_TYPE = {RequestType.SOW_ECIF: "funding_amount_usd", RequestType.MIGRATION_EXCEPTION: "migration"}
NOT_A_FIELD = "is not a field of this request"
SET_FROM_PRINCIPAL = {"requestor": "is set from the signed-in user"}


def field_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """pydantic's errors as ``{field, message, type}``, the field as a dotted path of the body."""
    details = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in (prefix, *error["loc"]) if p not in ("", "__root__"))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = NOT_A_FIELD
        details.append({"field": loc, "message": message, "type": error["type"]})
    return details


def region_error(value: Any, regions: Sequence[str]) -> dict[str, str] | None:
    """A region the routing configuration does not know (its shape is the form's own check)."""
    if isinstance(value, str) and value.strip() and value.strip() not in regions:
        return {"field": "region", "message": f"must be one of {', '.join(regions)}", "type": "enum"}
    return None


@lru_cache(maxsize=1)
def _fields() -> dict[str, tuple[str, TypeAdapter]]:
    """Each key a body may use (the camelCase alias, or the field's own name) → (name, its type)."""
    found: dict[str, tuple[str, TypeAdapter]] = {}
    for name, info in RequestForm.model_fields.items():
        entry = (name, TypeAdapter(info.rebuild_annotation()))
        found[info.alias or name] = entry
        found.setdefault(name, entry)
    return found


def alias(name: str) -> str:
    return RequestForm.model_fields[name].alias or name


@dataclass(frozen=True)
class PartialForm:
    values: Mapping[str, Any] = field(default_factory=dict)  # field name → checked value, for the valid fields given
    errors: tuple[dict[str, str], ...] = ()  # {field, message, type} for each field given and invalid
    invalid: frozenset[str] = frozenset()  # the names of those fields
    form: RequestForm | None = None  # the complete form, when every field is there and valid

    @classmethod
    def of(cls, form: RequestForm) -> "PartialForm":
        given = {name: getattr(form, name) for name in RequestForm.model_fields}
        return cls({name: value for name, value in given.items() if value is not None}, form=form)


def _missing(values: Mapping[str, Any]) -> bool:
    required = {name for name, info in RequestForm.model_fields.items() if info.is_required()}
    if values.get("request_type") in REQUIRED_FOR_TYPE:
        required.add(REQUIRED_FOR_TYPE[values["request_type"]])
    return not required <= set(values)


def read_partial_form(data: Mapping[str, Any], regions: Sequence[str]) -> PartialForm:
    """Check every field given; the complete form too when nothing is missing or wrong."""
    known = _fields()
    values: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    invalid: set[str] = set()
    for key, raw in data.items():
        # A field's own name is taken when its alias is not given, as the model does.
        if key not in known or (key == known[key][0] != alias(key) and alias(key) in data):
            message = SET_FROM_PRINCIPAL.get(key, NOT_A_FIELD)
            errors.append({"field": key, "message": message, "type": "extra_forbidden"})
            continue
        name, adapter = known[key]
        try:
            value = adapter.validate_python(raw)
        except ValidationError as exc:
            errors += field_errors(exc, alias(name))
            invalid.add(name)
            continue
        if value is not None:
            values[name] = value
    wrong_region = region_error(values.get("region"), regions)
    if wrong_region:
        errors.append(wrong_region)
        invalid.add("region")
        values.pop("region")
    form = None
    if not errors and not _missing(values):
        try:
            form = RequestForm.model_validate(data)
        except ValidationError as exc:
            errors += field_errors(exc)
    return PartialForm(values, tuple(errors), frozenset(invalid), form)
