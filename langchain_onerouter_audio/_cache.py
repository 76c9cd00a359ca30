"""An opt-in transcript cache on disk, so the same audio is not paid for twice.

An entry is keyed by the SHA-256 of the audio bytes together with the server, the model and
every option that changes the transcript. Entries are written atomically; an entry that cannot be
read (cut short, edited, from another version) is ignored, and the next result replaces it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from langchain_onerouter_audio._files import atomic_output
from langchain_onerouter_audio._responses import TranscriptResult, parse_transcript
from langchain_onerouter_audio.errors import OneRouterResponseError

__all__ = ["TranscriptCache", "audio_digest", "cache_key"]

logger = logging.getLogger("langchain_onerouter_audio")

_VERSION = 1
_BLOCK = 1 << 20


def audio_digest(source: Path | bytes) -> str:
    """SHA-256 of the audio, read from disk in blocks so memory stays flat."""
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
        return digest.hexdigest()
    with source.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def cache_key(audio: str, **options: Any) -> str:
    """A key for the audio digest and the request options that shape the transcript."""
    material = json.dumps({"audio": audio, **options}, sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


class TranscriptCache:
    """Transcripts stored as JSON files under ``directory``, one per key."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory).expanduser()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, response_format: str) -> TranscriptResult | None:
        """The stored transcript, or None when absent or unreadable."""
        path = self._path(key)
        try:
            entry = json.loads(path.read_bytes())
            if entry.get("version") != _VERSION or entry.get("key") != key:
                raise ValueError("entry does not match its key")
            if entry.get("format") != response_format:
                raise ValueError("entry holds another format")
            body = entry["result"]
            raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            return parse_transcript(response_format, raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, AttributeError, OneRouterResponseError) as error:
            logger.warning("Ignoring unreadable transcript cache entry %s: %s", path, error)
            return None

    def put(self, key: str, response_format: str, result: TranscriptResult) -> None:
        """Store ``result`` atomically, replacing any entry for ``key``."""
        body: Any = (
            result
            if isinstance(result, str)
            else json.loads(result.model_dump_json(exclude_none=True))
        )
        entry = {"version": _VERSION, "key": key, "format": response_format, "result": body}
        with atomic_output(self._path(key), overwrite=True) as handle:
            handle.write(json.dumps(entry, ensure_ascii=False).encode())
