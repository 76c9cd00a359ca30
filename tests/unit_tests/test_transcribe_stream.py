"""Streamed transcription (``stream=True``): events as they arrive, retries, broken streams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio._responses import TranscriptStream
from langchain_onerouter_audio._sse import SseEvents
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterConnectionError,
    OneRouterResponseError,
)
from langchain_onerouter_audio.models import (
    DiarizedSegment,
    TranscriptTextDelta,
    TranscriptTextDone,
    UsageTokens,
)
from tests._calls import collect_stream
from tests.unit_tests.fake_api import AUDIO, FakeApi, Waits, broken_body, error_response, form

EVENTS = [
    {"type": "transcript.text.delta", "delta": "hello"},
    {"type": "transcript.text.delta", "delta": " there"},
    {"type": "transcript.text.segment", "id": "s1", "start": 0, "end": 1, "speaker": "A",
     "text": "hello there"},
    {"type": "transcript.text.future_kind", "anything": 1},
    {
        "type": "transcript.text.done",
        "text": "hello there",
        "usage": {"type": "tokens", "input_tokens": 5, "output_tokens": 2, "total_tokens": 7},
    },
]  # fmt: skip


def sse(events: list[dict[str, Any]], newline: bytes = b"\n") -> bytes:
    return b"".join(b"data: " + json.dumps(e).encode() + newline * 2 for e in events)


def streamed(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=sse(EVENTS), headers={"content-type": "text/event-stream"})


def collect(client: OneRouterAudioClient, clip: Path, mode: str, **options: Any) -> list[Any]:
    return collect_stream(client, "transcribe_stream", mode, clip, **options)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp3"
    path.write_bytes(AUDIO)
    return path


def test_events_arrive_typed_and_unknown_ones_are_skipped(clip: Path, mode: str) -> None:
    api = FakeApi([streamed])
    events = collect(api.client(Waits().policy()), clip, mode, model="gpt-4o-transcribe")
    assert [type(e) for e in events] == [
        TranscriptTextDelta,
        TranscriptTextDelta,
        DiarizedSegment,
        TranscriptTextDone,
    ]
    assert "".join(e.delta for e in events if isinstance(e, TranscriptTextDelta)) == "hello there"
    assert isinstance(events[-1].usage, UsageTokens)
    sent = dict(form(api.requests[0]))
    assert sent["stream"] == "true"
    assert sent["model"] == "gpt-4o-transcribe"


def test_a_model_that_does_not_stream_gives_one_done_event(clip: Path, mode: str) -> None:
    api = FakeApi([httpx.Response(200, json={"text": "hi", "usage": None})])
    events = collect(api.client(Waits().policy()), clip, mode)
    assert events == [TranscriptTextDone(text="hi")]


def test_failures_before_the_stream_starts_are_retried(clip: Path, mode: str) -> None:
    waits = Waits()
    api = FakeApi([error_response(503), error_response(429, headers={"retry-after": "2"}),
                     streamed])  # fmt: skip
    events = collect(api.client(waits.policy()), clip, mode)
    assert len(api.requests) == 3
    assert waits.seconds == [0.5, 2.0]
    assert events[-1] == TranscriptTextDone.model_validate(EVENTS[-1])


def test_a_refused_key_is_not_retried(clip: Path, mode: str) -> None:
    api = FakeApi([error_response(401, "Invalid API key")])
    with pytest.raises(OneRouterAuthenticationError, match="Invalid API key"):
        collect(api.client(Waits().policy()), clip, mode)
    assert len(api.requests) == 1


def test_a_stream_broken_midway_is_a_connection_error(clip: Path, mode: str) -> None:
    head = sse(EVENTS[:1])
    broken = broken_body(head)

    def respond(request: httpx.Request) -> httpx.Response:
        response = broken(request)
        response.headers["content-type"] = "text/event-stream"
        return response

    api = FakeApi([respond])
    with pytest.raises(OneRouterConnectionError):
        collect(api.client(Waits().policy()), clip, mode)
    assert len(api.requests) == 1  # events were already delivered: never replayed


def test_an_error_event_raises(clip: Path, mode: str) -> None:
    body = sse([EVENTS[0], {"type": "error", "error": {"message": "model overloaded"}}])
    api = FakeApi([httpx.Response(200, content=body,
                                    headers={"content-type": "text/event-stream"})])  # fmt: skip
    with pytest.raises(OneRouterResponseError, match="model overloaded"):
        collect(api.client(Waits().policy()), clip, mode)


def test_bad_options_are_refused_before_sending(clip: Path) -> None:
    api = FakeApi([streamed])
    client = api.client(Waits().policy())
    with pytest.raises(ValueError, match="language"):
        list(client.transcribe_stream(clip, language="english"))
    assert api.requests == []


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_events_split_anywhere_across_chunks(size: int) -> None:
    body = sse(EVENTS, newline=b"\r\n")
    stream = TranscriptStream("text/event-stream; charset=utf-8", None)
    events = [e for i in range(0, len(body), size) for e in stream.feed(body[i : i + size])]
    assert [e.type for e in events] == [
        "transcript.text.delta",
        "transcript.text.delta",
        "transcript.text.segment",
        "transcript.text.done",
    ]
    assert stream.finish() == []


def test_a_malformed_event_names_the_request() -> None:
    stream = TranscriptStream("text/event-stream", "req_9")
    with pytest.raises(OneRouterResponseError, match="transcript event") as caught:
        stream.feed(b'data: {"type": "transcript.text.delta"}\n\n')
    assert caught.value.request_id == "req_9"


# -- the end of the stream: a last event without its blank line, or no done event at all


def test_the_splitter_flushes_a_last_event_without_its_blank_line() -> None:
    events = SseEvents("transcript")
    assert events.feed(b'data: {"n": 1}\r\n\r\ndata: {"n": 2}\r\n') == [{"n": 1}]
    assert events.flush() == [{"n": 2}]
    assert events.flush() == []


def test_a_done_event_without_its_blank_line_is_delivered(clip: Path, mode: str) -> None:
    body = sse(EVENTS).rstrip(b"\n")
    api = FakeApi([httpx.Response(200, content=body,
                                    headers={"content-type": "text/event-stream"})])  # fmt: skip
    events = collect(api.client(Waits().policy()), clip, mode)
    assert events[-1] == TranscriptTextDone.model_validate(EVENTS[-1])


def test_a_stream_that_ends_without_a_done_event_was_cut_short(clip: Path, mode: str) -> None:
    body = sse(EVENTS[:2])
    api = FakeApi([httpx.Response(200, content=body,
                                    headers={"content-type": "text/event-stream",
                                             "x-request-id": "req_cut"})])  # fmt: skip
    with pytest.raises(OneRouterResponseError, match="cut short") as caught:
        collect(api.client(Waits().policy()), clip, mode)
    assert caught.value.request_id == "req_cut"
