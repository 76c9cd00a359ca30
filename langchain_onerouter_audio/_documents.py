"""Turn a transcript into LangChain Documents, the same way for the loader and the parser."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.documents import Document

from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio.models import Transcription, TranscriptionVerbose

__all__ = ["MODE_FORMATS", "Mode", "Task", "WireFormat", "transcript_documents"]

Mode = Literal["single", "segments", "srt", "vtt"]
Task = Literal["transcribe", "translate"]
WireFormat = Literal["json", "verbose_json", "srt", "vtt"]

# json works with every transcription model; segments need verbose_json's timestamps.
MODE_FORMATS: dict[Mode, WireFormat] = {
    "single": "json",
    "segments": "verbose_json",
    "srt": "srt",
    "vtt": "vtt",
}


def _known(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _whole_as_segment(verbose: TranscriptionVerbose, metadata: dict[str, Any]) -> list[Document]:
    """A transcript that came without segments is one segment, not lost (silence gives none)."""
    text = verbose.text.strip()
    if not text:
        return []
    span = _known(segment_id=0, start=0.0, end=verbose.duration)
    return [Document(page_content=text, metadata={**metadata, **span})]


def transcript_documents(
    result: TranscriptResult,
    *,
    mode: Mode,
    source: str | None,
    model: str,
    task: Task,
    language: str | None,
) -> list[Document]:
    """Documents for one recording's transcript.

    ``single`` gives one Document with the text, ``segments`` one per segment with
    ``segment_id``, ``start`` and ``end`` in seconds, ``srt`` / ``vtt`` one holding the
    subtitle file. ``language`` is the requested one, used when the response names none.
    """
    detail = result if isinstance(result, (Transcription, TranscriptionVerbose)) else None
    verbose = result if isinstance(result, TranscriptionVerbose) else None
    usage = detail.usage if detail else None
    metadata = _known(
        source=source,
        model=model,
        task=task,
        language=(verbose.language if verbose else None) or language,
        duration=verbose.duration if verbose else None,
        usage=usage.model_dump(exclude_none=True) if usage else None,
    )
    if mode == "segments":
        if verbose is None:
            raise TypeError("segments mode needs a verbose_json transcript")
        if not verbose.segments:
            return _whole_as_segment(verbose, metadata)
        return [
            Document(
                page_content=segment.text.strip(),
                metadata={
                    **metadata,
                    "segment_id": segment.id,
                    "start": segment.start,
                    "end": segment.end,
                },
            )
            for segment in verbose.segments
        ]
    text = detail.text.strip() if detail else str(result)
    return [Document(page_content=text, metadata=metadata)]
