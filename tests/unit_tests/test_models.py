"""Wire models and constants: closed values match the API, response models are lenient."""

from __future__ import annotations

from typing import get_args

import pydantic
import pytest

from langchain_onerouter_audio.models import (
    DEFAULT_BASE_URL,
    KNOWN_TRANSCRIPTION_MODELS,
    KNOWN_TTS_MODELS,
    KNOWN_VOICES,
    MAX_SPEECH_INPUT_CHARS,
    MAX_UPLOAD_BYTES,
    MODEL_TRANSCRIPT_FORMATS,
    SPEECH_FORMATS,
    SPEECH_MIME_TYPES,
    UPLOAD_FORMATS,
    UPLOAD_MIME_TYPES,
    AudioFormat,
    DiarizedSegment,
    Segment,
    ServerVad,
    StreamFormat,
    TimestampGranularity,
    TranscriptExtra,
    TranscriptFormat,
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
    TranslationFormat,
    UploadFormat,
    Usage,
    UsageDuration,
    UsageTokens,
    Word,
)


def test_constants_follow_the_api() -> None:
    assert DEFAULT_BASE_URL == "https://audio.onerouter.pro/v1"
    assert MAX_SPEECH_INPUT_CHARS == 4096
    assert MAX_UPLOAD_BYTES == 25 * 1024 * 1024
    assert UPLOAD_FORMATS == ("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm")
    assert {"gpt-4o-mini-tts", "tts-1"} <= set(KNOWN_TTS_MODELS)
    assert {"whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"} <= set(
        KNOWN_TRANSCRIPTION_MODELS
    )
    documented = {"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage"}
    assert documented | {"shimmer", "verse"} <= set(KNOWN_VOICES)
    assert len(set(KNOWN_VOICES)) == len(KNOWN_VOICES)


def test_closed_literals_match_their_tuples() -> None:
    assert get_args(AudioFormat) == SPEECH_FORMATS
    assert SPEECH_FORMATS == ("mp3", "opus", "aac", "flac", "wav", "pcm")
    assert set(get_args(TranscriptFormat)) == {
        "json",
        "text",
        "srt",
        "verbose_json",
        "vtt",
        "diarized_json",
    }
    assert set(get_args(TranslationFormat)) == set(get_args(TranscriptFormat)) - {"diarized_json"}
    assert set(get_args(TimestampGranularity)) == {"word", "segment"}
    assert get_args(UploadFormat) == UPLOAD_FORMATS
    assert get_args(StreamFormat) == ("sse", "audio")
    assert get_args(TranscriptExtra) == ("logprobs",)


def test_every_format_has_one_mime_type() -> None:
    assert tuple(SPEECH_MIME_TYPES) == SPEECH_FORMATS
    assert tuple(UPLOAD_MIME_TYPES) == UPLOAD_FORMATS
    assert SPEECH_MIME_TYPES["pcm"] == "audio/L16;rate=24000;channels=1"
    assert all(mime.startswith("audio/") for mime in [*SPEECH_MIME_TYPES.values()])
    assert all(mime.startswith("audio/") for mime in [*UPLOAD_MIME_TYPES.values()])


def test_model_format_limits_name_known_models_and_formats() -> None:
    assert set(MODEL_TRANSCRIPT_FORMATS) <= set(KNOWN_TRANSCRIPTION_MODELS)
    assert "whisper-1" not in MODEL_TRANSCRIPT_FORMATS
    for formats in MODEL_TRANSCRIPT_FORMATS.values():
        assert {"json", "text"} <= set(formats) <= set(get_args(TranscriptFormat))
        assert "verbose_json" not in formats


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"type": "duration", "seconds": 3}, UsageDuration(seconds=3.0)),
        (
            {"type": "tokens", "input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
            UsageTokens(input_tokens=1, output_tokens=2, total_tokens=3),
        ),
    ],
)
def test_usage_is_chosen_by_its_type(payload: dict[str, object], expected: object) -> None:
    assert pydantic.TypeAdapter(Usage).validate_python(payload) == expected


def test_usage_without_a_type_is_told_by_its_fields() -> None:
    assert pydantic.TypeAdapter(Usage).validate_python({"seconds": 3}) == UsageDuration(seconds=3)


def test_segment_details_servers_omit_are_none_not_invented() -> None:
    segment = Segment(id=0, start=0.0, end=1.0, text="hi")
    assert (segment.seek, segment.tokens, segment.temperature) == (None, None, None)
    assert (segment.avg_logprob, segment.compression_ratio, segment.no_speech_prob) == (
        None,
        None,
        None,
    )


def test_models_keep_unknown_fields() -> None:
    word = Word.model_validate({"word": "hi", "start": 0, "end": 0.5, "probability": 0.9})
    assert word.model_extra == {"probability": 0.9}
    verbose = TranscriptionVerbose.model_validate({"text": "hi", "x_provider": "abc"})
    assert verbose.model_dump()["x_provider"] == "abc"


def test_diarized_defaults() -> None:
    result = TranscriptionDiarized(text="")
    assert result.segments == []
    turn = DiarizedSegment(id="s0", start=0, end=1, speaker="A", text="hi")
    assert turn.type == "transcript.text.segment"


def test_transcription_round_trips_through_json() -> None:
    original = Transcription(text="hi", usage=UsageDuration(seconds=1.5))
    assert Transcription.model_validate_json(original.model_dump_json()) == original


def test_server_vad_dumps_only_what_was_set() -> None:
    assert ServerVad().model_dump(exclude_none=True) == {"type": "server_vad"}
    vad = ServerVad(prefix_padding_ms=100, silence_duration_ms=200, threshold=0.3)
    assert vad.model_dump(exclude_none=True) == {
        "type": "server_vad",
        "prefix_padding_ms": 100,
        "silence_duration_ms": 200,
        "threshold": 0.3,
    }
