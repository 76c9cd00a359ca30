"""Word error rate: compare a transcript with what was said, tolerating a small model's slips.

Speech recognition is not exact (Whisper base on a synthetic voice mishears a word or two),
so tests that check real transcripts bound the word error rate instead of comparing strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+(?:'\w+)*")


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, without punctuation ("Don't!" -> ["don't"])."""
    return _WORD.findall(text.casefold().replace("\u2019", "'"))


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Levenshtein distance: the fewest substitutions, insertions and deletions between two."""
    previous = list(range(len(hypothesis) + 1))
    for row, expected in enumerate(reference, start=1):
        current = [row]
        for column, heard in enumerate(hypothesis, start=1):
            current.append(
                min(
                    previous[column] + 1,  # a word of the reference was dropped
                    current[column - 1] + 1,  # a word was added
                    previous[column - 1] + (expected != heard),  # substituted, or the same
                )
            )
        previous = current
    return previous[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word edits needed to turn ``reference`` into ``hypothesis``, per reference word.

    0.0 is a perfect transcript; the rate can exceed 1.0 when words are added. An empty
    reference gives 0.0 for an empty hypothesis and 1.0 for any other.
    """
    expected, heard = words(reference), words(hypothesis)
    if not expected:
        return 0.0 if not heard else 1.0
    return edit_distance(expected, heard) / len(expected)
