"""Who acts: a signed-in person and the app roles they hold."""

from __future__ import annotations

from dataclasses import dataclass

LEAD = "FTA.Lead"
ADMIN = "FTA.Admin"


@dataclass(frozen=True)
class Principal:
    email: str
    name: str
    roles: frozenset[str]

    @property
    def is_lead(self) -> bool:
        return LEAD in self.roles or ADMIN in self.roles

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def actor(self) -> str:
        return self.email
