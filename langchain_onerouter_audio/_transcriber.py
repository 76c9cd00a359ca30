"""The engine behind the loader and the parser: one recording in, its Documents out.

Any source is first made local audio: a URL is fetched to a temporary file (under the
download policy) that is removed when the call ends. Then it checks the file with the
client's own rules, answers from the cache when it can, splits audio over the upload limit,
sends the pieces concurrently (or one after another, each prompted with the previous one's
words, with ``carry_context``), stitches them and builds the Documents (cut by mode and
shaped by the passage options). Each request holds one of the load's shared slots (see
``_slots``); each piece is cached on its own, so a rerun after a failure pays only for the
pieces that failed.

This module is the path of one recording; the steps live by job in ``_transcriber_settings``
(options checked once), ``_transcript_requests`` (a request and the cache),
``_chunk_engine`` (a long recording's chunks and gaps) and ``_budget`` (what a load shares).
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path

from langchain_core.documents import Document

from langchain_onerouter_audio._budget import Budget, checked_concurrency
from langchain_onerouter_audio._chunk_engine import GLOBAL_ERRORS, ChunkEngine, ChunkGap
from langchain_onerouter_audio._documents import transcript_documents
from langchain_onerouter_audio._files import AudioInput, UploadFile
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._sources import AudioSource, alocal_audio, local_audio
from langchain_onerouter_audio._splitting import SplitChunk, split_audio
from langchain_onerouter_audio._transcriber_settings import TranscriberOptions
from langchain_onerouter_audio.models import TranscriptionVerbose, UsageDuration

__all__ = [
    "GLOBAL_ERRORS",
    "Budget",
    "ChunkGap",
    "FileTranscript",
    "Transcriber",
    "TranscriberOptions",
    "checked_concurrency",
]


@dataclass(frozen=True)
class FileTranscript:
    """A recording's Documents, and the gaps left by chunks that failed (skip mode only)."""

    documents: list[Document]
    gaps: list[ChunkGap]


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


def _seconds(result: TranscriptResult) -> float:
    """The audio length a transcript reports, when it reports one."""
    if isinstance(result, TranscriptionVerbose) and result.duration:
        return result.duration
    usage = getattr(result, "usage", None)
    return usage.seconds if isinstance(usage, UsageDuration) else 0.0


class Transcriber(ChunkEngine):
    """Transcribes recordings into Documents with fixed settings (see TranscriberOptions)."""

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

    # -- blocking engine

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
            result, gaps = self._stitch(self._parts(self._chunks(job), budget), budget)
            return self._finish(job, result, source, gaps)
        result = self._send(job.upload, self._options, budget)
        budget.progress.audio(_seconds(result))
        return self._finish(job, result, source)

    # -- async engine: network calls are awaited; disk and CPU work runs off the loop

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
            result, gaps = self._stitch(await self._aparts(self._chunks(job), budget), budget)
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
