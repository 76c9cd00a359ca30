"""Soak: 2,000 mixed calls through the async client at concurrency 32, with 20 % faults.

The loopback server answers one request in five with a transient fault (an error status, a
reset, a short body, a hang-up). Every call must end as a success or a typed error, none may
hang, and open file descriptors, temporary files and connections must come back to where
they started.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterAudioToolkit
from langchain_onerouter_audio.errors import OneRouterError
from langchain_onerouter_audio.models import Transcription
from tests.unit_tests.fake_api import AUDIO, KEY, TRANSCRIPT, Waits
from tests.unit_tests.loopback_server import (
    Action,
    LocalServer,
    Seen,
    hang_up,
    ok_action,
    open_fds,
    reset,
    respond_json,
    truncate,
)

# Slow next to the rest: `make unit` (-m "not soak") leaves it out, `make test` runs it.
pytestmark = pytest.mark.soak

CALLS = 2000
CONCURRENCY = 32
FAULT_RATE = 0.2
MAX_RETRIES = 3
CALL_DEADLINE = 20.0  # seconds; a call slower than this counts as hung

_ERROR = {"error": {"message": "transient", "type": "server_error"}}
FAULTS: list[Action] = [
    respond_json(500, _ERROR),
    respond_json(502, _ERROR),
    respond_json(503, _ERROR),
    respond_json(504, _ERROR),
    respond_json(408, _ERROR),
    respond_json(409, _ERROR),
    respond_json(429, _ERROR, {"retry-after-ms": "0"}),
    reset(AUDIO[:64]),
    truncate(AUDIO[:64], declared=len(AUDIO)),
    hang_up(),
]


class FaultyHandler:
    """Answers ok, or (one time in five) with a random transient fault."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.faults: Counter[int] = Counter()

    def __call__(self, seen: Seen) -> Action:
        if self.random.random() < FAULT_RATE:
            index = self.random.randrange(len(FAULTS))
            self.faults[index] += 1
            return FAULTS[index]
        return ok_action(seen)


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


async def _one_call(i: int, client: OneRouterAudioClient, tools: list[Any], work: Path) -> Any:
    """Call number ``i`` of a mix: every endpoint, file and bytes uploads, and the tools."""
    kind = i % 7
    clip = work / "clip.mp3"
    if kind == 0:
        return await client.aspeech("hello")
    if kind == 1:
        return await client.aspeech_to_file(work / "out" / f"{i}.mp3", "hello")
    if kind == 2:
        return await client.atranscribe(clip)
    if kind == 3:
        return await client.atranslate(("clip.mp3", AUDIO))
    if kind == 4:
        return await client.atranscribe(clip, response_format="text")
    speak, transcribe, _ = tools
    if kind == 5:
        return await speak.ainvoke({"text": "hello"})
    return await transcribe.ainvoke({"file_path": "clip.mp3"})


def _check_success(i: int, result: Any) -> None:
    kind = i % 7
    if kind == 0:
        assert result == AUDIO
    elif kind == 1:
        assert result.read_bytes() == AUDIO
    elif kind in (2, 3):
        assert isinstance(result, Transcription)
        assert result.text == TRANSCRIPT["text"]
    elif kind == 4:
        assert "hello there" in result
    elif kind == 5:
        assert Path(result).read_bytes() == AUDIO
    else:
        assert result == TRANSCRIPT["text"]


async def test_soak_2000_mixed_calls(tmp_path: Path, temp_root: Path) -> None:
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    (work / "clip.mp3").write_bytes(AUDIO)
    fds_before = await asyncio.to_thread(open_fds)
    handler = FaultyHandler(seed=20_000)
    waits = Waits()
    started = time.monotonic()
    with LocalServer(handler) as server:
        client = OneRouterAudioClient(
            api_key=KEY,
            base_url=server.base_url,
            timeout=httpx.Timeout(5.0),
            retry_policy=waits.policy(MAX_RETRIES),
        )
        toolkit = OneRouterAudioToolkit(
            client=client, root_dir=work, output_dir=work / "spoken", transcript_format="json"
        )
        tools = toolkit.get_tools()
        limit = asyncio.Semaphore(CONCURRENCY)
        outcomes: list[Any] = [None] * CALLS

        async def run(i: int) -> None:
            async with limit:
                try:
                    result = await asyncio.wait_for(
                        _one_call(i, client, tools, work), CALL_DEADLINE
                    )
                except OneRouterError as error:
                    outcomes[i] = error
                else:
                    _check_success(i, result)
                    outcomes[i] = "ok"

        async with client:
            await asyncio.gather(*(run(i) for i in range(CALLS)))
        peak, opened = server.peak, server.opened
        assert await asyncio.to_thread(server.wait_closed) == 0
    elapsed = time.monotonic() - started

    errors = [outcome for outcome in outcomes if outcome != "ok"]
    successes = CALLS - len(errors)
    # Every call ended, and every failure is typed and spent its whole retry budget.
    assert None not in outcomes
    assert all(isinstance(error, OneRouterError) for error in errors)
    assert all(getattr(error, "attempts", None) == MAX_RETRIES + 1 for error in errors)
    attempts = len(server.requests)
    assert attempts == CALLS + len(waits.seconds)  # each retry waited once, none was lost
    assert sum(handler.faults.values()) > 0.15 * attempts
    assert successes >= 0.99 * CALLS
    # Connections: at most one per concurrent call, and all closed at the end.
    assert peak <= CONCURRENCY
    # Files: one per successful speech-to-file call, no partial or temp file anywhere.
    written = _files(work / "out") + _files(work / "spoken")
    wanted = sum(1 for i, o in enumerate(outcomes) if o == "ok" and i % 7 in (1, 5))
    assert len(written) == wanted
    assert all(path.suffix == ".mp3" for path in written)
    assert _files(temp_root) == []
    assert await asyncio.to_thread(open_fds) == fds_before
    print(  # shown with -s: the figures behind the assertions
        f"\nsoak: {CALLS} calls, {attempts} requests, {sum(handler.faults.values())} faults, "
        f"{successes} ok, {len(errors)} typed errors, peak {peak} connections, "
        f"{opened} opened, {elapsed:.1f} s"
    )
