"""A small OpenAI-compatible audio server on 127.0.0.1, for benchmarks (stdlib only).

It answers like the real API but does no audio work, so what a benchmark measures is the
client: its per-call overhead, its concurrency and its memory.

- ``POST /v1/audio/transcriptions`` and ``/v1/audio/translations`` (multipart): the upload is
  read in chunks and discarded, never held whole; only the ``response_format`` field is picked
  out of the stream. Answers json, text, srt, vtt, verbose_json (and diarized_json) with fixed
  plausible content.
- ``POST /v1/audio/speech`` (JSON): a valid WAV (header + generated sine samples) of
  ``speech_bytes`` bytes, streamed in ``chunk_size`` chunks, so a 100 MB download costs the
  server nothing. The request header ``X-Fake-Speech-Bytes: N`` overrides the size for one
  call. ``stream_format="sse"`` answers with ``speech.audio.delta`` / ``speech.audio.done``
  events. ``speech_chunk_interval`` sleeps between chunks to imitate audio that is still
  being synthesised (for time-to-first-audio benchmarks).
- Added latency, slept after the request body is read and before the answer starts, is set
  separately for speech (``speech_latency``) and transcription/translation
  (``transcription_latency``), in seconds.
- ``max_in_flight`` (0: no limit) caps the transcriptions served at once: one more is
  answered ``429`` with ``Retry-After`` (whole seconds, rounded up) and ``retry-after-ms``
  from ``retry_after``, as a rate-limited API does. ``/_stats`` counts them as ``refused``.
- HTTP/1.1 keep-alive, one thread per connection, TCP_NODELAY.
- ``GET /files/<name>?bytes=N``: a WAV of N bytes, streamed like speech: audio to fetch
  by URL.
- Control plane: ``POST /v1/_control`` with a JSON object of settings changes them while the
  server runs; ``GET /v1/_stats`` returns request counts and bytes in and out.

Python API::

    from fake_server import FakeAudioServer, fake_audio_server

    with fake_audio_server(transcription_latency=0.1) as base_url:
        ...  # base_url == "http://127.0.0.1:<port>/v1"

    with FakeAudioServer(speech_bytes=100 * 2**20, subprocess=True) as server:
        server.base_url
        server.configure(speech_latency=0.05)  # any setting, at any time
        server.stats()  # {"requests": {...}, "upload_bytes": ..., "download_bytes": ...}

``subprocess=True`` runs the server in a child Python process, so it does not share a GIL
with the client being measured (use it for timings). The default runs it in a thread.

CLI (prints the base URL on its first line, then serves until interrupted)::

    python benchmarks/fake_server.py --port 0 --transcription-latency 0.1 --speech-bytes 65536
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import math
import re
import signal
import socket
import struct
import subprocess as _subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["FakeAudioServer", "Settings", "fake_audio_server", "wav_header"]

SAMPLE_RATE = 16_000


@dataclass
class Settings:
    """What the server does; every field can be changed while it runs."""

    speech_latency: float = 0.0
    transcription_latency: float = 0.0
    speech_bytes: int = 32_044
    chunk_size: int = 64 * 1024
    speech_chunk_interval: float = 0.0
    max_in_flight: int = 0
    retry_after: float = 0.1


def wav_header(total_bytes: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A 44-byte header for a mono 16-bit PCM WAV file of ``total_bytes`` bytes in all."""
    data = max(total_bytes - 44, 0)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data)
    )


