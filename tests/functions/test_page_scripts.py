"""The page's scripts are checked like the Python: TypeScript reads every
module's JSDoc types (``// @ts-check``, no build, no output), the pure modules'
tests run under ``node --test``, and the page's router and the server agree
on the addresses of the views."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from functions.web import PAGE_PATHS

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "functions" / "web" / "static"
TSC = REPO / "node_modules" / ".bin" / "tsc"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)


def test_every_module_is_type_checked():
    for module in sorted(STATIC.glob("*.js")):
        assert module.read_text(encoding="utf-8").startswith("// @ts-check\n"), module.name
    config = json.loads((REPO / "tsconfig.json").read_text(encoding="utf-8"))["compilerOptions"]
    assert config["checkJs"] and config["noEmit"] and config["strict"]
    assert TSC.is_file(), f"{TSC} is missing: run npm ci"
    checked = run(str(TSC), "-p", "tsconfig.json", "--noEmit")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_pure_modules_pass_their_node_tests():
    tested = run("node", "--test", "tests/web/")
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert "# fail 0" in tested.stdout


def test_the_router_and_the_server_serve_the_same_addresses():
    script = "import('./functions/web/static/router.js').then((m) => console.log(JSON.stringify(m.PATHS)))"
    answer = run("node", "--input-type=module", "-e", script)
    assert answer.returncode == 0, answer.stderr
    assert tuple(json.loads(answer.stdout)) == PAGE_PATHS


def test_the_page_keeps_no_copy_of_the_vocabulary():
    script = "\n".join(p.read_text(encoding="utf-8") for p in STATIC.glob("*.js"))
    for label in ("SOW review / ECIF related", "Routed to leads", "SMC-C", "Additional information needed",
                  "Out of FastTrack scope", "Cat 2b: adoption / training", "Statement of work (SOW)", "Cost breakdown",
                  "Government (GCC)"):
        assert label not in script, label
