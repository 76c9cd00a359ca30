"""Safe writes: speech lands complete at its target or not at all, and nothing is left behind.

Failures are injected at each step of a download: an error status, a connection dropped
mid-body, a full disk on write and on close. Existing files survive every failure, and are
replaced only when the caller asks.
"""

from __future__ import annotations

import errno
import inspect
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterTextToSpeechTool
from langchain_onerouter_audio import _files as files_module
from langchain_onerouter_audio.client import OneRouterAudioClient
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterConnectionError,
    OneRouterInputError,
    OneRouterServerError,
)
from tests.unit_tests.fake_api import (
    AUDIO,
    TEXT,
    FakeApi,
    Waits,
    answer,
    broken_body,
    error_response,
)

OLD = b"old audio that must survive"


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the system temp folder at an empty folder, to prove nothing is put there."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert list(folder.iterdir()) == []


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def files_under(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


async def speak_to(
    client: OneRouterAudioClient, mode: str, target: Path, *, overwrite: bool = False
) -> Any:
    if mode == "sync":
        return client.speech_to_file(target, TEXT, overwrite=overwrite)
    return await client.aspeech_to_file(target, TEXT, overwrite=overwrite)


class _FullDisk:
    """A file object whose writes (or final flush) fail with ENOSPC, as on a full disk."""

    def __init__(self, inner: Any, *, room: int, fail_on_close: bool) -> None:
        self._inner = inner
        self._room = room
        self._fail_on_close = fail_on_close

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return int(self._inner.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()
        if self._fail_on_close:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fill_disk(monkeypatch: pytest.MonkeyPatch, *, room: int, fail_on_close: bool) -> None:
    """Make every file the package opens for writing behave as on a full disk."""
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return _FullDisk(handle, room=room, fail_on_close=fail_on_close) if "w" in mode else handle

    monkeypatch.setattr(files_module.os, "fdopen", fdopen)


FAILURES = {
    "http-400": ([error_response(400)], OneRouterBadRequestError),
    "http-503-every-time": ([error_response(503)], OneRouterServerError),
    "disconnect-mid-download": ([broken_body(AUDIO[:500])], OneRouterConnectionError),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("overwrite", [False, True], ids=["new-file", "overwrite"])
async def test_failed_download_leaves_target_as_it_was(
    failure: str, overwrite: bool, mode: str, out: Path
) -> None:
    steps, error = FAILURES[failure]
    target = out / "speech.mp3"
    if overwrite:
        target.write_bytes(OLD)
    api = FakeApi(list(steps))
    with pytest.raises(error):
        await speak_to(api.client(Waits().policy(2)), mode, target, overwrite=overwrite)
    assert names(out) == (["speech.mp3"] if overwrite else [])
    if overwrite:
        assert target.read_bytes() == OLD


@pytest.mark.parametrize("fail_on_close", [False, True], ids=["on-write", "on-close"])
@pytest.mark.parametrize("overwrite", [False, True], ids=["new-file", "overwrite"])
async def test_disk_full_leaves_no_partial_file(
    fail_on_close: bool, overwrite: bool, mode: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "speech.mp3"
    if overwrite:
        target.write_bytes(OLD)
    fill_disk(monkeypatch, room=0 if not fail_on_close else 10**9, fail_on_close=fail_on_close)
    api = FakeApi([answer])
    with pytest.raises(OSError, match="No space left") as caught:
        await speak_to(api.client(Waits().policy()), mode, target, overwrite=overwrite)
    assert caught.value.errno == errno.ENOSPC
    assert len(api.requests) == 1  # a full disk is not retried
    assert names(out) == (["speech.mp3"] if overwrite else [])
    if overwrite:
        assert target.read_bytes() == OLD


async def test_disconnect_then_retry_writes_only_the_whole_file(mode: str, out: Path) -> None:
    api = FakeApi([broken_body(AUDIO[:500]), broken_body(AUDIO[:9]), answer])
    target = await speak_to(api.client(Waits().policy()), mode, out / "speech.mp3")
    assert target.read_bytes() == AUDIO
    assert names(out) == ["speech.mp3"]


async def test_existing_file_is_kept_unless_overwrite(mode: str, out: Path) -> None:
    target = out / "speech.mp3"
    target.write_bytes(OLD)
    api = FakeApi([answer])
    client = api.client(Waits().policy())
    with pytest.raises(OneRouterInputError, match="already exists"):
        await speak_to(client, mode, target)
    assert (target.read_bytes(), api.requests) == (OLD, [])
    await speak_to(client, mode, target, overwrite=True)
    assert target.read_bytes() == AUDIO
    assert names(out) == ["speech.mp3"]


def _body_that_watches(out: Path, seen: dict[str, list[str]], *, create: bool) -> Any:
    """A response body that looks at the folder mid-download (and may create the target)."""

    def chunks() -> Iterator[bytes]:
        yield AUDIO[:100]
        seen["mid-download"] = names(out)
        if create:
            (out / "speech.mp3").write_bytes(b"someone else's file")
        yield AUDIO[100:]

    class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return chunks()

        async def __aiter__(self) -> Any:
            for chunk in chunks():
                yield chunk

    return lambda request: httpx.Response(200, stream=Body())


async def test_download_goes_to_a_temp_file_beside_the_target(mode: str, out: Path) -> None:
    seen: dict[str, list[str]] = {}
    api = FakeApi([_body_that_watches(out, seen, create=False)])
    await speak_to(api.client(Waits().policy()), mode, out / "speech.mp3")
    (temp,) = seen["mid-download"]
    assert temp.startswith(".speech.mp3.")
    assert temp.endswith(".part")
    assert names(out) == ["speech.mp3"]


async def test_file_that_appears_mid_download_is_not_clobbered(mode: str, out: Path) -> None:
    seen: dict[str, list[str]] = {}
    api = FakeApi([_body_that_watches(out, seen, create=True)])
    with pytest.raises(OneRouterInputError, match="already exists"):
        await speak_to(api.client(Waits().policy()), mode, out / "speech.mp3")
    assert (out / "speech.mp3").read_bytes() == b"someone else's file"
    assert names(out) == ["speech.mp3"]


# -- the speech tool: names are generated inside output_dir, never taken from the model


def _tool_call(args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_call", "id": "call_1", "name": "text_to_speech", "args": args}


async def _run_tool(tool: OneRouterTextToSpeechTool, mode: str, args: dict[str, Any]) -> Any:
    call = _tool_call(args)
    result = tool.invoke(call) if mode == "sync" else tool.ainvoke(call)
    return await result if inspect.isawaitable(result) else result


async def test_tool_writes_generated_names_inside_output_dir(mode: str, tmp_path: Path) -> None:
    output_dir = tmp_path / "spoken" / "nested"  # created on first use
    api = FakeApi([answer])
    tool = OneRouterTextToSpeechTool(client=api.client(Waits().policy()), output_dir=output_dir)
    sneaky = {"text": "hi", "path": "../../evil.mp3", "file_name": "/tmp/evil.mp3"}
    first = await _run_tool(tool, mode, sneaky)
    second = await _run_tool(tool, mode, {"text": "hi"})
    paths = [Path(first.artifact["path"]), Path(second.artifact["path"])]
    assert paths[0] != paths[1]
    assert sorted(p.name for p in paths) == names(output_dir)
    for path in paths:
        assert path.parent == output_dir
        assert path.name.startswith("speech-")
        assert path.suffix == ".mp3"
        assert path.read_bytes() == AUDIO
    assert first.content == str(paths[0])
    assert first.artifact["bytes"] == len(AUDIO)
    assert files_under(tmp_path) == names(output_dir)  # and nothing anywhere else


TOOL_FAILURES = {
    "http-503-every-time": ([error_response(503)], OneRouterServerError),
    "disconnect-mid-download": ([broken_body(AUDIO[:500])], OneRouterConnectionError),
    "bad-key": ([error_response(401)], OneRouterAuthenticationError),
}


@pytest.mark.parametrize("failure", TOOL_FAILURES)
async def test_tool_failure_leaves_output_dir_empty(mode: str, failure: str, out: Path) -> None:
    steps, error = TOOL_FAILURES[failure]
    api = FakeApi(list(steps))
    tool = OneRouterTextToSpeechTool(client=api.client(Waits().policy(1)), output_dir=out)
    # What the model cannot fix (server down, bad key) raises to the application.
    with pytest.raises(error):
        await _run_tool(tool, mode, {"text": "hi"})
    assert names(out) == []


async def test_tool_disk_full_leaves_output_dir_empty(
    mode: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_disk(monkeypatch, room=50, fail_on_close=False)
    tool = OneRouterTextToSpeechTool(
        client=FakeApi([answer]).client(Waits().policy()), output_dir=out
    )
    with pytest.raises(OSError, match="No space left"):
        await _run_tool(tool, mode, {"text": "hi"})
    assert names(out) == []


async def test_downloaded_audio_gets_the_mode_the_umask_gives(mode: str, out: Path) -> None:
    previous = os.umask(0o027)
    try:
        target = await speak_to(FakeApi([answer]).client(Waits().policy()), mode, out / "a.mp3")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def _parent_is_a_file(out: Path) -> Path:
    (out / "hello.mp3").write_bytes(OLD)
    return out / "hello.mp3" / "speech.mp3"


def _grandparent_is_a_file(out: Path) -> Path:
    (out / "hello.mp3").write_bytes(OLD)
    return out / "hello.mp3" / "sub" / "speech.mp3"


def _name_too_long_for_the_temp_file(out: Path) -> Path:
    return out / ("a" * 245 + ".mp3")  # 249 bytes: fits alone, not as .<name>.<hex>.part


UNUSABLE_TARGETS = {
    "parent-is-a-file": (_parent_is_a_file, "not a folder"),
    "grandparent-is-a-file": (_grandparent_is_a_file, "not a folder"),
    "name-too-long": (_name_too_long_for_the_temp_file, "too long"),
}


@pytest.mark.parametrize("case", UNUSABLE_TARGETS)
async def test_unusable_target_is_refused_before_the_request(
    mode: str, case: str, out: Path
) -> None:
    make_target, message = UNUSABLE_TARGETS[case]
    target = make_target(out)
    api = FakeApi([answer])
    with pytest.raises(OneRouterInputError, match=message):
        await speak_to(api.client(Waits().policy()), mode, target)
    assert api.requests == []
    assert files_under(out) == (["hello.mp3"] if "file" in case else [])


@pytest.mark.parametrize("missing", [False, True], ids=["folder", "missing-subfolder"])
async def test_unwritable_folder_is_refused_before_the_request(
    mode: str, missing: bool, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked with ``os.access`` (root may write anywhere, so the answer is injected)."""
    asked: list[str] = []

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        asked.append(os.fspath(path))
        return False

    monkeypatch.setattr(files_module.os, "access", access)
    target = out / "new" / "speech.mp3" if missing else out / "speech.mp3"
    api = FakeApi([answer])
    with pytest.raises(OneRouterInputError, match="not writable"):
        await speak_to(api.client(Waits().policy()), mode, target)
    assert api.requests == []
    assert asked == [str(out)]
    assert files_under(out) == []


async def test_temp_file_that_cannot_be_created_is_an_input_error(
    mode: str, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that passes the checks but refuses the file (a read-only mount, say)."""

    def read_only(*args: Any, **kwargs: Any) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(files_module.os, "open", read_only)
    api = FakeApi([answer])
    with pytest.raises(OneRouterInputError, match="Read-only file system"):
        await speak_to(api.client(Waits().policy()), mode, out / "speech.mp3")
    assert files_under(out) == []


async def test_target_under_home_is_expanded(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``~`` means the home folder, as it does for uploads, not a folder named '~'."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    written = await speak_to(FakeApi([answer]).client(Waits().policy()), mode, Path("~/a.mp3"))
    assert written == home / "a.mp3"
    assert (home / "a.mp3").read_bytes() == AUDIO
    assert not (tmp_path / "~").exists()
