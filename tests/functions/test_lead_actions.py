import pytest

from shared.domain.balancer import choose_architect
from tests.factories import ADMIN, LEAD, OTHER, REQUESTOR, form

LEAD_ROLES = ("FTA.Lead",)
ADMIN_ROLES = ("FTA.Admin",)


def routed(app, **overrides) -> str:
    request_id = app.submit(form(**overrides), REQUESTOR).body["id"]
    app.pump()
    return request_id


def test_a_lead_assigns_an_architect_and_both_are_told(app):
    request_id = routed(app)
    answer = app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "Eva.Novak@contoso.com"})
    assert answer.status == 200, answer.body
    assert answer.body["status"] == "assigned" and answer.body["architect"] == "eva.novak@contoso.com"
    app.pump()
    assigned_mail = sorted(m["To"] for m in app.outbox() if m["X-FTA-Event"] == "request.assigned")
    assert assigned_mail == ["alex@contoso.com", "eva.novak@contoso.com"]


def test_auto_assignment_balances_over_the_groups_pool(app):
    ids = [routed(app, region="emea") for _ in range(3)]
    chosen = [app.act("assign", i, LEAD, LEAD_ROLES, {"architect": "auto"}).body["architect"] for i in ids]
    assert chosen == ["eva.novak@contoso.com", "farid.haddad@contoso.com", "eva.novak@contoso.com"]
    app.act("complete", ids[0], LEAD, LEAD_ROLES)
    fourth = routed(app, region="emea")
    # Eva has 1 open (2 ever), Farid 1 open (1 ever): Farid, who has carried less.
    assert app.act("assign", fourth, LEAD, LEAD_ROLES, {"architect": "auto"}).body["architect"] == "farid.haddad@contoso.com"


def test_auto_reassignment_never_picks_the_current_architect(app):
    request_id = routed(app, region="emea")
    first = app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "auto"}).body["architect"]
    again = app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "auto"})
    assert again.status == 200 and again.body["architect"] not in (first, None)
    assert again.body["history"][-1]["data"]["previousArchitect"] == first


def test_the_balancer_prefers_fewest_open_then_fewest_ever_then_pool_order():
    pool = ["a@x.com", "b@x.com", "c@x.com"]
    assert choose_architect(pool, {}, {}) == "a@x.com"
    assert choose_architect(pool, {"a@x.com": 1}, {"a@x.com": 1}) == "b@x.com"
    assert choose_architect(pool, {"a@x.com": 1, "b@x.com": 1}, {"a@x.com": 3, "b@x.com": 1}) == "c@x.com"
    assert choose_architect(pool, {"a@x.com": 1, "b@x.com": 1, "c@x.com": 1}, {"a@x.com": 3, "b@x.com": 1, "c@x.com": 2}) == "b@x.com"


def test_state_rules(app):
    request_id = app.submit(form(), REQUESTOR).body["id"]
    assert app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"}).status == 409, "not routed yet"
    app.pump()
    assert app.act("complete", request_id, LEAD, LEAD_ROLES).status == 409, "nobody assigned yet"
    assert app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"}).status == 200
    assert app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"}).status == 409
    assert app.act("complete", request_id, ADMIN, ADMIN_ROLES).status == 200
    assert app.act("cancel", request_id, REQUESTOR).status == 409
    assert app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "x@contoso.com"}).status == 409


def test_owner_cancels_with_a_reason(app):
    request_id = routed(app)
    answer = app.act("cancel", request_id, REQUESTOR, body={"reason": "customer postponed"})
    assert answer.status == 200 and answer.body["status"] == "cancelled"
    assert answer.body["history"][-1]["data"] == {"reason": "customer postponed"}
    app.pump()
    assert [m["To"] for m in app.outbox() if m["X-FTA-Event"] == "request.cancelled"] == ["alex@contoso.com"]


