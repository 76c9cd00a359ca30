"""What the files and chunks of one load share: request slots, progress, and how many at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_onerouter_audio._progress import NO_PROGRESS, Progress
from langchain_onerouter_audio._slots import RequestSlots
from langchain_onerouter_audio.errors import OneRouterInputError

__all__ = ["DEFAULT_CONCURRENCY", "Budget", "checked_concurrency"]

DEFAULT_CONCURRENCY = 4


def checked_concurrency(value: object) -> int:
    """``max_concurrency`` as a whole number, 1 or more (``"4"`` is refused, not compared)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OneRouterInputError(
            f"`max_concurrency` is {value!r}; use 1 or more (a whole number)."
        )
    return value


@dataclass(frozen=True)
class Budget:
    """What the files and chunks of one load share: request slots and progress.

    ``concurrency`` bounds the chunks of one file in progress at once; only ``slots`` bound
    the requests on the wire. With ``skip_failed_chunks`` a chunk that fails leaves a gap
    instead of failing its file.
    """

    concurrency: int = DEFAULT_CONCURRENCY
    slots: RequestSlots = field(default_factory=lambda: RequestSlots(DEFAULT_CONCURRENCY))
    progress: Progress = NO_PROGRESS
    skip_failed_chunks: bool = False

    @classmethod
    def shared(cls, concurrency: int, **options: Any) -> Budget:
        """A budget of ``concurrency`` requests at once, for files and chunks alike."""
        return cls(concurrency, RequestSlots(concurrency), **options)
