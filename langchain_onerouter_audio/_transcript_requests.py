"""One transcript request with a Transcriber's settings, and the cache it fills.

A request holds one of the load's shared slots while it is on the wire (see ``_slots``);
a translation sends only the options a translation takes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from langchain_onerouter_audio._budget import Budget
from langchain_onerouter_audio._cache import audio_digest, cache_key
from langchain_onerouter_audio._files import UploadFile
from langchain_onerouter_audio._params import TranscriptionOptions, TranslationOptions
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._transcriber_settings import TranscriberSettings
from langchain_onerouter_audio.errors import OneRouterInputError

__all__ = ["TranscriptRequests"]

logger = logging.getLogger("langchain_onerouter_audio")


class TranscriptRequests(TranscriberSettings):
    """Sends audio with the settings, blocking or async, and keeps what was paid for."""

    def _key(self, audio: Path | bytes, options: TranscriptionOptions, **extra: Any) -> str:
        """The cache key of ``audio`` sent with ``options`` to this server and model."""
        return cache_key(
            audio_digest(audio),
            server=self.client.base_url,  # one model name may be two models on two servers
            model=self.model,
            task=self.task,
            format=self.response_format,
            options={k: v for k, v in options.items() if k != "model"},
            **extra,
        )

    def _store(self, key: str | None, result: TranscriptResult) -> None:
        """Keep a transcript that was paid for; a cache that cannot be written only warns."""
        if self.cache is None or key is None:
            return
        # The writer refuses a folder it cannot write (OneRouterInputError), or fails (OSError).
        try:
            self.cache.put(key, self.response_format, result)
        except (OSError, OneRouterInputError) as error:
            logger.warning("Could not write the transcript cache: %s", error)

    def _translation_options(self, options: TranscriptionOptions) -> TranslationOptions:
        return TranslationOptions(
            model=self.model,
            prompt=options.get("prompt"),
            temperature=options.get("temperature"),
        )

    def _request(self, file: UploadFile, options: TranscriptionOptions) -> TranscriptResult:
        fmt = self.response_format
        if self.task == "translate":
            translation = self._translation_options(options)
            return self.client.translate(
                file, response_format=self.translation_format, **translation
            )
        return self.client.transcribe(file, response_format=fmt, **options)

    def _send(
        self, file: UploadFile, options: TranscriptionOptions, budget: Budget
    ) -> TranscriptResult:
        with budget.slots.request():
            return self._request(file, options)

    async def _arequest(self, file: UploadFile, options: TranscriptionOptions) -> TranscriptResult:
        fmt = self.response_format
        if self.task == "translate":
            translation = self._translation_options(options)
            english = self.translation_format
            return await self.client.atranslate(file, response_format=english, **translation)
        return await self.client.atranscribe(file, response_format=fmt, **options)

    async def _asend(
        self, file: UploadFile, options: TranscriptionOptions, budget: Budget
    ) -> TranscriptResult:
        async with budget.slots.arequest():
            return await self._arequest(file, options)
