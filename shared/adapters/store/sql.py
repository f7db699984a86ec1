"""SQLite's side of a query: a condition on a JSON field as SQL, and a query
split into one ordered part per value of an ``in`` condition."""

from __future__ import annotations

import re
from typing import Any, Sequence

from shared.adapters.store.base import Where

# An ``in`` over at most this many values is run as one ordered part per value
# (UNION ALL), each reading its own range of a (field, order field) index: a
# page costs its size, not the number of matches.
MAX_SPLIT_VALUES = 8


FIELD_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def validated_field(field: str) -> str:
    if not isinstance(field, str) or not FIELD_PATTERN.match(field):
        raise ValueError(f"not a valid document field name: {field!r}")
    return field


def json_scalar(value: Any) -> Any:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise ValueError(f"condition values must be JSON scalars, got {type(value).__name__}")
    return value


def column(field: str) -> str:
    validated_field(field)
    if field == "id":
        return "id"
    return f"json_extract(doc, '$.{field}')"


def condition(where: Where, params: list[Any]) -> str:
    target = column(where.field)
    op, value = where.op, where.value
    if op == "in":
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise ValueError("'in' needs a list of values")
        values = [json_scalar(v) for v in value]
        present = [v for v in values if v is not None]
        terms = []
        if present:
            terms.append(f"{target} IN ({', '.join('?' for _ in present)})")
            params.extend(present)
        if len(present) != len(values):
            terms.append(f"{target} IS NULL")
        return "(" + " OR ".join(terms) + ")" if terms else "0"
    value = json_scalar(value)
    if op == "=":
        if value is None:
            return f"{target} IS NULL"
        params.append(value)
        return f"{target} = ?"
    if op == "!=":
        if value is None:
            return f"{target} IS NOT NULL"
        params.append(value)
        return f"({target} IS NULL OR {target} != ?)"
    if op in ("<", "<=", ">", ">="):
        if value is None:
            raise ValueError(f"{op!r} cannot compare with null")
        params.append(value)
        return f"{target} {op} ?"
    raise ValueError(f"unknown condition operator: {op!r}")


def split_by_value(where: Sequence[Where], selective: frozenset[str] = frozenset()) -> list[tuple[Where, ...]] | None:
    """The conditions once per value of their first ``in`` (all values non-null,
    at most MAX_SPLIT_VALUES), or ``None`` when there is nothing to split or an
    equality on a ``selective`` field (an index of few rows) reads less anyway."""
    if any(w.op == "=" and w.field in selective for w in where):
        return None
    for index, condition_ in enumerate(where):
        values = condition_.value if condition_.op == "in" else None
        if values is None or isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            continue
        values = list(values)
        if not 2 <= len(values) <= MAX_SPLIT_VALUES or any(v is None for v in values):
            return None
        return [(*where[:index], Where(condition_.field, "=", value), *where[index + 1:]) for value in values]
    return None
