"""What the examples share: live or replayed audio API calls, and a stand-in chat model.

Without ``ONEROUTER_API_KEY`` the examples replay the HTTP responses recorded in
``cassettes/examples/<name>.yaml``: they run offline, with no key. With the key they call the
live API (``ONEROUTER_BASE_URL`` points them at any other OpenAI-compatible audio server).
With the key and ``ONEROUTER_RECORD=1`` they re-record their cassettes.

A chat model is real when ``OPENAI_API_KEY`` is set and ``langchain-openai`` is installed
(``OPENAI_MODEL`` picks the model); otherwise a fake or scripted one plays its part.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolCall, ToolCallChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio.models import DEFAULT_BASE_URL

EXAMPLES = Path(__file__).resolve().parent
AUDIO_DIR = EXAMPLES / "audio"
OUTPUT_DIR = Path(os.environ.get("EXAMPLES_OUTPUT_DIR") or EXAMPLES / "output")
CASSETTES = EXAMPLES.parent / "cassettes" / "examples"

# Replayed requests never leave the machine, so any non-empty key will do.
_REPLAY_KEY = "replay-key-not-secret"


def is_live() -> bool:
    """True when a key is set, so the examples call the real API."""
    return bool(os.environ.get("ONEROUTER_API_KEY"))


def _base_url() -> str:
    return os.environ.get("ONEROUTER_BASE_URL") or DEFAULT_BASE_URL


def mode_line(*cassettes: str) -> str:
    """The first thing every example prints: where its audio API answers come from."""
    if is_live():
        return f"Live: calling {_base_url()} with ONEROUTER_API_KEY."
    sources = sorted({_describe(recorded_from(name)) for name in cassettes})
    origin = f", answers recorded from {' and '.join(sources)}" if sources else ""
    return (
        f"Offline: replaying recorded API responses from cassettes/examples/{origin}. "
        "Set ONEROUTER_API_KEY to call the live API."
    )


def local_model_note(*cassettes: str) -> str | None:
    """Why replayed transcripts may be imperfect, when a local server recorded them."""
    if is_live() or not any(_is_local(recorded_from(name)["base_url"]) for name in cassettes):
        return None
    return (
        "Note: a local server's speech model is small (Whisper base on a CPU, for the reference "
        "server) and mishears some words of the synthetic voices in examples/audio/, so what it "
        "heard can differ from what was said. The live API runs larger models."
    )


def recorded_from(cassette: str) -> dict[str, str]:
    """Which server answered when ``cassette`` was recorded: its ``.source.json``, else its URIs."""
    source = CASSETTES / f"{cassette}.source.json"
    if source.exists():
        recorded: dict[str, str] = json.loads(source.read_text(encoding="utf-8"))
        return recorded
    found = _RECORDED_URI.search((CASSETTES / f"{cassette}.yaml").read_text(encoding="utf-8"))
    base_url = found.group(1) if found else "an unknown server"
    return {"server": _server_kind(base_url), "base_url": base_url}


def _describe(source: dict[str, str]) -> str:
    return f"{source['server']} at {source['base_url']}"


def _server_kind(base_url: str) -> str:
    host = urlsplit(base_url).hostname
    if host == urlsplit(DEFAULT_BASE_URL).hostname:
        return "the live OneRouter API"
    if _is_local(base_url):
        return "a local OpenAI-compatible audio server"
    return "an OpenAI-compatible audio server"


def _is_local(base_url: str) -> bool:
    return urlsplit(base_url).hostname in {"127.0.0.1", "localhost", "::1"}


def _write_source(cassette: str) -> None:
    """Say beside a new recording where it came from (``ONEROUTER_SERVER_NAME`` describes it)."""
    base_url = _base_url()
    server = os.environ.get("ONEROUTER_SERVER_NAME") or _server_kind(base_url)
    source = {"server": server, "base_url": base_url}
    (CASSETTES / f"{cassette}.source.json").write_text(json.dumps(source, indent=2) + "\n")


_RECORDED_URI = re.compile(r"uri: (\S+?)/audio/")


_UPLOAD_NAME = re.compile(rb'name="file"; filename="([^"]*)"')
_UPLOAD_MARK = b"<audio upload omitted: "


def _audio_calls_only(request: Any) -> Any:
    """Record and replay the audio API only; anything else (a chat model) goes out live.

    An uploaded file is replaced by its name: the clips are in examples/audio/ already.
    """
    if "/audio/" not in request.path:
        return None
    if "multipart/form-data" in request.headers.get("Content-Type", "") and not _upload_of(request):
        found = _UPLOAD_NAME.search(request.body or b"")
        request.body = _UPLOAD_MARK + (found.group(1) if found else b"?") + b">"
    return request


def _same_upload(one: Any, other: Any) -> bool:
    """Uploads replay by file name, so files transcribed in parallel get their own answers."""
    return _upload_of(one) == _upload_of(other)


def _upload_of(request: Any) -> bytes | None:
    body: bytes = request.body or b""
    return body if body.startswith(_UPLOAD_MARK) else None


@contextmanager
def audio_client(cassette: str) -> Iterator[OneRouterAudioClient]:
    """A client for the live API, or one whose calls replay ``cassettes/examples/<cassette>``."""
    recording = is_live() and os.environ.get("ONEROUTER_RECORD") == "1"
    if is_live() and not recording:
        with OneRouterAudioClient() as client:
            yield client
        return

    import vcr  # only needed to replay or record

    recorder = vcr.VCR(
        record_mode="all" if recording else "none",
        match_on=["method", "path", "query", "upload"],
        filter_headers=["authorization"],
        before_record_request=_audio_calls_only,
        decode_compressed_response=True,
        drop_unused_requests=recording,  # replaying must never rewrite the cassette
    )
    recorder.register_matcher("upload", _same_upload)
    key = None if recording else _REPLAY_KEY
    with (
        recorder.use_cassette(str(CASSETTES / f"{cassette}.yaml")),
        OneRouterAudioClient(api_key=key) as client,
    ):
        yield client
    if recording:
        _write_source(cassette)


def real_chat_model() -> BaseChatModel | None:
    """A real chat model when OpenAI-style settings are present, else None (and say why)."""
    if not os.environ.get("OPENAI_API_KEY"):
        return None
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        print("OPENAI_API_KEY is set but langchain-openai is not installed: staying scripted.")
        return None
    return ChatOpenAI(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), temperature=0)


Step = Callable[[Sequence[BaseMessage]], AIMessage]


def tool_call(name: str, **args: Any) -> AIMessage:
    """A model turn that asks for one tool call."""
    return AIMessage(content="", tool_calls=[ToolCall(name=name, args=args, id=f"call_{name}")])


class ScriptedChatModel(BaseChatModel):
    """Plays an LLM's part in an agent from a script, so the agent loop runs without one.

    Step ``n`` answers the conversation after ``n`` earlier model turns. A step reads the
    messages so far, so it can pass on what a tool returned (a transcript, a file path).
    Streamed (``agent.stream``), an answer comes word by word, ``tokens_per_second`` words
    a second, as a real model writes it.
    """

    steps: list[Step]
    tokens_per_second: float = 20.0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _turn(self, messages: Sequence[BaseMessage]) -> AIMessage:
        turn = sum(isinstance(message, AIMessage) for message in messages)
        if turn >= len(self.steps):
            raise RuntimeError(f"The script has {len(self.steps)} steps; turn {turn + 1} asked.")
        return self.steps[turn](messages)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._turn(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._turn(messages)
        calls = [
            ToolCallChunk(name=call["name"], args=json.dumps(call["args"]), id=call["id"], index=i)
            for i, call in enumerate(message.tool_calls)
        ]
        if calls:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=calls))
        for word in re.findall(r"\S+\s*", message.text):
            time.sleep(1 / self.tokens_per_second)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, BaseMessage]:
        """The script already knows which tools it calls."""
        return self
