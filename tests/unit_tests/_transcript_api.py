"""A scripted transcription API on ``httpx.MockTransport`` for the loader and parser tests.

It answers like an OpenAI-compatible server, deriving each transcript from the uploaded file
name, records every request (path, file name, form fields) and can fail chosen files. Hooks
let a test hold a request until others arrive, to prove concurrency without sleeping.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio._retry import RetryPolicy

BASE_URL = "http://audio.test/v1"
SEGMENTS = ((0.5, 1.5, "first words"), (2.0, 3.0, "last words"))
DURATION = 3.5

_FILENAME = re.compile(rb'name="file"; filename="([^"]+)"')
_FIELD = re.compile(rb'name="([^"]+)"\r\n\r\n([^\r]*)\r\n')


@dataclass(frozen=True)
class Upload:
    """One request the fake API received."""

    path: str
    filename: str
    fields: dict[str, str]


def _timestamp(seconds: float, separator: str) -> str:
    minutes, rest = divmod(round(seconds * 1000), 60_000)
    return f"00:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def transcript_body(filename: str, response_format: str) -> httpx.Response:
    """The response a server gives for ``filename`` in ``response_format``."""
    stem = Path(filename).stem
    segments = [
        {"id": i, "start": start, "end": end, "text": f" {text} of {stem}"}
        for i, (start, end, text) in enumerate(SEGMENTS)
    ]
    text = " ".join(s["text"].strip() for s in segments)
    usage = {"type": "duration", "seconds": 4}
    if response_format == "json":
        return httpx.Response(200, json={"text": text, "usage": usage})
    if response_format == "verbose_json":
        body = {"task": "transcribe", "language": "english", "duration": DURATION, "text": text}
        return httpx.Response(200, json={**body, "segments": segments, "usage": usage})
    separator = "," if response_format == "srt" else "."
    cues = [
        (f"{s['id'] + 1}\n" if response_format == "srt" else "")
        + f"{_timestamp(s['start'], separator)} --> {_timestamp(s['end'], separator)}\n"
        + s["text"].strip()
        for s in segments
    ]
    header = ["WEBVTT"] if response_format == "vtt" else []
    return httpx.Response(200, text="\n\n".join(header + cues) + "\n")


@dataclass
class FakeTranscriptAPI:
    """Records uploads and answers them; ``failures`` maps a file name to an HTTP status."""

    failures: dict[str, int] = field(default_factory=dict)
    on_request: Callable[[Upload], None] | None = None
    on_arequest: Callable[[Upload], Awaitable[None]] | None = None
    uploads: list[Upload] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _receive(self, request: httpx.Request) -> Upload:
        body = request.read()
        match = _FILENAME.search(body)
        fields = {k.decode(): v.decode() for k, v in _FIELD.findall(body)}
        upload = Upload(request.url.path, match.group(1).decode() if match else "", fields)
        with self._lock:
            self.uploads.append(upload)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        return upload

    def _answer(self, upload: Upload) -> httpx.Response:
        with self._lock:
            self.in_flight -= 1
        status = self.failures.get(upload.filename)
        if status is not None:
            return httpx.Response(status, json={"error": {"message": f"refused {status}"}})
        return transcript_body(upload.filename, upload.fields.get("response_format", "json"))

    def handle(self, request: httpx.Request) -> httpx.Response:
        upload = self._receive(request)
        if self.on_request is not None:
            self.on_request(upload)
        return self._answer(upload)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        upload = self._receive(request)
        if self.on_arequest is not None:
            await self.on_arequest(upload)
        return self._answer(upload)

    def client(self, **options: Any) -> OneRouterAudioClient:
        """A client whose sync and async sides both talk to this fake, without retries."""
        options.setdefault("http_client", httpx.Client(transport=httpx.MockTransport(self.handle)))
        options.setdefault(
            "http_async_client", httpx.AsyncClient(transport=httpx.MockTransport(self.ahandle))
        )
        options.setdefault("base_url", BASE_URL)
        return OneRouterAudioClient(
            api_key="test-key", retry_policy=RetryPolicy(max_retries=0), **options
        )

    def filenames(self) -> list[str]:
        return sorted(upload.filename for upload in self.uploads)
