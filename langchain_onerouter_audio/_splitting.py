"""Long audio: cut a recording that exceeds the upload limit into chunks that fit.

The audio is decoded with PyAV (the optional extra ``split``; it ships FFmpeg in its wheel),
resampled to 16 kHz mono, which is what speech recognisers use anyway, and re-encoded as
constant-bitrate MP3, so a chunk's size follows from its length. Each cut is placed at the
quietest stretch in the second half of the chunk (at most its last 30 s), so words are not
split in half. Decoding streams: only the current chunk's encoded bytes and that look-ahead
of samples are held in memory.
"""

from __future__ import annotations

import contextlib
import io
import sys
from array import array
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_onerouter_audio.errors import OneRouterInputError

if TYPE_CHECKING:
    import av.audio.stream
    import av.container

__all__ = ["SplitChunk", "chunk_seconds", "split_audio"]

SAMPLE_RATE = 16_000
CHUNK_BITRATE = 48_000
_HEADROOM_BYTES = 4_096  # ID3 and Xing headers, encoder padding
_SAFETY = 0.95
_MIN_CHUNK_SECONDS = 2.0
_SEARCH_SECONDS = 30.0
_HOP = SAMPLE_RATE // 100  # energy is measured per 10 ms
_QUIET_HOPS = 20  # a pause must last about 200 ms to count as one

INSTALL_HINT = 'pip install "langchain-onerouter-audio[split]"'


@dataclass(frozen=True)
class SplitChunk:
    """One encoded piece of a long recording and where it sits in the whole."""

    name: str
    data: bytes
    offset: float
    duration: float


def chunk_seconds(max_bytes: int) -> float:
    """The longest chunk, in seconds, whose MP3 encoding stays under ``max_bytes``."""
    seconds = (max_bytes - _HEADROOM_BYTES) * 8 / CHUNK_BITRATE * _SAFETY
    if seconds < _MIN_CHUNK_SECONDS:
        raise OneRouterInputError(
            f"The upload limit of {max_bytes:,} bytes is too small to split audio into chunks; "
            f"allow at least {_min_bytes():,} bytes."
        )
    return seconds


def _min_bytes() -> int:
    return int(_MIN_CHUNK_SECONDS / _SAFETY * CHUNK_BITRATE / 8) + _HEADROOM_BYTES + 1


def _import_av(name: str) -> None:
    """Fail with the install command when the optional extra is missing."""
    try:
        import av  # noqa: F401
    except ImportError:
        raise OneRouterInputError(
            f"{name!r} is larger than the upload limit and must be split, which needs PyAV, "
            f"the optional extra langchain-onerouter-audio[split]. Install it: {INSTALL_HINT}"
        ) from None


_MAX_DAMAGED_SHARE = 0.25  # more damaged packets than this: the file is corrupt, not scratched


@contextlib.contextmanager
def _audio_stream(
    source: Path | bytes, name: str
) -> Iterator[tuple[av.container.InputContainer, av.audio.stream.AudioStream]]:
    """The recording opened for reading, and its first audio stream; decoding errors name it."""
    import av

    try:
        container = av.open(
            str(source) if isinstance(source, Path) else io.BytesIO(source), mode="r"
        )
        with container:
            if not container.streams.audio:
                raise OneRouterInputError(f"{name!r} holds no audio stream to split.")
            yield container, container.streams.audio[0]
    except av.FFmpegError as error:
        raise OneRouterInputError(
            f"{name!r} could not be decoded for splitting ({error}). The file may be corrupt."
        ) from None


def check_decodes(source: Path | bytes, name: str) -> None:
    """Refuse a recording whose audio is mostly damaged, before any chunk is sent.

    Chunks are sent while later ones are still being cut, so a file that turns corrupt
    after its first seconds would otherwise cost requests. This decodes every packet once
    (without resampling) and allows the odd damaged packet, as ffmpeg and the API do.
    """
    import av

    packets = damaged = 0
    with _audio_stream(source, name) as (container, stream):
        for packet in container.demux(stream):
            if packet.size == 0:
                continue  # the flush packet at the end
            packets += 1
            try:
                packet.decode()
            except av.InvalidDataError:
                damaged += 1
    if packets == damaged or damaged > packets * _MAX_DAMAGED_SHARE:
        found = (
            f"{damaged:,} of its {packets:,} audio packets are damaged"
            if packets
            else ("it holds no audio packets")
        )
        raise OneRouterInputError(
            f"{name!r} could not be decoded for splitting ({found}). "
            "The file may be corrupt; nothing was sent."
        )


def _decode_pcm(source: Path | bytes, name: str) -> Iterator[bytes]:
    """Yield the recording as 16 kHz mono signed 16-bit PCM, block by block."""
    import av

    with _audio_stream(source, name) as (container, stream):
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                continue  # one damaged packet: skip it, as ffmpeg and the API do
            for frame in frames:
                for block in resampler.resample(frame):
                    yield bytes(block.planes[0])[: block.samples * 2]
        for block in resampler.resample(None):
            yield bytes(block.planes[0])[: block.samples * 2]


