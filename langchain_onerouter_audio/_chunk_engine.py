"""A long recording's chunks: sent within the load's budget, cached one by one, stitched.

Chunks go concurrently, or one after another with ``carry_context``, each prompted with the
previous one's words. Each chunk is cached on its own, so a rerun after a failure pays only
for the chunks that failed; a chunk that fails leaves a gap (kept in skip mode) while the
others go on, unless only the key or the account could fix it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from typing import Any

from langchain_onerouter_audio._budget import Budget
from langchain_onerouter_audio._carry import carried_prompt, spoken_text
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._files import UploadFile
from langchain_onerouter_audio._params import TranscriptionOptions
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._splitting import SplitChunk
from langchain_onerouter_audio._stitch import stitch_transcripts
from langchain_onerouter_audio._transcript_requests import TranscriptRequests
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterError,
    OneRouterInputError,
    OneRouterPermissionError,
)

__all__ = ["GLOBAL_ERRORS", "ChunkEngine", "ChunkGap"]

# What only the key or the account can fix; the rest may fail one chunk and spare the others.
GLOBAL_ERRORS = (OneRouterAuthenticationError, OneRouterPermissionError)

logger = logging.getLogger("langchain_onerouter_audio")

_Chunks = Generator[SplitChunk, None, None]


@dataclass(frozen=True)
class ChunkGap:
    """A stretch of a long recording whose chunk failed after retries."""

    start: float
    end: float
    error: Exception

    def as_metadata(self) -> dict[str, Any]:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "error": str(self.error)}


@dataclass(frozen=True)
class _Part:
    """A chunk's place in the recording and its transcript, or why it has none."""

    offset: float
    duration: float
    result: TranscriptResult | None
    error: Exception | None = None


def _piece(chunk: SplitChunk) -> UploadFile:
    """A piece as an upload: made here as mp3 within the limit, so nothing to check again."""
    return UploadFile(name=chunk.name, size=len(chunk.data), content=chunk.data)


async def _threaded(chunks: Iterator[SplitChunk]) -> AsyncIterator[SplitChunk]:
    """Cut chunks in a thread, one when asked, so the event loop keeps running."""
    while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
        yield chunk


class ChunkEngine(TranscriptRequests):
    """Transcribes a long recording's chunks, blocking or async, into one transcript."""

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

    def _parts(self, chunks: _Chunks, budget: Budget) -> list[_Part]:
        with contextlib.closing(chunks):
            if self.carry_context:
                return list(self._carried(chunks, budget))
            work = functools.partial(self._chunk, budget=budget)
            with contextlib.closing(ordered_map(work, chunks, budget.concurrency)) as parts:
                return list(parts)

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

    async def _aparts(self, chunks: _Chunks, budget: Budget) -> list[_Part]:
        with contextlib.closing(chunks):
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
