"""A recording is opened and checked once per transcription, not again by the client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import OneRouterInputError, OneRouterTranscriptLoader, _files
from langchain_onerouter_audio._files import UploadFile
from tests.unit_tests.fake_api import FakeApi, transcript_of_upload
from tests.unit_tests.test_splitting import LIMIT, tone_wav


class Checks:
    """Counts the checks ``_files`` runs: uploads made from input, and files opened to sniff."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.uploads = 0
        self.files = 0
        from_input = UploadFile.from_input.__func__  # type: ignore[attr-defined]
        check_audio_file = _files.check_audio_file

        def counted_from_input(cls: type[UploadFile], *args: Any, **kwargs: Any) -> UploadFile:
            self.uploads += 1
            upload: UploadFile = from_input(cls, *args, **kwargs)
            return upload

        def counted_check_audio_file(*args: Any, **kwargs: Any) -> int:
            self.files += 1
            return check_audio_file(*args, **kwargs)

        monkeypatch.setattr(UploadFile, "from_input", classmethod(counted_from_input))
        monkeypatch.setattr(_files, "check_audio_file", counted_check_audio_file)


def load(loader: OneRouterTranscriptLoader, mode: str) -> None:
    assert loader.load() if mode == "sync" else asyncio.run(loader.aload())


@pytest.mark.parametrize("task", ["transcribe", "translate"])
def test_a_file_is_checked_once(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, mode: str, task: str
) -> None:
    api = FakeApi([transcript_of_upload])
    checks = Checks(monkeypatch)

    load(OneRouterTranscriptLoader(audio_dir / "hello.mp3", client=api.client(), task=task), mode)

    assert (checks.uploads, checks.files) == (1, 1)
    assert api.filenames() == ["hello.mp3"]


def test_a_long_file_is_checked_once_and_its_pieces_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    path = tmp_path / "talk.wav"
    path.write_bytes(tone_wav())
    api = FakeApi([transcript_of_upload])
    checks = Checks(monkeypatch)

    load(OneRouterTranscriptLoader(path, client=api.client(), max_upload_bytes=LIMIT), mode)

    assert (checks.uploads, checks.files) == (1, 1)
    assert len(api.uploads) > 1


def test_a_checked_upload_still_keeps_within_the_clients_limit(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    client = api.client(max_upload_bytes=10)
    upload = UploadFile.from_input(audio_dir / "hello.mp3")
    call: Callable[[], Any] = (
        (lambda: client.transcribe(upload))
        if mode == "sync"
        else (lambda: asyncio.run(client.atranscribe(upload)))
    )

    with pytest.raises(OneRouterInputError, match="over this client's upload limit of 10 bytes"):
        call()
    assert api.uploads == []
