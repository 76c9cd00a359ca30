"""Every input kind and every new Document mode against recorded answers of a real recogniser.

Cassettes were recorded against the reference server (faster-whisper, which also serves
gpt-4o-transcribe-diarize with diarized_json, word timestamps and real segments). The URL
case fetches from a loopback host the test starts; its download is in the cassette too.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.documents.base import Blob
from langchain_core.messages import HumanMessage
from langchain_core.messages.content import create_audio_block

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioParser,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
    atranscribe_message,
    transcribe_message,
)
from tests._calls import call, collect_stream
from tests.conftest import AUDIO
from tests.unit_tests.loopback_server import LocalServer, respond

HELLO = (AUDIO / "hello.mp3").read_bytes()
LECTURE = AUDIO / "lecture.mp3"
DIARIZE = "gpt-4o-transcribe-diarize"


@pytest.fixture
def client(client_settings: dict[str, str]) -> OneRouterAudioClient:
    return OneRouterAudioClient(**client_settings, allow_private_urls=True, max_retries=0)


@pytest.fixture
def audio_host() -> Iterator[LocalServer]:
    with LocalServer(lambda seen: respond(200, HELLO, {"content-type": "audio/mpeg"})) as server:
        yield server


def _kind(kind: str, host: LocalServer) -> Any:
    data = base64.b64encode(HELLO).decode()
    return {
        "path": str(AUDIO / "hello.mp3"),
        "bytes": HELLO,
        "pair": ("hello.mp3", HELLO),
        "url": f"http://127.0.0.1:{host.port}/hello.mp3?version=2",
        "block": dict(create_audio_block(base64=data, mime_type="audio/mpeg")),
        "blob": Blob.from_data(HELLO, path="hello.mp3", mime_type="audio/mpeg"),
    }[kind]


def _hello(text: str) -> None:
    assert "wolfgang" in text.lower()


@pytest.mark.vcr
@pytest.mark.parametrize("kind", ["path", "bytes", "pair", "url", "block", "blob"])
def test_every_input_kind_through_the_client(
    mode: str, kind: str, client: OneRouterAudioClient, audio_host: LocalServer
) -> None:
    _hello(call(client, "transcribe", mode, _kind(kind, audio_host)).text)


@pytest.mark.vcr
@pytest.mark.parametrize("kind", ["path", "url", "block", "blob"])
def test_every_input_kind_through_the_loader(
    mode: str, kind: str, client: OneRouterAudioClient, audio_host: LocalServer
) -> None:
    loader = OneRouterTranscriptLoader(_kind(kind, audio_host), client=client, mode="segments")
    docs = call(loader, "load", mode)
    _hello(" ".join(doc.page_content for doc in docs))
    assert "version" not in docs[0].metadata["source"]


@pytest.mark.vcr
def test_the_parser_fetches_a_url_blob(
    mode: str, client: OneRouterAudioClient, audio_host: LocalServer
) -> None:
    parser = OneRouterAudioParser(client=client)
    blob = Blob(path=f"http://127.0.0.1:{audio_host.port}/hello.mp3?sig=x")
    [doc] = collect_stream(parser, "lazy_parse", mode, blob)
    _hello(doc.page_content)
    assert doc.metadata["source"] == f"http://127.0.0.1:{audio_host.port}/hello.mp3"


@pytest.mark.vcr
def test_speaker_turns_from_the_diarizing_model(mode: str, client: OneRouterAudioClient) -> None:
    loader = OneRouterTranscriptLoader(LECTURE, client=client, mode="speakers", model=DIARIZE)
    docs = call(loader, "load", mode)

    assert docs
    for doc in docs:
        assert doc.metadata["speaker"]
        assert 0 <= doc.metadata["start"] < doc.metadata["end"] <= 24.5
    assert "wildest idea" in docs[0].page_content
    speakers = [doc.metadata["speaker"] for doc in docs]
    assert all(a != b for a, b in itertools.pairwise(speakers))  # turns merged


@pytest.mark.vcr
def test_segments_with_words_and_confidence(mode: str, client: OneRouterAudioClient) -> None:
    loader = OneRouterTranscriptLoader(
        LECTURE, client=client, mode="segments", timestamp_granularities=["word"]
    )
    docs = call(loader, "load", mode)

    assert len(docs) >= 3
    for doc in docs:
        assert doc.metadata["avg_logprob"] < 0
        assert 0 <= doc.metadata["no_speech_prob"] <= 1
        words = doc.metadata["words"]
        assert words
        assert doc.metadata["start"] <= words[0]["start"] <= words[-1]["end"]
    assert docs[0].metadata["words"][0]["word"].strip().lower() == "imagine"


@pytest.mark.vcr
def test_paragraphs_join_segments(mode: str, client: OneRouterAudioClient) -> None:
    parser = OneRouterAudioParser(client=client, mode="paragraphs", paragraph_max_seconds=12)
    docs = collect_stream(parser, "lazy_parse", mode, Blob.from_path(LECTURE))

    assert 2 <= len(docs) <= 4
    assert docs[0].metadata["start"] == 0.0
    for doc in docs:
        assert doc.metadata["end"] - doc.metadata["start"] <= 12
        assert len(doc.metadata["segment_ids"]) >= 1


@pytest.mark.vcr
def test_the_tool_names_the_speakers(mode: str, client: OneRouterAudioClient) -> None:
    tool = OneRouterTranscriptionTool(
        client=client,
        root_dir=AUDIO,
        model=DIARIZE,
        transcript_format="diarized_json",
        chunking_strategy="auto",
    )
    content = call(tool, "invoke", mode, {"file_path": "lecture.mp3"})
    lines = content.splitlines()
    assert lines
    assert all(line[0].isalnum() and ": " in line for line in lines)
    assert "wildest idea" in content


@pytest.mark.vcr
def test_transcribe_message(mode: str, client: OneRouterAudioClient) -> None:
    data = base64.b64encode(HELLO).decode()
    message = HumanMessage(
        content=[
            {"type": "text", "text": "What does this note say?"},
            dict(create_audio_block(base64=data, mime_type="audio/mpeg")),
        ]
    )
    if mode == "sync":
        [result] = transcribe_message(message, client)
    else:
        [result] = asyncio.run(atranscribe_message(message, client))
    _hello(result.text)
