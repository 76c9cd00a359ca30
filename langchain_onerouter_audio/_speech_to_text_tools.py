"""The speech-to-text tools: transcribe audio, or translate it into English."""

# No ``from __future__ import annotations`` here: BaseTool reads the type hints of ``_run``
# on every call, and string annotations would be compiled and evaluated again each time
# (benchmarks/README.md has the cost).
import os
from pathlib import Path

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import (
    BaseModel,
    Field,
    field_validator,
    model_validator,
)
from typing_extensions import Self

from langchain_onerouter_audio._checks import check_transcript_format
from langchain_onerouter_audio._files import AudioInput, UploadFile, resolve_inside
from langchain_onerouter_audio._folder_checks import check_existing_folder
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TranscriptionOptions,
    TranslationOptions,
    transcription_fields,
)
from langchain_onerouter_audio._passages import speaker_lines
from langchain_onerouter_audio._remote import UrlPolicy
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._sources import Remote, Unwrapped, alocal_audio, local_audio, unwrap
from langchain_onerouter_audio._speech_to_text_inputs import (
    SpeechToTextInput,
    ToolAudio,
    TranscriptionInput,
)
from langchain_onerouter_audio._tool_base import (
    AudioToolBase,
    absolute_folder,
    model_fixable_errors,
)
from langchain_onerouter_audio._url_access import downloaded_upload, url_policy, urls_allowed
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import (
    ChunkingStrategy,
    TimestampGranularity,
    TranscriptFormat,
    TranscriptionDiarized,
    TranslationFormat,
)

__all__ = ["OneRouterTranscriptionTool", "OneRouterTranslationTool"]

_NO_SPEECH = "No speech was recognised in the audio file."


def _transcript_text(result: TranscriptResult) -> str:
    """What the model reads; an explicit note for silence, so it is not mistaken for failure.

    A diarized transcript reads as ``A: ...`` lines, so the model can tell who said what.
    """
    if isinstance(result, TranscriptionDiarized):
        text = speaker_lines(result)
    else:
        text = result if isinstance(result, str) else result.text
    return text if text.strip() else _NO_SPEECH


class _SpeechToTextTool(AudioToolBase):
    """Reads an audio file inside ``root_dir`` and returns its text."""

    model: str = DEFAULT_TRANSCRIPTION_MODEL
    """Speech-to-text model, e.g. whisper-1, gpt-4o-transcribe, gpt-4o-mini-transcribe."""
    transcript_format: TranslationFormat = "verbose_json"
    """The API's ``response_format``; verbose_json gives segments, language and duration.

    Unless set, json for the gpt-4o models, which give no verbose_json."""
    root_dir: Path = Field(default_factory=Path.cwd)
    """Only files inside this folder can be read; paths escaping it are refused."""
    allow_urls: bool = False
    """Fetch audio from any public http(s) URL the model gives. Off by default: a URL a
    model writes is untrusted input (private addresses stay refused either way)."""
    allowed_url_hosts: list[str] | None = None
    """Fetch audio only from these hosts (every redirect too), e.g. ``["cdn.example.com"]``;
    giving it allows URLs from them without ``allow_urls``."""

    _absolute_root_dir = field_validator("root_dir")(absolute_folder)

    @model_validator(mode="after")
    def _existing_root_dir(self) -> Self:
        """Every call would say "No file" for a root that is missing: refuse it now."""
        check_existing_folder(self.root_dir, "root_dir")
        return self

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

    def _permitted(self, file: ToolAudio) -> Unwrapped:
        """The audio ``file`` stands for, refused when it is a URL this tool may not fetch."""
        item = unwrap(file)
        if isinstance(item, Remote) and not urls_allowed(self.allow_urls, self.allowed_url_hosts):
            raise OneRouterInputError(
                "This tool reads files from its folder only, not URLs; give a file path."
            )
        return item

    def _url_policy(self) -> UrlPolicy:
        return url_policy(self.client, self.allowed_url_hosts)

    def _checked(self, audio: AudioInput | UploadFile, item: Unwrapped) -> UploadFile:
        """Local audio as an upload: a path only inside ``root_dir``, a download as its URL."""
        limit = self.client.max_upload_bytes
        if isinstance(audio, UploadFile):
            return audio
        if isinstance(item, Remote):  # ``audio`` is the downloaded file
            return downloaded_upload(audio, item.url, limit)
        if isinstance(audio, (str, os.PathLike)):  # from the model, a block or a blob
            return self._file(os.fspath(audio))
        return UploadFile.from_input(audio, max_bytes=limit)

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
        file_path: ToolAudio,
        prompt: str | None = None,
        language: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, TranscriptResult]:
        with model_fixable_errors():
            item = self._permitted(file_path)
            with local_audio(item, self._url_policy()) as audio:
                result = self._request(self._checked(audio, item), prompt, language)
        return _transcript_text(result), result

    async def _arun(
        self,
        file_path: ToolAudio,
        prompt: str | None = None,
        language: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, TranscriptResult]:
        with model_fixable_errors():
            item = self._permitted(file_path)
            async with alocal_audio(item, self._url_policy()) as audio:
                result = await self._arequest(self._checked(audio, item), prompt, language)
        return _transcript_text(result), result


