"""Server-sent events: speech audio (``stream_format="sse"``) and streamed transcripts."""

from __future__ import annotations

import base64
import json
from typing import Any, BinaryIO

from pydantic import SecretStr

from langchain_onerouter_audio._error_factories import redact
from langchain_onerouter_audio.errors import OneRouterResponseError

__all__ = ["SseAudioWriter", "SseEvents"]


class SseEvents:
    """Splits bytes, as they arrive, into the JSON payloads of complete events.

    ``secret`` (the API key) is masked in error events, which a server may echo it in.
    """

    def __init__(self, kind: str, *, secret: SecretStr | None = None) -> None:
        self._kind = kind  # names the stream in error messages, e.g. "speech"
        self._secret = secret
        self._pending = b""

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        """Return the payloads of every event completed by ``chunk``; keep the rest."""
        # Normalise after joining, so a CRLF split across two chunks is still seen.
        self._pending = (self._pending + chunk).replace(b"\r\n", b"\n")
        *events, self._pending = self._pending.split(b"\n\n")
        return [payload for event in events if (payload := self._payload(event)) is not None]

    def flush(self) -> list[dict[str, Any]]:
        """At the end of the stream: the payload of a last event that lacked its blank line."""
        rest, self._pending = self._pending, b""
        payload = self._payload(rest)
        return [] if payload is None else [payload]

    def _payload(self, event: bytes) -> dict[str, Any] | None:
        payload = _payload(event, self._kind)
        if payload is not None and payload.get("type") == "error":
            error = payload.get("error")
            message = error.get("message") if isinstance(error, dict) else None
            text = redact(
                str(message or payload), self._secret.get_secret_value() if self._secret else None
            )
            raise OneRouterResponseError(f"The server reported an error mid-stream: {text}")
        return payload


def _payload(event: bytes, kind: str) -> dict[str, Any] | None:
    """The JSON object of one event (its ``data:`` lines joined), or None for no data."""
    data = b"\n".join(
        line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:")
    ).strip()
    if not data or data == b"[DONE]":
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise OneRouterResponseError(
            f"A {kind} event from the server could not be read as a JSON object. The server "
            "may not support streaming; try without it."
        )
    return payload


class SseAudioWriter:
    """Accepts SSE bytes as they arrive and writes the decoded audio to ``out``."""

    def __init__(self, out: BinaryIO, *, secret: SecretStr | None = None) -> None:
        self.out = out
        self._events = SseEvents("speech", secret=secret)

    def write(self, chunk: bytes) -> int:
        """Decode every complete event in the buffer; keep the rest for the next chunk."""
        self._write_audio(self._events.feed(chunk))
        return len(chunk)

    def flush(self) -> None:
        """Once the body has ended: decode a last event sent without its blank line."""
        self._write_audio(self._events.flush())

    def _write_audio(self, payloads: list[dict[str, Any]]) -> None:
        for payload in payloads:
            if payload.get("type") == "speech.audio.delta":
                self.out.write(_audio(payload))


def _audio(payload: dict[str, Any]) -> bytes:
    """The audio of one delta event; a broken event raises."""
    try:
        return base64.b64decode(payload["audio"], validate=True)
    except (ValueError, KeyError, TypeError) as error:
        raise OneRouterResponseError(
            f"A speech event from the server could not be read ({type(error).__name__}). "
            "The server may not support stream_format='sse'; try without it."
        ) from None
