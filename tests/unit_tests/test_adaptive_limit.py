"""Adaptive concurrency: a 429 halves the in-flight limit, successes win it back.

The retry policy's sleeps are fakes that only yield, so nothing really waits.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader
from langchain_onerouter_audio._adaptive import PROBE_SLOWDOWN, AimdWindow
from langchain_onerouter_audio._retry import ATTEMPT_OBSERVER, RetryPolicy
from langchain_onerouter_audio._slots import RequestSlots
from langchain_onerouter_audio.errors import OneRouterRateLimitError, OneRouterServerError
from tests.unit_tests.fake_api import BASE_URL, transcript_body

CAP = 2  # requests the fake server takes at once; it refuses the rest with 429


def rate_limited() -> OneRouterRateLimitError:
    return OneRouterRateLimitError(429, "slow down")


def test_a_rate_limit_halves_the_window_once_per_epoch() -> None:
    window = AimdWindow(8)
    started = window.epoch
    window.overloaded(started, in_flight=7)
    window.overloaded(started, in_flight=6)  # started before the decrease: the same burst
    assert window.limit == 4
    window.overloaded(window.epoch, in_flight=3)
    assert window.limit == 2
    for _ in range(10):
        window.overloaded(window.epoch, in_flight=0)
    assert window.limit == 1  # never below one


def test_the_window_never_exceeds_what_the_server_was_taking() -> None:
    window = AimdWindow(16)
    started = window.epoch
    for in_flight in range(15, 2, -1):  # a burst of refusals, as each comes back
        window.overloaded(started, in_flight)
    assert (window.limit, window.ceiling) == (3, 3.0)


def test_successes_grow_the_window_by_about_one_per_round() -> None:
    window = AimdWindow(8, size=4.0)
    for _ in range(4):
        window.succeeded()
    assert window.limit == 4  # 4 + 4 x ~1/4.x: just under 5
    window.succeeded()
    assert window.limit == 5
    for _ in range(100):
        window.succeeded()
    assert window.limit == 8  # capped at the maximum


def test_beyond_the_last_limit_that_worked_the_window_grows_slowly() -> None:
    window = AimdWindow(8, size=5.0)
    window.overloaded(window.epoch, in_flight=4)  # 5 at once was refused: 4 worked
    assert (window.limit, window.ceiling) == (2, 4.0)
    successes = 0
    while window.limit < 4:
        window.succeeded()
        successes += 1
    assert successes <= 6  # quickly back to what worked
    while window.limit < 5:
        window.succeeded()
        successes += 1
    assert successes >= 6 + PROBE_SLOWDOWN * 4 - 4  # then probing one more, slowly


def test_a_request_gives_its_slot_back_while_it_waits_to_retry() -> None:
    slots = RequestSlots(4)
    with slots.request():
        observer = ATTEMPT_OBSERVER.get()
        assert observer is not None
        assert slots.in_flight == 1
        observer.failed(rate_limited())  # before the retry's wait
        assert slots.in_flight == 0
        assert slots.limit == 1  # halved, and nothing else was in flight
        observer.resume()  # after it
        assert slots.in_flight == 1
    assert slots.in_flight == 0
    assert ATTEMPT_OBSERVER.get() is None


def test_a_final_rate_limit_shrinks_the_window_and_other_errors_do_not() -> None:
    slots = RequestSlots(4)
    with pytest.raises(OneRouterServerError), slots.request():
        raise OneRouterServerError(500, "oops")
    assert slots.limit == 4
    with pytest.raises(OneRouterRateLimitError), slots.request():
        raise rate_limited()
    assert (slots.limit, slots.in_flight) == (1, 0)


class CappedAPI:
    """Takes CAP requests at once and answers 429 with retry-after-ms beyond that."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.served = 0
        self.refused = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if self.in_flight >= CAP:
            self.refused += 1
            error = {"error": {"message": "Too many requests in flight"}}
            return httpx.Response(429, headers={"retry-after-ms": "5"}, json=error)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        for _ in range(3):  # let the other tasks run while this one "works"
            await asyncio.sleep(0)
        self.in_flight -= 1
        self.served += 1
        return transcript_body("clip.mp3", "json")


async def test_the_loader_backs_off_under_429_and_every_file_loads(audio_dir: Path) -> None:
    clips = []
    for index in range(24):
        clips.append(audio_dir / f"clip{index:02d}.mp3")
        shutil.copy(audio_dir / "hello.mp3", clips[-1])
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    api = CappedAPI()
    client = OneRouterAudioClient(
        api_key="test-key",
        base_url=BASE_URL,
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(api.handle)),
        retry_policy=RetryPolicy(max_retries=2, async_sleep=no_wait),
    )
    loader = OneRouterTranscriptLoader(clips, client=client, max_concurrency=8, on_error="skip")

    docs = await loader.aload()

    assert len(docs) == len(clips)
    assert loader.failures == []
    assert api.served == len(clips)
    assert api.peak == CAP
    assert set(waits) == {0.005}  # the server's retry-after-ms, honoured
    # A fixed limit of 8 would see six refusals in the first round alone, and as many in
    # every round after; the shrunk window sees a few while it probes upwards.
    assert api.refused < len(clips) // 2
