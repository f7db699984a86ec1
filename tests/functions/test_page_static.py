"""The page and its static files are sent gzipped to a browser that accepts
gzip (the Functions host does not compress what a function answers), with
``Vary: Accept-Encoding`` and an ETag per representation; a browser whose copy
is current (If-None-Match) gets 304 without a body."""

from __future__ import annotations

import gzip

import azure.functions as func
import pytest

from functions.web import GZIP_FROM, STATIC, accepts_gzip
from tests.harness import FUNCTIONS

BROWSER = "gzip, deflate, br, zstd"


def get(function: str, rest: str, headers: dict[str, str] | None = None) -> func.HttpResponse:
    params = {"name": rest} if function == "web_static" else {"rest": rest}
    prefix = "static/" if function == "web_static" else ""
    request = func.HttpRequest(method="GET", url=f"http://localhost/{prefix}{rest}", headers=headers or {},
                               route_params=params, body=b"")
    return FUNCTIONS[function].get_user_function()(request)


@pytest.mark.parametrize("header, accepted", [
    ("gzip", True), ("GZip", True), ("x-gzip", True), ("*", True), (BROWSER, True), ("br;q=1.0, gzip;q=0.8", True),
    (None, False), ("", False), ("identity", False), ("br, zstd", False), ("gzip;q=0", False),
    ("gzip;q=0.0, *", False), ("*;q=0, gzip", True), ("gzip;q=zero", False),
])
def test_accept_encoding_is_read_as_rfc_9110_says(header, accepted):
    assert accepts_gzip(header) is accepted


@pytest.mark.parametrize("name", ["app.js", "style.css", "request.js"])
def test_a_browser_that_accepts_gzip_gets_the_same_bytes_gzipped(name):
    plain = get("web_static", name)
    packed = get("web_static", name, {"Accept-Encoding": BROWSER})
    original = (STATIC / name).read_bytes()
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and plain.get_body() == original
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.get_body()) < len(original) / 2
    assert gzip.decompress(packed.get_body()) == original
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert plain.headers["ETag"] != packed.headers["ETag"]
    assert plain.mimetype == packed.mimetype == ("text/css" if name.endswith(".css") else "text/javascript")


def test_the_page_keeps_its_security_headers_when_gzipped():
    packed = get("web_page", "queue", {"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_body()).startswith(b"<!doctype html>")
    assert "script-src 'self'" in packed.headers["Content-Security-Policy"]
    assert packed.headers["X-Frame-Options"] == "DENY"
    missing = get("web_page", "nothing-here", {"Accept-Encoding": "gzip"})
    assert missing.status_code == 404 and gzip.decompress(missing.get_body()).startswith(b"<!doctype html>")


def test_a_file_too_small_to_gain_from_gzip_is_sent_as_it_is():
    assert len((STATIC / "favicon.svg").read_bytes()) < GZIP_FROM
    answer = get("web_static", "favicon.svg", {"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    assert answer.get_body() == (STATIC / "favicon.svg").read_bytes()


@pytest.mark.parametrize("accept", [None, BROWSER])
def test_a_current_copy_is_answered_304_without_a_body(accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    first = get("web_static", "list.js", headers)
    again = get("web_static", "list.js", {**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_body() == b""
    assert again.headers["ETag"] == first.headers["ETag"] and again.headers["Cache-Control"] == "no-cache"


def test_the_etag_of_the_other_representation_is_not_current():
    plain = get("web_static", "list.js")
    packed = get("web_static", "list.js", {"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
