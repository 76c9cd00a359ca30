"""Stitching chunk transcripts: every shape, shifted, renumbered and summed."""

from __future__ import annotations

import pytest

from langchain_onerouter_audio._stitch import stitch_transcripts
from langchain_onerouter_audio.models import (
    Transcription,
    TranscriptionVerbose,
    UsageDuration,
    UsageTokens,
)


def verbose(text: str, start: float, language: str | None = "english") -> TranscriptionVerbose:
    return TranscriptionVerbose.model_validate(
        {
            "text": text,
            "language": language,
            "duration": 10.0,
            "segments": [{"id": 0, "start": start, "end": start + 1, "text": f" {text}"}],
            "words": [{"word": text, "start": start, "end": start + 0.5}],
            "usage": {"type": "duration", "seconds": 10},
        }
    )


def test_verbose_segments_and_words_are_shifted_and_renumbered() -> None:
    parts = [
        (0.0, verbose("one", 1.0, None)),
        (9.5, verbose("two", 0.25)),
        (19.25, verbose("three", 2.0)),
    ]

    result = stitch_transcripts("verbose_json", parts, duration=29.0)

    assert isinstance(result, TranscriptionVerbose)
    assert result.text == "one two three"
    assert [(s.id, s.start, s.end) for s in result.segments or ()] == [
        (0, 1.0, 2.0),
        (1, 9.75, 10.75),
        (2, 21.25, 22.25),
    ]
    assert [(w.word, w.start) for w in result.words or ()] == [
        ("one", 1.0),
        ("two", 9.75),
        ("three", 21.25),
    ]
    assert result.language == "english"  # the first chunk that names one
    assert result.duration == 29.0
    assert result.usage == UsageDuration(seconds=30)


def test_json_texts_are_joined_and_token_usage_added_up() -> None:
    def part(text: str, tokens: int) -> Transcription:
        usage = UsageTokens(
            input_tokens=tokens,
            output_tokens=1,
            total_tokens=tokens + 1,
            input_token_details={"audio_tokens": tokens},
        )
        return Transcription(text=f" {text} ", usage=usage)

    result = stitch_transcripts("json", [(0.0, part("a", 5)), (60.0, part("b", 7))], duration=90)

    assert isinstance(result, Transcription)
    assert result.text == "a b"
    assert result.usage == UsageTokens(
        input_tokens=12, output_tokens=2, total_tokens=14, input_token_details={"audio_tokens": 12}
    )


def test_usage_is_unknown_when_a_chunk_reports_none_or_another_kind() -> None:
    with_usage = Transcription(text="a", usage=UsageDuration(seconds=3))
    tokens = Transcription(
        text="b", usage=UsageTokens(input_tokens=1, output_tokens=1, total_tokens=2)
    )
    assert (
        stitch_transcripts("json", [(0, with_usage), (5, Transcription(text="c"))], 9).usage is None
    )
    assert stitch_transcripts("json", [(0, with_usage), (5, tokens)], 9).usage is None


SRT_CHUNK = "1\n00:00:01,000 --> 00:00:02,500\nhello\n\n2\n00:00:03,000 --> 00:00:04,000\nthere\n"


def test_srt_cues_are_shifted_and_renumbered() -> None:
    result = stitch_transcripts("srt", [(0.0, SRT_CHUNK), (3599.5, SRT_CHUNK)], duration=3700)

    assert result == (
        "1\n00:00:01,000 --> 00:00:02,500\nhello\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nthere\n\n"
        "3\n01:00:00,500 --> 01:00:02,000\nhello\n\n"
        "4\n01:00:02,500 --> 01:00:03,500\nthere\n"
    )


def test_vtt_keeps_one_header_and_reads_short_timestamps() -> None:
    chunk = "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nhello\r\n"
    result = stitch_transcripts("vtt", [(0.0, chunk), (10.0, chunk)], duration=20)

    assert result == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n\n00:00:11.000 --> 00:00:12.000\nhello\n"
    )


def test_plain_text_is_joined() -> None:
    assert stitch_transcripts("text", [(0.0, "a\n"), (5.0, ""), (9.0, " b")], duration=10) == "a b"


def test_mixed_kinds_are_refused() -> None:
    with pytest.raises(TypeError):
        stitch_transcripts("json", [(0.0, "a"), (5.0, Transcription(text="b"))], duration=10)
