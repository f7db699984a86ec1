"""Who can sign in on devhost's stand-in for App Service Authentication: the
people the routing file names (each lead group's leads, its architects), an
admin of the organisation and the account team's default user."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.principal import ADMIN, LEAD, Principal
from shared.domain.routing import Routing

ADMIN_NAME = "FTA Admin"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    roles: tuple[str, ...] = ()
    part: str = "requestor"  # what the person does in the process, as the chooser says it

    @property
    def principal(self) -> Principal:
        return Principal(email=self.email, name=self.name, roles=frozenset(self.roles))


def admin_address(routing: Routing) -> str:
    """An admin in the organisation's domain (the escalation group's)."""
    member = routing.group(routing.escalate_to).members[0]
    return f"fta-admin@{member.rsplit('@', 1)[1]}"


def people(routing: Routing, dev_user: str = "") -> list[Person]:
    """Every person the chooser offers, leads first, then architects, the admin, the requestor."""
    leads = [Person(member, f"{group.name} lead" if len(group.members) > 1 else group.name, (LEAD,),
                    f"lead, {group.name}")
             for group in routing.lead_groups for member in group.members]
    architects = [Person(a.email, a.name or a.email, (), f"architect, {group.name}")
                  for group in routing.lead_groups for a in group.architects]
    found = [*leads, *architects, Person(admin_address(routing), ADMIN_NAME, (ADMIN,), "admin")]
    if dev_user and all(p.email != dev_user for p in found):
        found.append(Person(dev_user, dev_user.split("@", 1)[0].replace(".", " ").title(), (), "requestor"))
    unique: dict[str, Person] = {}
    for person in found:
        unique.setdefault(person.email, person)
    return list(unique.values())
