"""Uploads go out in few, bounded writes: one for a small clip, 64 KiB pieces for a big file."""

from __future__ import annotations

from pathlib import Path

import httpx

from langchain_onerouter_audio import OneRouterAudioClient

_JSON = {"text": "hello"}


class _Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Keeps each piece of the request body as the transport would write it."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.pieces.extend(request.stream)  # type: ignore[arg-type]
        return httpx.Response(200, json=_JSON)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.pieces.extend([piece async for piece in request.stream])  # type: ignore[union-attr]
        return httpx.Response(200, json=_JSON)


def _client(recorder: _Recorder) -> OneRouterAudioClient:
    return OneRouterAudioClient(
        api_key="k",
        base_url="http://api.test/v1",
        http_client=httpx.Client(transport=recorder),
        http_async_client=httpx.AsyncClient(transport=recorder),
    )


def test_small_upload_is_one_write_with_the_same_body(audio_dir: Path) -> None:
    recorder = _Recorder()
    _client(recorder).transcribe(audio_dir / "hello.mp3", language="en")
    pieces = recorder.pieces
    assert len(pieces) == 1
    body = pieces[0]
    clip = (audio_dir / "hello.mp3").read_bytes()
    assert clip in body
    assert b'name="language"\r\n\r\nen\r\n' in body
    assert body.rstrip().endswith(b"--")


def test_large_upload_is_streamed_in_bounded_pieces(tmp_path: Path) -> None:
    big = tmp_path / "big.wav"
    big.write_bytes(b"RIFF\x00\x00\x00\x00WAVE" + b"\x01" * (1_000_000 - 12))
    recorder = _Recorder()
    _client(recorder).transcribe(big)
    pieces = recorder.pieces
    assert len(pieces) > 10
    assert max(len(piece) for piece in pieces) < 2 * 64 * 1024
    assert b"".join(pieces).count(b"\x01" * 1000) >= 999


async def test_async_upload_is_one_write(audio_dir: Path) -> None:
    recorder = _Recorder()
    await _client(recorder).atranscribe(audio_dir / "hello.ogg")
    pieces = recorder.pieces
    assert len(pieces) == 1
    assert (audio_dir / "hello.ogg").read_bytes() in pieces[0]
