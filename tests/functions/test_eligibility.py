"""POST /api/eligibility through its function, beside intake's: the same
verdict on generated forms, partial forms judged rule by rule, nothing stored
or published, the open-request notice by who asks, and the bodies it refuses."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.counting import QUERY, CountingStore
from shared import topology
from shared.app import handlers
from tests.factories import ADMIN, LEAD, OTHER, REQUESTOR, form
from tests.functions.test_openapi import check_answer
from tests.harness import App

LEAD_ROLES = ("FTA.Lead",)
URL = "http://localhost/api/eligibility"
OMIT = object()


def check(app: App, body, user: str = REQUESTOR, roles: tuple[str, ...] = ()):
    return app.call("check_eligibility", "POST", URL, body=body, user=user, roles=roles)


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    # Many generated submissions by one user: the per-user limit is raised, not switched off.
    application = App(tmp_path_factory.mktemp("eligibility") / "data", {"FTA_SUBMISSIONS_PER_HOUR": "100000"})
    yield application
    application.close()


# -- the eligibility function and intake agree ----------------------------------------------

MIGRATION = {"mailboxCount": 800, "sourceEnvironment": "Exchange 2013", "justification": "Legacy archive"}
ENTITLEMENTS = st.lists(st.sampled_from(["microsoft-365", "office-365", "ems"]), unique=True, min_size=1, max_size=3)
# Each field: (eligible values; valid values that break a rule; invalid values, or OMIT).
FIELDS: dict[str, tuple[st.SearchStrategy, list, list]] = {
    "tpid": (st.sampled_from(["123456", "42", "999999999999"]), [], ["12ab", "", OMIT]),
    "tenant": (st.just("contoso.onmicrosoft.com"), [], ["not a tenant", OMIT]),
    "totalUsers": (st.sampled_from([150, 151, 5000]) | st.integers(150, 10_000_000), [1, 49, 50, 51, 149],
                   [0, "many", OMIT]),
    "segment": (st.sampled_from(["enterprise", "smc-c"]), ["smb", "other"], ["government", OMIT]),
    "entitlements": (ENTITLEMENTS, [[]], [["nope"], ["ems", "ems"], OMIT]),
    "salesStagePercent": (st.integers(40, 100), [0, 20, 39], [101, "half", OMIT]),
    "compellingEvent": (st.sampled_from(["Signed E5 commitment", "E3 renewal"]), ["", "   "], ["two\nlines", OMIT]),
    "region": (st.sampled_from(["emea", "americas", "asia-pacific"]), [], ["mars", OMIT]),
    "cloud": (st.sampled_from([OMIT, "commercial", "gcc", "gcc-high", "dod"]), [], ["azure-china"]),
    "trial": (st.sampled_from([OMIT, False]), [True], ["perhaps"]),
    "customerName": (st.sampled_from([OMIT, "Contoso", None]), [], [""]),
    "colour": (st.just(OMIT), [], ["red"]),
}
TYPE_DETAILS = st.one_of(
    st.just({"requestType": "non-ecif"}),
    st.sampled_from([20_000, 49_999, 50_000, 120_000]).map(
        lambda usd: {"requestType": "sow-ecif", "fundingAmountUsd": usd}),
    st.just({"requestType": "migration-exception", "migration": MIGRATION}),
)
BROKEN_DETAILS = [{"requestType": "sow-ecif"}, {"requestType": "sow-ecif", "fundingAmountUsd": -5},
                  {"requestType": "migration-exception", "migration": {"mailboxCount": 0}}, {"requestType": "urgent"}]


@st.composite
def generated_forms(draw) -> dict:
    """An eligible form, then a few rules broken and a few fields made invalid or left out (often none)."""
    body = {name: draw(eligible) for name, (eligible, _, _) in FIELDS.items()}
    body.update(draw(TYPE_DETAILS))
    for name in draw(st.lists(st.sampled_from([n for n, f in FIELDS.items() if f[1]]), max_size=3, unique=True)):
        body[name] = draw(st.sampled_from(FIELDS[name][1]))
    for name in draw(st.lists(st.sampled_from([*FIELDS, "requestType"]), max_size=2, unique=True)):
        if name == "requestType":
            body = {k: v for k, v in body.items() if k not in ("fundingAmountUsd", "migration")}
            body.update(draw(st.sampled_from(BROKEN_DETAILS)))
        else:
            body[name] = draw(st.sampled_from(FIELDS[name][2]))
    return {name: value for name, value in body.items() if value is not OMIT}


def _codes(reasons: list[dict]) -> list[tuple[str, str]]:
    return sorted((r["code"], r["field"]) for r in reasons)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=generated_forms())
def test_eligible_exactly_when_intake_accepts_and_the_same_reasons_when_it_refuses(shared_app, body):
    verdict = check(shared_app, body)
    assert verdict.status == 200, verdict.body
    intake = shared_app.submit(body, REQUESTOR)
    assert intake.status in (201, 400, 422), intake.body
    assert verdict.body["eligible"] is (intake.status == 201), (body, verdict.body, intake.body)
    if intake.status == 422:
        assert _codes(verdict.body["reasons"]) == _codes(intake.body["reasons"])
        assert verdict.body["fieldErrors"] == []
    elif intake.status == 400:
        named = {d["field"] for d in intake.body["details"]}
        assert {e["field"] for e in verdict.body["fieldErrors"]} <= named, (verdict.body, intake.body)
    else:
        assert verdict.body["reasons"] == [] and verdict.body["fieldErrors"] == []


# -- partial forms, rule by rule --------------------------------------------------------------


def test_a_partial_form_gets_the_reasons_of_the_rules_its_fields_allow(app):
    answer = check(app, {"salesStagePercent": 20})
    assert answer.status == 200
    assert answer.body["eligible"] is False and answer.body["fieldErrors"] == []
    assert [(r["code"], r["field"]) for r in answer.body["reasons"]] == [("sales-stage-too-early", "salesStagePercent")]

    more = check(app, {"salesStagePercent": 40, "totalUsers": 49, "cloud": "gcc", "trial": True})
    assert [(r["code"], r["field"]) for r in more.body["reasons"]] == [("too-few-users", "totalUsers"),
                                                                       ("trial-tenant", "trial")]
    assert check(app, {"totalUsers": 50, "cloud": "gcc"}).body["reasons"] == []
    assert [r["code"] for r in check(app, {"totalUsers": 149}).body["reasons"]] == ["too-few-users"]
    assert check(app, {"totalUsers": 150}).body["reasons"] == []
    assert check(app, {}).body == {"eligible": False, "reasons": [], "fieldErrors": [], "notices": []}


def test_invalid_fields_are_answered_in_field_errors_not_refused(app):
    answer = check(app, {"salesStagePercent": "twenty", "tenant": "not a tenant", "totalUsers": 20, "extra": 1,
                         "requestor": {"email": LEAD}})
    assert answer.status == 200
    errors = {e["field"]: e for e in answer.body["fieldErrors"]}
    assert set(errors) == {"salesStagePercent", "tenant", "extra", "requestor"}
    assert all(e["message"] and e["type"] for e in errors.values())
    assert [r["code"] for r in answer.body["reasons"]] == ["too-few-users"]
    assert answer.body["eligible"] is False


@pytest.mark.parametrize("raw", [b"[]", b'"form"', b"42", b"null", b"{nope", b"", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_400(app, raw):
    answer = check(app, raw)
    assert answer.status == 400 and answer.body["error"] == "invalid-request"


def test_a_body_over_64_kib_is_413_and_no_principal_is_401(app):
    assert check(app, b'{"instructions": "' + b"x" * 70_000 + b'"}').status == 413
    assert check(app, form(), user=None).status == 401


def test_answers_match_the_openapi_document(app):
    document = app.call("openapi_document", "GET", "http://localhost/api/openapi.json").body
    app.submit(form(), REQUESTOR)
    for body, user in ((form(), REQUESTOR), (form(), OTHER), ({"salesStagePercent": "x", "tpid": "123456"}, LEAD),
                       (form(requestType="sow-ecif", fundingAmountUsd=1000), REQUESTOR), (b"[]", REQUESTOR),
                       (form(), None)):
        check_answer(document, "/api/eligibility", "post", check(app, body, user))


# -- cheap, and nothing stored or published --------------------------------------------------


def stored_and_queued(app: App) -> dict[str, int]:
    counts = {container.name: app.ctx.store.count(container.name) for container in topology.CONTAINERS}
    for subscription in handlers.subscriptions(app.ctx.routing.group_ids):
        for state, n in app.ctx.bus.depth(subscription.name).items():
            counts[f"{subscription.name}:{state}"] = n
    return counts


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(bodies=st.lists(generated_forms(), min_size=1, max_size=8))
def test_no_number_of_checks_stores_or_publishes_anything(shared_app, bodies):
    before = stored_and_queued(shared_app)
    for body in bodies:
        assert check(shared_app, body, user=OTHER).status == 200
    assert stored_and_queued(shared_app) == before


def test_a_check_costs_one_query_with_a_tpid_and_none_without(app):
    app.submit(form(), REQUESTOR)
    counting = CountingStore(app.ctx.store)
    app.ctx.use_store(counting)
    for _ in range(5):
        check(app, form())
        check(app, {"salesStagePercent": 60, "totalUsers": 500})
    assert [op.op for op in counting.operations] == [QUERY] * 5
    assert {op.container for op in counting.operations} == {topology.REQUESTS}
    assert app.ctx.store.inner.count(topology.REQUESTS) == 1


# -- an open request for the same TPID -----------------------------------------------------------


def tpid_notice(app: App, tpid: str, user: str, roles: tuple[str, ...] = ()) -> dict | None:
    answer = check(app, form(tpid=tpid), user, roles)
    assert answer.status == 200 and answer.body["eligible"] is True, "a notice never refuses"
    found = [n for n in answer.body["notices"] if n["code"] == "open-request-for-tpid"]
    assert len(found) <= 1
    return found[0] if found else None


def test_the_open_request_notice_names_the_request_only_to_whoever_may_read_it(app):
    request_id = app.submit(form(tpid="777001"), REQUESTOR).body["id"]
    app.pump()

    owner = tpid_notice(app, "777001", REQUESTOR)
    assert owner["field"] == "tpid" and owner["requestIds"] == [request_id] and request_id in owner["message"]
    for lead, roles in ((LEAD, LEAD_ROLES), (ADMIN, ("FTA.Admin",))):
        assert tpid_notice(app, "777001", lead, roles)["requestIds"] == [request_id]
    other = tpid_notice(app, "777001", OTHER)
    assert other["requestIds"] == [] and request_id not in other["message"]
    assert "another account team" in other["message"]

    assert tpid_notice(app, "777002", REQUESTOR) is None, "another TPID has no open request"


def test_only_open_requests_count_and_the_readable_are_named_beside_the_others(app):
    cancelled = app.submit(form(tpid="777003"), REQUESTOR).body["id"]
    app.pump()
    assert app.act("cancel", cancelled, REQUESTOR).status == 200
    assert tpid_notice(app, "777003", REQUESTOR) is None, "a closed request is no open request"

    mine = app.submit(form(tpid="777003"), REQUESTOR).body["id"]
    theirs = app.submit(form(tpid="777003"), OTHER).body["id"]
    app.pump()
    notice = tpid_notice(app, "777003", REQUESTOR)
    assert notice["requestIds"] == [mine] and theirs not in notice["message"]
    assert "1 from other account teams" in notice["message"]
    assert sorted(tpid_notice(app, "777003", LEAD, LEAD_ROLES)["requestIds"]) == sorted([mine, theirs])


def test_a_small_ecif_amount_is_noticed_and_still_eligible(app):
    answer = check(app, form(requestType="sow-ecif", fundingAmountUsd=20_000, tpid="777010"))
    assert answer.body["eligible"] is True
    assert [(n["code"], n["field"]) for n in answer.body["notices"]] == [("below-review-threshold", "fundingAmountUsd")]
    assert check(app, form(requestType="sow-ecif", fundingAmountUsd=50_000, tpid="777010")).body["notices"] == []
