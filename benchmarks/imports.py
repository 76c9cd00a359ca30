"""Figure 4: import cost, timed like hyperfine: many fresh interpreters, runs interleaved, median.

The target compares ``import langchain_onerouter_audio`` with ``import langchain_core.tools``.
Two more rows show what a user pays on first use: importing a tool (which pulls in LangChain's
BaseTool) against BaseTool itself, and importing the client against httpx + pydantic. The
package's figure goes in the client or tools column, the reference in the reference column.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from common import CLIENT, REFERENCE, TOOLS, Row

PACKAGE = "import langchain_onerouter_audio"
BASELINE = "import langchain_core.tools"
# (column, package statement, reference statement, target ratio)
PAIRS = (
    (CLIENT, PACKAGE, BASELINE, 1.15),
    (
        TOOLS,
        "from langchain_onerouter_audio import OneRouterTranscriptionTool",
        "from langchain_core.tools import BaseTool",
        None,
    ),
    (
        CLIENT,
        "from langchain_onerouter_audio import OneRouterAudioClient",
        "import httpx, pydantic",
        None,
    ),
)


def _once(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def time_imports(statements: list[str], runs: int, warmup: int = 2) -> dict[str, float]:
    """Median wall time of ``python -c statement`` over ``runs`` interleaved runs."""
    for statement in statements:
        for _ in range(warmup):
            _once(statement)
    samples: dict[str, list[float]] = {statement: [] for statement in statements}
    for _ in range(runs):
        for statement in statements:
            samples[statement].append(_once(statement))
    return {statement: statistics.median(values) for statement, values in samples.items()}


def run(runs: int = 20) -> list[Row]:
    """One row per pair: the package's import against its baseline."""
    medians = time_imports([s for _, *pair, _ in PAIRS for s in pair], runs)
    rows = []
    for column, ours, theirs, limit in PAIRS:
        ratio = medians[ours] / medians[theirs]
        rows.append(
            Row(
                figure="4 import cost",
                case=f"`{ours}`",
                unit="s",
                values={column: medians[ours], REFERENCE: medians[theirs]},
                reference_label=f"`{theirs}`",
                ratio_label="package/reference",
                ratio=ratio,
                target=f"<= {limit:.2f}x" if limit else "",
                holds=ratio <= limit if limit else None,
            )
        )
    return rows
