"""Figure 5: time to render one notification email (subject, text and HTML),
per template, median of many renders after a warm-up."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench import REPO
from bench.report import check, progress, table
from bench.stats import median, percentile

EVENTS = REPO / "tests" / "events"
BUDGET_MS = 1.0


def context_for(template: str, events: Path = EVENTS) -> dict[str, Any]:
    from shared.mail.render import email_context

    sample = json.loads((events / "email_context_full.json").read_text(encoding="utf-8"))
    event = json.loads((events / "email_event_data.json").read_text(encoding="utf-8"))[template]
    request = sample["request"]
    return email_context(
        request,
        {"id": f"{request['id']}.3", "occurredAt": "2024-05-07T10:15:00Z", **event},
        request_url=sample["request_url"],
        dashboard_url=sample["dashboard_url"],
        lead_group=sample["lead_group"],
        escalate_to=sample["escalate_to"],
    )


def time_renders(template: str, context: dict[str, Any], warmup: int, samples: int) -> list[float]:
    from shared.mail.render import render_email

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
    from shared.mail.render import TEMPLATES

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
