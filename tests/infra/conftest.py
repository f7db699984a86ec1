from __future__ import annotations

import json
import subprocess

import pytest

from tests.infra.bicep_facts import INFRA_DIR, REPO_ROOT, bicep_facts

# checkov pins its own dependency versions (boto3, packaging, ...), so it lives
# in a venv of its own instead of the app's .venv.
CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="session")
def facts() -> dict:
    return bicep_facts()


@pytest.fixture(scope="session")
def checkov_report() -> dict:
    """One checkov scan of infra/ per test session (it takes several seconds)."""
    assert CHECKOV.is_file(), (
        f"{CHECKOV} is missing: create it with "
        "`python3.11 -m venv .venv-checkov && .venv-checkov/bin/pip install 'checkov~=3.3.30'`"
    )
    completed = subprocess.run(
        [str(CHECKOV), "-d", str(INFRA_DIR), "--framework", "bicep", "--skip-download", "--compact", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert completed.stdout.strip(), (
        f"checkov printed no report (exit {completed.returncode}): {completed.stderr[-2000:]}"
    )
    report = json.loads(completed.stdout)
    reports = report if isinstance(report, list) else [report]
    (bicep,) = [r for r in reports if r.get("check_type") == "bicep"]
    bicep["exit_code"] = completed.returncode
    return bicep
