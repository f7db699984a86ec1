"""A request's documents: upload (bytes first, then the metadata and its event in
one conditional write of the request), download, removal (metadata first, then
the bytes), and the sweep of bytes whose metadata never came."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared import telemetry
from shared.app import reporting
from shared.app.commands import DocumentRef, UploadDocument
from shared.app.content import judge_content
from shared.app.context import Context
from shared.app.errors import AppError, Busy, Forbidden, NotFound, TooLarge, WrongState, invalid_field
from shared.app.lead_actions import REFUSALS, run_action
from shared.app.outbox import Outcome, change, dispatch
from shared.app.ports import SCAN_CLEAN, DocumentStorageError
from shared.app.queries import get_request
from shared.domain import access
from shared.domain.documents import (
    KIND_VALUES,
    Document,
    DocumentLimitReached,
    new_document_id,
    sanitise_file_name,
    split_storage_name,
    storage_name,
    valid_document_id,
)
from shared.domain.model import DocumentKind, FtaRequest
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.documents")

ORPHAN_AGE = timedelta(days=1)


@dataclass
class Uploaded:
    document: Document
    request: FtaRequest
    etag: str


def _storage(ctx: Context):
    if ctx.documents is None:
        raise Busy("no document storage is configured")
    return ctx.documents


def _unavailable(exc: DocumentStorageError) -> Busy:
    log.warning("document storage unavailable: %s", exc)
    return Busy("the document storage is unavailable; try again")


def upload_document(ctx: Context, principal: Principal, command: UploadDocument) -> Uploaded:
    if command.kind not in KIND_VALUES:
        raise invalid_field("kind", f"must be one of {', '.join(sorted(KIND_VALUES))}")
    limit = ctx.policy.max_document_bytes
    if len(command.content) > limit:
        raise TooLarge(f"the file is over {limit} bytes (FTA_MAX_DOCUMENT_MB)")
    request, _ = get_request(ctx, principal, command.request_id)  # 404 before anything is judged or stored
    if not access.role_allows(principal, request, access.UPLOAD_DOCUMENT):
        raise Forbidden(REFUSALS[access.UPLOAD_DOCUMENT])
    if not access.state_allows(request, access.UPLOAD_DOCUMENT):
        raise WrongState(f"a {request.status.value} request takes no more documents")
    now = ctx.clock()
    content_type = judge_content(command.content)
    document = Document(
        id=new_document_id(), kind=DocumentKind(command.kind), file_name=sanitise_file_name(command.file_name),
        content_type=content_type, size=len(command.content), sha256=hashlib.sha256(command.content).hexdigest(),
        uploaded_by=principal.email, uploaded_at=now,
    )
    name = storage_name(request.id, document.id)
    storage = _storage(ctx)
    try:
        storage.put(name, command.content, content_type)  # the bytes first, under a server-made name
    except DocumentStorageError as exc:
        raise _unavailable(exc) from None

    def apply(current: FtaRequest) -> Any:
        by_owner = access.is_owner(principal, current) and not access.sees_internal(principal, current)
        try:
            return current.add_document(document, now, by_owner=by_owner, sla=ctx.sla)
        except DocumentLimitReached as exc:
            raise WrongState(str(exc)) from None

    try:
        request, etag = run_action(ctx, principal, request.id, command.if_match, access.UPLOAD_DOCUMENT, apply)
    except AppError:
        # Refused before any write: the bytes have no metadata and never will. (A store
        # error may hide a write that happened: those bytes stay, and sweep judges them.)
        _remove_quietly(storage, name)
        raise
    log.info("document added: request=%s document=%s kind=%s size=%d", request.id, document.id,
             document.kind.value, document.size)
    return Uploaded(document, request, etag)


def _remove_quietly(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except DocumentStorageError:
        log.warning("could not remove refused document bytes; sweep will: %s", name)


def _document(ctx: Context, principal: Principal, ref: DocumentRef) -> tuple[FtaRequest, str, Document]:
    request, etag = get_request(ctx, principal, ref.request_id)
    document = request.document(ref.document_id) if valid_document_id(ref.document_id) else None
    if document is None:
        raise NotFound(f"document {ref.document_id} does not exist")
    return request, etag, document


def document_content(ctx: Context, principal: Principal, ref: DocumentRef) -> tuple[Document, bytes]:
    """A document's bytes for whoever may read its request. With
    ``FTA_DOCUMENTS_REQUIRE_SCAN``, only those Defender for Storage found clean."""
    request, _, document = _document(ctx, principal, ref)
    name = storage_name(request.id, document.id)
    storage = _storage(ctx)
    try:
        if ctx.policy.documents_require_scan:
            verdict = storage.scan_result(name)
            if verdict is None:
                raise WrongState("the document has not been scanned for malware yet; try again shortly",
                                 code="scan-pending")
            if verdict != SCAN_CLEAN:
                raise WrongState("the malware scan did not find this document clean; it is not served",
                                 code="scan-failed")
        content = storage.get(name)
    except DocumentStorageError as exc:
        raise _unavailable(exc) from None
    if content is None:
        log.warning("document bytes missing: request=%s document=%s", request.id, document.id)
        raise NotFound(f"document {ref.document_id} does not exist")
    return document, content


def _changeable(principal: Principal, current: FtaRequest, document_id: str, kept: str, what: str) -> Document:
    """The document as this version of the request holds it, when this caller may change it:
    its uploader, a lead or an admin, on an open request (404, 409 or 403 otherwise)."""
    found = current.document(document_id)
    if found is None:
        raise NotFound(f"document {document_id} does not exist")
    if not access.may_remove_document(principal, current, found):
        if not access.state_allows(current, access.UPLOAD_DOCUMENT):
            raise WrongState(f"the documents of a {current.status.value} request {kept}")
        raise Forbidden(f"only the uploader, FTA leads and admins {what}")
    return found


def change_document_kind(ctx: Context, principal: Principal, ref: DocumentRef, kind: str) -> tuple[FtaRequest, str]:
    """Set a document's kind right (the uploader, a lead or an admin; open requests only)."""
    if kind not in KIND_VALUES:
        raise invalid_field("kind", f"must be one of {', '.join(sorted(KIND_VALUES))}")
    _document(ctx, principal, ref)  # 404 for a request or document the caller cannot see

    def apply(current: FtaRequest) -> Any:
        found = _changeable(principal, current, ref.document_id, "are kept as they are", "change a document's kind")
        by_owner = access.is_owner(principal, current) and not access.sees_internal(principal, current)
        return current.change_document_kind(found, DocumentKind(kind), principal.actor, ctx.clock(),
                                            by_owner=by_owner, sla=ctx.sla) or None

    request, etag, _ = change(ctx, ref.request_id, apply, if_match=ref.if_match)
    request, etag = dispatch(ctx, request, etag)
    reporting.refresh(ctx, request)
    return request, etag


