"""Checks of values against the wire format's closed sets, shared by every face.

Each set is a ``Literal`` type in ``models`` (or beside the option it closes), so the
type a caller sees and the values refused at run time cannot drift apart.
"""

from __future__ import annotations

from typing import get_args

from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import MODEL_TRANSCRIPT_FORMATS

__all__ = ["check_choice", "check_transcript_format", "model_gives"]


def check_choice(name: str, value: object, choices: object) -> None:
    """Refuse ``value`` unless it is one of the ``Literal`` type ``choices``' values."""
    allowed: tuple[str, ...] = get_args(choices)
    if value not in allowed:
        raise OneRouterInputError(f"`{name}` is {value!r}; use one of: {', '.join(allowed)}.")


def model_gives(model: str, transcript_format: str) -> bool:
    """Whether ``model`` can answer in ``transcript_format``; a model with no known limit can."""
    allowed = MODEL_TRANSCRIPT_FORMATS.get(model)
    return allowed is None or transcript_format in allowed


def check_transcript_format(model: str, transcript_format: str) -> None:
    """Refuse a format the model cannot give: every call would fail, unfixable by the caller.

    One table (``MODEL_TRANSCRIPT_FORMATS``) for the client, tools, loader and command line;
    models with no known limit pass (a router serves models this package never heard of).
    A ``OneRouterInputError``, which is a ``ValueError`` as pydantic validators raise.
    """
    if not model_gives(model, transcript_format):
        allowed = MODEL_TRANSCRIPT_FORMATS[model]
        raise OneRouterInputError(
            f"{model} gives only {', '.join(allowed)}; "
            f"the format {transcript_format!r} would be refused on every call."
        )
