"""Bad input is refused with a clear message before any request is sent, and nothing is written.

Each case runs sync and async. The mock transport records every request, so "nothing was
sent" is an assertion, not an assumption; a snapshot of the folders shows nothing was written.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.tools import BaseTool

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.errors import OneRouterError, OneRouterInputError
from langchain_onerouter_audio.models import MAX_UPLOAD_BYTES
from tests.unit_tests.fake_api import AUDIO, TEXT, FakeApi, Waits, answer

Args = tuple[tuple[Any, ...], dict[str, Any]]


def speak(text: Any = TEXT, **options: Any) -> tuple[str, Callable[[Path], Args]]:
    return "speech", lambda root: ((text,), options)


def speak_to(name: str, **options: Any) -> tuple[str, Callable[[Path], Args]]:
    return "speech_to_file", lambda root: ((root / name, TEXT), options)


def upload(
    name: str | tuple[str, bytes], method: str = "transcribe", **options: Any
) -> tuple[str, Callable[[Path], Args]]:
    def args(root: Path) -> Args:
        return ((name if isinstance(name, tuple) else root / name,), options)

    return method, args


# id: ((method, args), what the message must say)
CLIENT_CASES: dict[str, tuple[tuple[str, Callable[[Path], Args]], str]] = {
    "empty-text": (speak(""), "text to speak is empty"),
    "whitespace-text": (speak(" \n\t "), "text to speak is empty"),
    "text-not-a-string": (speak(None), "text to speak is empty"),
    "text-over-4096-chars": (speak("a" * 4097), "4,097 characters; the limit is 4,096"),
    "speed-too-slow": (speak(speed=0.1), "`speed` is 0.1; it must be between 0.25 and 4.0"),
    "speed-too-fast": (speak(speed=4.5), "between 0.25 and 4.0"),
    "speed-nan": (speak(speed=float("nan")), "`speed` must be a number"),
    "speed-not-a-number": (speak(speed="fast"), "`speed` must be a number"),
    "speed-bool": (speak(speed=True), "`speed` must be a number"),
    "unknown-audio-format": (speak(response_format="mp4"), "`response_format` is 'mp4'"),
    "empty-model": (speak(model=" "), "`model` must be a non-empty"),
    "empty-voice": (speak(voice=""), "`voice` must be a non-empty"),
    "unknown-stream-format": (speak(stream_format="chunks"), "`stream_format`"),
    "target-exists": (speak_to("hello.wav"), "already exists; pass overwrite=True"),
    "target-is-a-folder": (speak_to("."), "is a folder"),
    "missing-file": (upload("nope.mp3"), "No file at"),
    "empty-file": (upload("empty.wav"), r"is empty \(0 bytes\)"),
    "a-directory": (upload("."), "is not a regular file"),
    "a-named-pipe": (upload("pipe.mp3"), "is not a regular file"),
    "unsupported-extension": (upload("README.md"), "unsupported extension .md and its first"),
    "no-extension": (upload("noext"), r"unsupported extension \(none\)"),
    "file-bytes-not-audio": (upload("corrupt.mp3"), "does not look like audio"),
    "oversize-file": (upload("huge.mp3"), "the upload limit is 26,214,400 bytes"),
    "name-too-long": (upload("x" * 300 + ".mp3"), "cannot be read"),
    "nul-in-path": (upload("a\x00.mp3"), "No file at"),
    "oversize-bytes": (
        upload(("big.mp3", b"ID3" + bytes(MAX_UPLOAD_BYTES))),
        "26,214,403 bytes; the upload limit",
    ),
    "empty-bytes": (upload(("clip.mp3", b"")), "is empty"),
    "bytes-bad-extension": (upload(("clip.exe", b"MZ not audio")), "unsupported extension .exe"),
    "bytes-not-audio": (upload(("clip.mp3", b"plain text, not audio")), "does not look like"),
    "bad-language-word": (upload("hello.mp3", language="english"), "an ISO-639-1 code"),
    "bad-language-region": (upload("hello.mp3", language="en_US"), "an ISO-639-1 code"),
    "temperature-too-high": (upload("hello.mp3", temperature=1.5), "between 0.0 and 1.0"),
    "temperature-negative": (
        upload("hello.mp3", "translate", temperature=-0.1),
        "between 0.0 and 1.0",
    ),
    "unknown-transcript-format": (
        upload("hello.mp3", response_format="xml"),
        "`response_format` is 'xml'",
    ),
    "translate-diarized": (
        upload("hello.mp3", "translate", response_format="diarized_json"),
        "`response_format` is 'diarized_json'",
    ),
    "granularities-need-verbose": (
        upload("hello.mp3", timestamp_granularities=["word"]),
        "needs response_format='verbose_json'",
    ),
    "unknown-granularity": (
        upload("hello.mp3", response_format="verbose_json", timestamp_granularities=["line"]),
        "`timestamp_granularities` is 'line'",
    ),
    "unknown-include": (upload("hello.mp3", include=["tokens"]), "`include` is 'tokens'"),
    "unpaired-speakers": (
        upload("hello.mp3", known_speaker_names=["ann", "bob"], known_speaker_references=["x"]),
        "must pair up",
    ),
    "empty-stt-model": (upload("hello.mp3", "translate", model=""), "`model` must be"),
}


def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folders`` with its size and modification time."""
    return {
        str(path): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for folder in folders
        for path in folder.rglob("*")
    }


@pytest.fixture
def root(audio_dir: Path) -> Path:
    """The clips, plus files that only some cases need."""
    with (audio_dir / "huge.mp3").open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    os.mkfifo(audio_dir / "pipe.mp3")
    (audio_dir / "noext").write_bytes(b"plain text, not audio")
    return audio_dir


