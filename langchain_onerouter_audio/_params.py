"""Request builders: validate options and turn them into the API's JSON or form fields.

Everything here runs before a request is sent, so bad input never costs a round trip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypedDict

import pydantic

from langchain_onerouter_audio._checks import check_choice, check_transcript_format
from langchain_onerouter_audio._text_checks import check_wire_texts
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
    Voice,
)

__all__ = [
    "DEFAULT_TRANSCRIPTION_MODEL",
    "DEFAULT_TTS_MODEL",
    "DEFAULT_VOICE",
    "SpeechOptions",
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

# An ISO-639-1 or -3 code ("en", "yue"), optionally with BCP-47 subtags ("en-US", "zh-Hant").
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")

FormField = tuple[str, str]


class SpeechOptions(TypedDict, total=False):
    """Optional fields of a speech request."""

    model: str
    voice: Voice
    instructions: str | None
    response_format: AudioFormat
    speed: float | None
    stream_format: StreamFormat | None


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


def check_keywords(options: Mapping[str, Any], accepted: Collection[str], what: str) -> None:
    """Refuse a keyword the request does not take, as a typed error that names the valid ones.

    A misspelt option (``temprature=``) would otherwise be dropped without a word.
    """
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise OneRouterInputError(
            f"{what} does not take {', '.join(map(repr, unknown))}; "
            f"its options are: {', '.join(sorted(accepted))}."
        )


_TRANSCRIPTION_KEYWORDS = frozenset(TranscriptionOptions.__annotations__)  # inherited ones too


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
    """Refuse what is not a language tag: ISO-639-1 ('en'), ISO-639-3 ('yue') or BCP-47 ('en-US').

    Only the form is checked; which languages a model knows is the server's to say.
    """
    if language is not None and not (isinstance(language, str) and _LANGUAGE.match(language)):
        raise OneRouterInputError(
            f"`language` is {language!r}; give an ISO-639-1 code such as 'en' or 'de' "
            "(ISO-639-3 codes such as 'yue' and BCP-47 tags such as 'en-US' work too)."
        )


def _voice(voice: object) -> Voice:
    """A voice name, or a custom voice object ``{"id": "voice_1234"}``."""
    if isinstance(voice, str) and voice.strip():
        return voice
    if isinstance(voice, Mapping) and set(voice) == {"id"}:
        voice_id = voice["id"]
        if isinstance(voice_id, str) and voice_id.strip():
            return {"id": voice_id}
    raise OneRouterInputError(
        "`voice` must be a non-empty voice name such as 'alloy', or a custom voice "
        "{'id': 'voice_1234'}."
    )


def _texts(name: str, value: object) -> list[str]:
    """A list option as a list of strings; one string is refused, not split into characters."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise OneRouterInputError(
            f"`{name}` must be a list of strings, e.g. [{'x'!r}], got {type(value).__name__}."
        )
    if not all(isinstance(item, str) for item in value):
        raise OneRouterInputError(f"`{name}` must be a list of strings; every item must be text.")
    return list(value)


def _check_text(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise OneRouterInputError(f"`{name}` must be text, got {type(value).__name__}.")


def _check_length(what: str, text: str) -> None:
    if len(text) > MAX_SPEECH_INPUT_CHARS:
        raise OneRouterInputError(
            f"The {what} is {len(text):,} characters; the limit is {MAX_SPEECH_INPUT_CHARS:,}. "
            "Shorten it or split it into several calls."
        )


def speech_payload(text: str, **options: Any) -> dict[str, Any]:
    """Validate a speech request (options as in :class:`SpeechOptions`); return its JSON body."""
    check_keywords(options, SpeechOptions.__annotations__, "A speech request")
    if text is not None and not isinstance(text, str):
        raise OneRouterInputError(f"The text to speak must be a string, got {type(text).__name__}.")
    if not text or not text.strip():
        raise OneRouterInputError("The text to speak is empty. Give at least one word.")
    _check_length("text", text)
    model = options.get("model", DEFAULT_TTS_MODEL)
    _check_model(model)
    voice = _voice(options.get("voice", DEFAULT_VOICE))
    instructions = options.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, str):
            raise OneRouterInputError("`instructions` must be text, e.g. 'warm and calm'.")
        _check_length("instructions text", instructions)
    response_format = options.get("response_format", "mp3")
    speed = options.get("speed")
    stream_format = options.get("stream_format")
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
    check_wire_texts(
        [*payload.items(), ("voice", voice.get("id") if isinstance(voice, dict) else voice)]
    )
    return {key: value for key, value in payload.items() if value is not None}


