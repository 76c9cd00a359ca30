"""Bounded, order-preserving maps: run work concurrently, hand results back in input order.

Only a window of ``2 * limit`` items is started ahead of the consumer, so a slow first item
does not stall the workers and results do not pile up in memory. When the consumer stops
early, work that has not started is cancelled.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
)
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

__all__ = ["aordered_map", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], limit: int
) -> Generator[R, None, None]:
    """``map(function, items)`` in at most ``limit`` threads, yielding in input order."""
    source = iter(items)
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="onerouter-audio") as pool:
        pending: deque[Future[R]] = deque(
            pool.submit(function, item) for item in islice(source, 2 * limit)
        )
        try:
            while pending:
                result = pending.popleft().result()
                pending.extend(pool.submit(function, item) for item in islice(source, 1))
                yield result
        finally:
            for future in pending:
                future.cancel()


def _aiter(items: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    if isinstance(items, AsyncIterable):
        return aiter(items)

    async def each() -> AsyncIterator[T]:
        for item in items:
            yield item

    return each()


async def aordered_map(
    function: Callable[[T], Awaitable[R]], items: Iterable[T] | AsyncIterable[T], limit: int
) -> AsyncGenerator[R, None]:
    """Async ``map`` with at most ``limit`` calls in flight, yielding in input order.

    ``items`` may be async, e.g. chunks cut in a thread as they are needed.
    """
    semaphore = asyncio.Semaphore(limit)

    async def bounded(item: T) -> R:
        async with semaphore:
            return await function(item)

    source = _aiter(items)
    pending: deque[asyncio.Task[R]] = deque()

    async def start(count: int) -> None:
        for _ in range(count):
            try:
                item = await anext(source)
            except StopAsyncIteration:
                return
            pending.append(asyncio.ensure_future(bounded(item)))

    try:
        await start(2 * limit)
        while pending:
            result = await pending.popleft()
            await start(1)
            yield result
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
