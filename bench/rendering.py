"""Figure 5: time to render one notification email (subject, text and HTML),
per template, median of many renders after a warm-up."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.report import check, progress, table
from bench.stats import median, percentile

BUDGET_MS = 1.0


def context_for(template: str) -> dict[str, Any]:
    from tests.factories import email_context_sample

    return email_context_sample(template)


def time_renders(template: str, context: dict[str, Any], warmup: int, samples: int) -> list[float]:
    from shared.adapters.mail.render import render_email

    for _ in range(warmup):
        render_email(template, context)
    timings = []
    clock = time.perf_counter_ns
    for _ in range(samples):
        started = clock()
        render_email(template, context)
        timings.append((clock() - started) / 1e6)
    return timings


def run(sizes: Any, workdir: Path, results: dict[str, Any]) -> dict[str, Any]:
    from shared.adapters.mail.render import TEMPLATES

    progress(f"rendering: {len(TEMPLATES)} templates × {sizes.renders} renders")
    templates = {}
    for template in TEMPLATES:
        timings = time_renders(template, context_for(template), sizes.render_warmup, sizes.renders)
        templates[template] = {
            "median_ms": round(median(timings), 4),
            "p95_ms": round(percentile(timings, 95), 4),
            "samples": len(timings),
        }
    slowest = max(templates, key=lambda t: templates[t]["median_ms"])
    worst = templates[slowest]["median_ms"]
    return {
        "templates": templates,
        "budget_ms": BUDGET_MS,
        "checks": [
            check("Email render, slowest template median (subject + text + HTML)",
                  f"{worst:.3f} ms ({slowest})", f"< {BUDGET_MS:g} ms", worst < BUDGET_MS, worst),
        ],
    }


def describe(result: dict[str, Any]) -> str:
    rows = [[name, f"{t['median_ms']:.3f}", f"{t['p95_ms']:.3f}", t["samples"]] for name, t in result["templates"].items()]
    return "Email rendering per template (ms per email: subject, text and HTML):\n\n" + table(
        ["template", "median ms", "p95 ms", "renders"], rows)
