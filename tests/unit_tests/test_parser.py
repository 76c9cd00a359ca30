"""OneRouterAudioParser: GenericLoader, file blobs and in-memory blobs give the same Documents."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.documents.base import Blob

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterInputError,
    OneRouterTranscriptLoader,
)
from tests.unit_tests.fake_api import FakeApi, transcript_of_upload

with warnings.catch_warnings():  # the package announces its own sunset on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from langchain_community.document_loaders.blob_loaders import FileSystemBlobLoader
    from langchain_community.document_loaders.generic import GenericLoader

LOADER_MODES = ("single", "segments", "srt", "vtt")


@pytest.mark.parametrize("loader_mode", LOADER_MODES)
def test_generic_loader_matches_the_transcript_loader(audio_dir: Path, loader_mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client(), mode=loader_mode)
    generic = GenericLoader(FileSystemBlobLoader(audio_dir, glob="hello.*"), parser)

    parsed = generic.load()
    loaded = OneRouterTranscriptLoader(
        audio_dir, glob="hello.*", client=api.client(), mode=loader_mode
    ).load()

    def by_source(docs: list[Document]) -> list[Document]:  # the blob loader does not sort
        return sorted(docs, key=lambda d: d.metadata["source"])

    assert by_source(parsed) == loaded
    assert {Path(d.metadata["source"]).suffix for d in parsed} == {
        ".flac",
        ".m4a",
        ".mp3",
        ".ogg",
        ".wav",
        ".webm",
    }


@pytest.mark.parametrize("loader_mode", LOADER_MODES)
def test_in_memory_blob_gives_the_same_documents_as_the_file(
    audio_dir: Path, loader_mode: str
) -> None:
    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client(), mode=loader_mode)
    path = audio_dir / "lecture.mp3"

    from_file = parser.parse(Blob.from_path(path))
    in_memory = Blob.from_data(path.read_bytes(), mime_type="audio/mpeg", path=str(path))
    from_bytes = parser.parse(in_memory)

    assert from_bytes == from_file
    assert from_file[0].metadata["source"] == str(path)
    assert [u.filename for u in api.uploads] == ["lecture.mp3", "lecture.mp3"]


@pytest.mark.parametrize(
    ("clip", "mime_type", "sent_as"),
    [
        ("hello.wav", "audio/wav", "audio.wav"),
        ("hello.m4a", "audio/mp4", "audio.mp4"),
        ("hello.ogg", None, "audio.ogg"),
    ],
)
def test_a_blob_without_a_path_is_named_from_its_bytes(
    audio_dir: Path, clip: str, mime_type: str | None, sent_as: str
) -> None:
    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client())

    [doc] = parser.parse(Blob.from_data((audio_dir / clip).read_bytes(), mime_type=mime_type))

    assert api.uploads[0].filename == sent_as
    assert "source" not in doc.metadata
    assert doc.metadata["model"] == "whisper-1"


@pytest.mark.parametrize(
    ("clip", "mime_type", "path", "sent_as"),
    [
        ("hello.mp3", "audio/mpeg", "uploads/3f9c2a1b", "3f9c2a1b.mp3"),
        ("hello.wav", None, "uploads/3f9c2a1b", "3f9c2a1b.wav"),
        ("hello.flac", "audio/flac", "inbox/voice.bin", "voice.bin.flac"),
    ],
)
def test_a_blob_path_without_an_audio_extension_gets_one(
    audio_dir: Path, clip: str, mime_type: str | None, path: str, sent_as: str
) -> None:
    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client())
    blob = Blob.from_data((audio_dir / clip).read_bytes(), mime_type=mime_type, path=path)

    [doc] = parser.parse(blob)

    assert api.filenames() == [sent_as]
    assert doc.metadata["source"] == path


def test_a_blob_that_is_not_audio_is_refused_before_sending(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client())
    junk = (audio_dir / "corrupt.mp3").read_bytes()

    with pytest.raises(OneRouterInputError, match="does not look like audio"):
        parser.parse(Blob.from_data(junk, mime_type="audio/mpeg"))
    with pytest.raises(OneRouterInputError, match="unsupported extension"):
        parser.parse(Blob.from_data(b"plain words", mime_type="text/plain"))
    assert api.uploads == []


async def test_async_parse_uses_the_async_client(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client(), mode="segments")
    blob = Blob.from_path(audio_dir / "hello.mp3")

    docs: list[Document] = [doc async for doc in parser.alazy_parse(blob)]

    assert docs == parser.parse(blob)
    assert len(docs) == 2
