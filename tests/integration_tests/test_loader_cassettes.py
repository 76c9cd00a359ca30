"""The transcript loader and parser against recorded responses of a real speech recogniser.

Cassettes were recorded against an OpenAI-compatible audio server (Whisper base), so the
transcripts are real but imperfect: their words are checked by word error rate. Uploads are
matched by file name and form fields (not only by path), so concurrent requests replay
deterministically whatever order they are sent in.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.documents import Document
from langchain_core.documents.base import Blob

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioParser,
    OneRouterBadRequestError,
    OneRouterTranscriptLoader,
)
from langchain_onerouter_audio._splitting import split_audio
from tests.integration_tests._word_checks import (
    LECTURE_SENTENCES,
    SECONDS_TOLERANCE,
    Spoken,
    check_english_translation,
    check_hello,
    check_lecture,
    check_lecture_segments,
    cue_text,
)
from tests.integration_tests.test_examples import _LIVE_SETTINGS, _run_offline

with warnings.catch_warnings():  # the package announces its own sunset on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from langchain_community.document_loaders.blob_loaders import FileSystemBlobLoader
    from langchain_community.document_loaders.generic import GenericLoader

SPLIT_LIMIT = 40_000  # bytes: forces lecture.mp3 (~96 KB, 24 s) into several chunks

_FILENAME = re.compile(rb'name="file"; filename="([^"]+)"')
_FIELD = re.compile(rb'name="([^"]+)"\r\n\r\n([^\r]*)\r\n')


def _summarise_upload(request: Any) -> Any:
    """Replace a multipart body by its file name and fields: no audio in cassettes, and a
    key that tells concurrent uploads apart. Idempotent, as VCR applies it more than once."""
    content_type = request.headers.get("Content-Type") or request.headers.get("content-type")
    body = request.body or b""
    if "multipart/form-data" in (content_type or "") and not body.startswith(b"upload:"):
        match = _FILENAME.search(body)
        fields = b"&".join(k + b"=" + v for k, v in sorted(_FIELD.findall(body)))
        request.body = b"upload:" + (match.group(1) if match else b"?") + b"?" + fields
    return request


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **vcr_config,
        "before_record_request": _summarise_upload,
        "match_on": ["method", "path", "query", "body"],
    }


class Counted:
    """Counts the HTTP requests that a client sends (recorded or replayed alike)."""

    def __init__(self) -> None:
        self.sent = 0

    def hook(self, request: httpx.Request) -> None:
        self.sent += 1

    async def ahook(self, request: httpx.Request) -> None:
        self.sent += 1


@pytest.fixture
def counted() -> Counted:
    return Counted()


@pytest.fixture
def client(client_settings: dict[str, str], counted: Counted) -> Iterator[OneRouterAudioClient]:
    with OneRouterAudioClient(
        **client_settings,
        http_client=httpx.Client(timeout=120, event_hooks={"request": [counted.hook]}),
        http_async_client=httpx.AsyncClient(timeout=120, event_hooks={"request": [counted.ahook]}),
    ) as shared:
        yield shared


def load(loader: OneRouterTranscriptLoader, mode: str) -> list[Document]:
    return loader.load() if mode == "sync" else asyncio.run(loader.aload())


def names(docs: list[Document]) -> list[str]:
    return [Path(doc.metadata["source"]).name for doc in docs]


def spans(docs: list[Document]) -> list[Spoken]:
    """Segment Documents as stretches of speech, to compare with the sentences said."""
    return [Spoken(d.metadata["start"], d.metadata["end"], d.page_content) for d in docs]


# -- modes and tasks


@pytest.mark.vcr
def test_single_mode(client: OneRouterAudioClient, audio_dir: Path, mode: str) -> None:
    path = audio_dir / "lecture.mp3"
    [doc] = load(OneRouterTranscriptLoader(path, client=client), mode)

    assert len(doc.page_content.split()) > 20
    check_lecture(doc.page_content)
    assert doc.metadata["source"] == str(path)
    assert (doc.metadata["model"], doc.metadata["task"]) == ("whisper-1", "transcribe")
    assert doc.metadata["usage"] == {"type": "duration", "seconds": 24.0}


@pytest.mark.vcr
def test_segments_mode(client: OneRouterAudioClient, audio_dir: Path, mode: str) -> None:
    docs = load(
        OneRouterTranscriptLoader(audio_dir / "lecture.mp3", client=client, mode="segments"), mode
    )

    assert len(docs) >= 5
    assert [d.metadata["segment_id"] for d in docs] == list(range(len(docs)))
    times = [(d.metadata["start"], d.metadata["end"]) for d in docs]
    assert all(start < end for start, end in times)
    assert times == sorted(times)
    assert docs[0].metadata["duration"] == pytest.approx(24.0, abs=0.1)
    assert times[-1][1] <= docs[0].metadata["duration"]
    assert docs[0].metadata["language"] == "english"
    assert all(d.page_content and d.page_content == d.page_content.strip() for d in docs)
    check_lecture_segments(spans(docs))


@pytest.mark.vcr
@pytest.mark.parametrize("loader_mode", ["srt", "vtt"])
def test_subtitle_modes(
    client: OneRouterAudioClient, audio_dir: Path, mode: str, loader_mode: str
) -> None:
    [doc] = load(
        OneRouterTranscriptLoader(audio_dir / "lecture.mp3", client=client, mode=loader_mode), mode
    )

    first_cue = (
        r"1\n00:00:0\d,\d{3} --> " if loader_mode == "srt" else r"WEBVTT\n\n00:00:0\d\.\d{3} --> "
    )
    assert re.match(first_cue, doc.page_content)
    assert doc.page_content.count("-->") >= 5
    check_lecture(cue_text(doc.page_content))


@pytest.mark.vcr
def test_translate_task(client: OneRouterAudioClient, audio_dir: Path, mode: str) -> None:
    loader = OneRouterTranscriptLoader(audio_dir / "german.mp3", client=client, task="translate")
    [doc] = load(loader, mode)

    check_english_translation(doc.page_content)
    assert doc.metadata["task"] == "translate"


# -- parser


@pytest.mark.vcr
def test_parser_with_generic_loader_and_in_memory_blobs(
    client: OneRouterAudioClient, audio_dir: Path
) -> None:
    parser = OneRouterAudioParser(client=client, mode="segments")
    generic = GenericLoader(FileSystemBlobLoader(audio_dir, glob="hello.*"), parser)

    from_files = sorted(
        generic.load(), key=lambda d: (d.metadata["source"], d.metadata["segment_id"])
    )

    assert {Path(d.metadata["source"]).suffix for d in from_files} == {
        ".flac",
        ".m4a",
        ".mp3",
        ".ogg",
        ".wav",
        ".webm",
    }
    for document in from_files:
        assert document.page_content
    for source in {d.metadata["source"] for d in from_files}:
        check_hello(" ".join(d.page_content for d in from_files if d.metadata["source"] == source))
    path = audio_dir / "hello.mp3"
    blob = Blob.from_data(path.read_bytes(), mime_type="audio/mpeg", path=str(path))
    assert parser.parse(blob) == [d for d in from_files if d.metadata["source"] == str(path)]


# -- folders and failures


@pytest.mark.vcr
def test_folder_of_mixed_formats(client: OneRouterAudioClient, audio_dir: Path, mode: str) -> None:
    loader = OneRouterTranscriptLoader(audio_dir, client=client, on_error="skip")

    docs = load(loader, mode)

    assert names(docs) == [
        "german.mp3",
        "hello.flac",
        "hello.m4a",
        "hello.mp3",
        "hello.ogg",
        "hello.wav",
        "hello.webm",
        "lecture.mp3",
    ]  # silence.wav has no speech, so no Document, and is no failure either
    by_name = dict(zip(names(docs), docs, strict=True))
    for ext in ("flac", "m4a", "mp3", "ogg", "wav", "webm"):
        check_hello(by_name[f"hello.{ext}"].page_content)
    check_lecture(by_name["lecture.mp3"].page_content)
    assert sorted(Path(f.source).name for f in loader.failures) == ["corrupt.mp3", "empty.wav"]


@pytest.fixture
def damaged(audio_dir: Path) -> Path:
    """Looks like MP3 to the client's checks, but the server cannot decode it."""
    path = audio_dir / "damaged.mp3"
    path.write_bytes(b"ID3\x04\x00\x00" + (audio_dir / "corrupt.mp3").read_bytes())
    return path


