"""Server-sent events: speech audio (``stream_format="sse"``) and streamed transcripts.

Events are framed by httpx-sse's ``SSEDecoder``, fed line by line. Its ``EventSource`` does
not fit: it reads a whole response itself and refuses one without a ``text/event-stream``
content type, while speech events are written to their sink chunk by chunk and may come
without a content type, and a last event that lacks its blank line is still delivered
here. So bytes are cut into lines here, at each of the three line ends the SSE spec
allows: CRLF, LF and a bare CR.
"""

from __future__ import annotations

import base64
import codecs
import json
import re
from collections.abc import Callable
from typing import Any, BinaryIO

import pydantic
from httpx_sse._decoders import SSEDecoder
from pydantic import SecretStr

from langchain_onerouter_audio._error_factories import response_error
from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import SpeechAudioDone, SpeechUsage

__all__ = ["SseAudioWriter", "SseEvents", "SseLines"]

_LINE_END = re.compile(r"\r\n|\r|\n")


class SseLines:
    """Cuts text into lines as it arrives, at CRLF, LF or CR.

    A CR that ends a chunk is held back: the next chunk may begin with its LF.
    """

    def __init__(self) -> None:
        self._rest = ""

    def feed(self, text: str) -> list[str]:
        """The lines that ``text`` completes; the unfinished one is kept."""
        text = self._rest + text
        held = 1 if text.endswith("\r") else 0
        *lines, rest = _LINE_END.split(text[: len(text) - held])
        self._rest = rest + text[len(text) - held :]
        return lines

    def flush(self) -> list[str]:
        """At the end of the text: the last line, if it lacked its line end."""
        rest, self._rest = self._rest, ""
        return [rest.removesuffix("\r")] if rest else []


class SseEvents:
    """Turns bytes, as they arrive, into the JSON payloads of complete events.

    ``secret`` (the API key) is masked in error events, which a server may echo it in.
    """

    def __init__(self, kind: str, *, secret: SecretStr | None = None) -> None:
        self._kind = kind  # names the stream in error messages, e.g. "speech"
        self._secret = secret
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._lines = SseLines()
        self._decoder = SSEDecoder()

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        """Return the payloads of every event completed by ``chunk``; keep the rest."""
        return self._payloads(self._lines.feed(self._text.decode(chunk)))

    def flush(self) -> list[dict[str, Any]]:
        """At the end of the stream: the payload of a last event that lacked its blank line."""
        lines = self._lines.feed(self._text.decode(b"", final=True))
        return self._payloads([*lines, *self._lines.flush(), ""])

    def _payloads(self, lines: list[str]) -> list[dict[str, Any]]:
        events = (self._decoder.decode(line) for line in lines)
        return [
            payload
            for event in events
            if event is not None and (payload := self._payload(event.data)) is not None
        ]

    def _payload(self, data: str) -> dict[str, Any] | None:
        payload = _payload(data, self._kind)
        if payload is not None and payload.get("type") == "error":
            error = payload.get("error")
            message = error.get("message") if isinstance(error, dict) else None
            raise response_error(
                f"The server reported an error mid-stream: {message or payload}",
                secret=self._secret.get_secret_value() if self._secret else None,
            )
        return payload


def _payload(data: str, kind: str) -> dict[str, Any] | None:
    """The JSON object of one event's data, or None for none (or the ``[DONE]`` marker)."""
    data = data.strip()
    if not data or data == "[DONE]":
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
    """Accepts SSE bytes as they arrive and writes the decoded audio to ``out``.

    The ``speech.audio.done`` event's usage goes to ``on_usage``, when given.
    """

    def __init__(
        self,
        out: BinaryIO,
        *,
        secret: SecretStr | None = None,
        on_usage: Callable[[SpeechUsage], None] | None = None,
    ) -> None:
        self.out = out
        self._events = SseEvents("speech", secret=secret)
        self._on_usage = on_usage

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
            elif payload.get("type") == "speech.audio.done" and self._on_usage is not None:
                usage = _usage(payload)
                if usage is not None:
                    self._on_usage(usage)


def _usage(payload: dict[str, Any]) -> SpeechUsage | None:
    """The done event's usage; one of a shape not understood costs no audio, only itself."""
    try:
        return SpeechAudioDone.model_validate(payload).usage
    except pydantic.ValidationError:
        return None


def _audio(payload: dict[str, Any]) -> bytes:
    """The audio of one delta event; a broken event raises."""
    try:
        return base64.b64decode(payload["audio"], validate=True)
    except (ValueError, KeyError, TypeError) as error:
        raise OneRouterResponseError(
            f"A speech event from the server could not be read ({type(error).__name__}). "
            "The server may not support stream_format='sse'; try without it."
        ) from None
