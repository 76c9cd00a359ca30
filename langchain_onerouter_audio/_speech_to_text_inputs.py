"""What the speech-to-text tools take: the model's arguments, and the audio they name."""

from __future__ import annotations

from typing import Any

from langchain_core.documents.base import Blob
from pydantic import (
    BaseModel,
    Field,
    ValidatorFunctionWrapHandler,
    field_serializer,
    field_validator,
)

from langchain_onerouter_audio._audio_blocks import is_audio_block
from langchain_onerouter_audio.models import UPLOAD_FORMATS

__all__ = ["SpeechToTextInput", "ToolAudio", "TranscriptionInput"]

_FILE_PATH_DESCRIPTION = (
    "Path of the audio file, relative to the folder the tool may read "
    f"(formats: {', '.join(UPLOAD_FORMATS)})."
)


ToolAudio = str | dict[str, Any] | Blob
"""What ``file_path`` takes: the model gives a path (or a URL, when allowed); application
code may also give an audio content block or a ``Blob``. All are judged alike: paths inside
``root_dir``, URLs only when the tool allows them."""


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

    @field_validator("file_path", mode="wrap")
    @classmethod
    def _blocks_and_blobs_pass(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """The model sees a string; application code may give an audio block or a Blob."""
        if isinstance(value, Blob) or is_audio_block(value):
            return value
        return handler(value)

    @field_serializer("file_path")
    def _as_given(self, value: Any) -> Any:
        """A block or Blob is dumped as it is, not checked against ``str``."""
        return value


class TranscriptionInput(SpeechToTextInput):
    """Arguments the model gives to ``transcribe_audio``."""

    language: str | None = Field(
        default=None,
        description=(
            "Language code of the speech, e.g. 'en', 'de' or 'yue' (ISO-639), or a tag such "
            "as 'en-US'. Leave empty to detect it."
        ),
    )
