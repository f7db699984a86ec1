import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared import topology
from shared.app import handlers
from shared.app.ports import OutgoingMessage, PublishError, Publisher
from shared.adapters.bus.local import LocalBus, MessageLockLost, UnknownSubscription

REPO = Path(__file__).resolve().parents[2]
SUBSCRIPTIONS = handlers.subscriptions(["emea-leads", "fta-alignment"])


class ManualClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def event(
    message_id: str,
    subject: str = "request.submitted",
    *,
    lead_group: str = "",
    region: str = "emea",
    scheduled: datetime | None = None,
    request_id: str = "req-1",
) -> OutgoingMessage:
    properties = {"eventType": subject, "region": region}
    if lead_group:
        properties["leadGroup"] = lead_group
    return OutgoingMessage(
        body=json.dumps({"id": message_id, "type": subject}).encode(),
        message_id=message_id,
        subject=subject,
        correlation_id=request_id,
        application_properties=properties,
        scheduled_enqueue_time=scheduled,
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def bus(tmp_path, clock):
    bus = LocalBus(tmp_path / "bus.db", SUBSCRIPTIONS, clock=clock)
    yield bus
    bus.close()


def ids(messages) -> list[str]:
    return [m.message_id for m in messages]


def test_is_a_publisher_named_local(bus):
    assert isinstance(bus, Publisher)
    assert bus.name == "local"
    assert bus.subscription_names() == ["route-to-leads", "notify", "teams", "reporting", "leads-emea-leads",
                                      "leads-fta-alignment"]


def test_fans_out_by_subject_and_application_properties(bus):
    bus.publish(
        [
            event("e-submitted"),
            event("e-routed-emea", "request.routed", lead_group="emea-leads"),
            event("e-routed-fta", "request.routed", lead_group="fta-alignment"),
            event("e-assigned-emea", "request.assigned", lead_group="emea-leads"),
        ]
    )
    assert ids(bus.peek("route-to-leads")) == ["e-submitted"]
    assert ids(bus.peek("notify")) == ["e-submitted", "e-routed-emea", "e-routed-fta", "e-assigned-emea"]
    assert ids(bus.peek("leads-emea-leads")) == ["e-routed-emea"]
    assert ids(bus.peek("leads-fta-alignment")) == ["e-routed-fta"]


def test_received_message_carries_everything_that_was_published(bus, clock):
    bus.publish([event("e1", "request.routed", lead_group="emea-leads", request_id="req-42")])
    [message] = bus.receive("leads-emea-leads")
    assert json.loads(message.body) == {"id": "e1", "type": "request.routed"}
    assert message.message_id == "e1"
    assert message.subject == "request.routed"
    assert message.correlation_id == "req-42"
    assert message.content_type == "application/json"
    assert message.application_properties == {
        "eventType": "request.routed",
        "leadGroup": "emea-leads",
        "region": "emea",
    }
    assert message.delivery_count == 1
    assert message.enqueued_time == clock.now
    assert message.locked_until == clock.now + timedelta(seconds=topology.LOCK_DURATION_SECONDS)
    assert message.lock_token
    assert message.subscription == "leads-emea-leads"
    assert message.scheduled_enqueue_time is None
    assert message.dead_letter_reason is None


def test_receives_in_publish_order_and_locked_messages_are_not_handed_out_twice(bus):
    bus.publish([event(f"e{n}") for n in range(5)])
    first = bus.receive("route-to-leads", max_messages=3)
    second = bus.receive("route-to-leads", max_messages=3)
    assert ids(first) == ["e0", "e1", "e2"]
    assert ids(second) == ["e3", "e4"]
    assert bus.receive("route-to-leads") == []
    assert [m.sequence_number for m in first + second] == sorted(m.sequence_number for m in first + second)


def test_abandoned_message_is_redelivered_at_once_with_its_delivery_count(bus):
    bus.publish([event("e1")])
    [first] = bus.receive("route-to-leads")
    bus.abandon(first)
    [again] = bus.receive("route-to-leads")
    assert again.message_id == "e1"
    assert again.delivery_count == 2
    assert again.lock_token != first.lock_token


def test_expired_lock_makes_the_message_receivable_and_the_old_lock_useless(bus, clock):
    bus.publish([event("e1")])
    [first] = bus.receive("route-to-leads")
    assert bus.receive("route-to-leads") == []
    clock.advance(topology.LOCK_DURATION_SECONDS + 1)
    [again] = bus.receive("route-to-leads")
    assert again.delivery_count == 2
    with pytest.raises(MessageLockLost):
        bus.complete(first)
    with pytest.raises(MessageLockLost):
        bus.abandon(first)
    bus.complete(again)
    assert bus.depth("route-to-leads") == {"active": 0, "scheduled": 0, "dead_letter": 0}


def test_settling_after_the_lock_expired_raises_even_if_nobody_else_took_it(bus, clock):
    bus.publish([event("e1")])
    [message] = bus.receive("route-to-leads")
    clock.advance(topology.LOCK_DURATION_SECONDS)
    with pytest.raises(MessageLockLost):
        bus.complete(message)
    assert ids(bus.peek("route-to-leads")) == ["e1"]


def test_renewed_lock_outlasts_the_first_lock_duration(bus, clock):
    bus.publish([event("e1")])
    [message] = bus.receive("route-to-leads")
    clock.advance(50)
    renewed_until = bus.renew_lock(message)
    assert renewed_until == clock.now + timedelta(seconds=topology.LOCK_DURATION_SECONDS)
    clock.advance(50)
    assert bus.receive("route-to-leads") == []
    bus.complete(message)
    assert bus.peek("route-to-leads") == []


def test_dead_lettered_after_the_tenth_failed_delivery(bus):
    bus.publish([event("e1")])
    counts = []
    for _ in range(topology.MAX_DELIVERY_COUNT):
        [message] = bus.receive("route-to-leads")
        counts.append(message.delivery_count)
        bus.abandon(message)
    assert counts == list(range(1, 11))
    assert bus.receive("route-to-leads") == []
    [dead] = bus.dead_letters("route-to-leads")
    assert dead.message_id == "e1"
    assert dead.dead_letter_reason == "MaxDeliveryCountExceeded"
    assert "10" in dead.dead_letter_description
    assert dead.delivery_count == 10
    assert bus.depth("route-to-leads") == {"active": 0, "scheduled": 0, "dead_letter": 1}


def test_lock_expiries_count_as_failed_deliveries(tmp_path, clock):
    bus = LocalBus(tmp_path / "bus.db", SUBSCRIPTIONS, clock=clock, max_delivery_count=2, lock_duration_seconds=5)
    try:
        bus.publish([event("e1")])
        for expected_count in (1, 2):
            [message] = bus.receive("route-to-leads")
            assert message.delivery_count == expected_count
            clock.advance(6)
        assert bus.receive("route-to-leads") == []
        [dead] = bus.dead_letters("route-to-leads")
        assert dead.dead_letter_reason == "MaxDeliveryCountExceeded"
    finally:
        bus.close()


def test_consumer_can_dead_letter_with_its_own_reason(bus):
    bus.publish([event("e1")])
    [message] = bus.receive("route-to-leads")
    bus.dead_letter(message, "UnknownEventType", "no handler for request.unknown")
    assert bus.receive("route-to-leads") == []
    [dead] = bus.dead_letters("route-to-leads")
    assert (dead.dead_letter_reason, dead.dead_letter_description) == (
        "UnknownEventType",
        "no handler for request.unknown",
    )
    assert dead.lock_token == "" and dead.locked_until is None


def test_duplicate_within_the_window_is_accepted_and_dropped_then_accepted_after_it(bus, clock):
    bus.publish([event("e1")])
    bus.publish([event("e1"), event("e2"), event("e2")])
    assert ids(bus.peek("notify")) == ["e1", "e2"]
    clock.advance(topology.DUPLICATE_DETECTION_WINDOW_SECONDS - 1)
    bus.publish([event("e1")])
    assert ids(bus.peek("notify")) == ["e1", "e2"]
    clock.advance(2)
    bus.publish([event("e1")])
    assert ids(bus.peek("notify")) == ["e1", "e2", "e1"]


def test_duplicate_detection_does_not_depend_on_the_subscription_still_holding_the_message(bus):
    bus.publish([event("e1")])
    [message] = bus.receive("route-to-leads")
    bus.complete(message)
    bus.publish([event("e1")])
    assert bus.peek("route-to-leads") == []


def test_scheduled_message_is_invisible_until_its_time(bus, clock):
    due = clock.now + timedelta(minutes=5)
    bus.publish([event("e-later", scheduled=due), event("e-now")])
    [now_message] = bus.receive("route-to-leads", max_messages=10)
    assert now_message.message_id == "e-now"
    bus.complete(now_message)
    assert bus.depth("route-to-leads")["scheduled"] == 1
    clock.advance(299)
    assert bus.receive("route-to-leads") == []
    clock.advance(1)
    [message] = bus.receive("route-to-leads")
    assert message.message_id == "e-later"
    assert message.scheduled_enqueue_time == due
    assert message.enqueued_time == due


def test_completed_message_is_gone(bus, clock):
    bus.publish([event("e1")])
    [message] = bus.receive("route-to-leads")
    bus.complete(message)
    assert bus.peek("route-to-leads") == []
    clock.advance(topology.LOCK_DURATION_SECONDS * 2)
    assert bus.receive("route-to-leads") == []
    with pytest.raises(MessageLockLost):
        bus.complete(message)
    assert ids(bus.peek("notify")) == ["e1"]


def test_messages_survive_closing_and_reopening_the_file(tmp_path, clock):
    path = tmp_path / "bus.db"
    first = LocalBus(path, SUBSCRIPTIONS, clock=clock)
    first.publish([event("e1"), event("e2")])
    [locked] = first.receive("route-to-leads")
    first.close()

    reopened = LocalBus(path, SUBSCRIPTIONS, clock=clock)
    try:
        assert ids(reopened.receive("route-to-leads", max_messages=5)) == ["e2"]
        reopened.complete(locked)
        assert ids(reopened.peek("notify")) == ["e1", "e2"]
        reopened.publish([event("e1")])
        assert ids(reopened.peek("notify")) == ["e1", "e2"]
    finally:
        reopened.close()


def test_a_failing_batch_publishes_nothing(bus):
    naive_time = datetime(2030, 1, 1)
    with pytest.raises(PublishError):
        bus.publish([event("e1"), event("e2", scheduled=naive_time)])
    assert bus.peek("notify") == []
    bus.publish([event("e1")])
    assert ids(bus.peek("notify")) == ["e1"]


def test_two_threads_receiving_concurrently_never_get_the_same_message(tmp_path):
    bus = LocalBus(tmp_path / "bus.db", SUBSCRIPTIONS)
    published = [f"e{n}" for n in range(150)]
    bus.publish([event(i) for i in published])
    seen: dict[str, list[str]] = {"a": [], "b": []}
    start, both_hold_a_batch = threading.Barrier(2), threading.Barrier(2, timeout=30)

    def consume(name: str) -> None:
        start.wait()
        first = True
        while batch := bus.receive("route-to-leads", max_messages=3):
            for message in batch:
                seen[name].append(message.message_id)
                bus.complete(message)
            if first:  # each takes a batch before either goes on: both receive, however the threads are scheduled
                both_hold_a_batch.wait()
                first = False

    threads = [threading.Thread(target=consume, args=(n,)) for n in seen]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    try:
        assert not set(seen["a"]) & set(seen["b"])
        assert sorted(seen["a"] + seen["b"]) == sorted(published)
        assert seen["a"] and seen["b"]
        assert bus.depth("route-to-leads")["active"] == 0
    finally:
        bus.close()


CONSUMER_PROCESS = """
import json, sys
from pathlib import Path
from shared.app import handlers
from shared.adapters.bus.local import LocalBus
bus = LocalBus(Path(sys.argv[1]), handlers.subscriptions([]))
print("ready", flush=True)
sys.stdin.readline()
taken = []
while batch := bus.receive("route-to-leads", max_messages=2):
    for message in batch:
        taken.append(message.message_id)
        bus.complete(message)
bus.close()
print(json.dumps(taken), flush=True)
"""


def test_two_processes_on_the_same_file_never_get_the_same_message(tmp_path):
    path = tmp_path / "bus.db"
    bus = LocalBus(path, handlers.subscriptions([]))
    published = [f"e{n}" for n in range(120)]
    bus.publish([event(i) for i in published])
    consumers = [
        subprocess.Popen(
            [sys.executable, "-c", CONSUMER_PROCESS, str(path)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for consumer in consumers:
            assert consumer.stdout.readline().strip() == "ready"
        for consumer in consumers:
            consumer.stdin.write("go\n")
            consumer.stdin.flush()
        taken = [json.loads(consumer.communicate(timeout=60)[0]) for consumer in consumers]
        assert all(consumer.returncode == 0 for consumer in consumers)
        assert not set(taken[0]) & set(taken[1])
        assert sorted(taken[0] + taken[1]) == sorted(published)
        assert bus.depth("route-to-leads")["active"] == 0
    finally:
        for consumer in consumers:
            if consumer.poll() is None:
                consumer.kill()
        bus.close()


def test_resubmitted_dead_letter_is_delivered_again_with_its_identity(bus):
    bus.publish([event("e1", "request.routed", lead_group="emea-leads")])
    [message] = bus.receive("leads-emea-leads")
    bus.dead_letter(message, "Poison")
    bus.publish([event("e2", "request.routed", lead_group="emea-leads")])
    [dead] = bus.dead_letters("leads-emea-leads")

    assert bus.resubmit_dead_letter("leads-emea-leads", dead.sequence_number) is True
    assert bus.dead_letters("leads-emea-leads") == []
    assert ids(bus.peek("notify")) == ["e1", "e2"]
    again = bus.receive("leads-emea-leads", max_messages=5)
    assert ids(again) == ["e2", "e1"]
    resubmitted = again[1]
    assert resubmitted.delivery_count == 1
    assert resubmitted.body == message.body
    assert resubmitted.correlation_id == message.correlation_id
    assert resubmitted.application_properties == message.application_properties
    assert resubmitted.dead_letter_reason is None
    assert bus.resubmit_dead_letter("leads-emea-leads", dead.sequence_number) is False


def test_purged_dead_letter_is_gone(bus):
    bus.publish([event("e1")])
    [message] = bus.receive("route-to-leads")
    bus.dead_letter(message, "Poison")
    [dead] = bus.dead_letters("route-to-leads")
    assert bus.purge_dead_letter("route-to-leads", dead.sequence_number) is True
    assert bus.dead_letters("route-to-leads") == []
    assert bus.depth("route-to-leads") == {"active": 0, "scheduled": 0, "dead_letter": 0}
    assert bus.purge_dead_letter("route-to-leads", dead.sequence_number) is False


def test_depth_counts_active_scheduled_and_dead_letters(bus, clock):
    bus.publish(
        [
            event("e1"),
            event("e2"),
            event("e3", scheduled=clock.now + timedelta(hours=1)),
        ]
    )
    [message] = bus.receive("route-to-leads")
    bus.dead_letter(message, "Poison")
    assert bus.depth("route-to-leads") == {"active": 1, "scheduled": 1, "dead_letter": 1}


def test_unknown_subscription_is_refused(bus):
    with pytest.raises(UnknownSubscription):
        bus.receive("leads-nobody")
    with pytest.raises(UnknownSubscription):
        bus.peek("leads-nobody")


def test_health_reports_each_subscription_and_failure_after_close(tmp_path, clock):
    bus = LocalBus(tmp_path / "bus.db", SUBSCRIPTIONS, clock=clock)
    bus.publish([event("e1")])
    health = bus.health()
    assert health["backend"] == "local" and health["ok"] is True
    assert health["subscriptions"]["route-to-leads"] == {"active": 1, "scheduled": 0, "dead_letter": 0}
    bus.close()
    assert bus.health()["ok"] is False


# -- expiry -------------------------------------------------------------------------

DAY = 24 * 3600


def test_an_expired_message_on_an_app_subscription_is_dead_lettered(bus, clock):
    bus.publish([event("e1")])
    clock.advance(topology.MESSAGE_TTL_SECONDS - 1)
    assert bus.depth("route-to-leads") == {"active": 1, "scheduled": 0, "dead_letter": 0}
    clock.advance(1)
    assert bus.depth("route-to-leads") == {"active": 0, "scheduled": 0, "dead_letter": 1}, "counted where expiry puts it"
    assert bus.receive("route-to-leads") == []
    [letter] = bus.dead_letters("route-to-leads")
    assert (letter.message_id, letter.dead_letter_reason) == ("e1", "TTLExpiredException")
    assert bus.resubmit_dead_letter("route-to-leads", letter.sequence_number)
    clock.advance(DAY)
    assert ids(bus.receive("route-to-leads")) == ["e1"], "a replayed message gets a new time to live"


def test_a_message_past_its_time_to_live_is_never_delivered_even_before_it_is_moved(bus, clock):
    bus.publish([event("e1")])
    clock.advance(topology.MESSAGE_TTL_SECONDS - 0.5)
    bus.publish([event("e2")])  # clears what has expired so far: nothing yet
    clock.advance(0.7)  # e1 is past its time to live; the next clearing is due in 0.3 s
    assert ids(bus.receive("route-to-leads", max_messages=5)) == ["e2"]
    clock.advance(1)
    assert ids(bus.dead_letters("route-to-leads")) == ["e1"]


def test_an_expired_message_on_a_lead_feed_is_dropped_not_dead_lettered(bus, clock):
    bus.publish([event("e1", "request.routed", lead_group="emea-leads")])
    clock.advance(topology.LEAD_FEED_TTL_SECONDS - 1)
    assert ids(bus.peek("leads-emea-leads")) == ["e1"]
    clock.advance(1)
    assert bus.depth("leads-emea-leads") == {"active": 0, "scheduled": 0, "dead_letter": 0}
    assert bus.peek("leads-emea-leads") == [] and bus.dead_letters("leads-emea-leads") == []
    assert bus.receive("leads-emea-leads") == []
    assert bus.depth("notify")["active"] == 1, "the same event on the app's subscription lives its own 14 days"


def test_a_locked_message_expires_only_when_its_lock_ends(bus, clock):
    bus.publish([event("e1")])
    clock.advance(topology.MESSAGE_TTL_SECONDS - 10)
    [message] = bus.receive("route-to-leads")
    clock.advance(20)
    bus.renew_lock(message)
    assert bus.depth("route-to-leads")["dead_letter"] == 0
    bus.complete(message)
    assert bus.depth("route-to-leads") == {"active": 0, "scheduled": 0, "dead_letter": 0}


def test_a_scheduled_message_lives_its_time_to_live_from_when_it_becomes_visible(bus, clock):
    bus.publish([event("e1", scheduled=clock.now + timedelta(days=10))])
    clock.advance(topology.MESSAGE_TTL_SECONDS)
    assert bus.depth("route-to-leads") == {"active": 1, "scheduled": 0, "dead_letter": 0}


def test_a_bus_file_from_before_expiry_is_upgraded_and_its_messages_never_expire(tmp_path, clock):
    import sqlite3

    path = tmp_path / "bus.db"
    LocalBus(path, SUBSCRIPTIONS, clock=clock).close()
    with sqlite3.connect(path) as db:  # the file as the previous version left it
        db.execute("DROP INDEX messages_by_expiry")
        db.execute("ALTER TABLE messages DROP COLUMN expires_us")
        db.execute("INSERT INTO messages (subscription, state, message_id, subject, correlation_id, content_type,"
                   " application_properties, body, enqueued_us, visible_us) VALUES"
                   " ('notify', 'active', 'old', 's', 'c', 'application/json', '{}', x'7b7d', 0, 0)")
    reopened = LocalBus(path, SUBSCRIPTIONS, clock=clock)
    try:
        reopened.publish([event("new")])
        assert ids(reopened.peek("notify")) == ["old", "new"]
    finally:
        reopened.close()