@pytest.mark.vcr
def test_skip_keeps_good_files(
    client: OneRouterAudioClient, audio_dir: Path, damaged: Path, mode: str
) -> None:
    files = [audio_dir / "hello.mp3", damaged, audio_dir / "corrupt.mp3", audio_dir / "german.mp3"]
    loader = OneRouterTranscriptLoader(files, client=client, on_error="skip")

    docs = load(loader, mode)

    assert names(docs) == ["hello.mp3", "german.mp3"]
    failures = {Path(f.source).name: f.error for f in loader.failures}
    assert set(failures) == {"damaged.mp3", "corrupt.mp3"}
    assert isinstance(failures["damaged.mp3"], OneRouterBadRequestError)
    assert "corrupted" in str(failures["damaged.mp3"])


@pytest.mark.vcr
def test_raise_stops_at_the_bad_file_after_the_good_ones(
    client: OneRouterAudioClient, audio_dir: Path, damaged: Path
) -> None:
    loader = OneRouterTranscriptLoader(
        [audio_dir / "hello.mp3", damaged, audio_dir / "german.mp3"], client=client
    )
    documents = loader.lazy_load()

    assert names([next(documents)]) == ["hello.mp3"]
    with pytest.raises(OneRouterBadRequestError, match="corrupted"):
        next(documents)


