"""OneRouterTranscriptLoader: audio files in, transcript Documents out."""

from __future__ import annotations

import contextlib
import functools
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
from langchain_onerouter_audio._files import named_bytes
from langchain_onerouter_audio._progress import progress_bar, require_tqdm
from langchain_onerouter_audio._remote import is_url
from langchain_onerouter_audio._sources import AudioSource, is_source, source_label
from langchain_onerouter_audio._transcriber import (
    GLOBAL_ERRORS,
    Budget,
    FileTranscript,
    Transcriber,
    TranscriberOptions,
    checked_concurrency,
)
from langchain_onerouter_audio.errors import OneRouterError, OneRouterInputError
from langchain_onerouter_audio.models import AUDIO_FILE_EXTENSIONS

__all__ = ["LoadFailure", "OneRouterTranscriptLoader", "check_glob"]

logger = logging.getLogger("langchain_onerouter_audio")

PathInput = Union[str, "os.PathLike[str]"]
LoaderInput = AudioSource | BinaryIO
"""A path (file or folder), an http(s) URL, a recording in memory (bytes, (name, bytes), a
file object), a LangChain ``Blob`` or an audio content block."""
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


def _is_one(file_path: object) -> TypeGuard[LoaderInput]:
    """One input, not a list of them: a path, a URL, bytes, a pair, a Blob, an audio block."""
    return is_source(file_path)


def _recording(item: LoaderInput) -> Path | tuple[str, bytes] | AudioSource:
    """A path (``~`` expanded); a URL, Blob or block as given; in-memory audio read now."""
    if isinstance(item, str) and is_url(item):
        return item
    if isinstance(item, (str, os.PathLike)):
        return Path(item).expanduser()
    if isinstance(item, (bytes, bytearray, tuple)) or hasattr(item, "read"):
        return named_bytes(item, sys.maxsize)
    return item


def _is_visible(path: Path, folder: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(folder).parts)


