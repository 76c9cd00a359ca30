"""The engine behind the loader and the parser: one recording in, its Documents out.

It checks the file with the client's own rules, answers from the cache when it can, splits
audio over the upload limit, sends one request per piece (sync or truly async), stitches
the pieces and builds the Documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path

from langchain_core.documents import Document
from typing_extensions import Unpack

from langchain_onerouter_audio._cache import TranscriptCache, audio_digest, cache_key
from langchain_onerouter_audio._checks import check_choice, check_transcript_format
from langchain_onerouter_audio._documents import (
    MODE_FORMATS,
    Mode,
    Task,
    WireFormat,
    transcript_documents,
)
from langchain_onerouter_audio._files import AudioInput, UploadFile
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TranscriptionOptions,
    TranslationOptions,
    transcription_fields,
)
from langchain_onerouter_audio._passages import PassageOptions, Shaping, passage_request_options
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._settings import (
    CLIENT_SETTINGS,
    ClientSettings,
    client_from_settings,
    refuse_client_with_settings,
)
from langchain_onerouter_audio._sources import (
    AudioSource,
    SourceOptions,
    alocal_audio,
    loader_policy,
    local_audio,
)
from langchain_onerouter_audio._splitting import SplitChunk, split_audio
from langchain_onerouter_audio._stitch import stitch_transcripts
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import MAX_UPLOAD_BYTES, ChunkingStrategy, TranslationFormat

__all__ = ["Transcriber", "TranscriberOptions"]

logger = logging.getLogger("langchain_onerouter_audio")


class TranscriberOptions(ClientSettings, PassageOptions, SourceOptions, total=False):
    """Settings shared by OneRouterTranscriptLoader and OneRouterAudioParser.

    Passage settings (words, speakers, confidence, paragraphs) are ``PassageOptions``'s;
    URL settings are ``SourceOptions``'s.

    client: an OneRouterAudioClient to use; else one is built from api_key, base_url,
        timeout, max_retries, rate_limiter (each as for the client, from the environment
        when not given).
    mode: "single" (default), "segments", "paragraphs", "speakers", "srt" or "vtt". A
        model that cannot give the mode's format (gpt-4o-transcribe gives json and text
        only, so "single") is refused when the loader is built, not once per file.
    task: "transcribe" (default) or "translate" (into English).
    model, language, prompt, temperature: request options (language: transcription only).
    chunking_strategy: "auto" or VAD settings (transcription only; needed by
        gpt-4o-transcribe-diarize for audio over 30 seconds).
    max_upload_bytes: files larger than this are split (default and ceiling: the client's
        limit, 25 MB unless the client was given another).
    cache_dir: folder for the transcript cache; off when not given.
    """

    mode: Mode
    task: Task
    model: str
    language: str | None
    prompt: str | None
    temperature: float | None
    chunking_strategy: ChunkingStrategy | None
    max_upload_bytes: int | None
    cache_dir: str | os.PathLike[str] | None


@dataclass(frozen=True)
class _Job:
    """A checked recording and what is known about it before any request."""

    upload: UploadFile
    split: bool
    key: str | None
    cached: TranscriptResult | None

    @property
    def audio(self) -> Path | bytes:
        """The recording itself: its path on disk, or its bytes (to hash or split)."""
        return self.upload.path if self.upload.path is not None else self.upload.content or b""


def _piece(chunk: SplitChunk) -> UploadFile:
    """A piece as an upload: made here as mp3 within the limit, so nothing to check again."""
    return UploadFile(name=chunk.name, size=len(chunk.data), content=chunk.data)


class Transcriber:
    """Transcribes recordings into Documents with fixed settings (see TranscriberOptions)."""

    def __init__(self, **options: Unpack[TranscriberOptions]) -> None:
        limit = options.get("max_upload_bytes")
        # The upload limit is also the splitter's own, so it may come with a client too.
        given = [name for name in CLIENT_SETTINGS if name in options and name != "max_upload_bytes"]
        refuse_client_with_settings(options.get("client"), given)
        self.client = options.get("client") or client_from_settings(
            {**options, "max_upload_bytes": limit or MAX_UPLOAD_BYTES}
        )
        self.mode: Mode = options.get("mode", "single")
        self.task: Task = options.get("task", "transcribe")
        check_choice("mode", self.mode, Mode)
        check_choice("task", self.task, Task)
        self.model = options.get("model", DEFAULT_TRANSCRIPTION_MODEL)
        self.language = options.get("language")
        if self.language and self.task == "translate":
            raise OneRouterInputError(
                "`language` applies to task='transcribe' only; translation always gives English."
            )
        self._options = TranscriptionOptions(
            model=self.model,
            language=self.language,
            prompt=options.get("prompt"),
            temperature=options.get("temperature"),
        )
        chunking = options.get("chunking_strategy")
        if chunking is not None:  # only when given: cache keys of other loads stay as they were
            if self.task == "translate":
                raise OneRouterInputError("`chunking_strategy` applies to task='transcribe' only.")
            self._options["chunking_strategy"] = chunking
        self._add_passage_options(options)
        self._check_model_gives_mode()
        transcription_fields(self.response_format, **self._options)  # fail early on bad options
        # A piece the client would refuse is never sent: the client's limit caps this one.
        self.max_upload_bytes = min(limit or sys.maxsize, self.client.max_upload_bytes)
        cache_dir = options.get("cache_dir")
        self.cache = TranscriptCache(cache_dir) if cache_dir is not None else None
        self.download_policy = loader_policy(
            self.client.download_policy(), options, upload_limit=self.client.max_upload_bytes
        )

    def _add_passage_options(self, options: TranscriberOptions) -> None:
        """Words, speakers and confidence: request fields and how Documents are cut."""
        self.shaping = Shaping.from_options(options)
        request = passage_request_options(options, segments=self.mode in ("segments", "paragraphs"))
        if self.task == "translate" and (request or self.mode == "speakers"):
            raise OneRouterInputError(
                "Speakers and word timestamps apply to task='transcribe' only."
            )
        self._options.update(request)
        if self.mode == "speakers":  # a diarizing model needs it for audio over 30 s
            self._options.setdefault("chunking_strategy", "auto")

    def _check_model_gives_mode(self) -> None:
        """Refuse now a mode whose format the model cannot give, in the loader's own terms."""
        try:
            check_transcript_format(self.model, self.response_format)
        except OneRouterInputError as error:
            able = "gpt-4o-transcribe-diarize" if self.mode == "speakers" else "whisper-1"
            raise OneRouterInputError(
                f"mode={self.mode!r} needs {self.response_format} transcripts: {error} "
                f"Use mode='single', or a model that gives them such as {able}."
            ) from None

    @property
    def response_format(self) -> WireFormat:
        """The wire format that the mode needs."""
        return MODE_FORMATS[self.mode]

    @property
    def translation_format(self) -> TranslationFormat:
        """The wire format for ``task="translate"``, which has no speakers mode."""
        fmt = self.response_format
        if fmt == "diarized_json":
            raise OneRouterInputError("mode='speakers' applies to task='transcribe' only.")
        return fmt

    # -- the steps both engines share

    def _prepare(self, file: AudioInput) -> _Job:
        """Check the file as the client would (size aside), and look it up in the cache.

        This is the one check: the client is handed the checked upload, not the file again.
        """
        upload = UploadFile.from_input(file, max_bytes=sys.maxsize)
        job = _Job(upload, split=upload.size > self.max_upload_bytes, key=None, cached=None)
        if self.cache is None:
            return job
        key = cache_key(
            audio_digest(job.audio),
            server=self.client.base_url,  # one model name may be two models on two servers
            model=self.model,
            task=self.task,
            format=self.response_format,
            options={k: v for k, v in self._options.items() if k != "model"},
            split_bytes=self.max_upload_bytes if job.split else None,
        )
        return replace(job, key=key, cached=self.cache.get(key, self.response_format))

    def _chunks(self, job: _Job) -> Generator[SplitChunk, None, None]:
        return split_audio(job.audio, name=job.upload.name, max_bytes=self.max_upload_bytes)

    def _finish(self, job: _Job, result: TranscriptResult, source: str | None) -> list[Document]:
        if self.cache is not None and job.key is not None and job.cached is None:
            # The transcript is paid for: keep it, lose only the entry. The writer refuses a
            # folder it cannot write (OneRouterInputError), or fails writing (OSError).
            try:
                self.cache.put(job.key, self.response_format, result)
            except (OSError, OneRouterInputError) as error:
                logger.warning("Could not write the transcript cache: %s", error)
        return transcript_documents(
            result,
            mode=self.mode,
            source=source,
            model=self.model,
            task=self.task,
            language=self.language,
            shaping=self.shaping,
        )

    def _stitch(self, parts: list[tuple[SplitChunk, TranscriptResult]]) -> TranscriptResult:
        if not parts:
            raise OneRouterInputError("The recording decoded to no audio samples.")
        last = parts[-1][0]
        return stitch_transcripts(
            self.response_format,
            [(chunk.offset, result) for chunk, result in parts],
            duration=last.offset + last.duration,
        )

    def _translation_options(self) -> TranslationOptions:
        return TranslationOptions(
            model=self.model,
            prompt=self._options.get("prompt"),
            temperature=self._options.get("temperature"),
        )

    # -- blocking engine

    def _request(self, file: UploadFile) -> TranscriptResult:
        fmt = self.response_format
        if self.task == "translate":
            options = self._translation_options()
            return self.client.translate(file, response_format=self.translation_format, **options)
        return self.client.transcribe(file, response_format=fmt, **self._options)

    def documents(self, file: AudioInput, source: str | None) -> list[Document]:
        """Documents for one recording (a path, or a ``(filename, bytes)`` pair)."""
        job = self._prepare(file)
        result = job.cached
        if result is None and job.split:
            with contextlib.closing(self._chunks(job)) as chunks:
                result = self._stitch([(chunk, self._request(_piece(chunk))) for chunk in chunks])
        elif result is None:
            result = self._request(job.upload)
        return self._finish(job, result, source)

    # -- async engine: network calls are awaited; disk and CPU work runs off the loop

    async def _arequest(self, file: UploadFile) -> TranscriptResult:
        fmt = self.response_format
        if self.task == "translate":
            options = self._translation_options()
            english = self.translation_format
            return await self.client.atranslate(file, response_format=english, **options)
        return await self.client.atranscribe(file, response_format=fmt, **self._options)

    async def adocuments(self, file: AudioInput, source: str | None) -> list[Document]:
        """Async :meth:`documents`."""
        job = await asyncio.to_thread(self._prepare, file) if self.cache else self._prepare(file)
        result = job.cached
        if result is None and job.split:
            parts: list[tuple[SplitChunk, TranscriptResult]] = []
            with contextlib.closing(self._chunks(job)) as chunks:
                while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                    parts.append((chunk, await self._arequest(_piece(chunk))))
            result = self._stitch(parts)
        elif result is None:
            result = await self._arequest(job.upload)
        if self.cache is not None:
            return await asyncio.to_thread(self._finish, job, result, source)
        return self._finish(job, result, source)

    # -- any audio source: a URL is downloaded for the length of the call

    def source_documents(self, source: AudioSource, label: str | None) -> list[Document]:
        """Documents for any audio source (a URL, a Blob, an audio block, or local audio)."""
        with local_audio(source, self.download_policy) as audio:
            return self.documents(_local(audio), label)

    async def asource_documents(self, source: AudioSource, label: str | None) -> list[Document]:
        """Async :meth:`source_documents`."""
        async with alocal_audio(source, self.download_policy) as audio:
            return await self.adocuments(_local(audio), label)


def _local(audio: AudioInput | UploadFile) -> AudioInput:
    """Local audio as the transcriber checks it: an upload given checked is its file or bytes."""
    if not isinstance(audio, UploadFile):
        return audio
    return audio.path if audio.path is not None else (audio.name, audio.content or b"")
