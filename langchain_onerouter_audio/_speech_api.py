"""The speech verbs of the client: speak text to bytes, a stream of bytes, or a file.

A mixin over the engine (``BaseClient``) so :class:`OneRouterAudioClient` keeps its flat verbs
while each job lives in its own module.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncGenerator, Callable, Generator
from pathlib import Path
from typing import Any

from typing_extensions import Unpack

from langchain_onerouter_audio._base_client import BaseClient, raw_body
from langchain_onerouter_audio._files import PendingOutput
from langchain_onerouter_audio._params import SpeechOptions, speech_payload
from langchain_onerouter_audio._speech_sinks import SpeechOutput, output_file
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import SpeechUsage

__all__ = ["SpeechMethods", "UsageCallback"]

UsageCallback = Callable[[SpeechUsage], None]
"""Called with the tokens a streamed speech request used (``stream_format="sse"``)."""


class SpeechMethods(BaseClient):
    """``speech``, ``iter_speech``, ``speech_to_file`` and their async twins."""

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
        with output_file(path, overwrite) as file:  # before the paid request
            self._speech_into(file, payload, on_usage)
        return file.target

    def _speech_into(
        self, file: PendingOutput, payload: dict[str, Any], on_usage: UsageCallback | None = None
    ) -> None:
        """Stream the audio for a checked ``payload`` into ``file``, made before the request."""
        speech = SpeechOutput(file, payload.get("stream_format") == "sse", on_usage)
        self._send(self._json_request("/audio/speech", payload), raw_body, speech)

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
        with output_file(path, overwrite) as file:
            speech = SpeechOutput(file, payload.get("stream_format") == "sse", on_usage)
            await self._asend(self._json_request("/audio/speech", payload), raw_body, speech)
        return file.target


def _audio_stream_payload(text: str, options: SpeechOptions) -> dict[str, Any]:
    """A speech request whose answer streams as plain audio bytes."""
    if options.get("stream_format") not in (None, "audio"):
        raise OneRouterInputError(
            "iter_speech streams audio bytes (stream_format='audio'); use speech() for events."
        )
    streamed = SpeechOptions(**options)
    streamed["stream_format"] = "audio"
    return speech_payload(text, **streamed)
