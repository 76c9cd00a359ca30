"""Long audio: chunks under the limit, cut in pauses, stitched with shifted timestamps."""

from __future__ import annotations

import asyncio
import functools
import io
import itertools
import math
import sys
import wave
from pathlib import Path

import av
import pytest

from langchain_onerouter_audio import OneRouterInputError, OneRouterTranscriptLoader
from langchain_onerouter_audio._splitting import (
    SAMPLE_RATE,
    SplitChunk,
    chunk_seconds,
    quietest_sample,
    split_audio,
)
from tests.unit_tests.fake_api import SEGMENTS, FakeApi, transcript_of_upload

TONE, GAP = 1.3, 0.4  # seconds of tone, then of silence, repeated
REPEATS = 20
LIMIT = 40_000  # bytes: chunks of at most ~5.7 s


@functools.cache
def tone_wav(repeats: int = REPEATS) -> bytes:
    """16 kHz mono WAV: a 440 Hz tone broken by silent gaps at known times."""
    tone = [
        int(8000 * math.sin(2 * math.pi * 440 * n / SAMPLE_RATE))
        for n in range(int(TONE * SAMPLE_RATE))
    ]
    gap = [0] * int(GAP * SAMPLE_RATE)
    samples = (tone + gap) * repeats
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return buffer.getvalue()


def in_gap(seconds: float) -> bool:
    position = seconds % (TONE + GAP)
    return TONE + 0.05 <= position <= TONE + GAP - 0.05


