"""The public surface: fixed names import, and the model sees only its own arguments."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

import langchain_onerouter_audio
from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioToolkit,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)

MODEL_ARGS: list[tuple[type[BaseTool], str, dict[str, bool]]] = [
    (
        OneRouterTextToSpeechTool,
        "text_to_speech",
        {"text": True, "voice": False, "instructions": False, "speed": False},
    ),
    (
        OneRouterTranscriptionTool,
        "transcribe_audio",
        {"file_path": True, "language": False, "prompt": False},
    ),
    (OneRouterTranslationTool, "translate_audio", {"file_path": True, "prompt": False}),
]
# Settings that belong to the application and must never reach the model.
APPLICATION_SETTINGS = {
    "client",
    "api_key",
    "base_url",
    "model",
    "audio_format",
    "transcript_format",
    "response_format",
    "output_dir",
    "root_dir",
    "run_manager",
}


def test_the_fixed_names_import() -> None:
    for name in (
        "OneRouterAudioClient",
        "OneRouterTextToSpeechTool",
        "OneRouterTranscriptionTool",
        "OneRouterTranslationTool",
        "OneRouterAudioToolkit",
    ):
        assert name in langchain_onerouter_audio.__all__
        assert name in dir(langchain_onerouter_audio)
    assert issubclass(OneRouterTextToSpeechTool, BaseTool)
    assert OneRouterAudioToolkit.__module__ == "langchain_onerouter_audio.toolkits"
    assert OneRouterAudioClient.__module__ == "langchain_onerouter_audio.client"


@pytest.mark.parametrize("module", ["errors", "models"])
def test_error_and_model_names_are_exported(module: str) -> None:
    source = importlib.import_module(f"langchain_onerouter_audio.{module}")
    names = [n for n in langchain_onerouter_audio.__all__ if hasattr(source, n)]
    assert names
    for name in names:
        assert getattr(langchain_onerouter_audio, name) is getattr(source, name)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'OneRouterNothing'"):
        _ = langchain_onerouter_audio.OneRouterNothing


def _schema(cls: type[BaseTool]) -> dict[str, Any]:
    tool = cls(api_key="schema-test-key")
    schema = tool.tool_call_schema
    assert not isinstance(schema, dict)
    return json.loads(json.dumps(schema.model_json_schema()))  # type: ignore[no-any-return]


@pytest.mark.parametrize(("cls", "name", "args"), MODEL_ARGS)
def test_tool_call_schema_shows_only_model_facing_args(
    cls: type[BaseTool], name: str, args: dict[str, bool]
) -> None:
    schema = _schema(cls)
    assert schema["title"] == name
    assert set(schema["properties"]) == set(args)
    assert not APPLICATION_SETTINGS & set(schema["properties"])
    assert sorted(schema.get("required", [])) == sorted(a for a, req in args.items() if req)
    assert len(schema["description"]) > 40
    for arg, spec in schema["properties"].items():
        assert len(spec.get("description", "")) > 20, f"{name}.{arg} has no description"


@pytest.mark.parametrize(("cls", "name", "args"), MODEL_ARGS)
def test_openai_function_definition(cls: type[BaseTool], name: str, args: dict[str, bool]) -> None:
    function = convert_to_openai_tool(cls(api_key="schema-test-key"))["function"]
    assert function["name"] == name
    assert set(function["parameters"]["properties"]) == set(args)
    assert "client" not in json.dumps(function)


def test_schemas_carry_the_documented_limits() -> None:
    speech = _schema(OneRouterTextToSpeechTool)["properties"]
    assert (speech["text"]["minLength"], speech["text"]["maxLength"]) == (1, 4096)
    assert "alloy" in speech["voice"]["description"]
    speed = speech["speed"]["anyOf"][0]
    assert (speed["minimum"], speed["maximum"]) == (0.25, 4.0)
    upload = _schema(OneRouterTranscriptionTool)["properties"]["file_path"]["description"]
    for extension in ("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm"):
        assert extension in upload


def test_retry_policy_is_exported_for_the_client() -> None:
    from langchain_onerouter_audio import RetryPolicy
    from langchain_onerouter_audio._retry import RetryPolicy as Defined

    assert RetryPolicy is Defined
    assert "RetryPolicy" in langchain_onerouter_audio.__all__
    policy = RetryPolicy(max_retries=0)
    assert OneRouterAudioClient(api_key="k", retry_policy=policy).retry_policy is policy


def test_every_exported_name_resolves() -> None:
    for name in langchain_onerouter_audio.__all__:
        assert getattr(langchain_onerouter_audio, name) is not None
