"""Smaller edges: what is echoed to a model is capped, globs stay in their folder, stdin
must be audio, and the command line tells its version."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from langchain_onerouter_audio import OneRouterTranscriptionTool, OneRouterTranscriptLoader
from langchain_onerouter_audio._version import package_version
from langchain_onerouter_audio.cli import main
from langchain_onerouter_audio.errors import OneRouterInputError
from tests.unit_tests._agents import run_tool_in_agent
from tests.unit_tests.fake_api import AUDIO, FakeApi


@pytest.mark.parametrize("path", ["../" + "x" * 100_000, "missing-" + "y" * 100_000 + ".mp3"])
def test_a_huge_path_from_a_model_is_not_echoed_in_full(
    mode: str, tmp_path: Path, path: str
) -> None:
    api = FakeApi()
    tool = OneRouterTranscriptionTool(client=api.client(), root_dir=tmp_path)
    message = run_tool_in_agent(tool, mode, file_path=path)
    assert message.status == "error"
    assert len(message.text) < 800
    assert "…" in message.text
    assert api.requests == []


@pytest.mark.parametrize("pattern", ["../*.mp3", "sub/../../*.mp3", "/tmp/*.mp3"])
def test_a_glob_that_leaves_the_folder_is_refused(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "outside.mp3").write_bytes(AUDIO)
    (folder := tmp_path / "in").mkdir()
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="glob"):
        OneRouterTranscriptLoader(folder, client=api.client(), glob=pattern)
    with pytest.raises(SystemExit) as exited:
        main(["load", str(folder), "--glob", pattern])
    assert exited.value.code == 2
    assert api.requests == []


@pytest.mark.parametrize(
    ("stdin", "message"), [(b"", "standard input is empty"), (b"hello", "not audio")]
)
def test_transcribe_dash_needs_audio_on_stdin(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: bytes,
    message: str,
) -> None:
    api = FakeApi()
    monkeypatch.setattr("langchain_onerouter_audio.cli._client", lambda args: api.client())
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    assert main(["transcribe", "-"]) == 2
    assert message in capsys.readouterr().err
    assert api.requests == []


def test_version_from_the_command_line_and_python_m(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"onerouter-audio {package_version()}"
    ran = subprocess.run(
        [sys.executable, "-m", "langchain_onerouter_audio", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.strip() == f"onerouter-audio {package_version()}"