def decoded_seconds(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.rate


@pytest.fixture
def long_wav(tmp_path: Path) -> Path:
    path = tmp_path / "talk.wav"
    path.write_bytes(tone_wav())
    return path


def test_chunks_fit_the_limit_and_cover_the_recording_without_gaps(long_wav: Path) -> None:
    chunks = list(split_audio(long_wav, name=long_wav.name, max_bytes=LIMIT))

    assert len(chunks) >= 3
    assert all(isinstance(chunk, SplitChunk) for chunk in chunks)  # not the synthesizer's
    assert all(len(chunk.data) <= LIMIT for chunk in chunks)
    assert [c.name for c in chunks[:2]] == ["talk.part000.mp3", "talk.part001.mp3"]
    assert chunks[0].offset == 0
    for before, after in itertools.pairwise(chunks):
        assert after.offset == pytest.approx(before.offset + before.duration)
    total = chunks[-1].offset + chunks[-1].duration
    assert total == pytest.approx(REPEATS * (TONE + GAP), abs=0.01)
    for chunk in chunks:  # each chunk really holds the audio it claims
        assert decoded_seconds(chunk.data) == pytest.approx(chunk.duration, abs=0.08)


def test_every_cut_lands_in_a_pause(long_wav: Path) -> None:
    chunks = list(split_audio(long_wav, name=long_wav.name, max_bytes=LIMIT))
    cuts = [chunk.offset for chunk in chunks[1:]]
    assert cuts
    assert all(in_gap(cut) for cut in cuts), cuts


def test_bytes_and_path_split_the_same_way(long_wav: Path) -> None:
    from_path = [
        (c.offset, c.duration) for c in split_audio(long_wav, name="a.wav", max_bytes=LIMIT)
    ]
    from_bytes = [
        (c.offset, c.duration)
        for c in split_audio(long_wav.read_bytes(), name="a.wav", max_bytes=LIMIT)
    ]
    assert from_path == from_bytes


def test_quietest_sample_finds_the_pause_and_prefers_the_latest() -> None:
    loud = (8000).to_bytes(2, "little", signed=True) * SAMPLE_RATE
    quiet = bytes(2 * SAMPLE_RATE // 2)
    cut = quietest_sample(loud + quiet + loud)
    assert SAMPLE_RATE <= cut <= SAMPLE_RATE * 1.5
    assert quietest_sample(bytes(4 * SAMPLE_RATE)) > 1.8 * SAMPLE_RATE  # all silent: late
    assert quietest_sample(loud[:200]) == 100  # shorter than a pause: cut at the end


def test_a_limit_too_small_to_split_is_refused() -> None:
    with pytest.raises(OneRouterInputError, match="too small to split"):
        chunk_seconds(10_000)
    assert chunk_seconds(25 * 1024 * 1024) > 3600


def test_undecodable_audio_is_refused_with_its_name(audio_dir: Path) -> None:
    with pytest.raises(OneRouterInputError, match=r"corrupt\.mp3.*could not be decoded"):
        list(split_audio(audio_dir / "corrupt.mp3", name="corrupt.mp3", max_bytes=LIMIT))


def test_without_pyav_an_oversized_file_names_the_extra(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # import av now fails
    api = FakeApi([transcript_of_upload])
    files = [audio_dir / "lecture.mp3", audio_dir / "hello.mp3"]
    loader = OneRouterTranscriptLoader(
        files, client=api.client(), max_upload_bytes=LIMIT, on_error="skip"
    )

    docs = loader.load()

    assert [Path(d.metadata["source"]).name for d in docs] == ["hello.mp3"]  # small: no split
    [failure] = loader.failures
    assert "langchain-onerouter-audio[split]" in str(failure.error)
    with pytest.raises(
        OneRouterInputError, match=r"pip install \"langchain-onerouter-audio\[split\]\""
    ):
        OneRouterTranscriptLoader(files[0], client=api.client(), max_upload_bytes=LIMIT).load()


def test_loader_stitches_chunks_with_shifted_timestamps(long_wav: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(
        long_wav, client=api.client(), mode="segments", max_upload_bytes=LIMIT
    )

    docs = loader.load() if mode == "sync" else asyncio.run(loader.aload())

    chunks = list(split_audio(long_wav, name=long_wav.name, max_bytes=LIMIT))
    assert [u.filename for u in api.uploads] == [c.name for c in chunks]
    expected = [
        (
            round(chunk.offset + start, 3),
            round(chunk.offset + end, 3),
            f"{text} of {Path(chunk.name).stem}",
        )
        for chunk in chunks
        for start, end, text in SEGMENTS
    ]
    assert [(d.metadata["start"], d.metadata["end"], d.page_content) for d in docs] == expected
    assert [d.metadata["segment_id"] for d in docs] == list(range(len(expected)))
    assert docs[0].metadata["duration"] == pytest.approx(REPEATS * (TONE + GAP), abs=0.01)
    assert docs[0].metadata["usage"] == {"type": "duration", "seconds": 4.0 * len(chunks)}


def test_single_mode_joins_the_chunk_texts(long_wav: Path) -> None:
    api = FakeApi([transcript_of_upload])
    [doc] = OneRouterTranscriptLoader(long_wav, client=api.client(), max_upload_bytes=LIMIT).load()
    assert doc.page_content.startswith("first words of talk.part000 last words of talk.part000 ")
    assert doc.page_content.count("first words") == len(api.uploads) >= 3


def test_in_memory_audio_over_the_limit_is_split_too(long_wav: Path) -> None:
    from langchain_core.documents.base import Blob

    from langchain_onerouter_audio import OneRouterAudioParser

    api = FakeApi([transcript_of_upload])
    parser = OneRouterAudioParser(client=api.client(), max_upload_bytes=LIMIT)
    parser.parse(Blob.from_data(long_wav.read_bytes(), mime_type="audio/wav"))
    assert len(api.uploads) >= 3
    assert api.uploads[0].filename == "audio.part000.mp3"


def test_the_split_limit_never_exceeds_the_clients(audio_dir: Path) -> None:
    capped = OneRouterTranscriptLoader(
        audio_dir,
        client=FakeApi([transcript_of_upload]).client(max_upload_bytes=LIMIT),
        max_upload_bytes=10**9,
    )
    assert capped.transcriber.max_upload_bytes == LIMIT

    built = OneRouterTranscriptLoader(audio_dir, api_key="k", max_upload_bytes=50 * 2**20)
    assert built.transcriber.client.max_upload_bytes == 50 * 2**20
    assert built.transcriber.max_upload_bytes == 50 * 2**20


def test_a_damaged_packet_is_skipped_not_fatal(audio_dir: Path) -> None:
    # Three files glued together: the tags in the middle decode as damaged packets.
    lecture = (audio_dir / "lecture.mp3").read_bytes()
    glued = lecture * 3
    chunks = list(split_audio(glued, name="glued.mp3", max_bytes=150_000))
    total = chunks[-1].offset + chunks[-1].duration
    assert len(chunks) >= 2
    assert total == pytest.approx(3 * decoded_seconds(lecture), rel=0.05)
