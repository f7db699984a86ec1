"""A request's documents: upload (multipart/form-data), download, removal."""

from __future__ import annotations

from urllib.parse import quote

import azure.functions as func

from functions.http import etag_header, handle, if_match, json_response

bp = func.Blueprint()

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Cache-Control": "private, no-store",
}


def content_disposition(file_name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 6266 / RFC 5987 ``filename*``."""
    fallback = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\%;' else "_" for c in file_name) or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _ref(req: func.HttpRequest):
    from shared.app.commands import DocumentRef

    return DocumentRef(req.route_params.get("id", ""), req.route_params.get("docId", ""), if_match(req))


@bp.function_name("upload_document")
@bp.route(route="api/requests/{id}/documents", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def upload_document(req: func.HttpRequest) -> func.HttpResponse:
    # The body is multipart/form-data, not JSON: handle accepts only that, read_upload parses it.
    from functions.http import MULTIPART, HttpRefusal
    from functions.multipart import read_upload
    from shared.app import documents
    from shared.app.commands import UploadDocument
    from shared.app.queries import get_request

    def action(ctx, principal):
        try:
            upload = read_upload(req, ctx.policy.max_document_bytes)
        except HttpRefusal:
            get_request(ctx, principal, req.route_params.get("id", ""))  # a request the caller cannot see is 404
            raise
        # An upload adds to the request whatever changed meanwhile: no If-Match.
        command = UploadDocument(req.route_params.get("id", ""), upload.kind, upload.file_name, upload.content)
        result = documents.upload_document(ctx, principal, command)
        location = f"/api/requests/{result.request.id}/documents/{result.document.id}"
        return json_response(result.document.to_json_dict(), 201, {"Location": location, **etag_header(result.etag)})

    return handle(req, action, accept=(MULTIPART,))


@bp.function_name("download_document")
@bp.route(route="api/requests/{id}/documents/{docId}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def download_document(req: func.HttpRequest) -> func.HttpResponse:
    from shared.app import documents

    def action(ctx, principal):
        document, content = documents.document_content(ctx, principal, _ref(req))
        headers = {**DOWNLOAD_HEADERS, "Content-Disposition": content_disposition(document.file_name),
                   "ETag": f'"{document.sha256}"'}
        return func.HttpResponse(content, status_code=200, headers=headers, mimetype=document.content_type)

    return handle(req, action)


@bp.function_name("change_document")
@bp.route(route="api/requests/{id}/documents/{docId}", methods=["PATCH"], auth_level=func.AuthLevel.ANONYMOUS)
def change_document(req: func.HttpRequest) -> func.HttpResponse:
    """``{"kind": ...}``: a document's kind set right (e.g. an attachment of a reply by mail)."""
    from functions import parsing
    from shared.app import documents
    from shared.app.queries import request_view

    def action(ctx, principal):
        request, etag = documents.change_document_kind(ctx, principal, _ref(req), parsing.document_change(req).kind)
        return json_response(request_view(ctx, principal, request), 200, etag_header(etag))

    return handle(req, action)


@bp.function_name("remove_document")
@bp.route(route="api/requests/{id}/documents/{docId}", methods=["DELETE"], auth_level=func.AuthLevel.ANONYMOUS)
def remove_document(req: func.HttpRequest) -> func.HttpResponse:
    from shared.app import documents

    def action(ctx, principal):
        _, etag = documents.remove_document(ctx, principal, _ref(req))
        return func.HttpResponse(status_code=204, headers={"Cache-Control": "no-store", **etag_header(etag)})

    return handle(req, action)
