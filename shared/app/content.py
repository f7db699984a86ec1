"""What a document is, judged by its bytes alone (never by its name or the type
the browser declared): puremagic names the family from the magic numbers, and a
structural check confirms it: an Office file is a zip holding
``[Content_Types].xml`` and its main part, text is UTF-8 without NULs."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from typing import Iterator

import puremagic

from shared.app.errors import UnsupportedContent
from shared.domain.documents import CSV, DOCX, JPEG, PDF, PNG, PPTX, TEXT, XLSX

ACCEPTED = "PDF, Word (docx), Excel (xlsx), PowerPoint (pptx), CSV, plain text, PNG or JPEG"

# The main part each Office format must hold, beside [Content_Types].xml.
OFFICE_PARTS = ((DOCX, "word/document.xml", "word/"), (XLSX, "xl/workbook.xml", "xl/"),
                (PPTX, "ppt/presentation.xml", "ppt/"))
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


# What an Office package may hold, read from the archive's central directory (never expanded to check).
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_EXPANSION_RATIO = 100
MAX_ENTRIES = 10_000
MAX_PART_XML_BYTES = 1024 * 1024  # [Content_Types].xml and each relationships part, the only parts read whole
# A VBA project however it is named: its content type, its relationship, or
# Excel 4 macro sheets; and the content types Office gives macro-enabled files.
_MACRO_MARKS = (b"vbaproject", b"macroenabled", b"macrosheet", b"relationships/vbadata")
_ARCHIVE_NAMES = (".zip", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".jar", ".tar")
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"\x1f\x8b", b"MSCF", b"BZh",
                  b"\xfd7zXZ")
_EMBEDDED_PACKAGE = re.compile(r"^[a-z]+/embeddings/[^/]+\.(?:docx|xlsx|pptx)$")


def _declared_entries(data: bytes) -> int | None:
    """The entry count of the end-of-central-directory record (None without one, or for zip64)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    count = int.from_bytes(data[at + 10:at + 12], "little")
    return None if count == 0xFFFF else count


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_PART_XML_BYTES:
        raise _refuse(f"an Office file whose {info.filename} is too large")
    with archive.open(info) as part:
        return part.read(MAX_PART_XML_BYTES + 1)[:MAX_PART_XML_BYTES]


def _judge_package(data: bytes, *, nested: bool = False) -> set[str]:
    """The part names of an Office package that holds no macros, no archive
    and no more than the expansion limits allow; refused otherwise."""
    declared = _declared_entries(data)
    if declared is not None and declared > MAX_ENTRIES:
        raise _refuse(f"an archive of {declared} entries (at most {MAX_ENTRIES})")
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(f"an archive of {len(infos)} entries (at most {MAX_ENTRIES})")
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_EXPANDED_BYTES or expanded > MAX_EXPANSION_RATIO * len(data):
        raise _refuse("an archive that would expand to more than "
                      f"{MAX_EXPANDED_BYTES // (1024 * 1024)} MB or {MAX_EXPANSION_RATIO} times its size")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise _refuse("a zip archive that is not a Word, Excel or PowerPoint file")
    for info in infos:
        lower = info.filename.lower()
        if lower.endswith("vbaproject.bin"):
            raise _refuse("an Office file with macros")
        if lower == "[content_types].xml" or lower.endswith(".rels"):
            if any(mark in _read_small(archive, info).lower() for mark in _MACRO_MARKS):
                raise _refuse("an Office file with macros")
        elif not lower.endswith(".xml") and not info.is_dir():
            _refuse_archive(archive, info, nested=nested)
    return names


def _refuse_archive(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, nested: bool) -> None:
    """A part that is an archive itself is refused, except the Office packages
    Office embeds (a chart's workbook), judged as packages of their own."""
    with archive.open(info) as part:
        head = part.read(8)
    is_archive = info.filename.lower().endswith(_ARCHIVE_NAMES) or head.startswith(_ARCHIVE_MAGIC)
    if not is_archive:
        return
    if nested or not head.startswith(b"PK\x03\x04") or not _EMBEDDED_PACKAGE.match(info.filename.lower()):
        raise _refuse("an Office file holding another archive")
    _judge_package(archive.read(info), nested=True)


def office_type(data: bytes) -> str:
    """docx, xlsx or pptx when the zip holds the parts of one; refused otherwise."""
    try:
        names = _judge_package(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError, zlib.error):
        raise _refuse("a damaged zip archive") from None
    for content_type, main_part, folder in OFFICE_PARTS:
        if main_part in names and any(n.startswith(folder) for n in names):
            return content_type
    raise _refuse("a zip archive that is not a Word, Excel or PowerPoint file")


# -- PDF ------------------------------------------------------------------------------------
# Active content, by the names of the dictionaries that carry it. A name may
# write any character as #xx; dictionaries may also sit compressed in object
# streams, which are inflated too, together up to what the expansion limits allow.
ACTIVE_PDF_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia",
                              b"XFA"})
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_STREAM_DICTIONARY_BYTES = 2048


def _pdf_names(chunk: bytes | memoryview) -> set[bytes]:
    return {_PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            for match in _PDF_NAME.finditer(chunk)}


def _object_streams(data: bytes) -> Iterator[bytes]:
    """Each object stream inflated, within the expansion limits (over them, or unreadable: refused)."""
    budget = min(MAX_EXPANDED_BYTES, MAX_EXPANSION_RATIO * len(data))
    view = memoryview(data)
    for match in _PDF_STREAM.finditer(data):
        if b"ObjStm" not in _pdf_names(view[max(0, match.start() - _STREAM_DICTIONARY_BYTES):match.start()]):
            continue
        try:
            out = zlib.decompressobj().decompress(view[match.end():], budget + 1)
        except zlib.error:
            raise _refuse("a PDF whose object streams cannot be read") from None
        budget -= len(out)
        if budget < 0:
            raise _refuse("a PDF whose object streams expand beyond the limits")
        yield out


def refuse_active_pdf(data: bytes) -> None:
    found = _pdf_names(data) & ACTIVE_PDF_NAMES
    if not found:
        for inflated in _object_streams(data):
            found |= _pdf_names(inflated) & ACTIVE_PDF_NAMES
            if found:
                break
    if found:
        names = ", ".join(sorted("/" + n.decode("latin-1") for n in found))
        raise _refuse(f"a PDF with active content ({names})")


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
        refuse_active_pdf(data)
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
