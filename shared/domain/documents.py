"""The documents a request carries: what a funding review needs, which contents
are accepted, what a user's file name may become, and the review thresholds.
Pure: the standard library and pydantic."""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any, Iterable

from pydantic import Field

from shared.domain.values import CamelModel, DocumentKind, DomainError, RequestType, UtcDateTime

KIND_VALUES = frozenset(kind.value for kind in DocumentKind)
MAX_DOCUMENTS = 20
MAX_FILE_NAME = 200

# What a review cannot start without, by request type.
REQUIRED_DOCUMENTS: dict[RequestType, tuple[DocumentKind, ...]] = {
    RequestType.SOW_ECIF: (DocumentKind.SOW, DocumentKind.WBS, DocumentKind.COST_BREAKDOWN),
}

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CSV = "text/csv"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED_TYPES = (PDF, DOCX, XLSX, PPTX, CSV, TEXT, PNG, JPEG)


class DocumentRefused(DomainError):
    """A rule about documents refused the change (the request's status allowed it)."""


class Incomplete(DocumentRefused):
    """The request misses documents its review cannot start without."""

    def __init__(self, missing: list[DocumentKind]):
        super().__init__("the request misses " + ", ".join(k.value for k in missing))
        self.missing = missing


class DocumentLimitReached(DocumentRefused):
    def __init__(self) -> None:
        super().__init__(f"a request holds at most {MAX_DOCUMENTS} documents")


class Document(CamelModel):
    """A document's metadata, kept in the request; its bytes live in document storage."""

    id: str = Field(pattern=r"^DOC-[0-9A-Z]{12}$")
    kind: DocumentKind
    file_name: str = Field(min_length=1, max_length=MAX_FILE_NAME)
    content_type: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    uploaded_by: str
    uploaded_at: UtcDateTime

    def event_data(self, architect: str | None) -> dict[str, Any]:
        return {"documentId": self.id, "kind": self.kind.value, "fileName": self.file_name, "size": self.size,
                "architect": architect or ""}


_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_document_id() -> str:
    return "DOC-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def valid_document_id(value: str) -> bool:
    return re.fullmatch(r"DOC-[0-9A-Z]{12}", value) is not None


def storage_name(request_id: str, document_id: str) -> str:
    """The server-made name of a document's bytes; a user's file name never is one."""
    return f"{request_id}/{document_id}"


def split_storage_name(name: str) -> tuple[str, str] | None:
    request_id, _, document_id = name.partition("/")
    return (request_id, document_id) if request_id and valid_document_id(document_id) else None


def answers_request(kind: DocumentKind, missing_before: list[DocumentKind], missing_after: list[DocumentKind],
                    info_requested: dict[str, Any], present: set[DocumentKind]) -> bool:
    """Whether an upload of ``kind`` answers a request waiting on its requestor: it is a
    kind the review lacked or the leads asked for (the last ``request.info-requested``),
    and with it every asked-for kind and every kind the review needs is there. An
    upload before that is recorded without answering."""
    asked = {value for value in (info_requested.get("missingDocuments") or [])}
    relevant = kind in missing_before or kind.value in asked
    return relevant and not missing_after and asked <= {present_kind.value for present_kind in present}


def missing_documents(request_type: RequestType, kinds: Iterable[DocumentKind]) -> list[DocumentKind]:
    present = set(kinds)
    return [kind for kind in REQUIRED_DOCUMENTS.get(request_type, ()) if kind not in present]


# Windows' reserved characters become "_" so that the name saves everywhere.
_RESERVED = re.compile(r'[<>:"|?*]')


def _unsafe(char: str) -> bool:
    # Cc: control characters; Cf: format characters, among them the bidirectional
    # overrides and isolates (U+202A-U+202E, U+2066-U+2069) and zero-width ones;
    # Zl, Zp: line and paragraph separators; Cs, Co, Cn: surrogates, private, unassigned.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def sanitise_file_name(name: str, fallback: str = "document") -> str:
    """A user's file name as it may be shown and offered for download: its last
    path segment, without control, format (bidi override) or reserved characters,
    at most ``MAX_FILE_NAME`` characters with its extension kept."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(" " if char.isspace() else char for char in text if not _unsafe(char))
    text = _RESERVED.sub("_", " ".join(text.split())).strip(" .")
    if not text:
        return fallback
    if len(text) > MAX_FILE_NAME:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 16:
            text = stem[: MAX_FILE_NAME - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:MAX_FILE_NAME].rstrip(" .")
    return text or fallback


# -- the funding review's thresholds ------------------------------------------------------


class FundingReview(CamelModel):
    """What the FTA review of a funding request involves (the playbook's thresholds,
    configured in the routing file's ``fundingReview``)."""

    fta_review_required: bool
    detailed_review: bool
    fta_review_minimum_usd: float
    detailed_review_above_usd: float


def funding_review(request_type: RequestType, amount_usd: float | None, *, minimum_usd: float,
                   detailed_above_usd: float) -> FundingReview | None:
    """ECIF requests of ``minimum_usd`` or more get an FTA review; above
    ``detailed_above_usd`` a detailed one. ``None`` for requests without funding."""
    if request_type is not RequestType.SOW_ECIF or amount_usd is None:
        return None
    return FundingReview(fta_review_required=amount_usd >= minimum_usd, detailed_review=amount_usd > detailed_above_usd,
                         fta_review_minimum_usd=minimum_usd, detailed_review_above_usd=detailed_above_usd)
