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
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, overload

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
from langchain_onerouter_audio._sources import alocal_audio, local_audio
from langchain_onerouter_audio._speech_sinks import SpeechOutput, checked_target
from langchain_onerouter_audio.errors import OneRouterInputError
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

    Setup:
        Install ``langchain-onerouter-audio`` and set environment variable
        ``ONEROUTER_API_KEY``.

        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — client params:
        api_key: str | SecretStr | None
            OneRouter API key. If not passed in will be read from env var
            ``ONEROUTER_API_KEY``; no key at all raises :class:`OneRouterError`.
        base_url: str | None
            API root URL. If not passed in will be read from env var ``ONEROUTER_BASE_URL``,
            else ``https://audio.onerouter.pro/v1``. Any OpenAI-compatible audio API works.
        timeout: float | httpx.Timeout | None
            Seconds per request, or an ``httpx.Timeout`` (default: 120 s read, 10 s
            connect); None waits for ever. Applies to the pools this client makes.
        max_retries: int
            Retries after the first attempt for HTTP 408, 409, 429, 500, 502, 503, 504
            and connection errors (default 2: up to three attempts).
        retry_policy: RetryPolicy | None
            Backoff in full (delays, ``Retry-After`` cap, sleep); replaces ``max_retries``.
        rate_limiter: BaseRateLimiter | None
            A LangChain rate limiter (e.g. ``InMemoryRateLimiter``), acquired before every
            attempt, retries included, so one limiter can pace many clients.

    Key init args — remote audio params:
        allow_private_urls: bool
            Fetch audio URLs whose host is a loopback, private or link-local address (a
            server on this machine or network); refused by default.
        max_download_bytes: int | None
            Largest audio fetched from a URL (default: ``max_upload_bytes``); the download
            stops as soon as it grows past it.

    Key init args — transport params:
        max_upload_bytes: int
            Largest upload sent (default 25 MB); a larger file is refused before sending.
        default_headers: Mapping[str, str] | None
            Extra headers for every request.
        http_client: httpx.Client | None
            Sync pool to send with; used as given and never closed by this client.
        http_async_client: httpx.AsyncClient | None
            Async pool to send with, in place of one per event loop; never closed here.

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterAudioClient

            client = OneRouterAudioClient(
                # api_key="...",
                # base_url="https://audio.onerouter.pro/v1",
                timeout=60,
                max_retries=2,
            )

    Speak:
        .. code-block:: python

            audio = client.speech("Hello!", voice="coral", response_format="wav")
            path = client.speech_to_file("hello.mp3", "Hello!")  # streamed, atomic
            print(len(audio), path)

        .. code-block:: none

            91244 hello.mp3

    Transcribe:
        .. code-block:: python

            client.transcribe("hello.mp3")

        .. code-block:: none

            Transcription(text='Hello, my name is Wolfgang and I come from Germany. Where
            are you heading today?', logprobs=None, usage=UsageDuration(type='duration',
            seconds=6.0))

        .. code-block:: python

            result = client.transcribe("lecture.mp3", response_format="verbose_json")
            print(result.language, result.duration, result.segments[0].text)

        .. code-block:: none

            english 24.1 Imagine the wildest idea that you have ever had.

    Translate:
        .. code-block:: python

            client.translate("german.mp3", response_format="text")

        .. code-block:: none

            'Hello, my name is Wolfgang and I come from Germany. Where are you going today?'

    Stream a transcript:
        .. code-block:: python

            for event in client.transcribe_stream("hello.mp3", model="gpt-4o-transcribe"):
                if event.type == "transcript.text.delta":
                    print(event.delta, end="")

    Async:
        .. code-block:: python

            async with OneRouterAudioClient() as client:
                audio = await client.aspeech("Hello!")
                result = await client.atranscribe("hello.mp3")
                async for event in client.atranscribe_stream("hello.mp3"):
                    ...

    Closing:
        Use the client as a context manager (``with`` / ``async with``), or call
        ``close`` / ``aclose``. Connection pools the client made itself (never ones passed
        in) are closed:

        - the sync pool by ``close()``, ``with``, ``aclose()`` and ``async with``;
        - an event loop's async pool when that loop shuts down its async generators, as
          ``asyncio.run`` does at its end, so repeated ``asyncio.run`` calls hold no sockets;
        - the async pool of the running loop by ``aclose()`` / ``async with``, and every
          async pool by ``close()`` / ``with`` (and ``aclose()``): at once if its loop is
          idle, else by a task scheduled on that loop.

        Each event loop gets its own async pool, so threads that each run their own loop can
        share one client. A loop closed without shutting down its async generators leaves
        its pool's sockets to the garbage collector once a later loop or ``close()`` forgets
        it.

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
        allow_private_urls: bool = False,
        max_download_bytes: int | None = None,
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
            allow_private_urls=allow_private_urls,
            max_download_bytes=checked_upload_limit(
                max_upload_bytes if max_download_bytes is None else max_download_bytes
            ),
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
        """Close the connection pools this client made (see *Closing* in the class docstring)."""
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

        Args:
            text: The words to speak, 1 to 4096 characters.
            on_usage: Called with the tokens used (a :class:`SpeechUsage`) once the audio
                is complete, when the server reports them (``stream_format="sse"``).
            **options: Request fields, all optional: ``model`` (default
                ``gpt-4o-mini-tts``), ``voice`` (default ``alloy``; a voice name or a custom
                voice ``{"id": "voice_1234"}``), ``instructions`` (tone, pace, accent; up to
                4096 characters), ``response_format`` (mp3, opus, aac, flac, wav or pcm;
                default mp3), ``speed`` (0.25 to 4.0) and ``stream_format`` (``"sse"`` to
                receive the audio as server-sent events, decoded here, or ``"audio"``).

        Returns:
            The whole audio file in ``response_format`` (for pcm: raw 24 kHz, 16-bit signed
            little-endian mono samples).

        Raises:
            OneRouterInputError: ``text`` is empty or too long, or an option is invalid;
                found before any request is sent.
            OneRouterResponseError: A 2xx answer is text or JSON, not audio (a sign-in page,
                an error body sent with status 200), or has no audio at all; or an event
                stream (``stream_format="sse"``) comes with a content type other than
                ``text/event-stream`` (one without a content type is read as events).
            OneRouterAPIError: The API answered with an error status (a subclass per
                status, e.g. :class:`OneRouterAuthenticationError` for 401), after the
                retries for transient ones.
            OneRouterConnectionError: The server could not be reached within the retries
                (:class:`OneRouterTimeoutError` when it took longer than ``timeout``).

        """
        payload = speech_payload(text, **options)
        speech = SpeechOutput(sse=payload.get("stream_format") == "sse", on_usage=on_usage)
        return self._send(self._json_request("/audio/speech", payload), raw_body, speech)

    async def aspeech(
        self, text: str, *, on_usage: UsageCallback | None = None, **options: Unpack[SpeechOptions]
    ) -> bytes:
        """Async version of :meth:`speech`; same arguments, result and errors."""
        payload = speech_payload(text, **options)
        speech = SpeechOutput(sse=payload.get("stream_format") == "sse", on_usage=on_usage)
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
        on_usage: UsageCallback | None = None,
        **options: Unpack[SpeechOptions],
    ) -> Path:
        """Stream synthesised audio into ``path`` (``~`` is expanded) atomically; return it.

        The audio goes to a temporary file beside ``path`` and is renamed into place when
        whole, so a failed call leaves no file at ``path`` and no temporary file behind.

        Args:
            path: The file to write; its missing folders are created.
            text: The words to speak, 1 to 4096 characters.
            overwrite: Replace an existing file at ``path``; by default it is refused.
            on_usage: As for :meth:`speech`.
            **options: The request fields of :meth:`speech`.

        Returns:
            ``path`` as a :class:`~pathlib.Path`, with ``~`` expanded.

        Raises:
            OneRouterInputError: ``path`` exists (without ``overwrite``), is a folder or
                cannot be written, or the text or an option is invalid; found before any
                request is sent.
            OneRouterResponseError: The 2xx answer holds no audio (see :meth:`speech`).
            OneRouterAPIError: The API answered with an error status, after the retries for
                transient ones.
            OneRouterConnectionError: The server could not be reached within the retries.

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
        """Async version of :meth:`speech_to_file`; same arguments, result and errors."""
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

        Args:
            file: A path (streamed from disk, ``~`` expanded), an http(s) URL (streamed
                to a temporary file first, within ``max_download_bytes``; private
                addresses refused unless ``allow_private_urls``), ``bytes``, a
                ``(filename, bytes)`` pair, a binary file object (``io.BytesIO``,
                ``open(path, "rb")``), a LangChain ``Blob``, an audio content block
                (``create_audio_block(base64=...)`` or ``url=...``), or an upload already
                checked (sent as is, within ``max_upload_bytes``). Audio is judged by its
                bytes: a name the server would not know (``.opus``, ``.oga``, none) is sent
                as the container the bytes are (``voice.ogg``).
            response_format: ``json`` (default), ``verbose_json``, ``diarized_json``,
                ``text``, ``srt`` or ``vtt``. A format the model cannot give
                (``MODEL_TRANSCRIPT_FORMATS``) is refused before sending.
            **options: Request fields, all optional: ``model`` (default ``whisper-1``),
                ``language`` (a language tag, e.g. ``"en"``, ``"yue"``, ``"en-US"``),
                ``prompt``, ``temperature`` (0 to 1), ``timestamp_granularities``
                (``verbose_json`` only), ``include``, ``chunking_strategy``,
                ``known_speaker_names`` with ``known_speaker_references``, ``languages``
                and ``keywords``.

        Returns:
            :class:`Transcription` for ``json``, :class:`TranscriptionVerbose` (language,
            duration, segments, words) for ``verbose_json``, :class:`TranscriptionDiarized`
            for ``diarized_json``; the body as ``str`` for text, srt and vtt.

        Raises:
            OneRouterInputError: The file is missing, empty, not audio or over
                ``max_upload_bytes``, or an option is invalid; found before sending.
            OneRouterResponseError: A 2xx answer is a web page or an error object, or does
                not parse as ``response_format``.
            OneRouterAPIError: The API answered with an error status (a subclass per
                status, e.g. :class:`OneRouterAuthenticationError` for 401), after the
                retries for transient ones.
            OneRouterConnectionError: The server could not be reached within the retries
                (:class:`OneRouterTimeoutError` when it took longer than ``timeout``).

        """
        fields = transcription_fields(response_format, **options)
        with local_audio(file, self.download_policy()) as audio:
            build = self._transcript_request("/audio/transcriptions", audio, fields)
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
        """Async version of :meth:`transcribe`; same arguments, results and errors."""
        fields = transcription_fields(response_format, **options)
        async with alocal_audio(file, self.download_policy()) as audio:
            build = self._transcript_request("/audio/transcriptions", audio, fields)
            return await self._asend(build, self._transcript_decoder(response_format))

    def transcribe_stream(
        self,
        file: TranscriptFile,
        *,
        response_format: StreamedTranscriptFormat = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> Iterator[TranscriptionStreamEvent]:
        """Transcribe with ``stream=True``: yield text deltas as the server recognises them.

        Args:
            file: As for :meth:`transcribe`.
            response_format: ``json`` (default) or ``diarized_json``
                (gpt-4o-transcribe-diarize), whose speaker turns arrive as
                :class:`DiarizedSegment` events.
            **options: The request fields of :meth:`transcribe`.

        Yields:
            :class:`TranscriptTextDelta` events (and speaker turns from a diarizing model),
            then one :class:`TranscriptTextDone` with the whole text. A model that does not
            stream (whisper-1) answers at once, as that single event (after its speaker
            turns, for ``diarized_json``).

        Raises:
            OneRouterInputError: The file or an option is invalid; found before sending.
            OneRouterAPIError: The API answered with an error status. Failures before the
                first byte are retried like any other call.
            OneRouterConnectionError: The stream broke midway (not retried), or the server
                could not be reached within the retries.
            OneRouterResponseError: The stream ended without the done event.

        """
        fields = self._stream_fields(response_format, options)
        with local_audio(file, self.download_policy()) as audio:
            build = self._transcript_request("/audio/transcriptions", audio, fields)
            yield from self._stream_events(build, response_format)

    async def atranscribe_stream(
        self,
        file: TranscriptFile,
        *,
        response_format: StreamedTranscriptFormat = "json",
        **options: Unpack[TranscriptionOptions],
    ) -> AsyncIterator[TranscriptionStreamEvent]:
        """Async version of :meth:`transcribe_stream`; same arguments, events and errors.

        Stopping the iteration early closes the response at once.
        """
        fields = self._stream_fields(response_format, options)
        async with alocal_audio(file, self.download_policy()) as audio:
            build = self._transcript_request("/audio/transcriptions", audio, fields)
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
        """Translate speech in any language into English text.

        Args:
            file: As for :meth:`transcribe`.
            response_format: ``json`` (default), ``verbose_json``, ``text``, ``srt`` or
                ``vtt``.
            **options: Request fields, all optional: ``model`` (default ``whisper-1``),
                ``prompt`` (in English) and ``temperature`` (0 to 1).

        Returns:
            :class:`Transcription` for ``json``, :class:`TranscriptionVerbose` for
            ``verbose_json``; the body as ``str`` for text, srt and vtt.

        Raises:
            OneRouterInputError: The file or an option is invalid; found before sending.
            OneRouterResponseError: A 2xx answer is a web page or an error object, or does
                not parse as ``response_format``.
            OneRouterAPIError: The API answered with an error status, after the retries for
                transient ones.
            OneRouterConnectionError: The server could not be reached within the retries.

        """
        fields = translation_fields(response_format, **options)
        with local_audio(file, self.download_policy()) as audio:
            build = self._transcript_request("/audio/translations", audio, fields)
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
        """Async version of :meth:`translate`; same arguments, results and errors."""
        fields = translation_fields(response_format, **options)
        async with alocal_audio(file, self.download_policy()) as audio:
            build = self._transcript_request("/audio/translations", audio, fields)
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
