"""OneRouterAudioClient: one typed request per call, sync and async.

Each client owns one ``httpx.Client`` and, per event loop, one ``httpx.AsyncClient`` (created
on first use), reused for every call so connections are pooled. Uploads stream from disk,
downloads stream to disk, and every failure surfaces as a typed :class:`OneRouterError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
import math
import os
import re
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, TypedDict, TypeVar, overload

import httpx
from pydantic import SecretStr
from typing_extensions import Self, Unpack

from langchain_onerouter_audio._files import (
    AudioInput,
    UploadFile,
    atomic_output,
    check_target,
    unwritable_target,
)
from langchain_onerouter_audio._params import (
    TranscriptionOptions,
    TranslationOptions,
    speech_payload,
    transcription_fields,
    translation_fields,
)
from langchain_onerouter_audio._responses import (
    TranscriptResult,
    TranscriptStream,
    parse_transcript,
)
from langchain_onerouter_audio._retry import RetryPolicy, parse_retry_after
from langchain_onerouter_audio._sse import SseAudioWriter
from langchain_onerouter_audio._version import package_version
from langchain_onerouter_audio.errors import (
    OneRouterConnectionError,
    OneRouterError,
    OneRouterInputError,
    OneRouterResponseError,
    OneRouterTimeoutError,
    redact,
    status_error,
    unexpected_type_error,
)
from langchain_onerouter_audio.models import (
    DEFAULT_BASE_URL,
    MAX_UPLOAD_BYTES,
    AudioFormat,
    Transcription,
    TranscriptionDiarized,
    TranscriptionStreamEvent,
    TranscriptionVerbose,
)

__all__ = ["DEFAULT_TIMEOUT", "OneRouterAudioClient", "SpeechOptions"]

logger = logging.getLogger("langchain_onerouter_audio")

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_HEADER_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces

RequestFactory = Callable[
    [httpx.Client | httpx.AsyncClient], contextlib.AbstractContextManager[httpx.Request]
]
_T = TypeVar("_T")
# Turns a complete body (and the response's headers: content type, request id) into a result.
Decoder = Callable[[bytes, httpx.Headers], _T]


class SpeechOptions(TypedDict, total=False):
    """Optional fields of a speech request."""

    model: str
    voice: str
    instructions: str | None
    response_format: AudioFormat
    speed: float | None
    stream_format: Literal["sse", "audio"] | None


@contextlib.contextmanager
def _transport_errors(attempt: int, secret: SecretStr) -> Iterator[None]:
    """Turn httpx's network exceptions into this package's typed errors, key masked.

    ``secret`` stays a ``SecretStr``: this frame is in every traceback these errors have.
    """
    try:
        yield
    except httpx.TimeoutException as error:
        raise OneRouterTimeoutError(
            f"The request timed out ({type(error).__name__}) after {attempt} attempt(s). "
            "Raise `timeout`, or try again later.",
            attempts=attempt,
        ) from error
    except (httpx.LocalProtocolError, httpx.UnsupportedProtocol) as error:
        # The request could not even be written: retrying cannot help.
        detail = redact(str(error), secret.get_secret_value())
        raise OneRouterInputError(
            f"The request could not be sent ({type(error).__name__}: {detail}). "
            "Check `base_url` and `default_headers`."
        ) from _cause(error, detail)
    except httpx.TransportError as error:
        detail = redact(str(error), secret.get_secret_value())
        raise OneRouterConnectionError(
            f"Connection to the audio API failed ({type(error).__name__}: {detail}) after "
            f"{attempt} attempt(s). Check the network and `base_url`.",
            attempts=attempt,
        ) from _cause(error, detail)


def _cause(error: Exception, redacted: str) -> Exception | None:
    """Chain ``error`` unless its own message holds the key (then the chain would show it)."""
    return error if redacted == str(error) else None


@functools.cache
def _user_agent() -> str:
    """Name the version as installed: pyproject is its one source, not a copy here."""
    return f"langchain-onerouter-audio/{package_version()}"


def _checked_key(key: str | SecretStr | None) -> SecretStr:
    """The key trimmed (files keep their newline), refused if a header cannot carry it."""
    secret = SecretStr(
        (key.get_secret_value() if isinstance(key, SecretStr) else key or "").strip()
    )
    if not secret.get_secret_value():
        raise OneRouterError(
            "No API key. Set ONEROUTER_API_KEY or pass api_key= to OneRouterAudioClient."
        )
    if not _HEADER_TOKEN.fullmatch(secret.get_secret_value()):
        raise OneRouterError(
            "The API key contains spaces, control characters or non-ASCII characters, so it "
            "cannot be sent in a header. Check ONEROUTER_API_KEY (or api_key=): copy the key "
            "again as one unbroken token."
        )
    return secret


def _checked_base_url(base_url: str | None) -> str:
    """The API root without a trailing slash; anything but an http(s) URL is refused now."""
    source = "base_url" if base_url else "ONEROUTER_BASE_URL"
    raw = base_url or os.environ.get("ONEROUTER_BASE_URL") or DEFAULT_BASE_URL
    try:
        url = httpx.URL(raw.rstrip("/"))
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise OneRouterInputError(
            f"{source} {raw!r} is not an http(s) URL. Give the API's root URL, "
            f"e.g. {DEFAULT_BASE_URL!r}."
        )
    return raw.rstrip("/")


@dataclass(frozen=True)
class _SpeechOutput:
    """Where synthesised audio goes: memory (no target) or a file written atomically."""

    target: Path | None = None
    overwrite: bool = False
    sse: bool = False


@contextlib.contextmanager
def _sink(speech: _SpeechOutput | None, secret: SecretStr) -> Iterator[Any]:
    """Collect a response body; audio must not be empty, and a file appears only when whole.

    ``secret`` is masked in an error event of a speech event stream.
    """
    if speech is None or speech.target is None:
        buffer = io.BytesIO()
        out: BinaryIO | SseAudioWriter = (
            SseAudioWriter(buffer, secret=secret) if speech and speech.sse else buffer
        )
        yield out
        out.flush()  # the body ended: an event stream may hold a last, unterminated event
        _require_audio(speech, buffer)
        return
    with contextlib.ExitStack() as stack:
        try:  # checked before the request, but the folder can change, or refuse the file
            handle = stack.enter_context(atomic_output(speech.target, overwrite=speech.overwrite))
        except OSError as error:  # a failed write, though, stays an OSError (disk full)
            raise unwritable_target(speech.target, error) from None
        out = SseAudioWriter(handle, secret=secret) if speech.sse else handle
        yield out
        out.flush()
        _require_audio(speech, handle)


def _wrong_type(response: httpx.Response, speech: _SpeechOutput | None) -> str | None:
    """What a 2xx speech body should have been, when its content type says it is not.

    Audio must not come as text or JSON. Events must come as ``text/event-stream``; a
    missing content type is let through, since the events themselves are checked as read.
    """
    if speech is None or response.is_error:
        return None
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if speech.sse:
        return None if media in ("", "text/event-stream") else "an event stream"
    if media.startswith("text/") or media == "application/json" or media.endswith("+json"):
        return "audio"
    return None


def _checked_target(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """The output path, ``~`` expanded as for uploads, checked before the paid request."""
    target = Path(path).expanduser()
    check_target(target, overwrite=overwrite)
    return target


def _require_audio(speech: _SpeechOutput | None, written: BinaryIO) -> None:
    if speech is not None and written.tell() == 0:
        raise OneRouterResponseError(
            "The server answered the speech request without any audio. Check that `base_url` "
            "points at an OpenAI-compatible audio API, then try again."
        )


class _CoalescedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A multipart body sent in writes of up to 64 KiB instead of one per part.

    httpx yields every boundary, part header and form value as its own piece, and each piece
    costs a socket write; joining them sends a small upload in one write. The file is still
    read in 64 KiB chunks, so memory stays flat however large the upload is.

    Async calls read those chunks on the event loop, without a thread: from the page cache a
    chunk takes microseconds (a 25 MB upload, 400 chunks: 1.7 ms in all, 47 us at most), far
    less than a thread hop. A slow or network disk blocks the loop for as long as a read takes.
    """

    _WRITE_BYTES = 64 * 1024

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        pending: list[bytes] = []
        size = 0
        for piece in self._inner:  # type: ignore[union-attr]  # multipart streams are both
            pending.append(piece)
            size += len(piece)
            if size >= self._WRITE_BYTES:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:  # reads the file on the loop, 64 KiB at a time (see above)
            yield chunk


