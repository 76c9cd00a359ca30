"""The synthesizer's streaming engines: speak sentences as text arrives, audio in order.

Sync: text is read on the caller's thread and each sentence is spoken in a worker thread, up
to ``prefetch`` ahead. Async: one task reads text and starts a task per sentence; arrived
audio is yielded in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import get_executor_for_config

from langchain_onerouter_audio._agent_text import AgentTextReader, SpeechInput
from langchain_onerouter_audio._params import SpeechOptions
from langchain_onerouter_audio._sentences import aiter_sentences, sentence_batches

if TYPE_CHECKING:
    from langchain_onerouter_audio.client import OneRouterAudioClient
    from langchain_onerouter_audio.synthesizer import AudioChunk

__all__ = ["SentenceStreamer"]


@dataclass(frozen=True)
class _Sentence:
    """One sentence in synthesis; its audio arrives in ``pieces``, ``None`` once it is done."""

    index: int
    text: str
    pieces: queue.Queue[bytes | None] = field(default_factory=queue.Queue)


@dataclass
class _ASentence:
    """Async :class:`_Sentence`: the task that speaks it, and the pieces it put."""

    index: int
    text: str
    pieces: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None


@dataclass(frozen=True)
class SentenceStreamer:
    """One streamed synthesis: the client, the request options and how far to read ahead."""

    client: OneRouterAudioClient
    options: SpeechOptions
    chunk: Callable[[int, str, bytes], AudioChunk]
    progressive: bool
    prefetch: int
    min_chars: int
    max_chars: int

    def _produce(self, sentence: _Sentence, stop: threading.Event) -> None:
        """Speak one sentence (in a worker thread) into its queue, piece by piece if asked."""
        try:
            if not self.progressive:
                sentence.pieces.put(self.client.speech(sentence.text, **self.options))
                return
            chunks = self.client.iter_speech(sentence.text, **self.options)
            with contextlib.closing(chunks):
                for piece in chunks:
                    if stop.is_set():
                        return  # the consumer stopped: close the response now
                    sentence.pieces.put(piece)
        finally:
            sentence.pieces.put(None)

    def _arrived(
        self, pending: deque[tuple[_Sentence, Future[None]]], *, wait: bool
    ) -> Iterator[AudioChunk]:
        """Hand out the audio that has arrived, in order; with ``wait``, finish the first."""
        while pending:
            sentence, future = pending[0]
            try:
                piece = sentence.pieces.get(block=wait)
            except queue.Empty:
                return
            if piece is not None:
                yield self.chunk(sentence.index, sentence.text, piece)
                continue
            future.result()  # re-raise what stopped it
            pending.popleft()
            if wait:
                return

    def speak(self, items: Iterator[SpeechInput], config: RunnableConfig) -> Iterator[AudioChunk]:
        """Read text here and synthesise in threads, up to ``prefetch`` sentences ahead.

        Audio that has arrived is handed out in order, checked each time more text arrives.
        """
        reader = AgentTextReader()
        texts = (piece for item in items for piece in reader.read(item))
        batches = sentence_batches(texts, min_chars=self.min_chars, max_chars=self.max_chars)
        pending: deque[tuple[_Sentence, Future[None]]] = deque()
        stop = threading.Event()
        index = 0
        with get_executor_for_config(config) as executor:
            try:
                for batch in batches:
                    for text in batch:
                        while len(pending) >= self.prefetch:
                            yield from self._arrived(pending, wait=True)
                        sentence = _Sentence(index, text)
                        pending.append((sentence, executor.submit(self._produce, sentence, stop)))
                        index += 1
                    yield from self._arrived(pending, wait=False)
                while pending:
                    yield from self._arrived(pending, wait=True)
            finally:
                stop.set()
                for _, future in pending:
                    future.cancel()

    async def _aproduce(self, sentence: _ASentence) -> None:
        try:
            if not self.progressive:
                audio = await self.client.aspeech(sentence.text, **self.options)
                sentence.pieces.put_nowait(audio)
                return
            chunks = self.client.aiter_speech(sentence.text, **self.options)
            async with contextlib.aclosing(chunks):
                async for piece in chunks:
                    sentence.pieces.put_nowait(piece)
        finally:
            sentence.pieces.put_nowait(None)

    async def aspeak(self, items: AsyncIterator[SpeechInput]) -> AsyncIterator[AudioChunk]:
        """Read text and start synthesis in one task; yield arrived audio in order here."""
        slots = asyncio.Semaphore(self.prefetch)
        queue_: asyncio.Queue[_ASentence | None] = asyncio.Queue()

        async def schedule() -> None:
            try:
                reader = AgentTextReader()
                texts = (piece async for item in items for piece in reader.read(item))
                index = 0
                async for text in aiter_sentences(
                    texts, min_chars=self.min_chars, max_chars=self.max_chars
                ):
                    await slots.acquire()
                    sentence = _ASentence(index, text)
                    sentence.task = asyncio.create_task(self._aproduce(sentence))
                    queue_.put_nowait(sentence)
                    index += 1
            finally:
                queue_.put_nowait(None)

        reader = asyncio.create_task(schedule())
        try:
            while (sentence := await queue_.get()) is not None:
                while (piece := await sentence.pieces.get()) is not None:
                    yield self.chunk(sentence.index, sentence.text, piece)
                assert sentence.task is not None
                await sentence.task  # re-raise what stopped it
                slots.release()
            await reader  # re-raise an error from the text stream
        finally:
            await _cancel(reader, queue_)


async def _cancel(reader: asyncio.Task[None], queue_: asyncio.Queue[_ASentence | None]) -> None:
    """Stop reading and drop unfinished synthesis when the consumer stops early or fails."""
    tasks: list[asyncio.Task[Any]] = [reader]
    while not queue_.empty():
        sentence = queue_.get_nowait()
        if sentence is not None and sentence.task is not None:
            tasks.append(sentence.task)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
