"""Figure 1: cold start. Import time of ``function_app`` against importing
``azure.functions`` alone (the floor every Python function app pays), each in
fresh interpreters, interleaved A/B; and which heavy SDK modules importing
``function_app`` pulls in (none may: adapters import their SDK when built)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import REPO
from bench.report import check, progress, table
from bench.stats import median

BUDGET_RATIO = 1.5
HEAVY_MODULES = ("azure.cosmos", "azure.servicebus", "azure.identity", "boto3", "botocore", "uvicorn", "aiosmtpd")
REPORTED_MODULES = ("jinja2", "pydantic", "yaml", "croniter", "sqlite3", "email.mime")
ISOLATED_PREFIXES = ("FTA_", "COSMOS_", "SMTP_", "ServiceBusConnection", "AWS_", "APPLICATIONINSIGHTS_")

TIMED = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
INVENTORY = """
import json, sys

def third_party(names):
    tops = {{name.split('.')[0] for name in names}}
    return sorted(t for t in tops - set(sys.stdlib_module_names) - {{"function_app", "functions", "shared"}}
                  if not t.startswith("_") and t != "cython_runtime")

before = set(sys.modules)
import azure.functions
floor = set(sys.modules)
import function_app
after = set(sys.modules)
print(json.dumps({{
    "loaded": [m for m in {checked!r} if m in sys.modules],
    "modules_azure_functions": len(floor - before),
    "modules_function_app": len(after - before),
    "extra_top_level": third_party(after - floor),
}}))
"""


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ISOLATED_PREFIXES)}
    env["PYTHONPATH"] = str(REPO)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"python -c failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return done.stdout.strip().splitlines()[-1]


def import_seconds(module: str, env: dict[str, str]) -> float:
    return float(python(TIMED.format(module=module), env))


def inventory(env: dict[str, str]) -> dict[str, Any]:
    return json.loads(python(INVENTORY.format(checked=HEAVY_MODULES + REPORTED_MODULES), env))


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    env = clean_env()
    progress(f"cold start: {sizes.cold_starts} fresh interpreters each for function_app and azure.functions")
    import_seconds("function_app", env)  # writes any missing bytecode before timing
    app_times, floor_times = [], []
    for index in range(sizes.cold_starts):
        pair = [("function_app", app_times), ("azure.functions", floor_times)]
        for module, times in (pair if index % 2 == 0 else reversed(pair)):
            times.append(import_seconds(module, env))
    found = inventory(env)
    app_s, floor_s = median(app_times), median(floor_times)
    ratio = app_s / floor_s
    heavy = [m for m in found["loaded"] if m in HEAVY_MODULES]
    return {
        "function_app_s": round(app_s, 4),
        "azure_functions_s": round(floor_s, 4),
        "ratio": round(ratio, 3),
        "budget_ratio": BUDGET_RATIO,
        "samples": sizes.cold_starts,
        "function_app_samples_s": [round(t, 4) for t in app_times],
        "azure_functions_samples_s": [round(t, 4) for t in floor_times],
        "heavy_modules_checked": list(HEAVY_MODULES),
        "heavy_modules_loaded": heavy,
        "other_modules_loaded": [m for m in found["loaded"] if m not in HEAVY_MODULES],
        "modules_azure_functions": found["modules_azure_functions"],
        "modules_function_app": found["modules_function_app"],
        "extra_top_level_packages": found["extra_top_level"],
        "checks": [
            check("Cold start: import function_app / import azure.functions (medians)",
                  f"{app_s * 1000:.0f} ms / {floor_s * 1000:.0f} ms = {ratio:.2f}×", f"≤ {BUDGET_RATIO:g}×",
                  ratio <= BUDGET_RATIO, round(ratio, 3)),
            check("Heavy SDK modules loaded by importing function_app",
                  ", ".join(heavy) or "none", "none of " + ", ".join(HEAVY_MODULES), not heavy, len(heavy)),
        ],
    }


def describe(result: dict[str, Any]) -> str:
    rows = [
        ["import azure.functions", f"{result['azure_functions_s'] * 1000:.0f}", result["modules_azure_functions"]],
        ["import function_app", f"{result['function_app_s'] * 1000:.0f}", result["modules_function_app"]],
    ]
    return "\n".join([
        f"Cold start ({result['samples']} fresh interpreters each, interleaved):",
        "",
        table(["import", "median ms", "modules loaded"], rows),
        "",
        "Third-party packages function_app imports beyond azure.functions: " + ", ".join(result["extra_top_level_packages"]) + ".",
    ])
