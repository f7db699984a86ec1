"""``python -m bench [--quick] [--json PATH] [--only FIGURE ...] [--strict]``"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from bench import (
    cold_start, contention, hostile_documents, intake, lighthouse, pipeline, rendering, round_trip, scale, store_economy,
)
from bench.report import machine, misses, progress, render


@dataclass(frozen=True)
class Sizes:
    cold_starts: int
    intake_threads: int
    intake_rounds: int
    intake_seconds: float
    pipeline_requests: int
    lifecycles: int
    renders: int
    render_warmup: int
    round_trip_rounds: int
    round_trip_requests: int
    scale_sqlite: tuple[int, int] = (1000, 10000)
    scale_cosmos: tuple[int, int] = (1000, 5000)
    scale_calls: int = 30
    contention_requests: int = 300


FULL = Sizes(cold_starts=15, intake_threads=8, intake_rounds=3, intake_seconds=4.0,
             pipeline_requests=500, lifecycles=3, renders=2000, render_warmup=200,
             round_trip_rounds=3, round_trip_requests=1000)
QUICK = Sizes(cold_starts=3, intake_threads=4, intake_rounds=1, intake_seconds=0.5,
              pipeline_requests=20, lifecycles=2, renders=50, render_warmup=5,
              round_trip_rounds=1, round_trip_requests=30,
              scale_sqlite=(40, 120), scale_cosmos=(40, 120), scale_calls=5, contention_requests=20)

# Each figure: run(sizes, workdir, figures measured so far) -> its figures, and describe(figures) -> Markdown.
FIGURES = {module.__name__.rsplit(".", 1)[1]: module for module in (cold_start, intake, pipeline, store_economy, rendering,
                                                                round_trip, scale, contention, hostile_documents,
                                                                lighthouse)}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves every benchmark works, judges nothing")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--only", nargs="+", choices=list(FIGURES), metavar="FIGURE",
                        help=f"run only these figures ({', '.join(FIGURES)})")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses its budget")
    return parser.parse_args(argv)


def run(quick: bool, only: Sequence[str] | None = None) -> dict[str, Any]:
    sizes = QUICK if quick else FULL
    results: dict[str, Any] = {"quick": quick, "machine": machine(), "sizes": asdict(sizes), "figures": {}}
    with tempfile.TemporaryDirectory(prefix="fta-bench-") as folder:
        for name, module in FIGURES.items():
            if only and name not in only:
                continue
            workdir = Path(folder) / name
            workdir.mkdir()
            started = time.perf_counter()
            try:
                figure = module.run(sizes, workdir, results["figures"])
            except Exception as exc:
                progress(f"{name} failed:\n{traceback.format_exc()}")
                figure = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
            figure["wall_seconds"] = round(time.perf_counter() - started, 2)
            results["figures"][name] = figure
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args.quick, args.only)
    print(render(results, {name: module.describe for name, module in FIGURES.items()}))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [name for name, figure in results["figures"].items() if "error" in figure]
    if failed:
        progress("failed: " + ", ".join(failed))
        return 1
    missed = misses(results)
    if missed and not args.quick:
        progress("missed its budget: " + "; ".join(missed))
        return 1 if args.strict else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
