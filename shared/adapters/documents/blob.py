"""Azure Blob Storage as the document storage: one block blob per document in a
private container. The SDK is imported when the adapter is built; the
``BlobServiceClient`` is made once per process by ``shared.bootstrap``."""

from __future__ import annotations

from typing import Any, Iterator

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings

from shared.adapters.documents.local import checked_name
from shared.app.ports import SCAN_RESULT_TAG, DocumentStorageError, StoredObject


def blob_service_client(connection_string: str = "", account_url: str = "") -> BlobServiceClient:
    """From a connection string (Azurite, a key) or the account's blob endpoint with
    ``DefaultAzureCredential`` (the app's managed identity in Azure)."""
    if connection_string:
        return BlobServiceClient.from_connection_string(connection_string)
    from azure.identity import DefaultAzureCredential

    return BlobServiceClient(account_url, credential=DefaultAzureCredential())


class BlobDocumentStorage:
    name = "blob"

    def __init__(self, client: BlobServiceClient, container: str, *, create_container: bool = False):
        self.client = client
        self.container = client.get_container_client(container)
        if create_container:  # for Azurite; in Azure the Bicep makes the container
            try:
                self.container.create_container()
            except ResourceExistsError:
                pass

    def put(self, name: str, data: bytes, content_type: str) -> None:
        try:
            # One Put Blob for small documents, staged blocks committed at once for
            # larger ones: either way the blob appears whole or not at all.
            self.container.upload_blob(checked_name(name), data, overwrite=True,
                                       content_settings=ContentSettings(content_type=content_type))
        except AzureError as exc:
            raise DocumentStorageError(f"cannot store the document: {type(exc).__name__}") from None

    def get(self, name: str) -> bytes | None:
        try:
            return self.container.download_blob(checked_name(name)).readall()
        except ResourceNotFoundError:
            return None
        except AzureError as exc:
            raise DocumentStorageError(f"cannot read the document: {type(exc).__name__}") from None

    def delete(self, name: str) -> None:
        try:
            self.container.delete_blob(checked_name(name), delete_snapshots="include")
        except ResourceNotFoundError:
            pass
        except AzureError as exc:
            raise DocumentStorageError(f"cannot remove the document: {type(exc).__name__}") from None

    def list(self) -> Iterator[StoredObject]:
        try:
            for blob in self.container.list_blobs():
                yield StoredObject(blob.name, blob.creation_time)
        except AzureError as exc:
            raise DocumentStorageError(f"cannot list the documents: {type(exc).__name__}") from None

    def scan_result(self, name: str) -> str | None:
        try:
            return self.container.get_blob_client(checked_name(name)).get_blob_tags().get(SCAN_RESULT_TAG)
        except ResourceNotFoundError:
            return None
        except AzureError as exc:
            raise DocumentStorageError(f"cannot read the scan result: {type(exc).__name__}") from None

    def health(self) -> dict[str, Any]:
        try:
            self.container.get_container_properties()
        except AzureError as exc:
            return {"backend": self.name, "ok": False, "error": type(exc).__name__}
        return {"backend": self.name, "ok": True}

    def close(self) -> None:
        pass  # the client belongs to the runtime, which closes it
