"""Voice parts without a server: audio blocks, agent-stream text, progressive speech.

Speech streams from an ``httpx.MockTransport`` whose body is a generator, so a test sees
each piece arrive (and the body close) as the client reads it.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterInputError,
    OneRouterResponseError,
    OneRouterSpeechSynthesizer,
    OneRouterVoiceMiddleware,
)
from langchain_onerouter_audio._agent_text import AgentTextReader
from langchain_onerouter_audio._audio_blocks import (
    audio_block,
    audio_block_key,
    audio_block_upload,
    is_audio_block,
)
from langchain_onerouter_audio._retry import RetryPolicy
from langchain_onerouter_audio._sentences import sentence_batches
from tests.conftest import AUDIO

MP3 = (AUDIO / "hello.mp3").read_bytes()
MP3_B64 = base64.b64encode(MP3).decode()
PIECES = [b"ID3" + b"\x00" * 100, b"\xff\xfb" + b"\x01" * 100, b"\xff\xfb" + b"\x02" * 100]


class Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body handed out piece by piece; records how far the reader got and if it closed."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces
        self.sent = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.sent += 1
            yield piece

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            self.sent += 1
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def client_for(handler: Any) -> OneRouterAudioClient:
    transport = httpx.MockTransport(handler)
    return OneRouterAudioClient(
        api_key="unit-key",
        base_url="http://audio.test/v1",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        retry_policy=RetryPolicy(max_retries=2, sleep=lambda _: None, async_sleep=_no_wait),
    )


async def _no_wait(_: float) -> None:
    return None


# -- progressive speech


def test_iter_speech_yields_each_piece_as_it_arrives_and_asks_for_audio() -> None:
    body = Pieces(PIECES)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "audio/mpeg"}, stream=body)

    chunks = client_for(handler).iter_speech("Hello there.")
    assert next(chunks) == PIECES[0]
    assert body.sent == 1  # the rest is not read yet
    assert b'"stream_format":"audio"' in seen[0].content
    chunks.close()
    assert body.closed  # stopping early closes the response at once


async def test_aiter_speech_is_retried_until_the_answer_starts() -> None:
    statuses = iter([503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(statuses)
        if status != 200:
            return httpx.Response(status, json={"error": {"message": "busy"}})
        return httpx.Response(200, headers={"content-type": "audio/mpeg"}, stream=Pieces(PIECES))

    pieces = [piece async for piece in client_for(handler).aiter_speech("Hello there.")]
    assert pieces == PIECES


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_iter_speech_refuses_text_and_empty_answers(mode: str) -> None:
    answers = iter(
        [
            httpx.Response(200, headers={"content-type": "text/html"}, content=b"<html>"),
            httpx.Response(200, headers={"content-type": "audio/mpeg"}, content=b""),
        ]
    )
    client = client_for(lambda request: next(answers))

    async def read() -> list[bytes]:
        if mode == "sync":
            return list(client.iter_speech("Hello."))
        return [piece async for piece in client.aiter_speech("Hello.")]

    with pytest.raises(OneRouterResponseError, match="audio"):
        await read()
    with pytest.raises(OneRouterResponseError, match="without any audio"):
        await read()


def test_iter_speech_refuses_an_event_stream_format() -> None:
    client = client_for(lambda request: httpx.Response(500))
    with pytest.raises(OneRouterInputError, match="stream_format"):
        list(client.iter_speech("Hello.", stream_format="sse"))


def test_progressive_synthesizer_hands_out_pieces_before_the_sentence_ends() -> None:
    release = threading.Event()
    first_sent = threading.Event()

    class Slow(Pieces):
        def __iter__(self) -> Iterator[bytes]:
            yield self.pieces[0]
            first_sent.set()
            release.wait(5)
            yield from self.pieces[1:]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "audio/L16"}, stream=Slow(PIECES))

    synth = OneRouterSpeechSynthesizer(
        client=client_for(handler), audio_format="pcm", progressive=True
    )
    chunks = synth.stream("Only one sentence is spoken here.")
    first = next(chunks)
    assert first.audio == PIECES[0]  # while the rest of the sentence is still coming
    assert not release.is_set()
    release.set()
    rest = list(chunks)
    assert [chunk.audio for chunk in rest] == PIECES[1:]
    assert {chunk.index for chunk in [first, *rest]} == {0}


# -- what an agent streams, turn by turn


def test_the_reader_speaks_assistant_text_only_and_marks_turn_ends() -> None:
    reader = AgentTextReader()
    items: list[object] = [
        (AIMessageChunk(content="", id="a", tool_call_chunks=[]), {"langgraph_node": "model"}),
        ToolMessage("22 degrees", tool_call_id="1"),
        (AIMessageChunk(content="Warm", id="b"), {}),
        AIMessageChunk(
            content=[{"type": "reasoning", "reasoning": "..."}, {"type": "text", "text": " today"}],
            id="b",
        ),
        AIMessageChunk(content="Next turn", id="c"),
        AIMessage("Whole.", id="c"),  # the turn just streamed, again: not spoken twice
        HumanMessage("ignored"),
        "plain text",
    ]
    pieces = [piece for item in items for piece in reader.read(item)]
    assert pieces == ["", None, "Warm", " today", None, "Next turn", None, None, "plain text"]


def test_a_turn_end_flushes_the_sentence_without_joining_the_next() -> None:
    pieces = ["It is warm and sunny today", None, "tomorrow it will rain a lot"]
    sentences = [s for batch in sentence_batches(pieces, min_chars=20) for s in batch]
    assert sentences == ["It is warm and sunny today", "tomorrow it will rain a lot"]


# -- audio blocks


@pytest.mark.parametrize(
    "block",
    [
        {"type": "audio", "base64": MP3_B64, "mime_type": "audio/mpeg"},
        {"type": "audio", "source_type": "base64", "data": MP3_B64, "mime_type": "audio/mp3"},
        {"type": "input_audio", "input_audio": {"data": MP3_B64, "format": "mp3"}},
        {"type": "media", "data": MP3_B64, "mime_type": "audio/mpeg"},
        {"type": "audio", "base64": MP3_B64},  # no MIME type: the bytes say mp3
    ],
)
def test_each_known_block_form_gives_its_audio(block: dict[str, Any]) -> None:
    assert is_audio_block(block)
    upload = audio_block_upload(block)
    assert (upload.name, upload.content) == ("audio.mp3", MP3)
    assert audio_block_key(block) == audio_block_key({"type": "audio", "base64": MP3_B64})


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"type": "audio", "url": "http://169.254.169.254/x.mp3"}, "URL, which is not fetched"),
        ({"type": "audio", "file_id": "file-1"}, "file id"),
        ({"type": "audio", "base64": "not base64!", "mime_type": "audio/mpeg"}, "not valid"),
        ({"type": "audio", "base64": base64.b64encode(b"text").decode()}, "does not look like"),
    ],
)
def test_unreadable_blocks_are_refused_with_a_reason(block: dict[str, Any], problem: str) -> None:
    with pytest.raises(OneRouterInputError, match=problem):
        audio_block_upload(block)


def test_made_blocks_carry_base64_audio_and_its_mime_type() -> None:
    block = audio_block(MP3, "mp3", spoken_answer=True)
    assert block["type"] == "audio"
    assert base64.b64decode(block["base64"]) == MP3
    assert (block["mime_type"], block["extras"]) == ("audio/mpeg", {"spoken_answer": True})
    assert not is_audio_block({"type": "text", "text": "hi"})


# -- middleware


async def test_the_notes_of_one_message_are_transcribed_concurrently() -> None:
    in_flight = peak = 0

    async def transcribe(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return httpx.Response(200, json={"text": "heard"})

    client = OneRouterAudioClient(
        api_key="unit-key",
        base_url="http://audio.test/v1",
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(transcribe)),
    )
    voice = OneRouterVoiceMiddleware(client=client)
    other = base64.b64encode((AUDIO / "hello.flac").read_bytes()).decode()
    notes = [
        {"type": "audio", "base64": MP3_B64, "mime_type": "audio/mpeg"},
        {"type": "audio", "base64": other, "mime_type": "audio/flac"},
    ]
    update = await voice.abefore_model({"messages": [HumanMessage(content=notes)]}, None)
    assert update is not None
    assert list(update["voice_transcripts"].values()) == ["heard", "heard"]
    assert peak == 2


def test_settings_are_checked() -> None:
    client = OneRouterAudioClient(api_key="unit-key")
    with pytest.raises(Exception, match="not both"):
        OneRouterVoiceMiddleware(client=client, api_key="other")
    with pytest.raises(OneRouterInputError, match="language"):
        OneRouterVoiceMiddleware(client=client, task="translate", language="de")
    with pytest.raises(OneRouterInputError, match="max_concurrency"):
        OneRouterVoiceMiddleware(client=client, max_concurrency=0)
