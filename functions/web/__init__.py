"""The web page at every view's address ("/", "/requests/new",
"/requests/{id}", "/queue", "/assigned", "/reports"), its scripts and style
sheet, and ``GET /api/me``: who is signed in, for the page."""

import gzip
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import azure.functions as func

from functions.http import error_response, handle, json_response
from shared.topology import PAGE_ROUTE

bp = func.Blueprint()

STATIC = Path(__file__).parent / "static"
PAGE = "index.html"
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

# Below this a file fits in a packet or two: gzip would save nothing a reader could notice.
GZIP_FROM = 1024


class Asset:
    """A static file as read at start: its bytes, and gzip's when it is large enough to gain from it (each with its
    own ETag)."""

    def __init__(self, path: Path, mimetype: str):
        self.body = path.read_bytes()
        self.mimetype = mimetype
        digest = hashlib.sha256(self.body).hexdigest()[:32]
        self.etag = f'"{digest}"'
        packed = gzip.compress(self.body, compresslevel=9, mtime=0) if len(self.body) >= GZIP_FROM else None
        self.gzipped = packed if packed is not None and len(packed) < len(self.body) else None
        self.gzip_etag = f'"{digest}-gzip"'


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (RFC 9110 12.5.3): "gzip" (or "x-gzip"), else "*", with q > 0."""
    weights: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        coding, *parameters = [part.strip().lower() for part in item.split(";")]
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights.setdefault("gzip" if coding == "x-gzip" else coding, weight)
    return next((weights[coding] for coding in ("gzip", "*") if coding in weights), 0.0) > 0


@lru_cache(maxsize=1)
def assets() -> dict[str, Asset]:
    """The files of the static folder that may be served, by name."""
    found = {PAGE: Asset(STATIC / PAGE, "text/html")}
    for path in STATIC.iterdir():
        if path.is_file() and path.suffix in CONTENT_TYPES:
            found[path.name] = Asset(path, CONTENT_TYPES[path.suffix])
    return found


def serve(req: func.HttpRequest, asset: Asset, extra: dict[str, str] | None = None, status: int = 200) -> func.HttpResponse:
    """The file, gzipped for a browser that accepts it; 304 when the browser's copy (If-None-Match) is current.
    ``no-cache``: the browser keeps its copy but asks each time, so a deployment is seen at the next load."""
    packed = asset.gzipped is not None and accepts_gzip(req.headers.get("Accept-Encoding"))
    etag = asset.gzip_etag if packed else asset.etag
    headers = {"Cache-Control": "no-cache", "ETag": etag, "X-Content-Type-Options": "nosniff", **(extra or {})}
    if asset.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
    if status == 200 and etag in [tag.strip() for tag in (req.headers.get("If-None-Match") or "").split(",")]:
        return func.HttpResponse(status_code=304, headers=headers)
    if packed:
        headers["Content-Encoding"] = "gzip"
    return func.HttpResponse(asset.gzipped if packed else asset.body, status_code=status, headers=headers,
                             mimetype=asset.mimetype, charset="utf-8")


# The addresses of the page's views (the page's router, static/router.js, holds
# the same table: tests/functions/test_page_scripts.py keeps them equal). Any
# other address outside api/ and static/ gets the same page with status 404:
# its router shows the "not found" view.
PAGE_PATHS = ("", "requests/new", "requests/{id}", "requests/{id}/feedback", "queue", "assigned", "reports", "architects")
_VIEW_ADDRESS = re.compile(
    "^(?:" + "|".join(re.escape(p).replace(re.escape("{id}"), "[^/]+") for p in PAGE_PATHS) + ")$"
)
# Addresses that are never the page: an unknown API call is answered in JSON.
_NOT_PAGE = re.compile(r"^(?:api|static|admin|runtime|\.auth)(?:/|$)", re.IGNORECASE)


def not_found() -> func.HttpResponse:
    return error_response(404, "not-found", "no such page")


@bp.function_name("web_page")
@bp.route(route=PAGE_ROUTE, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def web_page(req: func.HttpRequest) -> func.HttpResponse:
    address = (req.route_params.get("rest") or "").strip("/")
    if _NOT_PAGE.match(address):
        return not_found()
    return serve(req, assets()[PAGE], PAGE_HEADERS, 200 if _VIEW_ADDRESS.match(address) else 404)


@bp.function_name("web_static")
@bp.route(route="static/{name}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def web_static(req: func.HttpRequest) -> func.HttpResponse:
    name = req.route_params.get("name", "")
    asset = assets().get(name) if name != PAGE else None
    return serve(req, asset) if asset else not_found()


@bp.function_name("signed_in_user")
@bp.route(route="api/me", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def signed_in_user(req: func.HttpRequest) -> func.HttpResponse:
    from functions.openapi.bodies import SignedInUser

    return handle(req, lambda ctx, principal: json_response(SignedInUser.of(principal, ctx.routing).to_json_dict()))


@bp.function_name("vocabulary")
@bp.route(route="api/vocabulary", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def vocabulary(req: func.HttpRequest) -> func.HttpResponse:
    from shared.domain.vocabulary import routing_vocabulary, vocabulary as tables

    return handle(req, lambda ctx, principal: json_response({**tables(), **routing_vocabulary(
        ctx.routing.regions, ((group.id, group.name) for group in ctx.routing.lead_groups))}, 200,
                                                            {"Cache-Control": "private, max-age=300"}))
