"""OneRouterSpeechSynthesizer: speak a stream of text sentence by sentence.

Put it after a streaming LLM (``prompt | llm | StrOutputParser() | synthesizer``), or feed it
an agent's ``stream_mode="messages"`` output, and ``stream`` / ``astream`` yield the first
audio as soon as the first sentence is written, instead of after the whole answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForChainRun, CallbackManagerForChainRun
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from pydantic import Field

from langchain_onerouter_audio._agent_text import AgentTextReader, SpeechInput
from langchain_onerouter_audio._audio_join import check_joinable, join_audio
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._params import DEFAULT_TTS_MODEL, DEFAULT_VOICE
from langchain_onerouter_audio._sentences import DEFAULT_MIN_CHARS, split_sentences
from langchain_onerouter_audio._settings import SETTINGS_CONFIG, ClientSettingsMixin
from langchain_onerouter_audio._speech_streams import SentenceStreamer
from langchain_onerouter_audio.client import SpeechOptions
from langchain_onerouter_audio.models import (
    MAX_SPEECH_INPUT_CHARS,
    PCM_CHANNELS,
    PCM_SAMPLE_RATE,
    PCM_SAMPLE_WIDTH,
    SPEECH_MIME_TYPES,
    AudioFormat,
    Voice,
)

__all__ = [
    "PCM_CHANNELS",
    "PCM_SAMPLE_RATE",
    "PCM_SAMPLE_WIDTH",
    "AudioChunk",
    "OneRouterSpeechSynthesizer",
    "SpeechInput",
]


@dataclass(frozen=True)
class AudioChunk:
    """The speech for one piece of text, as :class:`OneRouterSpeechSynthesizer` yields it.

    ``audio`` is a whole file in ``format``, playable on its own; for ``pcm`` it is raw
    samples (24 kHz, 16-bit signed little-endian, mono) that can be appended to the
    previous chunk's. With ``progressive=True`` a sentence comes as several chunks with its
    ``index``, each the next bytes of its file as they arrived. Its repr shows the size of
    ``audio``, not the bytes.

    Instantiate:
        Made by the synthesizer; by hand only in tests:

        .. code-block:: python

            from langchain_onerouter_audio import AudioChunk

            chunk = AudioChunk(index=0, text="Hello.", audio=b"...", format="mp3")

    Invoke:
        .. code-block:: python

            print(chunk, chunk.mime_type)

        .. code-block:: none

            AudioChunk(index=0, text='Hello.', format='mp3', bytes=3) audio/mpeg

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


def _whole_text(item: SpeechInput) -> str:
    """The text to speak in one input: a string, or a message's assistant text."""
    return "".join(piece or "" for piece in AgentTextReader().read(item))


async def _single(item: SpeechInput) -> AsyncIterator[SpeechInput]:
    yield item


WHOLE_TEXT_CONCURRENCY = 4


def _whole_concurrency(config: RunnableConfig) -> int:
    """Pieces of one long text spoken at once: the config's ``max_concurrency``, or 4."""
    return config.get("max_concurrency") or WHOLE_TEXT_CONCURRENCY


