"""Segments mode keeps a transcript that comes without segments, as one Document."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader
from langchain_onerouter_audio._documents import transcript_documents
from langchain_onerouter_audio._retry import RetryPolicy
from langchain_onerouter_audio.models import TranscriptionVerbose


def _client(body: dict[str, Any]) -> OneRouterAudioClient:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    return OneRouterAudioClient(
        api_key="test-key",
        base_url="http://audio.test/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(handle)),
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(handle)),
        retry_policy=RetryPolicy(max_retries=0),
    )


@pytest.mark.parametrize("how", ["sync", "async"])
@pytest.mark.parametrize("segments", [{}, {"segments": []}, {"segments": None}])
def test_a_transcript_without_segments_is_one_document(
    audio_dir: Path, how: str, segments: dict[str, Any]
) -> None:
    body = {"task": "transcribe", "language": "english", "duration": 2.5, "text": " Hello. "}
    loader = OneRouterTranscriptLoader(
        audio_dir / "hello.mp3", client=_client({**body, **segments}), mode="segments"
    )

    docs = loader.load() if how == "sync" else asyncio.run(loader.aload())

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
