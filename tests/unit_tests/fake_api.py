"""One fake of the audio API for unit tests, on ``httpx.MockTransport``.

:class:`FakeApi` answers like a healthy OpenAI-compatible server unless a test scripts it
(statuses, headers, bodies, exceptions, per-file failures). It records every request, so a
test can read back the path, the JSON body, the multipart parts and fields and the uploaded
file name, and it counts requests in flight. Hooks can hold a request until others arrive,
to prove concurrency without sleeping. Its clients never retry unless given a policy;
:class:`Waits` makes one that records the waits instead of sleeping.

What only a real socket shows (resets, short bodies, hangs) is in ``loopback_server``.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import email.utils
import inspect
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio._retry import RetryPolicy

KEY = "sk-test-5ecret-DO-NOT-LEAK-0123456789"
BASE_URL = "http://audio.test/v1"
NOW = 1_700_000_000.0  # the injected clock's time, a whole second so HTTP-dates are exact
AUDIO = b"ID3\x04\x00\x00" + bytes(range(256)) * 8
TEXT = "Hello from the test suite."
TRANSCRIPT = {"text": "hello there", "usage": {"type": "duration", "seconds": 2}}
VERBOSE = {
    "text": "hello there",
    "language": "english",
    "duration": 2.0,
    "segments": [{"id": 0, "start": 0.0, "end": 2.0, "text": " hello there"}],
    "words": [{"word": "hello", "start": 0.0, "end": 1.0}],
}
DIARIZED = {
    "text": "hi",
    "segments": [{"id": "a", "start": 0, "end": 1, "speaker": "A", "text": "hi"}],
}
# What transcript_of_upload says about each file: two segments naming the file.
SEGMENTS = ((0.5, 1.5, "first words"), (2.0, 3.0, "last words"))
DURATION = 3.5

# Subtitles as servers send them: an srt has numbered cues, a vtt starts with its header.
TEXT_BODIES = {
    "srt": "1\n00:00:00,000 --> 00:00:01,500\nhello there\n",
    "vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nhello there\n",
}
PATHS = {
    "speech": "/audio/speech",
    "speech_to_file": "/audio/speech",
    "transcribe": "/audio/transcriptions",
    "translate": "/audio/translations",
}
ENDPOINTS = tuple(PATHS)


# -- reading what a client sent


@dataclass
class Part:
    """One part of a multipart upload."""

    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None


def parts(request: httpx.Request) -> list[Part]:
    """The multipart parts of an upload, in the order they were sent."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    return [
        Part(
            name=str(part.get_param("name", header="content-disposition")),
            value=part.get_payload(decode=True),
            filename=part.get_filename(),
            content_type=part.get_content_type() if part.get_filename() else None,
        )
        for part in message.iter_parts()
    ]


def form(request: httpx.Request) -> list[tuple[str, str]]:
    """The plain form fields of an upload (every part but the file)."""
    return [(p.name, p.value.decode()) for p in parts(request) if p.filename is None]


