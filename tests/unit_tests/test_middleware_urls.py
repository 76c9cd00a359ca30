"""The voice middleware fetches audio blocks that point at a URL only when told to.

The audio host is a real socket (``LocalServer``) on loopback, so the client allows private
URLs; the audio API is the in-memory fake and the model a scripted one that echoes what it read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from langchain_onerouter_audio import OneRouterVoiceMiddleware
from tests.unit_tests._agents import ScriptedChatModel
from tests.unit_tests.fake_api import AUDIO, FakeApi
from tests.unit_tests.loopback_server import LocalServer, respond


@pytest.fixture
def audio_host() -> Iterator[LocalServer]:
    with LocalServer(lambda seen: respond(200, AUDIO, {"content-type": "audio/mpeg"})) as server:
        yield server


def _url(server: LocalServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def _echo(messages: Sequence[BaseMessage]) -> AIMessage:
    return AIMessage(content=f"I read: {messages[-1].text}")


def _model_read(api: FakeApi, mode: str, url: str, **options: Any) -> str:
    """What the model read for a user message holding one audio block that points at ``url``."""
    voice = OneRouterVoiceMiddleware(client=api.client(allow_private_urls=True), **options)
    agent = create_agent(ScriptedChatModel(steps=[_echo]), [], middleware=[voice])
    state = {"messages": [HumanMessage(content=[{"type": "audio", "url": url}])]}
    result = agent.invoke(state) if mode == "sync" else asyncio.run(agent.ainvoke(state))
    return str(result["messages"][-1].text)


def test_a_url_block_is_a_note_by_default(mode: str, audio_host: LocalServer) -> None:
    api = FakeApi()
    read = _model_read(api, mode, _url(audio_host, "/note.mp3"))
    assert "could not be transcribed" in read
    assert "not fetched" in read
    assert audio_host.requests == []
    assert api.uploads == []


def test_allowed_urls_are_fetched_and_transcribed(
    mode: str, audio_host: LocalServer, temp_root: Path
) -> None:
    api = FakeApi()
    read = _model_read(api, mode, _url(audio_host, "/note.mp3?sig=s3cr3t"), allow_urls=True)
    assert read == "I read: hello there"
    assert [seen.path for seen in audio_host.requests] == ["/note.mp3?sig=s3cr3t"]
    assert api.uploads[0].filename == "note.mp3"
    assert not list(temp_root.iterdir())


def test_a_listed_host_is_fetched_without_allow_urls(mode: str, audio_host: LocalServer) -> None:
    api = FakeApi()
    read = _model_read(api, mode, _url(audio_host, "/note.mp3"), allowed_url_hosts=["127.0.0.1"])
    assert read == "I read: hello there"


def test_a_host_not_listed_is_a_note(mode: str, audio_host: LocalServer) -> None:
    api = FakeApi()
    read = _model_read(
        api, mode, _url(audio_host, "/note.mp3"), allowed_url_hosts=["cdn.example.com"]
    )
    assert "could not be transcribed" in read
    assert "127.0.0.1" in read
    assert audio_host.requests == []
    assert api.uploads == []
