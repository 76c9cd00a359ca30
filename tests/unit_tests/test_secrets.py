"""The API key never leaks: reprs, DEBUG logs, errors, tracebacks, tool output, cassettes."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioToolkit,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.errors import OneRouterError, OneRouterInputError
from tests._calls import call, collect_stream
from tests.conftest import CASSETTES, REPLAY_KEY
from tests.unit_tests.fake_api import (
    AUDIO,
    ENDPOINTS,
    KEY,
    FakeApi,
    Waits,
    answer,
    call_endpoint,
    error_response,
)
from tests.unit_tests.loopback_server import LocalServer, Seen, ok_action, respond_json, unused_port

# The key as a server might echo it back, e.g. "Incorrect API key provided: sk-...".
ECHO = f"Incorrect API key provided: {KEY}. You can find your key in your account."


def assert_clean(text: str) -> None:
    assert KEY not in text
    assert KEY[8:24] not in text  # no long fragment either


def everything_about(obj: Any) -> str:
    """Every way an object is commonly shown: repr, str, its attributes, its dump."""
    views = [repr(obj), str(obj), format(obj, ""), repr(vars(obj))]
    if hasattr(obj, "model_dump"):
        views.append(repr(obj.model_dump()))
    return "\n".join(views)


# -- repr and str


def test_client_and_its_parts_do_not_show_the_key() -> None:
    client = OneRouterAudioClient(api_key=KEY, default_headers={"X-Trace": "1"})
    for obj in (client, client.retry_policy):
        assert_clean(everything_about(obj))
    assert_clean(repr(client.api_key) + str(client.api_key))


def test_tools_and_toolkit_do_not_show_the_key(tmp_path: Path) -> None:
    client = OneRouterAudioClient(api_key=KEY)
    toolkit = OneRouterAudioToolkit(client=client, root_dir=tmp_path, output_dir=tmp_path)
    objects: list[Any] = [
        toolkit,
        *toolkit.get_tools(),
        OneRouterTextToSpeechTool(api_key=KEY, output_dir=tmp_path),
        OneRouterTranscriptionTool(api_key=KEY, root_dir=tmp_path),
        OneRouterTranslationTool(api_key=KEY, root_dir=tmp_path),
    ]
    for obj in objects:
        assert_clean(everything_about(obj))
    for tool in toolkit.get_tools():
        assert_clean(repr(tool.tool_call_schema.model_json_schema()))


# -- logs at DEBUG, from this package, httpx and httpcore alike


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_debug_logs_do_not_show_the_key(
    endpoint: str, mode: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    answers = iter([respond_json(503, {"error": {"message": ECHO}})])

    def handler(seen: Seen) -> Any:
        return next(answers, None) or ok_action(seen)

    caplog.set_level(logging.DEBUG)
    with LocalServer(handler) as server:
        client = OneRouterAudioClient(
            api_key=KEY, base_url=server.base_url, retry_policy=Waits().policy(1)
        )
        async with client:
            await call_endpoint(client, endpoint, mode, tmp_path)
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpx", "httpcore", "langchain_onerouter_audio"} <= loggers
    for record in caplog.records:
        assert_clean(record.getMessage())
        assert_clean(repr(record.args))
    assert_clean(caplog.text)


# -- errors: messages, reprs and formatted tracebacks with their locals


def _failures() -> dict[str, Any]:
    """A client per failure kind; each call raises."""
    echo = error_response(401, ECHO)
    plain_echo = httpx.Response(400, text=ECHO)
    refused = f"http://127.0.0.1:{unused_port()}/v1"
    return {
        "401-echoing-the-key": FakeApi([echo]).client(Waits().policy()),
        "400-plain-text-echo": FakeApi([plain_echo]).client(Waits().policy()),
        "503-exhausted": FakeApi([error_response(503, ECHO)]).client(Waits().policy(1)),
        "connection-refused": OneRouterAudioClient(
            api_key=KEY, base_url=refused, retry_policy=Waits().policy(1)
        ),
        "malformed-body": FakeApi([httpx.Response(200, text="{oops")]).client(Waits().policy()),
        "bad-input": FakeApi([answer]).client(Waits().policy()),
    }


@pytest.mark.parametrize("failure", _failures())
async def test_errors_do_not_show_the_key(failure: str, mode: str, tmp_path: Path) -> None:
    client = _failures()[failure]
    endpoint = "transcribe" if failure == "malformed-body" else "speech"
    if failure == "bad-input":
        (tmp_path / "clip.mp3").write_bytes(b"")
        endpoint = "translate"
    with pytest.raises(OneRouterError) as caught:
        await call_endpoint(client, endpoint, mode, tmp_path)
    error = caught.value
    assert_clean(str(error))
    assert_clean(repr(error))
    assert_clean(repr(vars(error)))
    formatted = traceback.TracebackException.from_exception(error, capture_locals=True)
    # Every frame of the chain: this package's, tenacity's, httpx's and httpcore's.
    frames = [frame for exc in _chain(formatted) for frame in exc.stack]
    assert any("langchain_onerouter_audio" in frame.filename for frame in frames)
    for frame in frames:
        assert_clean(repr(frame.locals))
    assert_clean("".join(traceback.format_exception(error)))
    await client.aclose()


def _chain(exc: traceback.TracebackException | None) -> list[traceback.TracebackException]:
    found = []
    while exc is not None:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


# -- tool output


async def test_tool_output_does_not_show_the_key(mode: str, audio_dir: Path) -> None:
    api = FakeApi([answer, answer, answer, error_response(400, ECHO)])
    client = api.client(Waits().policy())
    toolkit = OneRouterAudioToolkit(
        client=client, root_dir=audio_dir, output_dir=audio_dir / "out", transcript_format="json"
    )
    speak, transcribe, translate = toolkit.get_tools()
    calls = [
        (speak, {"text": "hello"}),
        (transcribe, {"file_path": "hello.mp3"}),
        (translate, {"file_path": "german.mp3"}),
        (translate, {"file_path": "german.mp3"}),  # the server refuses, echoing the key
        (transcribe, {"file_path": "../../etc/passwd"}),
    ]
    outputs = []
    for tool, args in calls:
        message = {"type": "tool_call", "id": "c1", "name": tool.name, "args": args}
        reply = tool.invoke(message) if mode == "sync" else await tool.ainvoke(message)
        outputs.append(reply)
    assert [reply.status for reply in outputs] == ["success"] * 3 + ["error"] * 2
    assert "refused the request" in outputs[3].content
    for reply in outputs:
        assert_clean(repr(reply))
        assert_clean(reply.model_dump_json())


# -- cassettes


def _cassette_files() -> list[Path]:
    return sorted(path for path in CASSETTES.rglob("*") if path.is_file())


def _known_keys() -> list[str]:
    keys = [KEY, REPLAY_KEY]
    if os.environ.get("ONEROUTER_API_KEY"):
        keys.append(os.environ["ONEROUTER_API_KEY"])
    return keys


_AUTH_HEADER = re.compile(
    r"^\s*-?\s*(authorization|api-key|x-api-key):", re.IGNORECASE | re.MULTILINE
)


def test_committed_cassettes_hold_no_key_and_no_auth_header() -> None:
    for path in _cassette_files():
        text = path.read_text(errors="replace")
        assert "Bearer " not in text, path
        assert not _AUTH_HEADER.search(text), path
        for key in _known_keys():
            assert key not in text, path


def test_recording_filters_the_key(vcr_config: dict[str, Any], tmp_path: Path) -> None:
    """Record a real exchange with the suite's VCR settings, then read the file back."""
    cassette = tmp_path / "recorded.yaml"
    recorder = vcr.VCR(**vcr_config)
    audio = tmp_path / "clip.mp3"
    audio.write_bytes(AUDIO)
    with LocalServer(ok_action) as server:
        client = OneRouterAudioClient(api_key=KEY, base_url=server.base_url)
        with recorder.use_cassette(str(cassette), record_mode="all"), client:
            client.speech("hello")
            client.transcribe(audio)
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    text = cassette.read_text()
    assert "/v1/audio/speech" in text
    assert "/v1/audio/transcriptions" in text
    assert KEY not in text
    assert "Bearer" not in text
    assert not _AUTH_HEADER.search(text)


