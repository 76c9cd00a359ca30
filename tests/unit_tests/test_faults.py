"""Fault matrix: every endpoint, sync and async, against every way the API can fail.

For each fault the test checks how many attempts were made, the waits between them (the
retry policy's sleep is recorded, never real) and the final outcome: success after retries,
or the right typed error carrying status, provider message and request id.
"""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    Transcription,
)
from langchain_onerouter_audio.errors import (
    OneRouterAPIError,
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterConflictError,
    OneRouterConnectionError,
    OneRouterNotFoundError,
    OneRouterPayloadTooLargeError,
    OneRouterPermissionError,
    OneRouterRateLimitError,
    OneRouterResponseError,
    OneRouterServerError,
    OneRouterTimeoutError,
)
from tests.unit_tests.fake_api import (
    AUDIO,
    ENDPOINTS,
    KEY,
    PATHS,
    TEXT,
    FakeApi,
    Waits,
    answer,
    broken_body,
    call_endpoint,
    error_response,
    http_date,
)
from tests.unit_tests.loopback_server import (
    LocalServer,
    Seen,
    hang_up,
    ok_action,
    reset,
    truncate,
    unused_port,
)

BACKOFF = [0.5, 1.0, 2.0]  # initial_delay 0.5, doubling, no jitter

# (first response, error type, the wait the policy must choose after it)
RETRYABLE: dict[str, tuple[httpx.Response, type[OneRouterAPIError], float | None]] = {
    "429-retry-after-seconds": (
        error_response(429, headers={"retry-after": "7"}),
        OneRouterRateLimitError,
        7.0,
    ),
    "429-retry-after-http-date": (
        error_response(429, headers={"retry-after": http_date(12)}),
        OneRouterRateLimitError,
        12.0,
    ),
    "429-retry-after-ms": (
        error_response(429, headers={"retry-after-ms": "250"}),
        OneRouterRateLimitError,
        0.25,
    ),
    "429-no-header": (error_response(429), OneRouterRateLimitError, None),
    "408": (error_response(408), OneRouterServerError, None),
    "409": (error_response(409), OneRouterConflictError, None),
    "500": (error_response(500), OneRouterServerError, None),
    "502": (error_response(502), OneRouterServerError, None),
    "503": (error_response(503), OneRouterServerError, None),
    "504": (error_response(504), OneRouterServerError, None),
}

NON_RETRYABLE: dict[int, type[OneRouterAPIError]] = {
    400: OneRouterBadRequestError,
    401: OneRouterAuthenticationError,
    403: OneRouterPermissionError,
    404: OneRouterNotFoundError,
    413: OneRouterPayloadTooLargeError,
    422: OneRouterBadRequestError,
}

endpoints = pytest.mark.parametrize("endpoint", ENDPOINTS)


def expected_waits(wait: float | None, count: int) -> list[float]:
    return [wait] * count if wait is not None else BACKOFF[:count]


def assert_success(endpoint: str, result: Any, workdir: Path) -> None:
    """The call's result is whole, and only the finished file is on disk."""
    if endpoint == "speech":
        assert result == AUDIO
    elif endpoint == "speech_to_file":
        assert result == workdir / "speech.mp3"
        assert result.read_bytes() == AUDIO
    else:
        assert isinstance(result, Transcription)
        assert result.text == "hello there"
    assert sorted(p.name for p in workdir.iterdir()) == sorted(
        {"clip.mp3", *(["speech.mp3"] if endpoint == "speech_to_file" else [])}
    )


def assert_nothing_written(
    workdir: Path, keep: tuple[str, ...] | list[str] = ("clip.mp3",)
) -> None:
    """A failed call leaves no output file and no temporary file."""
    assert sorted(p.name for p in workdir.iterdir()) == sorted(keep)


def assert_requests(api: FakeApi, endpoint: str, count: int) -> None:
    assert len(api.requests) == count
    assert {r.url.path for r in api.requests} == {"/v1" + PATHS[endpoint]}
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in api.requests)


# -- transient statuses that never clear


