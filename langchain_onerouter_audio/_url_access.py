"""Which URLs a speech-to-text tool or the voice middleware may fetch: none unless allowed.

A URL in a tool call or in a user's audio block is untrusted, so fetching is opt-in: from any
public host (``allow_urls``) or only from the hosts listed (``allowed_url_hosts``, checked on
every redirect too). Private addresses stay refused unless the client allows them.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_onerouter_audio._base_client import BaseClient
from langchain_onerouter_audio._files import AudioInput, UploadFile
from langchain_onerouter_audio._remote import UrlPolicy, shown_url

__all__ = ["downloaded_upload", "url_policy", "urls_allowed"]


def urls_allowed(allow_urls: bool, allowed_hosts: Sequence[str] | None) -> bool:
    """True when URLs may be fetched at all: any public host, or some hosts named."""
    return allow_urls or bool(allowed_hosts)


def url_policy(client: BaseClient, allowed_hosts: Sequence[str] | None) -> UrlPolicy:
    """The client's download rules, kept to ``allowed_hosts`` when some are named."""
    allowed = frozenset(host.lower() for host in allowed_hosts) if allowed_hosts else None
    return client.download_policy(allowed_hosts=allowed)


def downloaded_upload(audio: AudioInput | UploadFile, url: str, max_bytes: int) -> UploadFile:
    """The file downloaded from ``url`` as a checked upload, named by the URL shown safely."""
    if isinstance(audio, UploadFile):
        return audio
    return UploadFile.from_input(audio, max_bytes=max_bytes, shown_as=shown_url(url))
