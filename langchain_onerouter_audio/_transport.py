"""The wire under the engine: network failures as typed errors, multipart bodies in few writes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
from pydantic import SecretStr

from langchain_onerouter_audio._error_factories import redact
from langchain_onerouter_audio.errors import (
    OneRouterConnectionError,
    OneRouterInputError,
    OneRouterTimeoutError,
)

__all__ = ["CoalescedStream", "transport_errors"]


@contextlib.contextmanager
def transport_errors(attempt: int, secret: SecretStr) -> Iterator[None]:
    """Turn httpx's network exceptions into this package's typed errors, key masked.

    ``secret`` stays a ``SecretStr``: this frame is in every traceback these errors have.
    """
    try:
        yield
    except httpx.TimeoutException as error:
        raise OneRouterTimeoutError(
            f"The request timed out ({type(error).__name__}) after {attempt} attempt(s). "
            "Raise `timeout`, or try again later.",
            attempts=attempt,
        ) from error
    except (httpx.LocalProtocolError, httpx.UnsupportedProtocol) as error:
        # The request could not even be written: retrying cannot help.
        detail = redact(str(error), secret.get_secret_value())
        raise OneRouterInputError(
            f"The request could not be sent ({type(error).__name__}: {detail}). "
            "Check `base_url` and `default_headers`."
        ) from _cause(error, detail)
    except httpx.TransportError as error:
        detail = redact(str(error), secret.get_secret_value())
        raise OneRouterConnectionError(
            f"Connection to the audio API failed ({type(error).__name__}: {detail}) after "
            f"{attempt} attempt(s). Check the network and `base_url`.",
            attempts=attempt,
        ) from _cause(error, detail)


def _cause(error: Exception, redacted: str) -> Exception | None:
    """Chain ``error`` unless its own message holds the key (then the chain would show it)."""
    return error if redacted == str(error) else None


class CoalescedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A multipart body sent in writes of up to 64 KiB instead of one per part.

    httpx yields every boundary, part header and form value as its own piece, and each piece
    costs a socket write; joining them sends a small upload in one write. The file is still
    read in 64 KiB chunks, so memory stays flat however large the upload is.

    Async calls read those chunks on the event loop, without a thread: from the page cache a
    chunk is read in far less time than a thread hop takes (benchmarks/README.md has the
    figures). A slow or network disk blocks the loop for as long as a read takes.
    """

    _WRITE_BYTES = 64 * 1024

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        pending: list[bytes] = []
        size = 0
        for piece in self._inner:  # type: ignore[union-attr]  # multipart streams are both
            pending.append(piece)
            size += len(piece)
            if size >= self._WRITE_BYTES:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:  # reads the file on the loop, 64 KiB at a time (see above)
            yield chunk
