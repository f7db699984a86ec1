"""The document store on Azure Cosmos DB (NoSQL API), partition key ``/id``.

Reads and writes are point operations; ``query`` and ``count`` are
parameterized cross-partition queries. Pages continue from the same opaque
keyset token as the SQLite adapter (``ORDER BY field, id`` with ``TOP``), not
from the SDK's continuation token: the Python SDK cannot resume a
cross-partition ``ORDER BY`` query from its token, and every list query here is
cross-partition. Ordering by a field other than ``id`` therefore needs the
composite indexes of ``indexing_policy()`` (mirrored in ``infra/``).

``azure.cosmos`` is imported inside functions so that importing this module
costs a cold start nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar

from shared.adapters.store.base import (
    Conflict,
    Item,
    ItemNotFound,
    Page,
    PreconditionFailed,
    StoreError,
    Where,
)
from shared.adapters.store.retry import TransientRetry
from shared.adapters.store.common import (
    RESERVED_FIELDS,
    checked_page_size,
    comparable,
    contained,
    decode_continuation,
    encode_continuation,
    query_fingerprint,
    in_values,
    json_scalar,
    validated_field,
    validated_id,
)
from shared.topology import CONTAINERS

if TYPE_CHECKING:
    from azure.cosmos import CosmosClient

T = TypeVar("T")

ORDERABLE_FIELDS = ("createdAt", "updatedAt", "routedAt", "assignDueAt", "nextReminderAt", "dueOrder")
SYSTEM_FIELDS = RESERVED_FIELDS
OWNER_RESOURCE_MISSING = 1003


def indexing_policy() -> dict[str, Any]:
    """Everything range-indexed, plus (field, id) composite indexes for keyset paging in both directions."""
    composites = []
    for field in ORDERABLE_FIELDS:
        for order in ("ascending", "descending"):
            composites.append([{"path": f"/{field}", "order": order}, {"path": "/id", "order": order}])
    return {
        "indexingMode": "consistent",
        "automatic": True,
        "includedPaths": [{"path": "/*"}],
        "excludedPaths": [{"path": '/"_etag"/?'}],
        "compositeIndexes": composites,
    }


THROTTLE_RETRIES = 9
THROTTLE_WAIT_SECONDS = 10


def cosmos_client(endpoint: str, key: str | None = None, verify_tls: bool = True, *,
                  throttle_wait_seconds: int = THROTTLE_WAIT_SECONDS) -> "CosmosClient":
    """One client for the process: key auth when a key is given, else the managed identity.

    Throttling (429) is the SDK's own retry: it waits what the server's
    ``x-ms-retry-after-ms`` asks, at most ``THROTTLE_RETRIES`` times and
    ``throttle_wait_seconds`` in all; a 429 that outlasts that budget reaches
    the store, which answers ``TransientStoreError`` at once.
    """
    from azure.cosmos import CosmosClient

    options: dict[str, Any] = {"retry_throttle_total": THROTTLE_RETRIES,
                               "retry_throttle_backoff_max": throttle_wait_seconds}
    if not verify_tls:
        options["connection_verify"] = False
    if key:
        credential: Any = key
    else:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return CosmosClient(endpoint, credential=credential, **options)


def _ref(field: str) -> str:
    validated_field(field)
    return "c" + "".join(f'["{part}"]' for part in field.split("."))


def _absent(ref: str) -> str:
    return f"(NOT IS_DEFINED({ref}) OR IS_NULL({ref}))"


def _present(ref: str) -> str:
    return f"(IS_DEFINED({ref}) AND NOT IS_NULL({ref}))"


class _Parameters:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, value: Any) -> str:
        name = f"@p{len(self.items)}"
        self.items.append({"name": name, "value": value})
        return name


def _condition(where: Where, params: _Parameters) -> str:
    ref = _ref(where.field)
    op, value = where.op, where.value
    if op == "in":
        present, with_null = in_values(where)
        terms = []
        if present:
            terms.append(f"{ref} IN ({', '.join(params.add(v) for v in present)})")
        if with_null:
            terms.append(_absent(ref))
        return "(" + " OR ".join(terms) + ")" if terms else "false"
    if op == "contains":
        return f"CONTAINS({ref}, {params.add(contained(where))})"
    value = json_scalar(value)
    if op == "=":
        return _absent(ref) if value is None else f"{ref} = {params.add(value)}"
    if op == "!=":
        if value is None:
            return _present(ref)
        return f"({_absent(ref)} OR {ref} != {params.add(value)})"
    return f"{ref} {op} {params.add(comparable(where))}"


def _strip(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in SYSTEM_FIELDS}


def _field_value(doc: dict[str, Any], field: str) -> Any:
    value: Any = doc
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class CosmosStore:
    name = "cosmos"

    def __init__(
        self,
        client: "CosmosClient",
        database: str = "fta",
        create_containers: bool = False,
        retry: TransientRetry | None = None,
    ):
        self._client = client
        self.database_name = database
        self._retry = retry or TransientRetry()
        self._ttl_containers = {c.name for c in CONTAINERS if c.default_ttl_seconds is not None}
        if create_containers:
            self.create_containers()
        self._database = client.get_database_client(database)
        self._containers = {c.name: self._database.get_container_client(c.name) for c in CONTAINERS}

    def create_containers(self) -> None:
        """Create the database and every container of the topology if missing (local use)."""
        from azure.cosmos import PartitionKey

        database = self._call(lambda: self._client.create_database_if_not_exists(id=self.database_name))
        for container in CONTAINERS:
            options: dict[str, Any] = {
                "id": container.name,
                "partition_key": PartitionKey(path=container.partition_key),
                "indexing_policy": indexing_policy(),
            }
            if container.default_ttl_seconds is not None:
                options["default_ttl"] = container.default_ttl_seconds
            self._call(lambda: database.create_container_if_not_exists(**options))

    # -- helpers ------------------------------------------------------------

    def _container(self, container: str) -> Any:
        try:
            return self._containers[container]
        except KeyError:
            raise ValueError(f"unknown container: {container!r}") from None

    def _call(
        self,
        operation: Callable[[], T],
        *,
        idempotent: bool = True,
        statuses: dict[int, StoreError] | None = None,
    ) -> T:
        from azure.core.exceptions import AzureError
        from azure.cosmos.exceptions import CosmosHttpResponseError

        try:
            return self._retry.run(operation, idempotent=idempotent)
        except CosmosHttpResponseError as error:
            if error.status_code == 404 and error.sub_status == OWNER_RESOURCE_MISSING:
                raise StoreError("the Cosmos DB database or container does not exist") from error
            mapped = (statuses or {}).get(error.status_code)
            if mapped is not None:
                raise mapped from error
            raise StoreError(f"Cosmos DB answered {error.status_code}") from error
        except AzureError as error:
            raise StoreError(f"Cosmos DB call failed: {type(error).__name__}") from error

    def _body(self, container: str, doc: dict[str, Any], ttl_seconds: int | None) -> dict[str, Any]:
        validated_id(doc)
        if ttl_seconds is None:
            return dict(doc)
        if container not in self._ttl_containers:
            raise ValueError(f"container {container!r} does not keep a time to live")
        if not isinstance(ttl_seconds, int) or ttl_seconds < 1:
            raise ValueError("ttl_seconds must be a whole number of seconds, at least 1")
        return {**doc, "ttl": ttl_seconds}

    # -- the port -----------------------------------------------------------

    def read(self, container: str, id: str) -> Item | None:
        proxy = self._container(container)
        try:
            raw = self._call(
                lambda: proxy.read_item(item=id, partition_key=id),
                statuses={404: ItemNotFound(f"{container}: no such document")},
            )
        except ItemNotFound:
            return None
        return Item(doc=_strip(raw), etag=raw["_etag"])

    def create(self, container: str, doc: dict[str, Any], *, ttl_seconds: int | None = None) -> str:
        proxy = self._container(container)
        body = self._body(container, doc, ttl_seconds)
        raw = self._call(
            lambda: proxy.create_item(body=body),
            idempotent=False,
            statuses={409: Conflict(f"{container}: a document with this id exists")},
        )
        return raw["_etag"]

    def replace(self, container: str, doc: dict[str, Any], *, etag: str, ttl_seconds: int | None = None) -> str:
        from azure.core import MatchConditions

        proxy = self._container(container)
        body = self._body(container, doc, ttl_seconds)
        raw = self._call(
            lambda: proxy.replace_item(
                item=body["id"], body=body, etag=etag, match_condition=MatchConditions.IfNotModified
            ),
            idempotent=False,
            statuses={
                404: ItemNotFound(f"{container}: no such document"),
                412: PreconditionFailed(f"{container}: the document changed since it was read"),
            },
        )
        return raw["_etag"]

    def delete(self, container: str, id: str, *, etag: str | None = None) -> None:
        from azure.core import MatchConditions

        proxy = self._container(container)
        conditions: dict[str, Any] = {}
        if etag is not None:
            conditions = {"etag": etag, "match_condition": MatchConditions.IfNotModified}
        self._call(
            lambda: proxy.delete_item(item=id, partition_key=id, **conditions),
            idempotent=False,
            statuses={
                404: ItemNotFound(f"{container}: no such document"),
                412: PreconditionFailed(f"{container}: the document changed since it was read"),
            },
        )

    def query(
        self,
        container: str,
        where: Sequence[Where] = (),
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 50,
        continuation: str | None = None,
    ) -> Page:
        proxy = self._container(container)
        limit = checked_page_size(limit)
        where = tuple(where)
        order_field = validated_field(order_by) if order_by else "id"
        if order_field != "id" and order_field not in ORDERABLE_FIELDS:
            raise ValueError(f"cannot order by {order_field!r}: no composite index (see ORDERABLE_FIELDS)")
        fingerprint = query_fingerprint(container, where, order_by, descending)
        params = _Parameters()
        clauses = [_condition(w, params) for w in where]
        sort_ref, id_ref = _ref(order_field), _ref("id")
        after = "<" if descending else ">"
        direction = "DESC" if descending else "ASC"

        if order_field != "id":
            clauses.append(_present(sort_ref))
        if continuation:
            last_value, last_id = decode_continuation(continuation, fingerprint)
            if order_field == "id":
                clauses.append(f"{id_ref} {after} {params.add(last_id)}")
            else:
                value, last = params.add(last_value), params.add(last_id)
                clauses.append(f"({sort_ref} {after} {value} OR ({sort_ref} = {value} AND {id_ref} {after} {last}))")
        order = f"{id_ref} {direction}" if order_field == "id" else f"{sort_ref} {direction}, {id_ref} {direction}"
        take = params.add(limit + 1)
        sql = f"SELECT TOP {take} * FROM c"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {order}"

        rows = self._call(
            lambda: list(
                proxy.query_items(
                    query=sql,
                    parameters=params.items,
                    enable_cross_partition_query=True,
                    max_item_count=limit + 1,
                )
            )
        )
        page_rows = rows[:limit]
        token = None
        if len(rows) > limit:
            last = page_rows[-1]
            token = encode_continuation(fingerprint, _field_value(last, order_field), last["id"])
        return Page(items=[_strip(row) for row in page_rows], continuation=token)

    def count(self, container: str, where: Sequence[Where] = ()) -> int:
        proxy = self._container(container)
        params = _Parameters()
        clauses = [_condition(w, params) for w in where]
        sql = "SELECT VALUE COUNT(1) FROM c"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        counts = self._call(
            lambda: list(proxy.query_items(query=sql, parameters=params.items, enable_cross_partition_query=True))
        )
        return int(sum(counts))

    def health(self) -> dict[str, Any]:
        from azure.core.exceptions import AzureError

        status: dict[str, Any] = {"backend": self.name, "database": self.database_name}
        try:
            self._database.read()
        except AzureError as error:
            return {**status, "ok": False, "error": type(error).__name__}
        return {**status, "ok": True}

    def close(self) -> None:
        """The client belongs to whoever built it (``bootstrap``), which closes it."""