def remove_document(ctx: Context, principal: Principal, ref: DocumentRef) -> tuple[FtaRequest, str]:
    """The metadata goes first (one conditional write with its event), then the bytes."""
    _, _, document = _document(ctx, principal, ref)

    def apply(current: FtaRequest) -> Any:
        found = _changeable(principal, current, document.id, "are kept", "remove a document")
        return current.remove_document(found, principal.actor, ctx.clock())

    request, etag, _ = change(ctx, ref.request_id, apply, if_match=ref.if_match)
    request, etag = dispatch(ctx, request, etag)
    _remove_quietly(_storage(ctx), storage_name(request.id, document.id))
    return request, etag


def sweep_documents_due(ctx: Context) -> bool:
    """Orphans are looked for once an hour: on the sweep run in the hour's first minute."""
    return ctx.clock().minute == 0


def sweep_documents(ctx: Context, older_than: timedelta = ORPHAN_AGE) -> Outcome:
    """Remove bytes older than ``older_than`` that no request's metadata names
    (an upload that stopped between the bytes and the metadata, a removal that
    stopped between the metadata and the bytes)."""
    storage = _storage(ctx)
    cutoff = ctx.clock() - older_than
    known: dict[str, set[str] | None] = {}
    removed = 0
    try:
        for stored in storage.list():
            parts = split_storage_name(stored.name)
            if stored.created_at > cutoff or parts is None:
                continue
            request_id, document_id = parts
            if request_id not in known:
                loaded = ctx.requests.get(request_id)
                known[request_id] = None if loaded is None else {d.id for d in loaded[0].documents}
            if document_id not in (known[request_id] or set()):
                storage.delete(stored.name)
                removed += 1
    except DocumentStorageError as exc:
        log.warning("document sweep stopped: %s", exc)
    if removed:
        log.info("document sweep removed %d orphaned documents", removed)
    return Outcome("documents-swept", {"removed": removed})
