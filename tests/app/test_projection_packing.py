"""A projection is stored packed (each word once, each counter's key one
character per word): it reads back as written, in every shape it can take,
and an assigned request's projection with its change owed stays under the
kilobyte that prices a Cosmos DB write at 5 RU instead of 10."""

from __future__ import annotations

import json

import pytest

from shared import topology
from shared.adapters.repositories.reports import StoredReadModel
from shared.adapters.store.sqlite import SqliteStore
from shared.app.ports import Projection
from shared.domain import reporting as rules
from tests.app.conftest import LEAD_P, REQUESTOR_P


@pytest.fixture
def reports(tmp_path):
    store = SqliteStore(tmp_path / "store.sqlite3")
    yield StoredReadModel(store)
    store.close()


def stored_doc(reports: StoredReadModel, request_id: str) -> dict:
    return reports.store.read(topology.REPORTS, "p." + request_id).doc


CONTRIBUTION = {
    "current.1": {"status|assigned|emea-leads": 1, "open|eva.novak@contoso.com": 1,
                  "openNow|architect|eva.novak@contoso.com": 1},
    "sla.2026-11-24.1": {"region|emea|submitted": 1, "architect|eva.novak@contoso.com|withinSla": 1},
    "sla.2026-11-24.t": {"region|emea|t12": 1},
}
OWED = {"current.1": {"status|routed|emea-leads": -1, "status|assigned|emea-leads": 1},
        "sla.2026-11-24.t": {"region|emea|t12": 1}}


@pytest.mark.parametrize("pending", [None, OWED, CONTRIBUTION], ids=["settled", "owing a change", "owing it all"])
def test_a_projection_reads_back_as_written(reports, pending):
    etag = reports.save_projection(Projection("FTA-A", 3, CONTRIBUTION, pending))
    found = reports.projection("FTA-A")
    assert (found.request_id, found.seq, found.contribution, found.pending, found.etag) == (
        "FTA-A", 3, CONTRIBUTION, pending, etag)
    doc = stored_doc(reports, "FTA-A")
    assert "contribution" not in doc and "eva.novak@contoso.com" in doc["w"]
    assert json.dumps(doc).count("eva.novak@contoso.com") == 1, "each word once"


def test_keys_with_the_separator_inside_a_word_or_empty_parts_survive(reports):
    odd = {"current.0": {"status||x": 2, "|lead|": -1, "plain": 1, "zero": 0, "many": -12}}
    reports.save_projection(Projection("FTA-B", 1, odd, None))
    assert reports.projection("FTA-B").contribution == odd


def test_more_words_than_characters_are_stored_plain_and_read_alike(reports):
    many = {"current.2": {f"architect|a{n}@contoso.com|open": 1 for n in range(80)}}
    reports.save_projection(Projection("FTA-C", 2, many, many))
    assert "contribution" in stored_doc(reports, "FTA-C")
    found = reports.projection("FTA-C")
    assert found.contribution == many and found.pending == many


def test_a_projection_written_before_packing_reads_as_it_did(reports):
    reports.store.create(topology.REPORTS, {"id": "p.FTA-D", "kind": "projection", "requestId": "FTA-D", "seq": 2,
                                            "contribution": CONTRIBUTION, "pending": OWED})
    found = reports.projection("FTA-D")
    assert found.contribution == CONTRIBUTION and found.pending == OWED


def test_an_assigned_requests_projection_owing_its_change_is_under_a_kilobyte(ctx, clock):
    from shared.app import intake
    from shared.app.commands import SubmitRequest
    from shared.domain.model import RequestForm
    from tests.factories import form

    request = intake.submit_request(ctx, REQUESTOR_P, SubmitRequest(RequestForm.model_validate(form()), None)).request
    loaded, _ = ctx.requests.get(request.id)
    loaded.route("emea-leads", clock(), ctx.sla)
    loaded.assign("eva.novak@contoso.com", LEAD_P.email, clock())
    before = rules.contribution(rules.facts(loaded, 2, ctx.sla))
    after = rules.contribution(rules.facts(loaded, len(loaded.history), ctx.sla))
    ctx.reports.save_projection(Projection(loaded.id, len(loaded.history), after, rules.difference(before, after)))
    size = len(json.dumps(stored_doc(ctx.reports, loaded.id)))  # as the SDK sends it
    assert size + 200 <= 1024, f"{size} B with Cosmos DB's system properties passes a kilobyte"
