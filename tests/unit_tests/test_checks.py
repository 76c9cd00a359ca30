"""The shared checks: one message for a value outside a closed set, one model/format table."""

from __future__ import annotations

from typing import Literal

import pytest

from langchain_onerouter_audio._checks import check_choice, check_transcript_format
from langchain_onerouter_audio.errors import OneRouterInputError

Colour = Literal["red", "green"]


def test_check_choice_names_the_allowed_values() -> None:
    check_choice("colour", "red", Colour)
    with pytest.raises(OneRouterInputError, match=r"`colour` is 'blue'; use one of: red, green\."):
        check_choice("colour", "blue", Colour)


@pytest.mark.parametrize(
    ("model", "transcript_format"),
    [
        ("gpt-4o-transcribe", "json"),
        ("gpt-4o-mini-transcribe", "text"),
        ("gpt-4o-transcribe-diarize", "diarized_json"),
        ("whisper-1", "verbose_json"),
        ("some-provider/new-model", "srt"),
    ],
)
def test_known_limits_pass_what_the_model_gives(model: str, transcript_format: str) -> None:
    check_transcript_format(model, transcript_format)


def test_a_format_the_model_cannot_give_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="gpt-4o-transcribe gives only json, text; "):
        check_transcript_format("gpt-4o-transcribe", "verbose_json")
