"""Properties of the domain and of intake, checked on generated inputs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.eligibility import EligibilityPolicy, check_eligibility
from shared.domain.calendar import BusinessCalendar
from shared.domain.sla import Sla
from shared.domain.model import (
    CLOSED_STATUSES, DomainError, FtaRequest, Person, RequestForm, RequestType, Segment,
)
from shared.domain.routing import Routing
from tests.factories import REQUESTOR, form, migration_form, sow_form
from tests.harness import App

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REGIONS = ["americas", "emea", "asia-pacific"]


# -- eligibility is monotone in the sales stage and the number of users ------------------

forms = st.builds(
    lambda segment, entitlements, stage, users, event: RequestForm.model_validate(form(
        segment=segment, entitlements=entitlements, salesStagePercent=stage, totalUsers=users, compellingEvent=event,
    )),
    st.sampled_from([s.value for s in Segment]),
    st.lists(st.sampled_from(["microsoft-365", "office-365", "ems"]), unique=True, max_size=3),
    st.integers(0, 100),
    st.integers(1, 10_000_000),
    st.sampled_from(["", "   ", "Signed E5 commitment"]),
)
policies = st.builds(
    lambda segments, stage, users: EligibilityPolicy(frozenset(segments), stage, users),
    st.sets(st.sampled_from(list(Segment)), min_size=1),
    st.integers(0, 100),
    st.integers(1, 100_000),
)


@BOUNDED
@given(forms, policies, st.integers(0, 100), st.integers(0, 10_000_000))
def test_raising_the_sales_stage_or_users_never_makes_a_request_ineligible(request_form, policy, more_stage, more_users):
    before = check_eligibility(request_form, policy)
    raised = request_form.model_copy(update={
        "sales_stage_percent": min(100, request_form.sales_stage_percent + more_stage),
        "total_users": min(10_000_000, request_form.total_users + more_users),
    })
    after = check_eligibility(raised, policy)
    assert {r.code for r in after.reasons} <= {r.code for r in before.reasons}
    if before.eligible:
        assert after.eligible


# -- transitions never leave a closed state -------------------------------------------------

ARCHITECTS = ["ana@contoso.com", "ben@contoso.com", "carla@contoso.com"]
actions = st.lists(st.one_of(
    st.tuples(st.just("route"), st.sampled_from(["emea-leads", "fta-alignment"])),
    st.tuples(st.just("assign"), st.sampled_from(ARCHITECTS)),
    st.tuples(st.just("cancel"), st.sampled_from([None, "customer withdrew"])),
    st.tuples(st.just("complete"), st.none()),
    st.tuples(st.just("remind"), st.none()),
    st.tuples(st.just("escalate"), st.none()),
), max_size=25)


def apply(request: FtaRequest, action: str, argument, now: datetime):
    match action:
        case "route":
            return request.route(argument, now, Sla(BusinessCalendar()))
        case "assign":
            return request.assign(argument, "lee@contoso.com", now)
        case "cancel":
            return request.cancel("lee@contoso.com", now, argument)
        case "complete":
            return request.complete("lee@contoso.com", now)
        case "remind":
            return request.remind(now, now + timedelta(hours=16), "emea-leads")
        case "escalate":
            return request.escalate(now, "fta-alignment")


@BOUNDED
@given(actions)
def test_random_action_sequences_keep_closed_closed_and_history_append_only(sequence):
    request = FtaRequest.submit(RequestForm.model_validate(form()), Person(email=REQUESTOR), NOW)
    closed_as = None
    for step, (action, argument) in enumerate(sequence, start=1):
        before = request.model_copy(deep=True)
        try:
            apply(request, action, argument, NOW + timedelta(minutes=step))
        except DomainError:
            assert request == before, f"a refused {action} changed the request"
        assert request.history[:len(before.history)] == before.history, "events are only appended"
        assert len(request.history) - len(before.history) in (0, 1)
        assert [e.id for e in request.history] == [f"{request.id}.{n}" for n in range(1, len(request.history) + 1)]
        if closed_as is not None:
            assert request.status is closed_as, f"{action} moved a {closed_as.value} request"
            assert request.history == before.history
        elif request.status in CLOSED_STATUSES:
            closed_as = request.status


# -- intake: any body gets a 4xx or a 201, never an uncaught exception --------------------

json_scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)
FIELDS = list(form()) + ["fundingAmountUsd", "migration", "requestor", "status", "id", "history"]
field_names = st.sampled_from(FIELDS) | st.text(max_size=15)
lone_surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)
valid_bodies = st.sampled_from([form(), sow_form(), migration_form(), form(region="americas")])


@st.composite
def mutated_bodies(draw) -> dict:
    body = json.loads(json.dumps(draw(valid_bodies)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "replace", "add", "surrogate", "nest", "migration"]))
        key = draw(st.sampled_from(sorted(body))) if body else "tpid"
        if kind == "drop":
            body.pop(key, None)
        elif kind == "replace":
            body[key] = draw(json_values)
        elif kind == "add":
            body[draw(field_names)] = draw(json_values)
        elif kind == "surrogate":
            body[key] = f"{body.get(key)}{draw(lone_surrogates)}"
        elif kind == "nest":
            depth = draw(st.integers(1, 40))
            body[key] = json.loads("[" * depth + "]" * depth)
        else:
            body["migration"] = draw(st.dictionaries(
                st.sampled_from(["mailboxCount", "sourceEnvironment", "justification", "other"]), json_values, max_size=4))
    return body


random_objects = st.dictionaries(field_names, json_values, max_size=8)
keys = st.none() | st.text(st.characters(blacklist_categories=("Cs",)), max_size=210)


@pytest.fixture(scope="module")
def intake(tmp_path_factory):
    application = App(tmp_path_factory.mktemp("properties") / "data")
    yield application
    application.close()




def submitted_status(app: App, body: bytes, key) -> int:
    answer = app.submit(body, user=REQUESTOR, headers={"Idempotency-Key": key} if key is not None else None)
    if answer.status != 201:
        assert 400 <= answer.status < 500, (answer.status, answer.body)
        assert answer.body["message"]
        return answer.status
    assert answer.body["requestor"]["email"] == REQUESTOR
    return 201


@BOUNDED
@given(body=st.one_of(random_objects, mutated_bodies()), key=keys)
def test_any_json_body_gets_a_client_error_or_201(intake, body, key):
    status = submitted_status(intake, json.dumps(body).encode(), key)
    assert status in (201, 400, 413, 422)
    if "requestor" in body:
        assert status == 400, "a requestor in the body is refused"


@BOUNDED
@given(raw=st.one_of(
    st.binary(max_size=300),
    st.builds(lambda v: json.dumps(v).encode(), json_values),
    st.builds(lambda body, cut: json.dumps(body).encode()[:cut], mutated_bodies(), st.integers(0, 400)),
))
def test_any_bytes_through_the_function_get_a_json_client_error_or_201(intake, raw):
    answer = intake.submit(raw, REQUESTOR)
    assert answer.status in (201, 400, 413, 422), answer
    if answer.status != 201:
        assert set(answer.body) >= {"error", "message", "details"}


# -- routing: whatever the order of the rules, the first match wins ---------------------

GROUPS = ["g0", "g1", "g2", "g3"]
whens = st.fixed_dictionaries({}, optional={
    "requestType": st.lists(st.sampled_from([t.value for t in RequestType]), min_size=1, max_size=3, unique=True),
    "region": st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True),
    "segment": st.lists(st.sampled_from([s.value for s in Segment]), min_size=1, max_size=4, unique=True),
    "totalUsers": st.fixed_dictionaries({}, optional={"min": st.integers(0, 20_000), "max": st.integers(0, 20_000)}),
})
rules = st.lists(st.fixed_dictionaries({"when": whens, "leadGroup": st.sampled_from(GROUPS)}), max_size=8)
routed_forms = st.builds(
    lambda request_type, region, segment, users: form(requestType=request_type, region=region, segment=segment,
                                                      totalUsers=users, fundingAmountUsd=60000,
                                                      migration={"mailboxCount": 5, "sourceEnvironment": "Notes",
                                                                 "justification": "x"}),
    st.sampled_from([t.value for t in RequestType]), st.sampled_from(REGIONS),
    st.sampled_from([s.value for s in Segment]), st.integers(1, 20_000),
)


def matches(when: dict, body: dict) -> bool:
    """The rule language, written out independently of shared.domain.routing."""
    users = when.get("totalUsers", {})
    return (
        body["requestType"] in when.get("requestType", [body["requestType"]])
        and body["region"] in when.get("region", [body["region"]])
        and body["segment"] in when.get("segment", [body["segment"]])
        and users.get("min", body["totalUsers"]) <= body["totalUsers"] <= users.get("max", body["totalUsers"])
    )


@BOUNDED
@given(rules, st.randoms(use_true_random=False), routed_forms, st.sampled_from(GROUPS))
def test_the_first_matching_rule_wins_in_any_order(rule_list, rng, body, default):
    shuffled = list(rule_list)
    rng.shuffle(shuffled)
    routing = Routing.model_validate({
        "regions": REGIONS,
        "leadGroups": [{"id": g, "name": g.upper(), "members": [f"{g}@contoso.com"]} for g in GROUPS],
        "rules": shuffled,
        "default": default,
        "escalateTo": default,
    })
    expected = next((r["leadGroup"] for r in shuffled if matches(r["when"], body)), default)
    assert routing.pick_lead_group(RequestForm.model_validate(body)).id == expected
