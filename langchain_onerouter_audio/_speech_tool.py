"""The text-to-speech tool: speak the model's text into a file, or into an audio block."""

# No ``from __future__ import annotations`` here: BaseTool reads the type hints of ``_run``
# on every call, and string annotations would be compiled and evaluated again each time
# (benchmarks/README.md has the cost).
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.messages import ToolMessage
from pydantic import BaseModel, Field, field_validator, model_validator
from typing_extensions import NotRequired, Self, TypedDict

from langchain_onerouter_audio._audio_blocks import audio_block
from langchain_onerouter_audio._folder_checks import check_writable_folder
from langchain_onerouter_audio._params import DEFAULT_TTS_MODEL, DEFAULT_VOICE, SpeechOptions
from langchain_onerouter_audio._tool_base import (
    DEFAULT_OUTPUT_DIR,
    AudioToolBase,
    absolute_folder,
    is_default_output_dir,
    model_fixable_errors,
    new_speech_path,
)
from langchain_onerouter_audio.models import (
    KNOWN_VOICES,
    MAX_SPEECH_INPUT_CHARS,
    AudioFormat,
    SpeechUsage,
    StreamFormat,
    Voice,
)

__all__ = ["OneRouterTextToSpeechTool", "SpeechArtifact", "TextToSpeechInput"]


class TextToSpeechInput(BaseModel):
    """Arguments the model gives to ``text_to_speech``."""

    text: str = Field(
        min_length=1,
        max_length=MAX_SPEECH_INPUT_CHARS,
        description=(
            "The exact words to speak aloud, in any language, as plain text without markup. "
            f"At most {MAX_SPEECH_INPUT_CHARS} characters."
        ),
    )
    voice: str | None = Field(
        default=None,
        description=(
            f"Voice to speak with, one of: {', '.join(KNOWN_VOICES)}. "
            "Leave empty for the default voice."
        ),
    )
    instructions: str | None = Field(
        default=None,
        max_length=MAX_SPEECH_INPUT_CHARS,
        description=(
            "How to speak: tone, emotion, pace or accent, e.g. 'warm and calm' or "
            "'excited sports commentator'. Leave empty for a neutral reading."
        ),
    )
    speed: float | None = Field(
        default=None,
        ge=0.25,
        le=4.0,
        description="Speaking rate from 0.25 (slow) to 4.0 (fast); 1.0 is normal.",
    )


class SpeechArtifact(TypedDict):
    """What the application gets with each spoken file."""

    path: str
    format: str
    bytes: int
    model: str
    voice: Voice
    usage: NotRequired[SpeechUsage]
    """Tokens used, when the server reports them (``stream_format="sse"``)."""


