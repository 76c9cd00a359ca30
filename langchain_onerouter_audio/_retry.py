"""Retry policy: which failures are retried, and how long to wait between attempts.

Backoff is exponential with jitter and honours ``Retry-After`` / ``retry-after-ms``, as the
OpenAI SDK does. A server that asks for a longer wait than ``max_retry_after`` is not asked
again: the error is raised at once, carrying ``retry_after``, so the caller can schedule.
Sleep and clock are injectable so tests never really wait.


A caller that shares request slots (the transcript loader) sets ``ATTEMPT_OBSERVER`` around
a call: a failed attempt is reported to it before the wait, so the slot is free while the
call sleeps and taken again before the next attempt.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

from langchain_onerouter_audio.errors import (
    OneRouterAPIError,
    OneRouterConnectionError,
    OneRouterInputError,
)

__all__ = [
    "ATTEMPT_OBSERVER",
    "RETRYABLE_STATUSES",
    "AttemptObserver",
    "RetryPolicy",
    "is_retryable",
    "parse_retry_after",
]

logger = logging.getLogger("langchain_onerouter_audio")

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


class AttemptObserver(Protocol):
    """Told about each retry of the current call (see the module docstring)."""

    def failed(self, error: BaseException | None) -> None:
        """An attempt failed and a retry will follow after a wait."""

    def resume(self) -> None:
        """The wait is over; block until the next attempt may start."""

    async def aresume(self) -> None:
        """Async :meth:`resume`."""


ATTEMPT_OBSERVER: ContextVar[AttemptObserver | None] = ContextVar(
    "onerouter_attempt_observer", default=None
)


def is_retryable(error: BaseException) -> bool:
    """Connection failures and transient statuses are retried; other errors are final."""
    if isinstance(error, OneRouterAPIError):
        return error.status_code in RETRYABLE_STATUSES
    return isinstance(error, OneRouterConnectionError)


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``retry-after``."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(float(milliseconds) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - now, 0.0)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``max_retries=2`` means up to three attempts.

    Retried: HTTP 408, 409, 429, 500, 502, 503 and 504, and connection errors; any other
    error is final. The wait after attempt *n* is ``min(initial_delay * 2 ** (n - 1),
    max_delay)``, shortened by up to a quarter at random, unless the server asked for a
    wait (``Retry-After`` / ``retry-after-ms``) of at most ``max_retry_after`` seconds:
    then that wait.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — retry params:
        max_retries: int
            Retries after the first attempt (default 2); 0 turns retrying off.
        initial_delay: float
            Seconds before the first retry (default 0.5), doubled for each later one.
        max_delay: float
            Longest backoff in seconds (default 8.0).
        max_retry_after: float
            Longest server-requested wait honoured (default 60.0); a longer one falls
            back to the backoff.

    Key init args — test hooks:
        sleep, async_sleep: Callable
            How to wait (default ``time.sleep`` / ``asyncio.sleep``); tests pass fakes.
        clock: Callable[[], float]
            Current time, to turn an HTTP-date ``Retry-After`` into seconds.
        jitter: Callable[[], float]
            A number in [0, 1) (default ``random.random``).

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterAudioClient, RetryPolicy

            policy = RetryPolicy(max_retries=5, initial_delay=1.0, max_delay=30.0)
            client = OneRouterAudioClient(retry_policy=policy)

    Invoke:
        .. code-block:: python

            [round(policy.delay(attempt, None), 2) for attempt in range(1, 6)]

        .. code-block:: none

            [0.93, 1.76, 3.61, 7.2, 15.12]

    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.time
    jitter: Callable[[], float] = field(default=random.random)

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not (
            isinstance(self.max_retries, int) and self.max_retries >= 0
        ):
            raise OneRouterInputError(
                f"`max_retries` is {self.max_retries!r}; use a whole number, 0 or more."
            )

    def should_retry(self, error: BaseException) -> bool:
        """Retry a transient failure, unless the server asked for a wait over the cap.

        Retrying sooner than asked would only hammer a server that said when to come back.
        """
        if not is_retryable(error):
            return False
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None and retry_after > self.max_retry_after:
            logger.info(
                "The server asked to wait %.0f s, over max_retry_after=%.0f s; not retrying",
                retry_after,
                self.max_retry_after,
            )
            return False
        return True

    def delay(self, attempt: int, error: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt``.

        Args:
            attempt: The attempt that failed, from 1.
            error: Its error; its ``retry_after`` (seconds the server asked for) is used
                when it has one (only waits within ``max_retry_after`` are retried).

        Returns:
            The wait in seconds.

        """
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        backoff = min(self.initial_delay * 2.0 ** (attempt - 1), self.max_delay)
        return backoff * (1.0 - 0.25 * self.jitter())

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return float(self.delay(state.attempt_number, error))

    def _before_sleep(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.info(
            "Attempt %d failed (%s); retrying in %.2f s",
            state.attempt_number,
            type(error).__name__,
            wait,
        )
        observer = ATTEMPT_OBSERVER.get()
        if observer is not None:
            observer.failed(error)

    def _pause(self, seconds: float) -> None:
        observer = ATTEMPT_OBSERVER.get()
        self.sleep(seconds)
        if observer is not None:
            observer.resume()

    async def _apause(self, seconds: float) -> None:
        observer = ATTEMPT_OBSERVER.get()
        await self.async_sleep(seconds)
        if observer is not None:
            await observer.aresume()

    def retrying(self) -> Retrying:
        """A tenacity controller for sync calls.

        Returns:
            A ``tenacity.Retrying`` that stops after ``max_retries + 1`` attempts, retries
            only retryable errors, logs each retry at INFO and re-raises the last error.

        """
        return Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(self.should_retry),
            sleep=self._pause,
            before_sleep=self._before_sleep,
            reraise=True,
        )

    def async_retrying(self) -> AsyncRetrying:
        """Async version of :meth:`retrying`: a ``tenacity.AsyncRetrying``."""
        return AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(self.should_retry),
            sleep=self._apause,
            before_sleep=self._before_sleep,
            reraise=True,
        )
