"""The rules every HTTP call obeys, where the use cases hold them: an
Idempotency-Key bound to its body, the submission limit, the cached public
health status."""

from __future__ import annotations

from dataclasses import replace
import pytest

from shared import bootstrap, topology
from shared.app import health, intake
from shared.app.cached import Cached
from shared.app.commands import SubmitRequest
from shared.app.errors import Forbidden, IdempotencyKeyReused, TooManySubmissions
from shared.app.queries import RequestFilter
from shared.domain.model import RequestForm
from tests.app.conftest import ADMIN_P, LEAD_P, OTHER_P, REQUESTOR_P
from shared.settings import load_settings
from tests.factories import form


def submit(ctx, principal=REQUESTOR_P, key=None, body=None):
    return intake.submit_request(ctx, principal, SubmitRequest(RequestForm.model_validate(body or form()), key))


def stored(ctx) -> int:
    return ctx.requests.count(RequestFilter())


# -- Idempotency-Key ---------------------------------------------------------------------


def test_the_same_key_with_the_same_form_replays_however_the_body_was_spelled(ctx):
    first = submit(ctx, key="k-1", body=form())
    respelled = dict(reversed(list(form().items())))
    again = submit(ctx, key="k-1", body=respelled)
    assert again.replayed and again.request.id == first.request.id and stored(ctx) == 1


def test_the_same_key_with_another_form_is_refused_and_stores_nothing(ctx):
    first = submit(ctx, key="k-1")
    with pytest.raises(IdempotencyKeyReused) as refused:
        submit(ctx, key="k-1", body=form(tpid="999"))
    assert refused.value.code == "idempotency-key-reused"
    assert stored(ctx) == 1 and ctx.requests.get(first.request.id)[0].tpid == "123456"
    assert submit(ctx, OTHER_P, key="k-1", body=form(tpid="999")).request.id != first.request.id, "keys are per user"


def test_a_key_recorded_before_fingerprints_replays_as_before(ctx):
    first = submit(ctx, key="k-old")
    key_id = intake._idempotency_id(REQUESTOR_P, "k-old")
    item = ctx.store.read(topology.IDEMPOTENCY, key_id)
    old = {k: v for k, v in item.doc.items() if k != "bodySha256"}
    ctx.store.replace(topology.IDEMPOTENCY, old, etag=item.etag, ttl_seconds=60)
    assert ctx.idempotency.recorded(key_id).fingerprint is None
    again = submit(ctx, key="k-old", body=form(tpid="999"))
    assert again.replayed and again.request.id == first.request.id


def test_the_fingerprint_is_the_sha256_of_the_canonical_form():
    one = intake.body_fingerprint(RequestForm.model_validate(form()))
    assert len(one) == 64 and int(one, 16) >= 0
    assert one == intake.body_fingerprint(RequestForm.model_validate(dict(reversed(list(form().items())))))
    assert one != intake.body_fingerprint(RequestForm.model_validate(form(totalUsers=5001)))


# -- the submission limit -------------------------------------------------------------------


def limited(ctx, per_hour: int):
    ctx.policy = replace(ctx.policy, submissions_per_hour=per_hour)
    return ctx


def test_past_the_limit_a_submission_is_refused_with_the_seconds_to_wait(ctx, clock):
    limited(ctx, 3)
    for _ in range(3):
        submit(ctx)
    with pytest.raises(TooManySubmissions) as refused:
        submit(ctx)
    assert stored(ctx) == 3
    wait = refused.value.retry_after_seconds
    assert isinstance(wait, int) and 0 < wait <= 2 * 3600
    submit(ctx, OTHER_P)  # another user is not affected
    clock.advance(seconds=wait - 5)
    with pytest.raises(TooManySubmissions):
        submit(ctx)
    clock.advance(seconds=5)
    submit(ctx)
    assert stored(ctx) == 5


def test_a_replayed_submission_is_not_counted_and_a_refused_key_can_be_used_later(ctx, clock):
    limited(ctx, 2)
    first = submit(ctx, key="k-1")
    for _ in range(3):
        assert submit(ctx, key="k-1").request.id == first.request.id
    submit(ctx, key="k-2")
    with pytest.raises(TooManySubmissions) as refused:
        submit(ctx, key="k-3")
    assert ctx.idempotency.recorded(intake._idempotency_id(REQUESTOR_P, "k-3")) is None
    clock.advance(seconds=refused.value.retry_after_seconds)
    assert not submit(ctx, key="k-3").replayed


