"""Every event a request records matches the payload model of its type (the
models the AsyncAPI document is generated from), and every type has one."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared.domain.sla import Sla
from shared.domain.calendar import BusinessCalendar
from shared.domain.documents import Document, new_document_id
from shared.domain.event_data import ENVELOPES, EVENT_DATA, RESERVED, envelope_name
from shared.domain.forms import Participant
from shared.domain.model import EventType, FtaRequest, Person, RequestForm
from shared.domain.outcomes import Decline, DeclineReason, parse_outcome
from shared.domain.values import DocumentKind, RequestType
from tests.factories import LEAD, REQUESTOR, form, migration_form, sow_form

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)  # a Tuesday
CALENDAR = BusinessCalendar()
TIMES = Sla(CALENDAR)
ARCHITECT, OTHER_ARCHITECT = "eva.novak@contoso.com", "farid.haddad@contoso.com"


def new_request(body: dict) -> FtaRequest:
    return FtaRequest.submit(RequestForm.model_validate(body), Person(email=REQUESTOR), NOW)


def document(kind: DocumentKind) -> Document:
    return Document(id=new_document_id(), kind=kind, file_name=f"{kind.value}.pdf", content_type="application/pdf",
                    size=1024, sha256="0" * 64, uploaded_by=REQUESTOR, uploaded_at=NOW)


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def lifecycles() -> list[FtaRequest]:
    """Requests driven through every method that records an event."""
    funding = new_request(sow_form())
    funding.route("fta-alignment", at(0), TIMES)
    funding.set_participants([Participant(email="casey.csu@contoso.com", role="csu")], REQUESTOR, at(0.5))
    funding.remind(at(16), at(20), "fta-alignment")
    funding.escalate(at(20), "fta-alignment")
    funding.request_info(LEAD, at(21), "Please upload the SOW.", [DocumentKind.SOW, DocumentKind.WBS], at(45))
    funding.remind_requestor(at(45))
    funding.comment(REQUESTOR, at(46), "Uploaded.", internal=False, by_owner=True, sla=TIMES)  # + resume
    for kind in (DocumentKind.SOW, DocumentKind.WBS, DocumentKind.COST_BREAKDOWN, DocumentKind.OTHER):
        funding.add_document(document(kind), at(46.5), by_owner=True, sla=TIMES)
    funding.change_document_kind(funding.documents[-1], DocumentKind.MIGRATION_PLAN, REQUESTOR, at(46.55),
                                 by_owner=True, sla=TIMES)
    funding.remove_document(funding.documents[-1], REQUESTOR, at(46.6))
    funding.assign(ARCHITECT, LEAD, at(47), auto=True)
    funding.comment(LEAD, at(48), "Check the WBS first.", internal=True, by_owner=False, sla=TIMES)
    funding.request_info(ARCHITECT, at(49), "Which workloads come first?", [], None)
    funding.resume(LEAD, at(50), TIMES, reply=False)
    funding.assign(OTHER_ARCHITECT, LEAD, at(51))  # a reassignment: previousArchitect
    funding.complete(OTHER_ARCHITECT, at(52), parse_outcome(RequestType.SOW_ECIF,
                                                            {"recommendation": "approve", "category": "cat-2d"}))
    funding.reopen(LEAD, at(60), "Revised SOW v3 from the partner", TIMES)

    migration = new_request(migration_form())
    migration.route("fta-alignment", at(0))
    migration.assign(ARCHITECT, LEAD, at(1))
    migration.complete(ARCHITECT, at(2), parse_outcome(RequestType.MIGRATION_EXCEPTION,
                                                       {"decision": "declined", "notes": "Use the standard path."}))

    plain = new_request(form())
    plain.route("emea-leads", at(0))
    plain.assign(ARCHITECT, LEAD, at(1))
    plain.complete(ARCHITECT, at(2), parse_outcome(RequestType.NON_ECIF, None))

    legacy = new_request(form())  # completed without an outcome: data {}
    legacy.route("emea-leads", at(0))
    legacy.assign(ARCHITECT, LEAD, at(1))
    legacy.complete(LEAD, at(2))

    declined = new_request(form())
    declined.route("emea-leads", at(0))
    declined.decline_request(LEAD, at(1), Decline(reason=DeclineReason.OUT_OF_SCOPE, note="Not covered."))

    cancelled = new_request(form())
    cancelled.cancel(REQUESTOR, at(1), reason="postponed")
    silently = new_request(form())
    silently.cancel(REQUESTOR, at(1))
    return [funding, migration, plain, legacy, declined, cancelled, silently]


EVENTS = [event for request in lifecycles() for event in request.history]


def test_the_lifecycles_record_every_event_type_but_the_reserved_ones():
    assert {event.type for event in EVENTS} == set(EventType) - RESERVED
    assert RESERVED == frozenset()


def test_every_event_type_has_a_payload_model_and_an_envelope():
    assert set(EVENT_DATA) == set(EventType) == set(ENVELOPES)
    assert len({model.__name__ for model in EVENT_DATA.values()}) == len(EventType)
    assert len({model.__name__ for model in ENVELOPES.values()}) == len(EventType)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.id}:{e.type.value}")
def test_every_recorded_event_validates_against_the_model_of_its_type(event):
    EVENT_DATA[event.type].model_validate(event.data)
    envelope = event.envelope()
    typed = ENVELOPES[event.type].model_validate(envelope)
    assert typed.to_json_dict(exclude_none=True) == envelope, "the model describes the envelope as it is published"


def test_a_payload_that_does_not_match_its_type_is_refused():
    routed = next(e for e in EVENTS if e.type is EventType.ROUTED)
    with pytest.raises(ValidationError, match="leadGroup"):
        EVENT_DATA[EventType.ROUTED].model_validate({})
    with pytest.raises(ValidationError, match="region"):
        EVENT_DATA[EventType.ROUTED].model_validate({**routed.data, "region": "emea"})
    with pytest.raises(ValidationError, match="type"):
        ENVELOPES[EventType.ASSIGNED].model_validate(routed.envelope())
    with pytest.raises(ValidationError, match="schemaVersion"):
        ENVELOPES[EventType.ROUTED].model_validate({**routed.envelope(), "schemaVersion": 2})
    with pytest.raises(ValidationError, match="category"):
        EVENT_DATA[EventType.COMPLETED].model_validate({"outcome": {"recommendation": "approve", "category": "cat-9"}})


def test_envelope_names_follow_the_event_type():
    assert envelope_name(EventType.INFO_REQUESTED) == "RequestInfoRequested"
    assert envelope_name(EventType.SUBMITTED) == "RequestSubmitted"
