"""The balancer over pools, absences, loads and limits (hypothesis), the lead's
mark of an absence, and maxOpenAssignments in the routing file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.availability import Absence, AbsenceMark, away_now, valid_absence_id
from shared.domain.balancer import NoArchitectAvailable, can_take, choose_architect
from shared.domain.routing import RoutingError, load_routing

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
ADDRESSES = [f"architect{n}@contoso.com" for n in range(8)]

pools = st.lists(st.sampled_from(ADDRESSES), min_size=1, max_size=8, unique=True)
loads = st.dictionaries(st.sampled_from(ADDRESSES), st.integers(0, 12))
limits = st.dictionaries(st.sampled_from(ADDRESSES), st.one_of(st.none(), st.integers(1, 10)))
# an absence relative to now: starts and ends in hours, some past, some current, some to come
spans = st.tuples(st.integers(-72, 72), st.integers(1, 96)).map(
    lambda s: (NOW + timedelta(hours=s[0]), NOW + timedelta(hours=s[0] + s[1])))
absence_lists = st.dictionaries(st.sampled_from(ADDRESSES), st.lists(spans, max_size=3))


def absences_of(spans_by_architect) -> dict[str, list[Absence]]:
    return {a: [Absence(a, start, end) for start, end in theirs] for a, theirs in spans_by_architect.items()}


@settings(max_examples=500, deadline=None)
@given(pools, loads, loads, limits, absence_lists)
def test_an_away_or_full_architect_is_never_picked_and_someone_always_is_when_anyone_can_take_it(
        pool, open_counts, ever_counts, open_limits, spans_by_architect):
    away = {a for a, theirs in absences_of(spans_by_architect).items() if away_now(theirs, NOW)}
    eligible = [a for a in pool if a not in away and can_take(a, open_counts, open_limits)]
    try:
        chosen = choose_architect(pool, open_counts, ever_counts, away=away, limits=open_limits)
    except NoArchitectAvailable as exc:
        assert eligible == [], "nobody was picked although someone could take it"
        assert set(exc.away) | set(exc.full) == set(pool)
        return
    assert chosen in pool and chosen not in away
    limit = open_limits.get(chosen)
    assert limit is None or open_counts.get(chosen, 0) < limit
    best = min((open_counts.get(a, 0), ever_counts.get(a, 0), pool.index(a)) for a in eligible)
    assert (open_counts.get(chosen, 0), ever_counts.get(chosen, 0), pool.index(chosen)) == best


@settings(max_examples=200, deadline=None)
@given(pools, loads, loads)
def test_without_absences_or_limits_the_balancer_is_fewest_open_then_fewest_ever(pool, open_counts, ever_counts):
    chosen = choose_architect(pool, open_counts, ever_counts)
    assert chosen == min(pool, key=lambda a: (open_counts.get(a, 0), ever_counts.get(a, 0), pool.index(a)))


def test_away_is_matched_whatever_the_case_of_the_address():
    pool = ["ana@contoso.com", "ben@contoso.com"]
    assert choose_architect(pool, {}, {}, away={"ANA@contoso.com"}) == "ben@contoso.com"


@pytest.mark.parametrize("start, end, covered", [(-1, 1, True), (0, 1, True), (-2, 0, False), (1, 2, False)])
def test_an_absence_covers_from_its_start_up_to_not_including_its_end(start, end, covered):
    absence = Absence("a@contoso.com", NOW + timedelta(hours=start), NOW + timedelta(hours=end))
    assert absence.covers(NOW) is covered
    assert (away_now([absence], NOW) is absence) is covered


def test_a_mark_names_whole_utc_days_both_included():
    absence = AbsenceMark.model_validate({"from": "2026-12-21", "until": "2026-12-21", "note": " Holiday "}).absence(
        "Eva@Contoso.com", "lee@contoso.com", NOW)
    assert (absence.starts, absence.ends) == (datetime(2026, 12, 21, tzinfo=timezone.utc),
                                              datetime(2026, 12, 22, tzinfo=timezone.utc))
    assert (absence.first_day.isoformat(), absence.last_day.isoformat()) == ("2026-12-21", "2026-12-21")
    assert absence.architect == "eva@contoso.com" and absence.note == "Holiday" and valid_absence_id(absence.id)


@pytest.mark.parametrize("body, field", [
    ({"from": "2026-12-32", "until": "2026-12-31"}, "from"),
    ({"from": "21.12.2026", "until": "2026-12-31"}, "from"),
    ({"from": "2026-12-21", "until": "2026-12-20"}, "until"),
    ({"from": "2026-12-21", "until": "2101-01-01"}, "until"),
    ({"from": "2026-12-21"}, "until"),
    ({"from": 20261221, "until": "2026-12-21"}, "from"),
    ({"from": "2026-12-21", "until": "2026-12-21", "note": "a\x1b[31m"}, "note"),
    ({"from": "2026-12-21", "until": "2026-12-21", "note": "\u202eexe.pdf"}, "note"),
    ({"from": "2026-12-21", "until": "2026-12-21", "note": "x" * 501}, "note"),
    ({"from": "2026-12-21", "until": "2026-12-21", "architect": "x@contoso.com"}, "architect"),
])
def test_a_bad_mark_names_its_field(body, field):
    with pytest.raises(ValidationError) as refused:
        AbsenceMark.model_validate(body)
    assert [".".join(map(str, e["loc"])) for e in refused.value.errors()] == [field]


ROUTING = """
regions: [emea]
leadGroups:
  - id: emea-leads
    name: EMEA Leads
    members: [emea-leads@contoso.com]
    maxOpenAssignments: 5
    architects:
      - {email: eva@contoso.com, name: Eva}
      - {email: farid@contoso.com, name: Farid, maxOpenAssignments: 2}
  - id: fta-alignment
    name: FTA Alignment
    members: [fta@contoso.com]
    architects:
      - {email: eva@contoso.com, name: Eva, maxOpenAssignments: 3}
      - {email: gil@contoso.com}
default: emea-leads
escalateTo: fta-alignment
"""


def test_max_open_assignments_per_architect_wins_over_the_groups():
    routing = load_routing(ROUTING)
    assert routing.open_limits("emea-leads") == {"eva@contoso.com": 5, "farid@contoso.com": 2}
    assert routing.open_limits("fta-alignment") == {"eva@contoso.com": 3, "gil@contoso.com": None}
    assert routing.architects() == {
        "eva@contoso.com": ("Eva", ["emea-leads", "fta-alignment"], 3),  # the strictest of her groups
        "farid@contoso.com": ("Farid", ["emea-leads"], 2),
        "gil@contoso.com": ("", ["fta-alignment"], None),
    }


@pytest.mark.parametrize("value", ["0", "-1", "1001", "two", "1.5"])
def test_a_bad_max_open_assignments_stops_start_up_naming_it(value):
    with pytest.raises(RoutingError) as refused:
        load_routing(ROUTING.replace("maxOpenAssignments: 5", f"maxOpenAssignments: {value}"))
    assert "maxOpenAssignments" in str(refused.value)
