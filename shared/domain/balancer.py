"""The workload balancer: which architect of a lead group gets the next request."""

from __future__ import annotations

from typing import Collection, Mapping


class NoArchitectAvailable(Exception):
    """Everyone of the pool is away or at their maxOpenAssignments."""

    def __init__(self, away: Collection[str], full: Collection[str]):
        super().__init__(f"no architect of the pool can take it: {len(away)} away, {len(full)} at their limit")
        self.away = sorted(away)
        self.full = sorted(full)


def can_take(architect: str, open_counts: Mapping[str, int], limits: Mapping[str, int | None]) -> bool:
    """Below their maxOpenAssignments (no limit: always)."""
    limit = limits.get(architect)
    return limit is None or open_counts.get(architect, 0) < limit


def choose_architect(pool: list[str], open_counts: Mapping[str, int], total_counts: Mapping[str, int], *,
                     away: Collection[str] = (), limits: Mapping[str, int | None] | None = None) -> str:
    """Of those not ``away`` and below their limit: fewest open assignments, then
    fewest ever, then pool order. ``NoArchitectAvailable`` when nobody is left."""
    limits = limits or {}
    away_now = {a.lower() for a in away}
    present = [a for a in pool if a.lower() not in away_now]
    candidates = [a for a in present if can_take(a, open_counts, limits)]
    if not candidates:
        raise NoArchitectAvailable([a for a in pool if a.lower() in away_now],
                                   [a for a in present if a not in candidates])
    return min(candidates, key=lambda a: (open_counts.get(a, 0), total_counts.get(a, 0), pool.index(a)))
