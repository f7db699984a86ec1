"""DESIGN, "Input rules, round three", route by route from the OpenAPI document:
duplicate JSON keys, the Sec-Fetch-Site × Origin matrix on every write, days
within 2000-01-01 ... 2100-12-31, architects of the organisation."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.settings import SettingsError, load_settings
from tests.factories import LEAD
from tests.functions.openapi_bodies import (
    LEADS,
    WRITE_METHODS,
    call,
    document,
    json_operations,
    prepare,
    resolve,
    routed,
    url,
)

DOC = document()
JSON_OPERATIONS = json_operations(DOC)


# -- duplicate keys ----------------------------------------------------------------------------


def _duplicated(body: dict, at: tuple[str, ...]) -> bytes:
    """``body`` as JSON text with the first key of the object at ``at`` written twice."""
    if not at:
        key, value = next(iter(body.items()))
        text = json.dumps(body, ensure_ascii=False)
        return (text[:-1] + f", {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}}}").encode()
    return json.dumps({**body, at[0]: "\x00PLACEHOLDER"}, ensure_ascii=False).replace(
        json.dumps("\x00PLACEHOLDER"), _duplicated(body[at[0]], at[1:]).decode()).encode()


def _nested_object(body: dict) -> tuple[str, ...] | None:
    return next(((key,) for key, value in body.items() if isinstance(value, dict) and value), None)


@pytest.mark.parametrize("operation, method, path, schema", JSON_OPERATIONS, ids=[o[0] for o in JSON_OPERATIONS])
def test_a_key_written_twice_is_400_duplicate_key_and_the_body_without_it_is_accepted(app, operation, method, path,
                                                                                     schema):
    request_id, body, user, roles = prepare(app, operation)
    places = [()] if body else []
    nested = _nested_object(body)
    if nested:
        places.append(nested)
    for at in places:
        answer = call(app, operation, method, path, request_id, _duplicated(body, at), user, roles)
        assert answer.status == 400 and answer.body["error"] == "duplicate-key", (at, answer.body)
    # a duplicate deeper than any field the body knows is refused as a duplicate, before the shape is judged
    deep = json.dumps({**body, "extra": {"a": {"b": 1}}}).replace('{"b": 1}', '{"b": 1, "b": 1}').encode()
    answer = call(app, operation, method, path, request_id, deep, user, roles)
    assert answer.status == 400 and answer.body["error"] == "duplicate-key", answer.body
    accepted = call(app, operation, method, path, request_id, json.dumps(body).encode(), user, roles)
    assert accepted.status in (200, 201), accepted.body


def test_the_probe_body_of_the_issue_is_refused(app):
    request_id = routed(app)
    body = b'{"text":"a","text":"b","internal":false,"internal":true}'
    answer = call(app, "comment_request", "post", "/api/requests/{id}/comments", request_id, body, LEAD, LEADS)
    assert answer.status == 400 and answer.body["error"] == "duplicate-key"
    assert answer.body["details"] == [{"field": "text", "message": "is given twice", "type": "duplicate_key"}]
    assert [e["type"] for e in app.get(request_id, LEAD, LEADS).body["history"]] == ["request.submitted",
                                                                                    "request.routed"]


# -- Sec-Fetch-Site × Origin on every write ------------------------------------------------------

PUBLIC_URL = "https://fta.contoso.com"
ALLOWED = "https://forms.contoso.com"
ORIGINS = {"none": None, "addressed": "http://localhost", "public url": PUBLIC_URL, "allowed": ALLOWED,
           "same site, not allowed": "https://other-app.contoso.com", "foreign": "https://evil.example",
           "opaque": "null"}
SITES = (None, "same-origin", "none", "same-site", "cross-site", "bogus")
WRITES = sorted((operation["operationId"], method, path) for path, item in DOC["paths"].items()
                for method, operation in item.items() if method in WRITE_METHODS)


def refused(site: str | None, origin: str) -> bool:
    """The rule, row by row: the browser saying cross-site is never ours; an Origin
    must be ours or allowed; an opaque one passes only on the browser's word
    same-origin; any other Sec-Fetch-Site than same-origin or none needs our Origin."""
    if site == "cross-site":
        return True
    if origin == "opaque":
        return site != "same-origin"
    if origin in ("same site, not allowed", "foreign"):
        return True
    if origin == "none":
        return site not in (None, "same-origin", "none")
    return False


@pytest.mark.parametrize("operation, method, path", WRITES, ids=[w[0] for w in WRITES])
def test_the_sec_fetch_site_and_origin_matrix_on_every_write(make_app, operation, method, path):
    app = make_app({"FTA_PUBLIC_URL": PUBLIC_URL, "FTA_ALLOWED_ORIGINS": ALLOWED})
    request_id = routed(app)
    history = app.get(request_id, LEAD, LEADS).body["history"]
    for origin_name, origin in ORIGINS.items():
        for site in SITES:
            headers = {**({"Origin": origin} if origin else {}), **({"Sec-Fetch-Site": site} if site else {})}
            answer = app.call(operation, method.upper(), url(path.replace("{docId}", "DOC-AAAAAAAAAAAA"), request_id),
                              body=b"{}", user=LEAD, roles=LEADS, headers=headers,
                              route_params={"id": request_id, "docId": "DOC-AAAAAAAAAAAA"})
            code = answer.body.get("error") if isinstance(answer.body, dict) else None
            if refused(site, origin_name):
                assert (answer.status, code) == (403, "cross-site"), (origin_name, site, answer.body)
                assert app.get(request_id, LEAD, LEADS).body["history"] == history, "a refused call changes nothing"
            else:
                assert code != "cross-site", (origin_name, site, answer.body)
            history = app.get(request_id, LEAD, LEADS).body["history"]


# -- days -----------------------------------------------------------------------------------

DAY_ROUTES = sorted((operation["operationId"], path, tuple(p["name"] for p in operation.get("parameters", [])
                                                         if resolve(DOC, p.get("schema", {})).get("format") == "date"))
                    for path, item in DOC["paths"].items() for method, operation in item.items()
                    if any(resolve(DOC, p.get("schema", {})).get("format") == "date"
                           for p in operation.get("parameters", [])))
ANY_DAY = st.dates(min_value=date.min, max_value=date.max).map(date.isoformat)
DAY_TEXT = st.one_of(ANY_DAY, st.text(max_size=12), st.from_regex(r"\A-?[0-9]{1,6}-[0-9]{2}-[0-9]{2}\Z"))


def test_the_report_routes_declare_their_days_and_bounds():
    assert [(r[0], r[2]) for r in DAY_ROUTES] == [("export_requests", ("from", "to")), ("sla_report", ("from", "to"))]
    for _, path, _ in DAY_ROUTES:
        for parameter in DOC["paths"][path]["get"]["parameters"]:
            if parameter["name"] in ("from", "to"):
                assert (parameter["schema"]["x-minimum"], parameter["schema"]["x-maximum"]) == ("2000-01-01",
                                                                                              "2100-12-31")


@pytest.mark.parametrize("operation, path, names", DAY_ROUTES, ids=[r[0] for r in DAY_ROUTES])
def test_any_day_is_never_a_server_error(make_app, operation, path, names):
    app = make_app()

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({}, optional={name: DAY_TEXT for name in names}))
    def judged(params):
        answer = app.call(operation, "GET", url(path, ""), user=LEAD, roles=LEADS, params=params)
        assert answer.status < 500, (params, answer.body)
        days = {k: v for k, v in params.items()}
        in_range = all(len(v) == 10 and v[:4].isdigit() and "2000-01-01" <= v <= "2100-12-31" for v in days.values())
        if answer.status == 400:
            assert {d["field"] for d in answer.body["details"]} <= set(names), answer.body
        elif not in_range:
            pytest.fail(f"{params} outside the bounds was accepted")

    judged()


@pytest.mark.parametrize("operation", ["sla_report", "export_requests"])
@pytest.mark.parametrize("params, field", [({"to": "0001-01-01"}, "to"), ({"to": "9999-12-31"}, "to"),
                                           ({"from": "1999-12-31"}, "from"), ({"from": "2101-01-01"}, "from")])
def test_the_probes_days_are_400_naming_them(app, operation, params, field):
    path = {"sla_report": "/api/reports/sla", "export_requests": "/api/reports/requests.csv"}[operation]
    answer = app.call(operation, "GET", url(path, ""), user=LEAD, roles=LEADS, params=params)
    assert answer.status == 400 and [d["field"] for d in answer.body["details"]] == [field], answer.body
    edges = app.call(operation, "GET", url(path, ""), user=LEAD, roles=LEADS,
                     params={"from": "2100-12-31", "to": "2100-12-31"})
    assert edges.status == 200


# -- architects of the organisation ------------------------------------------------------------


def _assign(app, request_id: str, architect: str):
    return app.call("assign_request", "POST", url("/api/requests/{id}/assign", request_id),
                    body={"architect": architect}, user=LEAD, roles=LEADS, route_params={"id": request_id})


def test_an_architect_outside_the_organisation_is_400_unknown_architect(app):
    request_id = routed(app)
    for outsider in ("x@evil.example", "ana.alves@contoso.com.evil.example", "ana@sub.contoso.com"):
        answer = _assign(app, request_id, outsider)
        assert answer.status == 400 and answer.body["error"] == "unknown-architect", answer.body
        assert [d["field"] for d in answer.body["details"]] == ["architect"]
    assert app.get(request_id, LEAD, LEADS).body["architect"] is None
    for insider in ("ana.alves@contoso.com", "hiro.sato@contoso.com", "someone.new@contoso.com", "auto"):
        assert _assign(app, request_id, insider).status == 200, insider


def test_the_organisation_is_what_fta_organization_domains_says(make_app):
    app = make_app({"FTA_ORGANIZATION_DOMAINS": "fabrikam.com, Northwind.example"})
    request_id = routed(app)
    assert _assign(app, request_id, "ana.alves@contoso.com").body["error"] == "unknown-architect"
    assert _assign(app, request_id, "pat@fabrikam.com").status == 200
    assert _assign(app, request_id, "lou@northwind.example").status == 200
    auto = _assign(app, request_id, "auto")  # the routing pool, whatever the domains
    assert auto.status == 200 and auto.body["architect"].endswith("@contoso.com")


@pytest.mark.parametrize("value", ["contoso", "contoso.com,evil example", "@contoso.com", "x" * 300 + ".com"])
def test_a_bad_fta_organization_domains_stops_start_up_naming_it(tmp_path, value):
    with pytest.raises(SettingsError) as refused_setting:
        load_settings({"FTA_DATA_DIR": str(tmp_path), "FTA_ORGANIZATION_DOMAINS": value})
    message = str(refused_setting.value)
    assert "FTA_ORGANIZATION_DOMAINS" in message and "\n" not in message

