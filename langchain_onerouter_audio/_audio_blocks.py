"""Audio content blocks: recognise them in messages, read their audio, make new ones.

LangChain v1 carries audio as ``{"type": "audio", "base64": ..., "mime_type": ...}`` (or
``url`` / ``file_id``); older messages use the v0 form (``source_type`` and ``data``), the
OpenAI ``input_audio`` form or a ``media`` block. A block's audio comes from a user or a
model, so it is untrusted: it is checked like any upload, and a URL is never fetched here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

from langchain_onerouter_audio._files import UploadFile, sniff_audio_format
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import (
    MAX_UPLOAD_BYTES,
    SPEECH_MIME_TYPES,
    UPLOAD_FORMATS,
    AudioFormat,
)

__all__ = ["audio_block", "audio_block_key", "audio_block_upload", "is_audio_block"]

# MIME subtypes that name an upload format differently ("audio/mpeg" is mp3).
_SUBTYPE_FORMATS = {"mpeg": "mp3", "x-wav": "wav", "wave": "wav", "x-m4a": "m4a"}


def is_audio_block(block: object) -> bool:
    """True for a content block that holds (or points at) audio, in any known form."""
    if not isinstance(block, Mapping):
        return False
    kind = block.get("type")
    if kind in ("audio", "input_audio"):
        return True
    return kind == "media" and str(block.get("mime_type", "")).startswith("audio/")


def _base64_and_format(block: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The block's base64 data and its format name (mp3, wav, ...), where it says them."""
    if block.get("type") == "input_audio":
        inner = block.get("input_audio")
        if isinstance(inner, Mapping):
            return inner.get("data"), inner.get("format")
        return None, None
    data = block.get("base64")
    if data is None and block.get("source_type", "base64") == "base64":
        data = block.get("data")
    subtype = str(block.get("mime_type") or "").split(";")[0].strip().lower()
    subtype = subtype.removeprefix("audio/")
    return data, _SUBTYPE_FORMATS.get(subtype, subtype)


def audio_block_key(block: Mapping[str, Any]) -> str:
    """A stable key for the audio a block holds: the same recording gets the same key."""
    data, _ = _base64_and_format(block)
    source = data if isinstance(data, str) else repr(sorted(block.items(), key=str))
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def audio_block_upload(
    block: Mapping[str, Any], *, max_bytes: int = MAX_UPLOAD_BYTES
) -> UploadFile:
    """The block's audio as a checked upload; an unreadable block raises OneRouterInputError."""
    data, audio_format = _base64_and_format(block)
    if not isinstance(data, str) or not data:
        source = "a URL" if block.get("url") or block.get("source_type") == "url" else None
        if source is None and (block.get("file_id") or block.get("source_type") == "id"):
            source = "a file id"
        what = f"points at {source}, which is not fetched" if source else "holds no audio data"
        raise OneRouterInputError(f"The audio block {what}; send the audio as base64 data.")
    try:
        audio = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise OneRouterInputError("The audio block's base64 data is not valid base64.") from None
    if audio_format not in UPLOAD_FORMATS:  # no MIME type, or one of no upload format
        audio_format = sniff_audio_format(audio[:16])
    if audio_format is None:
        raise OneRouterInputError(
            f"The audio block's data does not look like audio of a supported format "
            f"({', '.join(UPLOAD_FORMATS)})."
        )
    return UploadFile.from_input((f"audio.{audio_format}", audio), max_bytes=max_bytes)


def audio_block(audio: bytes, audio_format: AudioFormat, **extras: Any) -> dict[str, Any]:
    """An ``AudioContentBlock`` (v1) with the audio as base64 data and its MIME type."""
    return {
        "type": "audio",
        "base64": base64.b64encode(audio).decode("ascii"),
        "mime_type": SPEECH_MIME_TYPES[audio_format],
        **({"extras": extras} if extras else {}),
    }
