"""OneRouterSpeechSynthesizer: sentence-by-sentence speech from streamed text, in order."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import threading
import wave
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
from pydantic import ValidationError

from langchain_onerouter_audio import (
    AudioChunk,
    OneRouterAudioClient,
    OneRouterBadRequestError,
    OneRouterError,
    OneRouterInputError,
    OneRouterSpeechSynthesizer,
    OneRouterTextToSpeechTool,
)
from langchain_onerouter_audio._audio_join import join_audio
from langchain_onerouter_audio.models import AudioFormat
from tests.unit_tests.fake_api import BASE_URL, KEY, FakeApi, Waits, error_response

from ..integration_tests._audio_checks import audio_seconds

ANSWER = (
    "The sky looks blue because of Rayleigh scattering. Short wavelengths scatter the most. "
    "At sunset the light crosses about 40 times more air, e.g. near the horizon. "
    "So the sky turns red and orange."
)
SENTENCES = [
    "The sky looks blue because of Rayleigh scattering.",
    "Short wavelengths scatter the most.",
    "At sunset the light crosses about 40 times more air, e.g. near the horizon.",
    "So the sky turns red and orange.",
]


def echo_audio(request: httpx.Request) -> httpx.Response:
    """Answer with 'audio' that names the text it was made from."""
    body = json.loads(request.content)
    return httpx.Response(200, content=b"ID3" + body["input"].encode())


def spoken(request: httpx.Request) -> str:
    return str(json.loads(request.content)["input"])


@pytest.fixture
def api() -> FakeApi:
    return FakeApi([echo_audio])


@pytest.fixture
def synth(api: FakeApi) -> OneRouterSpeechSynthesizer:
    return OneRouterSpeechSynthesizer(client=api.client(Waits().policy()))


def words(text: str) -> Iterator[str]:
    """Text as an LLM streams it: a word at a time."""
    for index, word in enumerate(text.split(" ")):
        yield word if index == 0 else " " + word


# -- sync


def test_stream_yields_one_playable_chunk_per_sentence(
    synth: OneRouterSpeechSynthesizer, api: FakeApi
) -> None:
    chunks = list(synth.transform(words(ANSWER)))
    assert [c.text for c in chunks] == SENTENCES
    assert [c.index for c in chunks] == [0, 1, 2, 3]
    assert [c.audio for c in chunks] == [b"ID3" + s.encode() for s in SENTENCES]
    assert {c.format for c in chunks} == {"mp3"}
    assert chunks[0].mime_type == "audio/mpeg"
    # Up to `prefetch` sentences are in flight at once, so requests may arrive in any order.
    assert sorted(spoken(r) for r in api.requests) == sorted(SENTENCES)
    assert "bytes=" in repr(chunks[0])
    assert "ID3" not in repr(chunks[0])  # audio stays out of logs


def test_first_chunk_is_yielded_before_the_input_stream_ends(
    synth: OneRouterSpeechSynthesizer,
) -> None:
    events: list[str] = []

    def llm() -> Iterator[str]:
        for word in words(ANSWER):
            events.append("token")
            yield word
        events.append("end of text")

    chunks = synth.transform(llm())
    first = next(chunks)
    events.append("first audio")
    assert first.text == SENTENCES[0]
    assert "end of text" not in events
    assert [c.text for c in chunks] == SENTENCES[1:]
    assert events.index("first audio") < events.index("end of text")


def test_sync_prefetch_synthesises_ahead_in_threads_and_keeps_order() -> None:
    go = threading.Event()
    started: list[str] = []
    in_flight = threading.Semaphore(0)
    lock = threading.Lock()
    peak = [0, 0]  # now, highest

    def slow(request: httpx.Request) -> httpx.Response:
        with lock:
            started.append(spoken(request))
            peak[0] += 1
            peak[1] = max(peak)
        in_flight.release()
        assert go.wait(5)
        with lock:
            peak[0] -= 1
        return echo_audio(request)

    synth = OneRouterSpeechSynthesizer(client=FakeApi([slow]).client(Waits().policy()), prefetch=2)
    result: list[AudioChunk] = []
    consumer = threading.Thread(target=lambda: result.extend(synth.transform(words(ANSWER))))
    consumer.start()
    assert in_flight.acquire(timeout=5)
    assert in_flight.acquire(timeout=5)
    assert started == SENTENCES[:2]  # a third cannot start while both slots are taken
    go.set()
    consumer.join(5)
    assert [c.text for c in result] == SENTENCES
    assert [c.index for c in result] == [0, 1, 2, 3]
    assert peak[1] == 2


def test_request_carries_the_voice_settings(api: FakeApi) -> None:
    synth = OneRouterSpeechSynthesizer(
        client=api.client(Waits().policy()),
        model="tts-1",
        voice="nova",
        audio_format="pcm",
        instructions="calm",
        speed=1.25,
    )
    (chunk,) = synth.stream("Hello there, this is one sentence.")
    assert json.loads(api.requests[0].content) == {
        "model": "tts-1",
        "input": "Hello there, this is one sentence.",
        "voice": "nova",
        "response_format": "pcm",
        "instructions": "calm",
        "speed": 1.25,
    }
    assert chunk.format == "pcm"
    assert chunk.mime_type == "audio/L16;rate=24000;channels=1"


def test_invoke_speaks_the_whole_text_in_one_call(
    synth: OneRouterSpeechSynthesizer, api: FakeApi
) -> None:
    chunk = synth.invoke(ANSWER)
    assert chunk == AudioChunk(index=0, text=ANSWER, audio=b"ID3" + ANSWER.encode(), format="mp3")
    assert len(api.requests) == 1


def watched_client(
    client_settings: dict[str, str],
) -> tuple[OneRouterAudioClient, list[str], list[bytes]]:
    """A client that keeps each request's text and each response's audio."""
    texts: list[str] = []
    pieces: list[bytes] = []

    def keep(response: httpx.Response) -> None:
        texts.append(spoken(response.request))
        pieces.append(response.read())

    http_client = httpx.Client(event_hooks={"response": [keep]})
    return OneRouterAudioClient(**client_settings, http_client=http_client), texts, pieces


@pytest.mark.vcr
@pytest.mark.parametrize("audio_format", ["mp3", "aac", "wav"])
def test_invoke_over_the_limit_joins_real_audio_that_plays_to_the_end(
    audio_format: AudioFormat, client_settings: dict[str, str]
) -> None:
    client, texts, pieces = watched_client(client_settings)
    synth = OneRouterSpeechSynthesizer(client=client, audio_format=audio_format, max_chars=20)
    chunk = synth.invoke("Red sky at night. Blue sky by day. Grey sky.")
    # The pieces are spoken concurrently, so they may reach the server in any order.
    assert sorted(texts) == sorted(["Red sky at night.", "Blue sky by day.", "Grey sky."])
    each = [audio_seconds(piece, audio_format) for piece in pieces]
    # mp3 pieces lose their encoder-delay trim when joined: up to ~70 ms each.
    slack = 0.08 * len(pieces) if audio_format == "mp3" else 0.001
    rounding = 1e-9  # a sum of float seconds may land a hair above the joined length
    assert sum(each) - rounding <= audio_seconds(chunk.audio, audio_format) <= sum(each) + slack


def mp3_frame(body: bytes, *, at: int = 13) -> bytes:
    """One 192-byte MPEG-2 Layer III frame (64 kb/s, 24 kHz, mono) with ``body`` ``at`` in."""
    frame = bytearray(b"\xff\xf3\x84\xc0" + bytes(188))
    frame[at : at + len(body)] = body
    return bytes(frame)


def id3v2(title: bytes, *, footer: bool = False) -> bytes:
    body = b"TIT2" + struct.pack(">I", len(title) + 1) + b"\x00\x00\x00" + title
    size = bytes((len(body) >> shift) & 0x7F for shift in (21, 14, 7, 0))  # syncsafe
    flags = b"\x10" if footer else b"\x00"
    tail = b"3DI\x04\x00" + flags + size if footer else b""
    return b"ID3\x04\x00" + flags + size + body + tail


def test_mp3_pieces_lose_their_tags_and_header_frames_when_joined() -> None:
    sound = [mp3_frame(bytes([n]) * 20) for n in (1, 2, 3)]
    id3v1 = b"TAG" + bytes(125)
    first = id3v2(b"first", footer=True) + mp3_frame(b"Info") + sound[0] + id3v1
    middle = id3v2(b"middle") + mp3_frame(b"Xing") + sound[1] + id3v1
    last = id3v2(b"last") + mp3_frame(b"VBRI", at=36) + sound[2] + id3v1
    joined = join_audio("mp3", [first, middle, last])
    assert joined == id3v2(b"first", footer=True) + b"".join(sound) + id3v1
    plain = [mp3_frame(b"sound"), mp3_frame(b"more sound")]  # nothing to take off
    assert join_audio("mp3", plain) == b"".join(plain)


def wav_file(samples: bytes, *, streamed: bool = False) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(24_000)
        out.writeframes(samples)
    data = buffer.getvalue()
    if streamed:  # a header written before the length was known
        data = data[:4] + b"\xff\xff\xff\xff" + data[8:40] + b"\xff\xff\xff\xff" + data[44:]
    return data


def test_wav_pieces_are_joined_under_one_header() -> None:
    joined = join_audio(
        "wav", [wav_file(b"\x01\x00" * 5), wav_file(b"\x02\x00" * 3, streamed=True)]
    )
    with wave.open(io.BytesIO(joined)) as audio:
        assert audio.getframerate() == 24_000
        assert audio.readframes(100) == b"\x01\x00" * 5 + b"\x02\x00" * 3


def test_wav_pieces_with_different_formats_are_refused() -> None:
    other = bytearray(wav_file(b"\x00\x00"))
    other[24:28] = struct.pack("<I", 16_000)
    with pytest.raises(Exception, match="differ in sample format"):
        join_audio("wav", [wav_file(b"\x00\x00"), bytes(other)])
    with pytest.raises(Exception, match="no RIFF"):
        join_audio("wav", [b"nope", b"nope"])


@pytest.mark.parametrize("audio_format", ["opus", "flac"])
async def test_invoke_over_the_limit_in_a_format_that_cannot_be_joined_sends_nothing(
    audio_format: AudioFormat, api: FakeApi
) -> None:
    synth = OneRouterSpeechSynthesizer(
        client=api.client(Waits().policy()), max_chars=100, audio_format=audio_format
    )
    with pytest.raises(OneRouterInputError, match=f"{audio_format} files cannot be joined"):
        synth.invoke(ANSWER)
    with pytest.raises(OneRouterInputError, match=f"{audio_format} files cannot be joined"):
        await synth.ainvoke(ANSWER)
    assert api.requests == []  # refused before paying for the pieces


def test_empty_text_is_refused_by_invoke(synth: OneRouterSpeechSynthesizer, api: FakeApi) -> None:
    with pytest.raises(OneRouterInputError, match="empty"):
        synth.invoke("   ")
    assert list(synth.stream("   ")) == []
    assert api.requests == []


def test_non_text_input_says_what_to_add(synth: OneRouterSpeechSynthesizer) -> None:
    with pytest.raises(TypeError, match=r"StrOutputParser\(\)"):
        list(synth.transform(iter([{"content": "hi"}])))  # type: ignore[list-item]


def test_api_error_propagates_from_the_stream() -> None:
    client = FakeApi([echo_audio, error_response(400, "voice not found")]).client(Waits().policy())
    chunks = OneRouterSpeechSynthesizer(client=client).transform(words(ANSWER))
    assert next(chunks).text == SENTENCES[0]
    with pytest.raises(OneRouterBadRequestError, match="voice not found"):
        next(chunks)


def test_settings_are_validated(synth: OneRouterSpeechSynthesizer) -> None:
    with pytest.raises(ValueError, match="max_chars"):
        OneRouterSpeechSynthesizer(client=synth.client, max_chars=5000)
    with pytest.raises(ValueError, match="prefetch"):
        OneRouterSpeechSynthesizer(client=synth.client, prefetch=0)


def test_client_settings_build_the_client_as_for_the_tools(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    synth = OneRouterSpeechSynthesizer(
        api_key="sk-abc", base_url="http://127.0.0.1:9/v1/", timeout=5, max_retries=4
    )
    assert synth.client.api_key.get_secret_value() == "sk-abc"
    assert synth.client.base_url == "http://127.0.0.1:9/v1"
    assert synth.client.timeout.read == 5
    assert synth.client.max_retries == 4
    assert "sk-abc" not in repr(synth)


def test_a_client_with_settings_or_a_misspelt_setting_is_refused_without_the_key(
    synth: OneRouterSpeechSynthesizer,
) -> None:
    with pytest.raises(OneRouterError, match="either client= or client settings") as caught:
        OneRouterSpeechSynthesizer(client=synth.client, api_key="sk-conflicting-key-123")
    assert "sk-conflicting-key-123" not in str(caught.value)
    with pytest.raises(ValidationError, match="api_kye") as invalid:
        OneRouterSpeechSynthesizer(api_key="sk-abc", api_kye="sk-misspelt-secret-123")  # type: ignore[call-arg]
    assert "sk-misspelt-secret-123" not in str(invalid.value)


# -- in a chain


def chain_of(last: Runnable[Any, Any]) -> Runnable[dict[str, str], Any]:
    """``prompt | llm | StrOutputParser() | last`` with a model that streams ANSWER."""
    prompt = ChatPromptTemplate.from_messages([("human", "{question}")])
    llm = GenericFakeChatModel(messages=iter([AIMessage(ANSWER)]))
    return prompt | llm | StrOutputParser() | last


def test_chain_stream_speaks_sentence_by_sentence(synth: OneRouterSpeechSynthesizer) -> None:
    chain = chain_of(synth)
    assert [c.text for c in chain.stream({"question": "Why?"})] == SENTENCES


def test_chain_invoke_speaks_the_answer_as_one_file(synth: OneRouterSpeechSynthesizer) -> None:
    chain = chain_of(synth)
    assert chain.invoke({"question": "Why?"}).text == ANSWER


def test_tts_tool_at_the_end_of_a_chain_takes_the_plain_answer(
    api: FakeApi, tmp_path: Path
) -> None:
    tool = OneRouterTextToSpeechTool(client=api.client(Waits().policy()), output_dir=tmp_path)
    path = Path(chain_of(tool).invoke({"question": "Why?"}))
    assert path.parent == tmp_path
    assert path.read_bytes() == b"ID3" + ANSWER.encode()
    assert json.loads(api.requests[0].content)["input"] == ANSWER


async def test_tts_tool_at_the_end_of_an_async_chain(api: FakeApi, tmp_path: Path) -> None:
    tool = OneRouterTextToSpeechTool(client=api.client(Waits().policy()), output_dir=tmp_path)
    path = Path(await chain_of(tool).ainvoke({"question": "Why?"}))
    assert await asyncio.to_thread(path.read_bytes) == b"ID3" + ANSWER.encode()


# -- async: overlap, order and bounded prefetch


class Gate:
    """An async API whose answers are released by the test, in any order it likes."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}
        self.arrived = asyncio.Event()
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        text = spoken(request)
        self.started.append(text)
        gate = self.release.setdefault(text, asyncio.Event())
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.arrived.set()
        try:
            await gate.wait()
        finally:
            self.in_flight -= 1
        return httpx.Response(200, content=b"ID3" + text.encode())

    def open(self, text: str) -> None:
        self.release.setdefault(text, asyncio.Event()).set()

    async def wait_for(self, count: int) -> None:
        while len(self.started) < count:
            self.arrived.clear()
            await self.arrived.wait()