class _Mp3Writer:
    """Encodes one chunk's PCM into MP3 in memory as the samples arrive."""

    def __init__(self) -> None:
        import av

        self.samples = 0
        self._buffer = io.BytesIO()
        self._container: av.container.OutputContainer = av.open(
            self._buffer, mode="w", format="mp3"
        )
        self._stream = self._container.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        self._stream.bit_rate = CHUNK_BITRATE

    def write(self, pcm: bytes) -> None:
        import av

        count = len(pcm) // 2
        if count == 0:
            return
        frame = av.AudioFrame(format="s16", layout="mono", samples=count)
        frame.planes[0].update(pcm)
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.samples
        self._container.mux(self._stream.encode(frame))
        self.samples += count

    def finish(self) -> bytes:
        self._container.mux(self._stream.encode(None))
        self._container.close()
        return self._buffer.getvalue()


def quietest_sample(pcm: bytes) -> int:
    """Sample index at the centre of the quietest ~200 ms in ``pcm``; later wins ties.

    When ``pcm`` is shorter than one pause, its end is returned.
    """
    samples = array("h")
    samples.frombytes(pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    energies = [
        sum(map(mul, hop, hop))
        for hop in (samples[i : i + _HOP] for i in range(0, len(samples) - _HOP + 1, _HOP))
    ]
    if len(energies) < _QUIET_HOPS:
        return len(samples)
    running = sum(energies[:_QUIET_HOPS])
    best, best_start = running, 0
    for start in range(1, len(energies) - _QUIET_HOPS + 1):
        running += energies[start + _QUIET_HOPS - 1] - energies[start - 1]
        if running <= best:
            best, best_start = running, start
    return (best_start + _QUIET_HOPS // 2) * _HOP


class _Splitter:
    """Cuts a PCM stream into chunks of at most ``limit`` samples, at quiet points."""

    def __init__(self, stem: str, limit: int, window: int, max_bytes: int) -> None:
        self._stem = stem
        self._limit = limit
        self._window = window
        self._max_bytes = max_bytes
        self._pending = bytearray()  # samples not yet given to the writer
        self._writer = _Mp3Writer()
        self._start = 0  # first sample of the current chunk
        self._index = 0

    def feed(self, pcm: bytes) -> Iterator[SplitChunk]:
        """Take more samples; yield every chunk that is now complete."""
        self._pending += pcm
        while True:
            room = self._limit - self._writer.samples  # samples the chunk may still take
            if len(self._pending) // 2 < room:
                break
            settled = room - self._window  # certainly before the cut
            self._commit(settled)
            cut = quietest_sample(bytes(self._pending[: self._window * 2]))
            self._commit(cut)
            yield self._close()
        self._commit(self._limit - self._window - self._writer.samples)

    def finish(self) -> Iterator[SplitChunk]:
        """Yield the last chunk (if any samples remain)."""
        self._commit(len(self._pending) // 2)
        if self._writer.samples:
            yield self._close()

    def _commit(self, count: int) -> None:
        count = min(max(count, 0), len(self._pending) // 2)
        self._writer.write(bytes(self._pending[: count * 2]))
        del self._pending[: count * 2]

    def _close(self) -> SplitChunk:
        samples = self._writer.samples
        data = self._writer.finish()
        if len(data) > self._max_bytes:
            raise OneRouterInputError(
                f"A chunk of {self._stem!r} encoded to {len(data):,} bytes, over the limit of "
                f"{self._max_bytes:,}; raise the limit."
            )
        chunk = SplitChunk(
            name=f"{self._stem}.part{self._index:03d}.mp3",
            data=data,
            offset=self._start / SAMPLE_RATE,
            duration=samples / SAMPLE_RATE,
        )
        self._index += 1
        self._start += samples
        self._writer = _Mp3Writer()
        return chunk


def split_audio(
    source: Path | bytes, *, name: str, max_bytes: int, shown_as: str | None = None
) -> Generator[SplitChunk, None, None]:
    """Yield ``source`` as MP3 chunks of at most ``max_bytes``, cut at quiet points.

    ``source`` is a file path or the file's bytes; ``name`` is used in chunk names, and in
    errors unless ``shown_as`` (the file as the caller named it) is given. Needs the
    optional extra ``split`` (PyAV).
    """
    shown = shown_as or name
    _import_av(shown)
    check_decodes(source, shown)
    limit = int(chunk_seconds(max_bytes) * SAMPLE_RATE)
    window = min(int(_SEARCH_SECONDS * SAMPLE_RATE), limit // 2)
    splitter = _Splitter(Path(name).stem, limit, window, max_bytes)
    for pcm in _decode_pcm(source, shown):
        yield from splitter.feed(pcm)
    yield from splitter.finish()
