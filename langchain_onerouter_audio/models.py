"""Pydantic models and constants of the audio API's wire format.

Model names and voices are open strings (OneRouter routes to many providers); the known
ones are exported as constants. Values fixed by the wire format are closed ``Literal`` types.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_BASE_URL",
    "KNOWN_TRANSCRIPTION_MODELS",
    "KNOWN_TTS_MODELS",
    "KNOWN_VOICES",
    "MAX_SPEECH_INPUT_CHARS",
    "MAX_UPLOAD_BYTES",
    "MODEL_TRANSCRIPT_FORMATS",
    "PCM_CHANNELS",
    "PCM_SAMPLE_RATE",
    "PCM_SAMPLE_WIDTH",
    "SPEECH_FORMATS",
    "SPEECH_MIME_TYPES",
    "UPLOAD_FORMATS",
    "UPLOAD_MIME_TYPES",
    "AudioFormat",
    "ChunkingStrategy",
    "DiarizedSegment",
    "Logprob",
    "Segment",
    "StreamFormat",
    "TimestampGranularity",
    "TranscriptExtra",
    "TranscriptFormat",
    "TranscriptTextDelta",
    "TranscriptTextDone",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionStreamEvent",
    "TranscriptionVerbose",
    "TranslationFormat",
    "UploadFormat",
    "Usage",
    "UsageDuration",
    "UsageTokens",
    "Word",
]

DEFAULT_BASE_URL = "https://audio.onerouter.pro/v1"
MAX_SPEECH_INPUT_CHARS = 4096
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

KNOWN_TTS_MODELS = ("gpt-4o-mini-tts", "tts-1", "tts-1-hd")
KNOWN_TRANSCRIPTION_MODELS = (
    "whisper-1",
    "gpt-4o-transcribe",
    "gpt-4o-mini-transcribe",
    "gpt-4o-transcribe-diarize",
)
KNOWN_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer",
    "verse", "marin", "cedar",
)  # fmt: skip

AudioFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
"""What the speech endpoint writes (its ``response_format``)."""
SPEECH_FORMATS: tuple[AudioFormat, ...] = get_args(AudioFormat)
UploadFormat = Literal["flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm"]
"""File extensions the transcription and translation endpoints read."""
UPLOAD_FORMATS: tuple[UploadFormat, ...] = get_args(UploadFormat)
StreamFormat = Literal["sse", "audio"]
"""How streamed speech comes: server-sent events, or the audio bytes as they are."""
TranscriptFormat = Literal["json", "text", "srt", "verbose_json", "vtt", "diarized_json"]
TranslationFormat = Literal["json", "text", "srt", "verbose_json", "vtt"]
TimestampGranularity = Literal["word", "segment"]
TranscriptExtra = Literal["logprobs"]
"""What a transcription's ``include`` may ask for besides the text."""

PCM_SAMPLE_RATE = 24_000
"""Samples per second of ``pcm`` audio."""
PCM_SAMPLE_WIDTH = 2
"""Bytes per ``pcm`` sample: 16-bit signed, little-endian."""
PCM_CHANNELS = 1
"""``pcm`` audio is mono."""

# Content types: of the audio the speech endpoint writes, and of the files sent to it.
SPEECH_MIME_TYPES: dict[AudioFormat, str] = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": f"audio/L16;rate={PCM_SAMPLE_RATE};channels={PCM_CHANNELS}",
}
UPLOAD_MIME_TYPES: dict[str, str] = {
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "mp4": "audio/mp4",
    "mpeg": "audio/mpeg",
    "mpga": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "webm": "audio/webm",
}

# The known models that give fewer formats than whisper-1; none of them gives verbose_json.
# Models not named here (whisper-1, and any OneRouter routes to) are not limited.
MODEL_TRANSCRIPT_FORMATS: dict[str, tuple[TranscriptFormat, ...]] = {
    "gpt-4o-transcribe": ("json", "text"),
    "gpt-4o-mini-transcribe": ("json", "text"),
    "gpt-4o-transcribe-diarize": ("json", "text", "diarized_json"),
}


class _Wire(BaseModel):
    """Response models keep fields the API adds later instead of dropping them."""

    model_config = ConfigDict(extra="allow")