def gated(gate: Gate, prefetch: int = 2) -> OneRouterSpeechSynthesizer:
    client = OneRouterAudioClient(
        api_key=KEY,
        base_url=BASE_URL,
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(gate)),
        retry_policy=Waits().policy(),
    )
    return OneRouterSpeechSynthesizer(client=client, prefetch=prefetch)


async def awords(text: str, events: list[str] | None = None) -> AsyncIterator[str]:
    for word in words(text):
        yield word
        await asyncio.sleep(0)
    if events is not None:
        events.append("end of text")


async def collect(chunks: AsyncIterator[AudioChunk], seen: list[str]) -> None:
    async for chunk in chunks:
        seen.append(chunk.text)


async def test_async_first_chunk_arrives_before_the_input_ends() -> None:
    gate = Gate()
    for sentence in SENTENCES:
        gate.open(sentence)
    events: list[str] = []
    text_done = asyncio.Event()

    async def llm() -> AsyncIterator[str]:
        async for word in awords(ANSWER, events):
            yield word
        await text_done.wait()  # the model is still "writing" until the test says so

    chunks = gated(gate).atransform(llm())
    first = await anext(chunks)
    assert first.text == SENTENCES[0]
    assert "end of text" not in events
    text_done.set()
    assert [c.text async for c in chunks] == SENTENCES[1:]


