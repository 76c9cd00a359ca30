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

from langchain_onerouter_audio._files import PendingOutput, checked_output
from langchain_onerouter_audio._sse import SseAudioWriter
from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import SpeechUsage

__all__ = [
    "Sink",
    "SpeechOutput",
    "collected",
    "no_audio_error",
    "output_file",
    "sink",
    "wrong_type",
]

Sink = BinaryIO | SseAudioWriter


@dataclass(frozen=True)
class SpeechOutput:
    """Where synthesised audio goes: memory (no file) or a temporary file renamed when whole."""

    file: PendingOutput | None = None
    sse: bool = False
    on_usage: Callable[[SpeechUsage], None] | None = None
    """Called with the usage an event stream reports at its end."""


@contextlib.contextmanager
def output_file(path: str | os.PathLike[str], overwrite: bool) -> Iterator[PendingOutput]:
    """The output file, ``~`` expanded as for uploads, created before the paid request."""
    with checked_output(Path(path).expanduser(), overwrite=overwrite) as file:
        yield file


@contextlib.contextmanager
def sink(speech: SpeechOutput | None, secret: SecretStr) -> Iterator[Sink]:
    """Collect a response body for one attempt; audio must not be empty.

    ``secret`` is masked in an error event of a speech event stream.
    """
    file = speech.file if speech else None
    # A file is emptied for each attempt, and renamed into place (or removed) by its owner.
    written = io.BytesIO() if file is None else file.restart()
    out: Sink = _events(written, speech, secret) if speech and speech.sse else written
    yield out
    out.flush()  # the body ended: an event stream may hold a last, unterminated event
    _require_audio(speech, written)


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