# -- cache


@pytest.mark.vcr
def test_cache_second_load_sends_no_request(
    client: OneRouterAudioClient, counted: Counted, audio_dir: Path, tmp_path: Path, mode: str
) -> None:
    files = [audio_dir / "hello.mp3", audio_dir / "lecture.mp3"]
    loader = OneRouterTranscriptLoader(files, client=client, mode="segments", cache_dir=tmp_path)

    first = load(loader, mode)
    assert counted.sent == 2
    second = load(loader, mode)

    assert counted.sent == 2  # every transcript came from the cache
    assert second == first


# -- long audio


@pytest.mark.vcr
def test_long_audio_is_split_and_stitched(
    client: OneRouterAudioClient, counted: Counted, audio_dir: Path, mode: str
) -> None:
    path = audio_dir / "lecture.mp3"
    loader = OneRouterTranscriptLoader(
        path, client=client, mode="segments", max_upload_bytes=SPLIT_LIMIT
    )

    docs = load(loader, mode)

    chunks = list(split_audio(path, name=path.name, max_bytes=SPLIT_LIMIT))
    assert len(chunks) >= 3
    assert counted.sent == len(chunks)
    starts = [d.metadata["start"] for d in docs]
    assert starts == sorted(starts)
    assert [d.metadata["segment_id"] for d in docs] == list(range(len(docs)))
    total = docs[0].metadata["duration"]
    assert total == pytest.approx(24.0, abs=0.1)
    assert all(0 <= d.metadata["start"] < d.metadata["end"] <= total + 0.1 for d in docs)
    for chunk in chunks:  # every chunk's segments sit in that chunk's stretch of the recording
        begins = chunk.offset - 0.001  # stitched times are rounded to the millisecond
        inside = [s for s in starts if begins <= s < chunk.offset + chunk.duration]
        assert inside, (chunk.offset, starts)
    check_lecture(" ".join(d.page_content for d in docs))


# -- the retrieval example, offline

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


# "A document loader turns each recording into text with timestamps.": the answer's sentence.
ANSWER = LECTURE_SENTENCES[3]
_CITED = re.compile(r"Answer:   At lecture\.mp3 00:(\d\d\.\d\d)-00:(\d\d\.\d\d)")


def test_rag_example_runs_offline_and_cites_timestamps(tmp_path: Path) -> None:
    result = _run_offline("rag_transcripts.py", tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Offline: replaying recorded API responses")
    cited = _CITED.search(result.stdout)
    assert cited, result.stdout
    start, end = (float(seconds) for seconds in cited.groups())
    assert start == pytest.approx(ANSWER.start, abs=SECONDS_TOLERANCE)
    assert end == pytest.approx(ANSWER.end, abs=SECONDS_TOLERANCE)


def test_rag_example_retrieves_the_segment_where_the_answer_is_spoken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in _LIVE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    example = importlib.import_module("rag_transcripts")
    segments = example.load_segments()

    answer, sources = example.ask(example.QUESTION, segments)

    assert 8.8 <= sources[0].metadata["start"] < sources[0].metadata["end"] <= 13.2
    assert sources[0].metadata["start"] == pytest.approx(ANSWER.start, abs=SECONDS_TOLERANCE)
    assert sources[0].page_content in answer
    assert example.ask("bananas", segments)[1] == []
