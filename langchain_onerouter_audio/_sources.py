"""Where audio comes from: every input the package takes, turned into local audio for a call.

Paths, bytes, ``(name, bytes)`` and binary file objects are :data:`AudioInput` already
(``_files``). Here come the rest: an http(s) URL (downloaded to a temporary file that lives
as long as the call), a LangChain ``Blob`` and an audio content block (``_audio_blocks``
reads both). Only a ``str`` that starts with ``http://`` or ``https://`` is a URL; any other
``str`` stays a local path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents.base import Blob
from typing_extensions import TypedDict

from langchain_onerouter_audio._audio_blocks import (
    Location,
    audio_block_location,
    audio_block_upload,
    blob_audio,
    is_audio_block,
)
from langchain_onerouter_audio._files import AudioInput, UploadFile
from langchain_onerouter_audio._remote import UrlPolicy, adownload, download, is_url, shown_url
from langchain_onerouter_audio.errors import OneRouterInputError

__all__ = [
    "SPLIT_DOWNLOAD_BYTES",
    "AudioSource",
    "Remote",
    "SourceOptions",
    "Unwrapped",
    "alocal_audio",
    "is_source",
    "loader_policy",
    "local_audio",
    "source_label",
    "unwrap",
]

AudioSource = AudioInput | UploadFile | Blob | Mapping[str, Any]
"""Audio as a path, an http(s) URL, bytes, ``(name, bytes)``, a file object, a ``Blob``, an
audio content block (``create_audio_block(...)``), or an upload already checked."""


SPLIT_DOWNLOAD_BYTES = 2 * 1024**3
"""Default download cap of the loader and parser when long audio can be split (PyAV)."""


class SourceOptions(TypedDict, total=False):
    """How the loader and the parser fetch audio given as an http(s) URL.

    allow_private_urls: fetch from loopback, private and link-local addresses too (a server
        on this machine or network); refused by default.
    max_download_bytes: the largest audio fetched from a URL. Default: 2 GiB when long audio
        can be split (the ``split`` extra is installed), else the upload limit.
    """

    allow_private_urls: bool
    max_download_bytes: int | None


def loader_policy(base: UrlPolicy, options: SourceOptions, *, upload_limit: int) -> UrlPolicy:
    """The client's download rules, widened by the loader's own settings.

    The loader splits what is over the upload limit, so it may fetch more than the client
    would send at once, when the splitter (PyAV) is there to cut it.
    """
    cap = options.get("max_download_bytes")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise OneRouterInputError(
            f"`max_download_bytes` is {cap!r}; use a whole number, 1 or more."
        )
    if cap is None:
        splitting = importlib.util.find_spec("av") is not None
        cap = max(SPLIT_DOWNLOAD_BYTES if splitting else upload_limit, base.max_bytes)
    return dataclasses.replace(
        base,
        allow_private=base.allow_private or bool(options.get("allow_private_urls")),
        max_bytes=cap,
    )


@dataclass(frozen=True)
class Remote:
    """Audio at an http(s) URL, not fetched yet."""

    url: str


Unwrapped = Remote | AudioInput | UploadFile


def is_source(value: object) -> bool:
    """True for one recording (any :data:`AudioSource`), not a list of them."""
    if isinstance(value, tuple):
        return len(value) == 2 and isinstance(value[1], (bytes, bytearray))
    if isinstance(value, Mapping):
        return is_audio_block(value)
    return isinstance(value, (str, os.PathLike, bytes, bytearray, Blob, UploadFile)) or hasattr(
        value, "read"
    )


def _located(found: Location | tuple[str, bytes]) -> Unwrapped:
    if isinstance(found, Location):
        return Remote(found.where) if found.kind == "url" else Path(found.where).expanduser()
    return found


def unwrap(source: AudioSource | Unwrapped) -> Unwrapped:
    """What ``source`` stands for: a URL to fetch, or local audio (a path or named bytes).

    A block's base64 audio is decoded and checked here; its size is the caller's to judge.
    Unwrapping again changes nothing.
    """
    if isinstance(source, Remote):
        return source
    if isinstance(source, str) and is_url(source):
        return Remote(source)
    if isinstance(source, Blob):
        return _located(blob_audio(source))
    if isinstance(source, Mapping):
        if not is_audio_block(source):
            raise OneRouterInputError(
                "A dict given as audio must be an audio content block, e.g. "
                "create_audio_block(base64=..., mime_type='audio/mpeg')."
            )
        location = audio_block_location(source)
        if location is not None:
            return _located(location)
        upload = audio_block_upload(source, max_bytes=sys.maxsize)
        return (upload.name, upload.content or b"")
    return source


def source_label(source: AudioSource) -> str | None:
    """What a Document's ``source`` says: the URL without credentials, the path or the name.

    A Blob says its own ``source`` (None when it has none).
    """
    if isinstance(source, Blob):
        label = None if source.source is None else str(source.source)
        return shown_url(label) if label is not None and is_url(label) else label
    item = unwrap(source)
    if isinstance(item, Remote):
        return shown_url(item.url)
    if isinstance(item, (str, os.PathLike)):
        return str(item)
    if isinstance(item, UploadFile):
        return item.name
    if isinstance(item, tuple):
        return Path(item[0]).name
    name = getattr(item, "name", None)
    return Path(name).name if isinstance(name, str) else "audio"


@contextlib.contextmanager
def local_audio(
    source: AudioSource | Unwrapped, policy: UrlPolicy
) -> Iterator[AudioInput | UploadFile]:
    """``source`` as local audio for the length of the block; a URL's temporary file goes after."""
    item = unwrap(source)
    if not isinstance(item, Remote):
        yield item
        return
    with download(item.url, policy) as path:
        yield path


@contextlib.asynccontextmanager
async def alocal_audio(
    source: AudioSource | Unwrapped, policy: UrlPolicy
) -> AsyncIterator[AudioInput | UploadFile]:
    """Async :func:`local_audio`: a URL is downloaded on the running loop."""
    item = unwrap(source)
    if not isinstance(item, Remote):
        yield item
        return
    async with adownload(item.url, policy) as path:
        yield path
