"""What a document is, judged by its bytes alone (never by its name or the type
the browser declared): puremagic names the family from the magic numbers, and a
structural check confirms it: an Office file is a zip holding
``[Content_Types].xml`` and its main part, text is UTF-8 without NULs."""

from __future__ import annotations

import csv
import io
import zipfile

import puremagic

from shared.app.errors import UnsupportedContent
from shared.domain.documents import CSV, DOCX, JPEG, PDF, PNG, PPTX, TEXT, XLSX

ACCEPTED = "PDF, Word (docx), Excel (xlsx), PowerPoint (pptx), CSV, plain text, PNG or JPEG"

# The main part each Office format must hold, beside [Content_Types].xml.
OFFICE_PARTS = ((DOCX, "word/document.xml", "word/"), (XLSX, "xl/workbook.xml", "xl/"),
                (PPTX, "ppt/presentation.xml", "ppt/"))
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MARKUP = {"text/html", "image/svg+xml", "text/xml", "application/xml", "application/xhtml+xml"}
_TEXT_CONTROLS = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x20)) | {0x7F}


def _refuse(what: str) -> UnsupportedContent:
    return UnsupportedContent(f"the file is {what}; accepted: {ACCEPTED}",
                              [{"field": "file", "message": f"is {what}", "type": "unsupported_content"}])


def _magic(data: bytes) -> list[str]:
    try:
        return [m.mime_type for m in puremagic.magic_string(data) if m.mime_type]
    except (puremagic.PureError, ValueError):
        return []


def office_type(data: bytes) -> str:
    """docx, xlsx or pptx when the zip holds the parts of one; refused otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names:
            raise _refuse("a zip archive that is not a Word, Excel or PowerPoint file")
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > MAX_CONTENT_TYPES_BYTES:
            raise _refuse("an Office file whose [Content_Types].xml is too large")
        declared = archive.read(info).decode("utf-8", "replace").lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise _refuse("a damaged zip archive") from None
    if "macroenabled" in declared or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse("an Office file with macros")
    for content_type, main_part, folder in OFFICE_PARTS:
        if main_part in names and any(n.startswith(folder) for n in names):
            return content_type
    raise _refuse("a zip archive that is not a Word, Excel or PowerPoint file")


def text_type(data: bytes) -> str | None:
    """text/csv or text/plain for UTF-8 text without NULs or other control characters; None otherwise."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if any(byte in _TEXT_CONTROLS for byte in body):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip().startswith("<"):
        raise _refuse("markup (HTML, SVG or XML)")
    lines = [line for line in text[:8192].splitlines() if line.strip()][:20]
    if len(lines) >= 2:
        try:
            dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
            counts = {len(row) for row in csv.reader(lines, dialect)}
            if len(counts) == 1 and counts.pop() >= 2:
                return CSV
        except csv.Error:
            pass
    return TEXT


def judge_content(data: bytes) -> str:
    """The content type of an accepted document; ``UnsupportedContent`` otherwise."""
    if not data:
        raise _refuse("empty")
    found = _magic(data)
    if data.startswith(b"%PDF-") and PDF in found:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n") and PNG in found:
        return PNG
    if data.startswith(b"\xff\xd8\xff") and JPEG in found:
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return office_type(data)
    if MARKUP & set(found):
        raise _refuse("markup (HTML, SVG or XML)")
    judged = text_type(data)
    if judged is not None:
        return judged
    raise _refuse(f"of a type that is not accepted ({found[0]})" if found else "of a type that is not accepted")
