"""Async connection pools, one per event loop, each closed on the loop it belongs to.

Why per loop: an ``httpx.AsyncClient``'s pool belongs to the loop it runs on (its sockets
and locks are bound to it), yet threads that each run their own loop may share one client.
So each loop gets a pool of its own, made on first use there.

Why closing is careful: a pool's sockets can only be closed cleanly on its own loop. A pool
is therefore closed

- as its loop shuts down its async generators (``asyncio.run`` does that at its end), so
  repeated ``asyncio.run`` calls hold no sockets;
- by ``aclose()`` on its loop, awaited;
- by ``close()`` (and ``aclose()`` for the other loops): at once if its loop is idle, else
  by a task scheduled on that loop.

A loop closed without shutting down its async generators leaves its pool's sockets to the
garbage collector once a later loop or ``close()`` forgets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import httpx

__all__ = ["AsyncPools", "OwnedPool"]


async def _closed_with_loop(
    pool: httpx.AsyncClient, loop: asyncio.AbstractEventLoop
) -> AsyncGenerator[None, None]:
    """Parked at its ``yield`` until closed, then closes ``pool`` on ``loop``.

    An async generator, so that ``loop.shutdown_asyncgens()`` (which ``asyncio.run`` calls as
    the loop ends) closes the pool while its loop can still close its sockets.
    """
    try:
        yield
    finally:
        if not loop.is_closed():  # else its sockets can no longer be closed cleanly
            await pool.aclose()


def _started(keeper: AsyncGenerator[None, None]) -> AsyncGenerator[None, None]:
    """Run ``keeper`` to its ``yield``: that registers it with the running loop."""
    with contextlib.suppress(StopIteration):
        keeper.asend(None).send(None)
    return keeper


@dataclass(frozen=True)
class OwnedPool:
    """An async pool made for one loop, and the generator that closes it."""

    pool: httpx.AsyncClient
    keeper: AsyncGenerator[None, None]
    loop: asyncio.AbstractEventLoop


def _close_on_its_loop(owned: OwnedPool) -> None:
    """Close a forgotten async pool on its own loop: now if that loop is idle, else soon."""
    keeper, loop = owned.keeper, owned.loop
    if loop.is_closed():  # closed as the loop ended, or it never will be: end quietly
        with contextlib.suppress(StopIteration, RuntimeError):
            keeper.aclose().send(None)
    elif loop.is_running() or _loop_running_here():
        loop.call_soon_threadsafe(loop.create_task, keeper.aclose())
    else:
        loop.run_until_complete(keeper.aclose())


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class AsyncPools:
    """The async pools one client made, by loop (see the module docstring)."""

    def __init__(self, timeout: httpx.Timeout) -> None:
        self._timeout = timeout
        # A plain dict: a pool's connections and its keeper refer to their loop, so weak
        # keys would never expire; closed loops are pruned when a new loop is seen.
        self.owned: dict[asyncio.AbstractEventLoop, OwnedPool] = {}
        self._lock = threading.Lock()

    def for_running_loop(self) -> httpx.AsyncClient:
        """The running loop's pool, made on first use there."""
        loop = asyncio.get_running_loop()
        finished: list[OwnedPool] = []
        with self._lock:
            owned = self.owned.get(loop)
            if owned is None:
                finished = [o for o in self.owned.values() if o.loop.is_closed()]
                for old in finished:
                    del self.owned[old.loop]
                pool = httpx.AsyncClient(timeout=self._timeout)
                owned = OwnedPool(pool, _started(_closed_with_loop(pool, loop)), loop)
                self.owned[loop] = owned
        for old in finished:
            _close_on_its_loop(old)
        return owned.pool

    def close(self) -> None:
        """Close every pool, each on its own loop."""
        with self._lock:
            taken = list(self.owned.values())
            self.owned.clear()
        for owned in taken:
            _close_on_its_loop(owned)

    async def aclose(self) -> None:
        """Close the running loop's pool (awaited), then the others."""
        with self._lock:
            owned = self.owned.pop(asyncio.get_running_loop(), None)
        if owned is not None:
            await owned.keeper.aclose()
        self.close()
