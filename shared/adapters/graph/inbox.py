"""The shared mailbox's inbox through Graph: a delta query over the Inbox
folder (``@odata.nextLink`` pages, then an ``@odata.deltaLink`` kept in the
store, so a restart reads on from there), each message's MIME (``$value``),
and a move to the folder of handled replies.
https://learn.microsoft.com/en-us/graph/api/message-delta?view=graph-rest-1.0
https://learn.microsoft.com/en-us/graph/api/message-get?view=graph-rest-1.0 (MIME: /$value)
https://learn.microsoft.com/en-us/graph/api/message-move?view=graph-rest-1.0
"""

from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

from shared.adapters.graph.client import GraphClient, GraphUnavailable, graph_error_code
from shared.adapters.repositories.replies import DeltaLink
from shared.adapters.store.base import DocumentStore
from shared.app.ports import InboundMessage

PAGE_SIZE = 50


class InboxUnavailable(GraphUnavailable):
    pass


class GraphInbox:
    def __init__(self, client: GraphClient, mailbox: str, folder: str, store: DocumentStore):
        self._client = client
        self._user = f"/users/{quote(mailbox, safe='@')}"
        self._folder = folder
        self._delta = DeltaLink(store)
        self._next_delta: str | None = None

    def _get(self, url: str, **kwargs) -> dict:
        response = self._client.request("GET", url, **kwargs)
        if response.status_code != 200:
            raise InboxUnavailable(f"graph inbox: {response.status_code} {graph_error_code(response)}")
        return response.json()

    def new_messages(self) -> Iterator[InboundMessage]:
        url = self._delta.get() or f"{self._user}/mailFolders/inbox/messages/delta"
        params = None if "?" in url else {"$select": "id", "$top": str(PAGE_SIZE)}
        while url:
            page = self._get(url, params=params, headers={"Prefer": f"odata.maxpagesize={PAGE_SIZE}"})
            params = None
            for entry in page.get("value", []):
                if "@removed" in entry or not entry.get("id"):
                    continue  # moved or deleted since: nothing to take
                response = self._client.request("GET", f"{self._user}/messages/{quote(entry['id'], safe='')}/$value")
                if response.status_code == 404:
                    continue  # gone between the page and this read
                if response.status_code != 200:
                    raise InboxUnavailable(f"graph inbox: {response.status_code} {graph_error_code(response)}")
                yield InboundMessage(entry["id"], response.content)
            url = page.get("@odata.nextLink")
            self._next_delta = page.get("@odata.deltaLink") or self._next_delta

    def handled(self, message: InboundMessage) -> None:
        response = self._client.request("POST", f"{self._user}/messages/{quote(message.id, safe='')}/move",
                                        json={"destinationId": self._folder})
        if response.status_code not in (200, 201, 404):
            raise InboxUnavailable(f"graph inbox move: {response.status_code} {graph_error_code(response)}")

    def commit(self) -> None:
        if self._next_delta:
            self._delta.put(self._next_delta)
            self._next_delta = None
