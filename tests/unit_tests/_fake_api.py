"""A mock audio API on ``httpx.MockTransport``: healthy answers, recorded requests.

Clients built by :meth:`Api.client` never retry, so one call is one request.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio._retry import RetryPolicy

KEY = "sk-unit-test-key"
BASE_URL = "https://audio.test/v1"
NOW = 1_700_000_000.0
AUDIO = b"ID3\x04\x00\x00" + bytes(range(256)) * 4
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


@dataclass
class Api:
    """A mock audio API: answers each request with ``respond`` and keeps what it received."""

    respond: Callable[[httpx.Request], httpx.Response]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.respond(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def json(self) -> Any:
        return json.loads(self.last.content)

    def parts(self) -> list[Part]:
        return parts(self.last)

    def fields(self) -> list[tuple[str, str]]:
        return form(self.last)

    def client(self, **settings: Any) -> OneRouterAudioClient:
        transport = httpx.MockTransport(self)
        return OneRouterAudioClient(
            api_key=KEY,
            base_url=BASE_URL,
            http_client=httpx.Client(transport=transport),
            http_async_client=httpx.AsyncClient(transport=transport),
            retry_policy=RetryPolicy(max_retries=0, clock=lambda: NOW),
            **settings,
        )


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
    return httpx.Response(200, text=f"{fmt}: hello there\n")
