"""Passages of a transcript as Documents: segments, paragraphs and speaker turns.

Segments carry what the server says about them: their words (when word timestamps were
asked for) and their confidence (``avg_logprob``, ``no_speech_prob``), so a pipeline can drop
what Whisper hallucinates over silence; an opt-in threshold drops it here. Paragraphs join
consecutive segments until a long pause or a size limit, so retrieval gets passages rather
than two-second fragments. Speaker turns join consecutive segments of one speaker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document
from typing_extensions import TypedDict

from langchain_onerouter_audio._params import TranscriptionOptions
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import (
    DiarizedSegment,
    Segment,
    TimestampGranularity,
    TranscriptionDiarized,
    TranscriptionVerbose,
    Word,
)

__all__ = [
    "PassageOptions",
    "Shaping",
    "paragraph_documents",
    "passage_request_options",
    "segment_documents",
    "speaker_documents",
    "speaker_lines",
    "speaker_turns",
]


class PassageOptions(TypedDict, total=False):
    """How the loader and the parser cut a transcript into Documents, and what they keep.

    timestamp_granularities: ``["segment"]``, ``["word"]`` or both; with ``"word"``, each
        segment's words ride in its metadata (``segments`` / ``paragraphs`` modes).
    known_speaker_names, known_speaker_references: up to four speakers (names, and audio
        samples as data URLs) for gpt-4o-transcribe-diarize to label turns with.
    max_no_speech_prob: drop segments the server thinks hold no speech above this
        probability (0 to 1), e.g. 0.6; off when not given.
    paragraph_pause: in ``paragraphs`` mode, a pause (seconds) that starts a new paragraph.
    paragraph_max_seconds, paragraph_max_chars: the longest paragraph, in time and text.
    """

    timestamp_granularities: Sequence[TimestampGranularity] | None
    known_speaker_names: Sequence[str] | None
    known_speaker_references: Sequence[str] | None
    max_no_speech_prob: float | None
    paragraph_pause: float
    paragraph_max_seconds: float
    paragraph_max_chars: int


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise OneRouterInputError(f"`{name}` is {value!r}; use a number above 0.")
    if math.isinf(value):
        raise OneRouterInputError(f"`{name}` must be finite.")
    return value


@dataclass(frozen=True)
class Shaping:
    """The checked passage settings that shape Documents (request fields aside)."""

    words: bool = False
    max_no_speech_prob: float | None = None
    paragraph_pause: float = 2.0
    paragraph_max_seconds: float = 90.0
    paragraph_max_chars: int = 2000

    @classmethod
    def from_options(cls, options: PassageOptions) -> Shaping:
        """Check the settings once, when a loader or parser is built."""
        threshold = options.get("max_no_speech_prob")
        if threshold is not None and not (
            isinstance(threshold, (int, float)) and 0 <= threshold <= 1
        ):
            raise OneRouterInputError(
                f"`max_no_speech_prob` is {threshold!r}; use a number from 0 to 1."
            )
        default = cls()
        return cls(
            words="word" in (options.get("timestamp_granularities") or ()),
            max_no_speech_prob=threshold,
            paragraph_pause=_positive(
                "paragraph_pause", options.get("paragraph_pause", default.paragraph_pause)
            ),
            paragraph_max_seconds=_positive(
                "paragraph_max_seconds",
                options.get("paragraph_max_seconds", default.paragraph_max_seconds),
            ),
            paragraph_max_chars=int(
                _positive(
                    "paragraph_max_chars",
                    options.get("paragraph_max_chars", default.paragraph_max_chars),
                )
            ),
        )

    def kept(self, segments: Sequence[Segment]) -> list[Segment]:
        """The segments that are speech, by the opt-in ``no_speech_prob`` threshold."""
        limit = self.max_no_speech_prob
        return [
            segment
            for segment in segments
            if limit is None or segment.no_speech_prob is None or segment.no_speech_prob <= limit
        ]


def passage_request_options(options: PassageOptions, *, segments: bool) -> TranscriptionOptions:
    """The request fields the passage settings ask for; only those given, so cache keys stay.

    Word timestamps alone come without segments, so a mode built on segments asks for both.
    """
    request = TranscriptionOptions()
    granularities = list(options.get("timestamp_granularities") or ())
    if segments and "word" in granularities and "segment" not in granularities:
        granularities.append("segment")
    if granularities:
        request["timestamp_granularities"] = granularities
    names = options.get("known_speaker_names")
    references = options.get("known_speaker_references")
    if names:
        request["known_speaker_names"] = list(names)
    if references:
        request["known_speaker_references"] = list(references)
    return request


def _known(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _words_within(words: Sequence[Word], start: float, end: float) -> list[dict[str, Any]]:
    """The words whose middle falls inside ``[start, end]``."""
    return [
        {"word": word.word, "start": word.start, "end": word.end}
        for word in words
        if start <= (word.start + word.end) / 2 <= end
    ]


def _whole_as_segment(verbose: TranscriptionVerbose) -> list[Segment]:
    """A transcript that came without segments is one segment, not lost (silence gives none)."""
    text = verbose.text.strip()
    if not text:
        return []
    return [Segment(id=0, start=0.0, end=verbose.duration or 0.0, text=text)]


def _segments(verbose: TranscriptionVerbose, shaping: Shaping) -> list[Segment]:
    return shaping.kept(verbose.segments) if verbose.segments else _whole_as_segment(verbose)


def segment_documents(
    verbose: TranscriptionVerbose, metadata: dict[str, Any], shaping: Shaping
) -> list[Document]:
    """One Document per segment: its span, confidence, and words when they were asked for."""
    documents = []
    for segment in _segments(verbose, shaping):
        extra = _known(
            segment_id=segment.id,
            start=segment.start,
            end=segment.end if verbose.segments else verbose.duration,
            avg_logprob=segment.avg_logprob,
            no_speech_prob=segment.no_speech_prob,
        )
        if shaping.words and verbose.words:
            extra["words"] = _words_within(verbose.words, segment.start, segment.end)
        documents.append(
            Document(page_content=segment.text.strip(), metadata={**metadata, **extra})
        )
    return documents


def _paragraphs(segments: Sequence[Segment], shaping: Shaping) -> list[list[Segment]]:
    """Consecutive segments grouped until a long pause, or a group would grow too long."""
    groups: list[list[Segment]] = []
    for segment in segments:
        group = groups[-1] if groups else None
        if group is not None:
            pause = segment.start - group[-1].end
            seconds = segment.end - group[0].start
            chars = sum(len(s.text.strip()) + 1 for s in group) + len(segment.text.strip())
            if (
                pause < shaping.paragraph_pause
                and seconds <= shaping.paragraph_max_seconds
                and chars <= shaping.paragraph_max_chars
            ):
                group.append(segment)
                continue
        groups.append([segment])
    return groups


def paragraph_documents(
    verbose: TranscriptionVerbose, metadata: dict[str, Any], shaping: Shaping
) -> list[Document]:
    """One Document per paragraph, with ``paragraph_id``, ``start`` and ``end``."""
    documents = []
    for number, group in enumerate(_paragraphs(_segments(verbose, shaping), shaping)):
        extra: dict[str, Any] = {
            "paragraph_id": number,
            "start": group[0].start,
            "end": group[-1].end if verbose.segments else verbose.duration,
            "segment_ids": [segment.id for segment in group],
        }
        if shaping.words and verbose.words:
            extra["words"] = _words_within(verbose.words, group[0].start, group[-1].end)
        text = " ".join(segment.text.strip() for segment in group)
        documents.append(Document(page_content=text, metadata={**metadata, **extra}))
    return documents


@dataclass(frozen=True)
class SpeakerTurn:
    """Consecutive segments of one speaker, joined."""

    speaker: str
    start: float
    end: float
    text: str


def speaker_turns(segments: Sequence[DiarizedSegment]) -> list[SpeakerTurn]:
    """The speaker turns of a diarized transcript: a new turn whenever the speaker changes."""
    turns: list[SpeakerTurn] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        if turns and turns[-1].speaker == segment.speaker:
            last = turns[-1]
            turns[-1] = SpeakerTurn(last.speaker, last.start, segment.end, f"{last.text} {text}")
        else:
            turns.append(SpeakerTurn(segment.speaker, segment.start, segment.end, text))
    return turns


def speaker_documents(diarized: TranscriptionDiarized, metadata: dict[str, Any]) -> list[Document]:
    """One Document per speaker turn, with ``speaker``, ``start``, ``end`` and ``turn_id``."""
    return [
        Document(
            page_content=turn.text,
            metadata={
                **metadata,
                "turn_id": number,
                "speaker": turn.speaker,
                "start": turn.start,
                "end": turn.end,
            },
        )
        for number, turn in enumerate(speaker_turns(diarized.segments))
    ]


def speaker_lines(diarized: TranscriptionDiarized) -> str:
    """The transcript as ``A: ...`` lines, one per turn, so a model can tell who said what."""
    return "\n".join(f"{turn.speaker}: {turn.text}" for turn in speaker_turns(diarized.segments))
