"""Remote audio: an http(s) URL streamed to a temporary file, safely.

A URL may come from a user or a model, so it is untrusted. Only http and https are fetched;
a host that resolves to a loopback, private, link-local, multicast, reserved, unspecified or
cloud metadata address is refused unless the caller allows private addresses. The check runs
when each connection is opened, on the addresses the name resolves to at that moment, and the
connection goes to the address that passed it, so a name that changes its answer between a
check and the connection (DNS rebinding) cannot lead inside. Redirects are followed by hand,
a few at most, each hop checked again. The body is capped before (``Content-Length``) and
while it streams to disk, refused early when it is a web page, and the temporary file is
removed whatever happens. Shown URLs lose their user info and query string, which may hold
credentials (presigned links do).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit, urlunsplit

import httpcore
import httpx

from langchain_onerouter_audio._files import sniff_audio_format
from langchain_onerouter_audio._retry import RETRYABLE_STATUSES, RetryPolicy
from langchain_onerouter_audio.errors import (
    OneRouterConnectionError,
    OneRouterInputError,
    OneRouterTimeoutError,
)
from langchain_onerouter_audio.models import MAX_UPLOAD_BYTES

__all__ = ["UrlPolicy", "adownload", "download", "is_url", "shown_url"]

logger = logging.getLogger("langchain_onerouter_audio")

_SCHEMES = ("http://", "https://")
_SNIFF_BYTES = 16
_DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
# Cloud metadata services that sit outside the ranges ``ipaddress`` calls private.
_METADATA = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_url(value: object) -> bool:
    """True for a str that starts with http:// or https://; any other str is a path."""
    return isinstance(value, str) and value[:8].lower().startswith(_SCHEMES)


def shown_url(url: str) -> str:
    """``url`` fit for metadata and logs: no user info, query string or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<invalid URL>"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, "", ""))


@dataclass(frozen=True)
class UrlPolicy:
    """What a download may do: where it may go, how much it may fetch, how long it may take."""

    allow_private: bool = False
    """Fetch from loopback, private and link-local addresses too (tests, a local server)."""
    allowed_hosts: frozenset[str] | None = None
    """Host names (lower case) every hop must have; None allows any public host."""
    max_bytes: int = MAX_UPLOAD_BYTES
    max_redirects: int = 5
    timeout: httpx.Timeout = field(default_factory=lambda: _DEFAULT_TIMEOUT)
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True for an address on the public internet, not one inside a network or a host."""
    inner = _embedded_ipv4(address)
    if inner is not None and not is_public_address(inner):
        return False
    if address in _METADATA:
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now (tests replace this to fake a name)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _refused(host: str, address: str) -> OneRouterInputError:
    return OneRouterInputError(
        f"The host {host!r} is at a private, loopback, link-local or reserved address "
        f"({address}); such addresses are refused. Pass allow_private_urls=True to fetch "
        "from a server on this machine or network."
    )


def checked_address(host: str, addresses: Iterable[str]) -> str:
    """The address to connect to; refused when any address of ``host`` is not public.

    Every address is checked, not only the first: a name with one public and one private
    address could otherwise reach the private one on a retry.
    """
    chosen = None
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if not is_public_address(address):
            raise _refused(host, text)
        chosen = chosen or text
    if chosen is None:
        raise OneRouterConnectionError(f"The host {host!r} has no address.")
    return chosen


def _public_address_of(host: str, port: int) -> str:
    """Resolve ``host`` now and return the address to connect to, once all are checked."""
    try:
        addresses = resolve(host, port)
    except OSError as error:
        raise httpcore.ConnectError(f"cannot resolve {host!r}: {error}") from None
    return checked_address(host, addresses)


class _CheckedBackend(httpcore.SyncBackend):
    """Opens connections only to public addresses, to the very address that was checked."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        address = _public_address_of(host, port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class _ACheckedBackend(httpcore.AnyIOBackend):
    """Async :class:`_CheckedBackend`; the name is resolved off the event loop."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await asyncio.to_thread(_public_address_of, host, port)
        return await super().connect_tcp(address, port, timeout, local_address, socket_options)


def _transport(policy: UrlPolicy) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    if not policy.allow_private:
        transport._pool._network_backend = _CheckedBackend()  # httpx offers no public hook
    return transport


def _atransport(policy: UrlPolicy) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport()
    if not policy.allow_private:
        transport._pool._network_backend = _ACheckedBackend()
    return transport


def _file_name(url: httpx.URL) -> str:
    """A safe local name from the URL's last path part (its extension helps name the upload)."""
    name = _SAFE_NAME.sub("_", Path(unquote(url.path)).name).strip("._")
    return name[:100] or "audio"


