"""OneRouterAudioParser: audio blobs in, transcript Documents out (for GenericLoader)."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from langchain_core.document_loaders import BaseBlobParser
from langchain_core.documents import Document
from langchain_core.documents.base import Blob
from typing_extensions import Unpack

from langchain_onerouter_audio._files import AudioInput, sniff_audio_format
from langchain_onerouter_audio._progress import one_file, progress_bar, require_tqdm
from langchain_onerouter_audio._transcriber import Budget, Transcriber, TranscriberOptions
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import UPLOAD_FORMATS

__all__ = ["OneRouterAudioParser"]


def _blob_name(blob: Blob, data: bytes) -> str:
    """The in-memory blob's file name, given its audio extension when it lacks one.

    Uploads are often stored under an id; the extension comes from the bytes, else the type.
    """
    name = Path(blob.path).name if blob.path is not None else "audio"
    if Path(name).suffix.lower().lstrip(".") in UPLOAD_FORMATS:
        return name
    extension = sniff_audio_format(data[:16])
    if extension is None and blob.mimetype:
        extension = (mimetypes.guess_extension(blob.mimetype) or "").lstrip(".") or None
    return f"{name}.{extension}" if extension else name


def _blob_input(blob: Blob) -> AudioInput:
    """Stream a file-backed blob from disk; send an in-memory one as named bytes."""
    if blob.data is None and blob.path is not None:
        return Path(blob.path)
    data = blob.as_bytes()
    return (_blob_name(blob, data), data)


class OneRouterAudioParser(BaseBlobParser):
    """Transcribe audio blobs into Documents, as OneRouterTranscriptLoader does for files.

    Works with ``GenericLoader`` / ``FileSystemBlobLoader`` and with in-memory blobs
    (``Blob.from_data(audio_bytes, mime_type="audio/mpeg", path="talk.mp3")``); the same
    audio gives the same Documents and metadata either way. An in-memory blob whose path has
    no audio extension is sent with one added; ``source`` stays the blob's own path.
    Settings are those of :class:`~langchain_onerouter_audio._transcriber.TranscriberOptions`.
    A blob over the upload limit is cut into chunks, ``max_concurrency`` transcribed at once;
    ``show_progress=True`` draws a bar on stderr (the ``progress`` extra).

    Example:
        .. code-block:: python

            from langchain_community.document_loaders.generic import GenericLoader

            loader = GenericLoader.from_filesystem(
                "talks/", glob="*.mp3", parser=OneRouterAudioParser(mode="segments")
            )

    """

    def __init__(
        self,
        *,
        max_concurrency: int = 4,
        show_progress: bool = False,
        **options: Unpack[TranscriberOptions],
    ) -> None:
        if max_concurrency < 1:
            raise OneRouterInputError(f"`max_concurrency` is {max_concurrency}; use 1 or more.")
        if show_progress:
            require_tqdm()
        self.max_concurrency = max_concurrency
        self.show_progress = show_progress
        self.transcriber = Transcriber(**options)

    def _budget(self, blob: Blob) -> Budget:
        name = Path(blob.path).name if blob.path is not None else "audio"
        progress = progress_bar(self.show_progress, total=1, description=name)
        return Budget.shared(self.max_concurrency, progress=progress)

    def lazy_parse(self, blob: Blob) -> Iterator[Document]:
        """Transcribe one blob."""
        budget = self._budget(blob)
        with one_file(budget.progress):
            transcript = self.transcriber.transcribe(_blob_input(blob), blob.source, budget)
        yield from transcript.documents

    async def alazy_parse(self, blob: Blob) -> AsyncIterator[Document]:
        """Async :meth:`lazy_parse`, on the client's async methods."""
        budget = self._budget(blob)
        with one_file(budget.progress):
            transcript = await self.transcriber.atranscribe(_blob_input(blob), blob.source, budget)
        for document in transcript.documents:
            yield document
