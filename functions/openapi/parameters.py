"""The query parameters of ``GET /api/requests``, as the OpenAPI document describes them."""

from __future__ import annotations

from typing import Any

from shared.domain.model import Status


def list_parameters() -> list[dict[str, Any]]:
    described = {
        "status": ({"type": "string", "examples": ["routed", "submitted,routed"]},
                   "one status or a comma list: " + ", ".join(s.value for s in Status)),
        "leadGroup": ({"type": "string"}, "a lead group id of the routing configuration"),
        "tpid": ({"type": "string", "pattern": "^[0-9]{1,12}$"}, "Top Parent ID"),
        "mine": ({"type": "string", "enum": ["true", "false"], "default": "false"},
                 "only the caller's own requests (always the case for a requestor)"),
        "view": ({"type": "string", "enum": ["all", "queue", "assigned"], "default": "all"},
                 "queue: requests waiting for an architect first (oldest first), then assigned, then closed ones; "
                 "assigned: the requests assigned to the caller as architect"),
        "counts": ({"type": "string", "enum": ["true", "false"], "default": "false"},
                   "also answer counts per status under the same filters"),
        "limit": ({"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "page size"),
        "continuationToken": ({"type": "string"}, "the previous page's continuationToken"),
        "q": ({"type": "string", "minLength": 2, "maxLength": 100, "examples": ["contoso"]},
              "search: the requests whose id, TPID, customer name, tenant or partner contain this text "
              "(case-insensitive, taken literally; runs of spaces count as one)"),
        "sort": ({"type": "string", "enum": ["due", "-due", "created", "-created", "updated", "-updated"]},
                 "order by when the step FastTrack owes falls due (requests owing nothing last), by creation or by "
                 "last change; '-' descending. Without it, the view's own order"),
    }
    return [
        {"name": name, "in": "query", "required": False, "description": text, "schema": schema}
        for name, (schema, text) in described.items()
    ]
