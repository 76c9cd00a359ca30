"""Edges of long, corrupt and silent recordings: a file that cannot be decoded costs nothing,
a file too large names itself, silence has one rule in every mode, and single mode reports
the language and the length."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import httpx
import pytest

from langchain_onerouter_audio import OneRouterTranscriptLoader
from langchain_onerouter_audio.errors import OneRouterInputError
from tests._calls import call
from tests.unit_tests.fake_api import FakeApi, form, transcript_of_upload

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def test_a_large_file_that_turns_corrupt_is_refused_before_any_chunk_is_sent(
    tmp_path: Path, mode: str
) -> None:
    # A few real MP3 frames, then random bytes: the first chunk would decode and be paid for.
    head = (AUDIO / "hello.mp3").read_bytes()[:2_000]
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(head + random.Random(1).randbytes(200_000))
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(broken, client=api.client(), max_upload_bytes=60_000)
    with pytest.raises(OneRouterInputError, match="could not be decoded") as refused:
        call(loader, "load", mode)
    assert "broken.mp3" in str(refused.value)
    assert api.requests == []


def test_a_file_over_the_client_limit_is_named_as_the_caller_gave_it(
    tmp_path: Path, mode: str
) -> None:
    (folder := tmp_path / "talks").mkdir()
    big = folder / "hello.mp3"
    big.write_bytes((AUDIO / "hello.mp3").read_bytes())
    api = FakeApi()
    client = api.client(max_upload_bytes=10_000)
    with pytest.raises(OneRouterInputError, match="upload limit") as refused:
        call(client, "transcribe", mode, big)
    assert repr(str(big)) in str(refused.value)
    assert api.requests == []


def test_a_file_that_needs_splitting_without_pyav_is_named(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # as if the split extra were not installed
    big = tmp_path / "hello.mp3"
    big.write_bytes((AUDIO / "hello.mp3").read_bytes())
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(big, client=api.client(), max_upload_bytes=10_000)
    with pytest.raises(OneRouterInputError, match="needs PyAV") as refused:
        call(loader, "load", mode)
    assert repr(str(big)) in str(refused.value)
    assert api.requests == []


SILENT_BODIES: dict[str, dict[str, object]] = {
    "json": {"text": ""},
    "verbose_json": {"text": "", "language": "english", "duration": 2.0, "segments": []},
    "diarized_json": {"text": "", "duration": 2.0, "segments": []},
}


def silence(request: httpx.Request) -> httpx.Response:
    """What a server answers for a recording with no speech, in the asked format."""
    fmt = dict(form(request)).get("response_format", "json")
    if fmt in SILENT_BODIES:
        return httpx.Response(200, json=SILENT_BODIES[fmt])
    header = "WEBVTT\n" if fmt == "vtt" else ""
    return httpx.Response(200, text=header, headers={"content-type": "text/plain"})


@pytest.mark.parametrize(
    ("options", "documents"),
    [
        ({"mode": "single"}, 0),
        ({"mode": "segments"}, 0),
        ({"mode": "paragraphs"}, 0),
        ({"mode": "speakers", "model": "gpt-4o-transcribe-diarize"}, 0),
        ({"mode": "srt"}, 1),
        ({"mode": "vtt"}, 1),
    ],
)
def test_silence_gives_no_documents_in_every_mode_but_subtitles(
    mode: str, options: dict[str, str], documents: int
) -> None:
    api = FakeApi([silence])
    silent = AUDIO / "silence.wav"
    loader = OneRouterTranscriptLoader(silent, client=api.client(), **options)
    docs = call(loader, "load", mode)
    assert len(docs) == documents
    assert loader.failures == []
    assert len(api.requests) == 1
