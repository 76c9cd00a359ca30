"""langchain-tests standard unit suite for each of the three tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool
from langchain_tests.unit_tests import ToolsUnitTests

from langchain_onerouter_audio import (
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
SETTINGS = {"api_key": "unit-test-key", "base_url": "http://127.0.0.1:9/v1"}
ENV = {"ONEROUTER_API_KEY": "env-key", "ONEROUTER_BASE_URL": "http://env.test/v1"}
# The settings read from the environment into the declared fields.
FROM_ENV = {"api_key": "env-key", "base_url": "http://env.test/v1"}


class TestTextToSpeechToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTextToSpeechTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {**SETTINGS, "output_dir": AUDIO / "unused"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Hello from the test suite.", "voice": "nova", "speed": 1.0}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            ENV,
            {"audio_format": "wav"},
            {"name": "text_to_speech", "audio_format": "wav", **FROM_ENV},
        )


class TestTranscriptionToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTranscriptionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {**SETTINGS, "root_dir": AUDIO}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": "hello.mp3", "language": "en"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return ENV, {"root_dir": AUDIO}, {"name": "transcribe_audio", "root_dir": AUDIO, **FROM_ENV}


class TestTranslationToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTranslationTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {**SETTINGS, "root_dir": AUDIO}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": "german.mp3"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            ENV,
            {"model": "whisper-1"},
            {"name": "translate_audio", "model": "whisper-1", **FROM_ENV},
        )
