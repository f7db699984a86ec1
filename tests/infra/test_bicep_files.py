"""Every Bicep file parses, and main.bicep follows the azd conventions."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from pycep import BicepParser

from tests.infra.bicep_facts import INFRA_DIR, MAIN_BICEP, REPO_ROOT, bicep_files, parse_bicep

MODULES = {"monitoring", "storage", "servicebus", "cosmos", "functionapp", "roles", "alerts", "keyvault"}


def test_infra_holds_main_and_every_module():
    names = {path.relative_to(INFRA_DIR).as_posix() for path in bicep_files()}
    assert names == {"main.bicep", *(f"modules/{m}.bicep" for m in MODULES)}


@pytest.mark.parametrize("path", bicep_files(), ids=lambda p: p.relative_to(INFRA_DIR).as_posix())
def test_bicep_file_parses(path):
    parsed = BicepParser().parse(file_path=path)
    assert parsed.get("resources") or parsed.get("modules"), f"{path.name} declares nothing"


def test_a_broken_file_does_not_parse(tmp_path):
    broken = tmp_path / "broken.bicep"
    broken.write_text(MAIN_BICEP.read_text().replace("resource rg ", "resource rg = ", 1))
    with pytest.raises(Exception):
        BicepParser().parse(file_path=broken)


def test_main_calls_every_module_in_the_azd_resource_group():
    main = parse_bicep(MAIN_BICEP)
    assert main["globals"]["scope"]["value"] == "subscription"
    (rg,) = [r for r in main["resources"].values() if r["type"] == "Microsoft.Resources/resourceGroups"]
    assert rg["config"]["name"] == "rg-${environmentName}"
    assert main["variables"]["tags"]["value"] == {"'azd-env-name'": "environmentName"}
    assert rg["config"]["tags"] == "tags"
    called = {m["detail"]["path"] for m in main["modules"].values()}
    assert called == {f"modules/{m}.bicep" for m in MODULES}
    for module in main["modules"].values():
        assert module["config"]["scope"] == "rg"
        assert module["config"]["params"].get("tags", "tags") == "tags"


def test_main_outputs_what_azd_and_operators_need():
    outputs = parse_bicep(MAIN_BICEP)["outputs"]
    assert {"AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME",
            "SERVICE_API_NAME", "SERVICE_API_URI"} <= set(outputs)


def test_parameters_file_feeds_main_from_the_azd_environment():
    parameters = json.loads((INFRA_DIR / "main.parameters.json").read_text())["parameters"]
    declared = parse_bicep(MAIN_BICEP)["parameters"]
    assert set(parameters) <= set(declared)
    required = {name for name, param in declared.items() if param.get("default") is None}
    assert required <= set(parameters), f"no value for {required - set(parameters)}"
    assert parameters["environmentName"]["value"] == "${AZURE_ENV_NAME}"
    assert parameters["location"]["value"] == "${AZURE_LOCATION}"
    for name, entry in parameters.items():
        assert re.fullmatch(r"\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}", entry["value"]), f"{name}: {entry['value']!r}"


def test_azure_yaml_deploys_this_folder_to_the_tagged_function_app(facts):
    azure = yaml.safe_load((REPO_ROOT / "azure.yaml").read_text())
    assert azure["infra"] == {"provider": "bicep", "path": "infra", "module": "main"}
    assert azure["services"] == {"api": {"project": ".", "language": "python", "host": "function"}}
    assert facts["function_app"]["tags"]["azd-service-name"] == "api"
