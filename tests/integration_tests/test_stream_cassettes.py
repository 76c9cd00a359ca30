"""Streamed transcription against recorded responses of a real audio server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio.models import TranscriptTextDone
from tests._calls import collect_stream
from tests.integration_tests._word_checks import check_hello, check_streamed

pytestmark = pytest.mark.vcr


@pytest.fixture
def client(client_settings: dict[str, str]) -> Iterator[OneRouterAudioClient]:
    with OneRouterAudioClient(**client_settings, max_retries=0) as audio:
        yield audio


def collect(client: OneRouterAudioClient, clip: Path, mode: str, **options: Any) -> list[Any]:
    return collect_stream(client, "transcribe_stream", mode, clip, **options)


@pytest.mark.parametrize("model", ["gpt-4o-mini-transcribe", "gpt-4o-transcribe"])
def test_a_streaming_model_sends_deltas_then_the_whole_text(
    client: OneRouterAudioClient, audio_dir: Path, mode: str, model: str
) -> None:
    events = collect(client, audio_dir / "hello.mp3", mode, model=model)
    check_streamed(events)
    assert events[-1].usage is not None


def test_whisper_answers_at_once_as_one_done_event(
    client: OneRouterAudioClient, audio_dir: Path, mode: str
) -> None:
    events = collect(client, audio_dir / "hello.wav", mode, model="whisper-1")
    assert len(events) == 1
    assert isinstance(events[0], TranscriptTextDone)
    check_hello(events[0].text)
