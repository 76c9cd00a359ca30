"""Figure 2: 256 transcriptions, 16 at a time, against a server that takes 100 ms per call.

The ideal is 256 / 16 x 0.1 s = 1.6 s; anything above it is the client's own cost (or a
pool that does not let 16 requests run at once).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import openai
from common import CLIENT, HTTPX, KEY, MODEL, OPENAI, SMALL_CLIP, TOOLS, Row, against_ideal

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptionTool

Batch = Callable[[int], Awaitable[object]]


async def _bounded(n: int, concurrency: int, call: Callable[[], Awaitable[Any]]) -> None:
    """Run ``call`` ``n`` times with at most ``concurrency`` in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await call()

    await asyncio.gather(*(one() for _ in range(n)))


def _batches(base_url: str, concurrency: int) -> dict[str, Batch]:
    client = OneRouterAudioClient(api_key=KEY, base_url=base_url)
    tool = OneRouterTranscriptionTool(
        client=OneRouterAudioClient(api_key=KEY, base_url=base_url), root_dir=SMALL_CLIP.parent
    )
    raw = httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120
    )
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=base_url)
    form = {"model": MODEL, "response_format": "verbose_json"}

    async def raw_call() -> Any:
        with SMALL_CLIP.open("rb") as handle:
            files = {"file": (SMALL_CLIP.name, handle, "audio/mpeg")}
            response = await raw.post("/audio/transcriptions", data=form, files=files)
        response.raise_for_status()
        return response.json()

    async def sdk_call() -> Any:
        with SMALL_CLIP.open("rb") as handle:
            return await sdk.audio.transcriptions.create(
                file=handle, model=MODEL, response_format="verbose_json"
            )

    async def client_call() -> Any:
        return await client.atranscribe(SMALL_CLIP, response_format="verbose_json")

    async def tool_batch(n: int) -> object:
        inputs = [{"file_path": SMALL_CLIP.name}] * n
        return await tool.abatch(inputs, config={"max_concurrency": concurrency})

    return {
        CLIENT: lambda n: _bounded(n, concurrency, client_call),
        TOOLS: tool_batch,
        HTTPX: lambda n: _bounded(n, concurrency, raw_call),
        OPENAI: lambda n: _bounded(n, concurrency, sdk_call),
    }


async def _measure(base_url: str, n: int, concurrency: int, repeats: int) -> dict[str, float]:
    batches = _batches(base_url, concurrency)
    for batch in batches.values():
        await batch(concurrency)  # open the pool's connections, import lazily loaded parts
    walls: dict[str, list[float]] = {name: [] for name in batches}
    for _ in range(repeats):
        for name, batch in batches.items():
            start = time.perf_counter()
            await batch(n)
            walls[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in walls.items()}


def run(base_url: str, n: int = 256, concurrency: int = 16, latency: float = 0.1) -> list[Row]:
    """Median wall time of ``repeats`` batches; the server must add ``latency`` already."""
    ideal = n / concurrency * latency
    walls = asyncio.run(_measure(base_url, n, concurrency, repeats=3))
    case = f"{n} transcriptions, {concurrency} at a time, {latency * 1000:.0f} ms server"
    return [against_ideal("2 concurrency", case, walls, [CLIENT, TOOLS], ideal, 1.2)]