def _tone(size: int) -> bytes:
    """``size`` bytes of a 440 Hz sine at 16 kHz, 16-bit (a whole number of periods repeats)."""
    period = [
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / SAMPLE_RATE)))
        for i in range(SAMPLE_RATE // 40)
    ]
    one = b"".join(period)
    return (one * (size // len(one) + 1))[:size]


# -- fixed transcripts

_SEGMENTS = [
    (0.0, 1.6, "Hello, this is a short benchmark clip."),
    (1.6, 3.2, "It says the same thing every time."),
]
_DURATION = 3.2


def _timestamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    hours, minutes, secs = ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms % 1000:03d}"


def _transcripts(task: str) -> dict[str, tuple[bytes, str]]:
    """Body and content type for every response format."""
    text = " ".join(s for _, _, s in _SEGMENTS)
    words = [
        {"word": w.strip(",."), "start": round(0.3 * i, 2), "end": round(0.3 * i + 0.25, 2)}
        for i, w in enumerate(text.split())
    ]
    segments = [
        {
            "id": i,
            "seek": 0,
            "start": start,
            "end": end,
            "text": " " + said,
            "tokens": [50364 + i, 2425, 11, 341],
            "temperature": 0.0,
            "avg_logprob": -0.21,
            "compression_ratio": 1.1,
            "no_speech_prob": 0.01,
        }
        for i, (start, end, said) in enumerate(_SEGMENTS)
    ]
    verbose = {
        "task": task,
        "language": "english",
        "duration": _DURATION,
        "text": text,
        "segments": segments,
        "words": words,
        "usage": {"type": "duration", "seconds": math.ceil(_DURATION)},
    }
    diarized = {
        "task": task,
        "duration": _DURATION,
        "text": text,
        "segments": [
            {"type": "transcript.text.segment", "id": f"seg_{i}", "start": a, "end": b,
             "speaker": "A" if i % 2 == 0 else "B", "text": said}
            for i, (a, b, said) in enumerate(_SEGMENTS)
        ],
        "usage": {"type": "duration", "seconds": math.ceil(_DURATION)},
    }  # fmt: skip
    srt = "".join(
        f"{i + 1}\n{_timestamp(a, ',')} --> {_timestamp(b, ',')}\n{said}\n\n"
        for i, (a, b, said) in enumerate(_SEGMENTS)
    )
    vtt = "WEBVTT\n\n" + "".join(
        f"{_timestamp(a, '.')} --> {_timestamp(b, '.')}\n{said}\n\n" for a, b, said in _SEGMENTS
    )
    as_json = {"text": text, "usage": {"type": "duration", "seconds": math.ceil(_DURATION)}}
    return {
        "json": (json.dumps(as_json).encode(), "application/json"),
        "verbose_json": (json.dumps(verbose).encode(), "application/json"),
        "diarized_json": (json.dumps(diarized).encode(), "application/json"),
        "text": (text.encode() + b"\n", "text/plain; charset=utf-8"),
        "srt": (srt.encode(), "application/x-subrip"),
        "vtt": (vtt.encode(), "text/vtt; charset=utf-8"),
    }


_TRANSCRIPTS = {
    "transcriptions": _transcripts("transcribe"),
    "translations": _transcripts("translate"),
}

_AUDIO_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}

_FIELD = re.compile(rb'name="response_format"\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z_]{1,32})\r\n')
_FIELD_MARK = b'name="response_format"'
_TAIL = 512


class _FormatScanner:
    """Finds the ``response_format`` form field in a multipart stream without keeping it."""

    def __init__(self) -> None:
        self.value: str | None = None
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.value is not None:
            return
        window = self._tail + chunk
        at = window.find(_FIELD_MARK)
        if at >= 0:
            match = _FIELD.match(window, at)
            if match:
                self.value = match.group(1).decode()
                return
        self._tail = window[-_TAIL:]


# -- the HTTP side


