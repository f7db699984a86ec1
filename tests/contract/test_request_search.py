"""The ``contains`` condition of both stores (a request search), on SQLite and on the
Cosmos DB protocol server: a literal substring, whatever characters it holds, with
the other conditions, counted and paged in due order like any other query."""

from __future__ import annotations

import pytest

from shared.adapters.store.base import Where
from shared.topology import REQUESTS
from tests.contract.test_store_contract import a_request, all_pages, ids

TEXTS = {
    "plain": "fta-1\n123456\ncontoso ltd\ncontoso.onmicrosoft.com",
    "percent": "growth 100% ltd",
    "underscore": "snake_case corp",
    "quotes": "o'brien \"quoted\" inc",
    "backslash": "back\\slash gmbh",
    "syntax": "select * from c where 1=1",
    "unicode": "zürich straße 東京",
}
DUE = {"plain": "2026-12-01T10:00:00.000000Z", "percent": "2026-11-30T10:00:00.000000Z",
       "underscore": "9999-12-31T23:59:59.999999Z", "quotes": "2026-12-02T10:00:00.000000Z",
       "backslash": "2026-11-29T10:00:00.000000Z", "syntax": "2026-12-03T10:00:00.000000Z",
       "unicode": "2026-12-04T10:00:00.000000Z"}


@pytest.fixture
def searchable(store):
    for key, text in TEXTS.items():
        status = "routed" if key != "syntax" else "assigned"
        store.create(REQUESTS, a_request(key, searchText=text, dueOrder=DUE[key], status=status))
    return store


@pytest.mark.parametrize("text, expected", [
    ("contoso", {"plain"}),
    ("0% l", {"percent"}),
    ("%", {"percent"}),
    ("e_c", {"underscore"}),
    ("_", {"underscore"}),
    ("'b", {"quotes"}),
    ('"quoted"', {"quotes"}),
    ("k\\s", {"backslash"}),
    ("\\", {"backslash"}),
    ("1=1", {"syntax"}),
    ("' or '1'='1", set()),
    ("') or true --", set()),
    ("%%", set()),
    ("__", set()),
    ("straße 東", {"unicode"}),
    ("\n123", {"plain"}),
    ("ltd", {"plain", "percent"}),
])
def test_contains_matches_a_literal_substring_and_counts_agree(searchable, text, expected):
    where = [Where("searchText", "contains", text)]
    found = [doc for page in all_pages(searchable, REQUESTS, where, limit=2) for doc in page]
    assert set(ids(found)) == expected and len(found) == len(expected)
    assert searchable.count(REQUESTS, where) == len(expected)


def test_contains_with_a_status_in_due_order_pages_through_every_match_once(searchable):
    where = [Where("status", "=", "routed"), Where("searchText", "contains", " ")]
    pages = all_pages(searchable, REQUESTS, where, order_by="dueOrder", limit=2)
    assert [doc["id"] for page in pages for doc in page] == ["backslash", "percent", "plain", "quotes", "unicode",
                                                                "underscore"]
    descending = all_pages(searchable, REQUESTS, where, order_by="dueOrder", descending=True, limit=3)
    assert [doc["id"] for page in descending for doc in page] == ["underscore", "unicode", "quotes", "plain", "percent",
                                                                     "backslash"]


@pytest.mark.parametrize("value", ["", None, 5, ["a"]])
def test_contains_needs_a_non_empty_string(searchable, value):
    with pytest.raises(ValueError):
        searchable.query(REQUESTS, [Where("searchText", "contains", value)])
