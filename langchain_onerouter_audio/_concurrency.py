"""Bounded, order-preserving maps: run work concurrently, hand results back in input order.

Only a window of ``2 * limit`` items is started ahead of the consumer, so a slow first item
does not stall the workers and results do not pile up in memory. When the consumer stops
early, work that has not started is cancelled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import queue
import threading
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
from concurrent.futures import Future
from itertools import islice
from typing import Any, TypeVar

__all__ = ["aordered_map", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


class _DaemonPool:
    """Worker threads that never hold up an interrupt or the interpreter's exit.

    ``ThreadPoolExecutor`` joins its threads on shutdown and again at exit, so Ctrl-C waits
    for every request in flight (up to timeout x attempts). These threads are daemons: a
    pool that is abandoned leaves its requests to end on their own, unwaited for.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []

    def submit(self, function: Callable[[T], R], item: T) -> Future[R]:
        future: Future[R] = Future()
        self._jobs.put((future, functools.partial(function, item)))
        if len(self._threads) < self._limit:
            thread = threading.Thread(target=self._work, name="onerouter-audio", daemon=True)
            thread.start()
            self._threads.append(thread)
        return future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, run = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(run())
            except BaseException as error:  # handed to the consumer, as an executor does
                future.set_exception(error)

    def shutdown(self, *, wait: bool) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


_POLL_SECONDS = 0.1


def _result(future: Future[R]) -> R:
    """``future.result()``, waited for in short steps so Ctrl-C is seen at once.

    A lock wait without a timeout is not woken by an interrupt on every platform (Windows,
    or ``_thread.interrupt_main``); Python code running between the steps always sees it.
    """
    while True:
        with contextlib.suppress(concurrent.futures.TimeoutError):  # not builtin on 3.10
            return future.result(timeout=_POLL_SECONDS)


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], limit: int
) -> Generator[R, None, None]:
    """``map(function, items)`` in at most ``limit`` threads, yielding in input order.

    Stopped early (an error, Ctrl-C, the consumer closing it), work not started is
    cancelled and work in flight is abandoned, not waited for, so an interrupt is prompt.
    """
    source = iter(items)
    pool = _DaemonPool(limit)
    finished = False
    pending: deque[Future[R]] = deque(
        pool.submit(function, item) for item in islice(source, 2 * limit)
    )
    try:
        while pending:
            result = _result(pending.popleft())
            pending.extend(pool.submit(function, item) for item in islice(source, 1))
            yield result
        finished = True
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=finished)


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
