"""OneRouterAudioClient against a mock transport: settings, wire format, typed results, errors.

Retries and network faults are covered in test_faults.py; here every client runs with
``max_retries=0`` so one request means one answer.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import importlib.metadata
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

import langchain_onerouter_audio
from langchain_onerouter_audio import OneRouterAudioClient, _client_settings
from langchain_onerouter_audio._retry import RetryPolicy
from langchain_onerouter_audio.client import DEFAULT_TIMEOUT
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterError,
    OneRouterInputError,
    OneRouterRateLimitError,
    OneRouterResponseError,
    OneRouterServerError,
)
from langchain_onerouter_audio.models import (
    DEFAULT_BASE_URL,
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
    UsageDuration,
)
from tests._calls import call
from tests.unit_tests.fake_api import AUDIO, BASE_URL, KEY, NOW, TEXT_BODIES, VERBOSE, FakeApi


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Iterator[OneRouterAudioClient]:
    with api.client() as audio:
        yield audio


@pytest.fixture
def clip(audio_dir: Path) -> Path:
    return audio_dir / "hello.mp3"


# -- settings


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    monkeypatch.delenv("ONEROUTER_BASE_URL", raising=False)
    return monkeypatch


def test_settings_from_arguments_win_over_env(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("ONEROUTER_API_KEY", "env-key")
    no_env.setenv("ONEROUTER_BASE_URL", "https://env.test/v1")
    client = OneRouterAudioClient(api_key="arg-key", base_url="https://arg.test/v1/")
    assert client.api_key.get_secret_value() == "arg-key"
    assert client.base_url == "https://arg.test/v1"


def test_settings_from_env(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("ONEROUTER_API_KEY", "env-key")
    no_env.setenv("ONEROUTER_BASE_URL", "http://127.0.0.1:9/v1///")
    client = OneRouterAudioClient()
    assert isinstance(client.api_key, SecretStr)
    assert client.api_key.get_secret_value() == "env-key"
    assert client.base_url == "http://127.0.0.1:9/v1"


def test_defaults(no_env: pytest.MonkeyPatch) -> None:
    client = OneRouterAudioClient(api_key=SecretStr("k"))
    assert client.base_url == DEFAULT_BASE_URL
    assert client.timeout == DEFAULT_TIMEOUT
    assert client.max_retries == 2


def test_timeout_and_retries_arguments(no_env: pytest.MonkeyPatch) -> None:
    client = OneRouterAudioClient(api_key="k", timeout=7.5, max_retries=5)
    assert client.timeout == httpx.Timeout(7.5)
    assert client.max_retries == 5
    policy = RetryPolicy(max_retries=1)
    assert OneRouterAudioClient(api_key="k", retry_policy=policy).retry_policy is policy


@pytest.mark.parametrize("key", [None, "", "   ", SecretStr("")])
def test_a_key_is_required(no_env: pytest.MonkeyPatch, key: Any) -> None:
    with pytest.raises(OneRouterError, match=r"No API key\. Set ONEROUTER_API_KEY"):
        OneRouterAudioClient(api_key=key)


@pytest.mark.parametrize(
    "url", ["not a url", "ftp://audio.test/v1", "127.0.0.1:8765/v1", "localhost:8765/v1", "http://"]
)
def test_a_base_url_that_is_not_http_is_refused_at_construction(
    no_env: pytest.MonkeyPatch, url: str
) -> None:
    with pytest.raises(OneRouterInputError, match=r"base_url .* is not an http\(s\) URL"):
        OneRouterAudioClient(api_key=KEY, base_url=url)
    no_env.setenv("ONEROUTER_BASE_URL", url)
    with pytest.raises(OneRouterInputError, match="ONEROUTER_BASE_URL"):
        OneRouterAudioClient(api_key=KEY)


def test_repr_shows_settings_but_never_the_key(no_env: pytest.MonkeyPatch) -> None:
    client = OneRouterAudioClient(api_key=KEY, base_url=BASE_URL, timeout=30.0, max_retries=1)
    assert repr(client) == (
        f"OneRouterAudioClient(base_url={BASE_URL!r}, max_retries=1, timeout=30.0)"
    )
    assert KEY not in repr(client.api_key)


# -- what goes on the wire


def test_speech_request_and_bytes(api: FakeApi, client: OneRouterAudioClient, mode: str) -> None:
    audio = call(client, "speech", mode, "Hello.", voice="nova", response_format="wav", speed=1.25)
    assert audio == AUDIO
    request = api.last
    assert (request.method, str(request.url)) == ("POST", f"{BASE_URL}/audio/speech")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"].startswith("langchain-onerouter-audio/")
    assert request.headers["content-type"] == "application/json"
    assert api.json() == {
        "model": "gpt-4o-mini-tts",
        "input": "Hello.",
        "voice": "nova",
        "response_format": "wav",
        "speed": 1.25,
    }


@pytest.fixture
def fresh_user_agent() -> Iterator[None]:
    _client_settings.user_agent.cache_clear()
    yield
    _client_settings.user_agent.cache_clear()


@pytest.mark.parametrize(
    ("installed", "sent"),
    [("7.7.7", "langchain-onerouter-audio/7.7.7"), (None, "langchain-onerouter-audio/unknown")],
    ids=["installed", "source-tree"],
)
def test_user_agent_names_the_installed_version(
    api: FakeApi,
    monkeypatch: pytest.MonkeyPatch,
    fresh_user_agent: None,
    installed: str | None,
    sent: str,
) -> None:
    """One source for the version: the installed distribution's metadata (from pyproject)."""

    def version(name: str) -> str:
        assert name == "langchain-onerouter-audio"
        if installed is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed

    monkeypatch.setattr(importlib.metadata, "version", version)
    with api.client() as client:
        client.speech("Hello.")
    assert api.last.headers["user-agent"] == sent


