"""Decoder for speech sent as server-sent events (``stream_format="sse"``)."""

from __future__ import annotations

import base64
import json
from typing import BinaryIO

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
            payload = json.loads(data)
            if payload.get("type") == "speech.audio.delta":
                self.out.write(base64.b64decode(payload["audio"]))
