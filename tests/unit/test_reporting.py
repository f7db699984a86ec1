"""The read model's rules: a request's facts at a prefix of its history, the
SLA arithmetic on business hours, and the counters the facts become."""

from datetime import date, datetime, timedelta, timezone

from shared.domain import reporting as rules
from shared.domain.sla import Sla
from shared.domain.calendar import BusinessCalendar
from shared.domain.model import FtaRequest, Person, RequestForm, Status

UTC = timezone.utc
FORM = RequestForm.model_validate({
    "tpid": "123456", "tenant": "contoso.onmicrosoft.com", "totalUsers": 5000, "segment": "enterprise",
    "entitlements": ["microsoft-365"], "salesStagePercent": 60, "compellingEvent": "E5", "requestType": "non-ecif",
    "region": "emea"})


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def routed_at(moment: datetime, calendar: BusinessCalendar, sla: float = 16) -> FtaRequest:
    request = FtaRequest.submit(FORM, Person(email="alex@contoso.com"), moment, request_id="FTA-TESTTESTTE")
    request.route("emea-leads", moment, Sla(calendar, sla))
    return request


def test_friday_afternoon_to_tuesday_afternoon_is_sixteen_business_hours_within_the_sla():
    calendar = BusinessCalendar()
    request = routed_at(at(2026, 11, 20, 16, 0), calendar)  # a Friday, one hour before closing
    request.assign("eva@contoso.com", "lee@contoso.com", at(2026, 11, 24, 16, 0))  # the night and weekend skipped
    f = rules.facts(request, len(request.history), Sla(calendar, 16))
    assert f.time_to_assign == 16.0 and f.within_sla is True and f.status is Status.ASSIGNED


def test_a_holiday_counts_no_hours_and_one_minute_more_misses_the_sla():
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 11, 23)}))  # the Monday
    request = routed_at(at(2026, 11, 20, 16, 0), calendar)
    request.assign("eva@contoso.com", "lee@contoso.com", at(2026, 11, 25, 16, 1))
    f = rules.facts(request, len(request.history), Sla(calendar, 16))
    assert round(f.time_to_assign, 4) == round(16 + 1 / 60, 4) and f.within_sla is False


def test_needs_info_pauses_are_taken_out_and_move_the_due_time():
    calendar = BusinessCalendar()
    request = routed_at(at(2026, 11, 20, 16, 0), calendar)
    request.request_info("lee@contoso.com", at(2026, 11, 23, 10, 0), "the SOW please", [], None)
    waiting = rules.facts(request, len(request.history), Sla(calendar, 16))
    assert waiting.status is Status.NEEDS_INFO and waiting.assign_due_at is None, "not overdue while it waits"
    request.resume("alex@contoso.com", at(2026, 11, 23, 14, 0), Sla(calendar), reply=True)  # 4 business hours later
    resumed = rules.facts(request, len(request.history), Sla(calendar, 16))
    assert resumed.paused_business_hours == 4.0
    assert resumed.assign_due_at == request.assign_due_at == at(2026, 11, 25, 12, 0)
    request.assign("eva@contoso.com", "lee@contoso.com", at(2026, 11, 24, 17, 0))
    f = rules.facts(request, len(request.history), Sla(calendar, 16))
    assert f.time_to_assign == 1 + 8 + 8 - 4 and f.within_sla is True


def test_a_pause_after_assignment_does_not_change_the_time_to_assign():
    calendar = BusinessCalendar()
    request = routed_at(at(2026, 11, 24, 10, 0), calendar)
    request.assign("eva@contoso.com", "lee@contoso.com", at(2026, 11, 24, 12, 0))
    request.request_info("eva@contoso.com", at(2026, 11, 24, 13, 0), "which tenant?", [], None)
    request.resume("alex@contoso.com", at(2026, 11, 25, 13, 0), Sla(calendar), reply=True)
    f = rules.facts(request, len(request.history), Sla(calendar, 16))
    assert f.time_to_assign == 2.0 and f.status is Status.ASSIGNED and f.paused_business_hours == 0


def test_a_prefix_is_the_request_as_those_events_left_it():
    calendar = BusinessCalendar()
    request = routed_at(at(2026, 11, 24, 10, 0), calendar)
    request.assign("eva@contoso.com", "lee@contoso.com", at(2026, 11, 24, 12, 0))
    request.complete("eva@contoso.com", at(2026, 11, 25, 12, 0))
    assert [rules.facts(request, n, Sla(calendar, 16)).status for n in (1, 2, 3, 4)] == [
        Status.SUBMITTED, Status.ROUTED, Status.ASSIGNED, Status.COMPLETED]