def test_the_package_version_is_the_installed_one() -> None:
    installed = importlib.metadata.version("langchain-onerouter-audio")
    assert langchain_onerouter_audio.__version__ == installed


def test_default_headers_are_sent_but_cannot_replace_auth(api: FakeApi) -> None:
    headers = {"X-Title": "my-app", "Authorization": "Bearer someone-else"}
    with api.client(default_headers=headers) as client:
        client.speech("Hi.")
    assert api.last.headers["x-title"] == "my-app"
    assert api.last.headers["authorization"] == f"Bearer {KEY}"


def test_transcription_upload(
    api: FakeApi, client: OneRouterAudioClient, clip: Path, mode: str
) -> None:
    call(
        client,
        "transcribe",
        mode,
        clip,
        response_format="verbose_json",
        model="whisper-1",
        language="en",
        prompt="Wolfgang",
        temperature=0.3,
        timestamp_granularities=["word", "segment"],
    )
    assert str(api.last.url) == f"{BASE_URL}/audio/transcriptions"
    assert api.last.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert api.last.headers["authorization"] == f"Bearer {KEY}"
    assert sorted(api.fields()) == sorted(
        [
            ("model", "whisper-1"),
            ("response_format", "verbose_json"),
            ("prompt", "Wolfgang"),
            ("temperature", "0.3"),
            ("language", "en"),
            ("timestamp_granularities[]", "word"),
            ("timestamp_granularities[]", "segment"),
        ]
    )
    (upload,) = [p for p in api.parts() if p.filename is not None]
    assert (upload.name, upload.filename, upload.content_type) == (
        "file",
        "hello.mp3",
        "audio/mpeg",
    )
    assert upload.value == clip.read_bytes()


def test_translation_upload(
    api: FakeApi, client: OneRouterAudioClient, audio_dir: Path, mode: str
) -> None:
    clip = audio_dir / "hello.ogg"
    call(client, "translate", mode, clip, prompt="names", temperature=0)
    assert str(api.last.url) == f"{BASE_URL}/audio/translations"
    assert api.fields() == [
        ("model", "whisper-1"),
        ("response_format", "json"),
        ("prompt", "names"),
        ("temperature", "0.0"),
    ]
    (upload,) = [p for p in api.parts() if p.filename is not None]
    assert (upload.filename, upload.content_type, upload.value) == (
        "hello.ogg",
        "audio/ogg",
        clip.read_bytes(),
    )


