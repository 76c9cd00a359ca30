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
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypedDict, overload

import httpx
from pydantic import SecretStr
from typing_extensions import Self, Unpack

from langchain_onerouter_audio._base_client import BaseClient, TranscriptFile, raw_body
from langchain_onerouter_audio._client_settings import (
    DEFAULT_TIMEOUT,
    checked_base_url,
    checked_key,
    checked_timeout,
    checked_upload_limit,
)
from langchain_onerouter_audio._params import (
    TranscriptionOptions,
    TranslationOptions,
    speech_payload,
    transcription_fields,
    translation_fields,
)
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._retry import RetryPolicy
from langchain_onerouter_audio._speech_sinks import SpeechOutput, checked_target
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import (
    MAX_UPLOAD_BYTES,
    AudioFormat,
    StreamFormat,
    Transcription,
    TranscriptionDiarized,
    TranscriptionStreamEvent,
    TranscriptionVerbose,
)

__all__ = ["DEFAULT_TIMEOUT", "OneRouterAudioClient", "SpeechOptions"]


class SpeechOptions(TypedDict, total=False):
    """Optional fields of a speech request."""

    model: str
    voice: str
    instructions: str | None
    response_format: AudioFormat
    speed: float | None
    stream_format: StreamFormat | None


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
        super().__init__(
            api_key=checked_key(api_key),
            base_url=checked_base_url(base_url),
            timeout=checked_timeout(timeout),
            retry_policy=retry_policy or RetryPolicy(max_retries=max_retries),
            max_upload_bytes=checked_upload_limit(max_upload_bytes),
            default_headers=default_headers,
            http_client=http_client,
            http_async_client=http_async_client,
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

    def speech(self, text: str, **options: Unpack[SpeechOptions]) -> bytes:
        """Synthesise ``text`` and return the audio bytes (mp3 unless ``response_format``).

        A 2xx answer that is text or JSON, not audio (a sign-in page, an error body sent with
        status 200), raises :class:`OneRouterResponseError`, as does an event stream
        (``stream_format="sse"``) that comes with a content type other than
        ``text/event-stream``; one without a content type is read as events.
        """
        payload = speech_payload(text, **options)
        speech = SpeechOutput(sse=payload.get("stream_format") == "sse")
        return self._send(self._json_request("/audio/speech", payload), raw_body, speech)

    async def aspeech(self, text: str, **options: Unpack[SpeechOptions]) -> bytes:
        """Async :meth:`speech`."""
        payload = speech_payload(text, **options)
        speech = SpeechOutput(sse=payload.get("stream_format") == "sse")
        return await self._asend(self._json_request("/audio/speech", payload), raw_body, speech)

    def iter_speech(
        self, text: str, **options: Unpack[SpeechOptions]
    ) -> Generator[bytes, None, None]:
        """Synthesise ``text`` and yield the audio bytes as they arrive (``stream_format="audio"``).

        The first audio plays before the whole file exists. The request is retried until its
        answer starts; then the bytes stream, and stopping early closes the response at once.
        ``pcm`` bytes are raw 24 kHz 16-bit little-endian mono samples, split anywhere. A 2xx
        answer that is text or JSON, not audio, raises :class:`OneRouterResponseError`.
        """
        build = self._json_request("/audio/speech", _audio_stream_payload(text, options))
        with contextlib.closing(self._stream_audio(build)) as chunks:
            yield from chunks

    async def aiter_speech(
        self, text: str, **options: Unpack[SpeechOptions]
    ) -> AsyncGenerator[bytes, None]:
        """Async :meth:`iter_speech`."""
        build = self._json_request("/audio/speech", _audio_stream_payload(text, options))
        async with contextlib.aclosing(self._astream_audio(build)) as chunks:
            async for chunk in chunks:
                yield chunk

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
        target = checked_target(path, overwrite)
        speech = SpeechOutput(target, overwrite, payload.get("stream_format") == "sse")
        self._send(self._json_request("/audio/speech", payload), raw_body, speech)
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
        target = checked_target(path, overwrite)
        speech = SpeechOutput(target, overwrite, payload.get("stream_format") == "sse")
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

        ``file`` is a path (streamed from disk), a ``(filename, bytes)`` pair, or an upload
        already checked (sent as is, within ``max_upload_bytes``). ``json`` gives
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
        self, file: TranscriptFile, **options: Unpack[TranscriptionOptions]
    ) -> Iterator[TranscriptionStreamEvent]:
        """Transcribe with ``stream=True``: yield text deltas as the server recognises them.

        The last event is a :class:`TranscriptTextDone` with the whole text. A model that does
        not stream (whisper-1) answers at once, as that single event. Failures before the first
        byte are retried; a stream broken midway raises :class:`OneRouterConnectionError`, and
        one that ends without the done event raises :class:`OneRouterResponseError`.
        """
        yield from self._stream_events(self._stream_request(file, options))

    async def atranscribe_stream(
        self, file: TranscriptFile, **options: Unpack[TranscriptionOptions]
    ) -> AsyncIterator[TranscriptionStreamEvent]:
        """Async :meth:`transcribe_stream`."""
        events = self._astream_events(self._stream_request(file, options))
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


def _audio_stream_payload(text: str, options: SpeechOptions) -> dict[str, Any]:
    """A speech request whose answer streams as plain audio bytes."""
    if options.get("stream_format") not in (None, "audio"):
        raise OneRouterInputError(
            "iter_speech streams audio bytes (stream_format='audio'); use speech() for events."
        )
    streamed = SpeechOptions(**options)
    streamed["stream_format"] = "audio"
    return speech_payload(text, **streamed)
