"""Request builders: validate options and turn them into the API's JSON or form fields.

Everything here runs before a request is sent, so bad input never costs a round trip.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any, TypedDict

from langchain_onerouter_audio._checks import check_choice
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import (
    MAX_SPEECH_INPUT_CHARS,
    AudioFormat,
    ChunkingStrategy,
    ServerVad,
    StreamFormat,
    TimestampGranularity,
    TranscriptExtra,
    TranscriptFormat,
    TranslationFormat,
)

__all__ = [
    "DEFAULT_TRANSCRIPTION_MODEL",
    "DEFAULT_TTS_MODEL",
    "DEFAULT_VOICE",
    "TranscriptionOptions",
    "TranslationOptions",
    "speech_payload",
    "transcription_fields",
    "translation_fields",
    "validate_language",
]

DEFAULT_TTS_MODEL = "gpt-4o-mini-tts"
DEFAULT_TRANSCRIPTION_MODEL = "whisper-1"
DEFAULT_VOICE = "alloy"

_LANGUAGE = re.compile(r"^[a-z]{2}$")

FormField = tuple[str, str]


class TranslationOptions(TypedDict, total=False):
    """Optional fields of a translation request (the file and format are separate)."""

    model: str
    prompt: str | None
    temperature: float | None


class TranscriptionOptions(TranslationOptions, total=False):
    """Optional fields of a transcription request (the file and format are separate)."""

    language: str | None
    timestamp_granularities: Sequence[TimestampGranularity] | None
    include: Sequence[TranscriptExtra] | None
    chunking_strategy: ChunkingStrategy | None
    known_speaker_names: Sequence[str] | None
    known_speaker_references: Sequence[str] | None
    languages: Sequence[str] | None
    keywords: Sequence[str] | None


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise OneRouterInputError(f"`{name}` must be a number between {low} and {high}.")
    if not low <= value <= high:
        raise OneRouterInputError(f"`{name}` is {value}; it must be between {low} and {high}.")


def _check_model(model: str) -> None:
    if not isinstance(model, str) or not model.strip():
        raise OneRouterInputError("`model` must be a non-empty model name, e.g. 'whisper-1'.")


def validate_language(language: str | None) -> None:
    """Refuse a language that is not an ISO-639-1 code such as 'en' or 'de'."""
    if language is not None and not _LANGUAGE.match(language):
        raise OneRouterInputError(
            f"`language` is {language!r}; give a two-letter ISO-639-1 code such as 'en' or 'de'."
        )


def speech_payload(
    text: str,
    *,
    model: str = DEFAULT_TTS_MODEL,
    voice: str = DEFAULT_VOICE,
    instructions: str | None = None,
    response_format: AudioFormat = "mp3",
    speed: float | None = None,
    stream_format: StreamFormat | None = None,
) -> dict[str, Any]:
    """Validate a speech request and return its JSON body."""
    if not isinstance(text, str) or not text.strip():
        raise OneRouterInputError("The text to speak is empty. Give at least one word.")
    if len(text) > MAX_SPEECH_INPUT_CHARS:
        raise OneRouterInputError(
            f"The text is {len(text):,} characters; the limit is {MAX_SPEECH_INPUT_CHARS:,}. "
            "Shorten it or split it into several calls."
        )
    _check_model(model)
    if not isinstance(voice, str) or not voice.strip():
        raise OneRouterInputError("`voice` must be a non-empty voice name, e.g. 'alloy'.")
    check_choice("response_format", response_format, AudioFormat)
    _check_range("speed", speed, 0.25, 4.0)
    if stream_format is not None:
        check_choice("stream_format", stream_format, StreamFormat)
    payload: dict[str, Any] = {
        "model": model,
        "input": text,
        "voice": voice,
        "response_format": response_format,
        "instructions": instructions,
        "speed": speed,
        "stream_format": stream_format,
    }
    return {key: value for key, value in payload.items() if value is not None}


def _chunking_field(strategy: ChunkingStrategy) -> str:
    if strategy == "auto":
        return "auto"
    if isinstance(strategy, ServerVad):
        return json.dumps(strategy.model_dump(exclude_none=True))
    raise OneRouterInputError("`chunking_strategy` must be 'auto' or a ServerVad(...) object.")


def translation_fields(response_format: str, **options: Any) -> list[FormField]:
    """Validate a translation request and return its form fields (without the file)."""
    check_choice("response_format", response_format, TranslationFormat)
    return _common_fields(response_format, options)


def _common_fields(response_format: str, options: dict[str, Any]) -> list[FormField]:
    model = options.get("model", DEFAULT_TRANSCRIPTION_MODEL)
    _check_model(model)
    temperature = options.get("temperature")
    _check_range("temperature", temperature, 0.0, 1.0)
    fields: list[FormField] = [("model", model), ("response_format", response_format)]
    if options.get("prompt"):
        fields.append(("prompt", options["prompt"]))
    if temperature is not None:
        fields.append(("temperature", repr(float(temperature))))
    return fields


def transcription_fields(response_format: str, **options: Any) -> list[FormField]:
    """Validate a transcription request and return its form fields (without the file)."""
    check_choice("response_format", response_format, TranscriptFormat)
    fields = _common_fields(response_format, options)
    language = options.get("language")
    validate_language(language)
    if language:
        fields.append(("language", language))
    granularities = options.get("timestamp_granularities") or ()
    for granularity in granularities:
        check_choice("timestamp_granularities", granularity, TimestampGranularity)
    if granularities and response_format != "verbose_json":
        raise OneRouterInputError("`timestamp_granularities` needs response_format='verbose_json'.")
    fields.extend(("timestamp_granularities[]", g) for g in granularities)
    for item in options.get("include") or ():
        check_choice("include", item, TranscriptExtra)
        fields.append(("include[]", item))
    if options.get("chunking_strategy") is not None:
        fields.append(("chunking_strategy", _chunking_field(options["chunking_strategy"])))
    names = list(options.get("known_speaker_names") or ())
    references = list(options.get("known_speaker_references") or ())
    if len(names) != len(references) or len(names) > 4:
        raise OneRouterInputError(
            "`known_speaker_names` and `known_speaker_references` must pair up, at most 4 speakers."
        )
    fields.extend(("known_speaker_names[]", name) for name in names)
    fields.extend(("known_speaker_references[]", ref) for ref in references)
    for candidate in options.get("languages") or ():
        validate_language(candidate)
        fields.append(("languages[]", candidate))
    fields.extend(("keywords[]", keyword) for keyword in options.get("keywords") or ())
    return fields
