"""The OpenAPI paths of the engagement around a request: milestones, feedback,
participants, reopening."""

from __future__ import annotations

from typing import Any, Callable


def engagement_paths(action: Callable[..., dict[str, Any]], json: Callable[[str], dict[str, Any]],
                     errors: tuple[str, ...]) -> dict[str, Any]:
    _action, _json, ACTION_ERRORS = action, json, errors
    return {
        "/api/requests/{id}/milestones": {
            "post": _action(
                "record_milestone", "Record a step of the engagement on an assigned request: the first contact with "
                                    "the account team, the discovery workshop, the handoff to a FastTrack Manager "
                                    "(the assigned architect, leads, admins)",
                body={"required": True, "content": _json("MilestoneBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/feedback": {
            "post": _action(
                "give_feedback", "Rate the completed review, 1 to 5, once (its requestor)",
                body={"required": True, "content": _json("FeedbackBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/participants": {
            "put": _action(
                "set_participants", "The account team on the request (the requestor and leads): each participant "
                                    "gets the requestor's mails and may read and comment publicly",
                body={"required": True, "content": _json("ParticipantsBody")}, errors=ACTION_ERRORS,
            )
        },
        "/api/requests/{id}/reopen": {
            "post": _action(
                "reopen_request", "Reopen a completed or declined request for a second review: back in the "
                                  "queue, the assignment SLA anew, the earlier outcome kept (leads and admins)",
                body={"required": True, "content": _json("ReopenBody")}, errors=ACTION_ERRORS,
            )
        },
    }
