"""invoke over the 4,096-character limit: the pieces are spoken concurrently, joined in order."""

from __future__ import annotations

import asyncio
import json
import threading

import httpx

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterSpeechSynthesizer
from langchain_onerouter_audio._sentences import split_sentences
from tests.unit_tests.fake_api import BASE_URL, KEY

LONG_TEXT = " ".join(f"Sentence {n} is said once and only once here." for n in range(300))
PIECES = split_sentences(LONG_TEXT, min_chars=4096, max_chars=4096)
WAIT = 10.0


def audio_naming(request: httpx.Request) -> httpx.Response:
    """pcm 'audio' that is the text itself, so the joined audio shows the order."""
    return httpx.Response(200, content=json.loads(request.content)["input"].encode())


def synthesizer(**clients: httpx.Client | httpx.AsyncClient) -> OneRouterSpeechSynthesizer:
    client = OneRouterAudioClient(api_key=KEY, base_url=BASE_URL, max_retries=0, **clients)
    return OneRouterSpeechSynthesizer(client=client, audio_format="pcm")


def test_pieces_are_in_flight_together_and_joined_in_text_order() -> None:
    assert len(PIECES) >= 3
    barrier = threading.Barrier(len(PIECES), timeout=WAIT)

    def answer(request: httpx.Request) -> httpx.Response:
        barrier.wait()  # breaks (and fails the test) unless every piece is in flight at once
        return audio_naming(request)

    synth = synthesizer(http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    chunk = synth.invoke(LONG_TEXT, {"max_concurrency": len(PIECES)})
    assert chunk.audio == "".join(PIECES).encode()


async def test_async_pieces_are_in_flight_together_and_joined_in_text_order() -> None:
    arrived: list[str] = []
    all_in = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        arrived.append(json.loads(request.content)["input"])
        if len(arrived) == len(PIECES):
            all_in.set()
        await asyncio.wait_for(all_in.wait(), WAIT)
        return audio_naming(request)

    transport = httpx.MockTransport(answer)
    synth = synthesizer(http_async_client=httpx.AsyncClient(transport=transport))
    assert len(PIECES) <= 4  # the default: 4 at once
    chunk = await synth.ainvoke(LONG_TEXT)
    assert chunk.audio == "".join(PIECES).encode()
