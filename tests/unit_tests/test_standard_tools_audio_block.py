"""langchain-tests standard unit suite for the speech tool returning audio blocks."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool
from langchain_tests.unit_tests import ToolsUnitTests

from langchain_onerouter_audio import OneRouterTextToSpeechTool


class TestTextToSpeechAudioBlockUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTextToSpeechTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {
            "api_key": "unit-test-key",
            "base_url": "http://127.0.0.1:9/v1",
            "return_audio": "content_block",
        }

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Hello from the test suite.", "voice": "nova"}
