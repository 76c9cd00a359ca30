"""The transcription verbs of the client: transcribe, translate and stream a transcript.

A mixin over the engine (``BaseClient``); the overloads tie each ``response_format`` to the
type it returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Literal, overload

from typing_extensions import Unpack

from langchain_onerouter_audio._base_client import (
    BaseClient,
    StreamedTranscriptFormat,
    TranscriptFile,
)
from langchain_onerouter_audio._params import (
    TranscriptionOptions,
    TranslationOptions,
    transcription_fields,
    translation_fields,
)
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._sources import alocal_audio, local_audio
from langchain_onerouter_audio.models import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionStreamEvent,
    TranscriptionVerbose,
)

__all__ = ["TranscriptionMethods"]


class TranscriptionMethods(BaseClient):
    """``transcribe``, ``transcribe_stream``, ``translate`` and their async twins."""

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
