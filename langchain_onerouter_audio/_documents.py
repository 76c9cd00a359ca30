"""Turn a transcript into LangChain Documents, the same way for the loader and the parser."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.documents import Document

from langchain_onerouter_audio._passages import (
    Shaping,
    paragraph_documents,
    segment_documents,
    speaker_documents,
)
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio.models import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
)

__all__ = ["MODE_FORMATS", "Mode", "Task", "WireFormat", "transcript_documents"]

Mode = Literal["single", "segments", "paragraphs", "speakers", "srt", "vtt"]
Task = Literal["transcribe", "translate"]
WireFormat = Literal["json", "verbose_json", "diarized_json", "srt", "vtt"]

# json works with every transcription model; segments and paragraphs need verbose_json's
# timestamps, speaker turns the diarized_json of a diarizing model.
MODE_FORMATS: dict[Mode, WireFormat] = {
    "single": "json",
    "segments": "verbose_json",
    "paragraphs": "verbose_json",
    "speakers": "diarized_json",
    "srt": "srt",
    "vtt": "vtt",
}


def _known(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def transcript_documents(
    result: TranscriptResult,
    *,
    mode: Mode,
    source: str | None,
    model: str,
    task: Task,
    language: str | None,
    shaping: Shaping | None = None,
) -> list[Document]:
    """Documents for one recording's transcript.

    ``single`` gives one Document with the text, ``segments`` one per segment with
    ``segment_id``, ``start`` and ``end`` in seconds (and confidence, words), ``paragraphs``
    one per run of segments, ``speakers`` one per speaker turn, ``srt`` / ``vtt`` one holding
    the subtitle file. A recording with no speech gives no Documents in every mode but
    ``srt`` / ``vtt``, whose one Document is the subtitle file as given, cues or none.
    ``language`` is the requested one, used when the response names none.
    """
    detail = (
        result
        if isinstance(result, (Transcription, TranscriptionVerbose, TranscriptionDiarized))
        else None
    )
    verbose = result if isinstance(result, TranscriptionVerbose) else None
    timed = result if isinstance(result, (TranscriptionVerbose, TranscriptionDiarized)) else None
    usage = detail.usage if detail else None
    metadata = _known(
        source=source,
        model=model,
        task=task,
        language=(verbose.language if verbose else None) or language,
        duration=timed.duration if timed else None,
        usage=usage.model_dump(exclude_none=True) if usage else None,
    )
    shaping = shaping or Shaping()
    if mode in ("segments", "paragraphs"):
        if verbose is None:
            raise TypeError(f"{mode} mode needs a verbose_json transcript")
        build = segment_documents if mode == "segments" else paragraph_documents
        return build(verbose, metadata, shaping)
    if mode == "speakers":
        if not isinstance(result, TranscriptionDiarized):
            raise TypeError("speakers mode needs a diarized_json transcript")
        return speaker_documents(result, metadata)
    if mode in ("srt", "vtt"):  # the subtitle file as given, even one without cues
        return [Document(page_content=str(result), metadata=metadata)]
    text = detail.text.strip() if detail else str(result).strip()
    return [Document(page_content=text, metadata=metadata)] if text else []
