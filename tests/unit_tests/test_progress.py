"""Progress you can see: a tqdm bar on stderr, never on stdout, and a clear missing-extra error."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from langchain_core.documents.base import Blob

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterInputError,
    OneRouterTranscriptLoader,
)
from langchain_onerouter_audio.cli import main
from tests.unit_tests.fake_api import FakeApi, transcript_of_upload
from tests.unit_tests.loopback_server import Action, LocalServer, Seen, respond_json
from tests.unit_tests.test_splitting import LIMIT, tone_wav


def test_the_loader_counts_files_and_seconds_on_stderr(
    audio_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(tone_wav())
    files = [talk, audio_dir / "hello.mp3"]
    loader = OneRouterTranscriptLoader(
        files,
        client=FakeApi([transcript_of_upload]).client(),
        mode="segments",
        max_upload_bytes=LIMIT,
        show_progress=True,
    )

    docs = loader.load()

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Transcribing" in captured.err
    assert "2/2" in captured.err
    # The long file's chunks (34 s in all), then the clip's 3.5 s from its transcript.
    assert "0:00:38 of audio" in captured.err
    assert docs


async def test_the_async_loader_and_the_parser_show_progress_too(
    audio_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(
        audio_dir / "hello.mp3", client=api.client(), show_progress=True
    )
    await loader.aload()
    parser = OneRouterAudioParser(client=api.client(), show_progress=True)
    parser.parse(Blob.from_path(audio_dir / "hello.wav"))

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("1/1") >= 2
    assert "hello.wav" in captured.err


@pytest.mark.parametrize("make", [OneRouterTranscriptLoader, OneRouterAudioParser])
def test_without_tqdm_the_error_names_the_extra(
    make: Callable[..., object], monkeypatch: pytest.MonkeyPatch, audio_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    arguments = (audio_dir,) if make is OneRouterTranscriptLoader else ()
    with pytest.raises(OneRouterInputError, match=r"langchain-onerouter-audio\[progress\]"):
        make(*arguments, client=FakeApi([transcript_of_upload]).client(), show_progress=True)


def answer(seen: Seen) -> Action:
    return respond_json(200, {"text": "hello from the clip"})


@pytest.mark.parametrize(
    ("flags", "tty", "bar"),
    [
        ([], False, False),  # piped or captured stderr: no bar by default
        ([], True, True),  # a terminal: a bar
        (["--progress"], False, True),
        (["--no-progress"], True, False),
    ],
)
def test_the_cli_draws_progress_on_stderr_only(
    flags: list[str],
    tty: bool,
    bar: bool,
    audio_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    with LocalServer(answer) as server:
        monkeypatch.setenv("ONEROUTER_API_KEY", "test-key")
        monkeypatch.setenv("ONEROUTER_BASE_URL", server.base_url)
        assert main(["load", str(audio_dir / "hello.mp3"), "--jsonl", *flags]) == 0

    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1
    assert "hello from the clip" in captured.out
    assert ("Transcribing" in captured.err) is bar