async def _closed_with_loop(
    pool: httpx.AsyncClient, loop: asyncio.AbstractEventLoop
) -> AsyncGenerator[None, None]:
    """Parked at its ``yield`` until closed, then closes ``pool`` on ``loop``.

    An async generator, so that ``loop.shutdown_asyncgens()`` (which ``asyncio.run`` calls as
    the loop ends) closes the pool while its loop can still close its sockets.
    """
    try:
        yield
    finally:
        if not loop.is_closed():  # else its sockets can no longer be closed cleanly
            await pool.aclose()


def _started(keeper: AsyncGenerator[None, None]) -> AsyncGenerator[None, None]:
    """Run ``keeper`` to its ``yield``: that registers it with the running loop."""
    with contextlib.suppress(StopIteration):
        keeper.asend(None).send(None)
    return keeper


@dataclass(frozen=True)
class _OwnedPool:
    """An async pool this client made for one loop, and the generator that closes it."""

    pool: httpx.AsyncClient
    keeper: AsyncGenerator[None, None]
    loop: asyncio.AbstractEventLoop


def _close_on_its_loop(owned: _OwnedPool) -> None:
    """Close a forgotten async pool on its own loop: now if that loop is idle, else soon."""
    keeper, loop = owned.keeper, owned.loop
    if loop.is_closed():  # closed as the loop ended, or it never will be: end quietly
        with contextlib.suppress(StopIteration, RuntimeError):
            keeper.aclose().send(None)
    elif loop.is_running() or _loop_running_here():
        loop.call_soon_threadsafe(loop.create_task, keeper.aclose())
    else:
        loop.run_until_complete(keeper.aclose())


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _checked_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """Refuse a timeout that is not a finite number of seconds above zero."""
    if not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout)
    for name in ("connect", "read", "write", "pool"):
        seconds = getattr(timeout, name)
        if seconds is not None and not (0 < seconds < math.inf):
            raise OneRouterInputError(
                f"The {name} timeout is {seconds!r}; use a number of seconds above 0 (or None "
                "for no limit)."
            )
    return timeout