def check_glob(pattern: str) -> str:
    """Refuse a pattern that matches nothing, or files outside the folder.

    Refused: empty, absolute, with a ``..`` part, or with ``**`` inside a name.
    """
    if not pattern or Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise OneRouterInputError(
            "`glob` must be a pattern inside each folder (relative, without '..'), e.g. "
            f"'*.mp3', got {pattern!r}."
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

    Files are transcribed ``max_concurrency`` at a time; Documents come out in file order.
    Each Document's metadata holds ``source``, ``model``, ``task``, and where known
    ``language``, ``duration`` and ``usage``; in ``segments`` mode also ``segment_id``,
    ``start`` and ``end`` in seconds.

    A recording over the upload limit is cut into chunks, transcribed concurrently within the
    same ``max_concurrency`` (files and chunks share it; on 429 the loader lowers it, then
    recovers). With ``cache_dir`` each chunk is cached too, so a rerun after a failure pays
    only for what failed. ``show_progress=True`` draws a bar on stderr (the ``progress`` extra).

    With ``on_error="skip"`` a file that fails is logged and listed in ``failures``, and the
    others still load; a chunk that fails leaves the rest of its file loaded, with the gap
    in each Document's ``gaps`` metadata and a ``failures`` entry giving its ``start`` and
    ``end``. With ``"raise"`` (the default) the error is raised after the Documents of every
    earlier file have been yielded. An invalid key always raises.

    Setup:
        Install the package; the ``split`` extra (PyAV) is needed only for files over the
        upload limit.

        .. code-block:: bash

            pip install -U "langchain-onerouter-audio[split]"
            export ONEROUTER_API_KEY="your-api-key"

    Args:
        file_path: One audio file, a list of files, or a folder (``~`` is expanded). A
            folder gives every audio file in it (``.opus``, ``.oga`` and ``.aac``
            included), recursively, hidden ones left out; or, with ``glob``, every file that
            matches. Recordings in memory (``bytes``, ``(name, bytes)``, a binary file
            object) may stand in for files, their ``source`` being their name; so may
            http(s) URLs (streamed to a temporary file; ``source`` is the URL without its
            query string), LangChain ``Blob``s and audio content blocks.
        glob: A pattern relative to each folder, e.g. ``"*.mp3"`` or ``"**/*.wav"``. Files
            named directly are loaded whatever it says.
        max_concurrency: How many requests are in flight at once (default 4), files and
            the chunks of long ones alike; lowered on 429 and raised again on success.
        show_progress: Draw a progress bar on stderr (the ``progress`` extra), counting
            files and seconds of audio.
        on_error: ``"raise"`` (default): a file's error is raised once the Documents of
            every earlier file have been yielded. ``"skip"``: the file is logged and
            listed in ``failures``, and the others still load. A rejected key or a missing
            permission raises either way.
        mode: ``"single"`` (default): one Document per file. ``"segments"``: one per
            segment of the transcript, with ``start``, ``end`` and, when the server gives
            them, ``avg_logprob`` and ``no_speech_prob``. ``"paragraphs"``: one per run of
            segments, cut at long pauses or a size limit (for retrieval). ``"speakers"``:
            one per speaker turn, with ``speaker``, ``start`` and ``end``
            (gpt-4o-transcribe-diarize). ``"srt"`` / ``"vtt"``: one holding the subtitles.
            A recording with no speech gives no Documents, except in ``"srt"`` / ``"vtt"``
            mode, whose one Document is the subtitle file as given, cues or none.
        task: ``"transcribe"`` (default), in the language spoken, or ``"translate"``,
            into English.
        model: Speech-to-text model (default ``whisper-1``).
        language: Tag of the language spoken, e.g. ``"en"``, ``"yue"`` or ``"en-US"``;
            detected when not given. Only with ``task="transcribe"``.
        chunking_strategy: ``"auto"`` or VAD settings (a ``ServerVad`` or a dict of the
            API's shape); needed by gpt-4o-transcribe-diarize on audio over 30 s. Only with
            ``task="transcribe"``.
        prompt: Hint text (names, jargon, the style to follow).
        carry_context: Send the chunks of a long recording one after another, each with the
            last words of the one before as its ``prompt``, instead of concurrently.
        temperature: Sampling temperature, from 0 to 1.
        max_upload_bytes: Files larger than this are split into pieces that fit, cut at
            silences. Default and ceiling: the client's limit, 25 MB unless the client was
            given another.
        cache_dir: Folder of a transcript cache, off when not given: the same audio with
            the same settings is answered from it instead of being sent again.
        timestamp_granularities: ``["word"]`` (and/or ``"segment"``): in ``segments`` and
            ``paragraphs`` modes each Document's metadata then holds its ``words`` (word,
            start, end).
        known_speaker_names: Up to four names for gpt-4o-transcribe-diarize to label speaker
            turns with, paired with ``known_speaker_references``.
        known_speaker_references: Audio samples of those speakers, as data URLs.
        max_no_speech_prob: Drop segments whose ``no_speech_prob`` is above this (0 to 1,
            e.g. 0.6): what Whisper hears in silence. Off when not given.
        paragraph_pause: In ``paragraphs`` mode, a pause of this many seconds or more starts
            a new paragraph (default 2.0).
        paragraph_max_seconds: In ``paragraphs`` mode, the longest paragraph (default 90 s).
        paragraph_max_chars: In ``paragraphs`` mode, the most characters in one paragraph
            (default 2000).
        allow_private_urls: Fetch URLs whose host is a loopback, private or link-local
            address (a server on this machine or network); refused by default.
        max_download_bytes: The largest audio fetched from a URL; the download stops as soon
            as it grows past it. Default: 2 GiB when long audio can be split (``split``
            extra), else the upload limit.
        client: An :class:`OneRouterAudioClient` to use instead of the settings below.
        api_key: API key; read from ``ONEROUTER_API_KEY`` when not given.
        base_url: API root URL; read from ``ONEROUTER_BASE_URL`` when not given.
        timeout: Seconds per request, or an ``httpx.Timeout``.
        max_retries: Retries after the first attempt for transient failures (default 2).
        rate_limiter: A LangChain rate limiter (e.g. ``InMemoryRateLimiter``) acquired
            before every request.

    Raises:
        OneRouterInputError: An argument is invalid (found when the loader is built).
        OneRouterError: ``client`` is given together with client settings, or no API
            key is found.

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterTranscriptLoader

            loader = OneRouterTranscriptLoader(
                "talks/",
                mode="segments",
                cache_dir=".transcripts",
                # task="translate",
                # on_error="skip",
            )

    Lazy load:
        .. code-block:: python

            docs = []
            docs_lazy = loader.lazy_load()

            # async variant:
            # docs_lazy = loader.alazy_load()

            for doc in docs_lazy:
                docs.append(doc)
            print(docs[0].page_content[:100])
            print(docs[0].metadata)

        .. code-block:: none

            Imagine the wildest idea that you have ever had.
            {'source': 'talks/lecture.mp3', 'model': 'whisper-1', 'task': 'transcribe',
             'language': 'english', 'duration': 24.1, 'usage': {'type': 'duration',
             'seconds': 25.0}, 'segment_id': 0, 'start': 0.0, 'end': 3.2}

    Async load:
        .. code-block:: python

            docs = await loader.aload()
            print(docs[0].page_content[:100])
            print(loader.failures)  # files skipped under on_error="skip"

        .. code-block:: none

            Imagine the wildest idea that you have ever had.
            []

    """

    def __init__(
        self,
        file_path: LoaderInput | Sequence[LoaderInput],
        *,
        glob: str | None = None,
        max_concurrency: int = 4,
        on_error: OnError = "raise",
        show_progress: bool = False,
        **options: Unpack[TranscriberOptions],
    ) -> None:
        checked_concurrency(max_concurrency)
        check_choice("on_error", on_error, OnError)
        if show_progress:
            require_tqdm()
        if not _is_one(file_path) and not isinstance(file_path, Sequence):
            raise OneRouterInputError(
                f"Audio of type {type(file_path).__name__} is not understood; give a path, "
                "bytes, a (filename, bytes) pair, a binary file object, or a list of them."
            )
        items = [file_path] if _is_one(file_path) else cast(Sequence[LoaderInput], file_path)
        self._recordings = [_recording(item) for item in items]
        self.file_paths = [item for item in self._recordings if isinstance(item, Path)]
        self.glob = None if glob is None else check_glob(glob)
        self.max_concurrency = max_concurrency
        self.on_error: OnError = on_error
        self.show_progress = show_progress
        self.transcriber = Transcriber("OneRouterTranscriptLoader", **options)
        self.failures: list[LoadFailure] = []

    def _files(self) -> list[tuple[str, AudioSource]]:
        """Every recording to load, as (source, audio), in the order given."""
        files: list[tuple[str, AudioSource]] = []
        for item in self._recordings:
            if not isinstance(item, Path):
                files.append((source_label(item) or "audio", item))
                continue
            paths = _folder_files(item, self.glob) if item.is_dir() else [item]
            files.extend((str(path), path) for path in paths)
        return files

    def _budget(self, files: list[tuple[str, AudioSource]]) -> Budget:
        """Request slots and a progress bar shared by every file and chunk of one load."""
        progress = progress_bar(self.show_progress, total=len(files), description="Transcribing")
        return Budget.shared(
            self.max_concurrency, progress=progress, skip_failed_chunks=self.on_error == "skip"
        )

    def _load_file(
        self, file: tuple[str, AudioSource], budget: Budget
    ) -> FileTranscript | Exception:
        source, audio = file
        try:
            return self.transcriber.transcribe(audio, source, budget)
        except _PER_FILE_ERRORS as error:
            return error
        finally:
            budget.progress.file_done()

    async def _aload_file(
        self, file: tuple[str, AudioSource], budget: Budget
    ) -> FileTranscript | Exception:
        source, audio = file
        try:
            return await self.transcriber.atranscribe(audio, source, budget)
        except _PER_FILE_ERRORS as error:
            return error
        finally:
            budget.progress.file_done()

    def _accept(self, source: str, outcome: FileTranscript | Exception) -> list[Document]:
        """Documents of a finished file; a failure is raised or recorded per ``on_error``."""
        if isinstance(outcome, FileTranscript):
            self.failures.extend(
                LoadFailure(source, gap.error, gap.start, gap.end) for gap in outcome.gaps
            )
            return outcome.documents
        if self.on_error == "raise" or isinstance(outcome, GLOBAL_ERRORS):
            raise outcome
        logger.warning("Skipping %s: %s", source, outcome)
        self.failures.append(LoadFailure(source, outcome))
        return []

    def lazy_load(self) -> Iterator[Document]:
        """Yield Documents file by file, transcribing ``max_concurrency`` files at a time.

        ``failures`` is emptied when the load starts.

        Yields:
            The Documents of each file, in file order.

        Raises:
            OneRouterError: A file failed under ``on_error="raise"`` (after the Documents of
                every earlier file), or the key or permission was rejected.
            OSError: A file could not be read, under ``on_error="raise"``.

        """
        self.failures = []
        files = self._files()
        budget = self._budget(files)
        outcomes = ordered_map(
            functools.partial(self._load_file, budget=budget), files, self.max_concurrency
        )
        with contextlib.closing(outcomes), contextlib.closing(budget.progress):
            for (source, _), outcome in zip(files, outcomes, strict=True):
                yield from self._accept(source, outcome)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async version of :meth:`lazy_load`, on the client's async methods.

        The requests are awaited on the running loop, not sent from threads.

        Yields:
            The Documents of each file, in file order.

        Raises:
            OneRouterError: As for :meth:`lazy_load`.
            OSError: As for :meth:`lazy_load`.

        """
        self.failures = []
        files = self._files()
        budget = self._budget(files)
        outcomes = aordered_map(
            functools.partial(self._aload_file, budget=budget), files, self.max_concurrency
        )
        try:
            for source, _ in files:
                for document in self._accept(source, await anext(outcomes)):
                    yield document
        finally:
            await outcomes.aclose()
            budget.progress.close()