def test_the_count_is_one_record_per_user_whatever_the_history(ctx, clock):
    limited(ctx, 1000)
    for n in range(30):
        submit(ctx)
        clock.advance(minutes=7)
    records = ctx.store.query(topology.SUBMISSION_COUNTS, limit=50).items
    assert len(records) == 1 and set(records[0]) == {"id", "windowStart", "current", "previous"}
    assert REQUESTOR_P.email not in records[0]["id"]


def test_a_users_next_submission_replaces_the_count_it_wrote_without_reading_it(ctx):
    from bench.counting import CountingStore

    limited(ctx, 100)
    counting = CountingStore(ctx.store)
    ctx.use_store(counting)
    submit(ctx)
    first = len(counting.operations)
    submit(ctx)
    counts = [o.op for o in counting.operations[first:] if o.container == topology.SUBMISSION_COUNTS]
    assert counts == ["replace"]


def test_another_process_counting_in_between_keeps_the_limit_exact(ctx, tmp_path, clock):
    """Two hosts on one store, each remembering what it wrote: the other's writes
    change the ETag, so each replace on a stale memory fails and reads again."""
    other = bootstrap.build(load_settings({"FTA_DATA_DIR": str(tmp_path / "data")}), clock=clock)
    try:
        limited(ctx, 5)
        limited(other, 5)
        for host in (ctx, other, ctx, other, ctx):
            submit(host)
        for host in (other, ctx):  # each remembers a count of 3 or 4, the store holds 5
            with pytest.raises(TooManySubmissions):
                submit(host)
        assert stored(ctx) == 5
    finally:
        other.close()


def test_an_expired_count_is_counted_afresh(ctx, clock):
    limited(ctx, 2)
    submit(ctx)
    submit(ctx)
    clock.advance(hours=3)  # the record expired (two idle windows): the remembered ETag names nothing
    submit(ctx)
    records = ctx.store.query(topology.SUBMISSION_COUNTS, limit=5).items
    assert [r["current"] + r["previous"] for r in records] == [1]


def test_zero_turns_the_limit_off(ctx):
    limited(ctx, 0)
    for _ in range(5):
        submit(ctx)
    assert ctx.store.query(topology.SUBMISSION_COUNTS).items == []


def test_an_ineligible_submission_is_not_counted(ctx):
    limited(ctx, 1)
    with pytest.raises(Exception):
        submit(ctx, body=form(totalUsers=10))
    submit(ctx)


# -- health --------------------------------------------------------------------------------


class Probed:
    """A real back end's health, counted."""

    def __init__(self, part):
        self.part, self.name, self.calls = part, part.name, 0

    def health(self):
        self.calls += 1
        return self.part.health()


def test_the_public_status_probes_store_and_bus_at_most_once_per_30_seconds_and_never_mail(ctx):
    now = [0.0]
    ctx.public_status = Cached(30.0, monotonic=lambda: now[0])
    probes = {name: Probed(part) for name, part in ctx.components.items()}
    ctx.components.update(probes)
    assert [health.public_status(ctx) for _ in range(10)] == ["ok"] * 10
    assert {n: p.calls for n, p in probes.items()} == {"store": 1, "bus": 1, "email": 0, "documents": 0}
    now[0] = 29.9
    health.public_status(ctx)
    assert probes["store"].calls == 1
    now[0] = 30.0
    health.public_status(ctx)
    assert (probes["store"].calls, probes["bus"].calls, probes["email"].calls) == (2, 2, 0)


def test_the_public_status_is_degraded_when_the_store_fails(ctx):
    ctx.store.close()
    assert health.public_status(ctx) == "degraded"


def test_the_details_are_for_admins_only(ctx):
    for who in (REQUESTOR_P, LEAD_P):
        with pytest.raises(Forbidden):
            health.health_details(ctx, who)
    report = health.health_details(ctx, ADMIN_P)
    assert set(report) == {"status", "components", "operations"} and report["components"]["email"]["ok"] is True
