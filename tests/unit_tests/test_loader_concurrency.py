"""Bounded concurrency with stable output order, sync (threads) and async (one event loop).

Requests are held at gates instead of sleeping: a gate that needs N requests in flight at
once passes only if the loader really runs N at a time, and a held first file proves that
later files finishing first do not change the output order.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest

from langchain_onerouter_audio import OneRouterTranscriptLoader
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from tests.unit_tests.fake_api import FakeApi, Upload, transcript_of_upload

LIMIT = 3
FILES = 8
WAIT = 10.0  # seconds before a gate gives up, so a bug fails instead of hanging


@pytest.fixture
def clips(audio_dir: Path) -> list[Path]:
    paths = [audio_dir / f"clip{i}.mp3" for i in range(FILES)]
    for path in paths:
        shutil.copy(audio_dir / "hello.mp3", path)
    return paths


def sources(documents: list[object]) -> list[str]:
    return [Path(doc.metadata["source"]).name for doc in documents]  # type: ignore[attr-defined]


def test_sync_load_runs_exactly_max_concurrency_files_at_once(clips: list[Path]) -> None:
    barrier = threading.Barrier(LIMIT, timeout=WAIT)
    first = {f"clip{i}.mp3" for i in range(LIMIT)}

    def gate(upload: Upload) -> None:
        if upload.filename in first:
            barrier.wait()  # breaks (and fails the test) unless LIMIT requests overlap

    api = FakeApi([transcript_of_upload], on_request=gate)
    loader = OneRouterTranscriptLoader(clips, client=api.client(), max_concurrency=LIMIT)

    docs = loader.load()

    assert sources(docs) == [p.name for p in clips]
    assert api.peak == LIMIT


def test_sync_order_is_stable_when_later_files_finish_first(clips: list[Path]) -> None:
    others_done = threading.Event()
    done: list[str] = []

    def gate(upload: Upload) -> None:
        if upload.filename == "clip0.mp3":
            assert others_done.wait(WAIT)
        done.append(upload.filename)
        if len(done) == LIMIT:
            others_done.set()

    api = FakeApi([transcript_of_upload], on_request=gate)
    loader = OneRouterTranscriptLoader(clips, client=api.client(), max_concurrency=LIMIT)

    assert sources(loader.load()) == [p.name for p in clips]
    assert done.index("clip0.mp3") >= LIMIT  # answered after later files


async def test_async_load_runs_exactly_max_concurrency_files_at_once(clips: list[Path]) -> None:
    arrived: list[str] = []
    all_in = asyncio.Event()

    async def gate(upload: Upload) -> None:
        if len(arrived) < LIMIT:
            arrived.append(upload.filename)
            if len(arrived) == LIMIT:
                all_in.set()
            await asyncio.wait_for(all_in.wait(), WAIT)

    api = FakeApi([transcript_of_upload], on_arequest=gate)
    loader = OneRouterTranscriptLoader(clips, client=api.client(), max_concurrency=LIMIT)

    docs = await loader.aload()

    assert sources(docs) == [p.name for p in clips]
    assert api.peak == LIMIT


async def test_async_order_is_stable_when_later_files_finish_first(clips: list[Path]) -> None:
    others_done = asyncio.Event()
    done: list[str] = []

    async def gate(upload: Upload) -> None:
        if upload.filename == "clip0.mp3":
            await asyncio.wait_for(others_done.wait(), WAIT)
        done.append(upload.filename)
        if len(done) == LIMIT:
            others_done.set()

    api = FakeApi([transcript_of_upload], on_arequest=gate)
    loader = OneRouterTranscriptLoader(clips, client=api.client(), max_concurrency=LIMIT)

    assert sources(await loader.aload()) == [p.name for p in clips]
    assert done.index("clip0.mp3") >= LIMIT  # answered after later files


def test_ordered_map_stops_starting_work_when_the_consumer_stops() -> None:
    started: list[int] = []
    results = ordered_map(lambda n: started.append(n) or n, range(100), 2)
    assert next(results) == 0
    results.close()
    assert len(started) <= 5  # the window (2 x limit) plus the one refill


async def test_aordered_map_cancels_pending_work_when_the_consumer_stops() -> None:
    finished: list[int] = []
    never = asyncio.Event()

    async def work(n: int) -> int:
        if n:
            await never.wait()  # only the first can finish
        finished.append(n)
        return n

    results = aordered_map(work, range(100), 2)
    assert await anext(results) == 0
    await results.aclose()
    assert finished == [0]
