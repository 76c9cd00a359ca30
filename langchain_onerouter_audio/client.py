"""OneRouterAudioClient: one typed request per call, sync and async.

Each client owns one ``httpx.Client`` and, per event loop, one ``httpx.AsyncClient`` (created
on first use), reused for every call so connections are pooled. Uploads stream from disk,
downloads stream to disk, and every failure surfaces as a typed :class:`OneRouterError`.

This module is the public face: settings and verbs. Sending, retrying and reading answers
are the engine's (``_base_client``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Literal, overload

import httpx
from langchain_core.rate_limiters import BaseRateLimiter
from pydantic import SecretStr
from typing_extensions import Self, Unpack

from langchain_onerouter_audio._base_client import (
    BaseClient,
    StreamedTranscriptFormat,
    TranscriptFile,
    raw_body,
)
from langchain_onerouter_audio._client_settings import (
    DEFAULT_TIMEOUT,
    checked_base_url,
    checked_key,
    checked_rate_limiter,
    checked_timeout,
    checked_upload_limit,
)
from langchain_onerouter_audio._params import (
    SpeechOptions,
    TranscriptionOptions,
    TranslationOptions,
    speech_payload,
    transcription_fields,
    translation_fields,
)
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._retry import RetryPolicy
from langchain_onerouter_audio._speech_sinks import SpeechOutput, checked_target
from langchain_onerouter_audio.models import (
    MAX_UPLOAD_BYTES,
    SpeechUsage,
    Transcription,
    TranscriptionDiarized,
    TranscriptionStreamEvent,
    TranscriptionVerbose,
)

__all__ = ["DEFAULT_TIMEOUT", "OneRouterAudioClient", "SpeechOptions", "UsageCallback"]

UsageCallback = Callable[[SpeechUsage], None]
"""Called with the tokens a streamed speech request used (``stream_format="sse"``)."""


class OneRouterAudioClient(BaseClient):
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

    ``rate_limiter`` (a LangChain ``BaseRateLimiter`` such as ``InMemoryRateLimiter``) is
    acquired before every attempt, retries included, so one limiter can pace many clients.
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
        rate_limiter: BaseRateLimiter | None = None,
    ) -> None:
        super().__init__(
            api_key=checked_key(api_key),
            base_url=checked_base_url(base_url),
            timeout=checked_timeout(timeout),
            retry_policy=retry_policy or RetryPolicy(max_retries=max_retries),
            max_upload_bytes=checked_upload_limit(max_upload_bytes),
            default_headers=default_headers,
            http_client=http_client,
            http_async_client=http_async_client,
            rate_limiter=checked_rate_limiter(rate_limiter),
        )

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt for transient failures."""
        return self.retry_policy.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"max_retries={self.max_retries}, timeout={self.timeout.read})"
        )

    # -- closing

    def close(self) -> None:
        """Close the connection pools this client made (see the class docstring for when)."""
        self._close_pools()

    async def aclose(self) -> None:
        """Close the pools this client made; the async pool of this loop is awaited."""
        await self._aclose_pools()

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

    # -- speech

    def speech(
        self, text: str, *, on_usage: UsageCallback | None = None, **options: Unpack[SpeechOptions]
    ) -> bytes:
        """Synthesise ``text`` and return the audio bytes (mp3 unless ``response_format``).

        ``voice`` is a voice name or a custom voice ``{"id": "voice_1234"}``. With
        ``stream_format="sse"`` the server reports the tokens used: ``on_usage`` is called
        with them (a :class:`SpeechUsage`) once the audio is complete.

        A 2xx answer that is text or JSON, not audio (a sign-in page, an error body sent with
        status 200), raises :class:`OneRouterResponseError`, as does an event stream
        (``stream_format="sse"``) that comes with a content type other than
        ``text/event-stream``; one without a content type is read as events.
        """
        payload = speech_payload(text, **options)
        speech = SpeechOutput(sse=payload.get("stream_format") == "sse", on_usage=on_usage)
        return self._send(self._json_request("/audio/speech", payload), raw_body, speech)

    async def aspeech(
        self, text: str, *, on_usage: UsageCallback | None = None, **options: Unpack[SpeechOptions]
    ) -> bytes:
        """Async :meth:`speech`."""
        payload = speech_payload(text, **options)
        speech = SpeechOutput(sse=payload.get("stream_format") == "sse", on_usage=on_usage)
        return await self._asend(self._json_request("/audio/speech", payload), raw_body, speech)

    def speech_to_file(
        self,
        path: str | os.PathLike[str],
        text: str,
        *,
        overwrite: bool = False,
        on_usage: UsageCallback | None = None,
        **options: Unpack[SpeechOptions],
    ) -> Path:
        """Stream synthesised audio into ``path`` (``~`` is expanded) atomically; return it.

        A failed call leaves no file at ``path`` and no temporary file behind. ``on_usage``
        as for :meth:`speech`.
        """
        payload = speech_payload(text, **options)
        target = checked_target(path, overwrite)
        sse = payload.get("stream_format") == "sse"
        speech = SpeechOutput(target, overwrite, sse, on_usage)
        self._send(self._json_request("/audio/speech", payload), raw_body, speech)
        return target

    async def aspeech_to_file(
        self,
        path: str | os.PathLike[str],
        text: str,
        *,
        overwrite: bool = False,
        on_usage: UsageCallback | None = None,
        **options: Unpack[SpeechOptions],
    ) -> Path:
        """Async :meth:`speech_to_file`."""
        payload = speech_payload(text, **options)
        target = checked_target(path, overwrite)
        sse = payload.get("stream_format") == "sse"
        speech = SpeechOutput(target, overwrite, sse, on_usage)
        await self._asend(self._json_request("/audio/speech", payload), raw_body, speech)
        return target

    # -- transcription

    @overload
    def transcribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> Transcription: ...
    @overload
    def transcribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    def transcribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["diarized_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionDiarized: ...
    @overload
    def transcribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranscriptionOptions],
    ) -> str: ...
    def transcribe(
        self,
        file: TranscriptFile,
        *,
        response_format: str = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptResult:
        """Transcribe audio in its own language.

        ``file`` is a path (streamed from disk), ``bytes``, a ``(filename, bytes)`` pair, a
        binary file object (``io.BytesIO``, ``open(path, "rb")``), or an upload already
        checked (sent as is, within ``max_upload_bytes``). Audio is judged by its bytes: a
        name the server would not know (``.opus``, ``.oga``, none) is sent as the container
        the bytes are (``voice.ogg``). A format the model cannot give (``MODEL_TRANSCRIPT_FORMATS``)
        is refused before sending. ``json`` gives
        :class:`Transcription`, ``verbose_json`` :class:`TranscriptionVerbose` (segments,
        words), ``diarized_json`` :class:`TranscriptionDiarized`; text, srt and vtt give ``str``.
        A 2xx web page or error object is refused with :class:`OneRouterResponseError`.
        """
        fields = transcription_fields(response_format, **options)
        build = self._transcript_request("/audio/transcriptions", file, fields)
        return self._send(build, self._transcript_decoder(response_format))

    @overload
    async def atranscribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> Transcription: ...
    @overload
    async def atranscribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    async def atranscribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["diarized_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionDiarized: ...
    @overload
    async def atranscribe(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranscriptionOptions],
    ) -> str: ...
    async def atranscribe(
        self,
        file: TranscriptFile,
        *,
        response_format: str = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptResult:
        """Async :meth:`transcribe`."""
        fields = transcription_fields(response_format, **options)
        build = self._transcript_request("/audio/transcriptions", file, fields)
        return await self._asend(build, self._transcript_decoder(response_format))

    def transcribe_stream(
        self,
        file: TranscriptFile,
        *,
        response_format: StreamedTranscriptFormat = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> Iterator[TranscriptionStreamEvent]:
        """Transcribe with ``stream=True``: yield text deltas as the server recognises them.

        With ``response_format="diarized_json"`` (gpt-4o-transcribe-diarize) the server sends
        speaker turns, which arrive as :class:`DiarizedSegment` events.
        The last event is a :class:`TranscriptTextDone` with the whole text. A model that does
        not stream (whisper-1) answers at once, as that single event (after its speaker turns,
        for diarized_json). Failures before the first byte are retried; a stream broken midway
        raises :class:`OneRouterConnectionError`, and one that ends without the done event
        raises :class:`OneRouterResponseError`.
        """
        build = self._stream_request(file, response_format, options)
        yield from self._stream_events(build, response_format)

    async def atranscribe_stream(
        self,
        file: TranscriptFile,
        *,
        response_format: StreamedTranscriptFormat = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> AsyncIterator[TranscriptionStreamEvent]:
        """Async :meth:`transcribe_stream`."""
        build = self._stream_request(file, response_format, options)
        events = self._astream_events(build, response_format)
        async with contextlib.aclosing(events):  # stopping early closes the response now
            async for event in events:
                yield event

    # -- translation

    @overload
    def translate(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranslationOptions],
    ) -> Transcription: ...
    @overload
    def translate(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranslationOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    def translate(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranslationOptions],
    ) -> str: ...
    def translate(
        self,
        file: TranscriptFile,
        *,
        response_format: str = "json",
        **options: Unpack[TranslationOptions],
    ) -> TranscriptResult:
        """Translate speech in any language into English text (same shapes as transcribe)."""
        fields = translation_fields(response_format, **options)
        build = self._transcript_request("/audio/translations", file, fields)
        return self._send(build, self._transcript_decoder(response_format))

    @overload
    async def atranslate(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["json"] = "json",
        **options: Unpack[TranslationOptions],
    ) -> Transcription: ...
    @overload
    async def atranslate(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranslationOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    async def atranslate(
        self,
        file: TranscriptFile,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranslationOptions],
    ) -> str: ...
    async def atranslate(
        self,
        file: TranscriptFile,
        *,
        response_format: str = "json",
        **options: Unpack[TranslationOptions],
    ) -> TranscriptResult:
        """Async :meth:`translate`."""
        fields = translation_fields(response_format, **options)
        build = self._transcript_request("/audio/translations", file, fields)
        return await self._asend(build, self._transcript_decoder(response_format))
