"""What an FTA's review ends in, by request type, and why a lead declines a request.

ECIF/DWR reviews end in a recommendation and a category (the playbook's Cat 1
to Cat 4); migration exceptions in a decision; other requests in notes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from shared.domain.values import CamelModel, RequestType, free_text

MAX_MESSAGE = 2000
MAX_COMMENT = 4000


MAX_REASON = 500

Message = free_text(MAX_MESSAGE, 1)
CommentText = free_text(MAX_COMMENT, 1)
Notes = free_text(MAX_COMMENT)
CancelReason = free_text(MAX_REASON, multiline=False)
ReopenReason = free_text(MAX_REASON, 1, multiline=False)


class Recommendation(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


class Category(StrEnum):
    CAT_1 = "cat-1"    # deployment blocker or FastTrack gap
    CAT_2A = "cat-2a"  # onsite execution
    CAT_2B = "cat-2b"  # adoption / training
    CAT_2C = "cat-2c"  # project management
    CAT_2D = "cat-2d"  # strategy / design
    CAT_2E = "cat-2e"  # other
    CAT_3 = "cat-3"    # not related to FastTrack benefits
    CAT_4 = "cat-4"    # overlaps FastTrack benefits


class Decision(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    NOT_ELIGIBLE = "not-eligible"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out-of-scope"
    NO_RESPONSE = "no-response"
    OTHER = "other"


class SowEcifOutcome(CamelModel):
    recommendation: Recommendation
    category: Category
    notes: Notes = ""


class MigrationOutcome(CamelModel):
    decision: Decision
    notes: Notes = ""


class NonEcifOutcome(CamelModel):
    notes: Notes = ""


OUTCOME_FOR: dict[RequestType, type[CamelModel]] = {
    RequestType.SOW_ECIF: SowEcifOutcome,
    RequestType.MIGRATION_EXCEPTION: MigrationOutcome,
    RequestType.NON_ECIF: NonEcifOutcome,
}


class OutcomeRequired(ValueError):
    """A request of this type needs an outcome to be completed."""


def parse_outcome(request_type: RequestType, data: dict[str, Any] | None) -> dict[str, Any]:
    """The outcome as stored; pydantic's ValidationError names a bad field."""
    model = OUTCOME_FOR[request_type]
    if data is None:
        if request_type is not RequestType.NON_ECIF:
            raise OutcomeRequired(f"a {request_type.value} request is completed with its outcome")
        data = {}
    return model.model_validate(data).to_json_dict()


class Decline(CamelModel):
    reason: DeclineReason
    note: Notes = ""
