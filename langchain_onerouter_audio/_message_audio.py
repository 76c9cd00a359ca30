"""transcribe_message: the audio content blocks of a LangChain message, as transcripts.

A message's content may come from a user, so its blocks are untrusted: base64 audio is
checked like any upload, a URL is fetched only when the caller allows it (and then under
the client's rules: private addresses refused unless the client allows them), and a local
path in a block is never read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import BaseMessage
from typing_extensions import Unpack

from langchain_onerouter_audio._audio_blocks import (
    audio_block_location,
    audio_block_upload,
    is_audio_block,
)
from langchain_onerouter_audio._files import UploadFile
from langchain_onerouter_audio._params import TranscriptionOptions
from langchain_onerouter_audio.client import OneRouterAudioClient
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import Transcription

__all__ = ["atranscribe_message", "transcribe_message"]


def _audio_blocks(message: BaseMessage | Sequence[object]) -> list[Mapping[str, Any]]:
    content = message.content if isinstance(message, BaseMessage) else message
    blocks = content if isinstance(content, list) else []
    return [block for block in blocks if is_audio_block(block) and isinstance(block, Mapping)]


def _upload_or_url(
    block: Mapping[str, Any], client: OneRouterAudioClient, allow_urls: bool
) -> UploadFile | str:
    """What to send for one block: its decoded audio, or its URL when URLs are allowed."""
    location = audio_block_location(block)
    if location is None:
        return audio_block_upload(block, max_bytes=client.max_upload_bytes)
    if location.kind == "path":
        raise OneRouterInputError("A file path in a message's audio block is not read.")
    if not allow_urls:
        raise OneRouterInputError(
            "The audio block points at a URL; pass allow_urls=True to fetch it."
        )
    return location.where


def transcribe_message(
    message: BaseMessage | Sequence[object],
    client: OneRouterAudioClient | None = None,
    *,
    allow_urls: bool = False,
    **options: Unpack[TranscriptionOptions],
) -> list[Transcription]:
    """Transcribe every audio block of ``message`` (or of a list of content blocks), in order.

    Args:
        message: A message whose content holds audio blocks (``create_audio_block(...)``,
            v0 ``source_type`` blocks, OpenAI ``input_audio``), or the blocks themselves.
            Other blocks are skipped.
        client: The client to send with; one from the environment when not given.
        allow_urls: Fetch blocks that point at an http(s) URL; refused by default, since
            a message may carry what a user wrote.
        **options: Transcription options, as for :meth:`OneRouterAudioClient.transcribe`.

    Returns:
        One :class:`Transcription` per audio block.

    Raises:
        OneRouterInputError: A block holds no readable audio, a file id or a path, or a URL
            without ``allow_urls``; found before any request is sent.
        OneRouterError: A request failed (see :meth:`OneRouterAudioClient.transcribe`).

    """
    client = client or OneRouterAudioClient()
    sources = [_upload_or_url(block, client, allow_urls) for block in _audio_blocks(message)]
    return [client.transcribe(source, **options) for source in sources]


async def atranscribe_message(
    message: BaseMessage | Sequence[object],
    client: OneRouterAudioClient | None = None,
    *,
    allow_urls: bool = False,
    **options: Unpack[TranscriptionOptions],
) -> list[Transcription]:
    """Async :func:`transcribe_message`; same arguments, result and errors."""
    client = client or OneRouterAudioClient()
    sources = [_upload_or_url(block, client, allow_urls) for block in _audio_blocks(message)]
    return [await client.atranscribe(source, **options) for source in sources]
