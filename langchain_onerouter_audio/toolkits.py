"""OneRouterAudioToolkit: the three audio tools, sharing one client and one folder policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, BaseToolkit
from pydantic import Field, field_validator, model_validator
from typing_extensions import Self

from langchain_onerouter_audio._checks import check_transcript_format
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    DEFAULT_TTS_MODEL,
    DEFAULT_VOICE,
)
from langchain_onerouter_audio.client import OneRouterAudioClient
from langchain_onerouter_audio.models import AudioFormat, TranslationFormat
from langchain_onerouter_audio.tools import (
    DEFAULT_OUTPUT_DIR,
    SETTINGS_CONFIG,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
    absolute_folder,
    client_from_settings,
)

__all__ = ["OneRouterAudioToolkit"]


class OneRouterAudioToolkit(BaseToolkit):
    """Gives an agent ``text_to_speech``, ``transcribe_audio`` and ``translate_audio``.

    One client (one connection pool) serves all three tools.

    Example:
        .. code-block:: python

            toolkit = OneRouterAudioToolkit(root_dir="recordings", output_dir="replies")
            agent = create_agent(model, tools=toolkit.get_tools())

    """

    model_config = SETTINGS_CONFIG

    _client_from_settings = model_validator(mode="before")(client_from_settings)

    client: OneRouterAudioClient = Field(default_factory=OneRouterAudioClient, exclude=True)
    root_dir: Path = Field(default_factory=Path.cwd)
    """Folder the transcription tools may read from."""
    output_dir: Path = DEFAULT_OUTPUT_DIR
    """Folder the speech tool writes to."""
    tts_model: str = DEFAULT_TTS_MODEL
    voice: str = DEFAULT_VOICE
    audio_format: AudioFormat = "mp3"
    transcription_model: str = DEFAULT_TRANSCRIPTION_MODEL
    transcript_format: TranslationFormat = "verbose_json"
    """Unless set, the tools pick it for the model: verbose_json, or json for gpt-4o."""

    _absolute_folders = field_validator("root_dir", "output_dir")(absolute_folder)

    @model_validator(mode="after")
    def _check_format(self) -> Self:
        """Refuse a format the model cannot give when the toolkit is built, not when used."""
        if "transcript_format" in self.model_fields_set:
            check_transcript_format(self.transcription_model, self.transcript_format)
        return self

    def get_tools(self) -> list[BaseTool]:
        """The three tools, in the order speak, transcribe, translate."""
        chosen: dict[str, Any] = (
            {"transcript_format": self.transcript_format}
            if "transcript_format" in self.model_fields_set
            else {}
        )
        return [
            OneRouterTextToSpeechTool(
                client=self.client,
                model=self.tts_model,
                voice=self.voice,
                audio_format=self.audio_format,
                output_dir=self.output_dir,
            ),
            *(
                tool(
                    client=self.client,
                    model=self.transcription_model,
                    root_dir=self.root_dir,
                    **chosen,
                )
                for tool in (OneRouterTranscriptionTool, OneRouterTranslationTool)
            ),
        ]
