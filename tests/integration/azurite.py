"""Azurite (npm ``azurite``), the Blob Storage peer of the documents tests, as a
pytest fixture: one ``azurite-blob`` per test session on a free loopback port,
with a temporary folder, stopped when the session ends.

``from tests.integration.azurite import azurite_connection`` in a conftest or a
test module; the value is a ``DocumentStorage`` connection string.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.peers import REPO_ROOT, free_port, launch, stop

AZURITE = REPO_ROOT / "node_modules" / ".bin" / "azurite-blob"
# Azurite's well-known development account (public, the same in every Azurite).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
START_TIMEOUT_SECONDS = 30.0

_RUNNING = pytest.StashKey[str]()


def connection_string(host: str, port: int) -> str:
    return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://{host}:{port}/{ACCOUNT};")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer: the server is up
    except OSError:
        return False


def start_azurite(folder: Path, host: str = "127.0.0.1") -> tuple[subprocess.Popen, str]:
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed for Azurite: install node 20 or later", pytrace=False)
    if not AZURITE.exists():
        pytest.fail(f"Azurite is not installed ({AZURITE} is missing): run npm ci in {REPO_ROOT}", pytrace=False)
    port = free_port(host)
    process = launch(
        "Azurite",
        [str(AZURITE), "--blobHost", host, "--blobPort", str(port), "--location", str(folder / "data"),
         "--silent", "--skipApiVersionCheck", "--loose"],
        folder / "azurite.log", lambda: _answers(f"http://{host}:{port}/{ACCOUNT}?comp=list"), START_TIMEOUT_SECONDS,
    )
    return process, connection_string(host, port)


stop_azurite = stop


@pytest.fixture(scope="session")
def azurite_connection(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The ``DocumentStorage`` connection string of the session's Azurite (started once)."""
    running = request.config.stash.get(_RUNNING, None)
    if running is not None:
        return running
    process, connection = start_azurite(tmp_path_factory.mktemp("azurite"))
    request.config.stash[_RUNNING] = connection
    request.config.add_cleanup(lambda: stop_azurite(process))
    return connection
