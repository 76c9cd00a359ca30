"""Outputs: non-regular targets are never replaced, and every target is proven writable
before a paid request (by creating a file there: ``os.access`` says yes to root)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from langchain_onerouter_audio._files import atomic_output, checked_output
from langchain_onerouter_audio.cli import main
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import MAX_SPEECH_INPUT_CHARS
from tests._calls import call
from tests.unit_tests._folders import unwritable  # noqa: F401  (a fixture)
from tests.unit_tests.fake_api import AUDIO, FakeApi


def _parts(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(".part")]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    os.mkfifo(path := tmp_path / "pipe.mp3")
    return path


@pytest.fixture
def link(tmp_path: Path) -> Path:
    (real := tmp_path / "real.mp3").write_bytes(b"keep me")
    (path := tmp_path / "link.mp3").symlink_to(real)
    return path


@pytest.mark.parametrize("kind", ["fifo", "link", "device"])
def test_speech_to_file_never_replaces_what_is_not_a_regular_file(
    mode: str, kind: str, request: pytest.FixtureRequest
) -> None:
    target = Path("/dev/null") if kind == "device" else request.getfixturevalue(kind)
    before = os.lstat(target)
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match=r"regular file|symbolic link"):
        call(api.client(), "speech_to_file", mode, target, "hi", overwrite=True)
    assert api.requests == []
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert _parts(target.parent) == []
    if kind == "link":
        assert target.resolve().read_bytes() == b"keep me"


@pytest.mark.parametrize("kind", ["fifo", "link", "device"])
def test_atomic_output_refuses_non_regular_targets_before_its_temporary_file(
    kind: str, request: pytest.FixtureRequest
) -> None:
    target = Path("/dev/null") if kind == "device" else request.getfixturevalue(kind)
    with pytest.raises(OneRouterInputError), checked_output(target, overwrite=True):
        pass
    with pytest.raises(OneRouterInputError), atomic_output(target, overwrite=True):
        pass
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert _parts(target.parent) == []


@pytest.fixture
def cli_api(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    api = FakeApi()
    monkeypatch.setattr("langchain_onerouter_audio.cli._client", lambda args: api.client())
    return api


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_the_cli_points_to_dash_for_stdout(
    cli_api: FakeApi, capsys: pytest.CaptureFixture[str], overwrite: list[str]
) -> None:
    assert main(["speak", "hi", "-o", "/dev/stdout", "--format", "mp3", *overwrite]) == 2
    err = capsys.readouterr().err
    assert "-o -" in err
    assert "--overwrite" not in err
    assert cli_api.requests == []


def test_the_cli_refuses_a_fifo_even_with_overwrite(
    cli_api: FakeApi, fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    assert main(["transcribe", str(clip), "-o", str(fifo), "--overwrite"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert cli_api.requests == []
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize(
    "argv",
    [
        ["transcribe", "{clip}", "-o", "{out}"],
        ["translate", "{clip}", "-o", "{out}"],
        ["load", "{clip}", "-o", "{out}"],
        ["speak", "hi", "-o", "{out}"],
        ["speak", "word. " * (MAX_SPEECH_INPUT_CHARS // 5), "-o", "{out}"],
    ],
    ids=["transcribe", "translate", "load", "speak", "speak-long"],
)
def test_the_cli_proves_the_output_writable_before_paying(
    cli_api: FakeApi,
    unwritable: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    out = unwritable / "result.mp3"
    assert main([arg.format(clip=clip, out=out) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert str(out) in err
    assert ".part" not in err
    assert cli_api.requests == []
    assert not out.exists()
    assert _parts(unwritable) == []


def test_speech_to_file_proves_the_folder_writable_before_paying(
    mode: str,
    unwritable: Path,  # noqa: F811
) -> None:
    api = FakeApi()
    target = unwritable / "sub" / "speech.mp3"
    with pytest.raises(OneRouterInputError, match="cannot be written") as caught:
        call(api.client(), "speech_to_file", mode, target, "hi")
    assert ".part" not in str(caught.value)
    assert api.requests == []
    assert _parts(unwritable) == []
