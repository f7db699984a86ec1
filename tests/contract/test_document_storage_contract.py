"""One document storage contract, the same tests on both adapters: the local
folder and Blob Storage (Azurite, npm, started on a free port with a temporary folder)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from shared.adapters.documents.blob import BlobDocumentStorage, blob_service_client
from shared.adapters.documents.local import LocalDocumentStorage
from shared.app.ports import SCAN_CLEAN, SCAN_RESULT_TAG, DocumentStorage
from shared.domain.documents import new_document_id, storage_name
from tests.integration.azurite import azurite_connection  # noqa: F401  (fixture)


@pytest.fixture
def local_storage(tmp_path):
    return LocalDocumentStorage(tmp_path / "documents")


@pytest.fixture
def blob_storage(azurite_connection):  # noqa: F811
    client = blob_service_client(azurite_connection)
    container = f"documents-{uuid.uuid4().hex[:12]}"
    storage = BlobDocumentStorage(client, container, create_container=True)
    yield storage
    client.delete_container(container)


@pytest.fixture(params=["local", "blob"])
def storage(request) -> DocumentStorage:
    return request.getfixturevalue(f"{request.param}_storage")


def a_name(request_id: str = "FTA-CONTRACT") -> str:
    return storage_name(request_id, new_document_id())


def test_it_implements_the_port(storage):
    assert isinstance(storage, DocumentStorage)
    assert storage.health()["ok"] is True


def test_bytes_come_back_exactly(storage):
    name = a_name()
    content = bytes(range(256)) * 4096  # 1 MiB with every byte value
    storage.put(name, content, "application/pdf")
    assert storage.get(name) == content


def test_nothing_stored_is_none_and_deleting_it_is_no_error(storage):
    name = a_name()
    assert storage.get(name) is None
    storage.delete(name)
    storage.put(name, b"x", "text/plain")
    storage.delete(name)
    storage.delete(name)
    assert storage.get(name) is None


def test_listing_names_every_document_with_its_creation_time(storage):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    names = {a_name("FTA-ONE"), a_name("FTA-ONE"), a_name("FTA-TWO")}
    for name in names:
        storage.put(name, b"content", "text/plain")
    listed = {stored.name: stored.created_at for stored in storage.list()}
    assert names <= set(listed)
    for name in names:
        assert before <= listed[name] <= datetime.now(timezone.utc) + timedelta(seconds=5)
        assert listed[name].tzinfo is not None


def test_a_name_that_the_server_did_not_make_is_refused(storage):
    for hostile in ("../../etc/passwd", "FTA-X/../../y", "/abs", "FTA-X/DOC-1/extra"):
        with pytest.raises(ValueError):
            storage.put(hostile, b"x", "text/plain")


def test_a_replaced_document_is_whole(storage):
    name = a_name()
    storage.put(name, b"first version", "text/plain")
    storage.put(name, b"second", "text/plain")
    assert storage.get(name) == b"second"


def test_nothing_scanned_has_no_scan_result(storage):
    name = a_name()
    storage.put(name, b"x", "text/plain")
    assert storage.scan_result(name) is None


def test_blob_storage_reads_defenders_index_tag(blob_storage):
    name = a_name()
    blob_storage.put(name, b"x", "text/plain")
    # What Defender for Storage writes after scanning (blob index tags).
    blob_storage.container.get_blob_client(name).set_blob_tags({SCAN_RESULT_TAG: SCAN_CLEAN})
    assert blob_storage.scan_result(name) == SCAN_CLEAN


def test_the_local_folder_never_shows_a_partial_file(local_storage, tmp_path):
    name = a_name()
    local_storage.put(name, b"whole", "text/plain")
    (tmp_path / "documents" / name.split("/")[0] / ".partial-abc").write_bytes(b"half")
    assert [s.name for s in local_storage.list()] == [name]
