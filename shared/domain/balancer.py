"""The workload balancer: which architect of a lead group gets the next request."""

from __future__ import annotations

from typing import Mapping


def choose_architect(pool: list[str], open_counts: Mapping[str, int], total_counts: Mapping[str, int]) -> str:
    """Fewest open assignments, then fewest ever, then pool order."""
    return min(pool, key=lambda a: (open_counts.get(a, 0), total_counts.get(a, 0), pool.index(a)))
