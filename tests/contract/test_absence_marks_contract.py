"""The absences leads mark, stored on every store adapter (SQLite and the Cosmos
DB protocol server): found per architect while they are current or to come,
removed only under their own architect, and kept with a TTL after they end."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared import topology
from shared.adapters.repositories import StoredAbsenceMarks
from shared.domain.availability import AbsenceMark

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
EVA, FARID = "eva.novak@contoso.com", "farid.haddad@contoso.com"


def mark(architect: str, start: str, until: str, note: str = ""):
    return AbsenceMark.model_validate({"from": start, "until": until, "note": note}).absence(architect, "lee@contoso.com",
                                                                                            NOW)


def test_marks_are_found_per_architect_until_they_end_and_removed_under_their_own_architect(store):
    marks = StoredAbsenceMarks(store)
    past, current, later = mark(EVA, "2024-12-01", "2024-12-31"), mark(EVA, "2025-01-06", "2025-01-10", "Holiday"), \
        mark(EVA, "2025-02-03", "2025-02-07")
    other = mark(FARID, "2025-01-01", "2025-01-06")
    for absence in (later, past, current, other):
        marks.add(absence)

    assert marks.of([EVA], ending_after=NOW) == [current, later]
    assert marks.of(["Eva.Novak@contoso.com", FARID], ending_after=NOW) == [other, current, later]
    assert marks.of([EVA], ending_after=NOW + timedelta(days=10)) == [later]
    assert marks.of([], ending_after=NOW) == []
    assert current.note == "Holiday" and current.marked_by == "lee@contoso.com" and current.marked_at == NOW

    assert marks.remove(FARID, current.id) is False, "another architect's mark stays"
    assert marks.remove(EVA, current.id) is True
    assert marks.remove(EVA, current.id) is False
    assert marks.of([EVA], ending_after=NOW) == [later]


def test_a_mark_is_kept_90_days_after_it_ends_then_expires(sqlite_store, clock):
    absence = mark(EVA, "2025-01-06", "2025-01-10")
    StoredAbsenceMarks(sqlite_store).add(absence)
    kept_until = absence.ends + timedelta(seconds=topology.ABSENCE_KEPT_SECONDS)
    clock.advance(seconds=(kept_until - clock()).total_seconds() - 60)
    assert sqlite_store.read(topology.ABSENCES, absence.id) is not None
    clock.advance(seconds=120)
    assert sqlite_store.read(topology.ABSENCES, absence.id) is None