async def _invoke(function: Callable[..., Any], args: Args) -> Any:
    result = function(*args[0], **args[1])
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize("case", CLIENT_CASES)
async def test_client_refuses_before_sending(case: str, mode: str, root: Path) -> None:
    (method, make_args), message = CLIENT_CASES[case]
    api = FakeApi([answer])
    client = api.client(Waits().policy())
    before = snapshot(root)
    function = getattr(client, method if mode == "sync" else f"a{method}")
    with pytest.raises(OneRouterInputError, match=message):
        await _invoke(function, make_args(root))
    assert api.requests == []
    assert snapshot(root) == before


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CLIENT_CASES) + len(TOOL_CASES) >= 30


def test_missing_key_is_refused_before_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    with pytest.raises(OneRouterError, match="No API key"):
        OneRouterAudioClient(api_key="  ")


# -- the tools: what a model writes is untrusted


@pytest.fixture
def outside(tmp_path: Path, root: Path) -> Path:
    """A folder beside the root, holding a real clip, and links to it from inside the root."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.mp3").write_bytes(AUDIO)
    (root / "link.mp3").symlink_to(folder / "secret.mp3")
    (root / "linkdir").symlink_to(folder, target_is_directory=True)
    return folder


# id: (tool name, arguments, what the model must be told)
TOOL_CASES: dict[str, tuple[str, Callable[[Path, Path], dict[str, Any]], str]] = {
    "dotdot-traversal": (
        "transcribe_audio",
        lambda root, out: {"file_path": "../outside/secret.mp3"},
        "outside the allowed folder",
    ),
    "deep-dotdot-traversal": (
        "translate_audio",
        lambda root, out: {"file_path": "sub/../../../outside/secret.mp3"},
        "outside the allowed folder",
    ),
    "absolute-path-outside": (
        "transcribe_audio",
        lambda root, out: {"file_path": str(out / "secret.mp3")},
        "outside the allowed folder",
    ),
    "absolute-system-file": (
        "translate_audio",
        lambda root, out: {"file_path": "/etc/passwd"},
        "outside the allowed folder",
    ),
    "symlink-out-of-root": (
        "transcribe_audio",
        lambda root, out: {"file_path": "link.mp3"},
        "outside the allowed folder",
    ),
    "symlinked-folder-out-of-root": (
        "transcribe_audio",
        lambda root, out: {"file_path": "linkdir/secret.mp3"},
        "outside the allowed folder",
    ),
    "home-tilde-is-not-expanded": (
        "transcribe_audio",
        lambda root, out: {"file_path": "~/secret.mp3"},
        "No file at",
    ),
    "newline-in-name": (
        "transcribe_audio",
        lambda root, out: {"file_path": "hello\n.mp3"},
        "No file at",
    ),
    "nul-in-name": (
        "transcribe_audio",
        lambda root, out: {"file_path": "hello.mp3\x00.txt"},
        "NUL character",
    ),
    "whitespace-path": (
        "translate_audio",
        lambda root, out: {"file_path": "   "},
        "file path is empty",
    ),
    "empty-path": ("transcribe_audio", lambda root, out: {"file_path": ""}, "Invalid arguments"),
    "root-itself": (
        "transcribe_audio",
        lambda root, out: {"file_path": "."},
        "not a regular file",
    ),
    "very-long-name": (
        "transcribe_audio",
        lambda root, out: {"file_path": "é" * 200 + ".mp3"},
        "cannot be read",
    ),
    "tool-bad-language": (
        "transcribe_audio",
        lambda root, out: {"file_path": "hello.mp3", "language": "German"},
        "an ISO-639-1 code",
    ),
    "tool-empty-text": ("text_to_speech", lambda root, out: {"text": ""}, "Invalid arguments"),
    "tool-blank-text": ("text_to_speech", lambda root, out: {"text": "  "}, "text to speak"),
    "tool-text-too-long": (
        "text_to_speech",
        lambda root, out: {"text": "a" * 5000},
        "Invalid arguments",
    ),
    "tool-speed-too-fast": (
        "text_to_speech",
        lambda root, out: {"text": "hi", "speed": 9},
        "Invalid arguments.*speed",
    ),
    "tool-missing-argument": ("translate_audio", lambda root, out: {}, "Invalid arguments"),
}


def _tools(client: OneRouterAudioClient, root: Path, output_dir: Path) -> dict[str, BaseTool]:
    tools: list[BaseTool] = [
        OneRouterTextToSpeechTool(client=client, output_dir=output_dir),
        OneRouterTranscriptionTool(client=client, root_dir=root),
        OneRouterTranslationTool(client=client, root_dir=root),
    ]
    return {tool.name: tool for tool in tools}


@pytest.mark.parametrize("case", TOOL_CASES)
async def test_tool_refuses_before_sending(
    case: str, mode: str, root: Path, outside: Path, tmp_path: Path
) -> None:
    name, make_args, message = TOOL_CASES[case]
    output_dir = tmp_path / "spoken"
    api = FakeApi([answer])
    tool = _tools(api.client(Waits().policy()), root, output_dir)[name]
    before = snapshot(root, outside, output_dir.parent)
    call = {"type": "tool_call", "id": "call_1", "name": name, "args": make_args(root, outside)}
    reply = tool.invoke(call) if mode == "sync" else await tool.ainvoke(call)
    # The model is told what is wrong, as an error tool message it can act on.
    assert reply.status == "error"
    assert reply.content
    assert re.search(message, reply.content), reply.content
    if case != "absolute-path-outside":  # the message never reveals where a link leads
        assert str(outside) not in reply.content
    assert str(root) not in reply.content  # nor where the allowed folder is on the host
    assert api.requests == []
    assert snapshot(root, outside, output_dir.parent) == before
