"""Pydantic models and constants of the audio API's wire format.

Model names and voices are open strings (OneRouter routes to many providers); the known
ones are exported as constants. Values fixed by the wire format are closed ``Literal`` types.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from typing_extensions import TypedDict

__all__ = [
    "AUDIO_FILE_EXTENSIONS",
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
    "CustomVoice",
    "DiarizedSegment",
    "Logprob",
    "Segment",
    "ServerVad",
    "SpeechAudioDelta",
    "SpeechAudioDone",
    "SpeechStreamEvent",
    "SpeechUsage",
    "StreamFormat",
    "TimestampGranularity",
    "TranscriptExtra",
    "TranscriptFormat",
    "TranscriptTextDelta",
    "TranscriptTextDone",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionLanguage",
    "TranscriptionStreamEvent",
    "TranscriptionVerbose",
    "TranslationFormat",
    "UploadFormat",
    "Usage",
    "UsageDuration",
    "UsageOther",
    "UsageTokens",
    "Voice",
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
AUDIO_FILE_EXTENSIONS: tuple[str, ...] = (*UPLOAD_FORMATS, "oga", "opus", "aac")
"""Extensions a folder load picks up: the API's own, and audio sent under the name its bytes
deserve (an Ogg ``.opus`` goes out as ``.ogg``)."""
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
    """Manual voice-activity-detection settings for ``chunking_strategy``.

    Sent as bracketed form fields (``chunking_strategy[type]=server_vad``), as the
    official SDK sends them; a plain dict of the same shape is taken too.
    """

    type: Literal["server_vad"] = "server_vad"
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None
    threshold: float | None = None


ChunkingStrategy = Literal["auto"] | ServerVad | dict[str, Any]
"""``"auto"``, a :class:`ServerVad`, or a dict of its shape (``{"type": "server_vad"}``)."""


class CustomVoice(TypedDict):
    """A custom voice made for the account, named by its id (``{"id": "voice_1234"}``)."""

    id: str


Voice = str | CustomVoice
"""A voice name (``"alloy"``) or a custom voice object (``{"id": "voice_1234"}``)."""


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


class UsageOther(_Wire):
    """Usage of a shape this package does not know, kept as the server sent it."""

    type: str | None = None


_TOKEN_FIELDS = ("input_tokens", "output_tokens", "total_tokens")


def _usage_kind(value: Any) -> str:
    """Which usage a body is: by its ``type`` when it has one, else by its fields.

    Servers (and the spec's own streaming example) send usage without ``type``; a shape
    that fits neither kind is kept as :class:`UsageOther` rather than failing the transcript.
    """
    if isinstance(value, BaseModel):
        return {UsageTokens: "tokens", UsageDuration: "duration"}.get(type(value), "other")
    if not isinstance(value, dict):
        return "other"
    kind = value.get("type")
    tokens = all(isinstance(value.get(name), int) for name in _TOKEN_FIELDS)
    seconds = isinstance(value.get("seconds"), (int, float))
    if kind in ("tokens", None) and tokens:
        return "tokens"
    if kind in ("duration", None) and seconds:
        return "duration"
    return "other"


Usage = Annotated[
    Annotated[UsageTokens, Tag("tokens")]
    | Annotated[UsageDuration, Tag("duration")]
    | Annotated[UsageOther, Tag("other")],
    Discriminator(_usage_kind),
]
"""Usage by tokens or by seconds (told apart by ``type``, else by fields), or as sent."""


class Logprob(_Wire):
    """Log probability of one token (``include=["logprobs"]``)."""

    token: str | None = None
    bytes: list[int] | None = None
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
    The decoder's statistics are None when the server leaves them out (they are not made up).
    """

    id: int
    start: float
    end: float
    text: str
    seek: int | None = None
    tokens: list[int] | None = None
    temperature: float | None = None
    avg_logprob: float | None = None
    compression_ratio: float | None = None
    no_speech_prob: float | None = None


class DiarizedSegment(_Wire):
    """One speaker turn of a ``diarized_json`` transcript (also a streamed event)."""

    id: str
    start: float
    end: float
    speaker: str
    text: str
    type: Literal["transcript.text.segment"] = "transcript.text.segment"


class TranscriptionLanguage(_Wire):
    """A language the server heard (``languages`` of a transcript)."""

    code: str


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
    languages: list[TranscriptionLanguage] | None = None
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
    segment_id: str | None = None


class TranscriptTextDone(_Wire):
    """The end of a streamed transcript: the whole text, and usage when reported.

    Always the last event of :meth:`OneRouterAudioClient.transcribe_stream`.
    """

    type: Literal["transcript.text.done"] = "transcript.text.done"
    text: str
    languages: list[TranscriptionLanguage] | None = None
    logprobs: list[Logprob] | None = None
    usage: Usage | None = None


TranscriptionStreamEvent = Annotated[
    TranscriptTextDelta | DiarizedSegment | TranscriptTextDone, Field(discriminator="type")
]


class SpeechUsage(_Wire):
    """Tokens a streamed speech request used (``speech.audio.done``)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None


class SpeechAudioDelta(_Wire):
    """A piece of streamed speech (``stream_format="sse"``): base64 audio."""

    type: Literal["speech.audio.delta"] = "speech.audio.delta"
    audio: str


class SpeechAudioDone(_Wire):
    """The end of streamed speech, with the tokens it used."""

    type: Literal["speech.audio.done"] = "speech.audio.done"
    usage: SpeechUsage | None = None


SpeechStreamEvent = Annotated[SpeechAudioDelta | SpeechAudioDone, Field(discriminator="type")]
