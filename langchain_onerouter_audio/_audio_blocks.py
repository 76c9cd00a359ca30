"""Audio content blocks and blobs: recognise them, read their audio, make new ones.

LangChain v1 carries audio as ``{"type": "audio", "base64": ..., "mime_type": ...}`` (or
``url`` / ``file_id``); older messages use the v0 form (``source_type`` and ``data``), the
OpenAI ``input_audio`` form or a ``media`` block. A block's audio comes from a user or a
model, so it is untrusted: it is checked like any upload, and a URL is never fetched here
(:func:`audio_block_location` says where it points; the caller decides whether to go there).
A LangChain ``Blob`` is read the same way: its bytes, its file, or the URL it names.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from langchain_core.documents.base import Blob

from langchain_onerouter_audio._files import UploadFile, sniff_audio_format
from langchain_onerouter_audio._remote import is_url
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import (
    MAX_UPLOAD_BYTES,
    SPEECH_MIME_TYPES,
    UPLOAD_FORMATS,
    AudioFormat,
)

__all__ = [
    "Location",
    "audio_block",
    "audio_block_key",
    "audio_block_location",
    "audio_block_upload",
    "blob_audio",
    "is_audio_block",
]


@dataclass(frozen=True)
class Location:
    """Where audio that a block or blob does not hold lives: a URL, or a local path."""

    kind: Literal["url", "path"]
    where: str


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


def audio_block_location(block: Mapping[str, Any]) -> Location | None:
    """The URL or local path a block points at instead of holding data; None when it has data.

    A file id (``file_id``, ``source_type="id"``) names a file on some provider's side,
    which cannot be read from here: refused.
    """
    data, _ = _base64_and_format(block)
    if isinstance(data, str) and data:
        return None
    url = block.get("url")
    if url is None and block.get("source_type") == "url":
        url = block.get("data")
    if isinstance(url, str) and url:
        return Location("url", url)
    path = block.get("path")
    if isinstance(path, str) and path:
        return Location("path", path)
    if block.get("file_id") or block.get("source_type") == "id":
        raise OneRouterInputError(
            "The audio block names a provider file id, which cannot be read here; "
            "send the audio as base64 data, a URL or a path."
        )
    raise OneRouterInputError("The audio block holds no audio data, URL or path.")


def _blob_name(blob: Blob, data: bytes) -> str:
    """The in-memory blob's file name, given its audio extension when it lacks one.

    Uploads are often stored under an id; the extension comes from the bytes, else the type.
    """
    path = str(blob.path) if blob.path is not None else "audio"
    name = Path(urlsplit(path).path if is_url(path) else path).name or "audio"
    if Path(name).suffix.lower().lstrip(".") in UPLOAD_FORMATS:
        return name
    extension = sniff_audio_format(data[:16])
    if extension is None and blob.mimetype:
        extension = (mimetypes.guess_extension(blob.mimetype) or "").lstrip(".") or None
    return f"{name}.{extension}" if extension else name


def blob_audio(blob: Blob) -> Location | tuple[str, bytes]:
    """A blob's audio: where it lives (a file streamed from disk, a URL), or named bytes.

    ``blob.path`` may be an http(s) URL: without data, the audio is fetched from there.
    """
    if blob.data is None and blob.path is not None:
        path = str(blob.path)
        return Location("url" if is_url(path) else "path", path)
    data = blob.as_bytes()
    return (_blob_name(blob, data), data)


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
