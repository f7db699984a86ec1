"""Figure 9: Lighthouse (npm ``lighthouse``, Debian's chromium) on the page's
views (the four of the budget, the form and the architects' view) of a devhost
filled by ``python -m ops demo``, signed in as a lead:
performance, accessibility and best practices per view, mobile and desktop.
Budgets: performance at least 95, accessibility and best practices 100.
A view the app does not serve yet (404) is reported as such, not scored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench import REPO
from bench.cold_start import ISOLATED_PREFIXES
from bench.live import start_devhost
from bench.report import check, progress, table

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
                " --disable-sync")
CATEGORIES = ("performance", "accessibility", "best-practices")
BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
VIEWS = ("/", "/queue", "/requests/{id}", "/reports", "/requests/new", "/architects")
FORM_FACTORS = ("mobile", "desktop")
LEAD = "fta-alignment@contoso.com"
RUN_TIMEOUT_SECONDS = 180


def fill_demo(data_dir: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    environment.update(FTA_DATA_DIR=str(data_dir))
    done = subprocess.run([sys.executable, "-m", "ops", "demo"], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"ops demo failed: {done.stderr.strip()[-500:]}")


def lead_headers() -> dict[str, str]:
    """Signed in as a lead, as App Service Authentication would say it (on every request the page makes)."""
    from devhost.principal import build_principal

    return {"X-MS-CLIENT-PRINCIPAL": build_principal(LEAD, ("FTA.Lead",), "FTA Alignment")}


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=lead_headers()), timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def a_request_id(base: str) -> str:
    request = urllib.request.Request(base + "/api/requests?limit=50", headers=lead_headers())
    with urllib.request.urlopen(request, timeout=30) as answer:
        items = json.loads(answer.read())["items"]
    assigned = [item for item in items if item["status"] == "assigned"] or items
    return assigned[0]["id"]


def score(url: str, form_factor: str, output: Path) -> dict[str, Any]:
    """One Lighthouse run: each category's score out of 100 (None when Lighthouse could not score it)."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run npm ci")
    argv = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={output}", "--quiet",
            f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
            f"--extra-headers={json.dumps(lead_headers())}"]
    if form_factor == "desktop":
        argv.append("--preset=desktop")
    done = subprocess.run(argv, cwd=REPO, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_SECONDS)
    if done.returncode != 0 or not output.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-500:]}")
    report = json.loads(output.read_text(encoding="utf-8"))
    scores = {name: (None if report["categories"][name]["score"] is None
                     else round(report["categories"][name]["score"] * 100)) for name in CATEGORIES}
    failing = sorted(audit_id for audit_id, audit in report["audits"].items()
                     if audit.get("score") is not None and audit["score"] < 0.9
                     and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))
    return {"scores": scores, "failing_audits": failing[:12], "runtime_error": report.get("runtimeError")}


def meets(scores: dict[str, int | None]) -> bool:
    return all(scores[name] is not None and scores[name] >= budget for name, budget in BUDGETS.items())


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    quick = sizes.renders < 100
    views = VIEWS[:1] if quick else VIEWS
    form_factors = FORM_FACTORS[1:] if quick else FORM_FACTORS
    data_dir = workdir / "data"
    progress("lighthouse: filling the demo store")
    fill_demo(data_dir)
    measured: list[dict[str, Any]] = []
    with start_devhost(data_dir) as host:
        request_id = a_request_id(host.url)
        for view in views:
            path = view.replace("{id}", request_id)
            status = status_of(host.url + path)
            for form_factor in form_factors:
                row: dict[str, Any] = {"view": view, "path": path, "form_factor": form_factor, "status": status}
                if status == 200:
                    progress(f"lighthouse: {path} ({form_factor})")
                    output = workdir / f"{view.strip('/').replace('/', '-').replace('{', '').replace('}', '') or 'home'}"\
                                       f"-{form_factor}.json"
                    row.update(score(host.url + path, form_factor, output))
                measured.append(row)
    checks = []
    for row in measured:
        name = f"Lighthouse {row['view']} ({row['form_factor']})"
        if row["status"] != 200:
            checks.append(check(name, f"HTTP {row['status']}: the app does not serve this view yet", "served", None))
            continue
        s = row["scores"]
        text = " · ".join(f"{label} {s[key] if s[key] is not None else 'n/a'}" for key, label in
                          (("performance", "performance"), ("accessibility", "accessibility"),
                           ("best-practices", "best practices")))
        checks.append(check(name, text, "≥ 95 · 100 · 100", meets(s), s["performance"]))
    return {"views": measured, "budgets": BUDGETS, "lead": LEAD, "checks": checks}


def describe(result: dict[str, Any]) -> str:
    rows = []
    for row in result["views"]:
        if row["status"] != 200:
            rows.append([row["view"], row["form_factor"], f"HTTP {row['status']}", "", "", ""])
            continue
        s = row["scores"]
        rows.append([row["view"], row["form_factor"], s["performance"], s["accessibility"], s["best-practices"],
                     ", ".join(row["failing_audits"]) or "-"])
    return ("Lighthouse on the demo's views, signed in as a lead (scores out of 100; budgets: performance ≥ 95,"
            " accessibility 100, best practices 100):\n\n"
            + table(["view", "form factor", "performance", "accessibility", "best practices", "audits below 90"], rows))
