"""The transcript cache: hits send nothing, keys cover every option, bad entries heal."""

from __future__ import annotations

import asyncio
import errno
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import OneRouterTranscriptLoader
from langchain_onerouter_audio._cache import TranscriptCache, audio_digest, cache_key
from langchain_onerouter_audio._responses import parse_transcript
from tests.unit_tests.fake_api import FakeApi, transcript_body, transcript_of_upload


def loader_for(api: FakeApi, path: Any, cache: Path, **options: Any) -> OneRouterTranscriptLoader:
    return OneRouterTranscriptLoader(path, client=api.client(), cache_dir=cache, **options)


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def test_a_second_load_sends_no_request(audio_dir: Path, tmp_path: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    files = [audio_dir / "hello.mp3", audio_dir / "lecture.mp3"]
    loader = loader_for(api, files, tmp_path / "cache", mode="segments")

    def load() -> list[Any]:
        return loader.load() if mode == "sync" else asyncio.run(loader.aload())

    first = load()
    assert len(api.uploads) == 2
    second = load()

    assert len(api.uploads) == 2  # nothing sent the second time
    assert second == first
    assert len(entries(tmp_path / "cache")) == 2


def test_the_same_audio_under_another_name_is_a_hit_with_its_own_source(
    audio_dir: Path, tmp_path: Path
) -> None:
    api = FakeApi([transcript_of_upload])
    copy = tmp_path / "copy.mp3"
    shutil.copy(audio_dir / "hello.mp3", copy)
    loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache").load()

    [doc] = loader_for(api, copy, tmp_path / "cache").load()

    assert len(api.uploads) == 1
    assert doc.metadata["source"] == str(copy)


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "srt"},
        {"model": "gpt-4o-transcribe"},
        {"language": "en"},
        {"prompt": "names: Wolfgang"},
        {"temperature": 0.3},
        {"task": "translate"},
    ],
)
def test_any_option_that_shapes_the_transcript_is_a_miss(
    audio_dir: Path, tmp_path: Path, options: dict[str, Any]
) -> None:
    api = FakeApi([transcript_of_upload])
    loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache").load()
    loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache", **options).load()
    assert len(api.uploads) == 2


def test_in_memory_audio_shares_the_entry_of_the_same_audio_on_disk(
    audio_dir: Path, tmp_path: Path
) -> None:
    from langchain_core.documents.base import Blob

    from langchain_onerouter_audio import OneRouterAudioParser

    api = FakeApi([transcript_of_upload])
    [on_disk] = loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache").load()
    parser = OneRouterAudioParser(client=api.client(), cache_dir=tmp_path / "cache")
    blob = Blob.from_data((audio_dir / "hello.mp3").read_bytes(), mime_type="audio/mpeg")
    [in_memory] = parser.parse(blob)
    assert len(api.uploads) == 1
    assert in_memory.page_content == on_disk.page_content
    assert len(entries(tmp_path / "cache")) == 1


def test_the_same_model_on_another_server_is_a_miss(audio_dir: Path, tmp_path: Path) -> None:
    first, second = FakeApi([transcript_of_upload]), FakeApi([transcript_of_upload])
    for api, base_url in ((first, "http://one.test/v1"), (second, "http://two.test/v1")):
        client = api.client(base_url=base_url)
        OneRouterTranscriptLoader(audio_dir / "hello.mp3", client=client, cache_dir=tmp_path).load()
    assert (len(first.uploads), len(second.uploads)) == (1, 1)
    assert len(entries(tmp_path)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"version": 1}',
        b"[1, 2]",
        b'{"version": 1, "key": "someone-else", "format": "json", "result": {"text": "x"}}',
    ],
)
def test_a_corrupt_entry_is_ignored_and_rewritten(
    audio_dir: Path, tmp_path: Path, damage: bytes
) -> None:
    api = FakeApi([transcript_of_upload])
    loader = loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache")
    [expected] = loader.load()
    [entry] = entries(tmp_path / "cache")
    entry.write_bytes(damage)

    assert loader.load() == [expected]  # answered again by the API
    assert len(api.uploads) == 2
    assert json.loads(entry.read_bytes())["result"]["text"] == expected.page_content
    assert loader.load() == [expected]
    assert len(api.uploads) == 2  # healed: a hit again
    assert not list((tmp_path / "cache").rglob("*.part"))


def test_entry_with_a_wrong_shape_for_its_format_is_a_miss(tmp_path: Path) -> None:
    cache = TranscriptCache(tmp_path)
    key = cache_key("digest", model="m")
    cache.put(key, "srt", "1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    assert cache.get(key, "verbose_json") is None
    path = entries(tmp_path)[0]
    path.write_text(json.dumps({"version": 1, "key": key, "format": "json", "result": "text"}))
    assert cache.get(key, "json") is None


@pytest.mark.parametrize("response_format", ["json", "verbose_json", "srt", "vtt"])
def test_every_format_round_trips(tmp_path: Path, response_format: str) -> None:
    result = parse_transcript(response_format, transcript_body("a.mp3", response_format).content)
    cache = TranscriptCache(tmp_path)
    key = cache_key(audio_digest(b"audio"), format=response_format)

    assert cache.get(key, response_format) is None
    cache.put(key, response_format, result)
    assert cache.get(key, response_format) == result


def test_digest_of_a_file_matches_its_bytes(audio_dir: Path) -> None:
    path = audio_dir / "lecture.mp3"
    assert audio_digest(path) == audio_digest(path.read_bytes())
    assert cache_key("a", model="m", options={"x": 1}) == cache_key(
        "a", options={"x": 1}, model="m"
    )
    assert cache_key("a", model="m") != cache_key("b", model="m")


def test_failed_files_are_not_cached(audio_dir: Path, tmp_path: Path) -> None:
    api = FakeApi([transcript_of_upload], failures={"hello.mp3": 400})
    loader = loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache", on_error="skip")
    assert loader.load() == []
    assert entries(tmp_path / "cache") == []


def test_a_cache_that_cannot_be_written_still_returns_the_transcripts(
    audio_dir: Path, tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "cache"
    api = FakeApi([transcript_of_upload])
    files = [audio_dir / "hello.mp3", audio_dir / "lecture.mp3"]
    loader = loader_for(api, files, not_a_folder)  # usable when built (else refused then)
    not_a_folder.write_text("a file where the cache folder should be")

    with caplog.at_level("WARNING", logger="langchain_onerouter_audio"):
        docs = loader.load() if mode == "sync" else asyncio.run(loader.aload())

    assert [doc.metadata["source"] for doc in docs] == [str(path) for path in files]
    assert loader.failures == []
    assert api.filenames() == ["hello.mp3", "lecture.mp3"]  # one request per file
    assert "Could not write the transcript cache" in caplog.text


def test_a_full_disk_loses_only_the_cache_entry(
    audio_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TranscriptCache, "put", full)
    api = FakeApi([transcript_of_upload])
    loader = loader_for(api, audio_dir / "hello.mp3", tmp_path / "cache", on_error="skip")

    assert len(loader.load()) == 1
    assert loader.failures == []
    assert len(api.uploads) == 1
