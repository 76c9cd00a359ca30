"""Checks on what a recogniser heard, against what the clips in ``tests/fixtures/audio`` say.

The cassettes come from Whisper base on synthetic voices and may be re-recorded against the
live API's larger models, so words are compared by word error rate under a bound, never as
exact strings. Every failure about words says ``word error rate``, ``did not hear`` or ``not
English``, so a test can tell it from a failure about shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from langchain_onerouter_audio.models import (
    Logprob,
    Segment,
    TranscriptionVerbose,
    TranscriptTextDelta,
    TranscriptTextDone,
    Word,
)
from tests._wer import word_error_rate, words

HELLO_SCRIPT = "Hello, my name is Wolfgang and I come from Germany. Where are you heading today?"
GERMAN_SCRIPT = "Hallo, ich heisse Wolfgang und komme aus Deutschland. Wohin fahren Sie heute?"

# A whole English clip: Whisper base mishears about one word in twelve on these voices.
WER_BOUND = 0.35
# One sentence on its own: 7 to 16 words, where two or three misheard words weigh more.
SENTENCE_WER_BOUND = 0.5
# The German clip, transcribed: fewer words, and Whisper base is weaker in German.
GERMAN_WER_BOUND = 0.4
# How far a segment's start or end may lie from the pause that ends its sentence.
SECONDS_TOLERANCE = 0.75
# The words a failed translation would keep from the German (the name stays in any language).
_GERMAN_WORDS = set(words(GERMAN_SCRIPT)) - {"wolfgang"}
_GERMAN_LETTERS = re.compile("[äöüßÄÖÜ]")


@dataclass(frozen=True)
class Spoken:
    """Words said from ``start`` to ``end`` seconds: a sentence of a script, a Document's span."""

    start: float
    end: float
    text: str


# lecture.mp3's six sentences, timed by the pauses between them (ffmpeg silencedetect, -35 dB).
LECTURE_SENTENCES = (
    Spoken(0.00, 2.63, "Imagine the wildest idea that you have ever had."),
    Spoken(2.96, 5.44, "Now imagine it growing a hundred times bigger."),
    Spoken(5.78, 8.74, "Audio transcripts make spoken knowledge searchable."),
    Spoken(9.08, 12.98, "A document loader turns each recording into text with timestamps."),
    Spoken(
        13.31,
        18.60,
        "Agents can then answer questions about what was said, "
        "and speak their answers back out loud.",
    ),
    Spoken(
        18.95, 23.66, "This short lecture exists only to test segment boundaries and timestamps."
    ),
)
LECTURE_SCRIPT = " ".join(sentence.text for sentence in LECTURE_SENTENCES)