@pytest.mark.parametrize("method", ["transcribe", "translate"])
def test_upload_of_named_bytes(
    api: FakeApi, client: OneRouterAudioClient, clip: Path, method: str
) -> None:
    getattr(client, method)(("voice-note.mp3", clip.read_bytes()))
    (upload,) = [p for p in api.parts() if p.filename is not None]
    assert (upload.filename, upload.value) == ("voice-note.mp3", clip.read_bytes())


def test_upload_limit_is_configurable(api: FakeApi, clip: Path) -> None:
    with (
        api.client(max_upload_bytes=1000) as client,
        pytest.raises(OneRouterInputError, match="upload limit is 1,000"),
    ):
        client.transcribe(clip)
    assert api.requests == []


# -- typed results


@pytest.mark.parametrize("method", ["transcribe", "translate"])
@pytest.mark.parametrize(
    ("response_format", "expected"),
    [
        ("json", Transcription(text="hello there", usage=UsageDuration(seconds=2))),
        ("verbose_json", TranscriptionVerbose.model_validate(VERBOSE)),
        ("text", "text: hello there\n"),
        ("srt", TEXT_BODIES["srt"]),
        ("vtt", TEXT_BODIES["vtt"]),
    ],
)
def test_each_format_gives_its_type(
    client: OneRouterAudioClient,
    clip: Path,
    mode: str,
    method: str,
    response_format: str,
    expected: Any,
) -> None:
    result = call(client, method, mode, clip, response_format=response_format)
    assert type(result) is type(expected)
    assert result == expected


def test_diarized_transcript(client: OneRouterAudioClient, clip: Path, mode: str) -> None:
    result = call(
        client,
        "transcribe",
        mode,
        clip,
        response_format="diarized_json",
        model="gpt-4o-transcribe-diarize",
    )
    assert isinstance(result, TranscriptionDiarized)
    assert [s.speaker for s in result.segments] == ["A"]


def test_a_malformed_success_body_is_a_response_error(clip: Path, mode: str) -> None:
    api = FakeApi([lambda _: httpx.Response(200, text="<html>proxy login</html>")])
    with (
        api.client() as client,
        pytest.raises(OneRouterResponseError, match="json response could not be read"),
    ):
        call(client, "transcribe", mode, clip)


# -- speech streamed to a file


def test_speech_to_file(client: OneRouterAudioClient, tmp_path: Path, mode: str) -> None:
    target = tmp_path / "out" / "hello.mp3"
    written = call(client, "speech_to_file", mode, target, "Hello.")
    assert written == target
    assert target.read_bytes() == AUDIO
    assert sorted(p.name for p in target.parent.iterdir()) == ["hello.mp3"]


def test_speech_to_file_keeps_an_existing_file_unless_asked(
    api: FakeApi, client: OneRouterAudioClient, tmp_path: Path, mode: str
) -> None:
    target = tmp_path / "hello.mp3"
    target.write_bytes(b"old")
    with pytest.raises(OneRouterInputError, match="already exists; pass overwrite=True"):
        call(client, "speech_to_file", mode, str(target), "Hello.")
    assert target.read_bytes() == b"old"
    call(client, "speech_to_file", mode, target, "Hello.", overwrite=True)
    assert target.read_bytes() == AUDIO


def test_speech_to_file_error_leaves_no_file(tmp_path: Path, mode: str) -> None:
    api = FakeApi([lambda _: httpx.Response(400, json={"error": {"message": "bad voice"}})])
    target = tmp_path / "hello.mp3"
    with api.client() as client, pytest.raises(OneRouterBadRequestError, match="bad voice"):
        call(client, "speech_to_file", mode, target, "Hello.", voice="nobody")
    assert list(tmp_path.iterdir()) == []


