"""The page's addresses, read from the app's own function metadata: the route
template is one the Azure Functions host accepts (ASP.NET Core route syntax,
stricter than devhost), it never takes an address that belongs to another
function, and every view's address is served the page while an unknown one
is the page with 404 (its router shows "not found") and an unknown API
address stays a JSON 404."""

from __future__ import annotations

import re

import pytest

from devhost.routes import RouteTable
from functions.web import PAGE_PATHS
from shared.topology import PAGE_ROUTE
from tests.harness import FUNCTIONS, App

# ASP.NET Core's inline constraints (Microsoft.AspNetCore.Routing: RouteOptions.ConstraintMap)
CONSTRAINT = re.compile(
    r"(?:int|bool|datetime|decimal|double|float|guid|long|alpha|required|nonfile"
    r"|minlength\(\d+\)|maxlength\(\d+\)|length\(\d+(?:,\d+)?\)|min\(-?\d+\)|max\(-?\d+\)|range\(-?\d+,-?\d+\)"
    r"|regex\(.+\))"
)
PARAMETER = re.compile(r"\{(?P<star>\*{1,2})?(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<constraints>(?::[^:?}]+(?:\([^)]*\))?)*)(?P<optional>\?)?\}")
LITERAL = re.compile(r"[A-Za-z0-9._~-]+")


def http_routes() -> dict[str, tuple[str, tuple[str, ...]]]:
    routes = {}
    for name, function in FUNCTIONS.items():
        for binding in function.get_bindings():
            if binding.type == "httpTrigger":
                methods = tuple(str(getattr(m, "value", m)).upper() for m in (binding.methods or ()))
                routes[name] = (binding.route, methods)
    return routes


def template_errors(template: str) -> list[str]:
    """What the Functions host (ASP.NET Core's route parser) would refuse in a template."""
    errors = []
    segments = template.strip("/").split("/") if template.strip("/") else []
    names: set[str] = set()
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if LITERAL.fullmatch(segment):
            continue
        parameter = PARAMETER.fullmatch(segment)
        if not parameter:
            errors.append(f"segment {segment!r} is neither a literal nor one parameter")
            continue
        if parameter["name"] in names:
            errors.append(f"parameter {parameter['name']!r} twice")
        names.add(parameter["name"])
        if (parameter["star"] or parameter["optional"]) and not last:
            errors.append(f"{segment!r}: a catch-all or optional parameter must be the last segment")
        if parameter["star"] and parameter["optional"]:
            errors.append(f"{segment!r}: a catch-all cannot be optional")
        for constraint in filter(None, (parameter["constraints"] or "").split(":")):
            if not CONSTRAINT.fullmatch(constraint):
                errors.append(f"{segment!r}: unknown constraint {constraint!r}")
    return errors


def sample_path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "FTA-SAMPLE1", template.strip("/"))


def test_the_page_is_served_by_one_function_with_a_template_the_host_accepts():
    routes = http_routes()
    assert routes["web_page"] == (PAGE_ROUTE, ("GET",))
    assert template_errors(PAGE_ROUTE) == []
    for name, (template, _) in routes.items():
        assert template_errors(template) == [], f"{name}: {template}"


def test_the_checker_refuses_what_the_host_refuses():
    assert template_errors("{a?}/{b}")
    assert template_errors("{*rest}/more")
    assert template_errors("x{a}y{b}")
    assert template_errors("{id:nosuch}")
    assert template_errors("{id:int}/{id}")
    assert template_errors("{ignored:maxlength(0)?}") == []


def test_no_page_address_takes_a_route_of_another_function():
    routes = http_routes()
    table: RouteTable[str] = RouteTable()
    for name, (template, methods) in routes.items():
        table.add(template, methods, name)
    for name, (template, methods) in routes.items():
        if name == "web_page":
            continue
        # ASP.NET Core: a literal segment wins over a catch-all, whatever the order of registration
        first = template.strip("/").split("/")[0]
        assert LITERAL.fullmatch(first) and first.lower() in {"api", "static"}, f"{name}: {template}"
        for method in methods:
            found = table.resolve(method, sample_path(template))
            assert found is not None and found.target == name, f"{method} {template} goes to {found and found.target}"
    for path in PAGE_PATHS:
        found = table.resolve("GET", sample_path(path))
        assert found is not None and found.target == "web_page", path


@pytest.fixture
def page(tmp_path):
    application = App(tmp_path / "data")

    def get(rest: str):
        answer = application.call("web_page", "GET", f"http://localhost/{rest}", route_params={"rest": rest})
        return answer

    yield get
    application.close()


@pytest.mark.parametrize("address", ["", "requests/new", "requests/FTA-ABC123", "queue", "assigned", "reports",
                                     "architects", "queue/"])
def test_every_view_address_is_the_page(page, address):
    answer = page(address)
    assert answer.status == 200
    assert answer.body.startswith("<!doctype html>")
    assert "/static/app.js" in answer.body
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("address", ["nothing-here", "requests", "requests/FTA-1/extra", "queue/old", "index.html"])
def test_an_unknown_address_is_the_page_with_404_for_its_not_found_view(page, address):
    answer = page(address)
    assert answer.status == 404
    assert answer.body.startswith("<!doctype html>")
    assert 'id="view-not-found"' in answer.body


@pytest.mark.parametrize("address", ["api", "api/nothing", "api/requests/FTA-1/nothing", "static", "static/a/b",
                                     "admin/functions", ".auth/me"])
def test_an_unknown_api_or_static_address_is_a_json_404(page, address):
    answer = page(address)
    assert answer.status == 404
    assert answer.body["error"] == "not-found"
