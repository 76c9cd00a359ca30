"""Configuration that would fail every call (or pay again every run) is refused when built."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from pydantic import ValidationError

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterAudioToolkit,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.errors import OneRouterInputError
from tests.unit_tests._agents import ScriptedChatModel, tool_call
from tests.unit_tests._folders import unwritable  # noqa: F401  (a fixture)
from tests.unit_tests.fake_api import AUDIO, FakeApi


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def speech_tool(api: FakeApi, output_dir: Path) -> OneRouterTextToSpeechTool:
    return OneRouterTextToSpeechTool(client=api.client(), output_dir=output_dir)


def _build_agent(make_tool: Any) -> None:
    model = ScriptedChatModel(steps=[lambda _: tool_call("text_to_speech", text="hi")])
    create_agent(model, tools=[make_tool()])


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    (path := tmp_path / "file.txt").write_text("not a folder")
    return path


def test_a_speech_tool_whose_output_dir_is_a_file_is_refused_when_built(
    tmp_path: Path, a_file: Path
) -> None:
    api = FakeApi()
    for output_dir in (a_file, a_file / "sub"):
        with pytest.raises(ValidationError, match=r"output_dir.*not a folder"):
            _build_agent(functools.partial(speech_tool, api, output_dir))
    with pytest.raises(ValidationError, match="output_dir"):
        OneRouterAudioToolkit(client=api.client(), output_dir=a_file, root_dir=tmp_path)
    assert api.requests == []
    assert _files(tmp_path) == ["file.txt"]


def test_a_speech_tool_whose_output_dir_cannot_be_written_is_refused_when_built(
    unwritable: Path,  # noqa: F811
) -> None:
    api = FakeApi()
    with pytest.raises(ValidationError, match="cannot be written"):
        _build_agent(functools.partial(speech_tool, api, unwritable / "out"))
    assert api.requests == []
    assert not (unwritable / "out").exists()


def test_a_missing_output_dir_that_can_be_made_is_accepted(tmp_path: Path) -> None:
    OneRouterTextToSpeechTool(client=FakeApi().client(), output_dir=tmp_path / "new" / "out")
    assert _files(tmp_path) == []  # checked without leaving anything behind


@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
def test_a_root_dir_that_does_not_exist_is_refused_when_built(
    cls: Any, tmp_path: Path, a_file: Path
) -> None:
    api = FakeApi()
    for root, problem in ((tmp_path / "missing", "does not exist"), (a_file, "not a folder")):
        with pytest.raises(ValidationError, match=rf"root_dir.*{problem}"):
            create_agent(
                ScriptedChatModel(steps=[]), tools=[cls(client=api.client(), root_dir=root)]
            )
    assert _files(tmp_path) == ["file.txt"]


@pytest.mark.parametrize("face", ["loader", "parser"])
def test_a_cache_dir_that_is_a_file_or_unwritable_is_refused_when_built(
    face: str,
    tmp_path: Path,
    a_file: Path,
    unwritable: Path,  # noqa: F811
) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    api = FakeApi()
    for cache_dir in (a_file, a_file / "sub", unwritable / "cache"):
        build: Any = (
            functools.partial(OneRouterTranscriptLoader, clip)
            if face == "loader"
            else OneRouterAudioParser
        )
        with pytest.raises(OneRouterInputError, match="cache_dir"):
            build(client=api.client(), cache_dir=cache_dir)
    assert api.requests == []
    assert _files(tmp_path) == ["clip.mp3", "file.txt"]
    assert not (unwritable / "cache").exists()


def test_a_cache_dir_still_to_be_made_works(mode: str, tmp_path: Path) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    loader = OneRouterTranscriptLoader(clip, client=FakeApi().client(), cache_dir=tmp_path / "c")
    assert not (tmp_path / "c").exists()
    docs = loader.load() if mode == "sync" else asyncio.run(loader.aload())
    assert docs
    assert list((tmp_path / "c").rglob("*.json"))
