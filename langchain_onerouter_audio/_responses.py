"""Response parsers: turn a transcript body into the typed model its format promises."""

from __future__ import annotations

import pydantic

from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
)

__all__ = ["TranscriptResult", "parse_transcript"]

TranscriptResult = Transcription | TranscriptionVerbose | TranscriptionDiarized | str

_MODELS: dict[str, type[pydantic.BaseModel]] = {
    "json": Transcription,
    "verbose_json": TranscriptionVerbose,
    "diarized_json": TranscriptionDiarized,
}


def parse_transcript(
    response_format: str, body: bytes, *, request_id: str | None = None
) -> TranscriptResult:
    """Parse ``body`` for ``response_format``; text, srt and vtt come back as ``str``."""
    model = _MODELS.get(response_format)
    if model is None:
        return body.decode("utf-8", errors="replace")
    try:
        parsed = model.model_validate_json(body)
    except pydantic.ValidationError as error:
        raise OneRouterResponseError(
            f"The server's {response_format} response could not be read "
            f"({error.error_count()} problem(s), first: {error.errors()[0]['msg']}). "
            "The server may not be OpenAI-compatible, or the body was cut short.",
            request_id=request_id,
        ) from None
    assert isinstance(parsed, (Transcription, TranscriptionVerbose, TranscriptionDiarized))
    return parsed
