"""Run every benchmark against one local fake server and print one table (``make bench``).

1. per-call overhead (server latency 0), 2. concurrency (100 ms per transcription),
3. peak memory of big uploads and downloads, 4. import cost. Each compares the package's
client and tools with raw httpx and the openai SDK pointed at the same server.
5. the transcript loader's concurrency (200 ms per transcription), against its ideal.
6. the voice agent's time to first audio (20 tokens/s, 300 ms per call), against its floor.
7-9. long work (``long_work.py``): a 60-minute recording in chunks, 64 files under 429,
a long text spoken in concurrent pieces.

    python benchmarks/run_all.py [--calls 300] [--import-runs 20] [--only 1,2,3,4,5,6,7,8,9]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import concurrency
import imports
import loader_concurrency
import long_work
import memory
import overhead
import voice_first_audio
from common import CONTENDERS, REFERENCE, Row, render
from fake_server import FakeAudioServer


def _environment() -> str:
    packages = ", ".join(
        f"{name} {version(name)}"
        for name in ("langchain-onerouter-audio", "langchain-core", "httpx", "openai")
    )
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {packages}"
    )


def _contenders(figures: set[str]) -> tuple[str, ...]:
    """The table's columns: the loader's, the voice agent's and long work's only when they ran."""
    names = [name for name in CONTENDERS if name != REFERENCE]
    if "5" in figures:
        names += [loader_concurrency.SYNC, loader_concurrency.ASYNC]
    if "6" in figures:
        names += [voice_first_audio.VOICE, voice_first_audio.AFTER]
    if figures & {"7", "8", "9"}:
        names += [name for name in long_work.COLUMNS if name not in (*names, REFERENCE)]
    return (*names, REFERENCE)


def _step(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen figures; print the table; return 0 (misses are reported, not fatal)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="sequential calls per case")
    parser.add_argument("--import-runs", type=int, default=20, help="interpreters per import")
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8,9", help="figures to run, e.g. 1,3")
    args = parser.parse_args(argv)
    figures = set(args.only.split(","))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    started = time.perf_counter()
    rows: list[Row] = []
    with FakeAudioServer(subprocess=True) as server, tempfile.TemporaryDirectory() as tmp:
        if "1" in figures:
            _step(f"1/9 per-call overhead: {args.calls} calls per contender and case")
            rows += overhead.run(server.base_url, Path(tmp) / "overhead", n=args.calls)
        if "2" in figures:
            _step("2/9 concurrency: 256 transcriptions, 16 at a time, 100 ms server latency")
            server.configure(transcription_latency=0.1)
            rows += concurrency.run(server.base_url, n=256, concurrency=16, latency=0.1)
            server.configure(transcription_latency=0.0)
        if "3" in figures:
            _step("3/9 memory: 300 MB upload, 100 MB download, 300 MB by URL, a process each")
            rows += memory.run(server.base_url, Path(tmp) / "memory")
        if "5" in figures:
            _step("5/9 loader: 64 files, max_concurrency=8, 200 ms server latency")
            server.configure(transcription_latency=0.2)
            rows += loader_concurrency.run(server.base_url, files=64, concurrency=8, latency=0.2)
            server.configure(transcription_latency=0.0)
        if "6" in figures:
            _step("6/9 voice agent: time to first audio, 20 tokens/s, 300 ms per call")
            server.configure(speech_latency=0.3, transcription_latency=0.3)
            rows += voice_first_audio.run(server.base_url, 20.0, 0.3, repeats=3)
            server.configure(speech_latency=0.0, transcription_latency=0.0)
        if figures & {"7", "8", "9"}:
            _step("7-9/9 long work: a 60-minute recording, 64 files under 429, long text")
            rows += long_work.run(server, figures)
            server.configure(transcription_latency=0.0, speech_latency=0.0, max_in_flight=0)
    if "4" in figures:
        _step(f"4/9 import cost: {args.import_runs} interpreters per statement")
        rows += imports.run(runs=args.import_runs)
    print(_environment())
    print()
    rows.sort(key=lambda row: row.figure.split()[0])  # 4 runs last: it needs no server
    print(render(rows, contenders=_contenders(figures)))
    print()
    misses = [f"{row.figure}: {row.case}" for row in rows if row.holds is False]
    print(f"Targets missed: {len(misses)}" + "".join(f"\n- {miss}" for miss in misses))
    print(f"Total time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