class OneRouterSpeechSynthesizer(
    ClientSettingsMixin, RunnableSerializable[SpeechInput, AudioChunk]
):
    """A Runnable that turns (streamed) text into speech, one audio chunk per sentence.

    ``stream`` / ``transform`` (and their async forms) split the incoming text into
    sentences as it arrives and yield an :class:`AudioChunk` for each, in order, so the
    first audio is ready while the text is still being written. Synthesis runs up to
    ``prefetch`` sentences ahead of the consumer, while more text is read. ``invoke``
    speaks a whole text as one :class:`AudioChunk` (several calls joined when it exceeds
    the API's 4096-character limit; mp3, aac, wav and pcm only).

    Besides strings it reads what agents stream: ``AIMessageChunk``s and messages, and the
    ``(message_chunk, metadata)`` pairs of ``agent.stream(..., stream_mode="messages")``.
    Only assistant text is spoken (no tool calls, tool results or reasoning), and text of
    two model turns is never joined into one sentence.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — synthesis params:
        model: str
            TTS model (default ``gpt-4o-mini-tts``).
        voice: str
            Voice to speak with (default ``alloy``).
        audio_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
            Format of each chunk's audio (default mp3).
        instructions: str | None
            How to speak: tone, pace, accent.
        speed: float | None
            Speaking rate from 0.25 to 4.0.

    Key init args — streaming params:
        min_chars: int
            Sentences shorter than this are joined with the next.
        max_chars: int
            Longest text per call (at most 4096); longer sentences split at clause or
            word breaks.
        prefetch: int
            Sentences synthesised ahead of the consumer (default 2).
        progressive: bool
            Yield each sentence's audio bytes as they arrive (several chunks per sentence,
            sharing its ``index``) instead of one whole file per sentence.

    Key init args — client params:
        api_key, base_url, timeout, max_retries, max_upload_bytes
            As for :class:`OneRouterAudioClient`; or ``client=`` to share one (not both).

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterSpeechSynthesizer

            synthesizer = OneRouterSpeechSynthesizer(
                voice="coral",
                audio_format="mp3",
                # instructions="warm and calm",
                # prefetch=3,
            )

    Invoke:
        .. code-block:: python

            synthesizer.invoke("The sky is blue because air scatters blue light most.")

        .. code-block:: none

            AudioChunk(index=0, text='The sky is blue because air scatters blue light
            most.', format='mp3', bytes=52320)

    Stream:
        .. code-block:: python

            from langchain_core.output_parsers import StrOutputParser

            chain = prompt | llm | StrOutputParser() | synthesizer
            for chunk in chain.stream({"question": "Why is the sky blue?"}):
                print(chunk.index, chunk.text)
                player.play(chunk.audio)  # each chunk is a complete mp3 file

        .. code-block:: none

            0 Sunlight is made of many colours.
            1 Air scatters the blue part most, so blue reaches us from every direction.

    Async:
        .. code-block:: python

            await synthesizer.ainvoke("Hello!")

            # stream:
            # async for chunk in chain.astream({"question": "Why is the sky blue?"}):
            #     ...

    """

    model_config = SETTINGS_CONFIG

    model: str = DEFAULT_TTS_MODEL
    """TTS model, e.g. gpt-4o-mini-tts, tts-1, tts-1-hd."""
    voice: Voice = DEFAULT_VOICE
    """Voice to speak with, e.g. alloy, coral, nova, or a custom voice ``{"id": ...}``."""
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
    progressive: bool = False
    """Stream each sentence's audio as it arrives (``stream_format="audio"``): a sentence
    comes as several chunks, the first before its file is complete."""

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
        pieces = split_sentences(text, min_chars=self.max_chars, max_chars=self.max_chars)
        check_joinable(self.audio_format, len(pieces))
        return pieces or [text]  # empty text: let the client refuse it with its message

    def _chunk(self, index: int, text: str, audio: bytes) -> AudioChunk:
        return AudioChunk(index=index, text=text, audio=audio, format=self.audio_format)

    # -- whole text

    def _speak_whole(
        self, input: SpeechInput, run_manager: CallbackManagerForChainRun, config: RunnableConfig
    ) -> AudioChunk:
        """The pieces of a long text are spoken concurrently, then joined in order."""
        text = _whole_text(input)
        options = self._options()
        parts = ordered_map(
            lambda piece: self.client.speech(piece, **options),
            self._pieces(text),
            _whole_concurrency(config),
        )
        return self._chunk(0, text, join_audio(self.audio_format, list(parts)))

    async def _aspeak_whole(
        self,
        input: SpeechInput,
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> AudioChunk:
        text = _whole_text(input)
        options = self._options()
        parts = aordered_map(
            lambda piece: self.client.aspeech(piece, **options),
            self._pieces(text),
            _whole_concurrency(config),
        )
        return self._chunk(0, text, join_audio(self.audio_format, [part async for part in parts]))

    def invoke(
        self, input: SpeechInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AudioChunk:
        """Speak the whole ``input`` as one chunk (one file).

        Text over ``max_chars`` is spoken in several calls, packed by sentence, up to the
        config's ``max_concurrency`` (default 4) at once, and the audio joined in order into
        one file; opus and flac cannot be joined, so such text is refused in those formats
        before any call.

        Args:
            input: The text to speak, or a message whose text is spoken.
            config: The Runnable config (callbacks, tags, run name, ``max_concurrency``).
            **kwargs: Not used.

        Returns:
            An :class:`AudioChunk` with ``index`` 0, the whole text and its audio.

        Raises:
            TypeError: ``input`` is neither text nor a message.
            OneRouterInputError: The text is empty, or too long for an unjoinable format.
            OneRouterError: A request failed (see :meth:`OneRouterAudioClient.speech`).

        """
        return self._call_with_config(self._speak_whole, input, config)

    async def ainvoke(
        self, input: SpeechInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AudioChunk:
        """Async version of :meth:`invoke`; same arguments, result and errors."""
        return await self._acall_with_config(self._aspeak_whole, input, config)

    # -- streamed text: the engines are ``_speech_streams``

    def _streamer(self) -> SentenceStreamer:
        return SentenceStreamer(
            client=self.client,
            options=self._options(),
            chunk=self._chunk,
            progressive=self.progressive,
            prefetch=self.prefetch,
            min_chars=self.min_chars,
            max_chars=self.max_chars,
        )

    def _speak_stream(
        self,
        items: Iterator[SpeechInput],
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> Iterator[AudioChunk]:
        return self._streamer().speak(items, config)

    def _aspeak_stream(self, items: AsyncIterator[SpeechInput]) -> AsyncIterator[AudioChunk]:
        return self._streamer().aspeak(items)

    def transform(
        self, input: Iterator[SpeechInput], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[AudioChunk]:
        """Speak a stream of text or messages; yield each sentence's audio once it is spoken.

        Up to ``prefetch`` sentences are synthesised ahead, in the config's thread pool,
        while more text is read. Stopping early cancels synthesis not yet started.

        Args:
            input: Pieces of text (e.g. an LLM's streamed tokens), message chunks, or the
                ``(message_chunk, metadata)`` pairs of ``stream_mode="messages"``.
            config: The Runnable config (callbacks, tags, ``max_concurrency`` of the pool).
            **kwargs: Not used.

        Yields:
            One :class:`AudioChunk` per sentence (short ones joined up to ``min_chars``),
            in order, ``index`` counting from 0.

        Raises:
            TypeError: A piece is neither text nor a message.
            OneRouterError: A request failed (see :meth:`OneRouterAudioClient.speech`).

        """
        yield from self._transform_stream_with_config(input, self._speak_stream, config)

    def stream(
        self, input: SpeechInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[AudioChunk]:
        """Speak a whole text, yielding one chunk per sentence.

        Args:
            input: The text to speak.
            config: The Runnable config.
            **kwargs: Not used.

        Yields:
            One :class:`AudioChunk` per sentence, in order (see :meth:`transform`).

        """
        yield from self.transform(iter([input]), config, **kwargs)

    async def atransform(
        self,
        input: AsyncIterator[SpeechInput],
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[AudioChunk]:
        """Async version of :meth:`transform`, synthesising up to ``prefetch`` sentences ahead.

        Synthesis runs as tasks on the running loop; stopping early cancels those pending.
        """
        chunks = self._atransform_stream_with_config(input, self._aspeak_stream, config)
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            await _aclose(chunks)

    async def astream(
        self, input: SpeechInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[AudioChunk]:
        """Async version of :meth:`stream`."""
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
