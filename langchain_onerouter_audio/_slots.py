"""Request slots shared by every file and chunk of one load, sized by an AIMD window.

Only a request holds a slot, and only while it is on the wire: a file waiting for its
chunks holds none (so files and chunks cannot deadlock each other), and a request sleeping
before a retry gives its slot back, and takes the next free one ahead of new requests (so
a refused file is not refused again and again behind fresh ones). A 429 shrinks the
window, successes grow it back (see ``_adaptive``). A load uses one side: threads
(:meth:`RequestSlots.request`) or one event loop (:meth:`RequestSlots.arequest`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator

from langchain_onerouter_audio._adaptive import AimdWindow
from langchain_onerouter_audio._retry import ATTEMPT_OBSERVER
from langchain_onerouter_audio.errors import OneRouterRateLimitError

__all__ = ["RequestSlots"]


class _Hold:
    """One call's claim on a slot, told about its retries by the retry policy."""

    def __init__(self, slots: RequestSlots) -> None:
        self._slots = slots
        self.epoch = 0
        self.held = False
        self.retrying = False

    def failed(self, error: BaseException | None) -> None:
        self._slots._settle(self, error, retry=True)

    def resume(self) -> None:
        self.epoch = self._slots._acquire(self)
        self.held = True

    async def aresume(self) -> None:
        self.epoch = await self._slots._aacquire(self)
        self.held = True


class RequestSlots:
    """At most ``maximum`` requests in flight, fewer while the server answers 429."""

    def __init__(self, maximum: int, *, decrease: float = 0.5) -> None:
        self.window = AimdWindow(maximum, decrease=decrease)
        self.in_flight = 0
        self.peak = 0
        self._retries_waiting = 0
        self._condition = threading.Condition()
        self._waiters: list[asyncio.Future[None]] = []

    @property
    def limit(self) -> int:
        """Requests allowed in flight now."""
        return self.window.limit

    def _free(self, hold: _Hold) -> bool:
        """A slot is free for ``hold``: retries first, then new requests."""
        ahead = 0 if hold.retrying else self._retries_waiting
        return self.in_flight + ahead < self.window.limit

    def _take(self, hold: _Hold) -> int:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self._mark_retry(hold, False)
        return self.window.epoch

    def _mark_retry(self, hold: _Hold, retrying: bool) -> None:
        """Count ``hold`` among the retries waiting for a slot, or no longer."""
        if hold.retrying != retrying:
            hold.retrying = retrying
            self._retries_waiting += 1 if retrying else -1

    def _acquire(self, hold: _Hold) -> int:
        with self._condition:
            self._condition.wait_for(lambda: self._free(hold))
            return self._take(hold)

    async def _aacquire(self, hold: _Hold) -> int:
        while not self._free(hold):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        with self._condition:
            return self._take(hold)

    def _settle(self, hold: _Hold, error: BaseException | None, *, retry: bool = False) -> None:
        """Give back ``hold``'s slot and feed the outcome to the window.

        With ``retry`` the call will want a slot again after its wait; else it is over (even
        if it ended while waiting, e.g. cancelled).
        """
        with self._condition:
            self._mark_retry(hold, retry)
            if hold.held:
                hold.held = False
                self.in_flight -= 1
            if error is None:
                self.window.succeeded()
            elif isinstance(error, OneRouterRateLimitError):
                self.window.overloaded(hold.epoch, self.in_flight)
            self._condition.notify_all()
            waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    @contextlib.contextmanager
    def _observed(self, hold: _Hold) -> Iterator[None]:
        """Let the retry policy see ``hold``; settle it with the call's outcome."""
        token = ATTEMPT_OBSERVER.set(hold)
        try:
            yield
        except BaseException as error:
            self._settle(hold, error)
            raise
        else:
            self._settle(hold, None)
        finally:
            ATTEMPT_OBSERVER.reset(token)

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Hold a slot (blocking) for the client call made inside."""
        hold = _Hold(self)
        hold.resume()
        with self._observed(hold):
            yield

    @contextlib.asynccontextmanager
    async def arequest(self) -> AsyncIterator[None]:
        """Async :meth:`request`: waits on the event loop, not in a thread."""
        hold = _Hold(self)
        await hold.aresume()
        with self._observed(hold):
            yield
