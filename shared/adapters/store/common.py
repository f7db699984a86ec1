"""What both document stores share, so that they agree by construction: which
ids and field names are valid, which values a condition takes, what ``in``
with a null means, how big a page may be, and the opaque keyset token that
continues a page.

Each adapter renders a condition in its own language (``sql.py`` for SQLite,
``cosmos.py`` for Cosmos DB's SQL) from :func:`in_values` and :func:`json_scalar`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any, Sequence

from shared.adapters.store.base import Where

RESERVED_FIELDS = frozenset({"ttl", "_rid", "_self", "_etag", "_attachments", "_ts"})
FORBIDDEN_ID_CHARACTERS = frozenset("/\\?#")
MAX_ID_LENGTH = 255
MAX_PAGE_SIZE = 1000
FIELD_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def validated_id(doc: dict[str, Any]) -> str:
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > MAX_ID_LENGTH:
        raise ValueError("a document needs a string id of 1 to 255 characters")
    if FORBIDDEN_ID_CHARACTERS & set(doc_id):
        raise ValueError("a document id may not contain / \\ ? or #")
    reserved = RESERVED_FIELDS & doc.keys()
    if reserved:
        raise ValueError(f"reserved field names in a document: {sorted(reserved)}")
    return doc_id


def validated_field(field: str) -> str:
    if not isinstance(field, str) or not FIELD_PATTERN.match(field):
        raise ValueError(f"not a valid document field name: {field!r}")
    return field


def json_scalar(value: Any) -> Any:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise ValueError(f"condition values must be JSON scalars, got {type(value).__name__}")
    return value


def in_values(where: Where) -> tuple[list[Any], bool]:
    """An ``in`` condition's non-null values, and whether a null among them also
    matches a missing or null field."""
    value = where.value
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError("'in' needs a list of values")
    values = [json_scalar(v) for v in value]
    present = [v for v in values if v is not None]
    return present, len(present) != len(values)


def contained(where: Where) -> str:
    """The text of a ``contains`` condition: a substring matched literally, case as given."""
    if not isinstance(where.value, str) or not where.value:
        raise ValueError("'contains' needs a non-empty string")
    return where.value


def comparable(where: Where) -> Any:
    """The value of a ``<``, ``<=``, ``>`` or ``>=`` condition (never null)."""
    if where.op not in ("<", "<=", ">", ">="):
        raise ValueError(f"unknown condition operator: {where.op!r}")
    value = json_scalar(where.value)
    if value is None:
        raise ValueError(f"{where.op!r} cannot compare with null")
    return value


def checked_page_size(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be from 1 to {MAX_PAGE_SIZE}")
    return limit


def query_fingerprint(container: str, where: Sequence[Where], order_by: str | None, descending: bool) -> str:
    shape = json.dumps(
        [container, [[w.field, w.op, w.value] for w in where], order_by, descending],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(shape.encode()).hexdigest()[:16]


def encode_continuation(fingerprint: str, last_value: Any, last_id: str) -> str:
    raw = json.dumps({"q": fingerprint, "v": last_value, "id": last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continuation(token: str, fingerprint: str) -> tuple[Any, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        value, last_id, query = data["v"], data["id"], data["q"]
    except (ValueError, TypeError, KeyError):
        raise ValueError("continuation token is not valid") from None
    if query != fingerprint or not isinstance(last_id, str):
        raise ValueError("continuation token belongs to a different query")
    return value, last_id