def _sse(*events: dict[str, Any]) -> list[bytes]:
    return [f"data: {json.dumps(event)}\r\n\r\n".encode() for event in events]


def test_speech_sent_as_server_sent_events_is_decoded(
    api: FakeApi, tmp_path: Path, mode: str
) -> None:
    chunks = _sse(
        {"type": "speech.audio.delta", "audio": base64.b64encode(AUDIO[:100]).decode()},
        {"type": "speech.audio.delta", "audio": base64.b64encode(AUDIO[100:]).decode()},
        {"type": "speech.audio.done", "usage": {"input_tokens": 3}},
    )
    body = b"".join(chunks)
    # Split mid-event, the way a network delivers it.
    pieces = [body[:37], body[37:500], body[500:]]
    api.steps = [lambda _: httpx.Response(200, stream=_Chunks(pieces))]
    with api.client() as client:
        audio = call(client, "speech", mode, "Hi.", stream_format="sse")
        target = call(
            client, "speech_to_file", mode, tmp_path / "a.mp3", "Hi.", stream_format="sse"
        )
    assert audio == AUDIO
    assert target.read_bytes() == AUDIO
    assert api.json()["stream_format"] == "sse"


class _Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces

    async def __aiter__(self) -> Any:
        for piece in self.pieces:
            yield piece


# -- bad input never costs a request


@pytest.mark.parametrize(
    ("method", "args", "options", "message"),
    [
        ("speech", ("",), {}, "text to speak is empty"),
        ("speech", ("Hi.",), {"response_format": "ogg"}, "`response_format` is 'ogg'"),
        ("speech", ("Hi.",), {"speed": 9}, "`speed` is 9"),
        ("transcribe", ("hello.mp3",), {"language": "english"}, "`language` is 'english'"),
        ("transcribe", ("hello.mp3",), {"response_format": "xml"}, "`response_format` is 'xml'"),
        ("transcribe", ("missing.mp3",), {}, "No file at"),
        ("transcribe", ("empty.wav",), {}, "is empty"),
        ("transcribe", ("corrupt.mp3",), {}, "does not look like audio"),
        ("translate", ("README.md",), {}, "unsupported extension .md"),
        ("translate", ("hello.mp3",), {"response_format": "diarized_json"}, "'diarized_json'"),
    ],
)
def test_bad_input_sends_nothing(
    api: FakeApi,
    client: OneRouterAudioClient,
    audio_dir: Path,
    mode: str,
    method: str,
    args: tuple[str, ...],
    options: dict[str, Any],
    message: str,
) -> None:
    if method != "speech":
        args = (str(audio_dir / args[0]),)
    with pytest.raises(OneRouterInputError, match=message.replace("(", r"\(")):
        call(client, method, mode, *args, **options)
    assert api.requests == []


# -- error statuses become typed errors


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, OneRouterBadRequestError),
        (401, OneRouterAuthenticationError),
        (500, OneRouterServerError),
    ],
)
def test_error_status_is_raised_typed(
    clip: Path, mode: str, status: int, cls: type[Exception]
) -> None:
    body = {"error": {"message": "provider says no", "type": "t", "code": "c", "param": "p"}}
    api = FakeApi([lambda _: httpx.Response(status, json=body, headers={"x-request-id": "req_9"})])
    with api.client() as client, pytest.raises(cls) as caught:
        call(client, "transcribe", mode, clip)
    error = caught.value
    assert (error.status_code, error.message, error.request_id) == (
        status,
        "provider says no",
        "req_9",
    )  # type: ignore[attr-defined]
    assert (error.error_type, error.code, error.param, error.attempts) == ("t", "c", "p", 1)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": email.utils.formatdate(NOW + 20, usegmt=True)}, 20.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_rate_limit_carries_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    api = FakeApi(
        [lambda _: httpx.Response(429, json={"error": {"message": "slow down"}}, headers=headers)]
    )
    with api.client() as client, pytest.raises(OneRouterRateLimitError) as caught:
        client.speech("Hi.")
    assert caught.value.retry_after == seconds


