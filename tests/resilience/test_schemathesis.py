"""The running app against the OpenAPI document it serves, with requests that
schemathesis generates from it: no 5xx, and every answer (status, content
type, headers, body) as the document describes it.

schemathesis' pytest plugin (``@schema.parametrize()`` on a lazily loaded
schema) does not run under pytest 9 (it rewrites ``node._nodeid``), so each
operation's hypothesis strategy is driven here directly."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from functions.openapi.spec import openapi_document
from tests.factories import LEAD, REQUESTOR, form, principal_header
from tests.integration import live

pytestmark = pytest.mark.timeout(120)

CONTROL = frozenset(map(chr, [*range(9), *range(10, 32), 127]))
FRAMING = frozenset({"content-length", "transfer-encoding"})  # the HTTP client sets these, never a case
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
METHODS = ("get", "post", "put", "patch", "delete")
DOCUMENT_PATH = "/api/openapi.json"  # schemathesis leaves out the operation that serves the schema
DOCUMENT = openapi_document()
OPERATIONS = sorted((path, method.upper()) for path, item in DOCUMENT["paths"].items()
                    for method in item if method in METHODS and path != DOCUMENT_PATH)


ANY_STRING_ONLY = {("/static/{name}", "GET")}  # any name is valid: nothing to negate


def reaches_the_app(case) -> bool:
    """Whether the server passes the generated call to the app. Negative cases of
    headers ignore exclude_header_characters, and may set a framing header such
    as an empty Content-Length: uvicorn answers such a call itself (400
    text/plain, "Invalid HTTP request received") and the app never sees it."""
    headers = case.headers or {}
    return not any(CONTROL & set(str(value)) for value in headers.values()) and not FRAMING & {
        name.lower() for name in headers}


def has_inputs(path: str, method: str) -> bool:
    operation = DOCUMENT["paths"][path][method.lower()]
    return bool(operation.get("parameters") or DOCUMENT["paths"][path].get("parameters") or operation.get("requestBody"))


CASES = [(path, method, GenerationMode.POSITIVE) for path, method in OPERATIONS] + [
    (path, method, GenerationMode.NEGATIVE) for path, method in OPERATIONS
    if has_inputs(path, method) and (path, method) not in ANY_STRING_ONLY]
PRINCIPALS = {
    "lead": principal_header(LEAD, ("FTA.Lead",)),
    "requestor": principal_header(REQUESTOR),
}


@pytest.fixture(scope="module")
def devhost(tmp_path_factory):
    app = live.start(tmp_path_factory.mktemp("schemathesis") / "data")
    for body in (form(), form(region="americas")):
        assert app.request("POST", "/api/requests", body, user=REQUESTOR).status == 201
    yield app
    app.stop()


@pytest.fixture(scope="module")
def routed_request(devhost):
    def make() -> str:
        created = devhost.request("POST", "/api/requests", form(), user=REQUESTOR)
        request_id = created.body["id"]
        devhost.wait_for(lambda: devhost.request("GET", f"/api/requests/{request_id}", user=REQUESTOR).body["status"] == "routed")
        return request_id

    return make


@pytest.fixture(scope="module")
def api_schema(devhost):
    loaded = schemathesis.openapi.from_url(devhost.url + DOCUMENT_PATH)
    loaded.config.update(base_url=devhost.url)
    # Control characters in a header never reach the app: the HTTP server refuses them (RFC 9110 field values).
    loaded.config.generation.update(exclude_header_characters="".join(map(chr, [*range(9), *range(10, 32), 127])))
    return loaded


def test_the_served_document_lists_every_operation_checked_here(api_schema):
    served = sorted((op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations())
    assert served == OPERATIONS


@pytest.mark.parametrize("who", sorted(PRINCIPALS))
@pytest.mark.parametrize("path, method, mode", CASES, ids=lambda v: str(v))
def test_generated_requests_get_documented_answers(api_schema, routed_request, path, method, who, mode):
    operation = api_schema[path][method]
    headers = {"X-MS-CLIENT-PRINCIPAL": PRINCIPALS[who]}
    statuses: set[int] = set()
    # Valid data on a request route uses a real request (owned by the requestor), not only unknown ids.
    known = {"id": routed_request()} if "{id}" in path and mode is GenerationMode.POSITIVE else None

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known))
    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        assume(reaches_the_app(case))
        response = case.call(headers=headers, timeout=10)
        statuses.add(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    answers_as_documented()
    assert statuses and max(statuses) < 500, statuses


def _in_bounds(value: object) -> bool:
    from shared.domain.values import bounded_day

    try:
        bounded_day(str(value))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("path", ["/api/reports/sla", "/api/reports/requests.csv"])
def test_report_days_in_and_out_of_their_bounds_are_never_a_server_error(api_schema, devhost, path):
    operation = api_schema[path]["GET"]
    headers = {"X-MS-CLIENT-PRINCIPAL": PRINCIPALS["lead"]}
    sent: dict[bool, int] = {True: 0, False: 0}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def judged(case):
            assume(reaches_the_app(case))
            response = case.call(headers=headers, timeout=10)
            for name in ("from", "to"):
                if name in (case.query or {}):
                    sent[_in_bounds(case.query[name])] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        judged()
    for day in ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"):
        answer = devhost.request("GET", f"{path}?to={day}", user=LEAD, roles=("FTA.Lead",))
        assert answer.status == 400, (day, answer.body)
    assert sent[True] and sent[False], sent