@pytest.mark.parametrize("body", [{"architect": ""}, {"architect": "not-an-email"}, {"architect": 5}, {}, {"architect": "a@b.com", "x": 1}])
def test_bad_assign_bodies_are_400(app, body):
    request_id = routed(app)
    assert app.act("assign", request_id, LEAD, LEAD_ROLES, body).status == 400


def test_stale_if_match_is_412_and_current_one_works(app):
    request_id = routed(app)
    etag = app.get(request_id, LEAD, LEAD_ROLES).headers["ETag"]
    app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"}, headers={"If-Match": etag})
    stale = app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "farid@contoso.com"}, headers={"If-Match": etag})
    assert stale.status == 412
    current = app.get(request_id, LEAD, LEAD_ROLES).headers["ETag"]
    assert app.act("complete", request_id, LEAD, LEAD_ROLES, headers={"If-Match": current}).status == 200


# route x caller -> status
MATRIX = [
    # (action, caller, roles, expected)
    ("assign", REQUESTOR, (), 403), ("assign", OTHER, (), 404), ("assign", LEAD, LEAD_ROLES, 200), ("assign", ADMIN, ADMIN_ROLES, 200), ("assign", None, (), 401),
    ("cancel", REQUESTOR, (), 200), ("cancel", OTHER, (), 404), ("cancel", LEAD, LEAD_ROLES, 200), ("cancel", ADMIN, ADMIN_ROLES, 200), ("cancel", None, (), 401),
    ("get", REQUESTOR, (), 200), ("get", OTHER, (), 404), ("get", LEAD, LEAD_ROLES, 200), ("get", ADMIN, ADMIN_ROLES, 200), ("get", None, (), 401),
]


@pytest.mark.parametrize("action, caller, roles, expected", MATRIX)
def test_access_rules(app, action, caller, roles, expected):
    request_id = routed(app)
    if action == "get":
        answer = app.get(request_id, caller, roles)
    else:
        answer = app.act(action, request_id, caller, roles, {"architect": "eva@contoso.com"} if action == "assign" else None)
    assert answer.status == expected, answer.body


@pytest.mark.parametrize("caller, roles, expected", [(REQUESTOR, (), 403), (OTHER, (), 404), (LEAD, LEAD_ROLES, 200), (None, (), 401)])
def test_complete_access(app, caller, roles, expected):
    request_id = routed(app)
    app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"})
    assert app.act("complete", request_id, caller, roles).status == expected


