"""OneRouterAudioParser: audio blobs in, transcript Documents out (for GenericLoader)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from langchain_core.document_loaders import BaseBlobParser
from langchain_core.documents import Document
from langchain_core.documents.base import Blob
from typing_extensions import Unpack

from langchain_onerouter_audio._progress import one_file, progress_bar, require_tqdm
from langchain_onerouter_audio._sources import source_label
from langchain_onerouter_audio._transcriber import (
    Budget,
    Transcriber,
    TranscriberOptions,
    checked_concurrency,
)

__all__ = ["OneRouterAudioParser"]


class OneRouterAudioParser(BaseBlobParser):
    """Transcribe audio blobs into Documents, as OneRouterTranscriptLoader does for files.

    Works with ``GenericLoader`` / ``FileSystemBlobLoader`` and with in-memory blobs
    (``Blob.from_data(audio_bytes, mime_type="audio/mpeg", path="talk.mp3")``); the same
    audio gives the same Documents and metadata either way. A file-backed blob is streamed
    from disk. An in-memory blob whose path has no audio extension is sent with one added
    (from its bytes, else its mime type); ``source`` stays the blob's own path. A blob
    without data whose path is an http(s) URL is fetched from there (see
    ``allow_private_urls`` and ``max_download_bytes``).
    A blob over the upload limit is cut into chunks, ``max_concurrency`` transcribed at once;
    ``show_progress=True`` draws a bar on stderr (the ``progress`` extra).

    Setup:
        .. code-block:: bash

            pip install -U langchain-onerouter-audio langchain-community
            export ONEROUTER_API_KEY="your-api-key"

    Args:
        mode: How each recording becomes Documents: ``"single"`` (default, one),
            ``"segments"`` (one per segment, with start, end and confidence),
            ``"paragraphs"`` (runs of segments), ``"speakers"`` (one per speaker turn),
            ``"srt"`` or ``"vtt"``.
        task: ``"transcribe"`` (default) or ``"translate"`` (the text in English).
        model: The speech-to-text model, ``whisper-1`` unless given.
        language: The spoken language as a tag such as ``"en"`` or ``"yue"``;
            transcription only.
        chunking_strategy: ``"auto"`` or VAD settings (a ``ServerVad`` or a dict of the
            API's shape); needed by gpt-4o-transcribe-diarize on audio over 30 s.
            Transcription only.
        prompt: Text that guides spelling and style.
        carry_context: Send the chunks of a long blob one after another, each with the last
            words of the one before as its ``prompt``, instead of concurrently.
        temperature: From 0 to 1; the server's default when not given.
        max_upload_bytes: Blobs over this size are split before sending (``split``
            extra); at most, and by default, the client's own limit.
        cache_dir: Where to keep transcripts so the same audio is never paid for twice;
            no cache when not given.
        timestamp_granularities: ``["word"]``: segments and paragraphs list their words.
        known_speaker_names: Names for the diarizing model's speakers (``speakers`` mode).
        known_speaker_references: Audio samples of those speakers, as data URLs.
        max_no_speech_prob: Drop segments above this no-speech probability (0 to 1).
        paragraph_pause: Seconds of pause that start a new paragraph (default 2.0).
        paragraph_max_seconds: The longest paragraph in seconds (default 90).
        paragraph_max_chars: The longest paragraph in characters (default 2000).
        allow_private_urls: Fetch URL blobs from private or loopback addresses too.
        max_download_bytes: The largest audio fetched for a URL blob.
        max_concurrency: How many chunks of one long blob are transcribed at once
            (default 4).
        show_progress: Draw a progress bar on stderr (the ``progress`` extra).
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

    def __init__(
        self,
        *,
        max_concurrency: int = 4,
        show_progress: bool = False,
        **options: Unpack[TranscriberOptions],
    ) -> None:
        checked_concurrency(max_concurrency)
        if show_progress:
            require_tqdm()
        self.max_concurrency = max_concurrency
        self.show_progress = show_progress
        self.transcriber = Transcriber("OneRouterAudioParser", **options)

    def _budget(self, label: str | None) -> Budget:
        """Request slots for one blob's chunks, and its bar named without a URL's query."""
        name = Path(label).name if label else "audio"
        progress = progress_bar(self.show_progress, total=1, description=name)
        return Budget.shared(self.max_concurrency, progress=progress)

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
        label = source_label(blob)
        budget = self._budget(label)
        with one_file(budget.progress):
            transcript = self.transcriber.transcribe(blob, label, budget)
        yield from transcript.documents

    async def alazy_parse(self, blob: Blob) -> AsyncIterator[Document]:
        """Async version of :meth:`lazy_parse`, on the client's async methods."""
        label = source_label(blob)
        budget = self._budget(label)
        with one_file(budget.progress):
            transcript = await self.transcriber.atranscribe(blob, label, budget)
        for document in transcript.documents:
            yield document
