"""Public docstrings follow the LangChain reference layout, so the API reference reads alike."""

from __future__ import annotations

import inspect

import pytest

import langchain_onerouter_audio
from langchain_onerouter_audio._transcriber import TranscriberOptions

# The classes people build themselves, and the sections each docstring must have.
SECTIONS: dict[str, tuple[str, ...]] = {
    "OneRouterAudioClient": ("Setup:", "Key init args", "Instantiate:", "Async:"),
    "OneRouterTextToSpeechTool": ("Setup:", "Instantiate:", "Invoke with ToolCall:", "Async:"),
    "OneRouterTranscriptionTool": ("Setup:", "Instantiate:", "Invoke with ToolCall:", "Async:"),
    "OneRouterTranslationTool": ("Setup:", "Instantiate:", "Invoke with ToolCall:", "Async:"),
    "OneRouterAudioToolkit": ("Setup:", "Key init args", "Instantiate:", "Tools:"),
    "OneRouterTranscriptLoader": ("Setup:", "Args:", "Instantiate:", "Lazy load:", "Async load:"),
    "OneRouterAudioParser": ("Setup:", "Args:", "Instantiate:", "Lazy parse:", "Async:"),
    "OneRouterSpeechSynthesizer": ("Setup:", "Key init args", "Instantiate:", "Invoke:", "Async:"),
    "OneRouterVoiceMiddleware": ("Setup:", "Key init args", "Instantiate:", "Invoke:"),
    "RetryPolicy": ("Key init args", "Instantiate:"),
    "AudioChunk": ("Instantiate:",),
}
# Every keyword the loader and the parser take; they are not pydantic models, so their
# docstrings are the only public place these are listed.
TRANSCRIBER_KEYWORDS = tuple(
    sorted(TranscriberOptions.__required_keys__ | TranscriberOptions.__optional_keys__)
)
LOADER_KEYWORDS = ("file_path", "glob", "max_concurrency", "on_error", *TRANSCRIBER_KEYWORDS)


def _doc(name: str) -> str:
    return inspect.getdoc(getattr(langchain_onerouter_audio, name)) or ""


@pytest.mark.parametrize("name", sorted(langchain_onerouter_audio.__all__))
def test_every_public_class_has_a_docstring(name: str) -> None:
    value = getattr(langchain_onerouter_audio, name)
    if inspect.isclass(value):
        assert (value.__doc__ or "").strip(), f"{name} has no docstring"


@pytest.mark.parametrize(("name", "sections"), sorted(SECTIONS.items()))
def test_langchain_facing_classes_have_the_reference_sections(
    name: str, sections: tuple[str, ...]
) -> None:
    doc = _doc(name)
    missing = [section for section in sections if section not in doc]
    assert not missing, f"{name}'s docstring lacks {missing}"
    assert ".. code-block:: python" in doc


def test_every_facing_class_of_the_public_api_is_checked() -> None:
    facing = {
        name
        for name in langchain_onerouter_audio.__all__
        if name.startswith("OneRouter")
        and inspect.isclass(getattr(langchain_onerouter_audio, name))
        and not issubclass(getattr(langchain_onerouter_audio, name), Exception)
    }
    assert facing <= set(SECTIONS)


@pytest.mark.parametrize(
    ("name", "keywords"),
    [
        ("OneRouterTranscriptLoader", LOADER_KEYWORDS),
        ("OneRouterAudioParser", TRANSCRIBER_KEYWORDS),
    ],
)
def test_loader_and_parser_document_every_keyword(name: str, keywords: tuple[str, ...]) -> None:
    args = _doc(name).split("Args:", 1)[1]
    missing = [keyword for keyword in keywords if f"\n    {keyword}: " not in args]
    assert not missing, f"{name}'s Args section lacks {missing}"
