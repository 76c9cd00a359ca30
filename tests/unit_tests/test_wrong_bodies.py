"""A 2xx body of the wrong kind is refused as a transcript, and never cached."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterTranscriptLoader
from langchain_onerouter_audio.cli import main
from langchain_onerouter_audio.errors import OneRouterResponseError
from tests._calls import call
from tests.unit_tests.fake_api import AUDIO, TEXT_BODIES, FakeApi, transcript_of_upload

JSON_TRANSCRIPT = httpx.Response(200, json={"text": "hello there"})
WRONG = {
    "json for text": ("text", JSON_TRANSCRIPT),
    "json transcript as text/plain": ("text", httpx.Response(200, text='{"text": "hi"}')),
    "json for srt": ("srt", JSON_TRANSCRIPT),
    "json for vtt": ("vtt", JSON_TRANSCRIPT),
    "web page for text": ("text", httpx.Response(200, text="<!DOCTYPE html><p>Sign in</p>")),
    "srt without cues": ("srt", httpx.Response(200, text="hello there\n")),
    "vtt without header": ("vtt", httpx.Response(200, text="hello there\n")),
    "srt cues for vtt": ("vtt", httpx.Response(200, text=TEXT_BODIES["srt"])),
    "json without text": ("json", httpx.Response(200, json={"said": "hi"})),
    "verbose without segments shape": ("verbose_json", httpx.Response(200, json={"segments": 3})),
}


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    (path := tmp_path / "clip.mp3").write_bytes(AUDIO)
    return path


@pytest.mark.parametrize("method", ["transcribe", "translate"])
@pytest.mark.parametrize("case", list(WRONG))
def test_a_body_of_the_wrong_kind_is_refused(mode: str, clip: Path, method: str, case: str) -> None:
    response_format, response = WRONG[case]
    api = FakeApi([response])
    with pytest.raises(OneRouterResponseError, match=r"instead of|could not be read"):
        call(api.client(), method, mode, clip, response_format=response_format)


@pytest.mark.parametrize(
    ("response_format", "body"),
    [("text", ""), ("srt", ""), ("vtt", "WEBVTT\n\n"), ("srt", TEXT_BODIES["srt"]),
     ("vtt", TEXT_BODIES["vtt"]), ("text", '{"said": "dictated JSON"}')],
)  # fmt: skip
def test_silence_and_well_formed_bodies_are_kept(
    mode: str, clip: Path, response_format: str, body: str
) -> None:
    api = FakeApi([httpx.Response(200, text=body)])
    assert call(api.client(), "transcribe", mode, clip, response_format=response_format) == body


def _load(loader: OneRouterTranscriptLoader, mode: str) -> list[Any]:
    return loader.load() if mode == "sync" else asyncio.run(loader.aload())


def test_a_refused_body_is_not_cached_and_a_later_good_one_is(
    mode: str, clip: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    api = FakeApi([JSON_TRANSCRIPT, transcript_of_upload])
    loader = OneRouterTranscriptLoader(clip, client=api.client(), mode="srt", cache_dir=cache)
    with pytest.raises(OneRouterResponseError):
        _load(loader, mode)
    assert not [path for path in cache.rglob("*") if path.is_file()]  # no entry, no .part

    documents = _load(loader, mode)
    assert documents
    assert "first words" in documents[0].page_content
    assert len(list(cache.rglob("*.json"))) == 1
    assert _load(loader, mode) == documents
    assert len(api.requests) == 2  # the third load came from the cache


def test_the_cli_does_not_write_a_refused_body(
    clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api = FakeApi([JSON_TRANSCRIPT])
    monkeypatch.setattr("langchain_onerouter_audio.cli._client", lambda args: api.client())
    out = tmp_path / "out.srt"
    assert main(["transcribe", str(clip), "--format", "srt", "-o", str(out)]) == 4
    assert "instead of a srt transcript" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp3"]