class ServerVad(_Wire):
    """Manual voice-activity-detection settings for ``chunking_strategy``."""

    type: Literal["server_vad"] = "server_vad"
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None
    threshold: float | None = None


ChunkingStrategy = Literal["auto"] | ServerVad


class UsageTokens(_Wire):
    """Billing by tokens (the gpt-4o transcribe models), in ``usage`` of a transcript."""

    type: Literal["tokens"] = "tokens"
    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_token_details: dict[str, int] | None = None


class UsageDuration(_Wire):
    """Billing by audio seconds (whisper-1), in ``usage`` of a transcript."""

    type: Literal["duration"] = "duration"
    seconds: float


Usage = Annotated[UsageTokens | UsageDuration, Field(discriminator="type")]


class Logprob(_Wire):
    """Log probability of one token (``include=["logprobs"]``)."""

    token: str | None = None
    bytes: list[float] | None = None
    logprob: float | None = None


class Word(_Wire):
    """One word with its start and end in seconds.

    In :attr:`TranscriptionVerbose.words` when ``timestamp_granularities`` has ``"word"``.
    """

    word: str
    start: float
    end: float


class Segment(_Wire):
    """One segment of a verbose transcript; times in seconds from the start of the audio.

    The loader's and parser's ``segments`` mode makes one Document of each.
    """

    id: int
    start: float
    end: float
    text: str
    seek: int = 0
    tokens: list[int] = Field(default_factory=list)
    temperature: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 0.0
    no_speech_prob: float = 0.0


class DiarizedSegment(_Wire):
    """One speaker turn of a ``diarized_json`` transcript."""

    id: str
    start: float
    end: float
    speaker: str
    text: str
    type: Literal["transcript.text.segment"] = "transcript.text.segment"


class Transcription(_Wire):
    """The ``json`` response: the text, and usage when the API reports it.

    Returned by :meth:`OneRouterAudioClient.transcribe` and ``translate`` by default;
    fields the API adds later are kept, not dropped (as on every response model).

    Example:
        .. code-block:: python

            result = client.transcribe("hello.mp3")
            result.text, result.usage

        .. code-block:: none

            ('Hello, my name is Wolfgang ...', UsageDuration(type='duration', seconds=6.0))

    """

    text: str
    logprobs: list[Logprob] | None = None
    usage: Usage | None = None


class TranscriptionVerbose(_Wire):
    """The ``verbose_json`` response: text with language, duration, segments and words.

    Returned for ``response_format="verbose_json"``; the tools' default artifact.
    ``words`` is filled only when ``timestamp_granularities`` asks for words.

    Example:
        .. code-block:: python

            result = client.transcribe("lecture.mp3", response_format="verbose_json")
            result.language, result.duration, result.segments[0].start

        .. code-block:: none

            ('english', 24.1, 0.0)

    """

    text: str
    language: str | None = None
    duration: float | None = None
    task: str | None = None
    segments: list[Segment] | None = None
    words: list[Word] | None = None
    usage: Usage | None = None


class TranscriptionDiarized(_Wire):
    """The ``diarized_json`` response: text split into speaker turns.

    Returned for ``response_format="diarized_json"`` (gpt-4o-transcribe-diarize); each of
    ``segments`` is a :class:`DiarizedSegment` with its ``speaker``, ``start`` and ``end``.
    """

    text: str
    duration: float | None = None
    task: str | None = None
    segments: list[DiarizedSegment] = Field(default_factory=list)
    usage: Usage | None = None


class TranscriptTextDelta(_Wire):
    """A streamed piece of transcript text, from :meth:`OneRouterAudioClient.transcribe_stream`."""

    type: Literal["transcript.text.delta"] = "transcript.text.delta"
    delta: str
    logprobs: list[Logprob] | None = None


class TranscriptTextDone(_Wire):
    """The end of a streamed transcript: the whole text, and usage when reported.

    Always the last event of :meth:`OneRouterAudioClient.transcribe_stream`.
    """

    type: Literal["transcript.text.done"] = "transcript.text.done"
    text: str
    logprobs: list[Logprob] | None = None
    usage: Usage | None = None


TranscriptionStreamEvent = Annotated[
    TranscriptTextDelta | DiarizedSegment | TranscriptTextDone, Field(discriminator="type")
]
