"""Sample documents made here (no fixtures downloaded) and the multipart/form-data
body of an upload, shared by the documents tests."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

from tests import hostile_documents as hostile


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _content_types(main: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main}" ContentType="application/xml"/></Types>')


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
DOCX = _zip({"[Content_Types].xml": _content_types("word/document.xml"), "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": _content_types("xl/workbook.xml"), "xl/workbook.xml": "<workbook/>"})
PPTX = _zip({"[Content_Types].xml": _content_types("ppt/presentation.xml"), "ppt/presentation.xml": "<p/>"})
CSV = "Task,Owner,Days\nDiscovery,Ana,5\nPilot,Ben,10\nMigration,Ana,20\n".encode()
TEXT = "Work breakdown: discovery, pilot, migration — 35 days in all.\n".encode()

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
PLAIN_ZIP = _zip({"notes.txt": "not an Office file", "data/rows.csv": "a,b\n1,2\n"})
WORD_WITH_MACROS = _zip({
    "[Content_Types].xml": _content_types("word/document.xml").replace(
        "application/xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "word/document.xml": "<w:document/>", "word/vbaProject.bin": b"\x00\x01",
})
BINARY_TEXT = b"Task,Owner\x00\x00\x01binary"
LATIN1_TEXT = "Caf\xe9 na\xefve".encode("latin-1")

ACCEPTED = {
    "pdf": (PDF, "application/pdf"),
    "docx": (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "csv": (CSV, "text/csv"),
    "text": (TEXT, "text/plain"),
    "png": (PNG, "image/png"),
    "jpeg": (JPEG, "image/jpeg"),
}
# (content, the name and the type a browser would declare): neither ever decides.
REFUSED = {
    "html named .pdf": (HTML, "statement-of-work.pdf", "application/pdf"),
    "svg": (SVG, "diagram.png", "image/png"),
    "executable": (EXE, "wbs.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "elf binary": (ELF, "costs.csv", "text/csv"),
    "zip, not Office": (PLAIN_ZIP, "sow.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "Word with macros": (WORD_WITH_MACROS, "sow.docx", "application/msword"),
    "binary with NULs": (BINARY_TEXT, "costs.csv", "text/csv"),
    "not UTF-8": (LATIN1_TEXT, "notes.txt", "text/plain"),
    "empty": (b"", "empty.pdf", "application/pdf"),
    # hostile files (all of them are judged in tests/unit/test_hostile_documents.py)
    "Word, VBA declared by content type": (hostile.vba_by_content_type("docx"), "sow.docx", "application/msword"),
    "Excel, VBA by relationship": (hostile.vba_by_relationship("xlsx"), "wbs.xlsx", "application/vnd.ms-excel"),
    "Word holding a zip": (hostile.nested_zip_docx(), "sow.docx", "application/msword"),
    "PDF with JavaScript, #-escaped": (hostile.pdf_with(hostile.escaped("JavaScript")), "sow.pdf", "application/pdf"),
}


def multipart(fields: dict[str, Any], boundary: str | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type. A field's value is text, or
    ``(file name, bytes, declared type)`` for a file."""
    boundary = boundary or f"----fta{uuid.uuid4().hex}"
    out = bytearray()
    for name, value in fields.items():
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            file_name, content, declared = value
            out += (f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                    f"Content-Type: {declared}\r\n\r\n").encode("utf-8")
            out += content
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode("utf-8")
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload_body(kind: str, file_name: str, content: bytes, declared: str = "application/octet-stream"):
    return multipart({"kind": kind, "file": (file_name, content, declared)})


FUNDING_DOCUMENTS = {"sow": ("SOW.pdf", PDF), "wbs": ("WBS.xlsx", XLSX), "cost-breakdown": ("costs.csv", CSV)}


def upload(app, request_id: str, kind: str, file_name: str, content: bytes, user: str, roles: tuple[str, ...] = (),
           declared: str = "application/octet-stream"):
    """POST /api/requests/{id}/documents through the harness (tests.harness.App)."""
    body, content_type = upload_body(kind, file_name, content, declared)
    return app.call("upload_document", "POST", f"http://localhost/api/requests/{request_id}/documents", body=body,
                    user=user, roles=roles, headers={"Content-Type": content_type}, route_params={"id": request_id})


def upload_funding_documents(app, request_id: str, user: str) -> list[str]:
    """The SOW, the WBS and the cost breakdown a sow-ecif request needs before assignment; their ids."""
    ids = []
    for kind, (file_name, content) in FUNDING_DOCUMENTS.items():
        answer = upload(app, request_id, kind, file_name, content, user)
        assert answer.status == 201, answer.body
        ids.append(answer.body["id"])
    return ids
