"""OneRouterTranscriptLoader: audio files in, transcript Documents out."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from langchain_core.document_loaders import BaseLoader
from langchain_core.documents import Document
from typing_extensions import Unpack

from langchain_onerouter_audio._checks import check_choice
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._progress import progress_bar, require_tqdm
from langchain_onerouter_audio._transcriber import (
    GLOBAL_ERRORS,
    Budget,
    FileTranscript,
    Transcriber,
    TranscriberOptions,
)
from langchain_onerouter_audio.errors import OneRouterError, OneRouterInputError
from langchain_onerouter_audio.models import UPLOAD_FORMATS

__all__ = ["LoadFailure", "OneRouterTranscriptLoader", "check_glob"]

logger = logging.getLogger("langchain_onerouter_audio")

PathInput = Union[str, "os.PathLike[str]"]
OnError = Literal["raise", "skip"]

# Problems of one file; anything else (a bad key, a bug) stops the load even when skipping.
_PER_FILE_ERRORS = (OneRouterError, OSError)


@dataclass(frozen=True)
class LoadFailure:
    """A file, or a chunk of a long one, skipped under ``on_error="skip"``, and why.

    ``start`` and ``end`` (seconds) say which stretch of the file is missing when one
    chunk failed and the rest of the file loaded; they are None when the whole file failed.
    """

    source: str
    error: Exception
    start: float | None = None
    end: float | None = None

    def __str__(self) -> str:
        if self.start is None or self.end is None:
            return f"{self.source}: {self.error}"
        return f"{self.source} [{self.start:.1f}-{self.end:.1f} s]: {self.error}"


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
        and path.suffix.lower().lstrip(".") in UPLOAD_FORMATS
        and _is_visible(path, folder)
    )


class OneRouterTranscriptLoader(BaseLoader):
    """Load audio files as transcript Documents through OneRouter's audio API.

    ``file_path`` is one file, a list of files, or a folder (every audio file in it, or those
    matching ``glob``). Files are transcribed ``max_concurrency`` at a time; Documents come
    out in file order. ``mode``, ``task``, ``model``, ``cache_dir`` and the other settings are
    described in :class:`~langchain_onerouter_audio._transcriber.TranscriberOptions`.

    A recording over the upload limit is cut into chunks, transcribed concurrently within the
    same ``max_concurrency`` (files and chunks share it; on 429 the loader lowers it, then
    recovers). With ``cache_dir`` each chunk is cached too, so a rerun after a failure pays
    only for what failed. ``show_progress=True`` draws a bar on stderr (the ``progress`` extra).

    With ``on_error="skip"`` a file that fails is logged and listed in ``failures``, and the
    others still load; a chunk that fails leaves the rest of its file loaded, with the gap
    in each Document's ``gaps`` metadata and a ``failures`` entry giving its ``start`` and
    ``end``. With ``"raise"`` (the default) the error is raised after the Documents of every
    earlier file have been yielded. An invalid key always raises.

    Example:
        .. code-block:: python

            loader = OneRouterTranscriptLoader("talks/", mode="segments", cache_dir=".cache")
            docs = loader.load()  # metadata: source, model, task, start, end, ...

    """

    def __init__(
        self,
        file_path: PathInput | Sequence[PathInput],
        *,
        glob: str | None = None,
        max_concurrency: int = 4,
        on_error: OnError = "raise",
        show_progress: bool = False,
        **options: Unpack[TranscriberOptions],
    ) -> None:
        if max_concurrency < 1:
            raise OneRouterInputError(f"`max_concurrency` is {max_concurrency}; use 1 or more.")
        check_choice("on_error", on_error, OnError)
        if show_progress:
            require_tqdm()
        paths = [file_path] if isinstance(file_path, (str, os.PathLike)) else list(file_path)
        self.file_paths = [Path(path).expanduser() for path in paths]
        self.glob = None if glob is None else check_glob(glob)
        self.max_concurrency = max_concurrency
        self.on_error: OnError = on_error
        self.show_progress = show_progress
        self.transcriber = Transcriber(**options)
        self.failures: list[LoadFailure] = []

    def _files(self) -> list[Path]:
        files: list[Path] = []
        for path in self.file_paths:
            files.extend(_folder_files(path, self.glob) if path.is_dir() else [path])
        return files

    def _budget(self, files: list[Path]) -> Budget:
        """Request slots and a progress bar shared by every file and chunk of one load."""
        progress = progress_bar(self.show_progress, total=len(files), description="Transcribing")
        return Budget.shared(
            self.max_concurrency, progress=progress, skip_failed_chunks=self.on_error == "skip"
        )

    def _load_file(self, path: Path, budget: Budget) -> FileTranscript | Exception:
        try:
            return self.transcriber.transcribe(path, str(path), budget)
        except _PER_FILE_ERRORS as error:
            return error
        finally:
            budget.progress.file_done()

    async def _aload_file(self, path: Path, budget: Budget) -> FileTranscript | Exception:
        try:
            return await self.transcriber.atranscribe(path, str(path), budget)
        except _PER_FILE_ERRORS as error:
            return error
        finally:
            budget.progress.file_done()

    def _accept(self, path: Path, outcome: FileTranscript | Exception) -> list[Document]:
        """Documents of a finished file; a failure is raised or recorded per ``on_error``."""
        if isinstance(outcome, FileTranscript):
            self.failures.extend(
                LoadFailure(str(path), gap.error, gap.start, gap.end) for gap in outcome.gaps
            )
            return outcome.documents
        if self.on_error == "raise" or isinstance(outcome, GLOBAL_ERRORS):
            raise outcome
        logger.warning("Skipping %s: %s", path, outcome)
        self.failures.append(LoadFailure(str(path), outcome))
        return []

    def lazy_load(self) -> Iterator[Document]:
        """Yield Documents file by file, transcribing ``max_concurrency`` files at a time."""
        self.failures = []
        files = self._files()
        budget = self._budget(files)
        outcomes = ordered_map(
            functools.partial(self._load_file, budget=budget), files, self.max_concurrency
        )
        with contextlib.closing(outcomes), contextlib.closing(budget.progress):
            for path, outcome in zip(files, outcomes, strict=True):
                yield from self._accept(path, outcome)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async :meth:`lazy_load`, on the client's async methods (no thread per file)."""
        self.failures = []
        files = self._files()
        budget = self._budget(files)
        outcomes = aordered_map(
            functools.partial(self._aload_file, budget=budget), files, self.max_concurrency
        )
        try:
            for path in files:
                for document in self._accept(path, await anext(outcomes)):
                    yield document
        finally:
            await outcomes.aclose()
            budget.progress.close()
