"""The settings of a Transcriber: its options checked once, when the loader or parser is built.

A misspelt option, a mode the model cannot give, or a cache folder that cannot be written
is refused here, before any file is read or any request is paid for.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from typing_extensions import Unpack

from langchain_onerouter_audio._cache import TranscriptCache
from langchain_onerouter_audio._checks import check_choice, check_transcript_format, model_gives
from langchain_onerouter_audio._documents import MODE_FORMATS, Mode, Task, WireFormat
from langchain_onerouter_audio._folder_checks import check_writable_folder
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TranscriptionOptions,
    check_keywords,
    transcription_fields,
)
from langchain_onerouter_audio._passages import PassageOptions, Shaping, passage_request_options
from langchain_onerouter_audio._settings import (
    CLIENT_SETTINGS,
    ClientSettings,
    client_from_settings,
    refuse_client_with_settings,
)
from langchain_onerouter_audio._sources import SourceOptions, loader_policy
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import MAX_UPLOAD_BYTES, ChunkingStrategy, TranslationFormat

__all__ = ["TranscriberOptions", "TranscriberSettings"]


class TranscriberOptions(ClientSettings, PassageOptions, SourceOptions, total=False):
    """Settings shared by OneRouterTranscriptLoader and OneRouterAudioParser.

    Passage settings (words, speakers, confidence, paragraphs) are ``PassageOptions``'s;
    URL settings are ``SourceOptions``'s.

    client: an OneRouterAudioClient to use; else one is built from api_key, base_url,
        timeout, max_retries, rate_limiter (each as for the client, from the environment
        when not given).
    mode: "single" (default), "segments", "paragraphs", "speakers", "srt" or "vtt". A
        model that cannot give the mode's format (gpt-4o-transcribe gives json and text
        only, so "single") is refused when the loader is built, not once per file.
    task: "transcribe" (default) or "translate" (into English).
    model, language, prompt, temperature: request options (language: transcription only).
    chunking_strategy: "auto" or VAD settings (transcription only; needed by
        gpt-4o-transcribe-diarize for audio over 30 seconds).
    max_upload_bytes: files larger than this are split (default and ceiling: the client's
        limit, 25 MB unless the client was given another).
    cache_dir: folder for the transcript cache (whole files and each chunk of a long one);
        off when not given.
    carry_context: send a long recording's chunks one after another, each prompted with
        the end of the previous chunk's transcript (continuity over speed); default False:
        chunks are sent concurrently.
    """

    mode: Mode
    task: Task
    model: str
    language: str | None
    prompt: str | None
    temperature: float | None
    chunking_strategy: ChunkingStrategy | None
    max_upload_bytes: int | None
    cache_dir: str | os.PathLike[str] | None
    carry_context: bool


class TranscriberSettings:
    """A Transcriber's fixed settings (see TranscriberOptions), checked when it is built."""

    def __init__(self, face: str, **options: Unpack[TranscriberOptions]) -> None:
        # A misspelt option (``modle=``) would be dropped, and the default model paid for.
        check_keywords(options, TranscriberOptions.__annotations__, face)
        limit = options.get("max_upload_bytes")
        # The upload limit is also the splitter's own, so it may come with a client too.
        given = [name for name in CLIENT_SETTINGS if name in options and name != "max_upload_bytes"]
        refuse_client_with_settings(options.get("client"), given)
        self.client = options.get("client") or client_from_settings(
            {**options, "max_upload_bytes": limit or MAX_UPLOAD_BYTES}
        )
        self.mode: Mode = options.get("mode", "single")
        self.task: Task = options.get("task", "transcribe")
        check_choice("mode", self.mode, Mode)
        check_choice("task", self.task, Task)
        self.model = options.get("model", DEFAULT_TRANSCRIPTION_MODEL)
        self.language = options.get("language")
        if self.language and self.task == "translate":
            raise OneRouterInputError(
                "`language` applies to task='transcribe' only; translation always gives English."
            )
        self._options = TranscriptionOptions(
            model=self.model,
            language=self.language,
            prompt=options.get("prompt"),
            temperature=options.get("temperature"),
        )
        chunking = options.get("chunking_strategy")
        if chunking is not None:  # only when given: cache keys of other loads stay as they were
            if self.task == "translate":
                raise OneRouterInputError("`chunking_strategy` applies to task='transcribe' only.")
            self._options["chunking_strategy"] = chunking
        self._add_passage_options(options)
        self._check_model_gives_mode()
        transcription_fields(self.response_format, **self._options)  # fail early on bad options
        # A piece the client would refuse is never sent: the client's limit caps this one.
        self.max_upload_bytes = min(limit or sys.maxsize, self.client.max_upload_bytes)
        cache_dir = options.get("cache_dir")
        if cache_dir is not None:  # a cache that cannot be written would make every run pay
            check_writable_folder(Path(cache_dir).expanduser(), "cache_dir")
        self.cache = TranscriptCache(cache_dir) if cache_dir is not None else None
        self.carry_context = options.get("carry_context", False)
        if not isinstance(self.carry_context, bool):
            raise OneRouterInputError("`carry_context` must be True or False.")
        self.download_policy = loader_policy(
            self.client.download_policy(), options, upload_limit=self.client.max_upload_bytes
        )

    def _add_passage_options(self, options: TranscriberOptions) -> None:
        """Words, speakers and confidence: request fields and how Documents are cut."""
        self.shaping = Shaping.from_options(options)
        request = passage_request_options(options, segments=self.mode in ("segments", "paragraphs"))
        if self.task == "translate" and (request or self.mode == "speakers"):
            raise OneRouterInputError(
                "Speakers and word timestamps apply to task='transcribe' only."
            )
        self._options.update(request)
        if self.mode == "speakers":  # a diarizing model needs it for audio over 30 s
            self._options.setdefault("chunking_strategy", "auto")

    def _check_model_gives_mode(self) -> None:
        """Refuse now a mode whose format the model cannot give, in the loader's own terms."""
        try:
            check_transcript_format(self.model, self.response_format)
        except OneRouterInputError as error:
            able = "gpt-4o-transcribe-diarize" if self.mode == "speakers" else "whisper-1"
            raise OneRouterInputError(
                f"mode={self.mode!r} needs {self.response_format} transcripts: {error} "
                f"Use mode='single', or a model that gives them such as {able}."
            ) from None

    @property
    def response_format(self) -> WireFormat:
        """The wire format that the mode needs.

        Single mode asks for verbose_json where the model gives it, so its Document carries
        the language and duration; json otherwise (the gpt-4o transcribe models).
        """
        needed = MODE_FORMATS[self.mode]
        if needed == "json" and model_gives(self.model, "verbose_json"):
            return "verbose_json"
        return needed

    @property
    def translation_format(self) -> TranslationFormat:
        """The wire format for ``task="translate"``, which has no speakers mode."""
        fmt = self.response_format
        if fmt == "diarized_json":
            raise OneRouterInputError("mode='speakers' applies to task='transcribe' only.")
        return fmt
