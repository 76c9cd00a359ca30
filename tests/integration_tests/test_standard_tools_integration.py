"""langchain-tests standard integration suite for each tool, replaying recorded responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests

from langchain_onerouter_audio import (
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)

pytestmark = pytest.mark.vcr


class _RecordedTool(ToolsIntegrationTests):
    """Builds the tool with the recording settings and a private copy of the clips."""

    @pytest.fixture
    def tool(self, client_settings: dict[str, str], audio_dir: Path) -> BaseTool:
        constructor = self.tool_constructor
        assert isinstance(constructor, type)
        folders = {"output_dir": audio_dir / "speech", "root_dir": audio_dir}
        fields = constructor.model_fields
        return constructor(
            **client_settings,
            **{name: path for name, path in folders.items() if name in fields},
            **self.tool_constructor_params,
        )


class TestTextToSpeechIntegration(_RecordedTool):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTextToSpeechTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Hello there.", "voice": "alloy", "instructions": "friendly"}


class TestTranscriptionIntegration(_RecordedTool):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTranscriptionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": "hello.mp3", "language": "en"}


class TestTranslationIntegration(_RecordedTool):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTranslationTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"transcript_format": "json"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": "german.mp3"}
