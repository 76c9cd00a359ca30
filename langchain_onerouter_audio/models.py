"""Pydantic models and constants of the audio API's wire format.

Model names and voices are open strings (OneRouter routes to many providers); the known
ones are exported as constants. Values fixed by the wire format are closed ``Literal`` types.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_BASE_URL",
    "KNOWN_TRANSCRIPTION_MODELS",
    "KNOWN_TTS_MODELS",
    "KNOWN_VOICES",
    "MAX_SPEECH_INPUT_CHARS",
    "MAX_UPLOAD_BYTES",
    "SPEECH_FORMATS",
    "UPLOAD_FORMATS",
    "AudioFormat",
    "ChunkingStrategy",
    "DiarizedSegment",
    "Logprob",
    "Segment",
    "TimestampGranularity",
    "TranscriptFormat",
    "TranscriptTextDelta",
    "TranscriptTextDone",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionStreamEvent",
    "TranscriptionVerbose",
    "TranslationFormat",
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
SPEECH_FORMATS: tuple[AudioFormat, ...] = ("mp3", "opus", "aac", "flac", "wav", "pcm")
TranscriptFormat = Literal["json", "text", "srt", "verbose_json", "vtt", "diarized_json"]
TranslationFormat = Literal["json", "text", "srt", "verbose_json", "vtt"]
TimestampGranularity = Literal["word", "segment"]
UPLOAD_FORMATS = ("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm")


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
    """Billing by tokens (the gpt-4o transcribe models)."""

    type: Literal["tokens"] = "tokens"
    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_token_details: dict[str, int] | None = None


class UsageDuration(_Wire):
    """Billing by audio seconds (whisper-1)."""

    type: Literal["duration"] = "duration"
    seconds: float


Usage = Annotated[UsageTokens | UsageDuration, Field(discriminator="type")]


class Logprob(_Wire):
    """Log probability of one token (``include=["logprobs"]``)."""

    token: str | None = None
    bytes: list[float] | None = None
    logprob: float | None = None


class Word(_Wire):
    """One word with its start and end in seconds."""

    word: str
    start: float
    end: float


class Segment(_Wire):
    """One segment of a verbose transcript; times in seconds from the start of the audio."""

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
    """The ``json`` response: the text, and usage when the API reports it."""

    text: str
    logprobs: list[Logprob] | None = None
    usage: Usage | None = None


class TranscriptionVerbose(_Wire):
    """The ``verbose_json`` response: text with language, duration, segments and words."""

    text: str
    language: str | None = None
    duration: float | None = None
    task: str | None = None
    segments: list[Segment] | None = None
    words: list[Word] | None = None
    usage: Usage | None = None


class TranscriptionDiarized(_Wire):
    """The ``diarized_json`` response: text split into speaker turns."""

    text: str
    duration: float | None = None
    task: str | None = None
    segments: list[DiarizedSegment] = Field(default_factory=list)
    usage: Usage | None = None


class TranscriptTextDelta(_Wire):
    """A streamed piece of transcript text (``stream=True``)."""

    type: Literal["transcript.text.delta"] = "transcript.text.delta"
    delta: str
    logprobs: list[Logprob] | None = None


class TranscriptTextDone(_Wire):
    """The end of a streamed transcript: the whole text, and usage when reported."""

    type: Literal["transcript.text.done"] = "transcript.text.done"
    text: str
    logprobs: list[Logprob] | None = None
    usage: Usage | None = None


TranscriptionStreamEvent = Annotated[
    TranscriptTextDelta | DiarizedSegment | TranscriptTextDone, Field(discriminator="type")
]
