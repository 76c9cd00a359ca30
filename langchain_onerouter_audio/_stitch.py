"""Stitch the transcripts of a long recording's chunks into one, as if sent whole.

Every timestamp of a chunk is shifted by the chunk's offset in the recording; segments and
subtitle cues are renumbered; usage is added up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio.models import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
    Usage,
    UsageDuration,
    UsageTokens,
)

__all__ = ["stitch_transcripts"]

# hh:mm:ss,mmm (SRT) or [hh:]mm:ss.mmm (WebVTT)
_TIMESTAMP = re.compile(r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})")
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")


def _join_text(texts: Sequence[str]) -> str:
    return " ".join(text.strip() for text in texts if text.strip())


def _total_usage(usages: Sequence[Usage | None]) -> Usage | None:
    """The sum of the chunks' usage, or None unless every chunk reported the same kind."""
    if all(isinstance(usage, UsageDuration) for usage in usages):
        return UsageDuration(seconds=sum(u.seconds for u in usages if isinstance(u, UsageDuration)))
    tokens = [usage for usage in usages if isinstance(usage, UsageTokens)]
    if len(tokens) != len(usages):
        return None
    details: dict[str, int] = {}
    for usage in tokens:
        for name, count in (usage.input_token_details or {}).items():
            details[name] = details.get(name, 0) + count
    return UsageTokens(
        input_tokens=sum(u.input_tokens for u in tokens),
        output_tokens=sum(u.output_tokens for u in tokens),
        total_tokens=sum(u.total_tokens for u in tokens),
        input_token_details=details or None,
    )


def _shifted(item: BaseModel, offset: float, **changes: Any) -> dict[str, Any]:
    """``item`` (a segment or word) as a dict, moved ``offset`` seconds later."""
    times = {name: round(getattr(item, name) + offset, 3) for name in ("start", "end")}
    return {**item.model_dump(), **times, **changes}


def _shift_verbose(parts: Sequence[tuple[float, TranscriptionVerbose]]) -> dict[str, Any]:
    segments: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    for offset, part in parts:
        segments.extend(
            _shifted(segment, offset, id=index)
            for index, segment in enumerate(part.segments or (), start=len(segments))
        )
        words.extend(_shifted(word, offset) for word in part.words or ())
    return {"segments": segments, "words": words or None}


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}{separator}{millis % 1000:03d}"


def _shift_cue(block: str, offset: float, separator: str) -> str:
    def shift(match: re.Match[str]) -> str:
        hours, minutes, seconds, millis = (int(group or 0) for group in match.groups())
        total = hours * 3600 + minutes * 60 + seconds + millis / 1000 + offset
        return _timestamp(total, separator)

    return "\n".join(
        _TIMESTAMP.sub(shift, line) if "-->" in line else line for line in block.split("\n")
    )


def _stitch_subtitles(response_format: str, parts: Sequence[tuple[float, str]]) -> str:
    """Shift and renumber SRT cues, or shift WebVTT cues under a single header."""
    separator = "," if response_format == "srt" else "."
    header: list[str] = []
    cues: list[str] = []
    for offset, text in parts:
        blocks = [b for b in _BLOCK_BREAK.split(text.replace("\r\n", "\n").strip()) if b.strip()]
        if blocks and blocks[0].startswith("WEBVTT"):
            header = header or [blocks[0]]
            blocks = blocks[1:]
        for block in blocks:
            lines = _shift_cue(block, offset, separator).split("\n")
            if response_format == "srt" and lines[0].strip().isdigit():
                lines[0] = str(len(cues) + 1)
            cues.append("\n".join(lines))
    if response_format == "vtt":
        header = header or ["WEBVTT"]
    return "\n\n".join(header + cues) + "\n"


def stitch_transcripts(
    response_format: str,
    parts: Sequence[tuple[float, TranscriptResult]],
    duration: float,
) -> TranscriptResult:
    """One transcript from ``(offset in seconds, chunk transcript)`` pairs, in order.

    ``duration`` is the whole recording's length, reported on verbose transcripts.
    """
    results = [result for _, result in parts]
    if all(isinstance(result, str) for result in results):
        texts = [(offset, result) for offset, result in parts if isinstance(result, str)]
        if response_format in ("srt", "vtt"):
            return _stitch_subtitles(response_format, texts)
        return _join_text([text for _, text in texts])
    if all(isinstance(result, TranscriptionVerbose) for result in results):
        verbose = [(o, r) for o, r in parts if isinstance(r, TranscriptionVerbose)]
        return TranscriptionVerbose.model_validate(
            {
                "text": _join_text([r.text for _, r in verbose]),
                "language": next((r.language for _, r in verbose if r.language), None),
                "duration": duration,
                "task": verbose[0][1].task if verbose else None,
                "usage": _total_usage([r.usage for _, r in verbose]),
                **_shift_verbose(verbose),
            }
        )
    if all(isinstance(result, TranscriptionDiarized) for result in results):
        # Each chunk names its speakers on its own: "A" of one chunk may be "B" of the next.
        diarized = [(o, r) for o, r in parts if isinstance(r, TranscriptionDiarized)]
        return TranscriptionDiarized.model_validate(
            {
                "text": _join_text([r.text for _, r in diarized]),
                "duration": duration,
                "task": diarized[0][1].task if diarized else None,
                "usage": _total_usage([r.usage for _, r in diarized]),
                "segments": [
                    _shifted(segment, offset) for offset, r in diarized for segment in r.segments
                ],
            }
        )
    if all(isinstance(result, Transcription) for result in results):
        plain = [r for r in results if isinstance(r, Transcription)]
        logprobs = [lp for r in plain for lp in r.logprobs or ()]
        return Transcription(
            text=_join_text([r.text for r in plain]),
            logprobs=logprobs or None,
            usage=_total_usage([r.usage for r in plain]),
        )
    raise TypeError(f"Cannot stitch transcripts of mixed or unsupported kinds: {response_format}")
