"""The toolkit: three tools, one shared client, settings passed through."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.tools import BaseToolkit
from pydantic import ValidationError

from langchain_onerouter_audio import (
    OneRouterAudioToolkit,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.errors import OneRouterError
from tests.unit_tests.fake_api import FakeApi


def test_three_tools_share_one_client(tmp_path: Path) -> None:
    client = FakeApi().client()
    toolkit = OneRouterAudioToolkit(client=client, root_dir=tmp_path, output_dir=tmp_path / "out")
    tools = toolkit.get_tools()
    assert isinstance(toolkit, BaseToolkit)
    assert [type(t) for t in tools] == [
        OneRouterTextToSpeechTool,
        OneRouterTranscriptionTool,
        OneRouterTranslationTool,
    ]
    assert [t.name for t in tools] == ["text_to_speech", "transcribe_audio", "translate_audio"]
    assert all(t.client is client for t in tools)  # type: ignore[attr-defined]


def test_a_default_client_is_shared_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", "env-key")
    tools = OneRouterAudioToolkit().get_tools()
    clients = {id(t.client) for t in tools}  # type: ignore[attr-defined]
    assert len(clients) == 1
    assert tools[0].client.api_key.get_secret_value() == "env-key"  # type: ignore[attr-defined]


def test_settings_reach_the_tools(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()  # a root folder must exist when the tools are built
    toolkit = OneRouterAudioToolkit(
        client=FakeApi().client(),
        root_dir=tmp_path / "in",
        output_dir=tmp_path / "out",
        tts_model="tts-1",
        voice="sage",
        audio_format="flac",
        transcription_model="whisper-large-v3",
        transcript_format="srt",
    )
    speak, transcribe, translate = toolkit.get_tools()
    assert isinstance(speak, OneRouterTextToSpeechTool)
    assert (speak.model, speak.voice, speak.audio_format, speak.output_dir) == (
        "tts-1",
        "sage",
        "flac",
        tmp_path / "out",
    )
    for tool in (transcribe, translate):
        assert isinstance(tool, OneRouterTranscriptionTool | OneRouterTranslationTool)
        assert (tool.model, tool.transcript_format, tool.root_dir) == (
            "whisper-large-v3",
            "srt",
            tmp_path / "in",
        )


def test_every_call_of_get_tools_uses_the_same_client() -> None:
    toolkit = OneRouterAudioToolkit(client=FakeApi().client())
    first, second = toolkit.get_tools(), toolkit.get_tools()
    assert first[0].client is second[2].client  # type: ignore[attr-defined]


def test_no_key_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    with pytest.raises(OneRouterError, match="No API key"):
        OneRouterAudioToolkit()


def test_client_settings_build_the_shared_client() -> None:
    toolkit = OneRouterAudioToolkit(api_key="sk-toolkit", base_url="http://127.0.0.1:9/v1")
    tools = toolkit.get_tools()
    assert toolkit.client.base_url == "http://127.0.0.1:9/v1"
    assert toolkit.client.api_key.get_secret_value() == "sk-toolkit"
    assert all(t.client is toolkit.client for t in tools)  # type: ignore[attr-defined]


def test_the_upload_limit_setting_reaches_the_shared_client() -> None:
    toolkit = OneRouterAudioToolkit(api_key="sk-toolkit", max_upload_bytes=1_000)
    assert toolkit.client.max_upload_bytes == 1_000
    assert all(t.client.max_upload_bytes == 1_000 for t in toolkit.get_tools())  # type: ignore[attr-defined]


def test_a_misspelt_setting_is_refused_without_echoing_its_value() -> None:
    with pytest.raises(ValidationError, match="api_kye") as caught:
        OneRouterAudioToolkit(api_key="sk-toolkit", api_kye="sk-misspelt-secret-123")  # type: ignore[call-arg]
    assert "Extra inputs are not permitted" in str(caught.value)
    assert "sk-misspelt-secret-123" not in str(caught.value)


def test_relative_folders_stay_where_they_were_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    toolkit = OneRouterAudioToolkit(
        client=FakeApi().client(), root_dir=Path("in"), output_dir=Path("out")
    )
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    speak, transcribe, translate = toolkit.get_tools()
    assert (toolkit.root_dir, toolkit.output_dir) == (tmp_path / "in", tmp_path / "out")
    assert speak.output_dir == tmp_path / "out"  # type: ignore[attr-defined]
    assert transcribe.root_dir == translate.root_dir == tmp_path / "in"  # type: ignore[attr-defined]
