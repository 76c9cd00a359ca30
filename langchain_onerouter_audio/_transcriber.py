"""The engine behind the loader and the parser: one recording in, its Documents out.

Any source is first made local audio: a URL is fetched to a temporary file (under the
download policy) that is removed when the call ends. Then it checks the file with the
client's own rules, answers from the cache when it can, splits audio over the upload limit,
sends the pieces concurrently (or one after another, each prompted with the previous one's
words, with ``carry_context``), stitches them and builds the Documents (cut by mode and
shaped by the passage options). Each request holds one of the load's shared slots (see
``_slots``); each piece is cached on its own, so a rerun after a failure pays only for the
pieces that failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sys
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from typing_extensions import Unpack

from langchain_onerouter_audio._cache import TranscriptCache, audio_digest, cache_key
from langchain_onerouter_audio._carry import carried_prompt, spoken_text
from langchain_onerouter_audio._checks import check_choice, check_transcript_format, model_gives
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._documents import (
    MODE_FORMATS,
    Mode,
    Task,
    WireFormat,
    transcript_documents,
)
from langchain_onerouter_audio._files import AudioInput, UploadFile
from langchain_onerouter_audio._folder_checks import check_writable_folder
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TranscriptionOptions,
    TranslationOptions,
    check_keywords,
    transcription_fields,
)
from langchain_onerouter_audio._passages import PassageOptions, Shaping, passage_request_options
from langchain_onerouter_audio._progress import NO_PROGRESS, Progress
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._settings import (
    CLIENT_SETTINGS,
    ClientSettings,
    client_from_settings,
    refuse_client_with_settings,
)
from langchain_onerouter_audio._slots import RequestSlots
from langchain_onerouter_audio._sources import (
    AudioSource,
    SourceOptions,
    alocal_audio,
    loader_policy,
    local_audio,
)
from langchain_onerouter_audio._splitting import SplitChunk, split_audio
from langchain_onerouter_audio._stitch import stitch_transcripts
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterError,
    OneRouterInputError,
    OneRouterPermissionError,
)
from langchain_onerouter_audio.models import (
    MAX_UPLOAD_BYTES,
    ChunkingStrategy,
    TranscriptionVerbose,
    TranslationFormat,
    UsageDuration,
)

__all__ = [
    "Budget",
    "ChunkGap",
    "FileTranscript",
    "Transcriber",
    "TranscriberOptions",
    "checked_concurrency",
]

DEFAULT_CONCURRENCY = 4
# What only the key or the account can fix; the rest may fail one chunk and spare the others.
GLOBAL_ERRORS = (OneRouterAuthenticationError, OneRouterPermissionError)

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
    cache_dir: folder for the transcript cache (whole files and each chunk of a long one);
        off when not given.
    carry_context: send a long recording's chunks one after another, each prompted with
        the end of the previous chunk's transcript (continuity over speed); default False:
        chunks are sent concurrently.
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
    carry_context: bool


def checked_concurrency(value: object) -> int:
    """``max_concurrency`` as a whole number, 1 or more (``"4"`` is refused, not compared)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OneRouterInputError(
            f"`max_concurrency` is {value!r}; use 1 or more (a whole number)."
        )
    return value


@dataclass(frozen=True)
class Budget:
    """What the files and chunks of one load share: request slots and progress.

    ``concurrency`` bounds the chunks of one file in progress at once; only ``slots`` bound
    the requests on the wire. With ``skip_failed_chunks`` a chunk that fails leaves a gap
    instead of failing its file.
    """

    concurrency: int = DEFAULT_CONCURRENCY
    slots: RequestSlots = field(default_factory=lambda: RequestSlots(DEFAULT_CONCURRENCY))
    progress: Progress = NO_PROGRESS
    skip_failed_chunks: bool = False

    @classmethod
    def shared(cls, concurrency: int, **options: Any) -> Budget:
        """A budget of ``concurrency`` requests at once, for files and chunks alike."""
        return cls(concurrency, RequestSlots(concurrency), **options)


@dataclass(frozen=True)
class ChunkGap:
    """A stretch of a long recording whose chunk failed after retries."""

    start: float
    end: float
    error: Exception

    def as_metadata(self) -> dict[str, Any]:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "error": str(self.error)}


