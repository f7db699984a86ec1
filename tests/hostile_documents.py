"""Hostile documents made here (nothing downloaded), for the documents tests and
the benchmarks: Office files with VBA projects however named, archives that
expand far beyond their size, with absurd entry counts or nested archives, and
PDFs with active content."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56  # the start of a compound file, as vbaProject.bin is

# (main part, its folder, the relationships part of the main part)
OFFICE = {
    "docx": ("word/document.xml", "word", "word/_rels/document.xml.rels"),
    "xlsx": ("xl/workbook.xml", "xl", "xl/_rels/workbook.xml.rels"),
    "pptx": ("ppt/presentation.xml", "ppt", "ppt/_rels/presentation.xml.rels"),
}


def zip_of(files: dict[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def content_types(main: str, overrides: dict[str, str] | None = None) -> str:
    parts = {f"/{main}": "application/xml", **(overrides or {})}
    body = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in parts.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CONTENT_TYPES_NS}">{body}</Types>'


def office(kind: str, extra: dict[str, str | bytes] | None = None, overrides: dict[str, str] | None = None) -> bytes:
    main, _, _ = OFFICE[kind]
    return zip_of({"[Content_Types].xml": content_types(main, overrides), main: "<root/>", **(extra or {})})


def vba_by_content_type(kind: str) -> bytes:
    """The VBA project under a harmless name, declared only in [Content_Types].xml."""
    folder = OFFICE[kind][1]
    return office(kind, {f"{folder}/styles2.dat": OLE}, {f"/{folder}/styles2.dat": VBA_TYPE})


def vba_by_relationship(kind: str) -> bytes:
    """The VBA project under a harmless name, reached only through the main part's relationships."""
    _, folder, rels = OFFICE[kind]
    relationships = (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     f'<Relationship Id="rId9" Type="{VBA_RELATIONSHIP}" Target="theme2.bin"/></Relationships>')
    return office(kind, {rels: relationships, f"{folder}/theme2.bin": OLE})


def vba_by_file_name(kind: str) -> bytes:
    return office(kind, {f"{OFFICE[kind][1]}/vbaProject.bin": OLE})


# -- archives that are not what their size says ----------------------------------------------------


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated bytes, CRC-32, expanded size) per entry."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return bytes(out + directory + end)


def _deflate(content: str | bytes) -> tuple[bytes, int, int]:
    data = content.encode() if isinstance(content, str) else content
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    return squeeze.compress(data) + squeeze.flush(), zlib.crc32(data), len(data)


@lru_cache(maxsize=4)
def zeros_docx(megabytes: int = 300) -> bytes:
    """A Word file with a part of ``megabytes`` MiB of zeros, about a thousand times smaller:
    one deflated MiB of zeros, repeated (each block starts afresh after a full flush)."""
    chunk = bytes(1 << 20)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    stream = block * megabytes + squeeze.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    main = OFFICE["docx"][0]
    return _raw_zip([("[Content_Types].xml", *_deflate(content_types(main))), (main, *_deflate("<root/>")),
                     ("word/media/image1.bin", stream, crc, megabytes << 20)])


def ratio_docx() -> bytes:
    """Under 100 MB expanded, but more than 100 times its size."""
    return zeros_docx(8)


@lru_cache(maxsize=2)
def many_entries_docx(entries: int = 60_000) -> bytes:
    return office("docx", {f"word/parts/p{i}.xml": "" for i in range(entries)})


def nested_zip_docx() -> bytes:
    return office("docx", {"word/media/image1.png": zip_of({"payload.exe": b"MZ" + bytes(62)})})


def chart_docx(workbook: bytes | None = None) -> bytes:
    """A Word file with a chart: Office embeds the chart's data as a workbook (a package of its own)."""
    return office("docx", {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook or office("xlsx")})


# -- PDF ----------------------------------------------------------------------------------------

ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "EmbeddedFile", "RichMedia", "XFA")
PLAIN_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def escaped(name: str) -> str:
    """A PDF name with every other character written as #xx (the syntax allows any)."""
    return "".join(f"#{ord(c):02X}" if i % 2 == 0 else c for i, c in enumerate(name))


def pdf_with(name: str) -> bytes:
    """A PDF whose opening action (or catalogue) carries ``name`` as the syntax writes it."""
    return ("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n"
            f"2 0 obj\n<< /Type /Action /S /{name} (app.alert(1)) >>\nendobj\n"
            "trailer\n<< /Root 1 0 R >>\n%%EOF\n").encode()


def pdf_with_object_stream(name: str) -> bytes:
    """The action compressed in an object stream, where no byte of the file spells it."""
    objects = zlib.compress(f"2 0 << /Type /Action /S /{name} (app.alert(1)) >>".encode())
    return (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n"
            b"3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(objects)).encode() +
            b" >>\nstream\n" + objects + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def hostile_files() -> dict[str, bytes]:
    """Every hostile file above, by name: what the benchmark times."""
    files = {f"{kind} VBA by {how.__name__.removeprefix('vba_by_')}": how(kind)
             for kind in OFFICE for how in (vba_by_content_type, vba_by_relationship, vba_by_file_name)}
    files.update({"300 MiB of zeros": zeros_docx(), "60,000 entries": many_entries_docx(),
                  "nested zip": nested_zip_docx(), "expands 100+ times": ratio_docx()})
    for name in ACTIVE_NAMES:
        files[f"PDF /{name}"] = pdf_with(name)
        files[f"PDF /{escaped(name)}"] = pdf_with(escaped(name))
        files[f"PDF /{name} in an object stream"] = pdf_with_object_stream(name)
    return files
