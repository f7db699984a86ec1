"""The documents' storage in infra/: the private container the code names, the
app's role on it alone, the settings the code reads, Defender for Storage as a parameter."""

from __future__ import annotations

import shutil

from shared import topology
from shared.settings import load_settings
from tests.infra.bicep_facts import INFRA_DIR, MAIN_BICEP, _maybe, bicep_facts, deployment_scopes, evaluate, resources
from tests.infra.test_infra_drift import DEPLOYMENT_TIME_SETTINGS

CONTAINER_TYPE = "Microsoft.Storage/storageAccounts/blobServices/containers"
ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments"
DEFENDER_TYPE = "Microsoft.Security/defenderForStorageSettings"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"


def containers(main=MAIN_BICEP) -> dict[str, dict]:
    return {_maybe(r.body["name"], r.scope): r.evaluated() for r in resources(deployment_scopes(main), CONTAINER_TYPE)}


def defender_settings(main=MAIN_BICEP) -> list[dict]:
    """The Defender for Storage settings deployed (a conditional resource: when its condition holds)."""
    found = []
    for resource in resources(deployment_scopes(main), DEFENDER_TYPE):
        if evaluate(resource.body["condition"], resource.scope) is True:
            found.append(_maybe(resource.body["config"], resource.scope))
    return found


def test_the_documents_container_is_the_code_container_and_private():
    found = containers()
    assert topology.DOCUMENTS_CONTAINER in found, sorted(found)
    assert found[topology.DOCUMENTS_CONTAINER]["properties"] == {"publicAccess": "None"}


def test_app_settings_name_the_container_and_the_managed_identity_connection(facts):
    settings = facts["app_settings"]
    assert settings["FTA_DOCUMENTS"] == "blob"
    assert settings["FTA_DOCUMENTS_CONTAINER"] == topology.DOCUMENTS_CONTAINER
    assert f"{topology.DOCUMENT_STORAGE_CONNECTION}__blobServiceUri" in settings
    assert topology.DOCUMENT_STORAGE_CONNECTION not in settings, "no connection string: managed identity only"
    loaded = load_settings({**settings, **DEPLOYMENT_TIME_SETTINGS})
    assert (loaded.documents, loaded.documents_container, loaded.documents_require_scan) == (
        "blob", topology.DOCUMENTS_CONTAINER, False)


def test_the_app_holds_blob_data_contributor_on_the_documents_container_only():
    scopes = deployment_scopes()
    assignments = [r for r in resources(scopes, ROLE_ASSIGNMENT_TYPE)
                   if "storageBlobDataContributor" in str(r.body["properties"]["roleDefinitionId"])]
    assert len(assignments) == 1
    assert assignments[0].scope.lookup("storageBlobDataContributor") == BLOB_DATA_CONTRIBUTOR
    declared = assignments[0].scope.doc["resources"][assignments[0].body["scope"]]
    assert declared["type"] == CONTAINER_TYPE and declared["existing"] is True
    assert str(declared["config"]["name"]).endswith("/default/${documentsContainerName}"), declared["config"]["name"]
    assert assignments[0].scope.lookup("documentsContainerName") == topology.DOCUMENTS_CONTAINER


def test_defender_malware_scanning_is_a_parameter_that_also_switches_the_app(tmp_path):
    assert defender_settings() == [], "off by default"
    shutil.copytree(INFRA_DIR, tmp_path / "infra")
    main = tmp_path / "infra" / "main.bicep"
    main.write_text(main.read_text().replace("param documentsMalwareScanning bool = false",
                                             "param documentsMalwareScanning bool = true"))
    defender = defender_settings(main)
    assert len(defender) == 1
    on_upload = defender[0]["properties"]["malwareScanning"]["onUpload"]
    assert on_upload["isEnabled"] is True
    assert bicep_facts(main)["app_settings"]["FTA_DOCUMENTS_REQUIRE_SCAN"] in ("true", "True")