def _is_upload(request: httpx.Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


@dataclass(frozen=True)
class Upload:
    """One upload as the server saw it: path, file name and form fields."""

    path: str
    filename: str
    fields: dict[str, str]

    @classmethod
    def of(cls, request: httpx.Request) -> Upload:
        sent = parts(request) if _is_upload(request) else []
        filename = next((p.filename for p in sent if p.filename is not None), "")
        fields = {p.name: p.value.decode() for p in sent if p.filename is None}
        return cls(request.url.path, filename, fields)


# -- what the server answers


def answer(request: httpx.Request) -> httpx.Response:
    """What a healthy server says to each endpoint and transcript format."""
    if request.url.path.endswith("/audio/speech"):
        return httpx.Response(200, content=AUDIO, headers={"content-type": "audio/mpeg"})
    fmt = dict(form(request)).get("response_format", "json")
    bodies: dict[str, Any] = {
        "json": TRANSCRIPT,
        "verbose_json": VERBOSE,
        "diarized_json": DIARIZED,
    }
    if fmt in bodies:
        return httpx.Response(200, json=bodies[fmt])
    return httpx.Response(200, text=TEXT_BODIES.get(fmt, f"{fmt}: hello there\n"))


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


def transcript_of_upload(request: httpx.Request) -> httpx.Response:
    """A transcript that names the uploaded file, so loader tests can tell files apart."""
    upload = Upload.of(request)
    return transcript_body(upload.filename, upload.fields.get("response_format", "json"))


def error_response(
    status: int,
    message: str = "provider says no",
    *,
    request_id: str = "req_123",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An OpenAI-shaped error body with a request id."""
    body = {"error": {"message": message, "type": "test_error", "param": None, "code": "oops"}}
    return httpx.Response(
        status, json=body, headers={"x-request-id": request_id, **(headers or {})}
    )


def http_date(seconds_from_now: float) -> str:
    """A ``Retry-After`` HTTP-date that far after the injected clock's time."""
    return email.utils.formatdate(NOW + seconds_from_now, usegmt=True)


class _BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that yields some bytes, then fails as a dropped connection does."""

    def __init__(self, head: bytes, error: Exception) -> None:
        self.head = head
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        raise self.error


def broken_body(head: bytes = AUDIO[:100]) -> Callable[[httpx.Request], httpx.Response]:
    """A 200 whose body breaks off after ``head`` with a read error."""

    def respond(request: httpx.Request) -> httpx.Response:
        error = httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(200, stream=_BrokenStream(head, error))

    return respond


# -- the fake API

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def _play(step: Step, request: httpx.Request) -> httpx.Response:
    if isinstance(step, Exception):
        raise step
    if isinstance(step, httpx.Response):
        # A Response is single-use; hand out a copy so a repeated step works again.
        return httpx.Response(step.status_code, headers=step.headers, content=step.content)
    return step(request)


@dataclass
class FakeApi:
    """Plays ``steps`` in order (the last one repeats) and records every request.

    ``failures`` maps an uploaded file name to the HTTP status it gets instead. ``on_request``
    (sync clients) and ``on_arequest`` (async clients) see each upload before it is answered.
    """

    steps: list[Step] = field(default_factory=lambda: [answer])
    failures: dict[str, int] = field(default_factory=dict)
    on_request: Callable[[Upload], None] | None = None
    on_arequest: Callable[[Upload], Awaitable[None]] | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _receive(self, request: httpx.Request) -> Step:
        request.read()
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            return self.steps[min(len(self.requests), len(self.steps)) - 1]

    def _answer(self, request: httpx.Request, step: Step) -> httpx.Response:
        with self._lock:
            self.in_flight -= 1
        status = self.failures.get(Upload.of(request).filename)
        if status is not None:
            return error_response(status, f"refused {status}")
        return _play(step, request)

    def handle(self, request: httpx.Request) -> httpx.Response:
        step = self._receive(request)
        if self.on_request is not None:
            self.on_request(Upload.of(request))
        return self._answer(request, step)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        step = self._receive(request)
        if self.on_arequest is not None:
            await self.on_arequest(Upload.of(request))
        return self._answer(request, step)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def json(self) -> Any:
        return json.loads(self.last.content)

    def parts(self) -> list[Part]:
        return parts(self.last)

    def fields(self) -> list[tuple[str, str]]:
        return form(self.last)

    @property
    def uploads(self) -> list[Upload]:
        return [Upload.of(request) for request in self.requests if _is_upload(request)]

    def filenames(self) -> list[str]:
        return sorted(upload.filename for upload in self.uploads)

    def client(
        self, retry_policy: RetryPolicy | None = None, **settings: Any
    ) -> OneRouterAudioClient:
        """A client whose sync and async sides both talk to this fake; no retries by default."""
        settings.setdefault("api_key", KEY)
        settings.setdefault("base_url", BASE_URL)
        settings.setdefault("http_client", httpx.Client(transport=httpx.MockTransport(self.handle)))
        settings.setdefault(
            "http_async_client", httpx.AsyncClient(transport=httpx.MockTransport(self.ahandle))
        )
        return OneRouterAudioClient(
            retry_policy=retry_policy or RetryPolicy(max_retries=0, clock=lambda: NOW),
            **settings,
        )


@dataclass
class Waits:
    """Records the waits the retry policy asks for, instead of sleeping."""

    seconds: list[float] = field(default_factory=list)

    def sleep(self, delay: float) -> None:
        self.seconds.append(delay)

    async def async_sleep(self, delay: float) -> None:
        self.seconds.append(delay)
        await asyncio.sleep(0)

    def policy(self, max_retries: int = 3) -> RetryPolicy:
        """A policy with no jitter, a fixed clock and recorded sleeps."""
        return RetryPolicy(
            max_retries=max_retries,
            sleep=self.sleep,
            async_sleep=self.async_sleep,
            clock=lambda: NOW,
            jitter=lambda: 0.0,
        )


# -- one place that knows how to call each endpoint, sync or async


def _call(client: OneRouterAudioClient, endpoint: str, mode: str, workdir: Path) -> Any:
    clip = workdir / "clip.mp3"
    if not clip.exists():
        clip.write_bytes(AUDIO)
    target = workdir / "speech.mp3"
    sync = mode == "sync"
    if endpoint == "speech":
        return client.speech(TEXT) if sync else client.aspeech(TEXT)
    if endpoint == "speech_to_file":
        return client.speech_to_file(target, TEXT) if sync else client.aspeech_to_file(target, TEXT)
    if endpoint == "transcribe":
        return client.transcribe(clip) if sync else client.atranscribe(clip)
    return client.translate(clip) if sync else client.atranslate(clip)


async def call_endpoint(
    client: OneRouterAudioClient, endpoint: str, mode: str, workdir: Path
) -> Any:
    """Call ``endpoint`` the ``mode`` way (a clip and a target in ``workdir``); its result."""
    result = _call(client, endpoint, mode, workdir)
    return await result if inspect.isawaitable(result) else result
