"""LangChain tools: speak text, transcribe audio, translate audio into English.

The tools return ``(content, artifact)``: content is what the model reads, the artifact is
the full typed result for the application. Problems the model can fix (a wrong path, an
unsupported file, text too long) come back to it as a ``ToolException`` message; problems
it cannot fix (a bad key, an exhausted retry budget) raise.
"""

# No ``from __future__ import annotations`` here: BaseTool reads the type hints of ``_run``
# on every call, and string annotations would be compiled and evaluated again each time.
import contextlib
import getpass
import os
import stat
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypedDict

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, ToolException
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.v1 import ValidationError as ValidationErrorV1
from typing_extensions import Self

from langchain_onerouter_audio._audio_blocks import audio_block
from langchain_onerouter_audio._checks import check_transcript_format
from langchain_onerouter_audio._files import UploadFile, resolve_inside
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    DEFAULT_TTS_MODEL,
    DEFAULT_VOICE,
    TranscriptionOptions,
    TranslationOptions,
)
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._settings import SETTINGS_CONFIG, ClientSettingsMixin
from langchain_onerouter_audio.client import SpeechOptions
from langchain_onerouter_audio.errors import (
    OneRouterBadRequestError,
    OneRouterError,
    OneRouterInputError,
    OneRouterPayloadTooLargeError,
)
from langchain_onerouter_audio.models import (
    KNOWN_VOICES,
    MAX_SPEECH_INPUT_CHARS,
    UPLOAD_FORMATS,
    AudioFormat,
    TranscriptFormat,
    TranslationFormat,
)

__all__ = [
    "DEFAULT_OUTPUT_DIR",
    "OneRouterTextToSpeechTool",
    "OneRouterTranscriptionTool",
    "OneRouterTranslationTool",
    "SpeechArtifact",
    "SpeechToTextInput",
    "TextToSpeechInput",
    "TranscriptionInput",
    "absolute_folder",
    "check_transcript_format",
    "model_fixable_errors",
    "new_speech_path",
]

_USER = str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()
DEFAULT_OUTPUT_DIR = Path(tempfile.gettempdir()) / f"langchain-onerouter-audio-{_USER}"
_NO_SPEECH = "No speech was recognised in the audio file."


def absolute_folder(path: Path) -> Path:
    """Fix a relative folder against the working directory of now, so a chdir cannot move it.

    ``absolute``, not ``resolve``: links stay as given (the default output folder is
    compared by name, and the root is resolved on each call anyway).
    """
    return path.expanduser().absolute()


def _private_output_dir(path: Path) -> Path:
    """Create the shared-temp default folder for this user only, and refuse a foreign one.

    ``lstat``, not ``stat``: a link planted at the name would otherwise pass the check on
    whatever private folder of this user it points at.
    """
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        problem = "is a symbolic link"
    elif not stat.S_ISDIR(status.st_mode):
        problem = "is not a folder"
    elif hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o077):
        problem = "is not private to this user"
    else:
        return path
    raise OneRouterError(
        f"The default output folder {str(path)!r} {problem}. "
        "Set output_dir= on the speech tool to a folder of your own."
    )


def new_speech_path(output_dir: Path, audio_format: str) -> Path:
    """A fresh file name for speech in ``output_dir`` (the default folder: private, made here)."""
    folder = _private_output_dir(output_dir) if output_dir == DEFAULT_OUTPUT_DIR else output_dir
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"speech-{stamp}-{uuid.uuid4().hex[:12]}.{audio_format}"


@contextlib.contextmanager
def model_fixable_errors() -> Iterator[None]:
    """Re-raise what the model can correct as ToolException; let the rest propagate."""
    try:
        yield
    except OneRouterInputError as error:
        raise ToolException(str(error)) from error
    except (OneRouterBadRequestError, OneRouterPayloadTooLargeError) as error:
        raise ToolException(f"The audio API refused the request: {error.message}") from error