def test_a_leads_queue_shows_waiting_requests_first_oldest_first_with_counts(app):
    ids = []
    for _ in range(5):
        ids.append(routed(app, region="emea"))
        app.clock.advance(minutes=1)
    app.act("assign", ids[1], LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"})
    app.act("assign", ids[3], LEAD, LEAD_ROLES, {"architect": "eva@contoso.com"})
    closed = routed(app, region="emea")
    app.act("cancel", closed, REQUESTOR)
    seen, token = [], None
    while True:
        params = {"view": "queue", "leadGroup": "emea-leads", "limit": "2", "counts": "true"}
        if token:
            params["continuationToken"] = token
        page = app.list(LEAD, LEAD_ROLES, **params).body
        seen += [(i["id"], i["status"]) for i in page["items"]]
        assert page["counts"] == {"submitted": 0, "routed": 3, "needs-info": 0, "assigned": 2, "completed": 0,
                                  "declined": 0, "cancelled": 1}
        token = page["continuationToken"]
        if not token:
            break
    assert seen == [(ids[0], "routed"), (ids[2], "routed"), (ids[4], "routed"), (ids[3], "assigned"), (ids[1], "assigned"),
                    (closed, "cancelled")]


@pytest.mark.parametrize("params", [{"continuationToken": "garbage"}, {"view": "queue", "continuationToken": "e30="},
                                    {"view": "sideways"}, {"view": "queue", "status": "routed"}])
def test_bad_list_parameters_are_400_not_500(app, params):
    answer = app.list(LEAD, LEAD_ROLES, **params)
    assert answer.status == 400, answer.body


def test_a_request_the_caller_cannot_see_is_404_whatever_else_is_wrong(app):
    request_id = routed(app)
    stale = {"If-Match": '"stale"'}
    assert app.act("cancel", request_id, OTHER, body={"reason": "a\nb"}, headers=stale).status == 404
    assert app.act("complete", request_id, OTHER, headers=stale).status == 404
    assert app.act("cancel", request_id, REQUESTOR, body={"reason": "a\nb"}, headers=stale).status == 400
    assert app.act("cancel", request_id, REQUESTOR, headers=stale).status == 412
    assert app.act("complete", "../x", LEAD, LEAD_ROLES).status == 404


def reopen(app, request_id, reason="Revised SOW v3 from the partner", user=LEAD, roles=LEAD_ROLES):
    return app.act("reopen", request_id, user, roles, {"reason": reason})


def test_a_completed_request_reopens_for_a_second_review_with_the_sla_anew_and_its_outcome_kept(app):
    request_id = routed(app, region="emea")
    app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "eva.novak@contoso.com"})
    app.act("complete", request_id, LEAD, LEAD_ROLES, {"outcome": {"notes": "Scope fits."}})
    app.pump()
    app.clock.advance(days=7)
    answer = reopen(app, request_id)
    assert answer.status == 200, answer.body
    view = answer.body
    assert view["status"] == "routed" and view["architect"] is None and view["outcome"] is None
    assert view["dueAt"] == "2026-12-03T10:00:00.000000Z" and view["dueState"] == "on-time"
    completed = next(e for e in view["history"] if e["type"] == "request.completed")
    assert completed["data"]["outcome"]["notes"] == "Scope fits.", "the earlier outcome stays in the history"
    reopened = view["history"][-1]
    assert reopened["type"] == "request.reopened" and reopened["data"] == {
        "reason": "Revised SOW v3 from the partner", "previousStatus": "completed", "leadGroup": "emea-leads"}
    app.pump()
    mails = sorted(m["To"] for m in app.outbox() if m["X-FTA-Event"] == "request.reopened")
    assert mails == ["alex@contoso.com", "emea-leads@contoso.com"]
    assert app.act("assign", request_id, LEAD, LEAD_ROLES, {"architect": "auto"}).status == 200


def test_reopen_is_for_leads_on_closed_reviews_only_and_needs_a_reason(app):
    request_id = routed(app)
    assert reopen(app, request_id).status == 409, "an open request"
    app.act("decline", request_id, LEAD, LEAD_ROLES, {"reason": "out-of-scope"})
    assert reopen(app, request_id, user=REQUESTOR, roles=()).status == 403
    assert reopen(app, request_id, reason="").status == 400
    assert reopen(app, request_id, reason="a\u202eb").status == 400
    assert reopen(app, request_id).body["status"] == "routed"
    cancelled = routed(app)
    app.act("cancel", cancelled, REQUESTOR)
    assert reopen(app, cancelled).status == 409, "a cancelled request is not a review to repeat"


def test_racing_reopens_have_one_winner(app):
    request_id = routed(app)
    app.act("decline", request_id, LEAD, LEAD_ROLES, {"reason": "out-of-scope"})
    etag = app.get(request_id, LEAD, LEAD_ROLES).headers["ETag"]
    first = app.act("reopen", request_id, LEAD, LEAD_ROLES, {"reason": "New plan"}, headers={"If-Match": etag})
    second = app.act("reopen", request_id, ADMIN, ADMIN_ROLES, {"reason": "New plan"}, headers={"If-Match": etag})
    assert (first.status, second.status) == (200, 412)
    history = app.get(request_id, LEAD, LEAD_ROLES).body["history"]
    assert [e["type"] for e in history].count("request.reopened") == 1
