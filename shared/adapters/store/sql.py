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

# A text field with a trigram index of its own (an FTS5 table whose rowids are the
# documents' rowids, kept by triggers): a ``contains`` reads the index for the
# candidates, then matches them literally, so its cost follows the matches, not
# the rows. Only the requests container has the field.
TEXT_INDEXES = {"searchText": "requests_search"}
TRIGRAM = 3  # a substring shorter than a trigram cannot use the index


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
        text = contained(where)
        params.append(text)
        literal = f"instr({target}, ?) > 0"
        index = TEXT_INDEXES.get(where.field)
        if index is None or len(text) < TRIGRAM:
            return literal
        # LIKE here only narrows (its wildcards and its ASCII case folding match more, never less);
        # instr decides.
        params.insert(len(params) - 1, f"%{text}%")
        return f'(rowid IN (SELECT rowid FROM "{index}" WHERE text LIKE ?) AND {literal})'

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
