"""Repositories over the document store: the only code that knows container
names and document field names."""

from shared.adapters.repositories.records import (
    StoredIdempotencyKeys,
    StoredNotificationRecords,
    StoredParkedMessages,
    StoredSubmissionCounts,
)
from shared.adapters.repositories.replies import StoredReplyRecords
from shared.adapters.repositories.reports import StoredReadModel
from shared.adapters.repositories.requests import StoredRequests

__all__ = ["StoredIdempotencyKeys", "StoredNotificationRecords", "StoredParkedMessages", "StoredReadModel", "StoredReplyRecords",
           "StoredRequests",
           "StoredSubmissionCounts"]
