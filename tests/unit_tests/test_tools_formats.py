"""Speech-to-text tools pick a transcript format their model gives, and refuse one it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from langchain_onerouter_audio import (
    OneRouterAudioToolkit,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)
from tests.unit_tests.fake_api import FakeApi

SpeechToText = type[OneRouterTranscriptionTool] | type[OneRouterTranslationTool]
TOOLS = [OneRouterTranscriptionTool, OneRouterTranslationTool]


@pytest.mark.parametrize("cls", TOOLS)
@pytest.mark.parametrize(
    "model", ["gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-transcribe-diarize"]
)
def test_gpt_4o_models_default_to_json(cls: SpeechToText, model: str, tmp_path: Path) -> None:
    tool = cls(client=FakeApi().client(), root_dir=tmp_path, model=model)
    assert tool.transcript_format == "json"


@pytest.mark.parametrize("cls", TOOLS)
def test_whisper_keeps_verbose_json(cls: SpeechToText, tmp_path: Path) -> None:
    tool = cls(client=FakeApi().client(), root_dir=tmp_path, model="whisper-1")
    assert tool.transcript_format == "verbose_json"


@pytest.mark.parametrize("cls", TOOLS)
@pytest.mark.parametrize(
    ("model", "transcript_format"),
    [
        ("gpt-4o-transcribe", "verbose_json"),
        ("gpt-4o-mini-transcribe", "srt"),
        ("gpt-4o-transcribe-diarize", "vtt"),
    ],
)
def test_an_explicit_format_the_model_cannot_give_is_refused(
    cls: SpeechToText, model: str, transcript_format: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match=f"{model} gives only json, text"):
        cls(
            client=FakeApi().client(),
            root_dir=tmp_path,
            model=model,
            transcript_format=transcript_format,
        )


@pytest.mark.parametrize("transcript_format", ["json", "text"])
def test_an_explicit_format_the_model_can_give_is_kept(
    transcript_format: str, tmp_path: Path
) -> None:
    tool = OneRouterTranscriptionTool(
        client=FakeApi().client(),
        root_dir=tmp_path,
        model="gpt-4o-mini-transcribe",
        transcript_format=transcript_format,
    )
    assert tool.transcript_format == transcript_format


def test_the_diarize_model_may_ask_for_diarized_json(tmp_path: Path) -> None:
    tool = OneRouterTranscriptionTool(
        client=FakeApi().client(),
        root_dir=tmp_path,
        model="gpt-4o-transcribe-diarize",
        transcript_format="diarized_json",
    )
    assert tool.transcript_format == "diarized_json"


def test_the_toolkit_defaults_to_json_for_gpt_4o(tmp_path: Path) -> None:
    toolkit = OneRouterAudioToolkit(
        client=FakeApi().client(), root_dir=tmp_path, transcription_model="gpt-4o-transcribe"
    )
    _, transcribe, translate = toolkit.get_tools()
    assert [transcribe.transcript_format, translate.transcript_format] == ["json", "json"]  # type: ignore[attr-defined]


def test_the_toolkit_keeps_verbose_json_for_whisper(tmp_path: Path) -> None:
    toolkit = OneRouterAudioToolkit(client=FakeApi().client(), root_dir=tmp_path)
    _, transcribe, _ = toolkit.get_tools()
    assert transcribe.transcript_format == "verbose_json"  # type: ignore[attr-defined]


def test_the_toolkit_refuses_an_incompatible_pair_when_built(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="gpt-4o-transcribe gives only json, text"):
        OneRouterAudioToolkit(
            client=FakeApi().client(),
            transcription_model="gpt-4o-transcribe",
            transcript_format="verbose_json",
        )
