"""Context carried across chunks: the end of one chunk's transcript prompts the next.

OpenAI's advice for audio cut into pieces: pass the preceding transcript as ``prompt``, so
names, spelling and style continue across the cut. Only the last sentences are sent, at most
``TAIL_CHARS`` characters, well inside the model's prompt limit (224 tokens for whisper-1).
"""

from __future__ import annotations

import re

from langchain_onerouter_audio._responses import TranscriptResult

__all__ = ["TAIL_CHARS", "carried_prompt", "spoken_text"]

TAIL_CHARS = 200
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]\s+")


def spoken_text(result: TranscriptResult) -> str:
    """What was said, without subtitle numbers, timings or headers."""
    if not isinstance(result, str):
        return result.text
    lines = (line.strip() for line in result.splitlines())
    return " ".join(
        line
        for line in lines
        if line and not line.isdigit() and "-->" not in line and not line.startswith("WEBVTT")
    )


def _tail(text: str) -> str:
    """The last whole sentences of ``text`` within TAIL_CHARS, else its last whole words."""
    text = " ".join(text.split())
    if len(text) <= TAIL_CHARS:
        return text
    tail = text[-TAIL_CHARS:]
    sentence = _SENTENCE_END.search(tail)
    if sentence is not None and sentence.end() < len(tail):
        return tail[sentence.end() :]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail


def carried_prompt(prompt: str | None, previous: str | None) -> str | None:
    """The prompt for the next chunk: the user's own, then the previous chunk's tail."""
    tail = _tail(previous) if previous else ""
    return " ".join(part for part in (prompt, tail) if part) or None
