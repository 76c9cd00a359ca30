"""LangChain integration for OneRouter's Universal Audio API.

Text-to-speech, transcription and translation into English, as a typed client, LangChain
tools, a toolkit, a transcript document loader, a blob parser, a speech synthesizer and
agent middleware for voice. Heavy parts are imported
on first use so ``import langchain_onerouter_audio`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_onerouter_audio._message_audio import atranscribe_message, transcribe_message
    from langchain_onerouter_audio._retry import RetryPolicy
    from langchain_onerouter_audio.client import OneRouterAudioClient
    from langchain_onerouter_audio.document_loaders import OneRouterTranscriptLoader
    from langchain_onerouter_audio.errors import (
        OneRouterAPIError,
        OneRouterAuthenticationError,
        OneRouterBadRequestError,
        OneRouterConflictError,
        OneRouterConnectionError,
        OneRouterError,
        OneRouterInputError,
        OneRouterNotFoundError,
        OneRouterPayloadTooLargeError,
        OneRouterPermissionError,
        OneRouterRateLimitError,
        OneRouterResponseError,
        OneRouterServerError,
        OneRouterTimeoutError,
    )
    from langchain_onerouter_audio.middleware import OneRouterVoiceMiddleware
    from langchain_onerouter_audio.models import (
        Segment,
        ServerVad,
        SpeechUsage,
        Transcription,
        TranscriptionDiarized,
        TranscriptionVerbose,
        TranscriptTextDelta,
        TranscriptTextDone,
        Usage,
        UsageDuration,
        UsageOther,
        UsageTokens,
        Word,
    )
    from langchain_onerouter_audio.parsers import OneRouterAudioParser
    from langchain_onerouter_audio.synthesizer import AudioChunk, OneRouterSpeechSynthesizer
    from langchain_onerouter_audio.toolkits import OneRouterAudioToolkit
    from langchain_onerouter_audio.tools import (
        OneRouterTextToSpeechTool,
        OneRouterTranscriptionTool,
        OneRouterTranslationTool,
    )

_MODULE_EXPORTS: dict[str, tuple[str, ...]] = {
    "client": ("OneRouterAudioClient",),
    "_retry": ("RetryPolicy",),
    "_message_audio": ("atranscribe_message", "transcribe_message"),
    "tools": (
        "OneRouterTextToSpeechTool",
        "OneRouterTranscriptionTool",
        "OneRouterTranslationTool",
    ),
    "toolkits": ("OneRouterAudioToolkit",),
    "document_loaders": ("OneRouterTranscriptLoader",),
    "parsers": ("OneRouterAudioParser",),
    "synthesizer": ("AudioChunk", "OneRouterSpeechSynthesizer"),
    "middleware": ("OneRouterVoiceMiddleware",),
    "errors": (
        "OneRouterAPIError",
        "OneRouterAuthenticationError",
        "OneRouterBadRequestError",
        "OneRouterConflictError",
        "OneRouterConnectionError",
        "OneRouterError",
        "OneRouterInputError",
        "OneRouterNotFoundError",
        "OneRouterPayloadTooLargeError",
        "OneRouterPermissionError",
        "OneRouterRateLimitError",
        "OneRouterResponseError",
        "OneRouterServerError",
        "OneRouterTimeoutError",
    ),
    "models": (
        "Segment",
        "ServerVad",
        "SpeechUsage",
        "Transcription",
        "TranscriptionDiarized",
        "TranscriptionVerbose",
        "TranscriptTextDelta",
        "TranscriptTextDone",
        "Usage",
        "UsageDuration",
        "UsageOther",
        "UsageTokens",
        "Word",
    ),
}
_EXPORTS = {name: module for module, names in _MODULE_EXPORTS.items() for name in names}

__all__ = [
    "AudioChunk",
    "OneRouterAPIError",
    "OneRouterAudioClient",
    "OneRouterAudioParser",
    "OneRouterAudioToolkit",
    "OneRouterAuthenticationError",
    "OneRouterBadRequestError",
    "OneRouterConflictError",
    "OneRouterConnectionError",
    "OneRouterError",
    "OneRouterInputError",
    "OneRouterNotFoundError",
    "OneRouterPayloadTooLargeError",
    "OneRouterPermissionError",
    "OneRouterRateLimitError",
    "OneRouterResponseError",
    "OneRouterServerError",
    "OneRouterSpeechSynthesizer",
    "OneRouterTextToSpeechTool",
    "OneRouterTimeoutError",
    "OneRouterTranscriptLoader",
    "OneRouterTranscriptionTool",
    "OneRouterTranslationTool",
    "OneRouterVoiceMiddleware",
    "RetryPolicy",
    "Segment",
    "ServerVad",
    "SpeechUsage",
    "TranscriptTextDelta",
    "TranscriptTextDone",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionVerbose",
    "Usage",
    "UsageDuration",
    "UsageOther",
    "UsageTokens",
    "Word",
    "atranscribe_message",
    "transcribe_message",
]
__version__: str  # read on first use from the installed metadata (pyproject), not a copy


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from langchain_onerouter_audio._version import package_version

        globals()[name] = version = package_version()
        return version
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, "__version__"})
