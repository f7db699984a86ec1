"""The Cosmos DB protocol server (``@vercel/cosmosdb-server`` from npm, started by
``tools/cosmos-server.js``) as pytest fixtures.

One server per test session on a free loopback port, over HTTPS with the
package's self-signed certificate; it keeps everything in memory and is
stopped when the session ends. Import the fixtures into a conftest or a test
module: ``from tests.integration.cosmos_server import cosmos_endpoint, cosmos_client``.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.peers import REPO_ROOT, free_port, launch, stop

SERVER_PACKAGE = REPO_ROOT / "node_modules" / "@vercel" / "cosmosdb-server" / "package.json"
SERVER_SCRIPT = REPO_ROOT / "tools" / "cosmos-server.js"
EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
START_TIMEOUT_SECONDS = 20.0

_RUNNING = pytest.StashKey[str]()


def _answers(endpoint: str) -> bool:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(endpoint + "/", context=context, timeout=1) as response:
            return response.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


def start_cosmos_server(log_path: Path, host: str = "127.0.0.1", *extra: str) -> tuple[subprocess.Popen, str]:
    """``extra``: more options of tools/cosmos-server.js (``--throttle-reads N --retry-after-ms MS``)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the Cosmos DB protocol server: install node 20 or later", pytrace=False)
    if not SERVER_PACKAGE.is_file():
        pytest.fail(
            f"the Cosmos DB protocol server is not installed ({SERVER_PACKAGE.parent} is missing): "
            f"run npm ci in {REPO_ROOT}",
            pytrace=False,
        )
    port = free_port(host)
    endpoint = f"https://{host}:{port}"
    process = launch("the Cosmos DB protocol server",
                     [node, str(SERVER_SCRIPT), "--port", str(port), "--host", host, *extra],
                     log_path, lambda: _answers(endpoint), START_TIMEOUT_SECONDS)
    return process, endpoint


stop_cosmos_server = stop


@pytest.fixture(scope="session")
def cosmos_endpoint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """``https://127.0.0.1:<port>`` of the session's server (started once, however often this is imported)."""
    running = request.config.stash.get(_RUNNING, None)
    if running is not None:
        return running
    process, endpoint = start_cosmos_server(tmp_path_factory.mktemp("cosmos-server") / "server.log")
    request.config.stash[_RUNNING] = endpoint
    request.config.add_cleanup(lambda: stop_cosmos_server(process))
    return endpoint


@pytest.fixture(scope="session")
def cosmos_client(cosmos_endpoint: str):
    """One SDK client for the session, built by the production factory."""
    from shared.adapters.store.cosmos import cosmos_client as build_client

    client = build_client(cosmos_endpoint, EMULATOR_KEY, verify_tls=False)
    yield client
    client.close()
