"""Join several synthesised audio files into one file of the same format.

Text longer than the API's limit is spoken in several calls; this puts the pieces back
together where the format allows it without re-encoding: MP3 and AAC (ADTS) frames and raw
PCM samples concatenate as they are, WAV files are merged under one new header. Opus (Ogg)
and FLAC files cannot be joined this way and are refused.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from langchain_onerouter_audio.errors import OneRouterInputError, OneRouterResponseError

__all__ = ["JOINABLE_FORMATS", "join_audio"]

JOINABLE_FORMATS = ("mp3", "aac", "pcm", "wav")
_STREAMING_SIZES = (0, 0xFFFFFFFF)  # what a WAV streamed before its length was known says


def _wav_parts(audio: bytes) -> tuple[bytes, bytes]:
    """The ``fmt `` chunk body and the samples of one WAV file."""
    if audio[:4] != b"RIFF" or audio[8:12] != b"WAVE":
        raise OneRouterResponseError("The server's WAV audio has no RIFF/WAVE header.")
    fmt = b""
    offset = 12
    while offset + 8 <= len(audio):
        chunk_id = audio[offset : offset + 4]
        (size,) = struct.unpack_from("<I", audio, offset + 4)
        body = offset + 8
        if chunk_id == b"data":
            end = len(audio) if size in _STREAMING_SIZES else min(body + size, len(audio))
            if not fmt:
                break
            return fmt, audio[body:end]
        if chunk_id == b"fmt ":
            fmt = audio[body : body + size]
        offset = body + size + (size & 1)
    raise OneRouterResponseError("The server's WAV audio has no 'fmt ' and 'data' chunks.")


def _join_wav(parts: Sequence[bytes]) -> bytes:
    pieces = [_wav_parts(part) for part in parts]
    fmt = pieces[0][0]
    if any(other != fmt for other, _ in pieces):
        raise OneRouterResponseError("The WAV pieces differ in sample format; cannot join them.")
    data = b"".join(samples for _, samples in pieces)
    header = b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE"
    return (
        header
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
    ) + data


def join_audio(audio_format: str, parts: Sequence[bytes]) -> bytes:
    """One playable file made of ``parts`` (each a whole file in ``audio_format``)."""
    if len(parts) == 1:
        return parts[0]
    if audio_format == "wav":
        return _join_wav(parts)
    if audio_format in JOINABLE_FORMATS:
        return b"".join(parts)
    raise OneRouterInputError(
        f"The text is too long for one call and {audio_format} files cannot be joined. "
        f"Use stream() to get one file per sentence, or one of: {', '.join(JOINABLE_FORMATS)}."
    )
