"""The OpenAPI document: valid OpenAPI 3.1, one operation per registered HTTP
function (and nothing else), and real answers of the app match it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from functions.openapi.spec import PAGE_ROUTE, openapi_document, openapi_path
from functions.parsing import LIST_PARAMETERS as LIST_FILTERS
from tests.factories import LEAD, OTHER, REQUESTOR, form, migration_form, sow_form
from tests.harness import FUNCTIONS, App

LEAD_ROLES = ("FTA.Lead",)
DOCUMENT_URI = "urn:fta-requests:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@pytest.fixture
def document(app) -> dict:
    answer = app.call("openapi_document", "GET", "http://localhost/api/openapi.json")
    assert answer.status == 200
    return answer.body


def validator(document: dict, schema: dict) -> Draft202012Validator:
    registry = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    if "$ref" in schema and schema["$ref"].startswith("#"):
        schema = {**schema, "$ref": DOCUMENT_URI + schema["$ref"]}
    return Draft202012Validator(schema, registry=registry)


def check_answer(document: dict, path: str, method: str, answer) -> None:
    """The answer's status is documented for the operation, its documented
    headers are present and its JSON body validates against the schema."""
    operation = document["paths"][path][method]
    documented = operation["responses"].get(str(answer.status))
    assert documented is not None, f"{method.upper()} {path} answered {answer.status}, not documented"
    for name in documented.get("headers", {}):
        if name == "Idempotent-Replayed":
            continue
        assert name in answer.headers, f"{method.upper()} {path} {answer.status}: header {name} missing"
    schema = documented["content"]["application/json"]["schema"]
    errors = sorted(validator(document, schema).iter_errors(answer.body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


# -- the document ---------------------------------------------------------------------


def test_the_served_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate_openapi(document)


def test_the_validator_would_notice_a_broken_document(document):
    broken = copy.deepcopy(document)
    del broken["components"]["schemas"]["Status"]
    with pytest.raises((OpenAPIValidationError, Unresolvable)):
        validate_openapi(broken)
    broken = copy.deepcopy(document)
    broken["paths"]["/api/requests"]["post"]["responses"]["201"].pop("description")
    with pytest.raises(OpenAPIValidationError):
        validate_openapi(broken)


def test_every_component_schema_is_a_valid_draft_2020_12_schema(document):
    schemas = document["components"]["schemas"]
    assert {"RequestForm", "FtaRequest", "Event", "ErrorBody", "RequestList", "SignedInUser"} <= set(schemas)
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)


def test_every_http_function_is_an_operation_and_every_operation_a_function(document):
    registered = {}
    for name, function in FUNCTIONS.items():
        trigger = function.get_trigger()
        if trigger.get_binding_name() != "httpTrigger":
            continue
        for method in trigger.methods:
            registered[(openapi_path(trigger.route), str(getattr(method, "value", method)).lower())] = name
    documented = {
        (path, method): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items() if method in METHODS
    }
    assert documented == registered
    assert ("/", "get") in documented, "the page is served at the root"


def test_route_templates_become_openapi_paths():
    assert openapi_path("api/requests/{id}/assign") == "/api/requests/{id}/assign"
    assert openapi_path("api/requests/{id:int}") == "/api/requests/{id}"
    assert openapi_path("files/{*rest}") == "/files/{rest}"
    assert openapi_path(PAGE_ROUTE) == "/"


def test_list_parameters_are_the_filters_the_service_accepts(document):
    parameters = document["paths"]["/api/requests"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == set(LIST_FILTERS)
    assert all(p["in"] == "query" for p in parameters)


def test_the_request_body_schema_is_the_form_model_and_requires_type_specific_details(document):
    body = document["paths"]["/api/requests"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RequestForm"}
    check = validator(document, body)
    assert check.is_valid(form()) and check.is_valid(sow_form()) and check.is_valid(migration_form())
    assert not check.is_valid(form(requestType="sow-ecif")), "sow-ecif needs fundingAmountUsd"
    assert not check.is_valid(form(requestType="migration-exception")), "migration-exception needs migration"
    assert not check.is_valid(form(requestor={"email": "x@contoso.com"})), "the requestor is never in the body"
    assert not check.is_valid(form(tpid="12ab"))


def test_security_is_app_service_authentication_except_for_public_routes(document):
    scheme = document["components"]["securitySchemes"]["appServiceAuthentication"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-MS-CLIENT-PRINCIPAL"}
    assert document["security"] == [{"appServiceAuthentication": []}]
    public = {path for path, item in document["paths"].items()
              if any(operation.get("security") == [] for operation in item.values())}
    assert public == {"/", "/static/{name}", "/api/openapi.json", "/api/asyncapi.json", "/api/health"}


def test_error_statuses_are_documented_with_the_error_body(document):
    create = document["paths"]["/api/requests"]["post"]["responses"]
    assert {"400", "401", "403", "413", "415", "422", "429", "503"} <= set(create)
    assert set(create["429"]["headers"]) == {"Retry-After"}
    assign = document["paths"]["/api/requests/{id}/assign"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "412", "503"} <= set(assign)
    assert create["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/SubmissionRefused")
    assert document["components"]["schemas"]["SubmissionRefused"]["anyOf"][0]["$ref"].endswith("/IneligibleError")
    assert assign["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert set(create["201"]["headers"]) >= {"Location", "ETag"}


# -- real answers match the document ----------------------------------------------------


def test_create_answers_match_the_document(app, document):
    created = app.submit(sow_form(), REQUESTOR, headers={"Idempotency-Key": "k-1"})
    assert created.status == 201
    check_answer(document, "/api/requests", "post", created)

    invalid = app.submit(form(tpid="12ab", tenant="not a tenant"), REQUESTOR)
    assert invalid.status == 400
    check_answer(document, "/api/requests", "post", invalid)

    ineligible = app.submit(form(salesStagePercent=20, totalUsers=10), REQUESTOR)
    assert ineligible.status == 422
    check_answer(document, "/api/requests", "post", ineligible)

    too_large = app.submit(b'{"instructions": "' + b"x" * 70_000 + b'"}', REQUESTOR)
    assert too_large.status == 413
    check_answer(document, "/api/requests", "post", too_large)

    anonymous = app.submit(form(), user=None)
    assert anonymous.status == 401
    check_answer(document, "/api/requests", "post", anonymous)


def test_read_answers_match_the_document(app, document):
    request_id = app.submit(migration_form(customerName="Fabrikam"), REQUESTOR).body["id"]
    app.pump()
    got = app.get(request_id, REQUESTOR)
    assert got.status == 200 and got.body["status"] == "routed"
    check_answer(document, "/api/requests/{id}", "get", got)
    check_answer(document, "/api/requests/{id}", "get", app.get(request_id, OTHER))

    listed = app.list(LEAD, LEAD_ROLES, limit="1")
    assert listed.status == 200 and len(listed.body["items"]) == 1
    check_answer(document, "/api/requests", "get", listed)
    check_answer(document, "/api/requests", "get", app.list(REQUESTOR, status="nope"))


def test_lead_action_answers_match_the_document(app, document):
    first = app.submit(form(region="emea"), REQUESTOR).body["id"]
    second = app.submit(form(region="emea"), REQUESTOR).body["id"]
    app.pump()
    etag = app.get(first, LEAD, LEAD_ROLES).headers["ETag"]

    auto = app.act("assign", first, LEAD, LEAD_ROLES, {"architect": "auto"}, headers={"If-Match": etag})
    assert auto.status == 200 and auto.body["architect"] == "eva.novak@contoso.com"
    check_answer(document, "/api/requests/{id}/assign", "post", auto)

    stale = app.act("assign", first, LEAD, LEAD_ROLES, {"architect": "ben.okafor@contoso.com"}, headers={"If-Match": etag})
    assert stale.status == 412
    check_answer(document, "/api/requests/{id}/assign", "post", stale)

    by_email = app.act("assign", second, LEAD, LEAD_ROLES, {"architect": "ben.okafor@contoso.com"})
    assert by_email.status == 200
    check_answer(document, "/api/requests/{id}/assign", "post", by_email)
    check_answer(document, "/api/requests/{id}/assign", "post",
                 app.act("assign", second, REQUESTOR, body={"architect": "auto"}))

    completed = app.act("complete", first, LEAD, LEAD_ROLES)
    assert completed.status == 200
    check_answer(document, "/api/requests/{id}/complete", "post", completed)

    cancelled = app.act("cancel", second, REQUESTOR, body={"reason": "postponed"})
    assert cancelled.status == 200
    check_answer(document, "/api/requests/{id}/cancel", "post", cancelled)
    again = app.act("cancel", second, REQUESTOR)
    assert again.status == 409
    check_answer(document, "/api/requests/{id}/cancel", "post", again)


def test_health_and_me_answers_match_the_document(app, document):
    health = app.call("health", "GET", "http://localhost/api/health")
    check_answer(document, "/api/health", "get", health)
    check_answer(document, "/api/health/details", "get", app.health_details())
    check_answer(document, "/api/health/details", "get",
                 app.call("health_details", "GET", "http://localhost/api/health/details", user=REQUESTOR))
    for user, roles in ((REQUESTOR, ()), (LEAD, LEAD_ROLES)):
        me = app.call("signed_in_user", "GET", "http://localhost/api/me", user=user, roles=roles)
        assert me.status == 200
        check_answer(document, "/api/me", "get", me)
    check_answer(document, "/api/me", "get", app.call("signed_in_user", "GET", "http://localhost/api/me"))


def test_a_response_that_breaks_the_contract_is_caught(app, document):
    created = app.submit(form(), REQUESTOR)
    created.body["pendingDispatch"] = False
    with pytest.raises(AssertionError, match="pendingDispatch"):
        check_answer(document, "/api/requests", "post", created)
    del created.body["pendingDispatch"]
    created.body.pop("status")
    with pytest.raises(AssertionError, match="status"):
        check_answer(document, "/api/requests", "post", created)


# -- GET /api/me --------------------------------------------------------------------------

ROUTING = """
regions: [north, south]
leadGroups:
  - id: north-leads
    name: North Leads
    members: [north@contoso.com]
    architects: [{email: nora@contoso.com, name: Nora North}]
  - id: south-leads
    name: South Leads
    members: [south@contoso.com]