def test_counters_cover_status_loads_cohort_and_what_waits():
    calendar = BusinessCalendar()
    request = routed_at(at(2026, 11, 24, 10, 0), calendar, sla=0)
    waiting = rules.contribution(rules.facts(request, 2, Sla(calendar, 0)))
    shard = rules.shard_of(request.id)
    day = rules.day_key(date(2026, 11, 24), shard)
    current = waiting[rules.current_key(shard)]
    assert current["status|routed|emea-leads"] == 1
    assert current[f"due|leadGroup|emea-leads|{int(at(2026, 11, 24, 10, 0).timestamp())}"] == 1  # due on the hour
    assert day == f"sla.2026-11-24.{shard}" and waiting[day] == {f"{d}|{k}|submitted": 1 for d, k in (
        ("leadGroup", "emea-leads"), ("region", "emea"), ("requestType", "non-ecif"))}
    request.assign("eva@contoso.com", "lee@contoso.com", at(2026, 11, 24, 10, 20))
    assigned = rules.contribution(rules.facts(request, 3, Sla(calendar, 16)))
    delta = rules.difference(waiting, assigned)
    assert delta[rules.current_key(rules.shard_of(request.id))]["status|routed|emea-leads"] == -1
    times = rules.day_key(date(2026, 11, 24), rules.TIMES)
    assert times == "sla.2026-11-24.t" and times not in waiting
    assert assigned[times] == {f"{d}|{k}|t3": 1 for d, k in (  # 20 minutes: 0.3 h, as the CSV prints it
        ("leadGroup", "emea-leads"), ("region", "emea"), ("requestType", "non-ecif"), ("architect", "eva@contoso.com"))}
    assert not any("|t" in name for name in assigned[day]), "a day's times are one document, not one per shard"
    assert delta[times] == assigned[times]
    assert rules.add(rules.total([waiting]).get(day, {}), delta[day]) == assigned[day]


def test_percentiles_are_the_tenths_the_csv_prints_by_nearest_rank():
    counts: dict[int, int] = {}
    for hours in [0.04, 1.0, 3.0, 3.0, 7.456, 12.0, 16.0, 20.0, 30.0, 100.0]:
        counts[rules.tenths(hours)] = counts.get(rules.tenths(hours), 0) + 1
    assert rules.percentile(counts, 0.5) == 7.5 == round(7.456, 1)
    assert rules.percentile(counts, 0.9) == 30
    assert rules.percentile({0: 3}, 0.5) == 0.0 == round(0.04, 1), "the CSV's 0.0, never a bucket's 0.5"
    assert rules.percentile({}, 0.5) is None


def test_every_tenth_reads_back_as_the_figure_round_prints():
    for k in range(0, 20001):
        hours = k / 10 + 0.04999
        assert rules.tenths(hours) / 10 == round(hours, 1)


def test_the_sla_groups_add_days_and_count_overdue_at_the_given_moment():
    now = at(2026, 11, 24, 12, 0)
    days = [{"leadGroup|emea-leads|submitted": 2, "leadGroup|emea-leads|assigned": 2,
             "leadGroup|emea-leads|withinSla": 1, "leadGroup|emea-leads|t10": 1, "leadGroup|emea-leads|t403": 1},
            {"leadGroup|emea-leads|submitted": 1, "region|emea|submitted": 1}]
    current = {"openNow|leadGroup|emea-leads": 1,
               f"due|leadGroup|emea-leads|{rules.due_hour(now - timedelta(minutes=70))}": 1,
               f"due|leadGroup|emea-leads|{rules.due_hour(now + timedelta(minutes=1))}": 2}
    [group] = rules.sla_groups(days, current, "leadGroup", now)
    assert group == {"key": "emea-leads", "submitted": 3, "assigned": 2, "assignedWithinSla": 1,
                     "withinSlaPercent": 50.0, "timeToAssignBusinessHours": {"p50": 1.0, "p90": 40.3},
                     "openNow": 1, "overdueNow": 1, "rated": 0, "averageRating": None, "firstContacts": 0,
                     "firstContactsOnTime": 0, "decisions": {}}


def test_a_request_counts_overdue_from_the_end_of_the_hour_it_falls_due_in():
    assert rules.due_hour(at(2026, 11, 24, 10, 0)) == int(at(2026, 11, 24, 10, 0).timestamp())
    assert rules.due_hour(at(2026, 11, 24, 10, 1)) == int(at(2026, 11, 24, 11, 0).timestamp())
