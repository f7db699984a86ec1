"""The layers as the code must keep them (import-linter checks the imports in `make test`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400


def test_no_module_of_the_product_or_its_tools_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for folder in ("shared", "functions", "devhost", "ops", "bench")
        for path in [*(ROOT / folder).rglob("*.py"), *(ROOT / folder).rglob("*.js")]
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_only_the_functions_name_http_status_codes():
    offenders = []
    for path in [*(ROOT / "shared" / "app").rglob("*.py"), *(ROOT / "shared" / "domain").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if "status = 4" in text or "status = 5" in text or "HttpResponse" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_use_cases_never_name_a_container_or_a_document_field_query():
    for path in (ROOT / "shared" / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "Where(" not in text and "topology.REQUESTS" not in text, path.name
    for folder in ("ops", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "Where(" not in path.read_text(encoding="utf-8"), f"{folder}/{path.name} queries the store itself"