rules:
  - when: {region: [south]}
    leadGroup: south-leads
default: north-leads
escalateTo: north-leads
"""


@pytest.fixture
def custom_routing_app(tmp_path: Path):
    routing = tmp_path / "routing.yaml"
    routing.write_text(ROUTING, encoding="utf-8")
    application = App(tmp_path / "data", env={"FTA_ROUTING_FILE": str(routing)})
    yield application
    application.close()


def test_me_lists_the_routing_files_regions_and_groups_with_architects_for_leads(custom_routing_app):
    me = custom_routing_app.call("signed_in_user", "GET", "http://localhost/api/me", user=LEAD, roles=LEAD_ROLES)
    assert me.status == 200
    assert me.body == {
        "email": LEAD,
        "name": LEAD,
        "roles": ["FTA.Lead"],
        "isLead": True,
        "regions": ["north", "south"],
        "leadGroups": [
            {"id": "north-leads", "name": "North Leads", "architects": [{"email": "nora@contoso.com", "name": "Nora North"}]},
            {"id": "south-leads", "name": "South Leads", "architects": []},
        ],
        "views": ["home", "new", "request", "feedback", "queue", "assigned", "reports", "architects"],
        "home": "/queue",
        "signInUrl": "/.auth/login/aad?post_login_redirect_uri=/",
        "signOutUrl": "/.auth/logout?post_logout_redirect_uri=/",
    }


def test_me_for_a_requestor_names_the_groups_without_their_architects(custom_routing_app):
    me = custom_routing_app.call("signed_in_user", "GET", "http://localhost/api/me", user=REQUESTOR)
    assert me.status == 200
    assert me.body["isLead"] is False and me.body["roles"] == []
    assert me.body["regions"] == ["north", "south"]
    assert [(g["id"], g["architects"]) for g in me.body["leadGroups"]] == [("north-leads", []), ("south-leads", [])]
    assert me.body["views"] == ["home", "new", "request", "feedback"] and me.body["home"] == "/"


def test_me_lands_an_architect_on_their_assignments(custom_routing_app):
    me = custom_routing_app.call("signed_in_user", "GET", "http://localhost/api/me", user="nora@contoso.com")
    assert me.body["views"] == ["home", "new", "request", "feedback", "assigned"] and me.body["home"] == "/assigned"


def test_me_without_a_principal_is_401(app):
    answer = app.call("signed_in_user", "GET", "http://localhost/api/me")
    assert answer.status == 401 and answer.body["error"] == "unauthenticated"
