"""Join several synthesised audio files into one file of the same format.

Text longer than the API's limit is spoken in several calls; this puts the pieces back
together where the format allows it without re-encoding: AAC (ADTS) frames and raw PCM
samples concatenate as they are, MP3 frames do once each file's tags and header frame are
taken off, WAV files are merged under one new header. Opus (Ogg) and FLAC files cannot be
joined this way and are refused.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from langchain_onerouter_audio.errors import OneRouterInputError, OneRouterResponseError
from langchain_onerouter_audio.models import AudioFormat

__all__ = ["JOINABLE_FORMATS", "check_joinable", "join_audio"]

JOINABLE_FORMATS: tuple[AudioFormat, ...] = ("mp3", "aac", "pcm", "wav")
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


# MPEG audio: bytes of side information between the 4-byte frame header and where an
# encoder puts its Xing/Info tag, by [is MPEG-1][is mono].
_SIDE_INFO = {True: {False: 32, True: 17}, False: {False: 17, True: 9}}
_KBPS = {  # Layer III bitrates by index: MPEG-1, and MPEG-2/2.5
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_ID3V1_SIZE = 128


def _without_id3v2(audio: bytes) -> bytes:
    """``audio`` after its leading ID3v2 tag(s): metadata, not sound, mid-stream."""
    while audio[:3] == b"ID3" and len(audio) >= 10:
        size = 0
        for byte in audio[6:10]:  # "syncsafe": 7 bits per byte
            size = size << 7 | byte & 0x7F
        footer = 10 if audio[5] & 0x10 else 0
        audio = audio[10 + size + footer :]
    return audio


def _info_frame_length(audio: bytes) -> int:
    """Length of a leading Xing/Info/VBRI frame (0 if there is none).

    That frame carries no sound but the frame count and encoder delay of its own file, which
    would be wrong for the joined one (and confuse decoders mid-stream).
    """
    if len(audio) < 4 or audio[0] != 0xFF or audio[1] & 0xE0 != 0xE0:
        return 0
    version, layer = audio[1] >> 3 & 3, audio[1] >> 1 & 3
    bitrate, rate = audio[2] >> 4, audio[2] >> 2 & 3
    if version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3:
        return 0  # not a Layer III header: no encoder header to find
    mpeg1, mono = version == 3, audio[3] >> 6 == 3
    side_info = 4 + _SIDE_INFO[mpeg1][mono]
    if audio[side_info : side_info + 4] not in (b"Xing", b"Info") and audio[36:40] != b"VBRI":
        return 0
    padding = audio[2] >> 1 & 1
    per_kbps = 144_000 if mpeg1 else 72_000
    return per_kbps * _KBPS[mpeg1][bitrate] // _SAMPLE_RATES[version][rate] + padding


def _join_mp3(parts: Sequence[bytes]) -> bytes:
    """One MP3 stream: the first file's ID3v2 tag, every file's sound, the last's ID3v1 tag."""
    first = parts[0]
    tag_length = len(first) - len(_without_id3v2(first))
    joined = [first[:tag_length]]
    for index, part in enumerate(parts):
        frames = _without_id3v2(part)
        frames = frames[_info_frame_length(frames) :]
        if index < len(parts) - 1 and frames[-_ID3V1_SIZE:][:3] == b"TAG":
            frames = frames[:-_ID3V1_SIZE]
        joined.append(frames)
    return b"".join(joined)


def check_joinable(audio_format: str, count: int) -> None:
    """Refuse ``count`` pieces that cannot become one file, before any of them is paid for."""
    if count > 1 and audio_format not in JOINABLE_FORMATS:
        raise OneRouterInputError(
            f"The text is too long for one call and {audio_format} files cannot be joined. "
            f"Use stream() to get one file per sentence, or one of: "
            f"{', '.join(JOINABLE_FORMATS)}."
        )


def join_audio(audio_format: str, parts: Sequence[bytes]) -> bytes:
    """One playable file made of ``parts`` (each a whole file in ``audio_format``)."""
    check_joinable(audio_format, len(parts))
    if len(parts) == 1:
        return parts[0]
    if audio_format == "wav":
        return _join_wav(parts)
    if audio_format == "mp3":
        return _join_mp3(parts)
    return b"".join(parts)
