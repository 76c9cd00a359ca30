"""The engine under OneRouterAudioClient: build a request, send it with retries, read the answer.

Both engines, blocking and async, take the same steps: build the request (JSON, or a
multipart upload streamed from disk), send it, turn an error status or a network failure
into a typed error (retried when transient), then read the body into its sink (speech) or
decoder (transcripts). Streamed transcripts are retried until their status arrives, then
read as they come.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping
from typing import Any, Literal, TypeVar

import httpx
from langchain_core.rate_limiters import BaseRateLimiter
from pydantic import SecretStr

from langchain_onerouter_audio._async_pools import AsyncPools
from langchain_onerouter_audio._checks import check_choice
from langchain_onerouter_audio._client_settings import user_agent
from langchain_onerouter_audio._error_factories import status_error, unexpected_type_error
from langchain_onerouter_audio._files import AudioInput, UploadFile
from langchain_onerouter_audio._params import TranscriptionOptions, transcription_fields
from langchain_onerouter_audio._remote import UrlPolicy
from langchain_onerouter_audio._responses import (
    TranscriptResult,
    TranscriptStream,
    parse_transcript,
)
from langchain_onerouter_audio._retry import RetryPolicy, parse_retry_after
from langchain_onerouter_audio._sources import AudioSource
from langchain_onerouter_audio._speech_sinks import (
    SpeechOutput,
    collected,
    no_audio_error,
    sink,
    wrong_type,
)
from langchain_onerouter_audio._text_checks import check_wire_text
from langchain_onerouter_audio._transport import CoalescedStream, transport_errors
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import TranscriptionStreamEvent

__all__ = ["BaseClient", "Decoder", "StreamedTranscriptFormat", "TranscriptFile", "raw_body"]

logger = logging.getLogger("langchain_onerouter_audio")

# What transcription takes: any audio source (a path, a URL, bytes, a Blob, an audio block;
# checked on the way in), or an upload already checked by the caller (sent as is, within
# this client's size limit).
TranscriptFile = AudioSource
StreamedTranscriptFormat = Literal["json", "diarized_json"]
"""What a streamed transcription may ask for: text deltas, or speaker turns as well."""
RequestFactory = Callable[
    [httpx.Client | httpx.AsyncClient], contextlib.AbstractContextManager[httpx.Request]
]
_T = TypeVar("_T")
# Turns a complete body (and the response's headers: content type, request id) into a result.
Decoder = Callable[[bytes, httpx.Headers], _T]


def raw_body(body: bytes, headers: httpx.Headers) -> bytes:
    """Speech bodies are the audio itself."""
    return body


def _within_limit(upload: UploadFile, limit: int) -> UploadFile:
    """An upload checked elsewhere is sent as is, but never over this client's limit."""
    if upload.size > limit:
        raise OneRouterInputError(
            f"{upload.name!r} is {upload.size:,} bytes, over this client's upload limit of "
            f"{limit:,} bytes. Split it first (OneRouterTranscriptLoader splits long audio)."
        )
    return upload