class Timed(Protocol):
    """A stretch of transcript with its times: a segment, a speaker turn, a Document's fields."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def text(self) -> str: ...


def assert_heard(script: str, heard: str, bound: float = WER_BOUND) -> float:
    """``heard`` is ``script`` within ``bound`` word errors per word; return the rate."""
    rate = word_error_rate(script, heard)
    assert rate <= bound, f"word error rate {rate:.2f} > {bound} for {heard!r}"
    return rate


def check_hello(heard: str) -> None:
    """The hello clip: it names Wolfgang and Germany, and the rest is close to the script."""
    missing = {"wolfgang", "germany"} - set(words(heard))
    assert not missing, f"did not hear {sorted(missing)} in {heard!r}"
    assert_heard(HELLO_SCRIPT, heard)


def check_german(result: TranscriptionVerbose) -> None:
    """The German clip, transcribed: detected as German, its words close to the script."""
    assert result.language in ("german", "de"), result.language
    assert_heard(GERMAN_SCRIPT, result.text, GERMAN_WER_BOUND)


def check_english_translation(heard: str) -> None:
    """The German clip, translated: an English greeting, not the German words kept.

    Whisper base translates this synthetic voice loosely ("Hello, if he's a wolf, ..."), so
    the check asks only what any translation gives: "Hello", and no German left in it.
    """
    heard_words = words(heard)
    assert "hello" in heard_words, f"did not hear 'hello' in {heard!r}"
    german = [word for word in heard_words if word in _GERMAN_WORDS]
    assert len(german) <= 0.2 * len(heard_words), f"not English: {german} in {heard!r}"
    assert not _GERMAN_LETTERS.search(heard), f"not English: {heard!r}"


def check_lecture(heard: str) -> None:
    assert_heard(LECTURE_SCRIPT, heard)


def check_lecture_segments(segments: Sequence[Timed]) -> None:
    """Segments fall where the sentences are: each holds whole sentences, timed as spoken.

    A segment may hold several sentences (Whisper joins the first two). Each is matched to
    the run of sentences its words are closest to; its start and end must lie near that
    run's first start and last end, and every sentence of the run starts inside it.
    """
    assert segments, "no segments"
    assert_heard(LECTURE_SCRIPT, " ".join(segment.text for segment in segments))
    first = 0
    for segment in segments:
        assert first < len(LECTURE_SENTENCES), f"more segments than sentences: {segment}"
        count = _closest_run(segment.text, first)
        run = LECTURE_SENTENCES[first : first + count]
        assert_heard(" ".join(s.text for s in run), segment.text, SENTENCE_WER_BOUND)
        assert abs(segment.start - run[0].start) <= SECONDS_TOLERANCE, (segment, run[0])
        assert abs(segment.end - run[-1].end) <= SECONDS_TOLERANCE, (segment, run[-1])
        for sentence in run:
            assert segment.start - SECONDS_TOLERANCE <= sentence.start < segment.end, sentence
        first += count
    assert first == len(LECTURE_SENTENCES), "the segments leave sentences out"


def _closest_run(heard: str, first: int) -> int:
    """How many sentences from ``first`` on ``heard`` is closest to (at least one)."""
    counts = range(1, len(LECTURE_SENTENCES) - first + 1)
    sentences = LECTURE_SENTENCES[first:]
    return min(
        counts, key=lambda n: word_error_rate(" ".join(s.text for s in sentences[:n]), heard)
    )


def check_words_in_segments(result: TranscriptionVerbose) -> None:
    """Word timestamps increase inside their segment, and the words spell the lecture."""
    assert result.segments, "no segments"
    assert result.words, "no words"
    grouped = [_words_of(segment, result.words) for segment in result.segments]
    assert [word for group in grouped for word in group] == result.words, "a word lies outside"
    for segment, group in zip(result.segments, grouped, strict=True):
        starts = [word.start for word in group]
        assert starts == sorted(starts), (segment.id, starts)
        assert all(word.start <= word.end for word in group), segment.id
        assert_heard(segment.text, " ".join(word.word for word in group), SENTENCE_WER_BOUND)
    check_lecture(" ".join(word.word for word in result.words))


_EDGE = 0.2  # seconds: a word's edge may round a little past its segment's


def _words_of(segment: Segment, every_word: Sequence[Word]) -> list[Word]:
    return [
        word
        for word in every_word
        if segment.start - _EDGE <= word.start and word.end <= segment.end + _EDGE
    ]


def check_logprobs(text: str, logprobs: Sequence[Logprob] | None) -> None:
    """Log probabilities come for the words heard: at most 0, and their tokens spell them."""
    assert logprobs, "no logprobs"
    assert all(entry.logprob is not None and entry.logprob <= 0 for entry in logprobs)
    check_hello("".join(entry.token or "" for entry in logprobs))
    check_hello(text)


def check_streamed(events: Sequence[object]) -> None:
    """Deltas, then one done event whose text they add up to: the hello clip's words."""
    deltas = [event for event in events if isinstance(event, TranscriptTextDelta)]
    done = events[-1]
    assert len(deltas) >= 2
    assert isinstance(done, TranscriptTextDone)
    assert "".join(delta.delta for delta in deltas) == done.text
    check_hello(done.text)


def cue_text(subtitles: str) -> str:
    """The spoken words of srt or vtt: the cue lines, without numbers, times or header."""
    lines = [line.strip() for line in subtitles.splitlines()]
    return " ".join(
        line
        for line in lines
        if line and line != "WEBVTT" and not line.isdigit() and "-->" not in line
    )
