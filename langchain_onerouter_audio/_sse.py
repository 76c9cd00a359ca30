"""Decoder for speech sent as server-sent events (``stream_format="sse"``)."""

from __future__ import annotations

import base64
import json
from typing import BinaryIO

from langchain_onerouter_audio.errors import OneRouterResponseError

__all__ = ["SseAudioWriter"]


class SseAudioWriter:
    """Accepts SSE bytes as they arrive and writes the decoded audio to ``out``."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self._pending = b""

    def write(self, chunk: bytes) -> int:
        """Decode every complete event in the buffer; keep the rest for the next chunk."""
        self._pending += chunk.replace(b"\r\n", b"\n")
        *events, self._pending = self._pending.split(b"\n\n")
        for event in events:
            self._decode(event)
        return len(chunk)

    def _decode(self, event: bytes) -> None:
        for line in event.split(b"\n"):
            if not line.startswith(b"data:"):
                continue
            data = line[5:].strip()
            if not data or data == b"[DONE]":
                continue
            self.out.write(_audio_delta(data))


def _audio_delta(data: bytes) -> bytes:
    """The audio in one event's data (empty for other event types); a broken event raises."""
    try:
        payload = json.loads(data)
        if payload.get("type") != "speech.audio.delta":  # an object, of another type
            return b""
        return base64.b64decode(payload["audio"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise OneRouterResponseError(
            f"A speech event from the server could not be read ({type(error).__name__}). "
            "The server may not support stream_format='sse'; try without it."
        ) from None