@dataclass(frozen=True)
class FileTranscript:
    """A recording's Documents, and the gaps left by chunks that failed (skip mode only)."""

    documents: list[Document]
    gaps: list[ChunkGap]


@dataclass(frozen=True)
class _Part:
    """A chunk's place in the recording and its transcript, or why it has none."""

    offset: float
    duration: float
    result: TranscriptResult | None
    error: Exception | None = None


@dataclass(frozen=True)
class _Job:
    """A checked recording and what is known about it before any request."""

    upload: UploadFile
    shown: str  # the recording as the caller named it, for errors
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


def _seconds(result: TranscriptResult) -> float:
    """The audio length a transcript reports, when it reports one."""
    if isinstance(result, TranscriptionVerbose) and result.duration:
        return result.duration
    usage = getattr(result, "usage", None)
    return usage.seconds if isinstance(usage, UsageDuration) else 0.0


async def _threaded(chunks: Iterator[SplitChunk]) -> AsyncIterator[SplitChunk]:
    """Cut chunks in a thread, one when asked, so the event loop keeps running."""
    while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
        yield chunk


class Transcriber:
    """Transcribes recordings into Documents with fixed settings (see TranscriberOptions)."""

    def __init__(self, face: str, **options: Unpack[TranscriberOptions]) -> None:
        # A misspelt option (``modle=``) would be dropped, and the default model paid for.
        check_keywords(options, TranscriberOptions.__annotations__, face)
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
        if cache_dir is not None:  # a cache that cannot be written would make every run pay
            check_writable_folder(Path(cache_dir).expanduser(), "cache_dir")
        self.cache = TranscriptCache(cache_dir) if cache_dir is not None else None
        self.carry_context = options.get("carry_context", False)
        if not isinstance(self.carry_context, bool):
            raise OneRouterInputError("`carry_context` must be True or False.")
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
        """The wire format that the mode needs.

        Single mode asks for verbose_json where the model gives it, so its Document carries
        the language and duration; json otherwise (the gpt-4o transcribe models).
        """
        needed = MODE_FORMATS[self.mode]
        if needed == "json" and model_gives(self.model, "verbose_json"):
            return "verbose_json"
        return needed

    @property
    def translation_format(self) -> TranslationFormat:
        """The wire format for ``task="translate"``, which has no speakers mode."""
        fmt = self.response_format
        if fmt == "diarized_json":
            raise OneRouterInputError("mode='speakers' applies to task='transcribe' only.")
        return fmt

    # -- the steps both engines share

    def _key(self, audio: Path | bytes, options: TranscriptionOptions, **extra: Any) -> str:
        """The cache key of ``audio`` sent with ``options`` to this server and model."""
        return cache_key(
            audio_digest(audio),
            server=self.client.base_url,  # one model name may be two models on two servers
            model=self.model,
            task=self.task,
            format=self.response_format,
            options={k: v for k, v in options.items() if k != "model"},
            **extra,
        )

    def _prepare(self, file: AudioInput, source: str | None = None) -> _Job:
        """Check the file as the client would (size aside), and look it up in the cache.

        This is the one check: the client is handed the checked upload, not the file again.
        """
        upload = UploadFile.from_input(file, max_bytes=sys.maxsize)
        split = upload.size > self.max_upload_bytes
        job = _Job(upload, source or upload.name, split=split, key=None, cached=None)
        if self.cache is None:
            return job
        split_bytes = self.max_upload_bytes if job.split else None
        key = self._key(job.audio, self._options, split_bytes=split_bytes)
        return replace(job, key=key, cached=self.cache.get(key, self.response_format))

    def _chunks(self, job: _Job) -> Generator[SplitChunk, None, None]:
        return split_audio(
            job.audio, name=job.upload.name, max_bytes=self.max_upload_bytes, shown_as=job.shown
        )

    def _store(self, key: str | None, result: TranscriptResult) -> None:
        """Keep a transcript that was paid for; a cache that cannot be written only warns."""
        if self.cache is None or key is None:
            return
        # The writer refuses a folder it cannot write (OneRouterInputError), or fails (OSError).
        try:
            self.cache.put(key, self.response_format, result)
        except (OSError, OneRouterInputError) as error:
            logger.warning("Could not write the transcript cache: %s", error)

    def _finish(
        self,
        job: _Job,
        result: TranscriptResult,
        source: str | None,
        gaps: list[ChunkGap] | None = None,
    ) -> FileTranscript:
        if job.cached is None and not gaps:  # a transcript with holes is not the file's
            self._store(job.key, result)
        documents = transcript_documents(
            result,
            mode=self.mode,
            source=source,
            model=self.model,
            task=self.task,
            language=self.language,
            shaping=self.shaping,
        )
        if gaps:
            marked = [gap.as_metadata() for gap in gaps]
            for document in documents:
                document.metadata["gaps"] = marked
        return FileTranscript(documents, gaps or [])

    def _stitch(
        self, parts: list[_Part], budget: Budget
    ) -> tuple[TranscriptResult, list[ChunkGap]]:
        if not parts:
            raise OneRouterInputError("The recording decoded to no audio samples.")
        done = [(part.offset, part.result) for part in parts if part.result is not None]
        gaps = [
            ChunkGap(part.offset, part.offset + part.duration, part.error)
            for part in parts
            if part.error is not None
        ]
        if gaps and (not done or not budget.skip_failed_chunks):
            raise gaps[0].error  # nothing was heard, or gaps are not wanted: the file failed
        last = parts[-1]
        result = stitch_transcripts(
            self.response_format, done, duration=last.offset + last.duration
        )
        return result, gaps

    def _chunk_options(self, prompt: str | None) -> TranscriptionOptions:
        if not prompt:
            return self._options
        options: TranscriptionOptions = {**self._options, "prompt": prompt}
        return options

    def _chunk_key(self, chunk: SplitChunk, options: TranscriptionOptions) -> str | None:
        return self._key(chunk.data, options, piece=True) if self.cache is not None else None

    def _chunk_failed(self, chunk: SplitChunk, error: Exception, budget: Budget) -> _Part:
        """A gap, while the other chunks go on: kept in skip mode, or cached for a rerun.

        Otherwise (or for a bad key) the error goes on at once and the rest is cancelled.
        """
        keep_going = budget.skip_failed_chunks or self.cache is not None
        if not keep_going or isinstance(error, GLOBAL_ERRORS):
            raise error
        logger.warning(
            "Chunk %s (%.1f-%.1f s) failed: %s",
            chunk.name,
            chunk.offset,
            chunk.offset + chunk.duration,
            error,
        )
        return _Part(chunk.offset, chunk.duration, None, error)

    def _chunk_done(self, chunk: SplitChunk, result: TranscriptResult, budget: Budget) -> _Part:
        budget.progress.audio(chunk.duration)
        return _Part(chunk.offset, chunk.duration, result)

    def _translation_options(self, options: TranscriptionOptions) -> TranslationOptions:
        return TranslationOptions(
            model=self.model,
            prompt=options.get("prompt"),
            temperature=options.get("temperature"),
        )

    # -- blocking engine

    def _request(self, file: UploadFile, options: TranscriptionOptions) -> TranscriptResult:
        fmt = self.response_format
        if self.task == "translate":
            translation = self._translation_options(options)
            return self.client.translate(
                file, response_format=self.translation_format, **translation
            )
        return self.client.transcribe(file, response_format=fmt, **options)

    def _send(
        self, file: UploadFile, options: TranscriptionOptions, budget: Budget
    ) -> TranscriptResult:
        with budget.slots.request():
            return self._request(file, options)

    def _chunk(self, chunk: SplitChunk, budget: Budget, prompt: str | None = None) -> _Part:
        options = self._chunk_options(prompt)
        key = self._chunk_key(chunk, options)
        result = self.cache.get(key, self.response_format) if self.cache and key else None
        if result is None:
            try:
                result = self._send(_piece(chunk), options, budget)
            except OneRouterError as error:
                return self._chunk_failed(chunk, error, budget)
            self._store(key, result)
        return self._chunk_done(chunk, result, budget)

    def _carried(self, chunks: Iterator[SplitChunk], budget: Budget) -> Iterator[_Part]:
        previous: str | None = None
        for chunk in chunks:
            part = self._chunk(chunk, budget, carried_prompt(self._options.get("prompt"), previous))
            previous = spoken_text(part.result) if part.result is not None else None
            yield part

    def _parts(self, job: _Job, budget: Budget) -> list[_Part]:
        with contextlib.closing(self._chunks(job)) as chunks:
            if self.carry_context:
                return list(self._carried(chunks, budget))
            work = functools.partial(self._chunk, budget=budget)
            with contextlib.closing(ordered_map(work, chunks, budget.concurrency)) as parts:
                return list(parts)

    def transcribe(
        self, file: AudioSource, source: str | None, budget: Budget | None = None
    ) -> FileTranscript:
        """Documents and gaps for one recording from any source (a URL is fetched first)."""
        with local_audio(file, self.download_policy) as audio:
            return self._transcribe_local(_local(audio), source, budget or Budget())

    def _transcribe_local(
        self, file: AudioInput, source: str | None, budget: Budget
    ) -> FileTranscript:
        job = self._prepare(file, source)
        if job.cached is not None:
            budget.progress.audio(_seconds(job.cached))
            return self._finish(job, job.cached, source)
        if job.split:
            result, gaps = self._stitch(self._parts(job, budget), budget)
            return self._finish(job, result, source, gaps)
        result = self._send(job.upload, self._options, budget)
        budget.progress.audio(_seconds(result))
        return self._finish(job, result, source)

    # -- async engine: network calls are awaited; disk and CPU work runs off the loop

    async def _arequest(self, file: UploadFile, options: TranscriptionOptions) -> TranscriptResult:
        fmt = self.response_format
        if self.task == "translate":
            translation = self._translation_options(options)
            english = self.translation_format
            return await self.client.atranslate(file, response_format=english, **translation)
        return await self.client.atranscribe(file, response_format=fmt, **options)

    async def _asend(
        self, file: UploadFile, options: TranscriptionOptions, budget: Budget
    ) -> TranscriptResult:
        async with budget.slots.arequest():
            return await self._arequest(file, options)

    async def _achunk(self, chunk: SplitChunk, budget: Budget, prompt: str | None = None) -> _Part:
        options = self._chunk_options(prompt)
        key = self._chunk_key(chunk, options)
        cache = self.cache
        result = None
        if cache is not None and key is not None:
            result = await asyncio.to_thread(cache.get, key, self.response_format)
        if result is None:
            try:
                result = await self._asend(_piece(chunk), options, budget)
            except OneRouterError as error:
                return self._chunk_failed(chunk, error, budget)
            if cache is not None:
                await asyncio.to_thread(self._store, key, result)
        return self._chunk_done(chunk, result, budget)

    async def _aparts(self, job: _Job, budget: Budget) -> list[_Part]:
        with contextlib.closing(self._chunks(job)) as chunks:
            if self.carry_context:
                parts: list[_Part] = []
                previous: str | None = None
                async for chunk in _threaded(chunks):
                    prompt = carried_prompt(self._options.get("prompt"), previous)
                    parts.append(await self._achunk(chunk, budget, prompt))
                    result = parts[-1].result
                    previous = spoken_text(result) if result is not None else None
                return parts
            work = functools.partial(self._achunk, budget=budget)
            results = aordered_map(work, _threaded(chunks), budget.concurrency)
            try:
                return [part async for part in results]
            finally:
                await results.aclose()

    async def atranscribe(
        self, file: AudioSource, source: str | None, budget: Budget | None = None
    ) -> FileTranscript:
        """Async :meth:`transcribe`: a URL is fetched on the running loop."""
        async with alocal_audio(file, self.download_policy) as audio:
            return await self._atranscribe_local(_local(audio), source, budget or Budget())

    async def _atranscribe_local(
        self, file: AudioInput, source: str | None, budget: Budget
    ) -> FileTranscript:
        prepare = functools.partial(self._prepare, file, source)
        job = await asyncio.to_thread(prepare) if self.cache else prepare()
        gaps: list[ChunkGap] = []
        if job.cached is not None:
            result = job.cached
            budget.progress.audio(_seconds(result))
        elif job.split:
            result, gaps = self._stitch(await self._aparts(job, budget), budget)
        else:
            result = await self._asend(job.upload, self._options, budget)
            budget.progress.audio(_seconds(result))
        if self.cache is not None:
            return await asyncio.to_thread(self._finish, job, result, source, gaps)
        return self._finish(job, result, source, gaps)


def _local(audio: AudioInput | UploadFile) -> AudioInput:
    """Local audio as the transcriber checks it: an upload given checked is its file or bytes."""
    if not isinstance(audio, UploadFile):
        return audio
    return audio.path if audio.path is not None else (audio.name, audio.content or b"")