class OneRouterTranscriptionTool(_SpeechToTextTool):
    """Transcribe an audio file (inside ``root_dir``) into text in its own language.

    The model gives ``file_path`` (relative to ``root_dir``), and optionally ``language``
    and ``prompt``. It reads back the transcript text (or a note that no speech was
    recognised); the artifact is the typed response, e.g. :class:`TranscriptionVerbose`.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — transcription params:
        model: str
            Speech-to-text model (default ``whisper-1``), e.g. ``gpt-4o-transcribe``.
        transcript_format: str
            json, text, srt, verbose_json, vtt or diarized_json: the API's
            ``response_format``. Unless set: ``verbose_json`` (segments,
            language, duration), or ``json`` for the gpt-4o models, which give no more. A
            format the model cannot give is refused when the tool is built.
        root_dir: Path
            The only folder files are read from (default: the working directory); a path
            leaving it through ``..``, an absolute path or a link is refused.

    Key init args — client params:
        api_key, base_url, timeout, max_retries, max_upload_bytes
            As for :class:`OneRouterAudioClient`; or ``client=`` to share one (not both).

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterTranscriptionTool

            tool = OneRouterTranscriptionTool(
                root_dir="recordings",
                # model="gpt-4o-transcribe",  # then json or text only
                # transcript_format="srt",
            )

    Invoke with args:
        .. code-block:: python

            tool.invoke({"file_path": "hello.mp3", "language": "en"})

        .. code-block:: none

            'Hello, my name is Wolfgang and I come from Germany. Where are you heading today?'

    Invoke with ToolCall:
        .. code-block:: python

            msg = tool.invoke(
                {
                    "args": {"file_path": "hello.mp3"},
                    "id": "1",
                    "name": "transcribe_audio",
                    "type": "tool_call",
                }
            )
            print(msg.content)
            print(msg.artifact.language, msg.artifact.duration, len(msg.artifact.segments))

        .. code-block:: none

            Hello, my name is Wolfgang and I come from Germany. Where are you heading today?
            english 5.3 2

        A file the model can fix (missing, outside ``root_dir``, not audio, too large)
        comes back as the message content, with ``status='error'``; a bad key or
        exhausted retries raise.

    Async:
        .. code-block:: python

            await tool.ainvoke({"file_path": "hello.mp3"})

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
    chunking_strategy: ChunkingStrategy | None = None
    """How the server cuts the audio: "auto", or a ServerVad / dict of its shape. The
    gpt-4o-transcribe-diarize model needs it for audio over 30 seconds."""
    timestamp_granularities: list[TimestampGranularity] | None = None
    """``["word"]`` and/or ``["segment"]`` timestamps in the artifact (verbose_json only)."""
    known_speaker_names: list[str] | None = None
    """Up to four names for gpt-4o-transcribe-diarize to label speakers with (the content
    then reads ``Name: ...``), paired with ``known_speaker_references``."""
    known_speaker_references: list[str] | None = None
    """Audio samples of the known speakers, as data URLs (``data:audio/wav;base64,...``)."""

    @model_validator(mode="after")
    def _check_request_options(self) -> Self:
        """Refuse settings every call would fail on when the tool is built, not per call."""
        transcription_fields(self.transcript_format, **self._options(None, None))
        return self

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
            chunking_strategy=self.chunking_strategy,
            timestamp_granularities=self.timestamp_granularities,
            known_speaker_names=self.known_speaker_names,
            known_speaker_references=self.known_speaker_references,
        )


class OneRouterTranslationTool(_SpeechToTextTool):
    """Translate speech in an audio file (inside ``root_dir``) into English text.

    The model gives ``file_path`` (relative to ``root_dir``) and optionally ``prompt``. It
    reads back the English text; the artifact is the typed response. Paths, errors and
    client settings work as for :class:`OneRouterTranscriptionTool`.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — translation params:
        model: str
            Speech-to-text model (default ``whisper-1``).
        transcript_format: Literal["json", "text", "srt", "verbose_json", "vtt"]
            The API's ``response_format``; unless set, ``verbose_json``, or ``json`` for
            the gpt-4o models.
        root_dir: Path
            The only folder files are read from (default: the working directory).

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterTranslationTool

            tool = OneRouterTranslationTool(root_dir="recordings")

    Invoke with args:
        .. code-block:: python

            tool.invoke({"file_path": "german.mp3"})

        .. code-block:: none

            'Hello, my name is Wolfgang and I come from Germany. Where are you going today?'

    Invoke with ToolCall:
        .. code-block:: python

            tool.invoke(
                {
                    "args": {"file_path": "german.mp3"},
                    "id": "2",
                    "name": "translate_audio",
                    "type": "tool_call",
                }
            )

        .. code-block:: none

            ToolMessage(
                content='Hello, my name is Wolfgang and I come from Germany. Where are you
                going today?',
                name='translate_audio',
                tool_call_id='2',
                artifact=TranscriptionVerbose(text='Hello, my name is ...', language='english',
                                              duration=5.7, task='translate', segments=[...]),
            )

    Async:
        .. code-block:: python

            await tool.ainvoke({"file_path": "german.mp3"})

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