async def test_async_chunks_come_in_order_when_later_sentences_finish_first() -> None:
    gate = Gate()
    synth = gated(gate, 4)
    results: list[AudioChunk] = []

    async def consume() -> None:
        results.extend([c async for c in synth.atransform(awords(ANSWER))])

    consumer = asyncio.create_task(consume())
    await gate.wait_for(4)  # all four requests in flight together
    for sentence in reversed(SENTENCES):
        gate.open(sentence)
        await asyncio.sleep(0)
    await consumer
    assert [c.text for c in results] == SENTENCES
    assert [c.index for c in results] == [0, 1, 2, 3]
    assert gate.peak == 4


async def test_async_prefetch_bounds_requests_in_flight() -> None:
    gate = Gate()
    synth = gated(gate, 2)
    results: list[str] = []

    async def consume() -> None:
        results.extend([c.text async for c in synth.atransform(awords(ANSWER))])

    consumer = asyncio.create_task(consume())
    await gate.wait_for(2)
    for _ in range(5):
        await asyncio.sleep(0)
    assert gate.started == SENTENCES[:2]  # the third waits for a free slot
    for sentence in SENTENCES:
        gate.open(sentence)
    await consumer
    assert results == SENTENCES
    assert gate.peak == 2


async def test_async_stopping_early_cancels_pending_synthesis() -> None:
    gate = Gate()
    gate.open(SENTENCES[0])
    chunks = cast(AsyncGenerator[AudioChunk, None], gated(gate, 3).atransform(awords(ANSWER)))
    assert (await anext(chunks)).text == SENTENCES[0]
    await gate.wait_for(3)
    await chunks.aclose()
    assert gate.in_flight == 0  # the open requests were cancelled, not left running
    assert len(gate.started) == 3


