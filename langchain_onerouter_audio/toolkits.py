"""OneRouterAudioToolkit: the three audio tools, sharing one client and one folder policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, BaseToolkit
from pydantic import Field, PrivateAttr, field_validator, model_validator
from typing_extensions import Self

from langchain_onerouter_audio._checks import check_transcript_format
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    DEFAULT_TTS_MODEL,
    DEFAULT_VOICE,
)
from langchain_onerouter_audio._settings import SETTINGS_CONFIG, ClientSettingsMixin
from langchain_onerouter_audio.models import (
    AudioFormat,
    ChunkingStrategy,
    TranslationFormat,
    Voice,
)
from langchain_onerouter_audio.tools import (
    DEFAULT_OUTPUT_DIR,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
    absolute_folder,
)

__all__ = ["OneRouterAudioToolkit"]

TOOL_NAMES = ("text_to_speech", "transcribe_audio", "translate_audio")


class OneRouterAudioToolkit(ClientSettingsMixin, BaseToolkit):
    """Gives an agent ``text_to_speech``, ``transcribe_audio`` and ``translate_audio``.

    One client (one connection pool) serves all the tools, which are built once, with the
    toolkit. ``selected_tools`` picks some of them, by name, in the order given; an unknown
    name, or a transcript format the model cannot give, is refused when it is built.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — folder params:
        root_dir: Path
            The only folder the transcription tools read from (default: working directory).
        output_dir: Path
            Folder the speech tool writes to (default: a private temporary folder).

    Key init args — tool params:
        tts_model: str
            Model of ``text_to_speech`` (default ``gpt-4o-mini-tts``).
        voice: str
            Its default voice (``alloy``).
        audio_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
            Its file format (mp3).
        transcription_model: str
            Model of ``transcribe_audio`` and ``translate_audio`` (default ``whisper-1``).
        transcript_format: Literal["json", "text", "srt", "verbose_json", "vtt"]
            Their ``response_format``; unless set, ``verbose_json`` (``json`` for gpt-4o).
        selected_tools: list[str] | None
            Names of the tools to give, in this order; all three when not set.

    Key init args — client params:
        api_key, base_url, timeout, max_retries, max_upload_bytes
            As for :class:`OneRouterAudioClient`; or ``client=`` to share one (not both).

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterAudioToolkit

            toolkit = OneRouterAudioToolkit(
                root_dir="recordings",
                output_dir="replies",
                # selected_tools=["transcribe_audio"],
            )

    Tools:
        .. code-block:: python

            [tool.name for tool in toolkit.get_tools()]

        .. code-block:: none

            ['text_to_speech', 'transcribe_audio', 'translate_audio']

    Use within an agent:
        .. code-block:: python

            from langchain.agents import create_agent

            agent = create_agent(model, tools=toolkit.get_tools())
            agent.invoke({"messages": [("user", "What does recordings/standup.m4a say?")]})

    """

    model_config = SETTINGS_CONFIG

    root_dir: Path = Field(default_factory=Path.cwd)
    """Folder the transcription tools may read from."""
    output_dir: Path = DEFAULT_OUTPUT_DIR
    """Folder the speech tool writes to."""
    tts_model: str = DEFAULT_TTS_MODEL
    """TTS model of ``text_to_speech``, e.g. gpt-4o-mini-tts, tts-1."""
    voice: Voice = DEFAULT_VOICE
    """Voice ``text_to_speech`` uses when the model picks none."""
    audio_format: AudioFormat = "mp3"
    """Format of the files ``text_to_speech`` writes (the API's ``response_format``)."""
    transcription_model: str = DEFAULT_TRANSCRIPTION_MODEL
    """Model of ``transcribe_audio`` and ``translate_audio``, e.g. whisper-1."""
    transcript_format: TranslationFormat = "verbose_json"
    """Unless set, the tools pick it for the model: verbose_json, or json for gpt-4o."""
    chunking_strategy: ChunkingStrategy | None = None
    """For transcription: "auto" or VAD settings (gpt-4o-transcribe-diarize over 30 s)."""
    selected_tools: list[str] | None = None
    """Names of the tools to give (text_to_speech, transcribe_audio, translate_audio), in
    this order; all three when not set."""

    _absolute_folders = field_validator("root_dir", "output_dir")(absolute_folder)
    _tools: list[BaseTool] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _build_tools(self) -> Self:
        """Build the chosen tools once; refuse what cannot work when built, not when used.

        That is a format the model cannot give, or an unknown tool name.
        """
        if "transcript_format" in self.model_fields_set:
            check_transcript_format(self.transcription_model, self.transcript_format)
        names = TOOL_NAMES if self.selected_tools is None else self.selected_tools
        unknown = [name for name in names if name not in TOOL_NAMES]
        if unknown:
            raise ValueError(
                f"Unknown tool name(s) in selected_tools: {', '.join(map(repr, unknown))}. "
                f"Choose from: {', '.join(TOOL_NAMES)}."
            )
        self._tools = [self._tool(name) for name in names]
        return self

    def _tool(self, name: str) -> BaseTool:
        if name == "text_to_speech":
            return OneRouterTextToSpeechTool(
                client=self.client,
                model=self.tts_model,
                voice=self.voice,
                audio_format=self.audio_format,
                output_dir=self.output_dir,
            )
        chosen: dict[str, Any] = (
            {"transcript_format": self.transcript_format}
            if "transcript_format" in self.model_fields_set
            else {}
        )
        if name == "translate_audio":
            return OneRouterTranslationTool(
                client=self.client, model=self.transcription_model, root_dir=self.root_dir, **chosen
            )
        return OneRouterTranscriptionTool(
            client=self.client,
            model=self.transcription_model,
            root_dir=self.root_dir,
            chunking_strategy=self.chunking_strategy,
            **chosen,
        )

    def get_tools(self) -> list[BaseTool]:
        """The tools built with the toolkit.

        Returns:
            A new list of the tools, sharing the toolkit's client: ``text_to_speech``,
            ``transcribe_audio`` and ``translate_audio``, or those in ``selected_tools``, in
            its order. The same tool objects on every call.

        """
        return list(self._tools)
