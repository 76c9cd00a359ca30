"""OneRouterAudioClient: one typed request per call, sync and async.

Each client owns one ``httpx.Client`` and, per event loop, one ``httpx.AsyncClient`` (created
on first use), reused for every call so connections are pooled. Uploads stream from disk,
downloads stream to disk, and every failure surfaces as a typed :class:`OneRouterError`.

This module is the public face: settings, closing and the class users import. The verbs come
from ``_speech_api`` and ``_transcription_api``; sending, retrying and reading answers are the
engine's (``_base_client``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx
from langchain_core.rate_limiters import BaseRateLimiter
from pydantic import SecretStr
from typing_extensions import Self

from langchain_onerouter_audio._client_settings import (
    DEFAULT_TIMEOUT,
    checked_base_url,
    checked_key,
    checked_rate_limiter,
    checked_timeout,
    checked_upload_limit,
)
from langchain_onerouter_audio._params import SpeechOptions
from langchain_onerouter_audio._retry import RetryPolicy
from langchain_onerouter_audio._speech_api import SpeechMethods, UsageCallback
from langchain_onerouter_audio._transcription_api import TranscriptionMethods
from langchain_onerouter_audio.models import MAX_UPLOAD_BYTES

__all__ = ["DEFAULT_TIMEOUT", "OneRouterAudioClient", "SpeechOptions", "UsageCallback"]


class OneRouterAudioClient(SpeechMethods, TranscriptionMethods):
    """Typed client for OneRouter's Universal Audio API (any OpenAI-compatible audio API).

    Setup:
        Install ``langchain-onerouter-audio`` and set environment variable
        ``ONEROUTER_API_KEY``.

        .. code-block:: bash

            pip install -U langchain-onerouter-audio
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — client params:
        api_key: str | SecretStr | None
            OneRouter API key. If not passed in will be read from env var
            ``ONEROUTER_API_KEY``; no key at all raises :class:`OneRouterError`.
        base_url: str | None
            API root URL. If not passed in will be read from env var ``ONEROUTER_BASE_URL``,
            else ``https://audio.onerouter.pro/v1``. Any OpenAI-compatible audio API works.
        timeout: float | httpx.Timeout | None
            Seconds per request, or an ``httpx.Timeout`` (default: 120 s read, 10 s
            connect); None waits for ever. Applies to the pools this client makes.
        max_retries: int
            Retries after the first attempt for HTTP 408, 409, 429, 500, 502, 503, 504
            and connection errors (default 2: up to three attempts).
        retry_policy: RetryPolicy | None
            Backoff in full (delays, ``Retry-After`` cap, sleep); replaces ``max_retries``.
        rate_limiter: BaseRateLimiter | None
            A LangChain rate limiter (e.g. ``InMemoryRateLimiter``), acquired before every
            attempt, retries included, so one limiter can pace many clients.

    Key init args — remote audio params:
        allow_private_urls: bool
            Fetch audio URLs whose host is a loopback, private or link-local address (a
            server on this machine or network); refused by default.
        max_download_bytes: int | None
            Largest audio fetched from a URL (default: ``max_upload_bytes``); the download
            stops as soon as it grows past it.

    Key init args — transport params:
        max_upload_bytes: int
            Largest upload sent (default 25 MB); a larger file is refused before sending.
        default_headers: Mapping[str, str] | None
            Extra headers for every request.
        http_client: httpx.Client | None
            Sync pool to send with; used as given and never closed by this client.
        http_async_client: httpx.AsyncClient | None
            Async pool to send with, in place of one per event loop; never closed here.

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterAudioClient

            client = OneRouterAudioClient(
                # api_key="...",
                # base_url="https://audio.onerouter.pro/v1",
                timeout=60,
                max_retries=2,
            )

    Speak:
        .. code-block:: python

            audio = client.speech("Hello!", voice="coral", response_format="wav")
            path = client.speech_to_file("hello.mp3", "Hello!")  # streamed, atomic
            print(len(audio), path)

        .. code-block:: none

            91244 hello.mp3

    Transcribe:
        .. code-block:: python

            client.transcribe("hello.mp3")

        .. code-block:: none

            Transcription(text='Hello, my name is Wolfgang and I come from Germany. Where
            are you heading today?', logprobs=None, usage=UsageDuration(type='duration',
            seconds=6.0))

        .. code-block:: python

            result = client.transcribe("lecture.mp3", response_format="verbose_json")
            print(result.language, result.duration, result.segments[0].text)

        .. code-block:: none

            english 24.1 Imagine the wildest idea that you have ever had.

    Translate:
        .. code-block:: python

            client.translate("german.mp3", response_format="text")

        .. code-block:: none

            'Hello, my name is Wolfgang and I come from Germany. Where are you going today?'

    Stream a transcript:
        .. code-block:: python

            for event in client.transcribe_stream("hello.mp3", model="gpt-4o-transcribe"):
                if event.type == "transcript.text.delta":
                    print(event.delta, end="")

    Async:
        .. code-block:: python

            async with OneRouterAudioClient() as client:
                audio = await client.aspeech("Hello!")
                result = await client.atranscribe("hello.mp3")
                async for event in client.atranscribe_stream("hello.mp3"):
                    ...

    Closing:
        Use the client as a context manager (``with`` / ``async with``), or call
        ``close`` / ``aclose``. Connection pools the client made itself (never ones passed
        in) are closed:

        - the sync pool by ``close()``, ``with``, ``aclose()`` and ``async with``;
        - an event loop's async pool when that loop shuts down its async generators, as
          ``asyncio.run`` does at its end, so repeated ``asyncio.run`` calls hold no sockets;
        - the async pool of the running loop by ``aclose()`` / ``async with``, and every
          async pool by ``close()`` / ``with`` (and ``aclose()``): at once if its loop is
          idle, else by a task scheduled on that loop.

        Each event loop gets its own async pool, so threads that each run their own loop can
        share one client. A loop closed without shutting down its async generators leaves
        its pool's sockets to the garbage collector once a later loop or ``close()`` forgets
        it.

    """

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limiter: BaseRateLimiter | None = None,
        allow_private_urls: bool = False,
        max_download_bytes: int | None = None,
    ) -> None:
        super().__init__(
            api_key=checked_key(api_key),
            base_url=checked_base_url(base_url),
            timeout=checked_timeout(timeout),
            retry_policy=retry_policy or RetryPolicy(max_retries=max_retries),
            max_upload_bytes=checked_upload_limit(max_upload_bytes),
            default_headers=default_headers,
            http_client=http_client,
            http_async_client=http_async_client,
            rate_limiter=checked_rate_limiter(rate_limiter),
            allow_private_urls=allow_private_urls,
            max_download_bytes=checked_upload_limit(
                max_upload_bytes if max_download_bytes is None else max_download_bytes
            ),
        )

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt for transient failures."""
        return self.retry_policy.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"max_retries={self.max_retries}, timeout={self.timeout.read})"
        )

    # -- closing

    def close(self) -> None:
        """Close the connection pools this client made (see *Closing* in the class docstring)."""
        self._close_pools()

    async def aclose(self) -> None:
        """Close the pools this client made; the async pool of this loop is awaited."""
        await self._aclose_pools()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
