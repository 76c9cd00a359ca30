"""Response parsers: each transcript format becomes the type it promises, or a clear error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from langchain_onerouter_audio._responses import parse_transcript
from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import (
    DiarizedSegment,
    Segment,
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
    UsageDuration,
    UsageTokens,
    Word,
)

SRT = "1\n00:00:00,220 --> 00:00:01,430\nhello there\n\n2\n00:00:01,860 --> 00:00:02,380\nfriend\n"
VTT = "WEBVTT\n\n00:00:00.220 --> 00:00:01.430\nhello there\n"

VERBOSE = {
    "task": "transcribe",
    "language": "english",
    "duration": 5.33,
    "text": "hello there friend",
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.22,
            "end": 1.43,
            "text": " hello there",
            "tokens": [50364, 2425],
            "temperature": 0.0,
            "avg_logprob": -0.25,
            "compression_ratio": 0.9,
            "no_speech_prob": 0.01,
        },
        {"id": 1, "start": 1.86, "end": 2.38, "text": " friend"},
    ],
    "words": [
        {"word": "hello", "start": 0.22, "end": 0.6},
        {"word": "there", "start": 0.7, "end": 1.43},
        {"word": "friend", "start": 1.86, "end": 2.38},
    ],
    "usage": {"type": "duration", "seconds": 6},
}

DIARIZED = {
    "task": "transcribe",
    "duration": 4.0,
    "text": "Hi. Hello.",
    "segments": [
        {"id": "seg_0", "start": 0.0, "end": 1.5, "speaker": "A", "text": "Hi.",
         "type": "transcript.text.segment"},
        {"id": "seg_1", "start": 1.6, "end": 4.0, "speaker": "B", "text": "Hello."},
    ],
    "usage": {"type": "tokens", "input_tokens": 40, "output_tokens": 5, "total_tokens": 45},
}  # fmt: skip


def _body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def test_json_with_duration_usage() -> None:
    result = parse_transcript(
        "json", _body({"text": "hi", "usage": {"type": "duration", "seconds": 2.5}})
    )
    assert isinstance(result, Transcription)
    assert result.text == "hi"
    assert result.usage == UsageDuration(seconds=2.5)
    assert result.logprobs is None


def test_json_with_token_usage_and_logprobs() -> None:
    usage = {
        "type": "tokens",
        "input_tokens": 14,
        "output_tokens": 3,
        "total_tokens": 17,
        "input_token_details": {"text_tokens": 2, "audio_tokens": 12},
    }
    logprobs = [{"token": "hi", "bytes": [104.0, 105.0], "logprob": -0.01}]
    result = parse_transcript("json", _body({"text": "hi", "usage": usage, "logprobs": logprobs}))
    assert isinstance(result, Transcription)
    assert isinstance(result.usage, UsageTokens)
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.total_tokens) == (
        14,
        3,
        17,
    )
    assert result.usage.input_token_details == {"text_tokens": 2, "audio_tokens": 12}
    assert result.logprobs is not None
    assert result.logprobs[0].token == "hi"
    assert result.logprobs[0].logprob == -0.01


def test_json_without_usage() -> None:
    result = parse_transcript("json", b'{"text": ""}')
    assert result == Transcription(text="")


def test_json_keeps_fields_added_later() -> None:
    result = parse_transcript("json", _body({"text": "hi", "provider": "x", "confidence": 0.9}))
    assert isinstance(result, Transcription)
    assert result.model_extra == {"provider": "x", "confidence": 0.9}


def test_verbose_json_segments_words_and_duration() -> None:
    result = parse_transcript("verbose_json", _body(VERBOSE))
    assert isinstance(result, TranscriptionVerbose)
    assert (result.text, result.language, result.duration, result.task) == (
        "hello there friend",
        "english",
        5.33,
        "transcribe",
    )
    assert result.segments is not None
    assert [type(s) for s in result.segments] == [Segment, Segment]
    first, second = result.segments
    assert (first.id, first.start, first.end, first.text) == (0, 0.22, 1.43, " hello there")
    assert first.tokens == [50364, 2425]
    assert (first.avg_logprob, first.compression_ratio, first.no_speech_prob) == (-0.25, 0.9, 0.01)
    # Servers may leave out the decoder details; they are None instead of failing.
    assert (second.seek, second.tokens, second.temperature, second.avg_logprob) == (
        None,
        None,
        None,
        None,
    )
    assert result.words == [
        Word(word="hello", start=0.22, end=0.6),
        Word(word="there", start=0.7, end=1.43),
        Word(word="friend", start=1.86, end=2.38),
    ]
    assert result.usage == UsageDuration(seconds=6)


def test_verbose_json_minimal() -> None:
    result = parse_transcript("verbose_json", b'{"text": "hi"}')
    assert result == TranscriptionVerbose(text="hi")
    assert isinstance(result, TranscriptionVerbose)
    assert result.segments is None
    assert result.words is None


def test_diarized_json_speaker_turns() -> None:
    result = parse_transcript("diarized_json", _body(DIARIZED))
    assert isinstance(result, TranscriptionDiarized)
    assert [(s.speaker, s.text) for s in result.segments] == [("A", "Hi."), ("B", "Hello.")]
    assert all(isinstance(s, DiarizedSegment) for s in result.segments)
    assert result.segments[1].type == "transcript.text.segment"
    assert result.duration == 4.0
    assert isinstance(result.usage, UsageTokens)
    assert result.usage.total_tokens == 45


@pytest.mark.parametrize(
    ("response_format", "body"), [("text", "hello there\n"), ("srt", SRT), ("vtt", VTT)]
)
def test_text_formats_come_back_verbatim(response_format: str, body: str) -> None:
    assert parse_transcript(response_format, body.encode()) == body


def test_text_formats_keep_unicode_and_replace_broken_bytes() -> None:
    assert parse_transcript("text", "Grüße, 你好".encode()) == "Grüße, 你好"
    assert parse_transcript("text", b"ok \xff\xfe end") == "ok \ufffd\ufffd end"


def test_text_formats_accept_an_empty_body() -> None:
    assert parse_transcript("srt", b"") == ""


@pytest.mark.parametrize(
    ("response_format", "body", "first_problem"),
    [
        ("json", b"", "Invalid JSON"),
        ("json", b"hello there", "Invalid JSON"),
        ("json", b'{"text": "cut sho', "Invalid JSON"),
        ("json", b"<html><body>502 Bad Gateway</body></html>", "Invalid JSON"),
        ("json", b'["text"]', "Input should be"),
        ("json", b"{}", "Field required"),
        ("json", b'{"text": null}', "valid string"),
        ("verbose_json", b'{"text": "hi", "segments": [{"id": 0}]}', "Field required"),
        (
            "verbose_json",
            b'{"text": "hi", "words": [{"word": "a", "start": "soon"}]}',
            "valid number",
        ),
        ("verbose_json", b'{"text": "hi", "duration": "long"}', "valid number"),
        ("diarized_json", b'{"text": "hi", "segments": [{"id": "s"}]}', "Field required"),
    ],
)
def test_malformed_bodies_raise_a_response_error(
    response_format: str, body: bytes, first_problem: str
) -> None:
    with pytest.raises(OneRouterResponseError) as caught:
        parse_transcript(response_format, body, request_id="req_abc")
    error = caught.value
    message = str(error)
    assert f"The server's {response_format} response could not be read" in message
    assert first_problem in message
    assert "not be OpenAI-compatible" in message
    assert error.request_id == "req_abc"
    assert error.__cause__ is None  # pydantic's long dump stays out of the traceback


def test_malformed_body_counts_every_problem() -> None:
    with pytest.raises(OneRouterResponseError, match=r"\(2 problem\(s\), first: Field required\)"):
        parse_transcript("verbose_json", b'{"segments": [{"id": 0, "start": 0, "end": 1}]}')


def test_response_error_request_id_is_optional() -> None:
    with pytest.raises(OneRouterResponseError) as caught:
        parse_transcript("json", b"nope")
    assert caught.value.request_id is None
