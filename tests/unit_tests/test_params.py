"""Request builders: every field reaches the wire, every bad value is refused before sending."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    DEFAULT_TTS_MODEL,
    DEFAULT_VOICE,
    speech_payload,
    transcription_fields,
    translation_fields,
    validate_language,
)
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import MAX_SPEECH_INPUT_CHARS, SPEECH_FORMATS, ServerVad

# -- speech


def test_speech_payload_defaults() -> None:
    assert speech_payload("Hello.") == {
        "model": DEFAULT_TTS_MODEL,
        "input": "Hello.",
        "voice": DEFAULT_VOICE,
        "response_format": "mp3",
    }


def test_speech_payload_every_field() -> None:
    payload = speech_payload(
        "Hello.",
        model="tts-1",
        voice="nova",
        instructions="warm and calm",
        response_format="wav",
        speed=1.5,
        stream_format="sse",
    )
    assert payload == {
        "model": "tts-1",
        "input": "Hello.",
        "voice": "nova",
        "instructions": "warm and calm",
        "response_format": "wav",
        "speed": 1.5,
        "stream_format": "sse",
    }
    json.dumps(payload)  # the body must be JSON-serialisable as is


@pytest.mark.parametrize("audio_format", SPEECH_FORMATS)
def test_speech_payload_accepts_each_format(audio_format: str) -> None:
    assert speech_payload("Hi.", response_format=audio_format)["response_format"] == audio_format  # type: ignore[arg-type]


@pytest.mark.parametrize("speed", [0.25, 1, 4.0])
def test_speech_payload_speed_bounds_are_inclusive(speed: float) -> None:
    assert speech_payload("Hi.", speed=speed)["speed"] == speed


def test_speech_payload_accepts_text_at_the_limit() -> None:
    text = "a" * MAX_SPEECH_INPUT_CHARS
    assert speech_payload(text)["input"] == text


def test_speech_payload_keeps_open_model_and_voice_names() -> None:
    payload = speech_payload("Hi.", model="some-provider/new-tts", voice="custom-voice-7")
    assert (payload["model"], payload["voice"]) == ("some-provider/new-tts", "custom-voice-7")


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("", {}, "empty"),
        ("   \n", {}, "empty"),
        (None, {}, "empty"),
        ("a" * (MAX_SPEECH_INPUT_CHARS + 1), {}, "4,097 characters; the limit is 4,096"),
        ("Hi.", {"model": ""}, "`model`"),
        ("Hi.", {"model": "  "}, "`model`"),
        ("Hi.", {"model": None}, "`model`"),
        ("Hi.", {"voice": ""}, "`voice`"),
        ("Hi.", {"voice": 3}, "`voice`"),
        ("Hi.", {"response_format": "ogg"}, "`response_format` is 'ogg'; use one of: mp3,"),
        ("Hi.", {"speed": 0.2}, "`speed` is 0.2; it must be between 0.25 and 4.0"),
        ("Hi.", {"speed": 4.01}, "`speed` is 4.01"),
        ("Hi.", {"speed": math.nan}, "`speed` must be a number"),
        ("Hi.", {"speed": True}, "`speed` must be a number"),
        ("Hi.", {"speed": "fast"}, "`speed` must be a number"),
        ("Hi.", {"stream_format": "chunks"}, "`stream_format` is 'chunks'; use one of: sse, audio"),
    ],
)
def test_speech_payload_refuses(text: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(OneRouterInputError) as caught:
        speech_payload(text, **options)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


# -- transcription and translation


def _as_dict(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped


@pytest.mark.parametrize("build", [transcription_fields, translation_fields])
def test_fields_defaults(build: Any) -> None:
    assert build("json") == [("model", DEFAULT_TRANSCRIPTION_MODEL), ("response_format", "json")]


def test_transcription_fields_every_field() -> None:
    vad = ServerVad(prefix_padding_ms=300, silence_duration_ms=500, threshold=0.4)
    fields = transcription_fields(
        "verbose_json",
        model="whisper-1",
        prompt="Wolfgang, Germany",
        temperature=0.2,
        language="en",
        timestamp_granularities=["word", "segment"],
        include=["logprobs"],
        chunking_strategy=vad,
        known_speaker_names=["agent", "customer"],
        known_speaker_references=["data:audio/wav;base64,AAA", "data:audio/wav;base64,BBB"],
    )
    assert _as_dict(fields) == {
        "model": ["whisper-1"],
        "response_format": ["verbose_json"],
        "prompt": ["Wolfgang, Germany"],
        "temperature": ["0.2"],
        "language": ["en"],
        "timestamp_granularities[]": ["word", "segment"],
        "include[]": ["logprobs"],
        "chunking_strategy[type]": ["server_vad"],
        "chunking_strategy[prefix_padding_ms]": ["300"],
        "chunking_strategy[silence_duration_ms]": ["500"],
        "chunking_strategy[threshold]": ["0.4"],
        "known_speaker_names[]": ["agent", "customer"],
        "known_speaker_references[]": ["data:audio/wav;base64,AAA", "data:audio/wav;base64,BBB"],
    }
    assert all(isinstance(value, str) for _, value in fields)


def test_transcription_fields_chunking_auto_and_partial_vad() -> None:
    assert ("chunking_strategy", "auto") in transcription_fields("json", chunking_strategy="auto")
    fields = _as_dict(transcription_fields("json", chunking_strategy=ServerVad(threshold=0.5)))
    assert fields["chunking_strategy[type]"] == ["server_vad"]
    assert fields["chunking_strategy[threshold]"] == ["0.5"]


def test_translation_fields_every_field() -> None:
    fields = translation_fields("srt", model="whisper-large", prompt="names", temperature=0)
    assert fields == [
        ("model", "whisper-large"),
        ("response_format", "srt"),
        ("prompt", "names"),
        ("temperature", "0.0"),
    ]


@pytest.mark.parametrize("build", [transcription_fields, translation_fields])
@pytest.mark.parametrize("response_format", ["json", "text", "srt", "vtt", "verbose_json"])
def test_fields_accept_each_shared_format(build: Any, response_format: str) -> None:
    assert ("response_format", response_format) in build(response_format)


def test_only_transcription_accepts_diarized_json() -> None:
    assert ("response_format", "diarized_json") in transcription_fields("diarized_json")
    with pytest.raises(OneRouterInputError, match="`response_format` is 'diarized_json'"):
        translation_fields("diarized_json")


def test_fields_leave_out_empty_optionals() -> None:
    fields = transcription_fields(
        "json",
        prompt="",
        temperature=None,
        language=None,
        timestamp_granularities=None,
        include=None,
        chunking_strategy=None,
        known_speaker_names=None,
        known_speaker_references=None,
    )
    assert [name for name, _ in fields] == ["model", "response_format"]


@pytest.mark.parametrize("temperature", [0, 0.5, 1])
def test_temperature_bounds_are_inclusive(temperature: float) -> None:
    assert ("temperature", repr(float(temperature))) in translation_fields(
        "json", temperature=temperature
    )


# Shared options are refused by both builders; the rest only exist for transcription.
_SHARED_REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("xml", {}, "`response_format` is 'xml'; use one of: json, text, srt"),
    ("json", {"model": " "}, "`model` must be a non-empty model name"),
    ("json", {"temperature": 2}, "`temperature` is 2"),
]
_TRANSCRIPTION_REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("json", {"model": ""}, "`model` must be a non-empty model name"),
    ("json", {"temperature": -0.1}, "`temperature` is -0.1; it must be between 0.0 and 1.0"),
    ("json", {"temperature": 1.5}, "`temperature` is 1.5"),
    ("json", {"temperature": "hot"}, "`temperature` must be a number"),
    ("json", {"language": "EN-"}, "`language` is 'EN-'; give an ISO-639-1 code"),
    ("json", {"language": "e-ng"}, "`language` is 'e-ng'"),
    ("json", {"language": "english"}, "`language` is 'english'"),
    (
        "verbose_json",
        {"timestamp_granularities": ["sentence"]},
        "`timestamp_granularities` is 'sentence'; use one of: word, segment",
    ),
    (
        "json",
        {"timestamp_granularities": ["word"]},
        "`timestamp_granularities` needs response_format='verbose_json'",
    ),
    ("json", {"include": ["tokens"]}, "`include` is 'tokens'; use one of: logprobs"),
    ("json", {"chunking_strategy": "manual"}, "`chunking_strategy` must be 'auto', a ServerVad"),
    (
        "json",
        {"known_speaker_names": ["a"], "known_speaker_references": []},
        "must pair up, at most 4 speakers",
    ),
    (
        "json",
        {"known_speaker_names": list("abcde"), "known_speaker_references": list("abcde")},
        "must pair up, at most 4 speakers",
    ),
]


@pytest.mark.parametrize(
    ("build", "response_format", "options", "message"),
    [(transcription_fields, *case) for case in _SHARED_REFUSALS + _TRANSCRIPTION_REFUSALS]
    + [(translation_fields, *case) for case in _SHARED_REFUSALS],
)
def test_fields_refuse(
    build: Any, response_format: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(OneRouterInputError) as caught:
        build(response_format, **options)
    assert message in str(caught.value)


@pytest.mark.parametrize("language", [None, "en", "de", "zh"])
def test_validate_language_accepts_iso_639_1(language: str | None) -> None:
    validate_language(language)


@pytest.mark.parametrize("language", ["", "e", "english", "en_US", "en-", "1a"])
def test_validate_language_refuses_others(language: str) -> None:
    with pytest.raises(OneRouterInputError, match="ISO-639-1"):
        validate_language(language)


def test_candidate_languages_and_keywords_are_array_fields() -> None:
    fields = transcription_fields(
        "json", model="gpt-transcribe", languages=["en", "de"], keywords=["LangChain", "PyAV"]
    )
    assert fields[-4:] == [
        ("languages[]", "en"),
        ("languages[]", "de"),
        ("keywords[]", "LangChain"),
        ("keywords[]", "PyAV"),
    ]


def test_a_bad_candidate_language_is_refused() -> None:
    with pytest.raises(OneRouterInputError, match="ISO-639-1"):
        transcription_fields("json", languages=["en", "German"])
