"""Segments mode keeps a transcript that comes without segments, as one Document."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader
from langchain_onerouter_audio._documents import transcript_documents
from langchain_onerouter_audio.models import TranscriptionVerbose
from tests.unit_tests.fake_api import FakeApi


def _client(body: dict[str, Any]) -> OneRouterAudioClient:
    return FakeApi([httpx.Response(200, json=body)]).client()


@pytest.mark.parametrize("segments", [{}, {"segments": []}, {"segments": None}])
def test_a_transcript_without_segments_is_one_document(
    audio_dir: Path, mode: str, segments: dict[str, Any]
) -> None:
    body = {"task": "transcribe", "language": "english", "duration": 2.5, "text": " Hello. "}
    loader = OneRouterTranscriptLoader(
        audio_dir / "hello.mp3", client=_client({**body, **segments}), mode="segments"
    )

    docs = loader.load() if mode == "sync" else asyncio.run(loader.aload())

    assert [doc.page_content for doc in docs] == ["Hello."]
    assert docs[0].metadata["segment_id"] == 0
    assert (docs[0].metadata["start"], docs[0].metadata["end"]) == (0.0, 2.5)
    assert docs[0].metadata["source"] == str(audio_dir / "hello.mp3")
    assert loader.failures == []


def test_without_a_duration_the_end_is_left_out() -> None:
    [doc] = transcript_documents(
        TranscriptionVerbose(text="Hello."),
        mode="segments",
        source="a.mp3",
        model="whisper-1",
        task="transcribe",
        language=None,
    )
    assert doc.page_content == "Hello."
    assert (doc.metadata["segment_id"], doc.metadata["start"]) == (0, 0.0)
    assert "end" not in doc.metadata


def test_silence_without_segments_gives_no_document() -> None:
    docs = transcript_documents(
        TranscriptionVerbose(text=" ", duration=1.0),
        mode="segments",
        source="a.mp3",
        model="whisper-1",
        task="transcribe",
        language=None,
    )
    assert docs == []