@endpoints
@pytest.mark.parametrize("fault", RETRYABLE)
async def test_transient_status_exhausts_retries(
    endpoint: str, mode: str, fault: str, tmp_path: Path
) -> None:
    response, error_type, wait = RETRYABLE[fault]
    api, waits = FakeApi([response]), Waits()
    with pytest.raises(error_type) as caught:
        await call_endpoint(api.client(waits.policy(3)), endpoint, mode, tmp_path)
    assert_requests(api, endpoint, 4)
    assert waits.seconds == expected_waits(wait, 3)
    error = caught.value
    assert error.status_code == response.status_code
    assert error.message == "provider says no"
    assert error.request_id == "req_123"
    assert error.attempts == 4
    assert error.retry_after == wait
    assert "provider says no" in str(error)
    assert "req_123" in str(error)
    assert_nothing_written(tmp_path)


# -- final statuses


@endpoints
@pytest.mark.parametrize("status", NON_RETRYABLE)
async def test_client_error_is_tried_exactly_once(
    endpoint: str, mode: str, status: int, tmp_path: Path
) -> None:
    api, waits = FakeApi([error_response(status, "bad thing", request_id="req_final")]), Waits()
    with pytest.raises(NON_RETRYABLE[status]) as caught:
        await call_endpoint(api.client(waits.policy()), endpoint, mode, tmp_path)
    assert_requests(api, endpoint, 1)
    assert waits.seconds == []
    error = caught.value
    assert (error.status_code, error.message, error.request_id) == (
        status,
        "bad thing",
        "req_final",
    )
    assert error.attempts == 1
    assert error.code == "oops"
    assert_nothing_written(tmp_path)


@endpoints
async def test_error_body_that_is_not_json(endpoint: str, mode: str, tmp_path: Path) -> None:
    page = httpx.Response(400, text="<html>Bad Request</html>", headers={"x-request-id": "r9"})
    api, waits = FakeApi([page]), Waits()
    with pytest.raises(OneRouterBadRequestError) as caught:
        await call_endpoint(api.client(waits.policy()), endpoint, mode, tmp_path)
    assert caught.value.message == "<html>Bad Request</html>"
    assert caught.value.request_id == "r9"
    assert len(api.requests) == 1
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("endpoint", ["transcribe", "translate"])
async def test_malformed_json_success_body(endpoint: str, mode: str, tmp_path: Path) -> None:
    """A 200 whose JSON is cut short is a typed error, not a crash, and is not retried."""
    body = httpx.Response(200, text='{"text": "hello wor', headers={"x-request-id": "req_bad"})
    api, waits = FakeApi([body]), Waits()
    with pytest.raises(OneRouterResponseError, match="could not be read") as caught:
        await call_endpoint(api.client(waits.policy()), endpoint, mode, tmp_path)
    assert caught.value.request_id == "req_bad"
    assert len(api.requests) == 1
    assert waits.seconds == []


# -- network failures through the mock transport, and recovery from every transient fault


def _connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def _read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


NETWORK: dict[str, tuple[Any, type[OneRouterConnectionError]]] = {
    "connection-refused": (_connect_error, OneRouterConnectionError),
    "read-timeout": (_read_timeout, OneRouterTimeoutError),
    "reset-mid-response": (broken_body(), OneRouterConnectionError),
}


# Every transient fault, status or network: (first answer, the wait it asks for, if any).
TRANSIENT: dict[str, tuple[Any, float | None]] = {
    **{name: (response, wait) for name, (response, _, wait) in RETRYABLE.items()},
    **{name: (step, None) for name, (step, _) in NETWORK.items()},
}


@endpoints
@pytest.mark.parametrize("fault", TRANSIENT)
async def test_transient_fault_then_success(
    endpoint: str, mode: str, fault: str, tmp_path: Path
) -> None:
    first, wait = TRANSIENT[fault]
    api, waits = FakeApi([first, first, answer]), Waits()
    result = await call_endpoint(api.client(waits.policy()), endpoint, mode, tmp_path)
    assert_requests(api, endpoint, 3)
    assert waits.seconds == expected_waits(wait, 2)
    assert_success(endpoint, result, tmp_path)


@endpoints
@pytest.mark.parametrize("fault", NETWORK)
async def test_network_fault_exhausts_retries(
    endpoint: str, mode: str, fault: str, tmp_path: Path
) -> None:
    step, error_type = NETWORK[fault]
    api, waits = FakeApi([step]), Waits()
    with pytest.raises(error_type) as caught:
        await call_endpoint(api.client(waits.policy(3)), endpoint, mode, tmp_path)
    assert type(caught.value) is error_type
    assert caught.value.attempts == 4
    assert "4 attempt(s)" in str(caught.value)
    assert_requests(api, endpoint, 4)
    assert waits.seconds == BACKOFF
    assert_nothing_written(tmp_path)


