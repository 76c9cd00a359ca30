"""A loopback HTTP server for what only a real socket shows.

asyncio + h11 on 127.0.0.1, in its own thread: connection refused, a reset or a short body
mid-response, a server that never answers, and how many connections a client keeps open.
Statuses, headers and bodies without sockets are ``fake_api``'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import h11

from tests.unit_tests.fake_api import AUDIO, TRANSCRIPT


@dataclass(frozen=True)
class Seen:
    """A request the loopback server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Action = Callable[[h11.Connection, asyncio.StreamWriter], Awaitable[bool]]


def _flatten(headers: dict[str, str]) -> list[tuple[str, str]]:
    return list(headers.items())


def respond(status: int, body: bytes, headers: dict[str, str] | None = None) -> Action:
    """A complete response; the connection stays open for the next request."""

    async def act(conn: h11.Connection, writer: asyncio.StreamWriter) -> bool:
        fields = {"content-length": str(len(body)), **(headers or {})}
        writer.write(conn.send(h11.Response(status_code=status, headers=_flatten(fields))))
        writer.write(conn.send(h11.Data(data=body)))
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()
        return True

    return act


def respond_json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Action:
    """A JSON response."""
    return respond(
        status,
        json.dumps(payload).encode(),
        {"content-type": "application/json", **(headers or {})},
    )


def truncate(body: bytes, declared: int) -> Action:
    """Promise ``declared`` bytes, send ``body`` (shorter), then close cleanly."""

    async def act(conn: h11.Connection, writer: asyncio.StreamWriter) -> bool:
        headers = [("content-length", str(declared))]
        writer.write(conn.send(h11.Response(status_code=200, headers=headers)))
        writer.write(conn.send(h11.Data(data=body)))
        await writer.drain()
        return False

    return act


def reset(body: bytes = b"") -> Action:
    """Send the status line and part of the body, then reset the connection (RST)."""

    async def act(conn: h11.Connection, writer: asyncio.StreamWriter) -> bool:
        headers = [("content-length", str(len(body) + 10_000))]
        writer.write(conn.send(h11.Response(status_code=200, headers=headers)))
        writer.write(conn.send(h11.Data(data=body)))
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False

    return act


def hang_up() -> Action:
    """Close the connection without answering."""

    async def act(conn: h11.Connection, writer: asyncio.StreamWriter) -> bool:
        return False

    return act


class LocalServer:
    """An HTTP/1.1 server on 127.0.0.1 that answers each request with ``handler(seen)``.

    It counts connections: how many were opened, how many are open, and the peak.
    """

    def __init__(self, handler: Callable[[Seen], Action]) -> None:
        self.handler = handler
        self.requests: list[Seen] = []
        self.opened = 0
        self.open = 0
        self.peak = 0
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def hang(self) -> Action:
        """Never answer (until the server stops): the client's read timeout must fire."""

        async def act(conn: h11.Connection, writer: asyncio.StreamWriter) -> bool:
            await self._stop.wait()
            return False

        return act

    def __enter__(self) -> LocalServer:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)

    def wait_closed(self, timeout: float = 2.0) -> int:
        """Wait until every client connection has been closed; return how many remain."""
        deadline = time.monotonic() + timeout
        while self.open and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.open

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        tasks: set[asyncio.Task[None]] = set()

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await self._serve(reader, writer)
            except asyncio.CancelledError:
                pass  # the server is stopping with this connection still open
            finally:
                tasks.discard(task)

        server = await asyncio.start_server(accept, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        self.open += 1
        self.peak = max(self.peak, self.open)
        conn = h11.Connection(h11.SERVER)
        try:
            while await self._one_exchange(conn, reader, writer):
                conn.start_next_cycle()
        except (h11.ProtocolError, ConnectionError):
            pass
        finally:
            self.open -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _one_exchange(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        request: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
            else:  # ConnectionClosed: the client went away between requests
                return False
        assert request is not None
        seen = Seen(
            method=request.method.decode(),
            path=request.target.decode(),
            headers={k.decode().lower(): v.decode() for k, v in request.headers},
            body=bytes(body),
        )
        self.requests.append(seen)
        keep = await self.handler(seen)(conn, writer)
        return keep and conn.our_state is h11.DONE and conn.their_state is h11.DONE


def ok_action(seen: Seen) -> Action:
    """The success answer for whichever endpoint ``seen`` asked for."""
    if seen.path.endswith("/audio/speech"):
        return respond(200, AUDIO, {"content-type": "audio/mpeg"})
    if b'name="response_format"\r\n\r\ntext\r\n' in seen.body:  # a text transcript is text
        return respond(200, TRANSCRIPT["text"].encode() + b"\n", {"content-type": "text/plain"})
    return respond_json(200, TRANSCRIPT)


def unused_port() -> int:
    """A loopback port with nothing listening on it (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def open_fds() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))
