"""LangChain tools: speak text, transcribe audio, translate audio into English.

The tools return ``(content, artifact)``: content is what the model reads, the artifact is
the full typed result for the application. Problems the model can fix (a wrong path, an
unsupported file, text too long) come back to it as a ``ToolException`` message; problems
it cannot fix (a bad key, an exhausted retry budget) raise.

The classes live in private modules by job (``_tool_base``, ``_speech_tool``,
``_speech_to_text_inputs``, ``_speech_to_text_tools``); this module is their public address.
"""

from langchain_onerouter_audio._checks import check_transcript_format
from langchain_onerouter_audio._speech_to_text_inputs import SpeechToTextInput, TranscriptionInput
from langchain_onerouter_audio._speech_to_text_tools import (
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio._speech_tool import (
    OneRouterTextToSpeechTool,
    SpeechArtifact,
    TextToSpeechInput,
)
from langchain_onerouter_audio._tool_base import (
    DEFAULT_OUTPUT_DIR,
    absolute_folder,
    model_fixable_errors,
    new_speech_path,
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
