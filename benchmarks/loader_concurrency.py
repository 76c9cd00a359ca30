"""Loader concurrency: a folder of 64 clips, max_concurrency=8, a server taking 200 ms a call.

The ideal is 64 / 8 x 0.2 s = 1.6 s; the target is at most 1.3 x that, for both ``load()``
(threads) and ``aload()`` (one event loop). Each figure is the median of a few loads, after a
warm-up load that opens the connections.

    python benchmarks/loader_concurrency.py [--files 64] [--concurrency 8] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import KEY, REFERENCE, SMALL_CLIP, Row, against_ideal, render
from fake_server import FakeAudioServer

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader

SYNC = "load() (threads)"
ASYNC = "aload() (asyncio)"
TARGET = 1.3


def clip_folder(root: Path, files: int) -> Path:
    """``files`` distinct copies of a short clip, as a user's folder would hold them."""
    folder = root / "clips"
    folder.mkdir()
    for index in range(files):
        shutil.copy(SMALL_CLIP, folder / f"clip{index:03d}.mp3")
    return folder


def _median_wall(load: Callable[[], list[object]], expected: int, repeats: int) -> float:
    assert len(load()) == expected  # warm-up: connections, lazy imports
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        docs = load()
        walls.append(time.perf_counter() - start)
        assert len(docs) == expected
    return statistics.median(walls)


def run(
    base_url: str, files: int = 64, concurrency: int = 8, latency: float = 0.2, repeats: int = 3
) -> list[Row]:
    """Wall time of loading the folder; the server must already add ``latency`` per call."""
    ideal = files / concurrency * latency
    with (
        tempfile.TemporaryDirectory() as tmp,
        OneRouterAudioClient(api_key=KEY, base_url=base_url) as client,
    ):
        loader = OneRouterTranscriptLoader(
            clip_folder(Path(tmp), files), client=client, max_concurrency=concurrency
        )
        walls = {
            SYNC: _median_wall(loader.load, files, repeats),
            ASYNC: _median_wall(lambda: asyncio.run(loader.aload()), files, repeats),
        }
    case = f"{files} files, max_concurrency={concurrency}, {latency * 1000:.0f} ms server"
    return [against_ideal("5 loader concurrency", case, walls, [SYNC, ASYNC], ideal, TARGET)]


def main(argv: list[str] | None = None) -> int:
    """Start a local server with the latency, measure, print the table; 1 if the target fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per transcription")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    with FakeAudioServer(subprocess=True, transcription_latency=args.latency) as server:
        rows = run(server.base_url, args.files, args.concurrency, args.latency, args.repeats)
    print(render(rows, contenders=(SYNC, ASYNC, REFERENCE)))
    return 0 if all(row.holds for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
