"""Ctrl-C stops a load within about a second, abandoning the requests in flight."""

from __future__ import annotations

import _thread
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader
from langchain_onerouter_audio.cli import main
from tests.unit_tests.fake_api import AUDIO, KEY
from tests.unit_tests.loopback_server import LocalServer

PROMPT = 1.5  # seconds an interrupt may take to stop the load (requests stall for 60)


@pytest.fixture
def stalling() -> Iterator[LocalServer]:
    server = LocalServer(lambda seen: server.hang())
    with server:
        yield server


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    folder = tmp_path / "talks"
    folder.mkdir()
    for index in range(6):
        (folder / f"talk{index}.mp3").write_bytes(AUDIO)
    return folder


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.start()
    return timer


def _left_behind(folder: Path) -> list[str]:
    return [path.name for path in folder.rglob("*") if path.name.endswith(".part")]


def test_ctrl_c_stops_loader_load_promptly(
    stalling: LocalServer, recordings: Path, tmp_path: Path
) -> None:
    client = OneRouterAudioClient(api_key=KEY, base_url=stalling.base_url, timeout=60)
    cache = tmp_path / "cache"
    loader = OneRouterTranscriptLoader(recordings, client=client, cache_dir=cache)
    started = time.monotonic()
    timer = _interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        loader.load()
    timer.join()
    assert time.monotonic() - started < 0.3 + PROMPT
    assert _left_behind(tmp_path) == []
    assert not list(cache.rglob("*.json"))
    client.close()  # the abandoned requests end with their pool


def test_a_second_ctrl_c_is_not_ignored(stalling: LocalServer, recordings: Path) -> None:
    client = OneRouterAudioClient(api_key=KEY, base_url=stalling.base_url, timeout=60)
    for _ in range(2):
        started = time.monotonic()
        timer = _interrupt_after(0.2)
        with pytest.raises(KeyboardInterrupt):
            list(OneRouterTranscriptLoader(recordings, client=client).lazy_load())
        timer.join()
        assert time.monotonic() - started < 0.2 + PROMPT
    client.close()


def test_ctrl_c_ends_cli_load_with_130(
    stalling: LocalServer,
    recordings: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    out = tmp_path / "docs.txt"
    started = time.monotonic()
    timer = _interrupt_after(0.3)
    argv = ["load", str(recordings), "--base-url", stalling.base_url, "--timeout", "60"]
    assert main([*argv, "-o", str(out), "--cache-dir", str(tmp_path / "cache")]) == 130
    timer.join()
    assert time.monotonic() - started < 0.3 + PROMPT
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()
    assert _left_behind(tmp_path) == []