# -- network failures on a real loopback socket


def _server_client(base_url: str, waits: Waits, *, timeout: float = 5.0) -> OneRouterAudioClient:
    return OneRouterAudioClient(
        api_key=KEY, base_url=base_url, timeout=timeout, retry_policy=waits.policy(3)
    )


def _first_then_ok(fault: Any) -> Any:
    """A server handler: ``fault`` for the first request, success afterwards."""
    count = 0

    def handler(seen: Seen) -> Any:
        nonlocal count
        count += 1
        return fault if count == 1 else ok_action(seen)

    return handler


SOCKET_FAULTS = {
    "reset-mid-response": reset(AUDIO[:64]),
    "truncated-body": truncate(AUDIO[:64], declared=len(AUDIO)),
    "closed-without-answer": hang_up(),
}


@endpoints
@pytest.mark.parametrize("fault", SOCKET_FAULTS)
async def test_socket_fault_then_success(
    endpoint: str, mode: str, fault: str, tmp_path: Path
) -> None:
    waits = Waits()
    with LocalServer(_first_then_ok(SOCKET_FAULTS[fault])) as server:
        async with _server_client(server.base_url, waits) as client:
            result = await call_endpoint(client, endpoint, mode, tmp_path)
    assert len(server.requests) == 2
    assert waits.seconds == [0.5]
    assert_success(endpoint, result, tmp_path)


@endpoints
async def test_connection_refused(endpoint: str, mode: str, tmp_path: Path) -> None:
    waits = Waits()
    base_url = f"http://127.0.0.1:{unused_port()}/v1"
    async with _server_client(base_url, waits) as client:
        with pytest.raises(OneRouterConnectionError, match="ConnectError") as caught:
            await call_endpoint(client, endpoint, mode, tmp_path)
    assert caught.value.attempts == 4
    assert waits.seconds == BACKOFF
    assert_nothing_written(tmp_path)


@endpoints
async def test_truncated_body_every_time(endpoint: str, mode: str, tmp_path: Path) -> None:
    """A body shorter than its Content-Length is never accepted as the answer."""
    waits = Waits()
    with LocalServer(lambda seen: truncate(AUDIO[:64], declared=len(AUDIO))) as server:
        async with _server_client(server.base_url, waits) as client:
            with pytest.raises(OneRouterConnectionError, match="RemoteProtocolError"):
                await call_endpoint(client, endpoint, mode, tmp_path)
    assert len(server.requests) == 4
    assert_nothing_written(tmp_path)


@endpoints
async def test_read_timeout_on_a_silent_server(endpoint: str, mode: str, tmp_path: Path) -> None:
    """A server that never answers ends in a timeout error, not a hang."""
    waits = Waits()
    with LocalServer(lambda seen: server.hang()) as server:
        client = OneRouterAudioClient(
            api_key=KEY,
            base_url=server.base_url,
            timeout=httpx.Timeout(0.05),
            retry_policy=waits.policy(1),
        )
        async with client:
            with pytest.raises(OneRouterTimeoutError, match="ReadTimeout") as caught:
                await call_endpoint(client, endpoint, mode, tmp_path)
    assert caught.value.attempts == 2
    assert len(server.requests) == 2
    assert waits.seconds == [0.5]
    assert_nothing_written(tmp_path)


# -- the policy's arithmetic, seen through one endpoint


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        pytest.param({"retry-after": "soon"}, 0.5, id="unparseable-falls-back"),
        pytest.param({"retry-after": http_date(-30)}, 0.0, id="date-in-the-past-is-now"),
        pytest.param({"retry-after": "0"}, 0.0, id="zero"),
        pytest.param({"retry-after-ms": "1500", "retry-after": "9"}, 1.5, id="ms-wins"),
        pytest.param({"retry-after-ms": "x", "retry-after": "9"}, 9.0, id="bad-ms-uses-seconds"),
    ],
)
def test_retry_after_edge_cases(headers: dict[str, str], wait: float) -> None:
    api, waits = FakeApi([error_response(503, headers=headers), answer]), Waits()
    assert api.client(waits.policy()).speech("hi") == AUDIO
    assert waits.seconds == [wait]


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    api, waits = FakeApi([error_response(500)]), Waits()
    client = api.client(waits.policy())
    client.retry_policy = dataclasses.replace(waits.policy(6), jitter=lambda: 1.0)
    with pytest.raises(OneRouterServerError):
        client.speech("hi")
    # The largest jitter takes a quarter off each wait; the cap is 8 s before jitter.
    assert waits.seconds == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]
    assert len(api.requests) == 7


