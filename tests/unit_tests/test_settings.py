"""Client settings declared as fields on every face, and one way to build a client from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterAudioToolkit,
    OneRouterSpeechSynthesizer,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.errors import OneRouterError
from tests.unit_tests.fake_api import FakeApi

KEY = "sk-settings-secret-123"
FACES = [
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
    OneRouterAudioToolkit,
    OneRouterSpeechSynthesizer,
]


@pytest.mark.parametrize("cls", FACES)
def test_settings_are_read_from_the_environment_into_the_fields(
    cls: type[OneRouterAudioToolkit], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    monkeypatch.setenv("ONEROUTER_BASE_URL", "http://env.test/v1")
    face = cls()
    assert isinstance(face.api_key, SecretStr)
    assert face.api_key.get_secret_value() == KEY
    assert face.base_url == "http://env.test/v1"
    assert (face.client.api_key.get_secret_value(), face.client.base_url) == (
        KEY,
        "http://env.test/v1",
    )


@pytest.mark.parametrize("cls", FACES)
def test_given_settings_win_over_the_environment(
    cls: type[OneRouterAudioToolkit], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", "env-key")
    monkeypatch.setenv("ONEROUTER_BASE_URL", "http://env.test/v1")
    face = cls(api_key=KEY, base_url="http://given.test/v1", timeout=7, max_retries=0)
    assert face.client.api_key.get_secret_value() == KEY
    assert face.client.base_url == "http://given.test/v1"
    assert (face.client.timeout.read, face.client.max_retries) == (7, 0)


@pytest.mark.parametrize("cls", FACES)
def test_repr_str_and_dump_hide_the_key(cls: type[OneRouterAudioToolkit]) -> None:
    face = cls(api_key=KEY)
    for view in (repr(face), str(face), repr(face.model_dump())):
        assert KEY not in view
    assert "client" not in face.model_dump()


def test_the_synthesizers_json_dump_hides_the_key() -> None:
    dump = OneRouterSpeechSynthesizer(api_key=KEY).model_dump_json()
    assert KEY not in dump
    assert '"api_key":"**********"' in dump


@pytest.mark.parametrize("cls", FACES)
def test_no_key_anywhere_is_the_clients_error(
    cls: type[OneRouterAudioToolkit], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    with pytest.raises(OneRouterError, match="No API key"):
        cls()


@pytest.mark.parametrize("cls", FACES)
def test_a_wrongly_typed_setting_is_refused_without_echoing_the_key(
    cls: type[OneRouterAudioToolkit],
) -> None:
    with pytest.raises(ValidationError, match="max_retries") as caught:
        cls(api_key=KEY, max_retries="many")  # type: ignore[arg-type]
    assert KEY not in str(caught.value)


# -- the toolkit builds its tools once


def test_the_toolkits_tools_are_built_once_and_share_one_client(tmp_path: Path) -> None:
    toolkit = OneRouterAudioToolkit(api_key=KEY, root_dir=tmp_path, output_dir=tmp_path)
    first, second = toolkit.get_tools(), toolkit.get_tools()
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert {id(tool.client) for tool in first} == {id(toolkit.client)}  # type: ignore[attr-defined]


def test_selected_tools_keep_the_order_given() -> None:
    toolkit = OneRouterAudioToolkit(
        client=FakeApi().client(), selected_tools=["translate_audio", "text_to_speech"]
    )
    assert [tool.name for tool in toolkit.get_tools()] == ["translate_audio", "text_to_speech"]
    assert OneRouterAudioToolkit(client=toolkit.client, selected_tools=[]).get_tools() == []


def test_an_unknown_tool_name_is_refused_when_the_toolkit_is_built() -> None:
    with pytest.raises(ValidationError, match="'speak'") as caught:
        OneRouterAudioToolkit(client=FakeApi().client(), selected_tools=["speak"])
    assert "text_to_speech, transcribe_audio, translate_audio" in str(caught.value)


# -- the loader and the parser take the same settings


def test_the_loader_passes_its_settings_to_the_client() -> None:
    loader = OneRouterTranscriptLoader(
        "a.mp3", api_key=KEY, base_url="http://given.test/v1", timeout=7, max_retries=0
    )
    client = loader.transcriber.client
    assert (client.base_url, client.timeout.read, client.max_retries) == (
        "http://given.test/v1",
        7,
        0,
    )


def test_the_parser_passes_its_settings_to_the_client() -> None:
    parser = OneRouterAudioParser(api_key=KEY, timeout=7, max_retries=5, max_upload_bytes=1_000)
    client = parser.transcriber.client
    assert (client.timeout.read, client.max_retries, client.max_upload_bytes) == (7, 5, 1_000)


def test_the_loader_and_parser_refuse_a_client_with_settings_without_the_key() -> None:
    client = FakeApi().client()
    with pytest.raises(OneRouterError, match="either client= or client settings") as caught:
        OneRouterTranscriptLoader("a.mp3", client=client, api_key=KEY)
    assert KEY not in str(caught.value)
    with pytest.raises(OneRouterError, match=r"client settings \(timeout\)"):
        OneRouterAudioParser(client=client, timeout=3)


def test_an_upload_limit_may_come_with_a_client_for_splitting() -> None:
    client = FakeApi().client()
    parser = OneRouterAudioParser(client=client, max_upload_bytes=1_000)
    assert parser.transcriber.client is client
    assert parser.transcriber.max_upload_bytes == 1_000


@pytest.mark.parametrize("cls", FACES)
def test_a_bad_url_from_the_environment_is_named_as_the_variable(
    cls: type[OneRouterAudioToolkit], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    monkeypatch.setenv("ONEROUTER_BASE_URL", "ftp://env.test/v1")
    with pytest.raises(OneRouterError, match=r"^ONEROUTER_BASE_URL 'ftp://"):
        cls()
    with pytest.raises(OneRouterError, match=r"^base_url 'gopher://"):
        cls(base_url="gopher://given.test/v1")
