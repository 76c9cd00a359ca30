"""OneRouterTranscriptLoader: audio files in, transcript Documents out."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, TypeGuard, Union, cast

from langchain_core.document_loaders import BaseLoader
from langchain_core.documents import Document
from typing_extensions import Unpack

from langchain_onerouter_audio._checks import check_choice
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._files import AudioInput, named_bytes
from langchain_onerouter_audio._transcriber import Transcriber, TranscriberOptions
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterError,
    OneRouterInputError,
    OneRouterPermissionError,
)
from langchain_onerouter_audio.models import AUDIO_FILE_EXTENSIONS

__all__ = ["LoadFailure", "OneRouterTranscriptLoader", "check_glob"]

logger = logging.getLogger("langchain_onerouter_audio")

PathInput = Union[str, "os.PathLike[str]"]
LoaderInput = PathInput | bytes | tuple[str, bytes] | BinaryIO
"""A path (file or folder), or a recording in memory: bytes, (name, bytes), a file object."""
OnError = Literal["raise", "skip"]

# Problems of one file; anything else (a bad key, a bug) stops the load even when skipping.
_PER_FILE_ERRORS = (OneRouterError, OSError)
_GLOBAL_ERRORS = (OneRouterAuthenticationError, OneRouterPermissionError)


@dataclass(frozen=True)
class LoadFailure:
    """A file that was skipped under ``on_error="skip"``, and why."""

    source: str
    error: Exception

    def __str__(self) -> str:
        return f"{self.source}: {self.error}"


def _is_one(file_path: object) -> TypeGuard[LoaderInput]:
    """One input, not a list of them: a path, bytes, a ``(name, bytes)`` pair, a file object."""
    if isinstance(file_path, tuple):
        return len(file_path) == 2 and isinstance(file_path[1], (bytes, bytearray))
    return isinstance(file_path, (str, os.PathLike, bytes, bytearray)) or hasattr(file_path, "read")


def _recording(item: LoaderInput) -> Path | tuple[str, bytes]:
    """A path as given (``~`` expanded), or in-memory audio read now, so a reload sees it too."""
    if isinstance(item, (str, os.PathLike)):
        return Path(item).expanduser()
    return named_bytes(item, sys.maxsize)


def _is_visible(path: Path, folder: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(folder).parts)


def check_glob(pattern: str) -> str:
    """Refuse a pattern no folder can match: empty, absolute, or ``**`` inside a name."""
    if not pattern or Path(pattern).is_absolute():
        raise OneRouterInputError(
            f"`glob` must be a pattern relative to each folder, e.g. '*.mp3', got {pattern!r}."
        )
    if any("**" in part and part != "**" for part in Path(pattern).parts):
        raise OneRouterInputError(
            f"In `glob`, '**' must be a whole path part, e.g. '**/*.mp3', got {pattern!r}."
        )
    return pattern


def _folder_files(folder: Path, glob: str | None) -> list[Path]:
    """Files in ``folder`` matching ``glob``; by default every audio file, recursively."""
    if glob is not None:
        return sorted(path for path in folder.glob(glob) if path.is_file())
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower().lstrip(".") in AUDIO_FILE_EXTENSIONS
        and _is_visible(path, folder)
    )


class OneRouterTranscriptLoader(BaseLoader):
    """Load audio files as transcript Documents through OneRouter's audio API.

    ``file_path`` is one file, a list of files, or a folder (every audio file in it, or those
    matching ``glob``; ``.opus``, ``.oga`` and ``.aac`` included); recordings in memory
    (``bytes``, ``(name, bytes)``, a binary file object) may stand in for files, their
    ``source`` being their name. Files are transcribed ``max_concurrency`` at a time; Documents come
    out in file order. ``mode``, ``task``, ``model``, ``cache_dir`` and the other settings are
    described in :class:`~langchain_onerouter_audio._transcriber.TranscriberOptions`.

    With ``on_error="skip"`` a file that fails is logged and listed in ``failures``, and the
    others still load; with ``"raise"`` (the default) the error is raised after the Documents
    of every earlier file have been yielded. An invalid key always raises.

    Example:
        .. code-block:: python

            loader = OneRouterTranscriptLoader("talks/", mode="segments", cache_dir=".cache")
            docs = loader.load()  # metadata: source, model, task, start, end, ...

    """

    def __init__(
        self,
        file_path: LoaderInput | Sequence[LoaderInput],
        *,
        glob: str | None = None,
        max_concurrency: int = 4,
        on_error: OnError = "raise",
        **options: Unpack[TranscriberOptions],
    ) -> None:
        if max_concurrency < 1:
            raise OneRouterInputError(f"`max_concurrency` is {max_concurrency}; use 1 or more.")
        check_choice("on_error", on_error, OnError)
        items = [file_path] if _is_one(file_path) else cast(Sequence[LoaderInput], file_path)
        self._recordings = [_recording(item) for item in items]
        self.file_paths = [item for item in self._recordings if isinstance(item, Path)]
        self.glob = None if glob is None else check_glob(glob)
        self.max_concurrency = max_concurrency
        self.on_error: OnError = on_error
        self.transcriber = Transcriber(**options)
        self.failures: list[LoadFailure] = []

    def _files(self) -> list[tuple[str, AudioInput]]:
        """Every recording to load, as (source, audio), in the order given."""
        files: list[tuple[str, AudioInput]] = []
        for item in self._recordings:
            if not isinstance(item, Path):
                files.append((Path(item[0]).name, item))
                continue
            paths = _folder_files(item, self.glob) if item.is_dir() else [item]
            files.extend((str(path), path) for path in paths)
        return files

    def _load_file(self, file: tuple[str, AudioInput]) -> list[Document] | Exception:
        source, audio = file
        try:
            return self.transcriber.documents(audio, source)
        except _PER_FILE_ERRORS as error:
            return error

    async def _aload_file(self, file: tuple[str, AudioInput]) -> list[Document] | Exception:
        source, audio = file
        try:
            return await self.transcriber.adocuments(audio, source)
        except _PER_FILE_ERRORS as error:
            return error

    def _accept(self, source: str, outcome: list[Document] | Exception) -> list[Document]:
        """Documents of a finished file; a failure is raised or recorded per ``on_error``."""
        if not isinstance(outcome, Exception):
            return outcome
        if self.on_error == "raise" or isinstance(outcome, _GLOBAL_ERRORS):
            raise outcome
        logger.warning("Skipping %s: %s", source, outcome)
        self.failures.append(LoadFailure(source, outcome))
        return []

    def lazy_load(self) -> Iterator[Document]:
        """Yield Documents file by file, transcribing ``max_concurrency`` files at a time."""
        self.failures = []
        files = self._files()
        outcomes = ordered_map(self._load_file, files, self.max_concurrency)
        with contextlib.closing(outcomes):
            for (source, _), outcome in zip(files, outcomes, strict=True):
                yield from self._accept(source, outcome)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async :meth:`lazy_load`, on the client's async methods (no thread per file)."""
        self.failures = []
        files = self._files()
        outcomes = aordered_map(self._aload_file, files, self.max_concurrency)
        try:
            for source, _ in files:
                for document in self._accept(source, await anext(outcomes)):
                    yield document
        finally:
            await outcomes.aclose()