async def test_async_api_error_propagates_in_order() -> None:
    client = FakeApi([echo_audio, error_response(400, "voice not found")]).client(Waits().policy())
    synth = OneRouterSpeechSynthesizer(client=client)
    seen: list[str] = []
    with pytest.raises(OneRouterBadRequestError, match="voice not found"):
        await collect(synth.atransform(awords(ANSWER)), seen)
    assert seen == SENTENCES[:1]


async def test_async_input_error_propagates_after_the_spoken_part() -> None:
    async def broken() -> AsyncIterator[str]:
        yield SENTENCES[0] + " " + SENTENCES[1]
        raise RuntimeError("the model stream broke")

    synth = OneRouterSpeechSynthesizer(client=FakeApi([echo_audio]).client(Waits().policy()))
    seen: list[str] = []
    with pytest.raises(RuntimeError, match="stream broke"):
        await collect(synth.atransform(broken()), seen)
    assert seen == SENTENCES[:1]


async def test_async_chain_and_ainvoke(synth: OneRouterSpeechSynthesizer) -> None:
    chain = chain_of(synth)
    texts = [c.text async for c in chain.astream({"question": "Why?"})]
    assert texts == SENTENCES
    assert [c.text async for c in synth.astream(ANSWER)] == SENTENCES
    assert (await synth.ainvoke("Just this one sentence.")).text == "Just this one sentence."
