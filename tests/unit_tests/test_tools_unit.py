"""The three tools on a mock API: what the model reads, what the application gets, error rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.messages import ToolCall, ToolMessage
from langchain_core.tools import BaseTool
from pydantic import ValidationError

from langchain_onerouter_audio import (
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterConnectionError,
    OneRouterError,
    OneRouterRateLimitError,
)
from langchain_onerouter_audio.models import TranscriptionVerbose
from tests._calls import call
from tests.unit_tests.fake_api import AUDIO, TEXT_BODIES, VERBOSE, FakeApi, form

SpeechToText = type[OneRouterTranscriptionTool] | type[OneRouterTranslationTool]


def tool_call(tool: BaseTool, **args: Any) -> ToolCall:
    return ToolCall(name=tool.name, args=args, id="call_1", type="tool_call")


def invoke(tool: BaseTool, mode: str, **args: Any) -> ToolMessage:
    message = call(tool, "invoke", mode, tool_call(tool, **args))
    assert isinstance(message, ToolMessage)
    assert message.tool_call_id == "call_1"
    return message


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def speaker(api: FakeApi, tmp_path: Path) -> OneRouterTextToSpeechTool:
    return OneRouterTextToSpeechTool(client=api.client(), output_dir=tmp_path / "speech")


def _stt(api: FakeApi, cls: SpeechToText, root: Path, **settings: Any) -> BaseTool:
    return cls(client=api.client(), root_dir=root, **settings)


# -- text to speech


def test_speech_file_path_and_artifact(
    api: FakeApi, speaker: OneRouterTextToSpeechTool, mode: str
) -> None:
    message = invoke(speaker, mode, text="Hello.", voice="nova", instructions="calm", speed=1.2)
    path = Path(str(message.content))
    assert message.status == "success"
    assert path.parent == speaker.output_dir
    assert re.fullmatch(r"speech-\d{8}T\d{6}Z-[0-9a-f]{12}\.mp3", path.name)
    assert path.read_bytes() == AUDIO
    assert message.artifact == {
        "path": str(path),
        "format": "mp3",
        "bytes": len(AUDIO),
        "model": "gpt-4o-mini-tts",
        "voice": "nova",
    }
    assert api.json() == {
        "model": "gpt-4o-mini-tts",
        "input": "Hello.",
        "voice": "nova",
        "instructions": "calm",
        "response_format": "mp3",
        "speed": 1.2,
    }


def test_speech_settings_from_the_constructor(api: FakeApi, tmp_path: Path) -> None:
    tool = OneRouterTextToSpeechTool(
        client=api.client(), model="tts-1", voice="onyx", audio_format="wav", output_dir=tmp_path
    )
    message = invoke(tool, "sync", text="Hi.")
    assert str(message.content).endswith(".wav")
    assert message.artifact["format"] == "wav"
    assert (message.artifact["model"], message.artifact["voice"]) == ("tts-1", "onyx")
    assert api.json() == {
        "model": "tts-1",
        "input": "Hi.",
        "voice": "onyx",
        "response_format": "wav",
    }


def test_every_call_writes_a_new_file(speaker: OneRouterTextToSpeechTool) -> None:
    first = invoke(speaker, "sync", text="One.").content
    second = invoke(speaker, "sync", text="Two.").content
    assert first != second
    assert sorted(p.name for p in speaker.output_dir.iterdir()) == sorted(
        Path(str(p)).name for p in (first, second)
    )


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ({"text": ""}, "text: String should have at least 1 character"),
        ({"text": "a" * 4097}, "text: String should have at most 4096 characters"),
        ({"text": "Hi.", "speed": 5}, "speed: Input should be less than or equal to 4"),
        ({"voice": "nova"}, "text: Field required"),
    ],
)
def test_invalid_speech_arguments_go_back_to_the_model(
    api: FakeApi, speaker: OneRouterTextToSpeechTool, mode: str, args: dict[str, Any], problem: str
) -> None:
    message = invoke(speaker, mode, **args)
    assert message.status == "error"
    assert problem in str(message.content)
    assert str(message.content).endswith("Fix them and call the tool again.")
    assert api.requests == []


@pytest.mark.parametrize("status", [400, 413, 422])
def test_refused_speech_goes_back_to_the_model(tmp_path: Path, mode: str, status: int) -> None:
    api = FakeApi(
        [lambda _: httpx.Response(status, json={"error": {"message": "voice 'x' unknown"}})]
    )
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=tmp_path)
    message = invoke(tool, mode, text="Hi.", voice="x")
    assert message.status == "error"
    assert message.content == "The audio API refused the request: voice 'x' unknown"
    assert message.artifact is None
    assert list(tmp_path.iterdir()) == []


# -- speech to text


def test_transcription_text_and_typed_artifact(api: FakeApi, audio_dir: Path, mode: str) -> None:
    tool = _stt(api, OneRouterTranscriptionTool, audio_dir)
    message = invoke(tool, mode, file_path="hello.mp3", language="en", prompt="Wolfgang")
    assert message.status == "success"
    assert message.content == "hello there"
    assert message.artifact == TranscriptionVerbose.model_validate(VERBOSE)
    assert str(api.last.url).endswith("/audio/transcriptions")
    assert sorted(form(api.last)) == [
        ("language", "en"),
        ("model", "whisper-1"),
        ("prompt", "Wolfgang"),
        ("response_format", "verbose_json"),
    ]


def test_translation_text_and_typed_artifact(api: FakeApi, audio_dir: Path, mode: str) -> None:
    tool = _stt(api, OneRouterTranslationTool, audio_dir, model="whisper-large")
    message = invoke(tool, mode, file_path="sub/../german.mp3")
    assert message.content == "hello there"
    assert isinstance(message.artifact, TranscriptionVerbose)
    assert str(api.last.url).endswith("/audio/translations")
    assert form(api.last) == [("model", "whisper-large"), ("response_format", "verbose_json")]


@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
@pytest.mark.parametrize("transcript_format", ["text", "srt", "vtt"])
def test_text_formats_are_content_and_artifact(
    api: FakeApi, audio_dir: Path, cls: SpeechToText, transcript_format: str
) -> None:
    tool = _stt(api, cls, audio_dir, transcript_format=transcript_format)
    message = invoke(tool, "sync", file_path="hello.wav")
    expected = TEXT_BODIES.get(transcript_format, f"{transcript_format}: hello there\n")
    assert message.content == message.artifact == expected


def test_json_format_artifact(api: FakeApi, audio_dir: Path) -> None:
    tool = _stt(api, OneRouterTranscriptionTool, audio_dir, transcript_format="json")
    message = invoke(tool, "sync", file_path="hello.flac")
    assert message.content == "hello there"
    assert message.artifact.usage.seconds == 2


@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
@pytest.mark.parametrize(
    ("file_path", "problem"),
    [
        ("../outside.mp3", "is outside the allowed folder"),
        ("/etc/hostname", "is outside the allowed folder"),
        ("missing.mp3", "No file at"),
        ("empty.wav", "is empty (0 bytes)"),
        ("corrupt.mp3", "does not look like audio"),
        ("README.md", "unsupported extension .md"),
        ("", "file_path: String should have at least 1 character"),
    ],
)
def test_fixable_file_problems_go_back_to_the_model(
    api: FakeApi, audio_dir: Path, mode: str, cls: SpeechToText, file_path: str, problem: str
) -> None:
    (audio_dir.parent / "outside.mp3").write_bytes((audio_dir / "hello.mp3").read_bytes())
    message = invoke(_stt(api, cls, audio_dir), mode, file_path=file_path)
    assert message.status == "error"
    assert problem in str(message.content)
    assert message.artifact is None
    assert api.requests == []


def test_a_bad_language_goes_back_to_the_model(api: FakeApi, audio_dir: Path) -> None:
    message = invoke(
        _stt(api, OneRouterTranscriptionTool, audio_dir),
        "sync",
        file_path="hello.mp3",
        language="German",
    )
    assert message.status == "error"
    assert "give an ISO-639-1 code" in str(message.content)
    assert api.requests == []


def test_translation_takes_no_language(api: FakeApi, audio_dir: Path) -> None:
    tool = _stt(api, OneRouterTranslationTool, audio_dir)
    message = invoke(tool, "sync", file_path="german.mp3", language="de")
    assert message.status == "success"  # unknown arguments are dropped by the schema
    assert "language" not in dict(form(api.last))


# -- what the model cannot fix raises


def _failing(status: int) -> FakeApi:
    return FakeApi([lambda _: httpx.Response(status, json={"error": {"message": "no"}})])


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("api", "error"),
    [
        (_failing(401), OneRouterAuthenticationError),
        (_failing(429), OneRouterRateLimitError),
        (FakeApi([_unreachable]), OneRouterConnectionError),
    ],
)
@pytest.mark.parametrize("kind", ["speech", "transcribe", "translate"])
def test_unfixable_problems_raise(
    api: FakeApi, audio_dir: Path, mode: str, error: type[Exception], kind: str
) -> None:
    tools: dict[str, tuple[BaseTool, dict[str, str]]] = {
        "speech": (
            OneRouterTextToSpeechTool(client=api.client(), output_dir=audio_dir / "out"),
            {"text": "Hi."},
        ),
        "transcribe": (
            _stt(api, OneRouterTranscriptionTool, audio_dir),
            {"file_path": "hello.mp3"},
        ),
        "translate": (_stt(api, OneRouterTranslationTool, audio_dir), {"file_path": "hello.mp3"}),
    }
    tool, args = tools[kind]
    with pytest.raises(error):
        invoke(tool, mode, **args)
    assert not (audio_dir / "out").exists() or list((audio_dir / "out").iterdir()) == []


# -- construction


def test_plain_invoke_returns_the_content_only(api: FakeApi, audio_dir: Path) -> None:
    tool = _stt(api, OneRouterTranscriptionTool, audio_dir)
    assert tool.invoke({"file_path": "hello.mp3"}) == "hello there"


def test_settings_build_a_client(tmp_path: Path) -> None:
    tool = OneRouterTextToSpeechTool(
        api_key="sk-abc", base_url="http://127.0.0.1:9/v1/", timeout=5, max_retries=4
    )
    assert tool.client.api_key.get_secret_value() == "sk-abc"
    assert tool.client.base_url == "http://127.0.0.1:9/v1"
    assert tool.client.timeout.read == 5
    assert tool.client.max_retries == 4


@pytest.mark.parametrize(
    "cls", [OneRouterTextToSpeechTool, OneRouterTranscriptionTool, OneRouterTranslationTool]
)
def test_the_upload_limit_setting_reaches_the_client(cls: type[BaseTool]) -> None:
    tool = cls(api_key="sk-abc", max_upload_bytes=1_000)
    assert tool.client.max_upload_bytes == 1_000  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "cls", [OneRouterTextToSpeechTool, OneRouterTranscriptionTool, OneRouterTranslationTool]
)
def test_a_misspelt_setting_is_refused_without_echoing_its_value(cls: type[BaseTool]) -> None:
    with pytest.raises(ValidationError, match="api_kye") as caught:
        cls(api_key="sk-abc", api_kye="sk-misspelt-secret-123")
    assert "Extra inputs are not permitted" in str(caught.value)
    assert "sk-misspelt-secret-123" not in str(caught.value)


def test_a_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", "env-key")
    tool = OneRouterTranslationTool()
    assert tool.client.api_key.get_secret_value() == "env-key"
    assert tool.root_dir == Path.cwd()


def test_no_key_anywhere_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    with pytest.raises(OneRouterError, match="No API key"):
        OneRouterTranscriptionTool()


def test_tools_are_content_and_artifact(api: FakeApi) -> None:
    for cls in (OneRouterTextToSpeechTool, OneRouterTranscriptionTool, OneRouterTranslationTool):
        assert cls(client=api.client()).response_format == "content_and_artifact"


# -- models often fill optional arguments with empty strings; that means "not given"


def test_empty_optional_speech_arguments_mean_defaults(
    api: FakeApi, speaker: OneRouterTextToSpeechTool
) -> None:
    message = invoke(speaker, "sync", text="Hi.", voice="", instructions="")
    assert message.status == "success"
    assert api.json() == {
        "model": "gpt-4o-mini-tts",
        "input": "Hi.",
        "voice": "alloy",
        "response_format": "mp3",
    }


def test_empty_optional_transcription_arguments_mean_defaults(
    api: FakeApi, audio_dir: Path, mode: str
) -> None:
    tool = _stt(api, OneRouterTranscriptionTool, audio_dir)
    message = invoke(tool, mode, file_path="hello.mp3", language="", prompt="")
    assert message.status == "success", message.content
    assert form(api.last) == [("model", "whisper-1"), ("response_format", "verbose_json")]


# -- silence, conflicting settings, the private default folder


def test_silence_is_reported_as_no_speech(audio_dir: Path, mode: str) -> None:
    silent = FakeApi([lambda request: httpx.Response(200, json={"text": "  "})])
    tool = _stt(silent, OneRouterTranscriptionTool, audio_dir, transcript_format="json")
    message = invoke(tool, mode, file_path="silence.wav")
    assert message.status == "success"
    assert message.content == "No speech was recognised in the audio file."
    assert message.artifact.text == "  "


def test_client_and_client_settings_together_are_refused(api: FakeApi) -> None:
    with pytest.raises(OneRouterError, match="either client= or client settings") as caught:
        OneRouterTextToSpeechTool(client=api.client(), api_key="sk-conflicting-key-123")
    assert "sk-conflicting-key-123" not in str(caught.value)


def test_default_output_folder_is_private(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import langchain_onerouter_audio._tool_base as tools_module

    private = tmp_path / "default-speech"
    monkeypatch.setattr(tools_module, "DEFAULT_OUTPUT_DIR", private)
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=private)
    message = invoke(tool, "sync", text="Hi.")
    assert Path(message.artifact["path"]).parent == private
    assert private.stat().st_mode & 0o777 == 0o700


def test_a_shared_default_output_folder_is_refused(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import langchain_onerouter_audio._tool_base as tools_module

    shared = tmp_path / "shared-speech"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setattr(tools_module, "DEFAULT_OUTPUT_DIR", shared)
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=shared)
    with pytest.raises(OneRouterError, match="not private"):
        invoke(tool, "sync", text="Hi.")
    assert api.requests == []
    assert list(shared.iterdir()) == []


@pytest.mark.parametrize("planted", ["link to a private folder", "regular file"])
def test_a_planted_default_output_folder_is_refused(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    import langchain_onerouter_audio._tool_base as tools_module

    elsewhere = tmp_path / "someone-elses-choice"
    elsewhere.mkdir(mode=0o700)
    default = tmp_path / "default-speech"
    if planted == "regular file":
        default.write_bytes(b"")
    else:
        default.symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setattr(tools_module, "DEFAULT_OUTPUT_DIR", default)
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=default)
    with pytest.raises(OneRouterError, match="Set output_dir="):
        invoke(tool, "sync", text="Hi.")
    assert api.requests == []
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
@pytest.mark.parametrize(
    ("file_path", "problem"),
    [
        ("sub/nope.mp3", "No file at 'sub/nope.mp3'"),
        ("sub/../nope.mp3", "No file at 'sub/../nope.mp3'"),
        ("sub", "'sub' is not a regular file"),
        ("sub/", "'sub/' is not a regular file"),
        ("x" * 300 + ".mp3", f"'{'x' * 300}.mp3' cannot be read"),
        ("sub/empty.wav", "is empty"),
        ("sub/corrupt.mp3", "does not look like audio"),
        ("sub/README.md", "unsupported extension"),
    ],
)
def test_file_problems_name_the_path_as_the_model_gave_it(
    api: FakeApi, audio_dir: Path, mode: str, cls: SpeechToText, file_path: str, problem: str
) -> None:
    (audio_dir / "sub").mkdir()
    for name in ("empty.wav", "corrupt.mp3", "README.md"):
        (audio_dir / name).rename(audio_dir / "sub" / name)
    message = invoke(_stt(api, cls, audio_dir), mode, file_path=file_path)
    assert message.status == "error"
    assert problem in str(message.content)
    assert str(audio_dir) not in str(message.content)
    assert str(audio_dir.resolve()) not in str(message.content)
    assert api.requests == []


# -- relative folders are fixed when the tool is built, so a later chdir cannot move them


@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
def test_a_relative_root_dir_stays_where_it_was_given(
    api: FakeApi, audio_dir: Path, monkeypatch: pytest.MonkeyPatch, cls: SpeechToText
) -> None:
    monkeypatch.chdir(audio_dir.parent)
    tool = cls(client=api.client(), root_dir=Path(audio_dir.name))
    elsewhere = audio_dir.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    message = invoke(tool, "sync", file_path="hello.mp3")
    assert message.status == "success", message.content
    assert tool.root_dir == audio_dir


def test_a_relative_output_dir_stays_where_it_was_given(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=Path("speech"))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    message = invoke(tool, "sync", text="Hi.")
    assert Path(message.artifact["path"]).parent == tmp_path / "speech"
    assert not (tmp_path / "elsewhere" / "speech").exists()
