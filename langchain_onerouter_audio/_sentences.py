"""Incremental sentence splitting for streamed text, so speech can start before text ends.

A boundary is only taken once the character after it is visible, so a piece that ends in
``"3."`` or ``"Dr."`` waits for the next piece before deciding. Boundaries are conservative:
a missed one only makes a chunk longer, a wrong one makes speech sound broken. Words and
numbers (``3.14``, ``1,000``, ``v2.0``) are never split; abbreviations (``e.g.``, ``Dr.``,
``U.S.``) and ellipses followed by a lower-case word do not end a sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from langchain_onerouter_audio.models import MAX_SPEECH_INPUT_CHARS

__all__ = [
    "DEFAULT_MIN_CHARS",
    "SentenceSplitter",
    "aiter_sentences",
    "iter_sentences",
    "sentence_batches",
    "split_sentences",
]

DEFAULT_MIN_CHARS = 20

_CLOSERS = "\"'\u201d\u2019)\\]}\u00bb\u300d\u300f"
# Western terminators need whitespace after them; CJK ones do not. The lookahead demands
# the next visible character, so a boundary is never decided on a partial stream.
_BOUNDARY = re.compile(
    rf"(?P<end>[.!?\u2026]+[{_CLOSERS}]*)(?P<gap>\s+)(?=(?P<next>\S))"
    rf"|(?P<cjk>[\u3002\uff01\uff1f]+[{_CLOSERS}]*)\s*(?=\S)"
    r"|\n[ \t]*\n\s*(?=\S)"
)
_CLAUSE = re.compile(r"[,;:]\s|\s[\u2014\u2013-]\s|[\uff0c\u3001\uff1b\uff1a]")
_WHITESPACE = re.compile(r"\s")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)*[^\W\d_]$")  # J, U.S, e.g, a.m
_OPENERS = "\"'\u201c\u2018([{\u00ab"

# Words that end with a period but do not end a sentence.
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "rev", "gen", "col", "lt", "sgt",
    "capt", "hon", "vs", "cf", "al", "approx", "ca", "est", "dept", "univ", "mt", "ft",
))  # fmt: skip
# Abbreviations that only continue when a number follows ("No. 5", "Fig. 3", "Jan. 5th");
# before a capital they may end the sentence ("We met in Jan. Then ..."). Single letters
# ("p. 12") are initials and never end one.
_BEFORE_NUMBER = frozenset((
    "no", "nos", "fig", "figs", "vol", "vols", "pp", "ch", "sec", "eq",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
))  # fmt: skip


_WORD_WINDOW = 64  # longer "words" are neither abbreviations nor initials


def _last_word(text: str, end: int) -> str:
    """The word just before ``end``, without opening quotes or brackets."""
    words = text[max(0, end - _WORD_WINDOW) : end].rsplit(None, 1)
    return words[-1].lstrip(_OPENERS) if words else ""


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    """Decide whether a punctuation candidate really ends a sentence."""
    end = match.group("end")
    if end is None or "\n\n" in re.sub(r"[ \t]", "", match.group("gap")):
        return True  # CJK terminator, or a paragraph break
    if "!" in end or "?" in end:
        return True
    following = match.group("next")
    if following.islower():
        return False  # "e.g. this", "... and then", "U.S. economy"
    word = _last_word(text, match.start())
    if word == "I":
        return True  # the pronoun ("So do I."), not an initial
    word = word.lower()
    if word in _ABBREVIATIONS or _INITIALS.match(word):
        return False
    return not (word in _BEFORE_NUMBER and following.isdigit())


class SentenceSplitter:
    """Feed text as it arrives; take complete sentences out as soon as they are certain.

    Sentences shorter than ``min_chars`` are held and joined with the next one, so speech
    is not chopped into tiny calls. Sentences longer than ``max_chars`` (the API's limit)
    are split at the last clause break, else the last space, that fits.
    """

    def __init__(
        self, *, min_chars: int = DEFAULT_MIN_CHARS, max_chars: int = MAX_SPEECH_INPUT_CHARS
    ) -> None:
        if max_chars < 1 or min_chars < 0:
            raise ValueError("max_chars must be at least 1 and min_chars at least 0.")
        self.min_chars = min(min_chars, max_chars)
        self.max_chars = max_chars
        self._buffer = ""
        # Candidates before _scan_from are decided; _fitting is the last real boundary there.
        self._scan_from = 0
        self._fitting: int | None = None

    def feed(self, text: str) -> list[str]:
        """Add ``text``; return the sentences it completed (possibly none)."""
        self._buffer += text
        return self._drain(final=False)

    def flush(self) -> list[str]:
        """End of the stream: return whatever is left as the last sentence(s)."""
        return self._drain(final=True)

    def _drain(self, *, final: bool) -> list[str]:
        sentences: list[str] = []
        while True:
            stripped = self._buffer.lstrip()
            if len(stripped) != len(self._buffer):
                self._buffer, self._scan_from, self._fitting = stripped, 0, None
            cut = self._next_cut(final=final)
            if cut is None:
                return sentences
            sentence, self._buffer = self._buffer[:cut].rstrip(), self._buffer[cut:]
            self._scan_from, self._fitting = 0, None
            if sentence:
                sentences.append(sentence)

    def _next_cut(self, *, final: bool) -> int | None:
        """Where the next sentence ends in the buffer, or None if that is not known yet."""
        text = self._buffer
        # Resume where the last feed stopped: each candidate is judged once, not per feed.
        for match in _BOUNDARY.finditer(text, self._scan_from):
            length = _stripped_length(text, match.end())
            if length > self.max_chars:
                break
            self._scan_from = match.end()
            if not _is_boundary(text, match):
                continue
            self._fitting = match.end()  # the last real boundary that fits in max_chars
            if length >= self.min_chars:
                return self._fitting
        if _stripped_length(text, len(text)) > self.max_chars:
            return self._fitting or _fallback_cut(text, self.max_chars)
        if final and text:
            return len(text)
        return None


def _stripped_length(text: str, end: int) -> int:
    """``len(text[:end].rstrip())`` without copying the text, which long buffers make slow."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _fallback_cut(text: str, limit: int) -> int:
    """Cut an over-long sentence at a clause break, else a space, within ``limit``."""

    def fits(cut: int) -> bool:
        return 0 < _stripped_length(text, cut) <= limit

    window = text[: limit + 2]
    clauses = [m.end() for m in _CLAUSE.finditer(window) if fits(m.end())]
    if clauses and clauses[-1] >= limit // 2:
        return clauses[-1]
    spaces = [m.start() for m in _WHITESPACE.finditer(window) if fits(m.start())]
    if spaces:
        return spaces[-1]
    return clauses[-1] if clauses else limit


def split_sentences(
    text: str, *, min_chars: int = DEFAULT_MIN_CHARS, max_chars: int = MAX_SPEECH_INPUT_CHARS
) -> list[str]:
    """Split a whole text into speakable sentences."""
    return list(iter_sentences([text], min_chars=min_chars, max_chars=max_chars))


def sentence_batches(
    pieces: Iterable[str | None],
    *,
    min_chars: int = DEFAULT_MIN_CHARS,
    max_chars: int = MAX_SPEECH_INPUT_CHARS,
) -> Iterator[list[str]]:
    """For each piece read, the sentences it completed (often none); the rest at the end.

    A caller can act between pieces even when no sentence is complete yet. A ``None``
    piece ends a turn: what is held is its last sentence, never joined with what follows.
    """
    splitter = SentenceSplitter(min_chars=min_chars, max_chars=max_chars)
    for piece in pieces:
        yield splitter.flush() if piece is None else splitter.feed(piece)
    yield splitter.flush()


def iter_sentences(
    pieces: Iterable[str | None],
    *,
    min_chars: int = DEFAULT_MIN_CHARS,
    max_chars: int = MAX_SPEECH_INPUT_CHARS,
) -> Iterator[str]:
    """Yield each sentence as soon as the stream of ``pieces`` has completed it."""
    batches = sentence_batches(pieces, min_chars=min_chars, max_chars=max_chars)
    return itertools.chain.from_iterable(batches)


async def aiter_sentences(
    pieces: AsyncIterable[str | None],
    *,
    min_chars: int = DEFAULT_MIN_CHARS,
    max_chars: int = MAX_SPEECH_INPUT_CHARS,
) -> AsyncIterator[str]:
    """Async :func:`iter_sentences`; a ``None`` piece ends a turn, as in sentence_batches."""
    splitter = SentenceSplitter(min_chars=min_chars, max_chars=max_chars)
    async for piece in pieces:
        for sentence in splitter.flush() if piece is None else splitter.feed(piece):
            yield sentence
    for sentence in splitter.flush():
        yield sentence
