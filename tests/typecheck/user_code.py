"""Code as a user writes it: every documented constructor must pass ``mypy --strict``.

Type-checked by ``make lint``; never run.
"""

from __future__ import annotations

from pathlib import Path

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterAudioToolkit,
    OneRouterSpeechSynthesizer,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
    OneRouterTranslationTool,
)

URL = "http://localhost:8000/v1"


def build_everything() -> list[object]:
    """Each face with the client's settings (folders are typed ``Path``)."""
    return [
        OneRouterTextToSpeechTool(
            api_key="k", base_url=URL, timeout=30, max_retries=1, output_dir=Path("speech")
        ),
        OneRouterTranscriptionTool(
            api_key="k", base_url=URL, timeout=30, max_retries=1, root_dir=Path("recordings")
        ),
        OneRouterTranslationTool(
            api_key="k", base_url=URL, timeout=30, max_retries=1, root_dir=Path("recordings")
        ),
        OneRouterAudioToolkit(
            api_key="k",
            base_url=URL,
            timeout=30,
            max_retries=1,
            max_upload_bytes=10_000_000,
            root_dir=Path("recordings"),
            output_dir=Path("speech"),
            selected_tools=["transcribe_audio"],
        ),
        OneRouterSpeechSynthesizer(api_key="k", base_url=URL, timeout=30, max_retries=1),
        OneRouterTranscriptLoader(
            "talks/", api_key="k", base_url=URL, timeout=30, max_retries=1, mode="segments"
        ),
        OneRouterAudioParser(api_key="k", base_url=URL, timeout=30, max_retries=1),
    ]
