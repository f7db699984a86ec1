"""SQLite's side of a query: a condition on a JSON field as SQL, and a query
split into one ordered part per value of an ``in`` condition."""

from __future__ import annotations

from typing import Any, Sequence

from shared.adapters.store.base import Where
from shared.adapters.store.common import comparable, contained, in_values, json_scalar, validated_field

# An ``in`` over at most this many values is run as one ordered part per value
# (UNION ALL), each reading its own range of a (field, order field) index: a
# page costs its size, not the number of matches.
MAX_SPLIT_VALUES = 8


def column(field: str) -> str:
    validated_field(field)
    if field == "id":
        return "id"
    return f"json_extract(doc, '$.{field}')"


def condition(where: Where, params: list[Any]) -> str:
    target = column(where.field)
    op, value = where.op, where.value
    if op == "in":
        present, with_null = in_values(where)
        terms = []
        if present:
            terms.append(f"{target} IN ({', '.join('?' for _ in present)})")
            params.extend(present)
        if with_null:
            terms.append(f"{target} IS NULL")
        return "(" + " OR ".join(terms) + ")" if terms else "0"
    if op == "contains":  # instr: a literal substring, no LIKE wildcards to escape
        params.append(contained(where))
        return f"instr({target}, ?) > 0"
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
    params.append(comparable(where))
    return f"{target} {op} ?"


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