class BaseClient:
    """Settings, pools and the send loops; :class:`OneRouterAudioClient` adds the verbs.

    The settings arrive checked (see ``_client_settings``).
    """

    def __init__(
        self,
        *,
        api_key: SecretStr,
        base_url: str,
        timeout: httpx.Timeout,
        retry_policy: RetryPolicy,
        max_upload_bytes: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.Client | None,
        http_async_client: httpx.AsyncClient | None,
        rate_limiter: BaseRateLimiter | None = None,
        allow_private_urls: bool = False,
        max_download_bytes: int | None = None,
    ) -> None:
        self.api_key = api_key
        self.allow_private_urls = allow_private_urls
        self.max_download_bytes = max_download_bytes or max_upload_bytes
        self.rate_limiter = rate_limiter
        self.base_url = base_url
        self.timeout = timeout
        self.retry_policy = retry_policy
        self.max_upload_bytes = max_upload_bytes
        self._default_headers = dict(default_headers or {})
        self._http_client = http_client
        self._http_async_client = http_async_client
        self._owns_sync = http_client is None
        self._async_pools = AsyncPools(timeout)  # owned ones only, one per event loop
        self._lock = threading.Lock()

    # -- connection pools

    def _sync_client(self) -> httpx.Client:
        with self._lock:
            if self._http_client is None:
                self._http_client = httpx.Client(timeout=self.timeout)
            return self._http_client

    def _async_client(self) -> httpx.AsyncClient:
        if self._http_async_client is not None:
            return self._http_async_client
        return self._async_pools.for_running_loop()

    def _close_pools(self) -> None:
        if self._http_client is not None and self._owns_sync:
            self._http_client.close()
            self._http_client = None
        self._async_pools.close()

    async def _aclose_pools(self) -> None:
        await self._async_pools.aclose()
        self._close_pools()

    def download_policy(
        self, *, allowed_hosts: frozenset[str] | None = None, max_bytes: int | None = None
    ) -> UrlPolicy:
        """The rules for fetching audio from a URL: this client's timeout, retries and limits."""
        return UrlPolicy(
            allow_private=self.allow_private_urls,
            allowed_hosts=allowed_hosts,
            max_bytes=max_bytes or self.max_download_bytes,
            timeout=self.timeout,
            retry_policy=self.retry_policy,
        )

    # -- request factories

    def _headers(self) -> dict[str, str]:
        return {
            **self._default_headers,
            "Authorization": f"Bearer {self.api_key.get_secret_value()}",
            "User-Agent": user_agent(),
        }

    def _json_request(self, path: str, payload: dict[str, Any]) -> RequestFactory:
        @contextlib.contextmanager
        def build(client: httpx.Client | httpx.AsyncClient) -> Iterator[httpx.Request]:
            yield client.build_request(
                "POST", self.base_url + path, json=payload, headers=self._headers()
            )

        return build

    def _upload_request(
        self, path: str, upload: UploadFile, fields: list[tuple[str, str]]
    ) -> RequestFactory:
        check_wire_text("file name", upload.name)  # form fields are checked as they are built
        data: dict[str, list[str]] = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)

        @contextlib.contextmanager
        def build(client: httpx.Client | httpx.AsyncClient) -> Iterator[httpx.Request]:
            with upload.open() as stream:
                request = client.build_request(
                    "POST",
                    self.base_url + path,
                    data=data,
                    files={"file": (upload.name, stream, upload.mime_type)},
                    headers=self._headers(),
                )
                request.stream = CoalescedStream(request.stream)
                yield request

        return build

    def _transcript_request(
        self, endpoint: str, file: AudioInput | UploadFile, fields: list[tuple[str, str]]
    ) -> RequestFactory:
        """The upload request; ``file`` is checked here unless it comes checked."""
        if isinstance(file, UploadFile):
            upload = _within_limit(file, self.max_upload_bytes)
        else:
            upload = UploadFile.from_input(file, max_bytes=self.max_upload_bytes)
        return self._upload_request(endpoint, upload, fields)

    def _stream_fields(
        self, response_format: str, options: TranscriptionOptions
    ) -> list[tuple[str, str]]:
        check_choice("response_format", response_format, StreamedTranscriptFormat)
        return [*transcription_fields(response_format, **options), ("stream", "true")]

    # -- pacing: the rate limiter is asked before every attempt, retries included

    def _acquire(self) -> None:
        if self.rate_limiter is not None:
            self.rate_limiter.acquire(blocking=True)

    async def _aacquire(self) -> None:
        if self.rate_limiter is not None:
            await self.rate_limiter.aacquire(blocking=True)

    def _transcript_decoder(self, response_format: str) -> Decoder[TranscriptResult]:
        """Parse a transcript body, naming the request id (and masking the key) on failure."""
        secret = self.api_key

        def decode(body: bytes, headers: httpx.Headers) -> TranscriptResult:
            return parse_transcript(
                response_format,
                body,
                request_id=headers.get("x-request-id"),
                content_type=headers.get("content-type", ""),
                secret=secret,
            )

        return decode

    # -- status: an error status, or a 2xx body of the wrong kind, becomes a typed error

    def _raise_for_status(
        self, response: httpx.Response, attempt: int, wrong_type: str | None
    ) -> None:
        # The key is passed inline, never bound to a local that a traceback could show.
        if wrong_type is not None:
            raise unexpected_type_error(
                response, expected=wrong_type, secret=self.api_key.get_secret_value()
            )
        retry_after = parse_retry_after(response.headers, self.retry_policy.clock())
        raise status_error(
            response,
            retry_after=retry_after,
            attempts=attempt,
            secret=self.api_key.get_secret_value(),
        )

    def _check_status(
        self, response: httpx.Response, attempt: int, speech: SpeechOutput | None = None
    ) -> None:
        wrong = wrong_type(response, speech)
        if response.is_error or wrong is not None:
            try:
                response.read()
            finally:
                response.close()
            self._raise_for_status(response, attempt, wrong)

    async def _acheck_status(
        self, response: httpx.Response, attempt: int, speech: SpeechOutput | None = None
    ) -> None:
        wrong = wrong_type(response, speech)
        if response.is_error or wrong is not None:
            try:
                await response.aread()
            finally:
                await response.aclose()
            self._raise_for_status(response, attempt, wrong)

    # -- the two engines: identical steps, one blocking and one async

    def _send(
        self, build: RequestFactory, decode: Decoder[_T], speech: SpeechOutput | None = None
    ) -> _T:
        client = self._sync_client()
        for attempt in self.retry_policy.retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, transport_errors(number, self.api_key):
                    logger.debug("%s %s (attempt %d)", request.method, request.url, number)
                    self._acquire()
                    response = client.send(request, stream=True)
                    try:
                        self._check_status(response, number, speech)
                        with sink(speech, self.api_key) as out:
                            for chunk in response.iter_bytes():
                                out.write(chunk)
                        return decode(collected(out), response.headers)
                    finally:
                        response.close()
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _asend(
        self, build: RequestFactory, decode: Decoder[_T], speech: SpeechOutput | None = None
    ) -> _T:
        client = self._async_client()
        async for attempt in self.retry_policy.async_retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, transport_errors(number, self.api_key):
                    logger.debug("%s %s (attempt %d)", request.method, request.url, number)
                    await self._aacquire()
                    response = await client.send(request, stream=True)
                    try:
                        await self._acheck_status(response, number, speech)
                        with sink(speech, self.api_key) as out:
                            async for chunk in response.aiter_bytes():
                                out.write(chunk)
                        return decode(collected(out), response.headers)
                    finally:
                        await response.aclose()
        raise AssertionError("unreachable: tenacity re-raises the last error")

    # -- streamed bodies (transcript events, speech audio): retried until the status arrives,
    #    then read as they come

    @contextlib.contextmanager
    def _open_stream(
        self, build: RequestFactory, speech: SpeechOutput | None = None
    ) -> Iterator[tuple[httpx.Response, int]]:
        client = self._sync_client()
        for attempt in self.retry_policy.retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, transport_errors(number, self.api_key):
                    self._acquire()
                    response = client.send(request, stream=True)
                    self._check_status(response, number, speech)
        try:
            yield response, number
        finally:
            response.close()

    @contextlib.asynccontextmanager
    async def _aopen_stream(
        self, build: RequestFactory, speech: SpeechOutput | None = None
    ) -> AsyncIterator[tuple[httpx.Response, int]]:
        client = self._async_client()
        async for attempt in self.retry_policy.async_retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, transport_errors(number, self.api_key):
                    await self._aacquire()
                    response = await client.send(request, stream=True)
                    await self._acheck_status(response, number, speech)
        try:
            yield response, number
        finally:
            await response.aclose()

    def _transcript_stream(
        self, response: httpx.Response, response_format: str
    ) -> TranscriptStream:
        return TranscriptStream(
            response.headers.get("content-type", ""),
            response.headers.get("x-request-id"),
            secret=self.api_key,
            response_format=response_format,
        )

    def _stream_events(
        self, build: RequestFactory, response_format: str
    ) -> Iterator[TranscriptionStreamEvent]:
        with (
            self._open_stream(build) as (response, number),
            transport_errors(number, self.api_key),
        ):
            stream = self._transcript_stream(response, response_format)
            for chunk in response.iter_bytes():
                yield from stream.feed(chunk)
            yield from stream.finish()

    async def _astream_events(
        self, build: RequestFactory, response_format: str
    ) -> AsyncGenerator[TranscriptionStreamEvent, None]:
        async with self._aopen_stream(build) as (response, number):
            with transport_errors(number, self.api_key):
                stream = self._transcript_stream(response, response_format)
                async for chunk in response.aiter_bytes():
                    for event in stream.feed(chunk):
                        yield event
                for event in stream.finish():
                    yield event

    def _stream_audio(self, build: RequestFactory) -> Generator[bytes, None, None]:
        """Speech audio as it arrives; a 2xx text body is refused, an empty one raises."""
        with (
            self._open_stream(build, SpeechOutput()) as (response, number),
            transport_errors(number, self.api_key),
        ):
            received = False
            for chunk in response.iter_bytes():
                received = received or bool(chunk)
                yield chunk
            if not received:
                raise no_audio_error()

    async def _astream_audio(self, build: RequestFactory) -> AsyncGenerator[bytes, None]:
        async with self._aopen_stream(build, SpeechOutput()) as (response, number):
            with transport_errors(number, self.api_key):
                received = False
                async for chunk in response.aiter_bytes():
                    received = received or bool(chunk)
                    yield chunk
                if not received:
                    raise no_audio_error()
