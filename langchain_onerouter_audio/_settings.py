"""The client settings every LangChain face declares, and the one way a client is built from them.

The tools, the toolkit and the synthesizer declare the settings as pydantic fields (read from
``ONEROUTER_API_KEY`` / ``ONEROUTER_BASE_URL`` when not given, as other LangChain integrations
do); the loader and the parser take the same names as keyword arguments. Both build their
client through :func:`client_from_settings`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import httpx
from langchain_core.rate_limiters import BaseRateLimiter
from langchain_core.utils import from_env, secret_from_env
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_serializer,
    model_validator,
)
from typing_extensions import TypedDict

from langchain_onerouter_audio.client import DEFAULT_TIMEOUT, OneRouterAudioClient
from langchain_onerouter_audio.errors import OneRouterError
from langchain_onerouter_audio.models import DEFAULT_BASE_URL, MAX_UPLOAD_BYTES

__all__ = [
    "CLIENT_SETTINGS",
    "SETTINGS_CONFIG",
    "ClientSettings",
    "ClientSettingsMixin",
    "client_from_settings",
    "refuse_client_with_settings",
]

CLIENT_SETTINGS = (
    "api_key",
    "base_url",
    "timeout",
    "max_retries",
    "max_upload_bytes",
    "rate_limiter",
)
"""The settings that configure a client, in the order of its constructor."""

# A misspelt setting (``api_kye=``) is an error, not silently dropped; the error must not
# print the value given, which may be a key.
SETTINGS_CONFIG = ConfigDict(
    arbitrary_types_allowed=True, extra="forbid", hide_input_in_errors=True
)


class ClientSettings(TypedDict, total=False):
    """The keyword arguments that give a client, or the settings to build one from."""

    client: OneRouterAudioClient | None
    api_key: str | SecretStr | None
    base_url: str | None
    timeout: float | httpx.Timeout | None
    max_retries: int
    rate_limiter: BaseRateLimiter | None


def refuse_client_with_settings(client: object, given: Collection[str]) -> None:
    """A client and settings for another client are two answers to one question: refuse both.

    Not a ValueError: pydantic would wrap it and print the input, key included.
    """
    if client is not None and given:
        raise OneRouterError(
            f"Pass either client= or client settings ({', '.join(given)}), not both."
        )


def client_from_settings(settings: Mapping[str, Any]) -> OneRouterAudioClient:
    """A client built from the settings in ``settings`` (other entries are not its own)."""
    return OneRouterAudioClient(
        **{name: settings[name] for name in CLIENT_SETTINGS if name in settings}
    )


class ClientSettingsMixin(BaseModel):
    """Declared client settings, and the client built from them unless one is given."""

    model_config = SETTINGS_CONFIG

    # ``str`` in the type so ``api_key="..."`` type-checks; left_to_right keeps it a SecretStr.
    api_key: SecretStr | str | None = Field(
        default_factory=secret_from_env("ONEROUTER_API_KEY", default=None),
        union_mode="left_to_right",
    )
    """API key; read from ``ONEROUTER_API_KEY`` when not given."""
    base_url: str | None = Field(
        default_factory=from_env("ONEROUTER_BASE_URL", default=DEFAULT_BASE_URL)
    )
    """API root URL; read from ``ONEROUTER_BASE_URL`` when not given."""
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT
    """Seconds per request (or an ``httpx.Timeout``); None waits for ever."""
    max_retries: int = 2
    """Retries after the first attempt for transient failures."""
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    """Largest upload the client sends."""
    rate_limiter: BaseRateLimiter | None = Field(default=None, exclude=True)
    """Paces requests: acquired before every attempt (e.g. ``InMemoryRateLimiter``)."""
    # Declared after the settings: its default is built from their validated values.
    client: OneRouterAudioClient = Field(default_factory=client_from_settings, exclude=True)
    """The client that sends requests; built from the settings above when not given."""

    @field_serializer("timeout", when_used="json")
    def _timeout_as_json(self, timeout: float | httpx.Timeout | None) -> Any:
        """An ``httpx.Timeout`` as its parts, so a JSON dump does not fail on it."""
        return timeout.as_dict() if isinstance(timeout, httpx.Timeout) else timeout

    @model_validator(mode="before")
    @classmethod
    def _client_or_settings(cls, data: Any) -> Any:
        """``client=None`` means "build one"; a client with settings is refused."""
        if isinstance(data, dict):
            if "client" in data and data["client"] is None:
                data = {name: value for name, value in data.items() if name != "client"}
            given = [name for name in CLIENT_SETTINGS if name in data]
            refuse_client_with_settings(data.get("client"), given)
        return data