def _explain_invalid_arguments(error: ValidationError | ValidationErrorV1) -> str:
    """Tell the model which argument was wrong and why, so it can call again correctly."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'arguments'}: {item['msg']}"
        for item in error.errors()
    )
    return f"Invalid arguments ({problems}). Fix them and call the tool again."


class _OneRouterAudioTool(ClientSettingsMixin, BaseTool):
    """Shared settings: one client, content-and-artifact output, readable tool errors."""

    model_config = SETTINGS_CONFIG

    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: bool | str | Any = True
    handle_validation_error: bool | str | Any = Field(default=_explain_invalid_arguments)


# -- text to speech


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
    voice: str


class OneRouterTextToSpeechTool(_OneRouterAudioTool):
    """Speak text aloud into an audio file inside ``output_dir``.

    Returns the file path as content, and a :class:`SpeechArtifact` as artifact.

    Example:
        .. code-block:: python

            tool = OneRouterTextToSpeechTool(output_dir="speech")
            msg = tool.invoke({"type": "tool_call", "id": "1", "name": "text_to_speech",
                               "args": {"text": "Hello!"}})
            msg.artifact["path"]

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
    voice: str = DEFAULT_VOICE
    """Voice used when the model does not pick one."""
    audio_format: AudioFormat = "mp3"
    """Audio format of the file written (the API's ``response_format``)."""
    output_dir: Path = DEFAULT_OUTPUT_DIR
    """Folder the audio files are written to; file names are generated, never overwritten."""
    return_audio: Literal["path", "content_block"] = "path"
    """``"path"``: write a file in ``output_dir``, return its path. ``"content_block"``: return
    the audio itself, for audio-capable models and UIs: content and artifact are an
    ``AudioContentBlock`` (base64 data and MIME type), and no file is written."""

    _absolute_output_dir = field_validator("output_dir")(absolute_folder)

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
        )

    def _artifact(self, path: Path, options: SpeechOptions) -> tuple[str, SpeechArtifact]:
        artifact = SpeechArtifact(
            path=str(path),
            format=self.audio_format,
            bytes=path.stat().st_size,
            model=self.model,
            voice=options["voice"],
        )
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
        with model_fixable_errors():
            if self.return_audio == "content_block":
                return self._block(self.client.speech(text, **options))
            path = self.client.speech_to_file(self._target(), text, **options)
        return self._artifact(path, options)

    async def _arun(
        self,
        text: str,
        voice: str | None = None,
        instructions: str | None = None,
        speed: float | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str | list[dict[str, Any]], SpeechArtifact | dict[str, Any]]:
        options = self._options(voice, instructions, speed)
        with model_fixable_errors():
            if self.return_audio == "content_block":
                return self._block(await self.client.aspeech(text, **options))
            path = await self.client.aspeech_to_file(self._target(), text, **options)
        return self._artifact(path, options)

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


# -- speech to text

_FILE_PATH_DESCRIPTION = (
    "Path of the audio file, relative to the folder the tool may read "
    f"(formats: {', '.join(UPLOAD_FORMATS)})."
)


class SpeechToTextInput(BaseModel):
    """Arguments the model gives to ``translate_audio``."""

    file_path: str = Field(min_length=1, description=_FILE_PATH_DESCRIPTION)
    prompt: str | None = Field(
        default=None,
        description=(
            "Optional hint text: names, jargon or the previous part of the transcript, to "
            "guide spelling and style. Leave empty if unsure."
        ),
    )


class TranscriptionInput(SpeechToTextInput):
    """Arguments the model gives to ``transcribe_audio``."""

    language: str | None = Field(
        default=None,
        description=(
            "Two-letter ISO-639-1 code of the spoken language, e.g. 'en' or 'de'. "
            "Leave empty to detect it."
        ),
    )


def _transcript_text(result: TranscriptResult) -> str:
    """What the model reads; an explicit note for silence, so it is not mistaken for failure."""
    text = result if isinstance(result, str) else result.text
    return text if text.strip() else _NO_SPEECH


