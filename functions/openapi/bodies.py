"""Response bodies that have no domain model of their own (the error body,
the signed-in user, the health report), for the answers and the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from shared.domain import access
from shared.domain.principal import Principal
from shared.domain.routing import Routing

# App Service Authentication (Easy Auth) in Azure; devhost answers the same paths locally.
SIGN_IN_URL = "/.auth/login/aad?post_login_redirect_uri=/"
SIGN_OUT_URL = "/.auth/logout?post_logout_redirect_uri=/"


# -- response bodies without a domain model ------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ErrorDetail(_Body):
    """A field at fault (``type``: the validation error), or on 422 a failed
    eligibility rule (``code``; the same list as ``reasons``)."""

    field: str
    message: str
    type: str | None = None
    code: str | None = None


class IneligibleReason(_Body):
    code: str
    message: str
    field: str = ""


class ErrorBody(_Body):
    """Every error answer: a code, a sentence, and the fields at fault."""

    error: str
    message: str
    details: list[ErrorDetail]
    reasons: list[IneligibleReason] | None = None


class FieldError(_Body):
    field: str
    message: str
    type: str


class EligibilityNotice(_Body):
    """Worth knowing before submitting; never a refusal. ``requestIds``: the
    open requests for the same TPID that the caller may read."""

    code: str
    message: str
    field: str = ""
    request_ids: list[str] | None = None


class EligibilityAnswer(_Body):
    """``POST /api/eligibility``: the verdict on a form, complete or not.
    ``eligible`` only for a complete form that intake would accept."""

    eligible: bool
    reasons: list[IneligibleReason]
    field_errors: list[FieldError]
    notices: list[EligibilityNotice]


class Architect(_Body):
    email: str
    name: str


class LeadGroupView(_Body):
    id: str
    name: str
    architects: list[Architect]


class SignedInUser(_Body):
    """``GET /api/me``: who is signed in, and the routing file's regions and
    lead groups (architects only for leads) for the page's selects."""

    email: str
    name: str
    roles: list[str]
    is_lead: bool
    regions: list[str]
    lead_groups: list[LeadGroupView]
    views: list[Literal["home", "new", "request", "feedback", "queue", "assigned", "reports", "architects"]]
    home: str
    sign_in_url: str
    sign_out_url: str

    @classmethod
    def of(cls, principal: Principal, routing: Routing) -> "SignedInUser":
        architect = any(a.email.lower() == principal.email.lower() for g in routing.lead_groups for a in g.architects)
        return cls(
            email=principal.email,
            name=principal.name,
            roles=sorted(principal.roles),
            is_lead=principal.is_lead,
            views=access.views(principal, architect=architect),
            home=access.home_path(principal, architect=architect),
            sign_in_url=SIGN_IN_URL,
            sign_out_url=SIGN_OUT_URL,
            regions=list(routing.regions),
            lead_groups=[
                LeadGroupView(
                    id=group.id,
                    name=group.name,
                    architects=[Architect(email=a.email, name=a.name or a.email) for a in group.architects]
                    if principal.is_lead else [],
                )
                for group in routing.lead_groups
            ],
        )


class ComponentHealth(BaseModel):
    model_config = ConfigDict(extra="allow")

    backend: str
    ok: bool


class OperationsFigures(BaseModel):
    """What operators watch; ``null`` when the store cannot be asked."""

    model_config = ConfigDict(extra="allow")

    overdueUnassigned: int | None
    parked: int | None
    deadLetters: int | None
    unmatchedReplies: dict[str, int] | None = None  # mails that were no reply the service could take, by reason


class HealthStatus(BaseModel):
    """The public health answer: nothing but the status."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "degraded"]


class HealthReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "degraded"]
    components: dict[str, ComponentHealth]
    operations: OperationsFigures
