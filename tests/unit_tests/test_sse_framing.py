"""SSE framing: the three line ends the spec allows, wherever the network cuts the bytes."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio._sse import SseEvents, SseLines
from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import TranscriptTextDelta, TranscriptTextDone
from tests._calls import call, collect_stream
from tests.unit_tests.fake_api import AUDIO, FakeApi, Waits

NEWLINES = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}

SPEECH_EVENTS = [
    {"type": "speech.audio.delta", "audio": base64.b64encode(AUDIO[:100]).decode()},
    {"type": "speech.audio.delta", "audio": base64.b64encode(AUDIO[100:]).decode()},
    {"type": "speech.audio.done", "usage": {"input_tokens": 3}},
]
TRANSCRIPT_EVENTS = [
    {"type": "transcript.text.delta", "delta": "hello"},
    {"type": "transcript.text.delta", "delta": " there"},
    {"type": "transcript.text.done", "text": "hello there"},
]


def sse(events: list[dict[str, Any]], newline: bytes) -> bytes:
    return b"".join(b"data: " + json.dumps(e).encode() + newline * 2 for e in events)


class Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body delivered in pieces of ``size`` bytes, the way a network may cut it."""

    def __init__(self, body: bytes, size: int) -> None:
        self.pieces = [body[i : i + size] for i in range(0, len(body), size)]

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece


def answer(body: bytes, size: int) -> httpx.Response:
    headers = {"content-type": "text/event-stream"}
    return httpx.Response(200, headers=headers, stream=Pieces(body, size))


# -- through the client


def every_cut(test: Callable[..., None]) -> Callable[..., None]:
    """Run ``test`` sync and async, for each line end, with the body cut into pieces."""
    for mark in (
        pytest.mark.parametrize("size", [1, 5, 4096]),
        pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys()),
    ):
        test = mark(test)
    return test


@every_cut
def test_speech_events_are_read_with_any_line_end(
    tmp_path: Path, mode: str, newline: bytes, size: int
) -> None:
    body = sse(SPEECH_EVENTS, newline)
    client = FakeApi([lambda _: answer(body, size)]).client(Waits().policy())
    audio = call(client, "speech", mode, "Hi.", stream_format="sse")
    target = call(client, "speech_to_file", mode, tmp_path / "a.mp3", "Hi.", stream_format="sse")
    assert audio == AUDIO
    assert target.read_bytes() == AUDIO


@every_cut
def test_transcript_events_are_read_with_any_line_end(
    tmp_path: Path, mode: str, newline: bytes, size: int
) -> None:
    clip = tmp_path / "clip.mp3"
    clip.write_bytes(AUDIO)
    body = sse(TRANSCRIPT_EVENTS, newline)
    client = FakeApi([lambda _: answer(body, size)]).client(Waits().policy())
    events = collect_stream(client, "transcribe_stream", mode, clip)
    assert [type(e) for e in events] == [
        TranscriptTextDelta,
        TranscriptTextDelta,
        TranscriptTextDone,
    ]
    assert events[-1].text == "hello there"


# -- the line splitter and the event decoder


def test_a_crlf_split_across_chunks_is_one_line_end() -> None:
    lines = SseLines()
    assert lines.feed("data: 1\r") == []
    assert lines.feed("\n\r") == ["data: 1"]
    assert lines.feed("\ndata: 2") == [""]
    assert lines.flush() == ["data: 2"]


def test_a_cr_at_a_chunk_end_followed_by_text_is_a_line_end() -> None:
    lines = SseLines()
    assert lines.feed("data: 1\r") == []
    assert lines.feed("\rdata: 2\r") == ["data: 1", ""]
    assert lines.feed("x") == ["data: 2"]
    assert lines.flush() == ["x"]


def test_a_cr_that_ends_the_stream_ends_its_line() -> None:
    lines = SseLines()
    assert lines.feed("data: 1\r") == []
    assert lines.flush() == ["data: 1"]
    assert lines.flush() == []


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_a_last_event_without_its_blank_line_is_flushed(newline: bytes) -> None:
    events = SseEvents("transcript")
    body = b'data: {"n": 1}' + newline * 2 + b'data: {"n": 2}' + newline
    assert events.feed(body) == [{"n": 1}]
    assert events.flush() == [{"n": 2}]
    assert events.flush() == []


def test_done_marker_and_comments_and_multi_line_data() -> None:
    events = SseEvents("transcript")
    body = b': keep-alive\r\rdata: {"n":\rdata: 1}\r\rdata: [DONE]\r\r'
    assert events.feed(body) == [{"n": 1}]


def test_a_character_split_across_chunks_is_decoded_whole() -> None:
    body = 'data: {"delta": "é"}\n\n'.encode()
    cut = body.index(b"\xa9")  # between the two bytes of the é
    events = SseEvents("transcript")
    assert events.feed(body[:cut]) == []
    assert events.feed(body[cut:]) == [{"delta": "é"}]


def test_data_that_is_not_json_is_a_typed_error() -> None:
    events = SseEvents("speech")
    assert events.feed(b"data: not json\r\r") == []  # the last CR may be half a CRLF
    with pytest.raises(OneRouterResponseError, match="speech event"):
        events.flush()