def _checked_upload_limit(limit: int) -> int:
    """Refuse a limit that is not a whole number of bytes, 1 or more (it is compared later)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise OneRouterInputError(
            f"`max_upload_bytes` is {limit!r}; use a whole number of bytes, 1 or more "
            f"(the API takes up to {MAX_UPLOAD_BYTES:,})."
        )
    return limit


class OneRouterAudioClient:
    """Typed client for OneRouter's Universal Audio API (any OpenAI-compatible audio API).

    Settings come from arguments first, then ``ONEROUTER_API_KEY`` and ``ONEROUTER_BASE_URL``.
    Use it as a context manager (``with`` / ``async with``), or call ``close`` / ``aclose``.

    Connection pools the client made itself (never ones passed in) are closed:

    - the sync pool by ``close()``, ``with``, ``aclose()`` and ``async with``;
    - an event loop's async pool when that loop shuts down its async generators, as
      ``asyncio.run`` does at its end, so repeated ``asyncio.run`` calls hold no sockets;
    - the async pool of the running loop by ``aclose()`` / ``async with``, and every async
      pool by ``close()`` / ``with`` (and ``aclose()``): at once if its loop is idle, else
      by a task scheduled on that loop.

    Each event loop gets its own async pool, so threads that each run their own loop can
    share one client. A loop closed without shutting down its async generators leaves its
    pool's sockets to the garbage collector once a later loop or ``close()`` forgets it.
    """

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.api_key = _checked_key(
            api_key if api_key is not None else os.environ.get("ONEROUTER_API_KEY")
        )
        self.base_url = _checked_base_url(base_url)
        self.timeout = _checked_timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.max_upload_bytes = _checked_upload_limit(max_upload_bytes)
        self._default_headers = dict(default_headers or {})
        self._http_client = http_client
        self._http_async_client = http_async_client
        self._owns_sync = http_client is None
        # Owned async pools, one per loop. A plain dict: a pool's connections and its keeper
        # refer to their loop, so weak keys would never expire; closed loops are pruned.
        self._async_pools: dict[asyncio.AbstractEventLoop, _OwnedPool] = {}
        self._lock = threading.Lock()

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt for transient failures."""
        return self.retry_policy.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"max_retries={self.max_retries}, timeout={self.timeout.read})"
        )

    # -- connection management

    def _headers(self) -> dict[str, str]:
        return {
            **self._default_headers,
            "Authorization": f"Bearer {self.api_key.get_secret_value()}",
            "User-Agent": _user_agent(),
        }

    def _sync_client(self) -> httpx.Client:
        with self._lock:
            if self._http_client is None:
                self._http_client = httpx.Client(timeout=self.timeout)
            return self._http_client

    def _async_client(self) -> httpx.AsyncClient:
        # An AsyncClient's pool belongs to the loop it runs on: each loop gets its own.
        if self._http_async_client is not None:
            return self._http_async_client
        loop = asyncio.get_running_loop()
        finished: list[_OwnedPool] = []
        with self._lock:
            owned = self._async_pools.get(loop)
            if owned is None:
                finished = [o for o in self._async_pools.values() if o.loop.is_closed()]
                for old in finished:
                    del self._async_pools[old.loop]
                pool = httpx.AsyncClient(timeout=self.timeout)
                owned = _OwnedPool(pool, _started(_closed_with_loop(pool, loop)), loop)
                self._async_pools[loop] = owned
        for old in finished:
            _close_on_its_loop(old)
        return owned.pool

    def close(self) -> None:
        """Close the connection pools this client made (see the class docstring for when)."""
        if self._http_client is not None and self._owns_sync:
            self._http_client.close()
            self._http_client = None
        with self._lock:
            taken = list(self._async_pools.values())
            self._async_pools.clear()
        for owned in taken:
            _close_on_its_loop(owned)

    async def aclose(self) -> None:
        """Close the pools this client made; the async pool of this loop is awaited."""
        with self._lock:
            owned = self._async_pools.pop(asyncio.get_running_loop(), None)
        if owned is not None:
            await owned.keeper.aclose()
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- request factories

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
                request.stream = _CoalescedStream(request.stream)
                yield request

        return build

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

    # -- the two engines: identical steps, one blocking and one async

    def _send(
        self,
        build: RequestFactory,
        decode: Decoder[_T],
        speech: _SpeechOutput | None = None,
    ) -> _T:
        client = self._sync_client()
        for attempt in self.retry_policy.retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, _transport_errors(number, self.api_key):
                    logger.debug("%s %s (attempt %d)", request.method, request.url, number)
                    response = client.send(request, stream=True)
                    try:
                        self._check_status(response, number, speech)
                        with _sink(speech, self.api_key) as out:
                            for chunk in response.iter_bytes():
                                out.write(chunk)
                        return decode(_value(out), response.headers)
                    finally:
                        response.close()
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _asend(
        self,
        build: RequestFactory,
        decode: Decoder[_T],
        speech: _SpeechOutput | None = None,
    ) -> _T:
        client = self._async_client()
        async for attempt in self.retry_policy.async_retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, _transport_errors(number, self.api_key):
                    logger.debug("%s %s (attempt %d)", request.method, request.url, number)
                    response = await client.send(request, stream=True)
                    try:
                        await self._acheck_status(response, number, speech)
                        with _sink(speech, self.api_key) as out:
                            async for chunk in response.aiter_bytes():
                                out.write(chunk)
                        return decode(_value(out), response.headers)
                    finally:
                        await response.aclose()
        raise AssertionError("unreachable: tenacity re-raises the last error")

    # -- streamed responses: retried until the status arrives, then read as they come

    def _check_status(
        self, response: httpx.Response, attempt: int, speech: _SpeechOutput | None = None
    ) -> None:
        wrong_type = _wrong_type(response, speech)
        if response.is_error or wrong_type is not None:
            try:
                response.read()
            finally:
                response.close()
            self._raise_for_status(response, attempt, wrong_type)

    async def _acheck_status(
        self, response: httpx.Response, attempt: int, speech: _SpeechOutput | None = None
    ) -> None:
        wrong_type = _wrong_type(response, speech)
        if response.is_error or wrong_type is not None:
            try:
                await response.aread()
            finally:
                await response.aclose()
            self._raise_for_status(response, attempt, wrong_type)

    @contextlib.contextmanager
    def _open_stream(self, build: RequestFactory) -> Iterator[tuple[httpx.Response, int]]:
        client = self._sync_client()
        for attempt in self.retry_policy.retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, _transport_errors(number, self.api_key):
                    response = client.send(request, stream=True)
                    self._check_status(response, number)
        try:
            yield response, number
        finally:
            response.close()

    @contextlib.asynccontextmanager
    async def _aopen_stream(
        self, build: RequestFactory
    ) -> AsyncIterator[tuple[httpx.Response, int]]:
        client = self._async_client()
        async for attempt in self.retry_policy.async_retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                with build(client) as request, _transport_errors(number, self.api_key):
                    response = await client.send(request, stream=True)
                    await self._acheck_status(response, number)
        try:
            yield response, number
        finally:
            await response.aclose()

    # -- speech

    def speech(self, text: str, **options: Unpack[SpeechOptions]) -> bytes:
        """Synthesise ``text`` and return the audio bytes (mp3 unless ``response_format``).

        A 2xx answer that is text or JSON, not audio (a sign-in page, an error body sent with
        status 200), raises :class:`OneRouterResponseError`, as does an event stream
        (``stream_format="sse"``) that comes with a content type other than
        ``text/event-stream``; one without a content type is read as events.
        """
        payload = speech_payload(text, **options)
        speech = _SpeechOutput(sse=payload.get("stream_format") == "sse")
        return self._send(self._json_request("/audio/speech", payload), _raw, speech)

    async def aspeech(self, text: str, **options: Unpack[SpeechOptions]) -> bytes:
        """Async :meth:`speech`."""
        payload = speech_payload(text, **options)
        speech = _SpeechOutput(sse=payload.get("stream_format") == "sse")
        return await self._asend(self._json_request("/audio/speech", payload), _raw, speech)

    def speech_to_file(
        self,
        path: str | os.PathLike[str],
        text: str,
        *,
        overwrite: bool = False,
        **options: Unpack[SpeechOptions],
    ) -> Path:
        """Stream synthesised audio into ``path`` (``~`` is expanded) atomically; return it.

        A failed call leaves no file at ``path`` and no temporary file behind.
        """
        payload = speech_payload(text, **options)
        target = _checked_target(path, overwrite)
        speech = _SpeechOutput(target, overwrite, payload.get("stream_format") == "sse")
        self._send(self._json_request("/audio/speech", payload), _raw, speech)
        return target

    async def aspeech_to_file(
        self,
        path: str | os.PathLike[str],
        text: str,
        *,
        overwrite: bool = False,
        **options: Unpack[SpeechOptions],
    ) -> Path:
        """Async :meth:`speech_to_file`."""
        payload = speech_payload(text, **options)
        target = _checked_target(path, overwrite)
        speech = _SpeechOutput(target, overwrite, payload.get("stream_format") == "sse")
        await self._asend(self._json_request("/audio/speech", payload), _raw, speech)
        return target

    # -- transcription

    def _transcript_request(
        self, endpoint: str, file: AudioInput, fields: list[tuple[str, str]]
    ) -> RequestFactory:
        upload = UploadFile.from_input(file, max_bytes=self.max_upload_bytes)
        return self._upload_request(endpoint, upload, fields)

    @overload
    def transcribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> Transcription: ...
    @overload
    def transcribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    def transcribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["diarized_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionDiarized: ...
    @overload
    def transcribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranscriptionOptions],
    ) -> str: ...
    def transcribe(
        self,
        file: AudioInput,
        *,
        response_format: str = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptResult:
        """Transcribe audio in its own language.

        ``file`` is a path (streamed from disk) or a ``(filename, bytes)`` pair. ``json`` gives
        :class:`Transcription`, ``verbose_json`` :class:`TranscriptionVerbose` (segments,
        words), ``diarized_json`` :class:`TranscriptionDiarized`; text, srt and vtt give ``str``.
        A 2xx web page or error object is refused with :class:`OneRouterResponseError`.
        """
        fields = transcription_fields(response_format, **options)
        build = self._transcript_request("/audio/transcriptions", file, fields)
        return self._send(build, _transcript_decoder(response_format, self.api_key))

    @overload
    async def atranscribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> Transcription: ...
    @overload
    async def atranscribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    async def atranscribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["diarized_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionDiarized: ...
    @overload
    async def atranscribe(
        self,
        file: AudioInput,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranscriptionOptions],
    ) -> str: ...
    async def atranscribe(
        self,
        file: AudioInput,
        *,
        response_format: str = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptResult:
        """Async :meth:`transcribe`."""
        fields = transcription_fields(response_format, **options)
        build = self._transcript_request("/audio/transcriptions", file, fields)
        return await self._asend(build, _transcript_decoder(response_format, self.api_key))

    def _stream_request(self, file: AudioInput, options: TranscriptionOptions) -> RequestFactory:
        fields = [*transcription_fields("json", **options), ("stream", "true")]
        return self._transcript_request("/audio/transcriptions", file, fields)

    def _transcript_stream(self, response: httpx.Response) -> TranscriptStream:
        return TranscriptStream(
            response.headers.get("content-type", ""),
            response.headers.get("x-request-id"),
            secret=self.api_key,
        )

    def transcribe_stream(
        self, file: AudioInput, **options: Unpack[TranscriptionOptions]
    ) -> Iterator[TranscriptionStreamEvent]:
        """Transcribe with ``stream=True``: yield text deltas as the server recognises them.

        The last event is a :class:`TranscriptTextDone` with the whole text. A model that does
        not stream (whisper-1) answers at once, as that single event. Failures before the first
        byte are retried; a stream broken midway raises :class:`OneRouterConnectionError`, and
        one that ends without the done event raises :class:`OneRouterResponseError`.
        """
        build = self._stream_request(file, options)
        with (
            self._open_stream(build) as (response, number),
            _transport_errors(number, self.api_key),
        ):
            stream = self._transcript_stream(response)
            for chunk in response.iter_bytes():
                yield from stream.feed(chunk)
            yield from stream.finish()

    async def atranscribe_stream(
        self, file: AudioInput, **options: Unpack[TranscriptionOptions]
    ) -> AsyncIterator[TranscriptionStreamEvent]:
        """Async :meth:`transcribe_stream`."""
        build = self._stream_request(file, options)
        async with self._aopen_stream(build) as (response, number):
            with _transport_errors(number, self.api_key):
                stream = self._transcript_stream(response)
                async for chunk in response.aiter_bytes():
                    for event in stream.feed(chunk):
                        yield event
                for event in stream.finish():
                    yield event

    # -- translation

    @overload
    def translate(
        self,
        file: AudioInput,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranslationOptions],
    ) -> Transcription: ...
    @overload
    def translate(
        self,
        file: AudioInput,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranslationOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    def translate(
        self,
        file: AudioInput,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranslationOptions],
    ) -> str: ...
    def translate(
        self,
        file: AudioInput,
        *,
        response_format: str = "json",
        **options: Unpack[TranslationOptions],
    ) -> TranscriptResult:
        """Translate speech in any language into English text (same shapes as transcribe)."""
        fields = translation_fields(response_format, **options)
        build = self._transcript_request("/audio/translations", file, fields)
        return self._send(build, _transcript_decoder(response_format, self.api_key))

    @overload
    async def atranslate(
        self,
        file: AudioInput,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranslationOptions],
    ) -> Transcription: ...
    @overload
    async def atranslate(
        self,
        file: AudioInput,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranslationOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    async def atranslate(
        self,
        file: AudioInput,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranslationOptions],
    ) -> str: ...
    async def atranslate(
        self,
        file: AudioInput,
        *,
        response_format: str = "json",
        **options: Unpack[TranslationOptions],
    ) -> TranscriptResult:
        """Async :meth:`translate`."""
        fields = translation_fields(response_format, **options)
        build = self._transcript_request("/audio/translations", file, fields)
        return await self._asend(build, _transcript_decoder(response_format, self.api_key))


def _raw(body: bytes, headers: httpx.Headers) -> bytes:
    """Speech bodies are the audio itself."""
    return body


def _transcript_decoder(response_format: str, secret: SecretStr) -> Decoder[TranscriptResult]:
    """Parse a transcript body, naming the request id (and masking the key) on failure."""

    def decode(body: bytes, headers: httpx.Headers) -> TranscriptResult:
        return parse_transcript(
            response_format,
            body,
            request_id=headers.get("x-request-id"),
            content_type=headers.get("content-type", ""),
            secret=secret,
        )

    return decode


def _value(out: BinaryIO | SseAudioWriter) -> bytes:
    """The collected body for in-memory sinks; empty when it went to a file."""
    inner = out.out if isinstance(out, SseAudioWriter) else out
    return inner.getvalue() if isinstance(inner, io.BytesIO) else b""
