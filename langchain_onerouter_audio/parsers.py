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
from langchain_onerouter_audio._transcriber import Transcriber, TranscriberOptions
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
    audio gives the same Documents and metadata either way. A file-backed blob is streamed
    from disk. An in-memory blob whose path has no audio extension is sent with one added
    (from its bytes, else its mime type); ``source`` stays the blob's own path.

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio langchain-community
            export ONEROUTER_API_KEY="your-api-key"

    Args:
        mode: How each recording becomes Documents: ``"single"`` (default, one),
            ``"segments"`` (one per segment, with start and end), ``"srt"`` or ``"vtt"``.
        task: ``"transcribe"`` (default) or ``"translate"`` (the text in English).
        model: The speech-to-text model, ``whisper-1`` unless given.
        language: The spoken language as an ISO-639-1 code; transcription only.
        chunking_strategy: ``"auto"`` or VAD settings (a ``ServerVad`` or a dict of the
            API's shape); needed by gpt-4o-transcribe-diarize on audio over 30 s.
            Transcription only.
        prompt: Text that guides spelling and style.
        temperature: From 0 to 1; the server's default when not given.
        max_upload_bytes: Blobs over this size are split before sending (``split``
            extra); at most, and by default, the client's own limit.
        cache_dir: Where to keep transcripts so the same audio is never paid for twice;
            no cache when not given.
        client: The :class:`OneRouterAudioClient` to send with; when given, pass none of
            ``api_key``, ``base_url``, ``timeout``, ``max_retries`` and ``rate_limiter``.
        api_key: The key, else ``ONEROUTER_API_KEY``.
        base_url: The API root, else ``ONEROUTER_BASE_URL``.
        timeout: Per-request limit in seconds (or an ``httpx.Timeout``).
        max_retries: How often a transient failure is retried (2 unless given).
        rate_limiter: A LangChain rate limiter (e.g. ``InMemoryRateLimiter``) acquired
            before every request.

    Instantiate:
        .. code-block:: python

            from langchain_onerouter_audio import OneRouterAudioParser

            parser = OneRouterAudioParser(mode="segments")

    Lazy parse:
        .. code-block:: python

            from langchain_core.documents.base import Blob

            blob = Blob.from_path("talks/lecture.mp3")
            docs = list(parser.lazy_parse(blob))
            print(docs[0].page_content, docs[0].metadata["start"], docs[0].metadata["end"])

        .. code-block:: none

            Imagine the wildest idea that you have ever had. 0.0 3.2

    With GenericLoader:
        .. code-block:: python

            from langchain_community.document_loaders.generic import GenericLoader

            loader = GenericLoader.from_filesystem("talks/", glob="*.mp3", parser=parser)
            docs = loader.load()

    Async:
        .. code-block:: python

            docs = [doc async for doc in parser.alazy_parse(blob)]

    """

    def __init__(self, **options: Unpack[TranscriberOptions]) -> None:
        self.transcriber = Transcriber(**options)

    def lazy_parse(self, blob: Blob) -> Iterator[Document]:
        """Transcribe one blob.

        Args:
            blob: The audio, file-backed or in memory.

        Yields:
            The blob's Documents, with ``source`` set to ``blob.source``.

        Raises:
            OneRouterInputError: The blob is empty, not audio, or over the limit without
                the ``split`` extra.
            OneRouterError: The request failed (see :meth:`OneRouterAudioClient.transcribe`).

        """
        yield from self.transcriber.documents(_blob_input(blob), blob.source)

    async def alazy_parse(self, blob: Blob) -> AsyncIterator[Document]:
        """Async version of :meth:`lazy_parse`, on the client's async methods."""
        for document in await self.transcriber.adocuments(_blob_input(blob), blob.source):
            yield document
