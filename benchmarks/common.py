"""What every benchmark shares: the contenders' names, result rows and the printed table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

KEY = "bench-key"
MODEL = "whisper-1"
TTS_MODEL = "gpt-4o-mini-tts"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "audio"
SMALL_CLIP = FIXTURES / "hello.mp3"
TEXT = "Hello! This sentence is spoken for a benchmark."

CLIENT = "package client"
TOOLS = "package tools"
HTTPX = "raw httpx"
OPENAI = "openai SDK"
FLOOR = "no-op BaseTool"
REFERENCE = "reference"
CONTENDERS = (CLIENT, TOOLS, HTTPX, OPENAI, REFERENCE)


@dataclass
class Row:
    """One line of the table: a case, each contender's figure, and the target it is held to."""

    figure: str
    case: str
    unit: str
    values: dict[str, float]
    reference_label: str = ""
    ratio_label: str = ""
    ratio: float | None = None
    target: str = ""
    holds: bool | None = None
    notes: list[str] = field(default_factory=list)


def against_ideal(
    figure: str,
    case: str,
    walls: dict[str, float],
    judged: list[str],
    ideal: float,
    target: float,
) -> Row:
    """A row of wall times held to ``target`` times the ideal; the slowest ``judged`` decides."""
    worst = max(walls[name] for name in judged)
    return Row(
        figure=figure,
        case=case,
        unit="s",
        values={**walls, REFERENCE: ideal},
        reference_label="ideal",
        ratio_label=f"slower of {'/'.join(judged)} vs ideal",
        ratio=worst / ideal,
        target=f"<= {target}x ideal ({ideal:.2f} s)",
        holds=worst <= target * ideal,
        notes=[f"{name}/ideal = {wall / ideal:.2f}x" for name, wall in walls.items()],
    )


def time_calls(
    calls: dict[str, Callable[[], object]], n: int, *, rounds: int = 30, warmup: int = 10
) -> dict[str, float]:
    """Median seconds per call for each contender, interleaved in rounds so drift hits all."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    per_round = max(n // rounds, 1)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            call = calls[name]
            for _ in range(per_round):
                start = time.perf_counter()
                call()
                samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1000:.3f} ms"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value / 2**20:.1f} MB"
    return f"{value:.3g}"


def render(rows: list[Row], contenders: tuple[str, ...] = CONTENDERS) -> str:
    """A Markdown table (readable in a terminal too)."""
    head = ["figure", "case", *contenders, "ratio", "target", "holds"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.figure, row.case]
        cells += [_cell(row.values.get(name), row.unit) for name in contenders]
        if row.reference_label and REFERENCE in contenders:
            cells[-1] += f" ({row.reference_label})"
        ratio = f"{row.ratio_label} = {row.ratio:.2f}x" if row.ratio is not None else "-"
        holds = {True: "yes", False: "NO", None: "-"}[row.holds]
        cells += [ratio, row.target or "-", holds]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"- {row.figure}, {row.case}: {'; '.join(row.notes)}" for row in rows if row.notes]
    return "\n".join([*lines, "", *notes] if notes else lines)
