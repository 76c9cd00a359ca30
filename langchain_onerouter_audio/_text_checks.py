"""Checks of the text that goes on the wire, and of the text that comes back to a caller.

A lone surrogate (an emoji cut in half by a model, a Latin-1 argument read by the shell)
cannot be encoded as UTF-8: httpx would fail with a raw ``UnicodeEncodeError`` inside the
send. Every string a request carries is checked here first, so it fails as an input error.
"""

from __future__ import annotations

from collections.abc import Iterable

from langchain_onerouter_audio.errors import OneRouterInputError

__all__ = ["ECHO_LIMIT", "check_wire_text", "check_wire_texts", "echoed"]

ECHO_LIMIT = 400
"""The most characters of a caller's (or a model's) text quoted back in an error."""


def echoed(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` quoted (repr), cut to ``limit`` characters with an ellipsis.

    A model may send a 100,000-character path; its error should not send it all back.
    """
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def check_wire_text(name: str, value: str) -> None:
    """Refuse a string that cannot be sent as UTF-8 (a lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise OneRouterInputError(
            f"`{name}` is not valid Unicode text: character {error.start} is a lone surrogate "
            "(half of an emoji or an undecodable byte). Send the text as valid UTF-8."
        ) from None


def check_wire_texts(fields: Iterable[tuple[str, object]]) -> None:
    """Check every string value among ``fields`` (name, value) pairs."""
    for name, value in fields:
        if isinstance(value, str):
            check_wire_text(name, value)
