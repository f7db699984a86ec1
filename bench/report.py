"""Budgets, verdicts, the machine, and the printed table."""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

PASS, MISS, INFO = "PASS", "MISS", "info"


def check(figure: str, measured: str, budget: str, passed: bool | None, value: float | int | None = None) -> dict[str, Any]:
    """One row of the table: ``passed=None`` is a figure reported without a budget."""
    return {
        "figure": figure,
        "measured": measured,
        "value": value,
        "budget": budget,
        "verdict": INFO if passed is None else (PASS if passed else MISS),
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = [_row(headers), _row("---" for _ in headers)]
    lines += [_row(str(c) for c in row) for row in rows]
    return "\n".join(lines)


def render(results: dict[str, Any], describers: dict[str, Callable[[dict[str, Any]], str]]) -> str:
    """The whole report as Markdown: the summary table, then each figure's detail."""
    info = results["machine"]
    mode = "quick (tiny sizes: verdicts are not meaningful and not asserted)" if results["quick"] else "full"
    out = [
        f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['platform']}; "
        f"run {info['date']}; mode: {mode}.",
        "",
    ]
    rows = []
    for name, figure in results["figures"].items():
        if "error" in figure:
            rows.append([name, f"ERROR: {figure['error']}", "", MISS])
            continue
        for row in figure["checks"]:
            rows.append([row["figure"], row["measured"], row["budget"], row["verdict"]])
    out.append(table(["figure", "measured", "budget", "verdict"], rows))
    for name, figure in results["figures"].items():
        if "error" not in figure and name in describers:
            out += ["", describers[name](figure)]
    return "\n".join(out) + "\n"


def misses(results: dict[str, Any]) -> list[str]:
    found = []
    for name, figure in results["figures"].items():
        if "error" in figure:
            found.append(f"{name}: {figure['error']}")
            continue
        found += [row["figure"] for row in figure["checks"] if row["verdict"] == MISS]
    return found


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