class OneRouterTextToSpeechTool(AudioToolBase):
    """Speak text aloud into an audio file inside ``output_dir``.

    The model gives ``text``, and optionally ``voice``, ``instructions`` (tone) and
    ``speed``. It reads back the file's path; the artifact is a :class:`SpeechArtifact`.
    File names are generated, and each file is written through a temporary file renamed
    into place, so none is overwritten or left half-written.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — speech params:
        model: str
            TTS model (default ``gpt-4o-mini-tts``), e.g. ``tts-1``, ``tts-1-hd``.
        voice: str
            Voice used when the model picks none (default ``alloy``).
        audio_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
            Format of the files written (default mp3): the API's ``response_format``.
        output_dir: Path
            Folder the files go to. By default a folder of the system's temporary
            folder, created private to this user.

    Key init args — client params:
        api_key, base_url, timeout, max_retries, max_upload_bytes
            As for :class:`OneRouterAudioClient`; or ``client=`` to share one (not both).

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterTextToSpeechTool

            tool = OneRouterTextToSpeechTool(
                output_dir="replies",
                voice="nova",
                # audio_format="wav",
                # api_key="...",
            )

    Invoke with args:
        .. code-block:: python

            tool.invoke({"text": "Your order has shipped.", "instructions": "cheerful"})

        .. code-block:: none

            '/srv/app/replies/speech-20261127T101500Z-3f9c2a1b7d4e.mp3'

    Invoke with ToolCall:
        .. code-block:: python

            tool.invoke(
                {
                    "args": {"text": "Your order has shipped."},
                    "id": "1",
                    "name": "text_to_speech",
                    "type": "tool_call",
                }
            )

        .. code-block:: none

            ToolMessage(
                content='/srv/app/replies/speech-20261127T101502Z-8a0e5b2c4f61.mp3',
                name='text_to_speech',
                tool_call_id='1',
                artifact={'path': '/srv/app/replies/speech-20261127T101502Z-8a0e5b2c4f61.mp3',
                          'format': 'mp3', 'bytes': 18432, 'model': 'gpt-4o-mini-tts',
                          'voice': 'nova'},
            )

        Text the model can fix (empty, over 4096 characters) comes back as the message
        content, with ``status='error'``; a bad key or exhausted retries raise.

    Async:
        .. code-block:: python

            await tool.ainvoke({"text": "Your order has shipped."})

    """

    name: str = "text_to_speech"
    description: str = (
        "Convert text into spoken audio and save it as a file. Use it when the user wants to "
        "hear an answer, or asks for a voice message or a recording. Returns the path of the "
        "audio file."
    )
    args_schema: type[BaseModel] = TextToSpeechInput

    model: str = DEFAULT_TTS_MODEL
    """TTS model, e.g. gpt-4o-mini-tts, tts-1, tts-1-hd."""
    voice: Voice = DEFAULT_VOICE
    """Voice used when the model does not pick one: a name, or a custom voice ``{"id": ...}``."""
    audio_format: AudioFormat = "mp3"
    """Audio format of the file written (the API's ``response_format``)."""
    stream_format: StreamFormat | None = None
    """``"sse"`` has the server report token usage, which the artifact then holds."""
    output_dir: Path = DEFAULT_OUTPUT_DIR
    """Folder the audio files are written to; file names are generated, never overwritten."""
    return_audio: Literal["path", "content_block"] = "path"
    """``"path"``: write a file in ``output_dir``, return its path. ``"content_block"``: return
    the audio itself, for audio-capable models and UIs: content and artifact are an
    ``AudioContentBlock`` (base64 data and MIME type), and no file is written."""

    _absolute_output_dir = field_validator("output_dir")(absolute_folder)

    @model_validator(mode="after")
    def _usable_output_dir(self) -> Self:
        """A folder the model cannot change must work now (the default one is made per call)."""
        if self.return_audio == "path" and not is_default_output_dir(self.output_dir):
            check_writable_folder(self.output_dir, "output_dir")
        return self

    def _target(self) -> Path:
        return new_speech_path(self.output_dir, self.audio_format)

    def _options(
        self, voice: str | None, instructions: str | None, speed: float | None
    ) -> SpeechOptions:
        return SpeechOptions(
            model=self.model,
            voice=voice or self.voice,
            instructions=instructions or None,  # models send '' for "not given"
            response_format=self.audio_format,
            speed=speed,
            stream_format=self.stream_format,
        )

    def _artifact(
        self, path: Path, options: SpeechOptions, usage: list[SpeechUsage]
    ) -> tuple[str, SpeechArtifact]:
        artifact = SpeechArtifact(
            path=str(path),
            format=self.audio_format,
            bytes=path.stat().st_size,
            model=self.model,
            voice=options["voice"],
        )
        if usage:
            artifact["usage"] = usage[-1]
        return str(path), artifact

    def _run(
        self,
        text: str,
        voice: str | None = None,
        instructions: str | None = None,
        speed: float | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str | list[dict[str, Any]], SpeechArtifact | dict[str, Any]]:
        options = self._options(voice, instructions, speed)
        usage: list[SpeechUsage] = []
        with model_fixable_errors():
            if self.return_audio == "content_block":
                return self._block(self.client.speech(text, **options))
            path = self.client.speech_to_file(
                self._target(), text, on_usage=usage.append, **options
            )
        return self._artifact(path, options, usage)

    async def _arun(
        self,
        text: str,
        voice: str | None = None,
        instructions: str | None = None,
        speed: float | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str | list[dict[str, Any]], SpeechArtifact | dict[str, Any]]:
        options = self._options(voice, instructions, speed)
        usage: list[SpeechUsage] = []
        with model_fixable_errors():
            if self.return_audio == "content_block":
                return self._block(await self.client.aspeech(text, **options))
            path = await self.client.aspeech_to_file(
                self._target(), text, on_usage=usage.append, **options
            )
        return self._artifact(path, options, usage)

    def _block(self, audio: bytes) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        block = audio_block(audio, self.audio_format)
        return [block], block

    # BaseTool keeps only text, image, file and a few other block types as ToolMessage
    # content and turns anything else into its repr; audio blocks are put back here.

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """BaseTool's ``run``, with an audio block kept as the ToolMessage's content."""
        return _audio_content(super().run(*args, **kwargs))

    async def arun(self, *args: Any, **kwargs: Any) -> Any:
        """Async :meth:`run`."""
        return _audio_content(await super().arun(*args, **kwargs))


def _audio_content(output: Any) -> Any:
    """A ToolMessage whose artifact is an audio block gets that block as its content."""
    if isinstance(output, ToolMessage) and output.status == "success":
        block = output.artifact
        if isinstance(block, dict) and block.get("type") == "audio":
            output.content = [block]
    return output