def _form_value(value: object) -> str:
    """A scalar as the official SDK writes it in a form: booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _chunking_fields(strategy: ChunkingStrategy) -> list[FormField]:
    """``auto`` as one field; VAD settings as bracketed fields, as the official SDK sends them."""
    if strategy == "auto":
        return [("chunking_strategy", "auto")]
    try:
        vad = strategy if isinstance(strategy, ServerVad) else ServerVad.model_validate(strategy)
    except pydantic.ValidationError:
        raise OneRouterInputError(
            "`chunking_strategy` must be 'auto', a ServerVad(...) or a dict such as "
            "{'type': 'server_vad', 'threshold': 0.5}."
        ) from None
    return [
        (f"chunking_strategy[{name}]", _form_value(value))
        for name, value in vad.model_dump(exclude_none=True).items()
    ]


def translation_fields(response_format: str, **options: Any) -> list[FormField]:
    """Validate a translation request and return its form fields (without the file)."""
    check_keywords(options, TranslationOptions.__annotations__, "A translation")
    check_choice("response_format", response_format, TranslationFormat)
    fields = _common_fields(response_format, options)
    check_wire_texts(fields)
    return fields


def _common_fields(response_format: str, options: dict[str, Any]) -> list[FormField]:
    model = options.get("model", DEFAULT_TRANSCRIPTION_MODEL)
    _check_model(model)
    check_transcript_format(model, response_format)
    temperature = options.get("temperature")
    _check_range("temperature", temperature, 0.0, 1.0)
    _check_text("prompt", options.get("prompt"))
    fields: list[FormField] = [("model", model), ("response_format", response_format)]
    if options.get("prompt"):
        fields.append(("prompt", options["prompt"]))
    if temperature is not None:
        fields.append(("temperature", repr(float(temperature))))
    return fields


def transcription_fields(response_format: str, **options: Any) -> list[FormField]:
    """Validate a transcription request and return its form fields (without the file)."""
    check_keywords(options, _TRANSCRIPTION_KEYWORDS, "A transcription")
    check_choice("response_format", response_format, TranscriptFormat)
    fields = _common_fields(response_format, options)
    language = options.get("language")
    validate_language(language)
    if language:
        fields.append(("language", language))
    granularities = _texts("timestamp_granularities", options.get("timestamp_granularities"))
    for granularity in granularities:
        check_choice("timestamp_granularities", granularity, TimestampGranularity)
    if granularities and response_format != "verbose_json":
        raise OneRouterInputError("`timestamp_granularities` needs response_format='verbose_json'.")
    fields.extend(("timestamp_granularities[]", g) for g in granularities)
    for item in _texts("include", options.get("include")):
        check_choice("include", item, TranscriptExtra)
        fields.append(("include[]", item))
    if options.get("chunking_strategy") is not None:
        fields.extend(_chunking_fields(options["chunking_strategy"]))
    names = _texts("known_speaker_names", options.get("known_speaker_names"))
    references = _texts("known_speaker_references", options.get("known_speaker_references"))
    if len(names) != len(references) or len(names) > 4:
        raise OneRouterInputError(
            "`known_speaker_names` and `known_speaker_references` must pair up, at most 4 speakers."
        )
    fields.extend(("known_speaker_names[]", name) for name in names)
    fields.extend(("known_speaker_references[]", ref) for ref in references)
    for candidate in _texts("languages", options.get("languages")):
        validate_language(candidate)
        fields.append(("languages[]", candidate))
    fields.extend(
        ("keywords[]", keyword) for keyword in _texts("keywords", options.get("keywords"))
    )
    check_wire_texts(fields)
    return fields