class _SpeechToTextTool(_OneRouterAudioTool):
    """Reads an audio file inside ``root_dir`` and returns its text."""

    model: str = DEFAULT_TRANSCRIPTION_MODEL
    """Speech-to-text model, e.g. whisper-1, gpt-4o-transcribe, gpt-4o-mini-transcribe."""
    transcript_format: TranslationFormat = "verbose_json"
    """The API's ``response_format``; verbose_json gives segments, language and duration.

    Unless set, json for the gpt-4o models, which give no verbose_json."""
    root_dir: Path = Field(default_factory=Path.cwd)
    """Only files inside this folder can be read; paths escaping it are refused."""

    _absolute_root_dir = field_validator("root_dir")(absolute_folder)

    @model_validator(mode="after")
    def _format_for_model(self) -> Self:
        """Check a format that was asked for; else use json for gpt-4o (no verbose_json)."""
        if "transcript_format" in self.model_fields_set:
            check_transcript_format(self.model, self.transcript_format)
        elif self.model.startswith("gpt-4o"):
            self.transcript_format = "json"
        return self

    def _file(self, file_path: str) -> UploadFile:
        """The checked file inside ``root_dir``; errors the model reads name it as the model did.

        The resolved, absolute path would tell the model where ``root_dir`` lies on the host;
        the model only needs its own relative path back.
        """
        path = resolve_inside(self.root_dir, file_path)
        return UploadFile.from_input(
            path, max_bytes=self.client.max_upload_bytes, shown_as=file_path
        )

    def _request(
        self, upload: UploadFile, prompt: str | None, language: str | None
    ) -> TranscriptResult:
        """Send the checked file to the tool's endpoint."""
        raise NotImplementedError

    async def _arequest(
        self, upload: UploadFile, prompt: str | None, language: str | None
    ) -> TranscriptResult:
        """Async :meth:`_request`."""
        raise NotImplementedError

    def _run(
        self,
        file_path: str,
        prompt: str | None = None,
        language: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, TranscriptResult]:
        with model_fixable_errors():
            result = self._request(self._file(file_path), prompt, language)
        return _transcript_text(result), result

    async def _arun(
        self,
        file_path: str,
        prompt: str | None = None,
        language: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, TranscriptResult]:
        with model_fixable_errors():
            result = await self._arequest(self._file(file_path), prompt, language)
        return _transcript_text(result), result


class OneRouterTranscriptionTool(_SpeechToTextTool):
    """Transcribe an audio file (inside ``root_dir``) into text in its own language.

    Returns the transcript text as content and the typed response as artifact.
    """

    transcript_format: TranscriptFormat = "verbose_json"  # type: ignore[assignment]
    """The API's ``response_format``; verbose_json gives segments, language and duration.

    Unless set, json for the gpt-4o models, which give no verbose_json."""
    name: str = "transcribe_audio"
    description: str = (
        "Transcribe speech in an audio file into text, in the language that is spoken. Use it "
        "to find out what a recording, voice message or meeting says. Returns the transcript."
    )
    args_schema: type[BaseModel] = TranscriptionInput

    def _request(
        self, upload: UploadFile, prompt: str | None, language: str | None
    ) -> TranscriptResult:
        fmt = self.transcript_format
        return self.client.transcribe(
            upload, response_format=fmt, **self._options(prompt, language)
        )

    async def _arequest(
        self, upload: UploadFile, prompt: str | None, language: str | None
    ) -> TranscriptResult:
        fmt = self.transcript_format
        options = self._options(prompt, language)
        return await self.client.atranscribe(upload, response_format=fmt, **options)

    def _options(self, prompt: str | None, language: str | None) -> TranscriptionOptions:
        return TranscriptionOptions(
            model=self.model,
            prompt=prompt,
            language=language or None,  # models send '' for "detect it"
        )


class OneRouterTranslationTool(_SpeechToTextTool):
    """Translate speech in an audio file (inside ``root_dir``) into English text.

    Returns the English text as content and the typed response as artifact.
    """

    name: str = "translate_audio"
    description: str = (
        "Translate speech in an audio file from any language into English text. Use it when "
        "a recording is not in English and the user needs to know what it says in English."
    )
    args_schema: type[BaseModel] = SpeechToTextInput

    def _request(
        self, upload: UploadFile, prompt: str | None, language: str | None
    ) -> TranscriptResult:
        """``language`` is never given: the translation's schema has none (always English)."""
        fmt = self.transcript_format
        return self.client.translate(upload, response_format=fmt, **self._options(prompt))

    async def _arequest(
        self, upload: UploadFile, prompt: str | None, language: str | None
    ) -> TranscriptResult:
        fmt = self.transcript_format
        return await self.client.atranslate(upload, response_format=fmt, **self._options(prompt))

    def _options(self, prompt: str | None) -> TranslationOptions:
        return TranslationOptions(model=self.model, prompt=prompt)
