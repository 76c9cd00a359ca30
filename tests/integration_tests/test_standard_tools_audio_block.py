"""langchain-tests standard integration suite for the speech tool returning audio blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests

from langchain_onerouter_audio import OneRouterTextToSpeechTool

pytestmark = pytest.mark.vcr


class TestTextToSpeechAudioBlockIntegration(ToolsIntegrationTests):
    @pytest.fixture
    def tool(self, client_settings: dict[str, str], tmp_path: Path) -> BaseTool:
        return OneRouterTextToSpeechTool(
            **client_settings, return_audio="content_block", output_dir=tmp_path
        )

    @property
    def tool_constructor(self) -> type[BaseTool]:
        return OneRouterTextToSpeechTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Hello there.", "voice": "alloy"}
