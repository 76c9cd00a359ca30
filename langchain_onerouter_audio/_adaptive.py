"""How many requests may be in flight: an AIMD window, as TCP sizes its congestion window.

A rate limit (429) halves the window; each success widens it by ``1 / window``, so about one
more request per round of successes. Requests that started before the last decrease carry an
older epoch: their 429s describe the old window and do not halve it again, so one burst of
refusals costs one decrease, not one per refused request. Each 429 also tells how much the
server takes: no more than the requests still in flight when it came back. That estimate is
remembered: the window grows back to it quickly and beyond it ``PROBE_SLOWDOWN`` times more
slowly, so a server that is simply full is not probed (and a request refused) every few calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["PROBE_SLOWDOWN", "AimdWindow"]

PROBE_SLOWDOWN = 8


@dataclass
class AimdWindow:
    """The in-flight limit, between 1 and ``maximum``; not thread-safe (its owner locks)."""

    maximum: int
    decrease: float = 0.5
    size: float = 0.0
    epoch: int = 0
    ceiling: float = math.inf  # what the server took when it last refused one more

    def __post_init__(self) -> None:
        self.size = self.size or float(self.maximum)

    @property
    def limit(self) -> int:
        """Requests allowed in flight now."""
        return max(1, min(self.maximum, math.floor(self.size)))

    def succeeded(self) -> None:
        """Additive increase: one more slot after about ``limit`` successes."""
        step = 1.0 / self.size
        if self.size >= self.ceiling:
            step /= PROBE_SLOWDOWN
        self.size = min(float(self.maximum), self.size + step)

    def overloaded(self, epoch: int, in_flight: int) -> None:
        """A 429 to a request of ``epoch``, with ``in_flight`` others still out.

        Multiplicative decrease once per epoch; and never more than the server was taking.
        """
        if epoch == self.epoch:
            self.size = max(1.0, self.size * self.decrease)
            self.epoch += 1
        self.ceiling = float(max(1, in_flight))
        self.size = min(self.size, self.ceiling)