# -- keys read from a file keep their newline; a key must never reach a header malformed


@pytest.mark.parametrize("ending", ["\n", "\r\n", " \t\n"])
async def test_a_key_with_a_trailing_newline_is_trimmed(
    ending: str, mode: str, tmp_path: Path
) -> None:
    """``api_key=$(cat keyfile)`` keeps the newline: it is sent trimmed, never refused."""
    with LocalServer(ok_action) as server:
        client = OneRouterAudioClient(
            api_key=KEY + ending, base_url=server.base_url, retry_policy=Waits().policy(0)
        )
        async with client:
            await call_endpoint(client, "speech", mode, tmp_path)
    assert client.api_key.get_secret_value() == KEY
    assert [seen.headers["authorization"] for seen in server.requests] == [f"Bearer {KEY}"]


@pytest.mark.parametrize(
    "key",
    [
        KEY[:20] + "\n" + KEY[20:],
        KEY[:20] + " " + KEY[20:],
        KEY[:20] + "\x00" + KEY[20:],
        KEY[:20] + "\x7f" + KEY[20:],
        KEY[:20] + "\u00e9" + KEY[20:],
    ],
    ids=["newline", "space", "nul", "del", "non-ascii"],
)
def test_a_key_that_cannot_be_a_header_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(OneRouterError, match="API key") as caught:
        OneRouterAudioClient(api_key=key)
    assert_clean(str(caught.value) + repr(caught.value))
    assert caught.value.__cause__ is None