def _pause(seconds: float) -> None:
    """Sleep only when asked to: even sleep(0) is a system call on every request."""
    if seconds > 0:
        time.sleep(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def __init__(self, port: int, settings: Settings) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.settings = settings
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.upload_bytes = 0
        self.download_bytes = 0
        self.tone = _tone(settings.chunk_size)
        self.in_flight = 0

    def admit(self) -> bool:
        """Take one more transcription, unless ``max_in_flight`` are already being served."""
        with self.lock:
            cap = self.settings.max_in_flight
            if cap and self.in_flight >= cap:
                self.counts["refused"] = self.counts.get("refused", 0) + 1
                return False
            self.in_flight += 1
            return True

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def count(self, route: str, uploaded: int, downloaded: int) -> None:
        with self.lock:
            self.counts[route] = self.counts.get(route, 0) + 1
            self.upload_bytes += uploaded
            self.download_bytes += downloaded


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a benchmark makes thousands of requests."""

    # -- request bodies

    def _body(self) -> Iterator[bytes]:
        """The request body in chunks, whether sized or chunked."""
        size = self.server.settings.chunk_size
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                length = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return
                while length:
                    piece = self.rfile.read(min(length, size))
                    if not piece:
                        return
                    length -= len(piece)
                    yield piece
                self.rfile.readline()
        remaining = int(self.headers.get("Content-Length") or 0)
        while remaining:
            piece = self.rfile.read(min(remaining, size))
            if not piece:
                return
            remaining -= len(piece)
            yield piece

    def _small_body(self) -> bytes:
        return b"".join(self._body())

    # -- responses

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        head = (
            f"HTTP/1.1 {status} {self.responses[status][0]}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "x-request-id: req_fake\r\n\r\n"
        ).encode()
        self.wfile.write(head + body)

    def _error(self, status: int, message: str, code: str) -> None:
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
        self._reply(status, json.dumps({"error": error}).encode(), "application/json")

    def _refuse(self) -> None:
        wait = self.server.settings.retry_after
        error = {"message": "Too many requests in flight.", "type": "rate_limit", "code": None}
        body = json.dumps({"error": error}).encode()
        head = (
            f"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: {math.ceil(wait)}\r\n"
            f"retry-after-ms: {round(wait * 1000)}\r\nx-request-id: req_fake\r\n\r\n"
        ).encode()
        self.wfile.write(head + body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/files/"):  # audio to fetch by URL: ?bytes=N of WAV
            size = int(dict(parse_qsl(parts.query)).get("bytes", "65536"))
            self.server.count("files", 0, self._speech_raw(size, "audio/wav"))
            return
        if urlsplit(self.path).path.endswith("/_stats"):
            server = self.server
            with server.lock:
                stats = {
                    "requests": dict(server.counts),
                    "upload_bytes": server.upload_bytes,
                    "download_bytes": server.download_bytes,
                    "settings": asdict(server.settings),
                }
            self._reply(200, json.dumps(stats).encode(), "application/json")
            return
        self._error(404, f"No route GET {self.path}", "not_found")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        route = path.rsplit("/", 1)[-1]
        if path.endswith(("/audio/transcriptions", "/audio/translations")):
            self._transcribe(route)
        elif path.endswith("/audio/speech"):
            self._speech()
        elif path.endswith("/_control"):
            self._control()
        else:
            self._small_body()
            self._error(404, f"No route POST {path}", "not_found")

    def _control(self) -> None:
        changes = json.loads(self._small_body() or b"{}")
        known = {f.name: f.type for f in fields(Settings)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            self._error(400, f"Unknown settings: {', '.join(unknown)}", "bad_setting")
            return
        settings = self.server.settings
        for name, value in changes.items():
            setattr(settings, name, type(getattr(settings, name))(value))
        if "chunk_size" in changes:
            self.server.tone = _tone(settings.chunk_size)
        self._reply(200, json.dumps(asdict(settings)).encode(), "application/json")

    def _transcribe(self, route: str) -> None:
        scanner = _FormatScanner()
        received = 0
        for piece in self._body():
            received += len(piece)
            scanner.feed(piece)
        if not self.server.admit():
            self._refuse()
            return
        try:
            _pause(self.server.settings.transcription_latency)
        finally:
            self.server.leave()
        answers = _TRANSCRIPTS[route]
        fmt = scanner.value or "json"
        if fmt not in answers or (route == "translations" and fmt == "diarized_json"):
            self._error(400, f"Unsupported response_format {fmt!r}", "invalid_value")
            return
        body, content_type = answers[fmt]
        self._reply(200, body, content_type)
        self.server.count(route, received, len(body))

    def _speech(self) -> None:
        raw = self._small_body()
        try:
            request = json.loads(raw)
        except ValueError:
            self._error(400, "The body is not JSON.", "invalid_json")
            return
        if not isinstance(request, dict) or not str(request.get("input", "")).strip():
            self._error(400, "`input` is required.", "missing_input")
            return
        settings = self.server.settings
        size = int(self.headers.get("X-Fake-Speech-Bytes") or settings.speech_bytes)
        _pause(settings.speech_latency)
        if request.get("stream_format") == "sse":
            sent = self._speech_sse(size)
        else:
            content_type = _AUDIO_TYPES.get(str(request.get("response_format", "mp3")), "audio/wav")
            sent = self._speech_raw(size, content_type)
        self.server.count("speech", len(raw), sent)

    def _audio_chunks(self, size: int) -> Iterator[bytes]:
        """``size`` bytes of WAV in chunk_size pieces, pausing between them if asked."""
        settings = self.server.settings
        tone = self.server.tone
        first = (wav_header(size) + tone)[: min(size, len(tone))]
        sent = 0
        while sent < size:
            piece = first if sent == 0 else tone[: min(len(tone), size - sent)]
            if sent and settings.speech_chunk_interval:
                time.sleep(settings.speech_chunk_interval)
            sent += len(piece)
            yield piece

    def _speech_raw(self, size: int, content_type: str) -> int:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {size}\r\nx-request-id: req_fake\r\n\r\n"
        ).encode()
        chunks = self._audio_chunks(size)
        self.wfile.write(head + next(chunks, b""))
        for piece in chunks:
            self.wfile.write(piece)
        return size

    def _speech_sse(self, size: int) -> int:
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\nx-request-id: req_fake\r\n\r\n"
        )
        sent = 0
        for piece in self._audio_chunks(size):
            delta = {"type": "speech.audio.delta", "audio": base64.b64encode(piece).decode()}
            self._write_chunk(b"data: " + json.dumps(delta).encode() + b"\n\n")
            sent += len(piece)
        usage = {"input_tokens": 8, "output_tokens": sent // 1000, "total_tokens": 8 + sent // 1000}
        done = {"type": "speech.audio.done", "usage": usage}
        self._write_chunk(b"data: " + json.dumps(done).encode() + b"\n\n")
        self.wfile.write(b"0\r\n\r\n")
        return sent

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


# -- the Python API


def _http_json(url: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET (or POST ``payload`` to) a control URL, never through a proxy."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


class FakeAudioServer:
    """Start/stop the fake server (in a thread, or a child process with ``subprocess=True``)."""

    def __init__(self, *, port: int = 0, subprocess: bool = False, **settings: Any) -> None:
        self.settings = Settings(**settings)
        self.port = port
        self.subprocess = subprocess
        self.base_url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._child: _subprocess.Popen[str] | None = None

    def start(self) -> str:
        """Start serving and return the base URL (``http://127.0.0.1:<port>/v1``)."""
        if self.subprocess:
            command = [sys.executable, str(Path(__file__).resolve()), "--port", str(self.port)]
            for name, value in asdict(self.settings).items():
                command += [f"--{name.replace('_', '-')}", str(value)]
            self._child = _subprocess.Popen(command, stdout=_subprocess.PIPE, text=True)
            assert self._child.stdout is not None
            self.base_url = self._child.stdout.readline().strip()
            if not self.base_url:
                raise RuntimeError("The fake audio server did not start.")
            return self.base_url
        self._server = _Server(self.port, self.settings)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        return self.base_url

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change settings while serving (e.g. ``speech_latency=0.1``); returns all settings."""
        return _http_json(self.base_url + "/_control", changes)

    def stats(self) -> dict[str, Any]:
        """Request counts per route, bytes received and sent, and the current settings."""
        return _http_json(self.base_url + "/_stats")

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._child is not None:
            self._child.terminate()
            self._child.wait(timeout=10)
            if self._child.stdout is not None:
                self._child.stdout.close()
            self._child = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAudioServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def fake_audio_server(**options: Any) -> Iterator[str]:
    """``with fake_audio_server(**settings) as base_url:`` for callers that need only the URL."""
    with FakeAudioServer(**options) as server:
        yield server.base_url


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted; print the base URL first so a parent process can read it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    for item in fields(Settings):
        parser.add_argument(
            f"--{item.name.replace('_', '-')}", type=type(item.default), default=item.default
        )
    args = vars(parser.parse_args(argv))
    port = args.pop("port")
    server = _Server(port, Settings(**args))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
