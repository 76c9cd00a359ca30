"""Text that is not valid Unicode (a lone surrogate) is refused before anything is sent."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import (
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
)
from langchain_onerouter_audio.cli import main
from langchain_onerouter_audio.errors import OneRouterInputError
from tests._calls import call
from tests.unit_tests._agents import run_tool_in_agent
from tests.unit_tests.fake_api import AUDIO, FakeApi

HALF_EMOJI = "smile \ud83d please"  # what a model sends when it cuts an emoji in half
LATIN1_ARG = "caf\udce9"  # b"caf\xe9" read from argv with surrogateescape

SPEECH = {
    "text": ((HALF_EMOJI,), {}),
    "voice": (("hi",), {"voice": LATIN1_ARG}),
    "custom voice": (("hi",), {"voice": {"id": LATIN1_ARG}}),
    "instructions": (("hi",), {"instructions": HALF_EMOJI}),
    "model": (("hi",), {"model": LATIN1_ARG}),
}
TRANSCRIPTION = {
    "prompt": {"prompt": HALF_EMOJI},
    "model": {"model": LATIN1_ARG},
    "keywords": {"keywords": ["ok", HALF_EMOJI]},
    "speaker names": {"known_speaker_names": [LATIN1_ARG], "known_speaker_references": ["x"]},
    "language": {"language": LATIN1_ARG},
}


@pytest.mark.parametrize("case", list(SPEECH))
def test_speech_refuses_invalid_unicode(mode: str, case: str, tmp_path: Path) -> None:
    args, options = SPEECH[case]
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match=r"not valid Unicode|voice"):
        call(api.client(), "speech", mode, *args, **options)
    with pytest.raises(OneRouterInputError):
        call(api.client(), "speech_to_file", mode, tmp_path / "out.mp3", *args, **options)
    assert api.requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("method", ["transcribe", "translate"])
@pytest.mark.parametrize("case", list(TRANSCRIPTION))
def test_transcription_refuses_invalid_unicode(mode: str, method: str, case: str) -> None:
    options = TRANSCRIPTION[case]
    if method == "translate" and case not in ("prompt", "model"):
        pytest.skip("a translation takes only model, prompt and temperature")
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match=r"not valid Unicode|language"):
        call(api.client(), method, mode, ("clip.mp3", AUDIO), **options)
    assert api.requests == []


def test_a_file_name_that_is_not_unicode_is_refused(mode: str) -> None:
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="file name"):
        call(api.client(), "transcribe", mode, (f"{LATIN1_ARG}.mp3", AUDIO))
    assert api.requests == []


def test_the_loader_refuses_invalid_unicode_when_built(tmp_path: Path) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="not valid Unicode"):
        OneRouterTranscriptLoader(clip, client=api.client(), prompt=HALF_EMOJI)
    assert api.requests == []


def test_an_agent_reads_the_speech_tool_error_and_finishes(mode: str, tmp_path: Path) -> None:
    api = FakeApi()
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=tmp_path)
    message = run_tool_in_agent(tool, mode, text=HALF_EMOJI)
    assert message.status == "error"
    assert "unicode" in message.text.lower()  # the tool's schema or its request check says so
    assert api.requests == []
    assert list(tmp_path.iterdir()) == []


def test_an_agent_reads_the_transcription_tool_error_and_finishes(
    mode: str, tmp_path: Path
) -> None:
    (tmp_path / "clip.mp3").write_bytes(AUDIO)
    api = FakeApi()
    tool = OneRouterTranscriptionTool(client=api.client(), root_dir=tmp_path)
    message = run_tool_in_agent(tool, mode, file_path="clip.mp3", prompt=HALF_EMOJI)
    assert message.status == "error"
    assert "not valid Unicode" in message.text
    assert api.requests == []


@pytest.fixture
def cli_api(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    api = FakeApi()
    monkeypatch.setattr("langchain_onerouter_audio.cli._client", lambda args: api.client())
    return api


@pytest.mark.parametrize(
    "argv",
    [
        ["speak", LATIN1_ARG, "-o", "{out}/a.mp3"],
        ["speak", "hi", "--voice", LATIN1_ARG, "-o", "{out}/a.mp3"],
        ["transcribe", "{clip}", "--prompt", LATIN1_ARG, "-o", "{out}/a.txt"],
        ["translate", "{clip}", "--prompt", HALF_EMOJI, "-o", "{out}/a.txt"],
    ],
)
def test_the_cli_exits_2_on_invalid_unicode(
    cli_api: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    (out := tmp_path / "out").mkdir()
    assert main([arg.format(out=out, clip=clip) for arg in argv]) == 2
    assert "not valid Unicode" in capsys.readouterr().err
    assert cli_api.requests == []
    assert list(out.iterdir()) == []


def test_the_cli_refuses_binary_text_on_stdin(
    cli_api: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"caf\xe9 \xff\xfe"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["speak", "-", "-o", str(tmp_path / "a.mp3")]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert cli_api.requests == []
    assert list(tmp_path.iterdir()) == []
