"""Speech to a file creates one temporary file, before the paid request, and fills only it.

That file both proves the folder writable and receives the audio: a retry empties and
rewrites it, success renames it into place, and a last failure removes it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio.cli import main
from langchain_onerouter_audio.errors import OneRouterConnectionError
from langchain_onerouter_audio.models import MAX_SPEECH_INPUT_CHARS
from tests._calls import call
from tests.unit_tests.fake_api import AUDIO, TEXT, FakeApi, Waits, answer, broken_body

_NEW_FILE = os.O_CREAT | os.O_EXCL


class Creations:
    """Every file created exclusively in ``folder``, with how many requests had been sent."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, api: FakeApi) -> None:
        self.made: list[tuple[str, int]] = []
        real_open = os.open

        def counted_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & _NEW_FILE == _NEW_FILE and Path(path).parent == folder:
                self.made.append((Path(path).name, len(api.requests)))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", counted_open)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("overwrite", [False, True], ids=["new-file", "overwrite"])
def test_one_temporary_file_is_created_before_the_request(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overwrite: bool
) -> None:
    if overwrite:
        (tmp_path / "speech.mp3").write_bytes(b"old audio")
    api = FakeApi([answer])
    creations = Creations(monkeypatch, tmp_path, api)
    target = call(
        api.client(), "speech_to_file", mode, tmp_path / "speech.mp3", TEXT, overwrite=overwrite
    )
    assert len(creations.made) == 1
    name, sent_before = creations.made[0]
    assert name.startswith(".speech.mp3.")
    assert name.endswith(".part")
    assert sent_before == 0
    assert target.read_bytes() == AUDIO
    assert _names(tmp_path) == ["speech.mp3"]


def test_a_retry_after_a_broken_body_rewrites_the_same_file(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeApi([broken_body(AUDIO[:500]), broken_body(AUDIO[:9]), answer])
    creations = Creations(monkeypatch, tmp_path, api)
    target = call(api.client(Waits().policy()), "speech_to_file", mode, tmp_path / "a.mp3", TEXT)
    assert len(api.requests) == 3
    assert len(creations.made) == 1
    assert target.read_bytes() == AUDIO
    assert _names(tmp_path) == ["a.mp3"]


def test_the_last_failure_removes_the_one_temporary_file(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeApi([broken_body(AUDIO[:500]), broken_body(AUDIO[:9])])
    creations = Creations(monkeypatch, tmp_path, api)
    with pytest.raises(OneRouterConnectionError):
        call(api.client(Waits().policy(1)), "speech_to_file", mode, tmp_path / "a.mp3", TEXT)
    assert len(api.requests) == 2
    assert len(creations.made) == 1
    assert _names(tmp_path) == []


def test_a_failure_leaves_no_folder_it_made(mode: str, tmp_path: Path) -> None:
    api = FakeApi([broken_body(AUDIO[:500])])
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "other.txt").write_text("not ours")
    target = tmp_path / "kept" / "new" / "deeper" / "a.mp3"
    with pytest.raises(OneRouterConnectionError):
        call(api.client(), "speech_to_file", mode, target, TEXT)
    assert _names(tmp_path) == ["kept"]
    assert _names(tmp_path / "kept") == ["other.txt"]  # only the folders made for the file go


@pytest.mark.parametrize(
    "text", ["hi", "word. " * (MAX_SPEECH_INPUT_CHARS // 5)], ids=["short", "long"]
)
def test_the_cli_speaks_into_one_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    api = FakeApi([answer] * 3)
    monkeypatch.setattr("langchain_onerouter_audio.cli._client", lambda args: api.client())
    creations = Creations(monkeypatch, tmp_path, api)
    assert main(["speak", text, "-o", str(tmp_path / "speech.mp3"), "--format", "mp3"]) == 0
    assert [sent_before for _, sent_before in creations.made] == [0]
    assert _names(tmp_path) == ["speech.mp3"]
