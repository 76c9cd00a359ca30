"""The client's settings, checked when it is built so a bad one fails before any request.

Each check names the setting (or its environment variable) and says what would be valid.
"""

from __future__ import annotations

import functools
import math
import os
import re

import httpx
from langchain_core.rate_limiters import BaseRateLimiter
from pydantic import SecretStr

from langchain_onerouter_audio._version import package_version
from langchain_onerouter_audio.errors import OneRouterError, OneRouterInputError
from langchain_onerouter_audio.models import DEFAULT_BASE_URL, MAX_UPLOAD_BYTES

__all__ = [
    "DEFAULT_TIMEOUT",
    "checked_base_url",
    "checked_key",
    "checked_rate_limiter",
    "checked_timeout",
    "checked_upload_limit",
    "user_agent",
]

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_HEADER_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces


@functools.cache
def user_agent() -> str:
    """Name the version as installed: pyproject is its one source, not a copy here."""
    return f"langchain-onerouter-audio/{package_version()}"


def checked_key(key: str | SecretStr | None) -> SecretStr:
    """The key (else ``ONEROUTER_API_KEY``) trimmed, refused if a header cannot carry it.

    Trimmed because files keep their newline.
    """
    if key is None:
        key = os.environ.get("ONEROUTER_API_KEY")
    secret = SecretStr(
        (key.get_secret_value() if isinstance(key, SecretStr) else key or "").strip()
    )
    if not secret.get_secret_value():
        raise OneRouterError(
            "No API key. Set ONEROUTER_API_KEY or pass api_key= to OneRouterAudioClient."
        )
    if not _HEADER_TOKEN.fullmatch(secret.get_secret_value()):
        raise OneRouterError(
            "The API key contains spaces, control characters or non-ASCII characters, so it "
            "cannot be sent in a header. Check ONEROUTER_API_KEY (or api_key=): copy the key "
            "again as one unbroken token."
        )
    return secret


def checked_base_url(base_url: str | None) -> str:
    """The API root without a trailing slash; anything but an http(s) URL is refused now."""
    from_environment = os.environ.get("ONEROUTER_BASE_URL")
    # The LangChain faces read the variable into their own field: name it as the user set it.
    source = "base_url" if base_url and base_url != from_environment else "ONEROUTER_BASE_URL"
    raw = base_url or from_environment or DEFAULT_BASE_URL
    try:
        url = httpx.URL(raw.rstrip("/"))
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise OneRouterInputError(
            f"{source} {raw!r} is not an http(s) URL. Give the API's root URL, "
            f"e.g. {DEFAULT_BASE_URL!r}."
        )
    return raw.rstrip("/")


def checked_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """Refuse a timeout that is not a finite number of seconds above zero."""
    if (timeout is not None and not isinstance(timeout, (int, float, httpx.Timeout))) or (
        isinstance(timeout, bool)
    ):
        raise OneRouterInputError(
            f"`timeout` must be a number of seconds, an httpx.Timeout or None, "
            f"got {type(timeout).__name__}."
        )
    if not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout)
    for name in ("connect", "read", "write", "pool"):
        seconds = getattr(timeout, name)
        if seconds is not None and not (0 < seconds < math.inf):
            raise OneRouterInputError(
                f"The {name} timeout is {seconds!r}; use a number of seconds above 0 (or None "
                "for no limit)."
            )
    return timeout


def checked_upload_limit(limit: int) -> int:
    """Refuse a limit that is not a whole number of bytes, 1 or more (it is compared later)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise OneRouterInputError(
            f"`max_upload_bytes` is {limit!r}; use a whole number of bytes, 1 or more "
            f"(the API takes up to {MAX_UPLOAD_BYTES:,})."
        )
    return limit


def checked_rate_limiter(limiter: object) -> BaseRateLimiter | None:
    """Refuse anything but a LangChain rate limiter now, not at the first request."""
    if limiter is None or isinstance(limiter, BaseRateLimiter):
        return limiter
    raise OneRouterInputError(
        f"`rate_limiter` is a {type(limiter).__name__}; give a LangChain BaseRateLimiter, "
        "e.g. langchain_core.rate_limiters.InMemoryRateLimiter(requests_per_second=2)."
    )