@dataclass
class _Download:
    """The steps both engines share: check a hop, judge a response, take the body's bytes."""

    url: str
    policy: UrlPolicy
    shown: str = ""
    received: int = 0
    head: bytes = b""

    def __post_init__(self) -> None:
        self.shown = shown_url(self.url)

    def first_hop(self) -> httpx.URL:
        return self.checked(self.url)

    def checked(self, url: str | httpx.URL) -> httpx.URL:
        """Refuse a scheme other than http(s), a URL without a host, or a host not allowed."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            raise OneRouterInputError(f"{shown_url(str(url))!r} is not a valid URL.") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise OneRouterInputError(
                f"Only http:// and https:// URLs with a host are fetched, not "
                f"{shown_url(str(url))!r}."
            )
        allowed = self.policy.allowed_hosts
        if allowed is not None and parsed.host.lower() not in allowed:
            raise OneRouterInputError(
                f"The host {parsed.host!r} is not one this tool may fetch from "
                f"(allowed: {', '.join(sorted(allowed)) or 'none'})."
            )
        return parsed

    def next_hop(self, response: httpx.Response, hops: int) -> httpx.URL | None:
        """Where a redirect leads (checked), or None when ``response`` holds the body."""
        status = response.status_code
        if response.is_redirect and "location" in response.headers:
            if hops >= self.policy.max_redirects:
                raise OneRouterInputError(
                    f"{self.shown!r} redirected more than {self.policy.max_redirects} times."
                )
            target = response.url.join(response.headers["location"])
            logger.debug("%s redirects to %s", self.shown, shown_url(str(target)))
            return self.checked(target)
        if status in RETRYABLE_STATUSES:
            raise OneRouterConnectionError(f"{self.shown!r} answered HTTP {status}.")
        if not 200 <= status < 300:
            raise OneRouterInputError(
                f"{self.shown!r} answered HTTP {status} {response.reason_phrase or ''}".rstrip()
                + "; check the URL."
            )
        self._check_headers(response.headers)
        return None

    def _check_headers(self, headers: httpx.Headers) -> None:
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            raise self._web_page()
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.policy.max_bytes:
            raise self._too_large(int(length))

    def _web_page(self) -> OneRouterInputError:
        return OneRouterInputError(
            f"{self.shown!r} is a web page, not audio; give the address of the audio file."
        )

    def _too_large(self, size: int | None) -> OneRouterInputError:
        stated = f"is {size:,} bytes" if size is not None else "is larger than that"
        return OneRouterInputError(
            f"The audio at {self.shown!r} {stated}; the download limit is "
            f"{self.policy.max_bytes:,} bytes (max_download_bytes)."
        )

    def restart(self) -> None:
        self.received, self.head = 0, b""

    def write(self, out: BinaryIO, chunk: bytes) -> None:
        """Write one piece of the body, stopping at the cap and at a body that is not audio."""
        self.received += len(chunk)
        if self.received > self.policy.max_bytes:
            raise self._too_large(None)
        if len(self.head) < _SNIFF_BYTES:
            self.head += chunk[: _SNIFF_BYTES - len(self.head)]
            if len(self.head) == _SNIFF_BYTES:
                self.check_head()
        out.write(chunk)

    def check_head(self) -> None:
        """Refuse a body whose first bytes are markup or match no audio format."""
        if self.received == 0:
            raise OneRouterInputError(f"{self.shown!r} answered with an empty body, not audio.")
        if self.head.lstrip().startswith(b"<"):
            raise self._web_page()
        if sniff_audio_format(self.head) is None:
            raise OneRouterInputError(
                f"The body of {self.shown!r} does not look like audio: its first bytes match "
                "no supported format."
            )

    def finish(self) -> None:
        if len(self.head) < _SNIFF_BYTES:
            self.check_head()


@contextlib.contextmanager
def _network_errors(download: _Download, attempt: int) -> Iterator[None]:
    """Network failures of httpx as this package's typed (and retried) errors."""
    try:
        yield
    except httpx.TimeoutException:
        raise OneRouterTimeoutError(
            f"Downloading {download.shown!r} timed out after {attempt} attempt(s).",
            attempts=attempt,
        ) from None
    except httpx.TransportError as error:
        raise OneRouterConnectionError(
            f"Downloading {download.shown!r} failed ({type(error).__name__}) after "
            f"{attempt} attempt(s).",
            attempts=attempt,
        ) from None


@contextlib.contextmanager
def _temporary_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="onerouter-audio-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def download(url: str, policy: UrlPolicy) -> Iterator[Path]:
    """Stream ``url`` into a temporary file; yield its path; remove it on exit."""
    job = _Download(url, policy)
    first = job.first_hop()
    target_url = first
    with _temporary_folder() as folder:
        for attempt in policy.retry_policy.retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                job.restart()
                with (
                    _network_errors(job, number),
                    httpx.Client(
                        transport=_transport(policy), timeout=policy.timeout, trust_env=False
                    ) as http,
                ):
                    target_url, hops = first, 0
                    while True:
                        with http.stream("GET", target_url) as response:
                            hop = job.next_hop(response, hops)
                            if hop is None:
                                path = folder / _file_name(target_url)
                                with path.open("wb") as out:
                                    for chunk in response.iter_bytes():
                                        job.write(out, chunk)
                                job.finish()
                                break
                        target_url, hops = hop, hops + 1
        yield path


@contextlib.asynccontextmanager
async def adownload(url: str, policy: UrlPolicy) -> AsyncIterator[Path]:
    """Async :func:`download`; the body is written on the loop, a chunk at a time."""
    job = _Download(url, policy)
    first = job.first_hop()
    with _temporary_folder() as folder:
        async for attempt in policy.retry_policy.async_retrying():
            with attempt:
                number = attempt.retry_state.attempt_number
                job.restart()
                with _network_errors(job, number):
                    async with httpx.AsyncClient(
                        transport=_atransport(policy), timeout=policy.timeout, trust_env=False
                    ) as http:
                        target_url, hops = first, 0
                        while True:
                            async with http.stream("GET", target_url) as response:
                                hop = job.next_hop(response, hops)
                                if hop is None:
                                    path = folder / _file_name(target_url)
                                    with path.open("wb") as out:
                                        async for chunk in response.aiter_bytes():
                                            job.write(out, chunk)
                                    job.finish()
                                    break
                            target_url, hops = hop, hops + 1
        yield path