async def test_max_retries_zero_means_one_attempt(mode: str, tmp_path: Path) -> None:
    api, waits = FakeApi([error_response(503)]), Waits()
    with pytest.raises(OneRouterServerError) as caught:
        await call_endpoint(api.client(waits.policy(0)), "speech", mode, tmp_path)
    assert caught.value.attempts == 1
    assert (len(api.requests), waits.seconds) == (1, [])


def test_default_client_retries_twice() -> None:
    client = OneRouterAudioClient(api_key=KEY)
    assert client.max_retries == 2
    assert client.timeout.read == 120.0
    assert client.timeout.connect == 10.0


SSE_BODIES = {
    "not-json": b"data: {not json\n\n",
    "bad-base64": b'data: {"type": "speech.audio.delta", "audio": "@@@"}\n\n',
    "no-audio-field": b'data: {"type": "speech.audio.delta"}\n\n',
    "not-an-object": b"data: [1, 2]\n\n",
}


@pytest.mark.parametrize("to_file", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize("body", SSE_BODIES)
async def test_malformed_speech_events(body: str, mode: str, to_file: bool, tmp_path: Path) -> None:
    """A broken server-sent event is a typed error, and no partial file is kept."""
    events = httpx.Response(200, content=SSE_BODIES[body])
    api, waits = FakeApi([events]), Waits()
    target = tmp_path / "speech.mp3" if to_file else None
    with pytest.raises(OneRouterResponseError, match="speech event"):
        await _speak_events(api.client(waits.policy()), mode, target)
    assert len(api.requests) == 1
    assert_nothing_written(tmp_path, keep=[])


async def _speak_events(client: OneRouterAudioClient, mode: str, target: Path | None) -> Any:
    """Ask for speech as server-sent events, into memory or into ``target``."""
    if mode == "sync":
        if target is None:
            return client.speech(TEXT, stream_format="sse")
        return client.speech_to_file(target, TEXT, stream_format="sse")
    if target is None:
        return await client.aspeech(TEXT, stream_format="sse")
    return await client.aspeech_to_file(target, TEXT, stream_format="sse")


def test_speech_events_still_decode_in_order() -> None:
    """The checks above do not reject a good stream: deltas join in order, others are skipped."""
    events = b"".join(
        b'data: {"type": "speech.audio.delta", "audio": "%s"}\n\n' % base64.b64encode(part)
        for part in (AUDIO[:10], AUDIO[10:])
    )
    body = events + b'data: {"type": "speech.audio.done"}\n\ndata: [DONE]\n\n'
    api, waits = FakeApi([httpx.Response(200, content=body)]), Waits()
    assert api.client(waits.policy()).speech(TEXT, stream_format="sse") == AUDIO


# -- a 200 that is not audio: a captive portal, a proxy page, an error body with status 200

NOT_AUDIO = {
    "captive-portal-html": (
        httpx.Response(200, text="<html>Sign in to the Wi-Fi</html>",
                       headers={"content-type": "text/html; charset=utf-8"}),
        "'text/html; charset=utf-8'",
    ),
    "json-error-with-200": (
        httpx.Response(200, json={"error": {"message": "quota exhausted for this month"}}),
        "quota exhausted for this month",
    ),
    "json-echoing-the-key": (
        httpx.Response(200, json={"error": {"message": f"bad key {KEY}"}}),
        "bad key [redacted]",
    ),
    "plain-text": (
        httpx.Response(200, text="upstream busy", headers={"content-type": "text/plain"}),
        "'text/plain'",
    ),
}  # fmt: skip


@pytest.mark.parametrize("to_file", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize("answer", NOT_AUDIO)
async def test_speech_that_is_not_audio_is_refused(
    answer: str, mode: str, to_file: bool, tmp_path: Path
) -> None:
    """Nothing is saved as audio: the error names what came back, and the disk is untouched."""
    response, named = NOT_AUDIO[answer]
    api = FakeApi([response])
    client = api.client(Waits().policy())
    endpoint = "speech_to_file" if to_file else "speech"
    with pytest.raises(OneRouterResponseError, match="instead of audio") as caught:
        await call_endpoint(client, endpoint, mode, tmp_path)
    assert named in str(caught.value)
    assert KEY not in str(caught.value)
    assert len(api.requests) == 1
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("to_file", [False, True], ids=["bytes", "file"])
async def test_speech_events_that_are_not_an_event_stream_are_refused(
    mode: str, to_file: bool, tmp_path: Path
) -> None:
    """Asked for events, the server sent something else (raw audio, or a JSON error)."""
    target = tmp_path / "speech.mp3" if to_file else None
    for response, named in [
        (httpx.Response(200, content=AUDIO, headers={"content-type": "audio/mpeg"}), "audio/mpeg"),
        NOT_AUDIO["json-error-with-200"],
    ]:
        client = FakeApi([response]).client(Waits().policy())
        with pytest.raises(OneRouterResponseError, match="instead of an event stream") as caught:
            await _speak_events(client, mode, target)
        assert named in str(caught.value)
        assert_nothing_written(tmp_path, keep=[])


async def test_speech_events_without_a_content_type_are_read(mode: str) -> None:
    """Lenient on purpose: a server that omits the header still streams events."""
    delta = b'data: {"type": "speech.audio.delta", "audio": "%s"}\n\n' % base64.b64encode(AUDIO)
    for headers in [{}, {"content-type": "text/event-stream; charset=utf-8"}]:
        client = FakeApi([httpx.Response(200, content=delta, headers=headers)]).client(
            Waits().policy()
        )
        assert await _speak_events(client, mode, None) == AUDIO


@pytest.mark.parametrize("to_file", [False, True], ids=["bytes", "file"])
async def test_the_last_speech_event_without_its_blank_line_is_kept(
    mode: str, to_file: bool, tmp_path: Path
) -> None:
    """A server that ends the stream right after the last delta loses no audio."""
    body = b"".join(
        b'data: {"type": "speech.audio.delta", "audio": "%s"}\n\n' % base64.b64encode(part)
        for part in (AUDIO[:10], AUDIO[10:])
    ).rstrip(b"\n")
    client = FakeApi([httpx.Response(200, content=body)]).client(Waits().policy())
    target = tmp_path / "speech.mp3" if to_file else None
    result = await _speak_events(client, mode, target)
    assert (target.read_bytes() if target else result) == AUDIO


# -- 2xx transcripts that are not transcripts

SIGN_IN_PAGE = httpx.Response(
    200, text="<html><body>Sign in</body></html>", headers={"content-type": "text/html"}
)
ERROR_OBJECT = httpx.Response(
    200, json={"error": {"message": f"quota exceeded for {KEY}", "type": "billing"}}
)
TRANSCRIPT_FORMATS = ["text", "srt", "vtt", "json", "verbose_json", "diarized_json"]


async def _transcribe(client: OneRouterAudioClient, mode: str, fmt: str, clip: Path) -> Any:
    if mode == "sync":
        return client.transcribe(clip, response_format=fmt)  # type: ignore[call-overload]
    return await client.atranscribe(clip, response_format=fmt)  # type: ignore[call-overload]


@pytest.mark.parametrize("fmt", ["text", "srt", "vtt"])
async def test_a_sign_in_page_is_not_a_text_transcript(mode: str, fmt: str, tmp_path: Path) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    api = FakeApi([SIGN_IN_PAGE])
    with pytest.raises(OneRouterResponseError, match=f"'text/html' instead of a {fmt} transcript"):
        await _transcribe(api.client(Waits().policy()), mode, fmt, clip)
    assert len(api.requests) == 1


@pytest.mark.parametrize("fmt", TRANSCRIPT_FORMATS)
async def test_an_error_object_sent_with_200_is_not_a_transcript(
    mode: str, fmt: str, tmp_path: Path
) -> None:
    """The provider's message is quoted (key masked), not pydantic's 'Field required'."""
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    api = FakeApi([ERROR_OBJECT])
    with pytest.raises(OneRouterResponseError, match="quota exceeded for \\[redacted\\]") as caught:
        await _transcribe(api.client(Waits().policy()), mode, fmt, clip)
    assert KEY not in str(caught.value)
    assert "Field required" not in str(caught.value)
    assert len(api.requests) == 1


async def test_a_text_transcript_that_is_json_without_an_error_is_kept(
    mode: str, tmp_path: Path
) -> None:
    (clip := tmp_path / "clip.mp3").write_bytes(AUDIO)
    body = '{"said": "a sentence about JSON"}'
    api = FakeApi([httpx.Response(200, text=body)])
    assert await _transcribe(api.client(Waits().policy()), mode, "text", clip) == body
