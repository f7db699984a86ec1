"""Performance benchmarks of FTA Requests, measured side by side as ratios.

``python -m bench`` runs every figure and prints a table (``--json PATH``
writes the figures, ``--quick`` runs each with tiny sizes to prove it works).
Shared machines are noisy, so each figure compares the app with a baseline
measured in the same run rather than with an absolute number.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
