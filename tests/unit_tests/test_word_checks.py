"""The word checks of the cassette tests catch wrong words, not only pass on right ones.

Each case replays a recorded response through the client (``httpx.MockTransport``, no
network) twice: as recorded, where its check must pass, and with every word of the transcript
swapped for a wrong one (punctuation, spacing and timings kept, so only the words differ),
where the same check must fail, and fail about words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from vcr.serializers import yamlserializer

from langchain_onerouter_audio import OneRouterAudioClient
from tests.conftest import AUDIO, CASSETTES, REPLAY_BASE_URL, REPLAY_KEY
from tests.integration_tests._word_checks import (
    check_english_translation,
    check_german,
    check_hello,
    check_lecture_segments,
    check_logprobs,
    check_streamed,
    check_words_in_segments,
    cue_text,
)
from tests.integration_tests.test_client_cassettes import DIARIZED, LOGPROBS, WORDS_AND_SEGMENTS

WORD_FAILURE = "word error rate|did not hear|not English"
_LETTERS = re.compile(r"[^\W\d_]+")
_WRONG = ("train", "berlin", "leaves", "nine", "sharp", "cold", "river")
_TEXT_FIELDS = {"text", "word", "token", "delta"}


def wrong_words(text: str) -> str:
    """Every word replaced by a wrong one, the same one each time it occurs."""
    return _LETTERS.sub(lambda found: _WRONG[sum(map(ord, found.group())) % len(_WRONG)], text)


def _corrupt_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: wrong_words(item)
            if key in _TEXT_FIELDS and isinstance(item, str)
            else _corrupt_json(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_corrupt_json(item) for item in value]
    return value


def corrupt_body(body: str) -> str:
    """A transcript body (json, server-sent events, text, srt or vtt) with wrong words."""
    try:
        return json.dumps(_corrupt_json(json.loads(body)))
    except ValueError:
        pass
    lines = body.split("\n")
    if any(line.startswith("data: {") for line in lines):
        return "\n".join(
            "data: " + corrupt_body(line.removeprefix("data: "))
            if line.startswith("data: {")
            else line
            for line in lines
        )
    return "\n".join(line if line == "WEBVTT" else wrong_words(line) for line in lines)


def replaying(cassette: str, corrupt: bool) -> OneRouterAudioClient:
    """A client whose requests get the cassette's responses in order, words swapped if asked."""
    recorded = yamlserializer.deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))
    responses = iter(interaction["response"] for interaction in recorded["interactions"])

    def answer(request: httpx.Request) -> httpx.Response:
        response = next(responses)
        body = response["body"]["string"]
        text = body.decode() if isinstance(body, bytes) else body
        headers = {
            name: values[0]
            for name, values in response["headers"].items()
            if name.lower() not in ("content-length", "content-encoding")
        }
        content = corrupt_body(text) if corrupt else text
        return httpx.Response(response["status"]["code"], headers=headers, content=content)

    http_client = httpx.Client(transport=httpx.MockTransport(answer))
    return OneRouterAudioClient(
        api_key=REPLAY_KEY, base_url=REPLAY_BASE_URL, http_client=http_client
    )


@dataclass(frozen=True)
class Case:
    """A cassette of a word-checking test, the request it answers and the test's check."""

    cassette: str
    check: Callable[[OneRouterAudioClient], None]


HELLO, GERMAN, LECTURE = AUDIO / "hello.mp3", AUDIO / "german.mp3", AUDIO / "lecture.mp3"
CLIENT = "test_client_cassettes/"
STREAM = "test_stream_cassettes/test_a_streaming_model_sends_deltas_then_the_whole_text"


def _timestamps(client: OneRouterAudioClient) -> Any:
    return client.transcribe(LECTURE, **WORDS_AND_SEGMENTS)


def _diarized(client: OneRouterAudioClient) -> None:
    check_lecture_segments(client.transcribe(LECTURE, **DIARIZED).segments)


def _logprobs(client: OneRouterAudioClient) -> None:
    result = client.transcribe(HELLO, **LOGPROBS)
    check_logprobs(result.text, result.logprobs)


def _streamed(model: str) -> Callable[[OneRouterAudioClient], None]:
    return lambda client: check_streamed(list(client.transcribe_stream(HELLO, model=model)))


def _format_cassette(path: Path, method: str, response_format: str) -> str:
    return f"{CLIENT}test_each_transcript_format[{method}-{path.name}-{response_format}].yaml"


CASES = {
    "hello-json": Case(
        _format_cassette(HELLO, "transcribe", "json"),
        lambda client: check_hello(client.transcribe(HELLO).text),
    ),
    "hello-srt": Case(
        _format_cassette(HELLO, "transcribe", "srt"),
        lambda client: check_hello(cue_text(client.transcribe(HELLO, response_format="srt"))),
    ),
    "german-detected": Case(
        f"{CLIENT}test_the_german_clip_is_heard_as_german.yaml",
        lambda client: check_german(client.transcribe(GERMAN, response_format="verbose_json")),
    ),
    "translation-json": Case(
        _format_cassette(GERMAN, "translate", "json"),
        lambda client: check_english_translation(client.translate(GERMAN).text),
    ),
    "translation-vtt": Case(
        _format_cassette(GERMAN, "translate", "vtt"),
        lambda client: check_english_translation(
            cue_text(client.translate(GERMAN, response_format="vtt"))
        ),
    ),
    "lecture-segments": Case(
        f"{CLIENT}test_word_and_segment_timestamps.yaml",
        lambda client: check_lecture_segments(_timestamps(client).segments),
    ),
    "lecture-words": Case(
        f"{CLIENT}test_word_and_segment_timestamps.yaml",
        lambda client: check_words_in_segments(_timestamps(client)),
    ),
    "diarized": Case(f"{CLIENT}test_diarized_speaker_turns.yaml", _diarized),
    "logprobs": Case(f"{CLIENT}test_logprobs_come_with_the_words.yaml", _logprobs),
    "stream-mini": Case(
        f"{STREAM}[gpt-4o-mini-transcribe].yaml", _streamed("gpt-4o-mini-transcribe")
    ),
    "stream": Case(f"{STREAM}[gpt-4o-transcribe].yaml", _streamed("gpt-4o-transcribe")),
}


@pytest.mark.parametrize("name", CASES)
def test_the_check_passes_on_the_recorded_words(name: str) -> None:
    case = CASES[name]
    with replaying(case.cassette, corrupt=False) as client:
        case.check(client)


@pytest.mark.parametrize("name", CASES)
def test_the_check_fails_on_wrong_words(name: str) -> None:
    case = CASES[name]
    with (
        replaying(case.cassette, corrupt=True) as client,
        pytest.raises(AssertionError, match=WORD_FAILURE),
    ):
        case.check(client)


def test_wrong_words_keep_punctuation_and_timings() -> None:
    swapped = wrong_words("00:00:05,000 --> 00:00:06,500\nHello, Wolfgang!")
    assert swapped.startswith("00:00:05,000 --> 00:00:06,500\n")
    assert re.fullmatch(r"\w+, \w+!", swapped.split("\n")[1])
    assert "Hello" not in swapped
    assert "Wolfgang" not in swapped
