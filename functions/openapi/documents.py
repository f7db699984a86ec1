"""The OpenAPI parts of a request's documents: the three routes, the multipart
request body, the document as answered, and what a request view adds about them."""

from __future__ import annotations

from typing import Any

from shared.domain.documents import ACCEPTED_TYPES
from shared.domain.values import DocumentKind

REF = "#/components/schemas/{model}"
KINDS = [k.value for k in DocumentKind]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def document_schemas(schemas: dict[str, Any]) -> None:
    """Adds DocumentView and UploadForm; the request view gains missingDocuments,
    fundingReview and notices; an error body may carry missingDocuments (409 incomplete)."""
    document = schemas["Document"]
    document["required"] = sorted(document["properties"])
    document["additionalProperties"] = False
    document["properties"]["contentType"]["enum"] = list(ACCEPTED_TYPES)
    schemas["DocumentView"] = {
        "allOf": [_ref("Document")],
        "type": "object",
        "required": ["allowedActions"],
        "properties": {"allowedActions": {"type": "array", "items": {"enum": ["remove", "change-kind"]},
                                          "description": "what the caller may do with this document"}},
        "unevaluatedProperties": False,
    }
    view = schemas["FtaRequest"]
    view["properties"]["documents"] = {"type": "array", "items": _ref("DocumentView"), "maxItems": 20}
    view["properties"]["missingDocuments"] = {
        "type": "array", "items": {"enum": KINDS},
        "description": "what the review still needs (sow-ecif: sow, wbs, cost-breakdown); assigning waits for them"}
    view["required"].append("missingDocuments")
    view["properties"]["fundingReview"] = {
        "type": "object", "additionalProperties": False,
        "required": ["ftaReviewRequired", "detailedReview", "ftaReviewMinimumUsd", "detailedReviewAboveUsd"],
        "description": "sow-ecif only: the routing file's fundingReview thresholds applied to fundingAmountUsd",
        "properties": {"ftaReviewRequired": {"type": "boolean"}, "detailedReview": {"type": "boolean"},
                       "ftaReviewMinimumUsd": {"type": "number"}, "detailedReviewAboveUsd": {"type": "number"}}}
    view["properties"]["notices"] = {
        "type": "array", "description": "201 only: what the requestor should know (never a refusal)",
        "items": {"type": "object", "additionalProperties": False, "required": ["code", "message"],
                  "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
    schemas["ErrorBody"]["properties"]["missingDocuments"] = {"type": "array", "items": {"enum": KINDS}}
    schemas["UploadForm"] = {
        "type": "object", "additionalProperties": False, "required": ["kind", "file"],
        "properties": {
            "kind": {"type": "string", "enum": KINDS},
            "file": {"type": "string", "contentMediaType": "application/octet-stream",
                     "description": "PDF, docx, xlsx, pptx, CSV, plain text, PNG or JPEG, judged by its bytes; "
                                    "at most FTA_MAX_DOCUMENT_MB (default 25) MiB. Refused (415): Office files "
                                    "with a VBA project (however named), nested archives, more than 10,000 "
                                    "entries or parts expanding beyond 100 MB or 100 times the file; PDFs with "
                                    "active content (/JavaScript, /JS, /Launch, /EmbeddedFile, /RichMedia, /XFA)"},
        },
    }


def document_paths(json: Any, errors: Any, header: Any) -> dict[str, Any]:
    ids = [{"$ref": "#/components/parameters/RequestId"},
           {"name": "docId", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^DOC-[0-9A-Z]{12}$", "examples": ["DOC-7K2M9Q4XRT3B"]}}]
    return {
        "/api/requests/{id}/documents": {"post": {
            "operationId": "upload_document",
            "summary": "Add a document to an open request (its requestor, leads, admins, the assigned architect)",
            "tags": ["documents"],
            "parameters": [{"$ref": "#/components/parameters/RequestId"}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {
                "schema": _ref("UploadForm"), "encoding": {"file": {"contentType": "application/octet-stream"}}}}},
            "responses": {
                "201": {"description": "stored: the bytes first, then the metadata in the request",
                        "headers": {"Location": header("/api/requests/{id}/documents/{docId}"),
                                    "ETag": {"$ref": "#/components/headers/ETag"}},
                        "content": json("Document")},
                **errors("400", "401", "403", "404", "409", "413", "415", "503"),
            },
        }},
        "/api/requests/{id}/documents/{docId}": {
            "get": {
                "operationId": "download_document",
                "summary": "A document's bytes, as an attachment (whoever may read the request)",
                "tags": ["documents"],
                "parameters": ids,
                "responses": {
                    "200": {"description": "the bytes; never rendered by the browser",
                            "headers": {"Content-Disposition": header("attachment with an RFC 6266 filename*"),
                                        "X-Content-Type-Options": header("nosniff"),
                                        "Content-Security-Policy": header("sandbox"),
                                        "Cache-Control": header("private, no-store")},
                            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED_TYPES}},
                    **errors("401", "404", "409", "503"),
                },
            },
            "patch": {
                "operationId": "change_document",
                "summary": "Set a document's kind right, e.g. an attachment of a reply by mail stored as other "
                           "(its uploader, leads, admins; open requests). Like an upload, it answers a request "
                           "waiting on its requestor once every asked-for and needed kind is there",
                "tags": ["documents"],
                "parameters": [*ids, {"$ref": "#/components/parameters/IfMatch"}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["kind"], "additionalProperties": False,
                    "properties": {"kind": {"type": "string", "enum": [k.value for k in DocumentKind]}}}}}},
                "responses": {"200": {"description": "the request as the caller sees it", "content": json("FtaRequest"),
                                      "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}},
                              **errors("400", "401", "403", "404", "409", "412", "415")},
            },
            "delete": {
                "operationId": "remove_document",
                "summary": "Remove a document of an open request (its uploader, leads, admins)",
                "tags": ["documents"],
                "parameters": [*ids, {"$ref": "#/components/parameters/IfMatch"}],
                "responses": {"204": {"description": "removed: the metadata first, then the bytes",
                                      "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}},
                              **errors("401", "403", "404", "409", "412", "503")},
            },
        },
    }
