"""Documents end to end over real HTTP: devhost with FTA_DOCUMENTS=blob against
Azurite (npm), the funding review from upload to its ECIF outcome, and the
malware scan's verdict deciding what is served."""

from __future__ import annotations

import pytest

from shared.adapters.documents.blob import blob_service_client
from shared.app.ports import SCAN_CLEAN, SCAN_RESULT_TAG
from tests.document_samples import CSV, PDF, XLSX, upload_body
from tests.factories import LEAD, OTHER, REQUESTOR, sow_form
from tests.integration import live
from tests.integration.azurite import azurite_connection  # noqa: F401  (fixture)

pytestmark = pytest.mark.timeout(120)
LEADS = ("FTA.Lead",)


def start(tmp_path, connection, container, **env):
    return live.start(tmp_path / "data", FTA_DOCUMENTS="blob", DocumentStorage=connection,
                      FTA_DOCUMENTS_CONTAINER=container, FTA_SWEEP_SCHEDULE=live.NEVER, **env)


def upload(app, request_id, kind, name, content, user=REQUESTOR, roles=()):
    body, content_type = upload_body(kind, name, content)
    return app.request("POST", f"/api/requests/{request_id}/documents", body, user=user, roles=roles,
                       headers={"Content-Type": content_type})


def routed(app) -> str:
    request_id = app.request("POST", "/api/requests", sow_form()).body["id"]
    app.wait_for(lambda: app.request("GET", f"/api/requests/{request_id}").body["status"] == "routed")
    return request_id


def test_a_funding_review_from_upload_to_its_outcome_on_blob_storage(tmp_path, azurite_connection):  # noqa: F811
    app = start(tmp_path, azurite_connection, "documents-e2e")
    try:
        request_id = routed(app)
        sow = upload(app, request_id, "sow", "../SOW.pdf", PDF)
        assert sow.status == 201 and sow.body["fileName"] == "SOW.pdf"
        refused = app.request("POST", f"/api/requests/{request_id}/assign", {"architect": "auto"}, user=LEAD, roles=LEADS)
        assert refused.status == 409 and refused.body["missingDocuments"] == ["wbs", "cost-breakdown"]
        assert upload(app, request_id, "wbs", "WBS.xlsx", XLSX).status == 201
        assert upload(app, request_id, "cost-breakdown", "costs.csv", CSV).status == 201
        assigned = app.request("POST", f"/api/requests/{request_id}/assign", {"architect": "auto"}, user=LEAD, roles=LEADS)
        assert assigned.status == 200 and assigned.body["status"] == "assigned"
        done = app.request("POST", f"/api/requests/{request_id}/complete",
                           {"outcome": {"recommendation": "approve", "category": "cat-1"}}, user=LEAD, roles=LEADS)
        assert done.status == 200 and done.body["outcome"]["category"] == "cat-1"

        got = app.request("GET", f"/api/requests/{request_id}/documents/{sow.body['id']}")
        assert got.status == 200 and got.headers["Content-Type"] == "application/pdf"
        assert got.headers["Content-Disposition"] == "attachment; filename=\"SOW.pdf\"; filename*=UTF-8''SOW.pdf"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Content-Security-Policy"] == "sandbox"
        assert got.headers["Cache-Control"] == "private, no-store"
        assert app.request("GET", f"/api/requests/{request_id}/documents/{sow.body['id']}", user=OTHER).status == 404

        container = blob_service_client(azurite_connection).get_container_client("documents-e2e")
        names = sorted(b.name for b in container.list_blobs())
        assert names == sorted(f"{request_id}/{d['id']}" for d in done.body["documents"])
        assert container.download_blob(f"{request_id}/{sow.body['id']}").readall() == PDF
    finally:
        app.stop()


def test_with_scanning_required_only_documents_tagged_clean_are_served(tmp_path, azurite_connection):  # noqa: F811
    app = start(tmp_path, azurite_connection, "documents-scanned", FTA_DOCUMENTS_REQUIRE_SCAN="true")
    try:
        request_id = routed(app)
        document_id = upload(app, request_id, "sow", "SOW.pdf", PDF).body["id"]
        url = f"/api/requests/{request_id}/documents/{document_id}"
        pending = app.request("GET", url)
        assert pending.status == 409 and pending.body["error"] == "scan-pending"
        blob = blob_service_client(azurite_connection).get_container_client("documents-scanned").get_blob_client(
            f"{request_id}/{document_id}")
        blob.set_blob_tags({SCAN_RESULT_TAG: "Malicious"})  # what Defender for Storage writes
        assert app.request("GET", url).body["error"] == "scan-failed"
        blob.set_blob_tags({SCAN_RESULT_TAG: SCAN_CLEAN})
        served = app.request("GET", url)
        assert served.status == 200 and served.headers["Content-Type"] == "application/pdf"
    finally:
        app.stop()