async def test_a_transport_error_that_names_the_key_is_redacted(mode: str, tmp_path: Path) -> None:
    error = httpx.ConnectError(f"proxy refused Bearer {KEY}")
    client = FakeApi([error]).client(Waits().policy(1))
    with pytest.raises(OneRouterError) as caught:
        await call_endpoint(client, "speech", mode, tmp_path)
    assert "[redacted]" in str(caught.value)
    assert_clean(str(caught.value))


@pytest.mark.parametrize(
    "error",
    [
        httpx.LocalProtocolError(f"Illegal header value b'Bearer {KEY}\\n'"),
        httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'."),
    ],
    ids=["local-protocol", "unsupported-protocol"],
)
async def test_configuration_errors_are_not_retried(
    error: Exception, mode: str, tmp_path: Path
) -> None:
    api = FakeApi([error])
    waits = Waits()
    with pytest.raises(OneRouterInputError) as caught:
        await call_endpoint(api.client(waits.policy()), "speech", mode, tmp_path)
    assert len(api.requests) == 1
    assert waits.seconds == []
    assert_clean(str(caught.value))
    assert type(error).__name__ in str(caught.value)


def _seen_and_closed(server: LocalServer, timeout: float = 2.0) -> int:
    """Wait for the server to see a connection (made before the header was refused) end."""
    deadline = time.monotonic() + timeout
    while not server.opened and time.monotonic() < deadline:
        time.sleep(0.005)
    return server.wait_closed(timeout)


async def test_a_malformed_default_header_is_a_configuration_error(
    mode: str, tmp_path: Path
) -> None:
    """A real socket: h11 refuses the header; the request is never sent, nor retried."""
    with LocalServer(ok_action) as server:
        client = OneRouterAudioClient(
            api_key=KEY,
            base_url=server.base_url,
            default_headers={"X-Trace": "a\nb"},
            retry_policy=Waits().policy(2),
        )
        async with client:
            with pytest.raises(OneRouterInputError, match="LocalProtocolError") as caught:
                await call_endpoint(client, "speech", mode, tmp_path)
        assert await asyncio.to_thread(_seen_and_closed, server) == 0
    assert server.opened == 1
    assert server.requests == []
    assert_clean(str(caught.value))


@pytest.mark.parametrize("key", ["Zq7", "Zq7x9W1"])
async def test_a_short_key_is_masked_too(key: str, mode: str, tmp_path: Path) -> None:
    """However short a key is, a server that echoes it back does not get it shown."""
    api = FakeApi([error_response(401, f"Incorrect API key provided: {key}.")])
    client = api.client(api_key=key)
    with pytest.raises(OneRouterError) as caught:
        await call_endpoint(client, "speech", mode, tmp_path)
    assert "Incorrect API key provided: [redacted]." in str(caught.value)
    assert key not in str(caught.value)


def _error_event(message: str) -> bytes:
    return b'data: {"type": "error", "error": {"message": "%s"}}\n\n' % message.encode()


def _stream_call(client: OneRouterAudioClient, what: str, mode: str, workdir: Path) -> Any:
    """Ask for ``what`` as server-sent events, sync or async."""
    if what == "transcribe_stream":
        (workdir / "clip.mp3").write_bytes(AUDIO)
        return collect_stream(client, what, mode, workdir / "clip.mp3")
    args = (workdir / "speech.mp3", "hi") if what == "speech_to_file" else ("hi",)
    return call(client, what, mode, *args, stream_format="sse")


@pytest.mark.parametrize("what", ["speech", "speech_to_file", "transcribe_stream"])
def test_an_error_event_mid_stream_is_redacted(what: str, mode: str, tmp_path: Path) -> None:
    """A server that reports an error mid-stream may echo the key in it."""
    event = httpx.Response(
        200, content=_error_event(ECHO), headers={"content-type": "text/event-stream"}
    )
    client = FakeApi([event]).client(Waits().policy())
    with pytest.raises(OneRouterError, match="mid-stream") as caught:
        _stream_call(client, what, mode, tmp_path)
    assert "Incorrect API key provided: [redacted]." in str(caught.value)
    assert_clean(repr(caught.value) + repr(vars(caught.value)))
    # The traceback's messages are clean; its frames' locals still hold the raw event bytes.
    assert_clean("".join(traceback.format_exception(caught.value)))
