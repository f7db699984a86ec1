"""Figure 8: time to judge each hostile document (Office files with VBA projects
however named, a 300 MiB zip bomb, 60,000 entries, a nested archive, PDFs with
active content), worst of a few judgements each; every one must be refused."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.report import check, progress, table

BUDGET_S = 1.0


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    from shared.app.content import judge_content
    from shared.app.errors import UnsupportedContent
    from tests.hostile_documents import hostile_files

    files = hostile_files()
    rounds = 1 if sizes.renders < 100 else 5
    progress(f"hostile documents: {len(files)} files × {rounds} judgements")
    judged: dict[str, dict[str, Any]] = {}
    for name, content in files.items():
        timings, refused = [], True
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                judge_content(content)
                refused = False
            except UnsupportedContent:
                pass
            timings.append(time.perf_counter() - started)
        judged[name] = {"bytes": len(content), "worst_s": round(max(timings), 4), "refused": refused}
    slowest = max(judged, key=lambda n: judged[n]["worst_s"])
    worst = judged[slowest]["worst_s"]
    accepted = [name for name, figure in judged.items() if not figure["refused"]]
    return {
        "files": judged,
        "budget_s": BUDGET_S,
        "checks": [
            check("Judging a hostile document, slowest file (worst of its judgements)",
                  f"{worst * 1000:.1f} ms ({slowest})", f"< {BUDGET_S:g} s", worst < BUDGET_S, worst),
            check("Hostile documents refused", f"{len(judged) - len(accepted)} of {len(judged)}",
                  "all", not accepted, len(judged) - len(accepted)),
        ],
    }


def describe(result: dict[str, Any]) -> str:
    rows = [[name, f["bytes"], f"{f['worst_s'] * 1000:.1f}", "refused" if f["refused"] else "ACCEPTED"]
            for name, f in result["files"].items()]
    return "Hostile documents, each judged by its bytes (ms, worst of its judgements):\n\n" + table(
        ["file", "bytes", "worst ms", "verdict"], rows)
