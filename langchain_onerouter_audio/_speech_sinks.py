"""Where a speech body goes: memory or a file written atomically, as audio or as events.

Audio must not be empty, and a file appears only once it is whole.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx
from pydantic import SecretStr

from langchain_onerouter_audio._files import atomic_output, check_target, unwritable_target
from langchain_onerouter_audio._sse import SseAudioWriter
from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import SpeechUsage

__all__ = [
    "Sink",
    "SpeechOutput",
    "checked_target",
    "collected",
    "no_audio_error",
    "sink",
    "wrong_type",
]

Sink = BinaryIO | SseAudioWriter


@dataclass(frozen=True)
class SpeechOutput:
    """Where synthesised audio goes: memory (no target) or a file written atomically."""

    target: Path | None = None
    overwrite: bool = False
    sse: bool = False
    on_usage: Callable[[SpeechUsage], None] | None = None
    """Called with the usage an event stream reports at its end."""


def checked_target(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """The output path, ``~`` expanded as for uploads, checked before the paid request."""
    target = Path(path).expanduser()
    check_target(target, overwrite=overwrite)
    return target


@contextlib.contextmanager
def sink(speech: SpeechOutput | None, secret: SecretStr) -> Iterator[Sink]:
    """Collect a response body; audio must not be empty, and a file appears only when whole.

    ``secret`` is masked in an error event of a speech event stream.
    """
    if speech is None or speech.target is None:
        buffer = io.BytesIO()
        out: Sink = _events(buffer, speech, secret) if speech and speech.sse else buffer
        yield out
        out.flush()  # the body ended: an event stream may hold a last, unterminated event
        _require_audio(speech, buffer)
        return
    with contextlib.ExitStack() as stack:
        try:  # checked before the request, but the folder can change, or refuse the file
            handle = stack.enter_context(atomic_output(speech.target, overwrite=speech.overwrite))
        except OSError as error:  # a failed write, though, stays an OSError (disk full)
            raise unwritable_target(speech.target, error) from None
        out = _events(handle, speech, secret) if speech.sse else handle
        yield out
        out.flush()
        _require_audio(speech, handle)


def _events(out: BinaryIO, speech: SpeechOutput, secret: SecretStr) -> SseAudioWriter:
    return SseAudioWriter(out, secret=secret, on_usage=speech.on_usage)


def collected(out: Sink) -> bytes:
    """The collected body for in-memory sinks; empty when it went to a file."""
    inner = out.out if isinstance(out, SseAudioWriter) else out
    return inner.getvalue() if isinstance(inner, io.BytesIO) else b""


def wrong_type(response: httpx.Response, speech: SpeechOutput | None) -> str | None:
    """What a 2xx speech body should have been, when its content type says it is not.

    Audio must not come as text or JSON. Events must come as ``text/event-stream``; a
    missing content type is let through, since the events themselves are checked as read.
    """
    if speech is None or response.is_error:
        return None
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if speech.sse:
        return None if media in ("", "text/event-stream") else "an event stream"
    if media.startswith("text/") or media == "application/json" or media.endswith("+json"):
        return "audio"
    return None


def no_audio_error() -> OneRouterResponseError:
    """A 2xx speech answer with an empty body."""
    return OneRouterResponseError(
        "The server answered the speech request without any audio. Check that `base_url` "
        "points at an OpenAI-compatible audio API, then try again."
    )


def _require_audio(speech: SpeechOutput | None, written: BinaryIO) -> None:
    if speech is not None and written.tell() == 0:
        raise no_audio_error()
