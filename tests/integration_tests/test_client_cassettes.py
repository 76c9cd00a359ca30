"""The client against recorded responses of a real OpenAI-compatible audio server.

Every endpoint, every response format and every upload format, sync and async; transcripts
are checked for the words the clips say (``_word_checks``). Re-record with ``make record``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    TranscriptionDiarized,
    TranscriptionVerbose,
)
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterNotFoundError,
)
from langchain_onerouter_audio.models import SPEECH_FORMATS, UPLOAD_FORMATS
from tests._calls import call
from tests.integration_tests._audio_checks import audio_seconds, check_transcript, clip_in_format
from tests.integration_tests._word_checks import (
    check_english_translation,
    check_german,
    check_hello,
    check_lecture_segments,
    check_logprobs,
    check_words_in_segments,
    cue_text,
)

pytestmark = pytest.mark.vcr

TEXT = "Hello there."
TRANSCRIPT_FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
# What each method must have heard in its clip: hello.mp3 transcribed, german.mp3 translated.
HEARD: dict[str, Callable[[str], None]] = {
    "transcribe": check_hello,
    "translate": check_english_translation,
}
# The requests of the word-checking tests, shared with tests/unit_tests/test_word_checks.py.
WORDS_AND_SEGMENTS: dict[str, Any] = {
    "response_format": "verbose_json",
    "timestamp_granularities": ["word", "segment"],
}
DIARIZED: dict[str, Any] = {
    "model": "gpt-4o-transcribe-diarize",
    "response_format": "diarized_json",
    "chunking_strategy": "auto",
}
LOGPROBS: dict[str, Any] = {"model": "gpt-4o-transcribe", "include": ["logprobs"]}


@pytest.fixture
def client(client_settings: dict[str, str]) -> Iterator[OneRouterAudioClient]:
    with OneRouterAudioClient(**client_settings, max_retries=0) as audio:
        yield audio


# -- speech


@pytest.mark.parametrize("audio_format", SPEECH_FORMATS)
def test_speech_decodes_as_the_format_asked_for(
    client: OneRouterAudioClient, mode: str, audio_format: str
) -> None:
    audio = call(client, "speech", mode, TEXT, voice="alloy", response_format=audio_format)
    assert 0.3 < audio_seconds(audio, audio_format) < 15


@pytest.mark.parametrize("audio_format", SPEECH_FORMATS)
def test_speech_to_file_decodes_as_the_format_asked_for(
    client: OneRouterAudioClient, tmp_path: Path, mode: str, audio_format: str
) -> None:
    target = tmp_path / "out" / f"speech.{audio_format}"
    written = call(
        client, "speech_to_file", mode, target, TEXT, voice="nova", response_format=audio_format
    )
    assert written == target
    assert 0.3 < audio_seconds(target.read_bytes(), audio_format) < 15
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


def test_speech_speed(client: OneRouterAudioClient, mode: str) -> None:
    # tts-1 takes `speed`; OpenAI's gpt-4o-mini-tts ignores it.
    options = {"model": "tts-1", "voice": "echo", "response_format": "wav"}
    normal = audio_seconds(call(client, "speech", mode, TEXT, **options), "wav")
    fast = audio_seconds(call(client, "speech", mode, TEXT, speed=2.0, **options), "wav")
    assert fast < normal * 0.8


def test_speech_instructions(client: OneRouterAudioClient, mode: str) -> None:
    audio = call(
        client, "speech", mode, TEXT, instructions="Speak cheerfully.", response_format="flac"
    )
    assert audio_seconds(audio, "flac") > 0.3


@pytest.mark.parametrize("stream_format", ["audio", "sse"])
def test_streamed_speech(client: OneRouterAudioClient, mode: str, stream_format: str) -> None:
    audio = call(client, "speech", mode, TEXT, response_format="mp3", stream_format=stream_format)
    assert audio_seconds(audio, "mp3") > 0.3


# -- transcription and translation


@pytest.mark.parametrize("response_format", TRANSCRIPT_FORMATS)
@pytest.mark.parametrize(
    ("method", "clip"), [("transcribe", "hello.mp3"), ("translate", "german.mp3")]
)
def test_each_transcript_format(
    client: OneRouterAudioClient,
    audio_dir: Path,
    mode: str,
    response_format: str,
    method: str,
    clip: str,
) -> None:
    result = call(client, method, mode, audio_dir / clip, response_format=response_format)
    text = check_transcript(response_format, result)
    HEARD[method](cue_text(text) if response_format in ("srt", "vtt") else text)


def test_the_german_clip_is_heard_as_german(
    client: OneRouterAudioClient, audio_dir: Path, mode: str
) -> None:
    result = call(
        client, "transcribe", mode, audio_dir / "german.mp3", response_format="verbose_json"
    )
    check_german(result)


def test_word_and_segment_timestamps(
    client: OneRouterAudioClient, audio_dir: Path, mode: str
) -> None:
    result = call(client, "transcribe", mode, audio_dir / "lecture.mp3", **WORDS_AND_SEGMENTS)
    check_transcript("verbose_json", result)
    assert isinstance(result, TranscriptionVerbose)
    assert result.duration is not None
    assert 20 < result.duration < 30
    assert result.segments is not None
    assert len(result.segments) > 1
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts)
    assert [s.id for s in result.segments] == list(range(len(result.segments)))
    assert result.words is not None
    assert len(result.words) >= 10
    for word in result.words:
        assert word.word.strip()
        assert 0 <= word.start <= word.end <= result.duration + 0.5
    assert [w.start for w in result.words] == sorted(w.start for w in result.words)
    check_lecture_segments(result.segments)
    check_words_in_segments(result)


def test_diarized_speaker_turns(client: OneRouterAudioClient, audio_dir: Path, mode: str) -> None:
    result = call(client, "transcribe", mode, audio_dir / "lecture.mp3", **DIARIZED)
    assert isinstance(result, TranscriptionDiarized)
    assert len({segment.speaker for segment in result.segments}) == 1  # one voice speaks
    check_lecture_segments(result.segments)


def test_logprobs_come_with_the_words(
    client: OneRouterAudioClient, audio_dir: Path, mode: str
) -> None:
    result = call(client, "transcribe", mode, audio_dir / "hello.mp3", **LOGPROBS)
    check_logprobs(result.text, result.logprobs)


@pytest.mark.parametrize("extension", UPLOAD_FORMATS)
def test_every_upload_format_transcribes(
    client: OneRouterAudioClient, audio_dir: Path, mode: str, extension: str
) -> None:
    clip = clip_in_format(audio_dir, extension)
    check_hello(check_transcript("json", call(client, "transcribe", mode, clip)))


def test_request_options_are_accepted(
    client: OneRouterAudioClient, audio_dir: Path, mode: str
) -> None:
    result = call(
        client,
        "transcribe",
        mode,
        audio_dir / "hello.wav",
        model="whisper-1",
        language="en",
        prompt="Wolfgang, Germany.",
        temperature=0.0,
    )
    check_hello(check_transcript("json", result))
    translated = call(
        client, "translate", mode, audio_dir / "german.mp3", prompt="Wolfgang", temperature=0.2
    )
    check_english_translation(check_transcript("json", translated))


@pytest.mark.parametrize("method", ["transcribe", "translate"])
def test_upload_of_named_bytes(client: OneRouterAudioClient, audio_dir: Path, method: str) -> None:
    data = (audio_dir / "hello.ogg").read_bytes()
    result = call(client, method, "sync", ("voice-note.ogg", data), response_format="text")
    check_hello(check_transcript("text", result))  # English speech translates to itself


# -- errors from a real server


def test_a_wrong_key_is_an_authentication_error(client_settings: dict[str, str], mode: str) -> None:
    settings = {**client_settings, "api_key": "wrong-key-for-test"}
    with (
        OneRouterAudioClient(**settings, max_retries=0) as client,
        pytest.raises(OneRouterAuthenticationError) as caught,
    ):
        call(client, "speech", mode, TEXT)
    assert caught.value.status_code == 401
    assert caught.value.message


def test_a_wrong_base_url_is_not_found(client_settings: dict[str, str]) -> None:
    settings = {**client_settings, "base_url": client_settings["base_url"] + "/nowhere"}
    with (
        OneRouterAudioClient(**settings, max_retries=0) as client,
        pytest.raises(OneRouterNotFoundError) as caught,
    ):
        client.speech(TEXT)
    assert caught.value.status_code == 404
