"""Misspelt options and values of the wrong shape are typed errors, before any request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioParser,
    OneRouterTranscriptLoader,
)
from langchain_onerouter_audio.errors import OneRouterInputError
from tests._calls import call
from tests.unit_tests.fake_api import AUDIO, KEY, FakeApi

CLIP = ("clip.mp3", AUDIO)


@pytest.mark.parametrize("face", [OneRouterTranscriptLoader, OneRouterAudioParser])
@pytest.mark.parametrize("option", ["modle", "langauge", "cache", "max_concurency"])
def test_the_loader_and_parser_refuse_unknown_options(face: Any, option: str) -> None:
    api = FakeApi()
    args = (CLIP,) if face is OneRouterTranscriptLoader else ()
    with pytest.raises(OneRouterInputError, match=f"does not take '{option}'.*model"):
        face(*args, client=api.client(), **{option: "x"})
    assert api.requests == []


CLIENT_CALLS: dict[str, tuple[str, tuple[Any, ...], dict[str, Any], str]] = {
    "keywords as a str": ("transcribe", (CLIP,), {"keywords": "fox"}, "list of strings"),
    "languages as a str": ("transcribe", (CLIP,), {"languages": "en"}, "list of strings"),
    "include as a str": ("transcribe", (CLIP,), {"include": "logprobs"}, "list of strings"),
    "speaker names as a str": (
        "transcribe", (CLIP,),
        {"known_speaker_names": "ann", "known_speaker_references": "x"}, "list of strings",
    ),
    "keywords of numbers": ("transcribe", (CLIP,), {"keywords": [1, 2]}, "every item"),
    "prompt as a number": ("transcribe", (CLIP,), {"prompt": 3}, "must be text"),
    "translate with a language": ("translate", (CLIP,), {"language": "de"}, "'language'"),
    "speech of a number": ("speech", (123,), {}, "must be a string, got int"),
    "a pair of str": ("transcribe", (("x.mp3", "not bytes"),), {}, r"\(str, str\)"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CLIENT_CALLS))
def test_the_client_refuses_wrong_shapes(mode: str, case: str) -> None:
    method, args, options, message = CLIENT_CALLS[case]
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match=message):
        call(api.client(), method, mode, *args, **options)
    assert api.requests == []


BUILDS: dict[str, tuple[Callable[[FakeApi], Any], str]] = {
    "timeout as a str": (lambda api: OneRouterAudioClient(api_key=KEY, timeout="10"), "timeout"),
    "loader concurrency as a str": (
        lambda api: OneRouterTranscriptLoader(CLIP, client=api.client(), max_concurrency="4"),
        "max_concurrency",
    ),
    "parser concurrency as a str": (
        lambda api: OneRouterAudioParser(client=api.client(), max_concurrency="4"),
        "max_concurrency",
    ),
    "loader of a number": (lambda api: OneRouterTranscriptLoader(123, client=api.client()), "int"),
    "carry_context as a str": (
        lambda api: OneRouterTranscriptLoader(CLIP, client=api.client(), carry_context="yes"),
        "carry_context",
    ),
}


@pytest.mark.parametrize("case", list(BUILDS))
def test_wrong_types_are_refused_when_built(case: str, tmp_path: Path) -> None:
    build, message = BUILDS[case]
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match=message):
        build(api)
    assert api.requests == []