# -- connection pools


def test_one_pool_serves_every_call(api: FakeApi, client: OneRouterAudioClient, clip: Path) -> None:
    pool = client._sync_client()
    client.speech("Hi.")
    client.transcribe(clip)
    client.translate(clip)
    assert client._sync_client() is pool
    assert len(api.requests) == 3


def test_context_manager_closes_its_own_pool_only() -> None:
    own = OneRouterAudioClient(api_key=KEY)
    with own:
        pool = own._sync_client()
    assert pool.is_closed
    given = httpx.Client()
    with OneRouterAudioClient(api_key=KEY, http_client=given) as client:
        assert client._sync_client() is given
    assert not given.is_closed
    given.close()


async def test_async_context_manager_closes_both_pools() -> None:
    async with OneRouterAudioClient(api_key=KEY) as client:
        sync_pool, async_pool = client._sync_client(), client._async_client()
        assert client._async_client() is async_pool
    assert sync_pool.is_closed
    assert async_pool.is_closed


async def test_a_given_async_pool_stays_open() -> None:
    given = httpx.AsyncClient()
    async with OneRouterAudioClient(api_key=KEY, http_async_client=given) as client:
        assert client._async_client() is given
    assert not given.is_closed
    await given.aclose()


def test_each_event_loop_gets_its_own_async_pool() -> None:
    client = OneRouterAudioClient(api_key=KEY)

    async def pool() -> httpx.AsyncClient:
        return client._async_client()

    first = asyncio.run(pool())
    second = asyncio.run(pool())
    assert first is not second
    asyncio.run(client.aclose())
    assert second.is_closed


@pytest.mark.parametrize("sse", [False, True])
def test_speech_without_audio_is_a_response_error(tmp_path: Path, mode: str, sse: bool) -> None:
    body = b'data: {"type": "speech.audio.done"}\n\n' if sse else b""
    silent = FakeApi([lambda request: httpx.Response(200, content=body)])
    client = silent.client()
    options: dict[str, Any] = {"stream_format": "sse"} if sse else {}
    with pytest.raises(OneRouterResponseError, match="without any audio"):
        call(client, "speech", mode, "Hello.", **options)
    target = tmp_path / "out.mp3"
    with pytest.raises(OneRouterResponseError, match="without any audio"):
        call(client, "speech_to_file", mode, target, "Hello.", **options)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "timeout",
    [-1, 0, float("nan"), float("inf"), httpx.Timeout(5.0, connect=-2.0)],
)
def test_a_timeout_that_is_not_a_positive_number_is_refused(
    no_env: pytest.MonkeyPatch, timeout: Any
) -> None:
    with pytest.raises(OneRouterInputError, match="timeout"):
        OneRouterAudioClient(api_key="sk-abc", timeout=timeout)


def test_no_timeout_at_all_is_allowed(no_env: pytest.MonkeyPatch) -> None:
    assert OneRouterAudioClient(api_key="sk-abc", timeout=None).timeout.read is None


@pytest.mark.parametrize("retries", [-1, 1.5, True, "2"])
def test_max_retries_must_be_a_whole_number(no_env: pytest.MonkeyPatch, retries: Any) -> None:
    with pytest.raises(OneRouterInputError, match="max_retries"):
        OneRouterAudioClient(api_key="sk-abc", max_retries=retries)


@pytest.mark.parametrize("limit", ["25MB", None, 0, -5, 1.5, True])
def test_max_upload_bytes_must_be_a_whole_number_above_zero(
    no_env: pytest.MonkeyPatch, limit: Any
) -> None:
    with pytest.raises(OneRouterInputError, match="max_upload_bytes"):
        OneRouterAudioClient(api_key="sk-abc", max_upload_bytes=limit)


def test_max_upload_bytes_of_one_is_allowed(no_env: pytest.MonkeyPatch) -> None:
    assert OneRouterAudioClient(api_key="sk-abc", max_upload_bytes=1).max_upload_bytes == 1
