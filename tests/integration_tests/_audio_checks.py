"""Checks on real responses: audio decodes as the format asked for, transcripts have shape.

These check structure only; ``_word_checks`` checks the words a transcript holds.
"""

from __future__ import annotations

import array
import io
import re
import shutil
from pathlib import Path

import av

from langchain_onerouter_audio.models import Transcription, TranscriptionVerbose

PCM_RATE = 24_000  # the API's pcm: raw signed 16-bit little-endian, 24 kHz, mono
# Container and codec names PyAV reports for each speech format.
_DECODES_AS = {
    "mp3": ("mp3", {"mp3", "mp3float"}),
    "opus": ("ogg", {"opus", "libopus"}),
    "aac": ("aac", {"aac"}),
    "flac": ("flac", {"flac"}),
    "wav": ("wav", {"pcm_s16le"}),
}
_SRT_CUE = re.compile(r"^\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\S", re.MULTILINE)
_VTT_CUE = re.compile(r"^(\d\d:)?\d\d:\d\d\.\d{3} --> (\d\d:)?\d\d:\d\d\.\d{3}", re.MULTILINE)


def audio_seconds(audio: bytes, audio_format: str) -> float:
    """Decode ``audio`` as ``audio_format`` and return its length; fail if it is not that."""
    assert audio, "no audio bytes"
    if audio_format == "pcm":
        return _pcm_seconds(audio)
    container_name, codecs = _DECODES_AS[audio_format]
    with av.open(io.BytesIO(audio)) as container:
        assert container_name in container.format.name.split(","), container.format.name
        stream = container.streams.audio[0]
        assert stream.codec_context.name in codecs, stream.codec_context.name
        samples = sum(frame.samples for frame in container.decode(stream))
        rate = stream.codec_context.sample_rate
    assert samples > 0
    return samples / rate


def _pcm_seconds(audio: bytes) -> float:
    assert len(audio) % 2 == 0, "pcm must hold whole 16-bit samples"
    assert audio[:4] not in (b"RIFF", b"ID3\x04", b"OggS", b"fLaC"), "pcm must have no header"
    samples = array.array("h")
    samples.frombytes(audio)
    assert max(abs(s) for s in samples) > 500, "pcm is silent: not s16le speech"
    return len(samples) / PCM_RATE


def check_transcript(response_format: str, result: object) -> str:
    """Check ``result`` has the shape its format promises; return its text."""
    if response_format == "json":
        assert isinstance(result, Transcription)
        text = result.text
    elif response_format == "verbose_json":
        assert isinstance(result, TranscriptionVerbose)
        assert result.segments, "verbose_json must give segments"
        assert result.duration is not None
        assert result.duration > 0
        for segment in result.segments:
            assert 0 <= segment.start <= segment.end <= result.duration + 0.5
        text = result.text
    else:
        assert isinstance(result, str)
        text = result
        if response_format == "srt":
            assert _SRT_CUE.search(result), result
        if response_format == "vtt":
            assert result.startswith("WEBVTT")
            assert _VTT_CUE.search(result), result
    assert text.strip(), "empty transcript"
    return text


# The API lists mp4, mpeg and mpga as well; they are the same streams under other names.
_RENAMED = {"mp4": "m4a", "mpeg": "mp3", "mpga": "mp3"}


def clip_in_format(audio_dir: Path, extension: str) -> Path:
    """``hello.<extension>`` inside ``audio_dir``, made by copying a clip where needed."""
    target = audio_dir / f"hello.{extension}"
    if not target.exists():
        shutil.copyfile(audio_dir / f"hello.{_RENAMED[extension]}", target)
    return target
