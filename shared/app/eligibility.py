"""Eligibility on its own: the verdict of the rules intake applies, on a form
complete or not, with notices that inform without refusing. Stores nothing,
publishes nothing; asks the store one indexed lookup at most."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared import telemetry
from shared.app.commands import CheckEligibility
from shared.app.context import Context
from shared.domain.access import can_read
from shared.domain.eligibility import Notice, Reason, below_review_threshold, judge
from shared.domain.eligibility import check_eligibility as check_eligibility_of
from shared.domain.principal import Principal

log = telemetry.get_logger("fta.eligibility")

OPEN_REQUESTS_SHOWN = 5


@dataclass(frozen=True)
class EligibilityAnswer:
    eligible: bool  # the form is complete and intake would accept it
    reasons: tuple[Reason, ...]
    field_errors: tuple[dict[str, str], ...]
    notices: tuple[Notice, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "fieldErrors": [dict(error) for error in self.field_errors],
            "notices": [notice.to_dict() for notice in self.notices],
        }


def _open_requests(ctx: Context, principal: Principal, tpid: str) -> Notice | None:
    found = ctx.requests.open_for_tpid(tpid, limit=OPEN_REQUESTS_SHOWN)
    if not found:
        return None
    readable = tuple(request.id for request in found if can_read(principal, request))
    hidden = len(found) - len(readable)
    more = " or more" if len(found) == OPEN_REQUESTS_SHOWN else ""
    if not hidden:
        named = ", ".join(readable)
        message = (f"an open request for this TPID already exists: {named}" if len(found) == 1
                   else f"{len(found)}{more} open requests for this TPID already exist: {named}")
    elif not readable:
        message = ("an open request for this TPID already exists, from another account team"
                   if len(found) == 1 else
                   f"{len(found)}{more} open requests for this TPID already exist, from other account teams")
    else:
        message = (f"open requests for this TPID already exist: {', '.join(readable)}, "
                   f"and {hidden}{more} from other account teams")
    if hidden:
        message += "; the FTA leads can tell you more"
    return Notice("open-request-for-tpid", message, "tpid", readable)


def check_eligibility(ctx: Context, principal: Principal, command: CheckEligibility) -> EligibilityAnswer:
    form = command.form
    policy = ctx.routing.eligibility.policy()
    # A complete form is judged exactly as intake judges it.
    verdict = check_eligibility_of(form.form, policy) if form.form is not None else judge(form, policy)
    notices = []
    if "tpid" in form.values:
        notices.append(_open_requests(ctx, principal, form.values["tpid"]))
    notices.append(below_review_threshold(form, ctx.routing.funding_review.fta_review_minimum_usd))
    answer = EligibilityAnswer(
        eligible=form.form is not None and not form.errors and verdict.eligible,
        reasons=verdict.reasons,
        field_errors=form.errors,
        notices=tuple(notice for notice in notices if notice is not None),
    )
    log.debug("eligibility checked: complete=%s eligible=%s reasons=%d field_errors=%d notices=%d",
             form.form is not None, answer.eligible, len(answer.reasons), len(answer.field_errors),
             len(answer.notices))
    return answer
