"""A document upload's ``multipart/form-data`` body (fields ``kind`` and ``file``),
read with python-multipart's streaming parser: the body is fed in chunks and the
reading stops with 413 as soon as the file passes the size limit, so no more
than the limit is ever copied, judged or stored."""

from __future__ import annotations

from dataclasses import dataclass, field

import azure.functions as func
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from functions.http import MULTIPART, HttpRefusal, invalid


CHUNK_BYTES = 64 * 1024
ENVELOPE_BYTES = 64 * 1024  # the boundaries, part headers and the kind field around the file
MAX_FIELD_BYTES = 256
FIELDS = ("kind", "file")


def too_large(limit: int) -> HttpRefusal:
    return HttpRefusal(413, "payload-too-large", f"the file is over {limit} bytes (FTA_MAX_DOCUMENT_MB)",
                       [{"field": "file", "message": f"at most {limit} bytes", "type": "too_large"}])


def _missing(name: str) -> HttpRefusal:
    return invalid(f"the form has no {name}", [{"field": name, "message": "is required", "type": "missing"}])


@dataclass
class _Part:
    name: str = ""
    file_name: str | None = None
    data: bytearray = field(default_factory=bytearray)


@dataclass
class Upload:
    kind: str
    file_name: str
    content: bytes


class _Reader:
    def __init__(self, limit: int):
        self.limit = limit
        self.parts: dict[str, _Part] = {}
        self.part = _Part()
        self.header_name = bytearray()
        self.header_value = bytearray()
        self.headers: dict[str, bytes] = {}

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.begin, "on_header_field": self.header_field, "on_header_value": self.header_data,
            "on_header_end": self.header_end, "on_headers_finished": self.headers_done,
            "on_part_data": self.data, "on_part_end": self.end,
        }

    def begin(self) -> None:
        self.part, self.headers = _Part(), {}

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def header_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[bytes(self.header_name).decode("latin-1").lower()] = bytes(self.header_value)
        self.header_name, self.header_value = bytearray(), bytearray()

    def headers_done(self) -> None:
        disposition, options = parse_options_header(self.headers.get("content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if disposition != b"form-data" or name not in FIELDS:
            raise invalid(f"the form has an unexpected part {name!r}; it takes {' and '.join(FIELDS)}",
                          [{"field": name or "body", "message": "is not a field of this form", "type": "extra_forbidden"}])
        if name in self.parts:
            raise invalid(f"the form has more than one {name}",
                          [{"field": name, "message": "given more than once", "type": "value_error"}])
        filename = options.get(b"filename")
        self.part.name = name
        self.part.file_name = None if filename is None else filename.decode("utf-8", "replace")

    def data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        cap = self.limit if part.name == "file" else MAX_FIELD_BYTES
        if len(part.data) + (end - start) > cap:
            if part.name == "file":
                raise too_large(self.limit)
            raise invalid(f"{part.name} is too long", [{"field": part.name, "message": "is too long", "type": "too_long"}])
        part.data += data[start:end]

    def end(self) -> None:
        self.parts[self.part.name] = self.part


def read_upload(req: func.HttpRequest, limit: int) -> Upload:
    """The upload's fields; 415 unless the body is multipart/form-data, 413 past
    ``limit`` bytes of file, 400 naming a missing or unexpected field."""
    declared, options = parse_options_header(req.headers.get("Content-Type") or "")
    if declared != MULTIPART.encode():
        raise HttpRefusal(415, "unsupported-media-type", f"a document is sent as {MULTIPART} (fields kind and file)")
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 70:
        raise invalid(f"the {MULTIPART} body has no valid boundary",
                      [{"field": "Content-Type", "message": "needs a boundary", "type": "header"}])
    length = req.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit + ENVELOPE_BYTES:
        raise too_large(limit)  # refused before a byte is read
    reader = _Reader(limit)
    parser = MultipartParser(boundary, reader.callbacks())
    body = memoryview(req.get_body() or b"")
    try:
        for offset in range(0, len(body), CHUNK_BYTES):
            parser.write(body[offset:offset + CHUNK_BYTES].tobytes())
        parser.finalize()
    except MultipartParseError:
        raise invalid(f"the body is not valid {MULTIPART}") from None
    kind, upload = reader.parts.get("kind"), reader.parts.get("file")
    if kind is None or not kind.data.strip():
        raise _missing("kind")
    if upload is None or upload.file_name is None:
        raise _missing("file")
    try:
        kind_text = kind.data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise invalid("kind is not valid UTF-8", [{"field": "kind", "message": "not UTF-8", "type": "value_error"}]) from None
    return Upload(kind=kind_text, file_name=upload.file_name, content=bytes(upload.data))
