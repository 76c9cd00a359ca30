"""OneRouterSpeechSynthesizer: speak a stream of text sentence by sentence.

Put it after a streaming LLM (``prompt | llm | StrOutputParser() | synthesizer``) and
``stream`` / ``astream`` yield the first audio as soon as the first sentence is written,
instead of after the whole answer.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    CallbackManagerForChainRun,
)
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from langchain_core.runnables.config import get_executor_for_config
from pydantic import Field

from langchain_onerouter_audio._audio_join import check_joinable, join_audio
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._params import DEFAULT_TTS_MODEL, DEFAULT_VOICE
from langchain_onerouter_audio._sentences import (
    DEFAULT_MIN_CHARS,
    aiter_sentences,
    sentence_batches,
    split_sentences,
)
from langchain_onerouter_audio._settings import SETTINGS_CONFIG, ClientSettingsMixin
from langchain_onerouter_audio.client import SpeechOptions
from langchain_onerouter_audio.models import (
    MAX_SPEECH_INPUT_CHARS,
    PCM_CHANNELS,
    PCM_SAMPLE_RATE,
    PCM_SAMPLE_WIDTH,
    SPEECH_MIME_TYPES,
    AudioFormat,
)

__all__ = [
    "PCM_CHANNELS",
    "PCM_SAMPLE_RATE",
    "PCM_SAMPLE_WIDTH",
    "AudioChunk",
    "OneRouterSpeechSynthesizer",
]


@dataclass(frozen=True)
class AudioChunk:
    """The speech for one piece of text.

    ``audio`` is a whole file in ``format`` from one API call, playable on its own; for
    ``pcm`` it is raw samples (24 kHz, 16-bit signed little-endian, mono) that can be
    appended to the previous chunk's.
    """

    index: int
    """Position in the stream, from 0."""
    text: str
    """The text spoken."""
    audio: bytes = field(repr=False)
    """The audio bytes."""
    format: AudioFormat
    """Audio format of ``audio`` (the API's ``response_format``)."""

    @property
    def mime_type(self) -> str:
        """Content type of ``audio``, e.g. for an HTTP response."""
        return SPEECH_MIME_TYPES[self.format]

    def __repr__(self) -> str:
        return (
            f"AudioChunk(index={self.index}, text={self.text!r}, "
            f"format={self.format!r}, bytes={len(self.audio)})"
        )


def _text(piece: object) -> str:
    if not isinstance(piece, str):
        raise TypeError(
            f"OneRouterSpeechSynthesizer reads text, got {type(piece).__name__}. "
            "Put StrOutputParser() between the chat model and the synthesizer."
        )
    return piece


async def _single(text: str) -> AsyncIterator[str]:
    yield text


WHOLE_TEXT_CONCURRENCY = 4


def _whole_concurrency(config: RunnableConfig) -> int:
    """Pieces of one long text spoken at once: the config's ``max_concurrency``, or 4."""
    return config.get("max_concurrency") or WHOLE_TEXT_CONCURRENCY


class OneRouterSpeechSynthesizer(ClientSettingsMixin, RunnableSerializable[str, AudioChunk]):
    """A Runnable that turns (streamed) text into speech, one audio chunk per sentence.

    ``stream`` / ``transform`` (and their async forms) split the incoming text into
    sentences as it arrives and yield an :class:`AudioChunk` for each, in order, so the
    first audio is ready while the text is still being written. Synthesis runs up to
    ``prefetch`` sentences ahead of the consumer, while more text is read. ``invoke``
    speaks a whole text as one :class:`AudioChunk` (several calls joined when it exceeds
    the API's 4096-character limit; mp3, aac, wav and pcm only).

    Example:
        .. code-block:: python

            chain = prompt | llm | StrOutputParser() | OneRouterSpeechSynthesizer()
            for chunk in chain.stream({"question": "Why is the sky blue?"}):
                player.play(chunk.audio)  # each chunk is a complete mp3 file

    """

    model_config = SETTINGS_CONFIG

    model: str = DEFAULT_TTS_MODEL
    """TTS model, e.g. gpt-4o-mini-tts, tts-1, tts-1-hd."""
    voice: str = DEFAULT_VOICE
    """Voice to speak with, e.g. alloy, coral, nova."""
    audio_format: AudioFormat = "mp3"
    """Format of each chunk's audio (the API's ``response_format``)."""
    instructions: str | None = None
    """How to speak: tone, pace, accent (models that support it)."""
    speed: float | None = Field(default=None, ge=0.25, le=4.0)
    """Speaking rate from 0.25 to 4.0; 1.0 is normal."""
    min_chars: int = Field(default=DEFAULT_MIN_CHARS, ge=0)
    """Sentences shorter than this are joined with the next, to avoid choppy tiny calls."""
    max_chars: int = Field(default=MAX_SPEECH_INPUT_CHARS, ge=1, le=MAX_SPEECH_INPUT_CHARS)
    """Longest text sent in one call; longer sentences split at clause or word breaks."""
    prefetch: int = Field(default=2, ge=1)
    """How many sentences may be synthesised ahead of the consumer (threads or tasks)."""

    def _options(self) -> SpeechOptions:
        return SpeechOptions(
            model=self.model,
            voice=self.voice,
            instructions=self.instructions,
            response_format=self.audio_format,
            speed=self.speed,
        )

    def _pieces(self, text: str) -> list[str]:
        """As few calls as possible: sentences packed up to ``max_chars`` each.

        Pieces that could not be joined afterwards are refused here, before any is paid for.
        """
        pieces = split_sentences(_text(text), min_chars=self.max_chars, max_chars=self.max_chars)
        check_joinable(self.audio_format, len(pieces))
        return pieces or [text]  # empty text: let the client refuse it with its message

    def _chunk(self, index: int, text: str, audio: bytes) -> AudioChunk:
        return AudioChunk(index=index, text=text, audio=audio, format=self.audio_format)

    # -- whole text

    def _speak_whole(
        self, text: str, run_manager: CallbackManagerForChainRun, config: RunnableConfig
    ) -> AudioChunk:
        """The pieces of a long text are spoken concurrently, then joined in order."""
        options = self._options()
        parts = ordered_map(
            lambda piece: self.client.speech(piece, **options),
            self._pieces(text),
            _whole_concurrency(config),
        )
        return self._chunk(0, text, join_audio(self.audio_format, list(parts)))

    async def _aspeak_whole(
        self, text: str, run_manager: AsyncCallbackManagerForChainRun, config: RunnableConfig
    ) -> AudioChunk:
        options = self._options()
        parts = aordered_map(
            lambda piece: self.client.aspeech(piece, **options),
            self._pieces(text),
            _whole_concurrency(config),
        )
        return self._chunk(0, text, join_audio(self.audio_format, [part async for part in parts]))

    def invoke(self, input: str, config: RunnableConfig | None = None, **kwargs: Any) -> AudioChunk:
        """Speak the whole ``input`` as one chunk (one file).

        Text over ``max_chars`` is spoken in pieces, up to the config's ``max_concurrency``
        (default 4) at once, and joined in order.
        """
        return self._call_with_config(self._speak_whole, input, config)

    async def ainvoke(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AudioChunk:
        """Async :meth:`invoke`."""
        return await self._acall_with_config(self._aspeak_whole, input, config)

    # -- streamed text

    def _speak(self, index: int, sentence: str) -> AudioChunk:
        return self._chunk(index, sentence, self.client.speech(sentence, **self._options()))

    def _speak_stream(
        self,
        pieces: Iterator[str],
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> Iterator[AudioChunk]:
        """Read text here and synthesise in threads, up to ``prefetch`` sentences ahead.

        Finished chunks are handed out in order, checked each time more text arrives.
        """
        texts = (_text(piece) for piece in pieces)
        batches = sentence_batches(texts, min_chars=self.min_chars, max_chars=self.max_chars)
        pending: deque[Future[AudioChunk]] = deque()
        index = 0
        with get_executor_for_config(config) as executor:
            try:
                for batch in batches:
                    for sentence in batch:
                        while len(pending) >= self.prefetch:
                            yield pending.popleft().result()
                        pending.append(executor.submit(self._speak, index, sentence))
                        index += 1
                    while pending and pending[0].done():
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                for future in pending:
                    future.cancel()

    async def _aspeak_stream(self, pieces: AsyncIterator[str]) -> AsyncIterator[AudioChunk]:
        """Read text and start synthesis in one task; yield finished chunks in order here."""
        slots = asyncio.Semaphore(self.prefetch)
        queue: asyncio.Queue[asyncio.Task[AudioChunk] | None] = asyncio.Queue()

        async def speak(index: int, sentence: str) -> AudioChunk:
            return self._chunk(
                index, sentence, await self.client.aspeech(sentence, **self._options())
            )

        async def schedule() -> None:
            try:
                texts = (_text(piece) async for piece in pieces)
                index = 0
                async for sentence in aiter_sentences(
                    texts, min_chars=self.min_chars, max_chars=self.max_chars
                ):
                    await slots.acquire()
                    queue.put_nowait(asyncio.create_task(speak(index, sentence)))
                    index += 1
            finally:
                queue.put_nowait(None)

        reader = asyncio.create_task(schedule())
        try:
            while (task := await queue.get()) is not None:
                chunk = await task
                slots.release()
                yield chunk
            await reader  # re-raise an error from the text stream
        finally:
            await _cancel(reader, queue)

    def transform(
        self, input: Iterator[str], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[AudioChunk]:
        """Speak a stream of text; yield one chunk per sentence as soon as it is spoken."""
        yield from self._transform_stream_with_config(input, self._speak_stream, config)

    def stream(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[AudioChunk]:
        """Speak a whole text, yielding one chunk per sentence."""
        yield from self.transform(iter([input]), config, **kwargs)

    async def atransform(
        self, input: AsyncIterator[str], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[AudioChunk]:
        """Async :meth:`transform`, synthesising up to ``prefetch`` sentences ahead."""
        chunks = self._atransform_stream_with_config(input, self._aspeak_stream, config)
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            await _aclose(chunks)

    async def astream(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[AudioChunk]:
        """Async :meth:`stream`."""
        chunks = self.atransform(_single(input), config)
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            await _aclose(chunks)


async def _aclose(chunks: AsyncIterator[AudioChunk]) -> None:
    """Close a stream now, not at garbage collection, so pending synthesis stops with it."""
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()


async def _cancel(
    reader: asyncio.Task[None], queue: asyncio.Queue[asyncio.Task[AudioChunk] | None]
) -> None:
    """Stop reading and drop unfinished synthesis when the consumer stops early or fails."""
    tasks: list[asyncio.Task[Any]] = [reader]
    while not queue.empty():
        task = queue.get_nowait()
        if task is not None:
            tasks.append(task)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
